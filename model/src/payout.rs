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
    let basis = PoolBasis::of(finalized);
    if basis.eligible_count == 0 {
        return Ok(paid);
    }
    let split = PoolSplit::new(&basis, strategy, amount)?;
    for &index in &finalized.ranking {
        if let Some(slot) = paid.get_mut(index as usize) {
            *slot = split.reward(&basis, &NodeShare::of(finalized, index))?;
        }
    }
    Ok(paid)
}

/// The session-wide aggregates §5 divides by, as finalization fixed them: `n`, `S'`, `W`, `QS`, `RS`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolBasis {
    /// `n`
    pub eligible_count: u32,
    /// `S'`
    pub sum_effective: U256,
    /// `W`
    pub sum_tier_weighted: U256,
    /// `QS`
    pub sum_quality: U256,
    /// `RS`
    pub sum_reliability: U256,
}

impl PoolBasis {
    /// The aggregates of a finalized session.
    pub fn of(finalized: &Finalized) -> Self {
        Self {
            eligible_count: finalized.eligible_count(),
            sum_effective: finalized.sum_effective,
            sum_tier_weighted: finalized.sum_tier_weighted,
            sum_quality: finalized.sum_quality,
            sum_reliability: finalized.sum_reliability,
        }
    }
}

/// What one eligible node brings to a split: `s'`, `w`, `Q`, `R`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeShare {
    /// `s'`
    pub effective: U256,
    /// `w`
    pub tier_weight: u8,
    /// `Q`
    pub quality: u64,
    /// `R`
    pub reliability: u64,
}

impl NodeShare {
    /// Node `index`'s share of a finalized session (zeros for an unknown node).
    pub fn of(finalized: &Finalized, index: u32) -> Self {
        let score = finalized.scores.get(index as usize).copied().unwrap_or_default();
        Self {
            effective: finalized.effective.get(index as usize).copied().unwrap_or_default(),
            tier_weight: finalized.tier_weight(index),
            quality: score.quality,
            reliability: score.reliability,
        }
    }
}

/// The shares of a pool that do not depend on the node (page §5's `B, X`, `m`, `F1 F2 F3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolSplit {
    /// `r = F * s' / S'`.
    Proportional {
        /// `F`
        amount: U256,
    },
    /// `r = B * s' / S' + X * w * s' / W`.
    Tiered {
        /// `B`
        base: U256,
        /// `X`
        extra: U256,
    },
    /// `r = m + (F - n * m) * s' / S'`.
    MinimumGuarantee {
        /// `m`
        floor: U256,
        /// `F - n * m`
        rest: U256,
    },
    /// `r = F1 * s' / S' + F2 * Q / QS + F3 * R / RS`.
    Hybrid {
        /// `F1`
        score_share: U256,
        /// `F2`
        quality_share: U256,
        /// `F3`
        reliability_share: U256,
    },
}

impl PoolSplit {
    /// The node-independent shares of a pool of `amount` under `strategy`; `n` must be above 0.
    pub fn new(basis: &PoolBasis, strategy: Strategy, amount: U256) -> Result<Self, ModelError> {
        let bps = U256::from(BPS);
        let n = U256::from(basis.eligible_count);
        let part = |part_bps: u16| mul_div(amount, U256::from(part_bps), bps);
        Ok(match strategy {
            Strategy::Proportional => Self::Proportional { amount },
            Strategy::Tiered { base_bps } => {
                let base = part(base_bps)?;
                Self::Tiered { base, extra: amount - base }
            }
            Strategy::MinimumGuarantee { floor_bps } => {
                let floor = mul_div(amount, U256::from(floor_bps), bps * n)?;
                Self::MinimumGuarantee { floor, rest: amount - n * floor }
            }
            Strategy::Hybrid { quality_bps, reliability_bps, .. } => {
                // A share no node can earn goes to the score share instead of being stranded.
                let earnable =
                    |sum: U256, part_bps| if sum.is_zero() { Ok(U256::ZERO) } else { part(part_bps) };
                let quality_share = earnable(basis.sum_quality, quality_bps)?;
                let reliability_share = earnable(basis.sum_reliability, reliability_bps)?;
                let score_share = amount - quality_share - reliability_share;
                Self::Hybrid { score_share, quality_share, reliability_share }
            }
        })
    }

    /// What an eligible node with `node`'s share receives.
    pub fn reward(&self, basis: &PoolBasis, node: &NodeShare) -> Result<U256, ModelError> {
        let by_score = |share: U256| mul_div(share, node.effective, basis.sum_effective);
        match *self {
            Self::Proportional { amount } => by_score(amount),
            Self::Tiered { base, extra } => {
                let weighted = U256::from(node.tier_weight) * node.effective;
                Ok(by_score(base)? + mul_div(extra, weighted, basis.sum_tier_weighted)?)
            }
            Self::MinimumGuarantee { floor, rest } => Ok(floor + by_score(rest)?),
            Self::Hybrid { score_share, quality_share, reliability_share } => {
                let by = |share: U256, value: u64, sum: U256| {
                    if sum.is_zero() { Ok(U256::ZERO) } else { mul_div(share, U256::from(value), sum) }
                };
                Ok(by_score(score_share)?
                    + by(quality_share, node.quality, basis.sum_quality)?
                    + by(reliability_share, node.reliability, basis.sum_reliability)?)
            }
        }
    }
}
