//! What the index keeps of the contract's views, read in bulk when a session's events change:
//! the session's counters, every node's sums and scores with its rank, tier and effective score
//! (`getScores` by pages, ranked as finalization ranks), and the pools with every node's reward
//! (`rewardsOf` by pages). The numbers are the contract's; nothing here recomputes a reward.

use alloy::primitives::{Address, U256};
use gradpay_model::Tier;
use serde::{Deserialize, Serialize};

use crate::{
    Coordinator, Result, SessionState, Strategy,
    bindings::{IContributionTracker::NodeRecord, IRewardDistributor::RewardBasis},
    explain::{Scores, Sums, tier_number},
    finalize::rank,
    verify::concurrently,
};

alloy::sol! {
    #[sol(rpc)]
    interface IERC20Metadata {
        function symbol() external view returns (string);
        function decimals() external view returns (uint8);
    }
}

/// Nodes read per `rewardsOf` call.
const REWARD_PAGE: u32 = 500;

/// A session as its views show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct SessionData {
    pub id: u64,
    pub owner: Address,
    pub state: String,
    pub model_hash: String,
    pub node_signed: bool,
    /// clipK, 1e18 fixed point (0: clipping off).
    pub clip_k: String,
    /// The clip cap finalization fixed (`None`: not finalized, or clipping off).
    pub clip_cap: Option<String>,
    pub node_count: u32,
    pub eligible_count: u32,
    pub excluded_count: u32,
    pub epoch_count: u16,
    /// `T`.
    pub total_rounds: u32,
    pub compute_seconds: String,
    pub accepted: String,
    pub rejected: String,
    pub node_epochs: String,
    pub pool_count: u8,
}

/// One node's sums, scores and standing (stored as its JSON and served as stored).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StandingData {
    /// Its index.
    pub index: u32,
    /// reward-math.md §1 sums.
    pub sums: Sums,
    /// reward-math.md §2 ratios (bps) and the score.
    pub scores: Scores,
    /// 1-based rank among the eligible nodes (score desc, index asc).
    pub rank: Option<u32>,
    /// Tier 1, 2 or 3.
    pub tier: Option<u8>,
    /// Whether finalization cut its score to the clip cap.
    pub clipped: bool,
    /// `s'`, once finalized.
    pub effective_score: Option<String>,
}

/// A pool as `getPool` and its token show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PoolData {
    pub pool_id: String,
    pub session: u64,
    /// Zero: the chain's native coin.
    pub token: Address,
    pub symbol: String,
    /// `None`: the token does not say (amounts are shown in base units).
    pub decimals: Option<u8>,
    pub strategy: String,
    pub amount: String,
    pub remaining: String,
    /// What its nodes are owed in all (Σ rewardOf).
    pub entitled: String,
    /// `amount - entitled`: what rounding leaves, refunded by a sweep.
    pub dust: String,
    /// Unix seconds, counting the pauses so far.
    pub deadline: u64,
    pub swept: bool,
    pub refund_to: Address,
}

/// A session's snapshot: what [`Coordinator::session_snapshot`] read.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub(crate) session: SessionData,
    /// Empty when only the pools were re-read.
    pub(crate) standings: Vec<StandingData>,
    pub(crate) pools: Vec<(PoolData, Option<Vec<U256>>)>,
}

impl Coordinator {
    /// Reads session `id`'s views: the session, every node's standing when `nodes` (else only
    /// the counters), every pool, and the rewards of the pools `known_pools` does not hold yet
    /// (rewards are fixed when a pool is created).
    pub(crate) async fn session_snapshot(
        &self,
        id: u64,
        nodes: bool,
        known_pools: &[String],
    ) -> Result<Snapshot> {
        let info = self.session(id).await?;
        let state = SessionState::try_from(info.state)?;
        let (totals, owner) = futures::try_join!(
            self.session_totals(id),
            self.view("reading session owner", self.contract().sessionOwner(id))
        )?;
        let basis = match state {
            SessionState::Finalized => {
                Some(self.view("reading reward basis", self.contract().getRewardBasis(id)).await?)
            }
            _ => None,
        };
        let clipping = info.clipK != 0;
        let standings = if nodes {
            let (records, scores) =
                futures::try_join!(self.records(id, info.nodeCount), self.score_pages(id, info.nodeCount))?;
            standings(&records, &scores, basis.as_ref().filter(|_| clipping), basis.is_some())
        } else {
            Vec::new()
        };
        let excluded_count = records_excluded(&standings);
        let session = SessionData {
            id,
            owner,
            state: state.name().to_owned(),
            model_hash: info.modelHash.to_string(),
            node_signed: info.nodeSigned,
            clip_k: info.clipK.to_string(),
            clip_cap: basis.as_ref().filter(|_| clipping).map(|b| b.clipCap.to_string()),
            node_count: info.nodeCount,
            eligible_count: info.eligibleCount,
            excluded_count,
            epoch_count: info.epochCount,
            total_rounds: info.totalRounds,
            compute_seconds: totals.computeSeconds.to_string(),
            accepted: totals.accepted.to_string(),
            rejected: totals.rejected.to_string(),
            node_epochs: totals.nodeEpochs.to_string(),
            pool_count: info.poolCount,
        };
        let pool_ids: Vec<U256> = (0..info.poolCount).map(|i| crate::claims::pool_id(id, i)).collect();
        let pools = concurrently(pool_ids, |pool_id| async move {
            let known = known_pools.contains(&pool_id.to_string());
            self.pool_snapshot(pool_id, info.nodeCount, known).await
        })
        .await?;
        Ok(Snapshot { session, standings, pools })
    }

