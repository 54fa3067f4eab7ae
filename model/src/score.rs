//! `docs/reward-math.md` §2: a node's scores from its sums and the session's `T`.

use alloy_primitives::U256;

use crate::math::BPS;
use crate::record::NodeSums;

/// A node's scores (page §2); every field but `score` is in bps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeScore {
    /// `c > 0` and not excluded.
    pub eligible: bool,
    /// `A`
    pub acceptance: u64,
    /// `C`
    pub consistency: u64,
    /// `S`
    pub success: u64,
    /// `Q`
    pub quality: u64,
    /// `P`
    pub participation: u64,
    /// `N`
    pub network: u64,
    /// `U`
    pub uptime: u64,
    /// `R`
    pub reliability: u64,
    /// `score = c * (5000 + Q) * (20000 + R)`
    pub score: U256,
}

/// `floor(num / den)`, 0 when `den == 0`: the page's `x > 0 ? ... : 0` guards.
fn ratio_or_zero(num: u128, den: u128) -> u64 {
    num.checked_div(den).map_or(0, |q| u64::try_from(q).unwrap_or(u64::MAX))
}

/// Page §2 for one node's sums, in a session of `total_rounds` (`T`, silent epochs included).
pub fn score_node(sums: &NodeSums, total_rounds: u128, excluded: bool) -> NodeScore {
    let bps = u128::from(BPS);
    let acceptance = ratio_or_zero(bps * sums.accepted, sums.accepted + sums.rejected);
    let consistency = ratio_or_zero(sums.consistency, sums.epochs);
    let success = ratio_or_zero(bps * sums.rounds_ok, sums.rounds_joined);
    let quality = (5000 * acceptance + 3000 * consistency + 2000 * success) / BPS;
    let participation = ratio_or_zero(bps * sums.rounds_joined, total_rounds).min(BPS);
    let network = ratio_or_zero(sums.network, sums.epochs);
    let uptime = ratio_or_zero(sums.uptime, sums.epochs);
    let reliability = (5000 * participation + 3000 * network + 2000 * uptime) / BPS;
    let score =
        U256::from(sums.compute_seconds) * U256::from(5000 + quality) * U256::from(20_000 + reliability);
    NodeScore {
        eligible: sums.compute_seconds > 0 && !excluded,
        acceptance,
        consistency,
        success,
        quality,
        participation,
        network,
        uptime,
        reliability,
        score,
    }
}
