//! Finalization: read every node's score from the contract (`getScores`, by range), rank the
//! eligible ones (score descending, index ascending), sum Σscore and Σscore² in 256 bits, and
//! submit the ranking in chunks the contract verifies, each chunk sized to fit the per-transaction
//! gas cap. Resumes a pass that a crash interrupted. No reward math is done here.

use alloy::primitives::U256;
use serde::Serialize;

use crate::{
    Coordinator, Error, Result, SessionState,
    bindings::{IContributionTracker::NodeScore, IRewardDistributor::FinalizationInfo},
};

/// Scores read per `getScores` call.
const SCORE_PAGE: u32 = 250;

/// The eligible nodes in rank order with the totals `startFinalization` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ranking {
    /// Eligible node indices, best first.
    pub ranked: Vec<u32>,
    /// Σ score over eligible nodes.
    pub sum_score: U256,
    /// Σ score² over eligible nodes.
    pub sum_score_squared: U256,
}

/// Ranks the eligible nodes of `scores`: score descending, then index ascending.
pub fn rank(scores: &[NodeScore]) -> Ranking {
    let mut eligible: Vec<&NodeScore> = scores.iter().filter(|s| s.eligible).collect();
    eligible.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
    Ranking {
        ranked: eligible.iter().map(|s| s.index).collect(),
        sum_score: eligible.iter().map(|s| s.score).sum(),
        sum_score_squared: eligible.iter().map(|s| s.score * s.score).sum(),
    }
}

/// What finalizing did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FinalizeSummary {
    /// Eligible nodes.
    pub eligible: u32,
    /// `submitRanking` transactions sent.
    pub chunks: u32,
    /// Whether the session was already finalized.
    pub already_finalized: bool,
}

/// A node whose score is above the session's clip cap (reward-math.md §3), as the contract fixed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outlier {
    /// The node's index.
    pub index: u32,
    /// Its (unclipped) score.
    pub score: U256,
    /// The cap its effective score is clipped to.
    pub clip_cap: U256,
}

impl Coordinator {
    /// The nodes clipped as outliers, read from the contract's views: the cap comes from
    /// `getFinalization` once finalization has started (the contract computes it from the claimed
    /// totals), so call this after `startFinalization` or on a finalized session. Empty before, or
    /// when clipping is off.
    pub async fn outliers(&self, session_id: u64) -> Result<Vec<Outlier>> {
        let pass = self.finalization(session_id).await?;
        if !pass.started || self.session(session_id).await?.clipK == 0 {
            return Ok(Vec::new());
        }
        let scores = self.scores(session_id).await?;
        Ok(scores
            .iter()
            .filter(|s| s.eligible && s.score > pass.clipCap)
            .map(|s| Outlier { index: s.index, score: s.score, clip_cap: pass.clipCap })
            .collect())
    }

    /// The session's finalization pass as the contract keeps it (cap, totals, progress).
    pub async fn finalization(&self, session_id: u64) -> Result<FinalizationInfo> {
        self.view("reading finalization", self.contract().getFinalization(session_id)).await
    }

    /// Every node's scores, read in pages.
    pub async fn scores(&self, session_id: u64) -> Result<Vec<NodeScore>> {
        let count = self.session(session_id).await?.nodeCount;
        let mut scores = Vec::with_capacity(count as usize);
        let mut from = 0;
        while from < count {
            let page = SCORE_PAGE.min(count - from);
            scores.extend(
                self.view("reading scores", self.contract().getScores(session_id, from, page)).await?,
            );
            from += page;
        }
        Ok(scores)
    }

    /// Finalizes a Completed session (resuming an interrupted pass); a Finalized one is left alone.
    pub async fn finalize(
        &self,
        session_id: u64,
        on_progress: &(dyn Fn(u32, u32) + Sync),
    ) -> Result<FinalizeSummary> {
        let session = self.existing_session(session_id).await?;
        match SessionState::try_from(session.state)? {
            SessionState::Finalized => {
                return Ok(FinalizeSummary {
                    eligible: session.eligibleCount,
                    already_finalized: true,
                    ..Default::default()
                });
            }
            SessionState::Completed => {}
            state => {
                let hint = "complete it first with `gradpay session complete`".into();
                return Err(Error::SessionState { session_id, state, hint });
            }
        }
        let ranking = rank(&self.scores(session_id).await?);
        let eligible = ranking.ranked.len() as u32;
        let pass = self.finalization(session_id).await?;
        // Resume only a pass started with the same totals; otherwise (re)start it.
        let resumable = pass.started && pass.eligibleCount == eligible && pass.processed > 0;
        let mut done = if resumable { pass.processed as usize } else { 0 };
        if !resumable {
            let call = self.contract().startFinalization(
                session_id,
                eligible,
                ranking.sum_score,
                ranking.sum_score_squared,
            );
            self.transact("startFinalization", self.request(call.calldata().clone())).await?;
        }
        let mut summary = FinalizeSummary { eligible, ..Default::default() };
        let mut chunk = self.profile().finalize_chunk;
        while done < ranking.ranked.len() {
            on_progress(done as u32, eligible);
            let end = (done + chunk).min(ranking.ranked.len());
            let last = end == ranking.ranked.len();
            let call = self.contract().submitRanking(session_id, ranking.ranked[done..end].to_vec(), last);
            let request = self.request(call.calldata().clone());
            // Halve a chunk whose estimate does not fit under the per-transaction cap.
            match self.gas_limit_for("submitRanking", &request).await {
                Ok(_) => {}
                Err(e) if chunk > 1 && too_much_work(&e) => {
                    chunk /= 2;
                    tracing::info!(chunk, "ranking chunk too large, halving");
                    continue;
                }
                Err(e) => return Err(e),
            }
            self.transact("submitRanking", request).await?;
            summary.chunks += 1;
            done = end;
        }
        on_progress(eligible, eligible);
        Ok(summary)
    }
}

/// Whether an estimate failed because the chunk is too much work for one transaction: above the
/// cap, or a node that cannot estimate that much gas (it says so in words).
fn too_much_work(error: &Error) -> bool {
    match error {
        Error::GasAboveCap { .. } => true,
        Error::Transport { reason, .. } => reason.contains("gas"),
        _ => false,
    }
}

/// A node's scores with only the fields ranking reads (for tests).
#[cfg(test)]
pub(crate) fn ranked_score(index: u32, eligible: bool, score: u64) -> NodeScore {
    NodeScore { index, eligible, score: U256::from(score), ..Default::default() }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::{ranked_score as score, *};

    #[test]
    fn ranks_by_score_then_index_and_sums_eligible_only() {
        let scores = [
            score(0, true, 5),
            score(1, true, 9),
            score(2, false, 100),
            score(3, true, 9),
            score(4, true, 1),
        ];
        let r = rank(&scores);
        assert_eq!(r.ranked, vec![1, 3, 0, 4]);
        assert_eq!(r.sum_score, U256::from(24u64));
        assert_eq!(r.sum_score_squared, U256::from(81u64 + 81 + 25 + 1));
    }
}
