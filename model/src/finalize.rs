//! `docs/reward-math.md` §3-§4 together: what finalization fixes for every pool of a session.

use alloy_primitives::{U256, U512};

use crate::clip::{FinalizationTotals, clip_cap, effective_score};
use crate::error::ModelError;
use crate::math::narrow;
use crate::rank::{Tier, ranking};
use crate::score::NodeScore;

/// A finalized session: every per-node figure by node index (`None` or 0 for an ineligible
/// node), and the aggregates the strategies of §5 divide by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finalized {
    /// Every node's §2 scores.
    pub scores: Vec<NodeScore>,
    /// Eligible node indices in rank order (§4): what `submitRanking` is sent.
    pub ranking: Vec<u32>,
    /// Each node's rank.
    pub ranks: Vec<Option<u32>>,
    /// Each node's tier.
    pub tiers: Vec<Option<Tier>>,
    /// `n`, `SUM`, `SQ`.
    pub totals: FinalizationTotals,
    /// `cap`; `None` when clipping is off.
    pub clip_cap: Option<U256>,
    /// `s'` (0 for an ineligible node).
    pub effective: Vec<U256>,
    /// `S'`
    pub sum_effective: U256,
    /// `W = sum of w * s'`
    pub sum_tier_weighted: U256,
    /// `QS`
    pub sum_quality: U256,
    /// `RS`
    pub sum_reliability: U256,
}

impl Finalized {
    /// `n`.
    pub fn eligible_count(&self) -> u32 {
        self.totals.eligible_count
    }

    /// `w` of node `index` (0 for an ineligible or unknown node).
    pub fn tier_weight(&self, index: u32) -> u8 {
        self.tiers.get(index as usize).copied().flatten().map_or(0, Tier::weight)
    }
}

/// `n`, `SUM` and `SQ` of the eligible nodes among `scores`.
pub fn finalization_totals(scores: &[NodeScore]) -> Result<FinalizationTotals, ModelError> {
    let eligible = scores.iter().filter(|s| s.eligible);
    let (count, sum, squares) = eligible.fold((0usize, U512::ZERO, U512::ZERO), |(n, sum, sq), s| {
        let score = U512::from(s.score);
        (n + 1, sum + score, sq + score * score)
    });
    Ok(FinalizationTotals {
        eligible_count: u32::try_from(count).map_err(|_| ModelError::TooManyNodes { count })?,
        sum_score: narrow(sum)?,
        sum_score_squared: narrow(squares)?,
    })
}

/// Page §3-§4 for a session whose nodes have `scores` (by index), with clip factor `clip_k`.
pub fn finalize(scores: Vec<NodeScore>, clip_k: u64) -> Result<Finalized, ModelError> {
    let totals = finalization_totals(&scores)?;
    let cap = clip_cap(&totals, clip_k)?;
    let ranking = ranking(&scores);
    let count = scores.len();
    let mut ranks = vec![None; count];
    let mut tiers = vec![None; count];
    let mut effective = vec![U256::ZERO; count];
    let (mut sum_effective, mut sum_tier_weighted) = (U512::ZERO, U512::ZERO);
    let (mut sum_quality, mut sum_reliability) = (U256::ZERO, U256::ZERO);
    for (rank, &index) in (0u32..).zip(&ranking) {
        let i = index as usize;
        let score = scores.get(i).copied().unwrap_or_default();
        let tier = Tier::of(rank, totals.eligible_count);
        let s_eff = effective_score(score.score, cap);
        if let (Some(r), Some(t), Some(e)) = (ranks.get_mut(i), tiers.get_mut(i), effective.get_mut(i)) {
            (*r, *t, *e) = (Some(rank), Some(tier), s_eff);
        }
        sum_effective += U512::from(s_eff);
        sum_tier_weighted += U512::from(tier.weight()) * U512::from(s_eff);
        sum_quality += U256::from(score.quality);
        sum_reliability += U256::from(score.reliability);
    }
    Ok(Finalized {
        scores,
        ranking,
        ranks,
        tiers,
        totals,
        clip_cap: cap,
        effective,
        sum_effective: narrow(sum_effective)?,
        sum_tier_weighted: narrow(sum_tier_weighted)?,
        sum_quality,
        sum_reliability,
    })
}