    /// A pool, and its rewards unless `known`; its `entitled`/`dust` are filled in by the caller
    /// for a known pool (from the stored rewards).
    async fn pool_snapshot(
        &self,
        pool_id: U256,
        count: u32,
        known: bool,
    ) -> Result<(PoolData, Option<Vec<U256>>)> {
        let info = self.pool(pool_id).await?;
        let (symbol, decimals) = self.token_metadata(info.token).await;
        let rewards = if known { None } else { Some(self.reward_pages(pool_id, count).await?) };
        let entitled: U256 = rewards.iter().flatten().fold(U256::ZERO, |sum, r| sum.saturating_add(*r));
        let data = PoolData {
            pool_id: pool_id.to_string(),
            session: info.sessionId,
            token: info.token,
            symbol,
            decimals,
            strategy: Strategy::from_u8(info.strategy)
                .map_or_else(|| format!("#{}", info.strategy), |s| s.to_string()),
            amount: info.amount.to_string(),
            remaining: info.remaining.to_string(),
            entitled: entitled.to_string(),
            dust: info.amount.saturating_sub(entitled).to_string(),
            deadline: info.claimDeadline.to::<u64>(),
            swept: info.swept,
            refund_to: info.refundTo,
        };
        Ok((data, rewards))
    }

    /// Every node's reward from `pool_id`, `rewardsOf` by pages read concurrently.
    async fn reward_pages(&self, pool_id: U256, count: u32) -> Result<Vec<U256>> {
        let read = |from: u32| async move {
            let call = self.contract().rewardsOf(pool_id, from, REWARD_PAGE.min(count - from));
            self.view("reading rewards", call).await
        };
        Ok(concurrently((0..count).step_by(REWARD_PAGE as usize), read)
            .await?
            .into_iter()
            .flatten()
            .collect())
    }

    /// The token's symbol and decimals; the native coin is "ETH" with 18 (MON on Monad), a token
    /// that does not answer is shown by its address in base units.
    async fn token_metadata(&self, token: Address) -> (String, Option<u8>) {
        if token.is_zero() {
            let native = if self.profile().is_monad_chain() { "MON" } else { "ETH" };
            return (native.to_owned(), Some(18));
        }
        let erc20 = IERC20Metadata::new(token, self.provider());
        let (symbol, decimals) =
            futures::join!(async { erc20.symbol().call().await }, async { erc20.decimals().call().await });
        let short = format!("{:#}", token);
        (symbol.unwrap_or(short), decimals.ok())
    }
}

/// Nodes whose record says excluded.
fn records_excluded(standings: &[StandingData]) -> u32 {
    standings.iter().filter(|s| s.sums.excluded).count() as u32
}

/// Every node's standing from its record and scores: rank and tier by the finalization order,
/// the clip (against `clip`'s cap, when clipping) and the effective score (once `finalized`).
fn standings(
    records: &[NodeRecord],
    scores: &[crate::bindings::IContributionTracker::NodeScore],
    clip: Option<&RewardBasis>,
    finalized: bool,
) -> Vec<StandingData> {
    let ranking = rank(scores);
    let eligible = ranking.ranked.len() as u32;
    let mut ranks = vec![None; scores.len()];
    for (position, &index) in (0u32..).zip(&ranking.ranked) {
        if let Some(slot) = ranks.get_mut(index as usize) {
            *slot = Some(position);
        }
    }
    (0u32..)
        .zip(records.iter().zip(scores))
        .map(|(index, (record, score))| {
            let position = ranks.get(index as usize).copied().flatten();
            let tier = position.map(|r| tier_number(Tier::of(r, eligible)));
            let capped = clip.map_or(score.score, |basis| score.score.min(basis.clipCap));
            let effective = if score.eligible { capped } else { U256::ZERO };
            StandingData {
                index,
                sums: Sums::from(record),
                scores: Scores::from(score),
                rank: position.map(|r| r + 1),
                tier,
                clipped: score.eligible && clip.is_some_and(|basis| score.score > basis.clipCap),
                effective_score: finalized.then(|| effective.to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::finalize::ranked_score as score;

    #[test]
    fn ranks_tiers_and_clips_like_finalization() {
        let scores = [score(0, true, 50), score(1, false, 0), score(2, true, 90), score(3, true, 50)];
        let records = vec![NodeRecord::default(); 4];
        let basis = RewardBasis { clipCap: U256::from(60u8), ..Default::default() };
        let s = standings(&records, &scores, Some(&basis), true);
        let ranks: Vec<_> = s.iter().map(|s| s.rank).collect();
        assert_eq!(
            ranks,
            vec![Some(2), None, Some(1), Some(3)],
            "score desc, index asc, ineligible unranked"
        );
        assert!(s[2].clipped && !s[0].clipped && !s[1].clipped);
        assert_eq!(s[2].effective_score.as_deref(), Some("60"), "cut to the cap");
        assert_eq!(s[1].effective_score.as_deref(), Some("0"));
        assert_eq!(s[1].tier, None);
        let unclipped = standings(&records, &scores, None, false);
        assert!(unclipped.iter().all(|s| !s.clipped && s.effective_score.is_none()));
    }
}
