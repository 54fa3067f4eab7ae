//! `gradpay explain`: how a node's reward came about, from the contract's views: its sums, its
//! scores (reward-math.md §2), its rank and tier (§4, from `getScores`), the clip cap and its
//! effective score (§3), and each pool's §5 formula with the numbers filled in. The formula is
//! evaluated with `gradpay-model` and set beside the contract's `rewardOf`, so the text cannot
//! drift from the math: when the two disagree, the explanation says so.

use alloy::primitives::{Address, U256};
use gradpay_model::{NodeShare, PoolBasis, PoolSplit, Tier};
use serde::Serialize;

use crate::{
    Coordinator, Error, Result, SessionState,
    bindings::{
        IContributionTracker::{NodeRecord, NodeScore},
        IRewardDistributor::RewardBasis,
    },
    finalize::rank,
    verify::model_strategy,
};

/// A node's sums and scores with the session's `T`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Standing {
    /// The sums (reward-math.md §1), as stored.
    #[serde(skip)]
    pub record: NodeRecord,
    /// The same, for `--json`.
    pub sums: Sums,
    /// `T`.
    pub total_rounds: u32,
    /// `A C S Q P N U R` and the score as the contract computes them.
    #[serde(skip)]
    pub score: NodeScore,
    /// The same, for `--json`.
    pub scores: Scores,
    /// Rank among the eligible nodes (score desc, index asc); `None` when not eligible.
    pub rank: Option<u32>,
    /// `n`: eligible nodes.
    pub eligible_count: u32,
    /// Tier 1, 2 or 3 (`None` when not eligible).
    pub tier: Option<u8>,
}

/// A node's sums (reward-math.md §1 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct Sums {
    #[serde(serialize_with = "crate::json::decimal")]
    pub c: u64,
    pub a: u32,
    pub j: u32,
    pub k: u32,
    pub p: u32,
    pub cons: u32,
    pub net: u32,
    pub up: u32,
    pub e: u16,
    pub excluded: bool,
}

impl From<&NodeRecord> for Sums {
    fn from(r: &NodeRecord) -> Self {
        Self {
            c: r.computeSeconds,
            a: r.accepted,
            j: r.rejected,
            k: r.roundsOk,
            p: r.roundsJoined,
            cons: r.consistencySum,
            net: r.networkSum,
            up: r.uptimeSum,
            e: r.epochs,
            excluded: r.excluded,
        }
    }
}

/// A node's scores (reward-math.md §2: `A C S Q P N U R`, bps, and `score`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Scores {
    pub eligible: bool,
    pub acceptance: u16,
    pub consistency: u16,
    pub success: u16,
    pub quality: u16,
    pub participation: u16,
    pub network: u16,
    pub uptime: u16,
    pub reliability: u16,
    #[serde(serialize_with = "crate::json::decimal")]
    pub score: U256,
}

impl From<&NodeScore> for Scores {
    fn from(s: &NodeScore) -> Self {
        Self {
            eligible: s.eligible,
            acceptance: s.acceptance,
            consistency: s.consistency,
            success: s.success,
            quality: s.quality,
            participation: s.participation,
            network: s.network,
            uptime: s.uptime,
            reliability: s.reliability,
            score: s.score,
        }
    }
}

/// One pool's formula with the node's numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolFormula {
    /// The pool.
    #[serde(serialize_with = "crate::json::decimal")]
    pub pool_id: U256,
    /// Its strategy.
    pub strategy: Option<crate::Strategy>,
    /// Its token (zero: native).
    pub token: Address,
    /// `F`.
    #[serde(serialize_with = "crate::json::decimal")]
    pub amount: U256,
    /// The §5 formula with the numbers filled in.
    pub formula: String,
    /// What the formula gives (gradpay-model).
    #[serde(serialize_with = "crate::json::decimal")]
    pub model: U256,
    /// What the contract owes (`rewardOf`).
    #[serde(serialize_with = "crate::json::decimal")]
    pub contract: U256,
    /// Whether the two agree.
    pub agrees: bool,
    /// Whether the node claimed it.
    pub claimed: bool,
}

