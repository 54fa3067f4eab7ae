//! The four pool strategies of reward-math.md §5, their parameters, and the defaults a profile
//! gives them.

use serde::{Deserialize, Serialize};

use crate::bindings::IRewardDistributor::PoolParams;

/// How a pool is split among eligible nodes; the discriminant is the contract's enum value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Pay by effective score.
    #[default]
    Proportional = 0,
    /// Proportional base plus a bonus for the top tiers.
    Tiered = 1,
    /// A floor for every eligible node, the rest proportional.
    MinimumGuarantee = 2,
    /// Weighted mix of score, quality and reliability shares.
    Hybrid = 3,
}

impl Strategy {
    /// Every strategy, in contract order.
    pub const ALL: [Self; 4] = [Self::Proportional, Self::Tiered, Self::MinimumGuarantee, Self::Hybrid];

    /// The contract's enum value.
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// The strategy with contract value `value`.
    pub const fn from_u8(value: u8) -> Option<Self> {
        match value {
            0 => Some(Self::Proportional),
            1 => Some(Self::Tiered),
            2 => Some(Self::MinimumGuarantee),
            3 => Some(Self::Hybrid),
            _ => None,
        }
    }

    /// A short human name.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Proportional => "proportional",
            Self::Tiered => "tiered",
            Self::MinimumGuarantee => "minimum-guarantee",
            Self::Hybrid => "hybrid",
        }
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Strategy parameters in bps, only the chosen strategy's fields non-zero (the contract rejects
/// the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs)] // names match `IRewardDistributor.PoolParams`
pub struct StrategyParams {
    pub tier_base_bps: u16,
    pub floor_bps: u16,
    pub score_bps: u16,
    pub quality_bps: u16,
    pub reliability_bps: u16,
}

impl StrategyParams {
    /// The parameters `strategy` uses, taken from `defaults`, every other field zero.
    pub fn for_strategy(strategy: Strategy, defaults: &PoolDefaults) -> Self {
        match strategy {
            Strategy::Proportional => Self::default(),
            Strategy::Tiered => Self { tier_base_bps: defaults.tier_base_bps, ..Self::default() },
            Strategy::MinimumGuarantee => Self { floor_bps: defaults.floor_bps, ..Self::default() },
            Strategy::Hybrid => Self {
                score_bps: defaults.hybrid_score_bps,
                quality_bps: defaults.hybrid_quality_bps,
                reliability_bps: defaults.hybrid_reliability_bps,
                ..Self::default()
            },
        }
    }
}

/// Defaults for `gradpay pool create` (reward-math.md §5 defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct PoolDefaults {
    /// Strategy when `--strategy` is not given.
    pub strategy: Strategy,
    /// Tiered: share paid proportionally, bps.
    pub tier_base_bps: u16,
    /// Minimum guarantee: floor as a fraction of the average share, bps.
    pub floor_bps: u16,
    /// Hybrid weights, bps, summing to 10000.
    pub hybrid_score_bps: u16,
    /// Hybrid quality weight, bps.
    pub hybrid_quality_bps: u16,
    /// Hybrid reliability weight, bps.
    pub hybrid_reliability_bps: u16,
    /// How long nodes may claim, in seconds from pool creation.
    pub claim_window_secs: u64,
}

impl Default for PoolDefaults {
    fn default() -> Self {
        Self {
            strategy: Strategy::Proportional,
            tier_base_bps: 8500,
            floor_bps: 5000,
            hybrid_score_bps: 7000,
            hybrid_quality_bps: 2000,
            hybrid_reliability_bps: 1000,
            claim_window_secs: 30 * 24 * 3600,
        }
    }
}

impl From<StrategyParams> for PoolParams {
    fn from(p: StrategyParams) -> Self {
        Self {
            tierBaseBps: p.tier_base_bps,
            floorBps: p.floor_bps,
            scoreBps: p.score_bps,
            qualityBps: p.quality_bps,
            reliabilityBps: p.reliability_bps,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn params_only_set_the_chosen_strategy() {
        let d = PoolDefaults::default();
        assert_eq!(StrategyParams::for_strategy(Strategy::Proportional, &d), StrategyParams::default());
        assert_eq!(StrategyParams::for_strategy(Strategy::Tiered, &d).tier_base_bps, 8500);
        assert_eq!(StrategyParams::for_strategy(Strategy::MinimumGuarantee, &d).floor_bps, 5000);
        let h = StrategyParams::for_strategy(Strategy::Hybrid, &d);
        assert_eq!((h.score_bps, h.quality_bps, h.reliability_bps, h.tier_base_bps), (7000, 2000, 1000, 0));
        for s in Strategy::ALL {
            assert_eq!(Strategy::from_u8(s.as_u8()), Some(s));
        }
    }

    #[test]
    fn params_reach_the_contract_field_by_field() {
        let params = StrategyParams {
            tier_base_bps: 1,
            floor_bps: 2,
            score_bps: 3,
            quality_bps: 4,
            reliability_bps: 5,
        };
        let p = PoolParams::from(params);
        assert_eq!((p.tierBaseBps, p.floorBps, p.scoreBps, p.qualityBps, p.reliabilityBps), (1, 2, 3, 4, 5));
    }
}
