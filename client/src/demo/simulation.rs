//! The demo's simulated training: each node drawn with its own character (speed, how often it
//! joins a round, succeeds, has its gradients accepted), then played epoch by epoch into the
//! activity a real node would report. Deterministic: same seed, same session.

use crate::{EpochActivity, EpochEntry, Result, record::EpochRecord};

/// Rounds per simulated epoch.
const EPOCH_ROUNDS: u32 = 20;

/// The simulated session: every node's character, and the generator that plays their epochs.
#[derive(Debug, Clone)]
pub(super) struct Training {
    rng: SplitMix64,
    nodes: Vec<NodeTraits>,
}

impl Training {
    /// `nodes` nodes drawn from `seed`.
    pub(super) fn new(seed: u64, nodes: u32) -> Self {
        let mut rng = SplitMix64(seed);
        let nodes = (0..nodes).map(|_| NodeTraits::draw(&mut rng)).collect();
        Self { rng, nodes }
    }

    /// The next epoch, numbered `epoch`, as every node reports it (reward-math.md §1 fields).
    pub(super) fn epoch(&mut self, epoch: u32) -> Result<EpochRecord> {
        let entries: Vec<EpochEntry> = (0..self.nodes.len())
            .map(|i| self.nodes[i].simulate_epoch(&mut self.rng).aggregate(i as u32, EPOCH_ROUNDS))
            .collect::<Result<_>>()?;
        Ok(EpochRecord { epoch, epoch_rounds: EPOCH_ROUNDS, entries })
    }
}

/// A node's character in the simulation.
#[derive(Debug, Clone, Copy)]
struct NodeTraits {
    seconds_per_epoch: u64,
    join_probability: f64,
    success_probability: f64,
    accept_probability: f64,
    norm_spread: f64,
    uptime: f64,
    network_bps: u16,
}

impl NodeTraits {
    fn draw(rng: &mut SplitMix64) -> Self {
        Self {
            seconds_per_epoch: 600 + rng.below(3000),
            join_probability: 0.6 + 0.4 * rng.unit(),
            success_probability: 0.7 + 0.3 * rng.unit(),
            accept_probability: 0.5 + 0.5 * rng.unit(),
            norm_spread: 0.05 + 0.6 * rng.unit(),
            uptime: 0.7 + 0.3 * rng.unit(),
            network_bps: 5000 + rng.below(5001) as u16,
        }
    }

    fn simulate_epoch(&self, rng: &mut SplitMix64) -> EpochActivity {
        let mut activity =
            EpochActivity { epoch_seconds: 3600, network_bps: self.network_bps, ..EpochActivity::default() };
        for _ in 0..EPOCH_ROUNDS {
            if rng.unit() >= self.join_probability {
                continue;
            }
            activity.rounds.push(rng.unit() < self.success_probability);
            let norm = 1.0 + self.norm_spread * (2.0 * rng.unit() - 1.0);
            activity.gradients.push((norm, rng.unit() < self.accept_probability));
        }
        activity.compute_seconds =
            self.seconds_per_epoch * activity.rounds.len() as u64 / u64::from(EPOCH_ROUNDS);
        activity.online_seconds = (3600.0 * self.uptime) as u64;
        activity
    }
}

/// A small deterministic generator (SplitMix64): the simulation must not depend on a platform RNG.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub const fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n) (n > 0).
    pub const fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}