/// What finalization fixed for the node (reward-math.md §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Clip {
    /// `clipK` (1e18 fixed point; 0: off).
    #[serde(serialize_with = "crate::json::decimal")]
    pub clip_k: u64,
    /// `cap`; `None` when clipping is off.
    #[serde(serialize_with = "crate::json::decimal_opt")]
    pub cap: Option<U256>,
    /// `s'`.
    #[serde(serialize_with = "crate::json::decimal")]
    pub effective_score: U256,
}

/// How a node's reward came about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// The session.
    #[serde(serialize_with = "crate::json::decimal")]
    pub session: u64,
    /// The node.
    pub node: Address,
    /// Its index.
    pub index: u32,
    /// The session's state.
    pub state: SessionState,
    /// Sums, scores, rank, tier.
    pub standing: Standing,
    /// The clip cap and effective score, once finalized.
    pub clip: Option<Clip>,
    /// Each pool's formula, once finalized.
    pub pools: Vec<PoolFormula>,
    /// What does not exist yet, in words (`None` once finalized).
    pub missing: Option<String>,
}

impl Coordinator {
    /// Explains `node`'s reward in `session_id` from the contract's views.
    pub async fn explain(&self, session_id: u64, node: Address) -> Result<Explanation> {
        let info = self.existing_session(session_id).await?;
        let state = SessionState::try_from(info.state)?;
        if !self.is_registered(session_id, node).await? {
            return Err(Error::NodeNotInSession { session_id, node });
        }
        let index = self.node_index(session_id, node).await?;
        let record = self.node_record_at(session_id, index).await?;
        let scores = self.scores(session_id).await?;
        let ranking = rank(&scores);
        let score = scores.get(index as usize).cloned().unwrap_or_default();
        let eligible_count = ranking.ranked.len() as u32;
        let rank = ranking.ranked.iter().position(|&i| i == index).map(|r| r as u32);
        let tier = rank.map(|r| Tier::of(r, eligible_count));
        let tier_number = tier.map(tier_number);
        let standing = Standing {
            sums: Sums::from(&record),
            scores: Scores::from(&score),
            record,
            total_rounds: info.totalRounds,
            score,
            rank,
            eligible_count,
            tier: tier_number,
        };
        let mut explanation = Explanation {
            session: session_id,
            node,
            index,
            state,
            standing,
            clip: None,
            pools: Vec::new(),
            missing: None,
        };
        if state != SessionState::Finalized {
            explanation.missing = Some(format!(
                "session {session_id} is {state}, not finalized yet: the clip cap, the effective score, \
                 the tiers that pay and the pools exist only after `gradpay session finalize` (rank and tier \
                 above are the current standings)"
            ));
            return Ok(explanation);
        }
        let basis = self.view("reading reward basis", self.contract().getRewardBasis(session_id)).await?;
        let clipped = info.clipK != 0;
        let effective = if !explanation.standing.score.eligible {
            U256::ZERO
        } else if clipped {
            explanation.standing.score.score.min(basis.clipCap)
        } else {
            explanation.standing.score.score
        };
        explanation.clip = Some(Clip {
            clip_k: info.clipK,
            cap: clipped.then_some(basis.clipCap),
            effective_score: effective,
        });
        let share = NodeShare {
            effective,
            tier_weight: tier.map_or(0, Tier::weight),
            quality: explanation.standing.score.quality.into(),
            reliability: explanation.standing.score.reliability.into(),
        };
        for pool_id in self.pool_ids(session_id).await? {
            explanation.pools.push(self.pool_formula(pool_id, node, &basis, &share).await?);
        }
        Ok(explanation)
    }

