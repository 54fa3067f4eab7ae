//! `docs/reward-math.md` §3: the optional outlier cap, `mean + clipK * sigma` in exact integers.

use alloy_primitives::{U256, U512};

use crate::error::ModelError;
use crate::math::{WAD, isqrt, narrow};

/// What `startFinalization` is told, and `getFinalizationTotals` sums: `n`, `SUM`, `SQ` over
/// the eligible nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FinalizationTotals {
    /// `n`
    pub eligible_count: u32,
    /// `SUM`
    pub sum_score: U256,
    /// `SQ`
    pub sum_score_squared: U256,
}

/// `cap = floor((SUM * 1e18 + clipK * isqrt(n * SQ - SUM^2)) / (n * 1e18))`; `None` when
/// clipping is off (`clipK == 0`) or there is nobody to clip (`n == 0`).
pub fn clip_cap(totals: &FinalizationTotals, clip_k: u64) -> Result<Option<U256>, ModelError> {
    if clip_k == 0 || totals.eligible_count == 0 {
        return Ok(None);
    }
    let n = U512::from(totals.eligible_count);
    let sum = U512::from(totals.sum_score);
    // V >= 0 by Cauchy-Schwarz; it is exact, so no saturation is needed.
    let variance = n * U512::from(totals.sum_score_squared) - sum * sum;
    let wad = U512::from(WAD);
    let cap = (sum * wad + U512::from(clip_k) * isqrt(variance)) / (n * wad);
    narrow(cap).map(Some)
}

/// `s' = clipK == 0 ? score : min(score, cap)`.
pub fn effective_score(score: U256, cap: Option<U256>) -> U256 {
    cap.map_or(score, |cap| score.min(cap))
}
