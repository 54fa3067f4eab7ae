//! The contract's views next to the model's figures: records, scores, the session's counters,
//! the reward basis, pools, every node's reward and every `RewardClaimed`. Each mismatch is one
//! [`Difference`]; reading is batched by index range and run concurrently.

use std::{collections::BTreeMap, fmt::Display};

use alloy::primitives::{Address, U256};
use gradpay_model::{Finalized, NodeSums, SessionLedger};

use super::{Difference, chain::History, concurrently};
use crate::{
    Coordinator, Result,
    bindings::{
        GradPay::RewardPoolCreated,
        IContributionTracker::{NodeRecord, NodeScore},
        IRewardDistributor::{PoolInfo, RewardBasis},
        ITrainingRegistry::SessionInfo,
    },
};

/// Nodes read per `getScores` or `rewardsOf` call.
const SCORE_PAGE: u32 = 250;
/// `clipCap` when clipping is off (`type(uint72).max`).
pub(crate) fn no_clip_cap() -> U256 {
    (U256::from(1u8) << 72) - U256::from(1u8)
}

/// The differences found so far.
#[derive(Debug, Default)]
pub(crate) struct Differences(pub(crate) Vec<Difference>);

impl Differences {
    /// Notes a difference when `chain != model`. By value: every caller passes a fresh
    /// conversion of a field (`u128::from(..)`, a `U256`), never something it keeps.
    #[allow(clippy::needless_pass_by_value)]
    pub(crate) fn check<T: PartialEq + Display>(&mut self, what: &str, at: impl Display, chain: T, model: T) {
        if chain != model {
            self.0.push(Difference {
                what: what.to_owned(),
                at: at.to_string(),
                chain: chain.to_string(),
                model: model.to_string(),
            });
        }
    }

    /// [`Self::check`] of every `(what, chain, model)` in `fields`, all at `at`.
    pub(crate) fn check_each<T: PartialEq + Display>(
        &mut self,
        at: &str,
        fields: impl IntoIterator<Item = (&'static str, T, T)>,
    ) {
        for (what, chain, model) in fields {
            self.check(what, at, chain, model);
        }
    }
}

impl Coordinator {
    /// Every node's stored record, read concurrently.
    pub(crate) async fn records(&self, session_id: u64, count: u32) -> Result<Vec<NodeRecord>> {
        concurrently(0..count, |i| self.node_record_at(session_id, i)).await
    }

    /// Every node's scores, read in pages concurrently.
    pub(crate) async fn score_pages(&self, session_id: u64, count: u32) -> Result<Vec<NodeScore>> {
        let pages = (0..count).step_by(SCORE_PAGE as usize);
        let read = |from: u32| async move {
            let call = self.contract().getScores(session_id, from, SCORE_PAGE.min(count - from));
            self.view("reading scores", call).await
        };
        Ok(concurrently(pages, read).await?.into_iter().flatten().collect())
    }