    async fn pool_formula(
        &self,
        pool_id: U256,
        node: Address,
        basis: &RewardBasis,
        share: &NodeShare,
    ) -> Result<PoolFormula> {
        let pool = self.pool(pool_id).await?;
        let contract = self.view("reading reward", self.contract().rewardOf(pool_id, node)).await?;
        let claimed = self.view("reading claim", self.contract().hasClaimed(pool_id, node)).await?;
        let model_basis = PoolBasis {
            eligible_count: basis.eligibleCount,
            sum_effective: basis.sumEffectiveScore,
            sum_tier_weighted: basis.sumTierWeighted,
            sum_quality: basis.sumQuality,
            sum_reliability: basis.sumReliability,
        };
        let (formula, model) = match model_strategy(&pool) {
            _ if share.effective.is_zero() => ("r = 0 (the node is not eligible)".to_owned(), U256::ZERO),
            Some(strategy) if model_basis.eligible_count > 0 => {
                let split = PoolSplit::new(&model_basis, strategy, pool.amount)
                    .and_then(|split| Ok((split, split.reward(&model_basis, share)?)));
                match split {
                    Ok((split, reward)) => {
                        (fill_in(&split, strategy, pool.amount, &model_basis, share, reward), reward)
                    }
                    Err(e) => (format!("the model cannot evaluate this pool: {e}"), U256::ZERO),
                }
            }
            _ => ("the model does not know this pool's strategy".to_owned(), U256::ZERO),
        };
        Ok(PoolFormula {
            pool_id,
            strategy: crate::Strategy::from_u8(pool.strategy),
            token: pool.token,
            amount: pool.amount,
            formula,
            model,
            contract,
            agrees: model == contract,
            claimed,
        })
    }
}

/// Tier 1, 2 or 3, as pages and `--json` number them.
pub(crate) const fn tier_number(tier: Tier) -> u8 {
    match tier {
        Tier::First => 1,
        Tier::Second => 2,
        Tier::Third => 3,
    }
}

/// A §5 formula with the numbers filled in.
fn fill_in(
    split: &PoolSplit,
    strategy: gradpay_model::Strategy,
    f: U256,
    b: &PoolBasis,
    s: &NodeShare,
    r: U256,
) -> String {
    let (e, ss) = (s.effective, b.sum_effective);
    match (*split, strategy) {
        (PoolSplit::Proportional { .. }, _) => format!("r = F * s' / S' = {f} * {e} / {ss} = {r}"),
        (PoolSplit::Tiered { base, extra }, gradpay_model::Strategy::Tiered { base_bps }) => format!(
            "B = F * baseBps / 10000 = {f} * {base_bps} / 10000 = {base}; X = F - B = {extra}; \
             r = B * s' / S' + X * w * s' / W = {base} * {e} / {ss} + {extra} * {} * {e} / {} = {r}",
            s.tier_weight, b.sum_tier_weighted
        ),
        (
            PoolSplit::MinimumGuarantee { floor, rest },
            gradpay_model::Strategy::MinimumGuarantee { floor_bps },
        ) => {
            format!(
                "m = F * floorBps / (10000 * n) = {f} * {floor_bps} / (10000 * {}) = {floor}; \
                 r = m + (F - n * m) * s' / S' = {floor} + {rest} * {e} / {ss} = {r}",
                b.eligible_count
            )
        }
        (PoolSplit::Hybrid { score_share, quality_share, reliability_share }, _) => format!(
            "F2 = {quality_share}, F3 = {reliability_share}, F1 = F - F2 - F3 = {score_share}; \
             r = F1 * s' / S' + F2 * Q / QS + F3 * R / RS = {score_share} * {e} / {ss} + {quality_share} * {} / {} \
             + {reliability_share} * {} / {} = {r}",
            s.quality, b.sum_quality, s.reliability, b.sum_reliability
        ),
        _ => format!("r = {r}"),
    }
}
