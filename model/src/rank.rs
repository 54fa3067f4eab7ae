//! `docs/reward-math.md` §4: rank by (score descending, node index ascending) and the three tiers.

use crate::math::BPS;
use crate::score::NodeScore;

/// A node's tier (page §4); rank 0 is always [`Tier::First`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// `rank < top`.
    First,
    /// `top <= rank < mid`.
    Second,
    /// `rank >= mid`.
    Third,
}

impl Tier {
    /// The tier of `rank` among `n` eligible nodes: `top = ceil(n / 2)`, `mid = ceil(n * 0.8)`.
    pub fn of(rank: u32, n: u32) -> Self {
        let top = (u64::from(n) * 5000).div_ceil(BPS);
        let mid = (u64::from(n) * 8000).div_ceil(BPS);
        match u64::from(rank) {
            r if r < top => Tier::First,
            r if r < mid => Tier::Second,
            _ => Tier::Third,
        }
    }

    /// `w`: 3, 1, 0.
    pub fn weight(self) -> u8 {
        match self {
            Tier::First => 3,
            Tier::Second => 1,
            Tier::Third => 0,
        }
    }
}

/// The eligible node indices in rank order (ranks use the unclipped score).
pub fn ranking(scores: &[NodeScore]) -> Vec<u32> {
    let mut eligible: Vec<(u32, &NodeScore)> =
        (0u32..).zip(scores).filter(|(_, score)| score.eligible).collect();
    eligible.sort_by(|(x, a), (y, b)| b.score.cmp(&a.score).then(x.cmp(y)));
    eligible.into_iter().map(|(index, _)| index).collect()
}