    /// `(reward, claimed)` of every node of a pool, by index: `rewardsOf` by index range and
    /// `claimedOf` for the same nodes' addresses, pages read concurrently.
    pub(crate) async fn pool_rewards(&self, pool_id: U256, nodes: &[Address]) -> Result<Vec<(U256, bool)>> {
        let count = nodes.len() as u32;
        let read = |from: u32| async move {
            let page = SCORE_PAGE.min(count - from);
            let addresses = nodes.iter().skip(from as usize).take(page as usize).copied().collect();
            let c = self.contract();
            let rewards = self.view("reading rewards", c.rewardsOf(pool_id, from, page));
            let claimed = self.view("reading claims", c.claimedOf(pool_id, addresses));
            let (rewards, claimed) = futures::try_join!(rewards, claimed)?;
            Ok(rewards.into_iter().zip(claimed).collect::<Vec<_>>())
        };
        Ok(concurrently((0..count).step_by(SCORE_PAGE as usize), read).await?.into_iter().flatten().collect())
    }
}

/// A stored record against the model's sums.
pub(crate) fn compare_record(
    d: &mut Differences,
    index: u32,
    chain: &NodeRecord,
    model: &NodeSums,
    excluded: bool,
) {
    let at = format!("node {index}");
    d.check("record index", &at, chain.index, index);
    d.check("record excluded", &at, chain.excluded, excluded);
    let fields: [(&'static str, u128, u128); 9] = [
        ("record c (computeSeconds)", chain.computeSeconds.into(), model.compute_seconds),
        ("record a (accepted)", chain.accepted.into(), model.accepted),
        ("record j (rejected)", chain.rejected.into(), model.rejected),
        ("record k (roundsOk)", chain.roundsOk.into(), model.rounds_ok),
        ("record p (roundsJoined)", chain.roundsJoined.into(), model.rounds_joined),
        ("record cons", chain.consistencySum.into(), model.consistency),
        ("record net", chain.networkSum.into(), model.network),
        ("record up", chain.uptimeSum.into(), model.uptime),
        ("record e (epochs)", chain.epochs.into(), model.epochs),
    ];
    d.check_each(&at, fields);
}

/// The view's scores against the model's.
pub(crate) fn compare_score(
    d: &mut Differences,
    index: u32,
    chain: &NodeScore,
    model: &gradpay_model::NodeScore,
) {
    let at = format!("node {index}");
    d.check("eligible", &at, chain.eligible, model.eligible);
    let fields: [(&'static str, u16, u64); 8] = [
        ("A", chain.acceptance, model.acceptance),
        ("C", chain.consistency, model.consistency),
        ("S", chain.success, model.success),
        ("Q", chain.quality, model.quality),
        ("P", chain.participation, model.participation),
        ("N", chain.network, model.network),
        ("U", chain.uptime, model.uptime),
        ("R", chain.reliability, model.reliability),
    ];
    d.check_each(&at, fields.map(|(what, chain, model)| (what, u64::from(chain), model)));
    d.check("score", &at, chain.score, model.score);
}

/// The session's counters against the history and the model.
pub(crate) fn compare_session(
    d: &mut Differences,
    info: &SessionInfo,
    history: &History,
    ledger: &SessionLedger,
    n: u32,
) {
    d.check("nodeCount", "session", info.nodeCount, history.nodes.len() as u32);
    d.check("eligibleCount", "session", info.eligibleCount, n);
    d.check("T (totalRounds)", "session", u128::from(info.totalRounds), ledger.total_rounds());
    d.check("epochCount", "session", u32::from(info.epochCount), ledger.epochs_opened());
    d.check("clipK", "session", info.clipK, history.clip_k());
    for (position, &(index, _)) in history.nodes.iter().enumerate() {
        d.check("NodeRegistered index", format!("registration {position}"), index, position as u32);
    }
}

/// What finalization fixed against the model: `getRewardBasis` and the `SessionFinalized` event.
pub(crate) fn compare_basis(
    d: &mut Differences,
    basis: &RewardBasis,
    history: &History,
    model: &Finalized,
    total_rounds: u128,
) {
    let cap = model.clip_cap.unwrap_or_else(no_clip_cap);
    let at = "reward basis";
    d.check("n (eligibleCount)", at, basis.eligibleCount, model.eligible_count());
    d.check("T (totalRounds)", at, u128::from(basis.totalRounds), total_rounds);
    d.check("clip cap", at, basis.clipCap, cap);
    d.check("S' (sumEffectiveScore)", at, basis.sumEffectiveScore, model.sum_effective);
    d.check("W (sumTierWeighted)", at, basis.sumTierWeighted, model.sum_tier_weighted);
    d.check("QS (sumQuality)", at, basis.sumQuality, model.sum_quality);
    d.check("RS (sumReliability)", at, basis.sumReliability, model.sum_reliability);
    let n = u64::from(model.eligible_count());
    let last_of = |share_bps: u64| {
        let rank = (n * share_bps).div_ceil(10_000);
        let index = rank.checked_sub(1).and_then(|r| model.ranking.get(r as usize)).copied();
        let score = |i: u32| model.scores.get(i as usize).map_or(U256::ZERO, |s| s.score);
        index.map_or((U256::ZERO, 0), |i| (score(i), i))
    };
    let (tier1_score, tier1_index) = last_of(5000);
    let (tier2_score, tier2_index) = last_of(8000);
    d.check("tier 1's last score", at, basis.tier1LastScore, tier1_score);
    d.check("tier 1's last index", at, basis.tier1LastIndex, tier1_index);
    d.check("tier 2's last score", at, basis.tier2LastScore, tier2_score);
    d.check("tier 2's last index", at, basis.tier2LastIndex, tier2_index);
    match &history.finalized {
        Some(event) => {
            let at = "SessionFinalized event";
            d.check("n (eligibleCount)", at, event.eligibleCount, model.eligible_count());
            d.check("S' (sumEffectiveScore)", at, event.sumEffectiveScore, model.sum_effective);
            d.check("clip cap", at, event.clipCap, cap);
        }
        None => d.check("SessionFinalized event", "session", "missing", "present"),
    }
}

/// One pool: every node's reward and claim against the model's payout, every `RewardClaimed`'s
/// amount against both, and what remains (its creation is [`super::pools::compare_creation`]'s).
pub(crate) fn compare_pool(
    d: &mut Differences,
    created: &RewardPoolCreated,
    info: &PoolInfo,
    paid: &[U256],
    views: &[(U256, bool)],
    history: &History,
) {
    let at = format!("pool {}", created.poolId);
    let index_of: BTreeMap<Address, u32> = history.nodes.iter().map(|&(i, a)| (a, i)).collect();
    let mut claimed: BTreeMap<u32, U256> = BTreeMap::new();
    for claim in history.claims.iter().map(|c| &c.event).filter(|c| c.poolId == created.poolId) {
        let Some(&index) = index_of.get(&claim.node) else {
            d.check("RewardClaimed node", &at, claim.node.to_string(), "a registered node".into());
            continue;
        };
        let model = paid.get(index as usize).copied().unwrap_or_default();
        d.check("RewardClaimed amount", format!("{at} node {index}"), claim.amount, model);
        if claimed.insert(index, claim.amount).is_some() {
            d.check("RewardClaimed count", format!("{at} node {index}"), 2u8, 1u8);
        }
    }
    for (index, ((reward, has_claimed), model)) in (0u32..).zip(views.iter().zip(paid)) {
        let node_at = format!("{at} node {index}");
        d.check("reward (rewardsOf)", &node_at, *reward, *model);
        d.check("claimed (claimedOf vs RewardClaimed)", &node_at, *has_claimed, claimed.contains_key(&index));
    }
    let swept = history.sweeps.iter().any(|s| s.poolId == created.poolId);
    let paid_out: U256 = claimed.values().copied().sum();
    let expected_remaining = if swept { U256::ZERO } else { created.amount.saturating_sub(paid_out) };
    d.check("remaining", &at, info.remaining, expected_remaining);
    d.check("swept (view vs PoolSwept)", &at, info.swept, swept);
}
