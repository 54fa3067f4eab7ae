//! `docs/reward-math.md` §5: how a pool of `F` is split among the eligible nodes.

use alloy_primitives::U256;

use crate::error::ModelError;
use crate::finalize::Finalized;
use crate::math::{BPS, mul_div};

/// A pool's strategy with its bps parameters (page §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// 0: `r = floor(F * s' / S')`.
    Proportional,
    /// 1: a `base_bps` share by score, the rest by tier-weighted score.
    Tiered {
        /// `baseBps`
        base_bps: u16,
    },
    /// 2: everyone gets `m`, the rest by score.
    MinimumGuarantee {
        /// `floorBps`
        floor_bps: u16,
    },
    /// 3: shares by score, by `Q` and by `R`.
    Hybrid {
        /// `scoreBps` (the score share is what the other two leave: `F1 = F - F2 - F3`).
        score_bps: u16,
        /// `qualityBps`
        quality_bps: u16,
        /// `reliabilityBps`
        reliability_bps: u16,
    },
}

/// What every node (by index) is paid from a pool of `amount` under `strategy`; 0 for an
/// ineligible node, and for everyone when `n == 0`.
pub fn payout(finalized: &Finalized, strategy: Strategy, amount: U256) -> Result<Vec<U256>, ModelError> {
    let mut paid = vec![U256::ZERO; finalized.scores.len()];
    let n = U256::from(finalized.eligible_count());
    if n.is_zero() {
        return Ok(paid);
    }
    let split = Split::new(finalized, strategy, amount, n)?;
    for &index in &finalized.ranking {
        if let Some(slot) = paid.get_mut(index as usize) {
            *slot = split.reward(finalized, index)?;
        }
    }
    Ok(paid)
}

/// The shares of a pool that do not depend on the node (page §5's `B, X`, `m`, `F1 F2 F3`).
enum Split {
    Proportional { amount: U256 },
    Tiered { base: U256, extra: U256 },
    MinimumGuarantee { floor: U256, rest: U256 },
    Hybrid { score_share: U256, quality_share: U256, reliability_share: U256 },
}

impl Split {
    fn new(finalized: &Finalized, strategy: Strategy, amount: U256, n: U256) -> Result<Self, ModelError> {
        let bps = U256::from(BPS);
        let part = |part_bps: u16| mul_div(amount, U256::from(part_bps), bps);
        Ok(match strategy {
            Strategy::Proportional => Split::Proportional { amount },
            Strategy::Tiered { base_bps } => {
                let base = part(base_bps)?;
                Split::Tiered { base, extra: amount - base }
            }
            Strategy::MinimumGuarantee { floor_bps } => {
                let floor = mul_div(amount, U256::from(floor_bps), bps * n)?;
                Split::MinimumGuarantee { floor, rest: amount - n * floor }
            }
            Strategy::Hybrid { quality_bps, reliability_bps, .. } => {
                // A share no node can earn goes to the score share instead of being stranded.
                let earnable =
                    |sum: U256, part_bps| if sum.is_zero() { Ok(U256::ZERO) } else { part(part_bps) };
                let quality_share = earnable(finalized.sum_quality, quality_bps)?;
                let reliability_share = earnable(finalized.sum_reliability, reliability_bps)?;
                let score_share = amount - quality_share - reliability_share;
                Split::Hybrid { score_share, quality_share, reliability_share }
            }
        })
    }

    fn reward(&self, finalized: &Finalized, index: u32) -> Result<U256, ModelError> {
        let i = index as usize;
        let s_eff = finalized.effective.get(i).copied().unwrap_or_default();
        let by_score = |share: U256| mul_div(share, s_eff, finalized.sum_effective);
        match *self {
            Split::Proportional { amount } => by_score(amount),
            Split::Tiered { base, extra } => {
                let weighted = U256::from(finalized.tier_weight(index)) * s_eff;
                Ok(by_score(base)? + mul_div(extra, weighted, finalized.sum_tier_weighted)?)
            }
            Split::MinimumGuarantee { floor, rest } => Ok(floor + by_score(rest)?),
            Split::Hybrid { score_share, quality_share, reliability_share } => {
                let score = finalized.scores.get(i).copied().unwrap_or_default();
                let by = |share: U256, value: u64, sum: U256| {
                    if sum.is_zero() { Ok(U256::ZERO) } else { mul_div(share, U256::from(value), sum) }
                };
                Ok(by_score(score_share)?
                    + by(quality_share, score.quality, finalized.sum_quality)?
                    + by(reliability_share, score.reliability, finalized.sum_reliability)?)
            }
        }
    }
}
