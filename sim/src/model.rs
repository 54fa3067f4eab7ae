//! The reference model: `/work/shared/reward-math.md` in integers, written from the page.
//!
//! Nothing here looks at the Solidity. Sums are kept wider than the contract stores them
//! (the page puts no cap on them); what the contract's storage widths add is checked by the
//! driver, not here. Products that can pass 256 bits go through [`mul_div`] in 512 bits.

use alloy_primitives::{U256, U512};

use crate::error::SimError;

/// 10,000: one in bps.
const BPS: u64 = 10_000;
/// The bound of a bps field of an entry.
const BPS_FIELD_MAX: u16 = 10_000;
/// 1e18: one in `clipK`'s fixed point.
const WAD: u64 = 1_000_000_000_000_000_000;

/// Which field of an entry broke its bound (page §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryBound {
    /// `roundsOk <= roundsJoined` failed.
    RoundsOk,
    /// `roundsJoined <= epochRounds` failed.
    RoundsJoined,
    /// `consistencyBps <= 10000` failed.
    ConsistencyBps,
    /// `networkBps <= 10000` failed.
    NetworkBps,
    /// `uptimeBps <= 10000` failed.
    UptimeBps,
}

/// One node's metrics for one epoch (page §1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EpochEntry {
    /// Dense index of the node in its session.
    pub node: u32,
    /// Compute seconds spent this epoch.
    pub compute_seconds: u32,
    /// Gradient submissions accepted.
    pub accepted: u32,
    /// Gradient submissions rejected.
    pub rejected: u32,
    /// Rounds completed successfully.
    pub rounds_ok: u32,
    /// Rounds taken part in.
    pub rounds_joined: u32,
    /// Gradient consistency, bps.
    pub consistency_bps: u16,
    /// Network quality, bps.
    pub network_bps: u16,
    /// Uptime, bps.
    pub uptime_bps: u16,
}

impl EpochEntry {
    /// The first bound of page §1 this entry breaks in an epoch of `epoch_rounds`.
    pub fn broken_bound(&self, epoch_rounds: u32) -> Option<EntryBound> {
        let bps = BPS_FIELD_MAX;
        if self.rounds_ok > self.rounds_joined {
            Some(EntryBound::RoundsOk)
        } else if self.rounds_joined > epoch_rounds {
            Some(EntryBound::RoundsJoined)
        } else if self.consistency_bps > bps {
            Some(EntryBound::ConsistencyBps)
        } else if self.network_bps > bps {
            Some(EntryBound::NetworkBps)
        } else if self.uptime_bps > bps {
            Some(EntryBound::UptimeBps)
        } else {
            None
        }
    }
}

/// Why the page makes a whole batch fail (page §1). Positions are indices into the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchRejection {
    /// The entry at `position` breaks `bound`.
    OutOfBounds {
        /// Index of the entry in the batch.
        position: usize,
        /// The bound it breaks.
        bound: EntryBound,
    },
    /// The entry at `position` names a node the session does not have.
    UnknownNode {
        /// Index of the entry in the batch.
        position: usize,
    },
    /// The entry at `position` names a node already recorded in this epoch.
    AlreadyRecorded {
        /// Index of the entry in the batch.
        position: usize,
    },
    /// The epoch is older than the last one recorded.
    EpochOutOfOrder,
    /// A later batch of the current epoch gives another `epochRounds`.
    EpochRoundsMismatch,
}

/// A node's running sums (page §1: `c a j k p cons net up e`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeSums {
    /// `c`
    pub compute_seconds: u128,
    /// `a`
    pub accepted: u128,
    /// `j`
    pub rejected: u128,
    /// `k`
    pub rounds_ok: u128,
    /// `p`
    pub rounds_joined: u128,
    /// `cons`
    pub consistency: u128,
    /// `net`
    pub network: u128,
    /// `up`
    pub uptime: u128,
    /// `e`
    pub epochs: u128,
}

impl NodeSums {
    fn add(&mut self, entry: &EpochEntry) {
        self.compute_seconds += u128::from(entry.compute_seconds);
        self.accepted += u128::from(entry.accepted);
        self.rejected += u128::from(entry.rejected);
        self.rounds_ok += u128::from(entry.rounds_ok);
        self.rounds_joined += u128::from(entry.rounds_joined);
        self.consistency += u128::from(entry.consistency_bps);
        self.network += u128::from(entry.network_bps);
        self.uptime += u128::from(entry.uptime_bps);
        self.epochs += 1;
    }
}

/// What a session has recorded: the input of scoring.
#[derive(Clone, Debug, Default)]
pub struct SessionLedger {
    sums: Vec<NodeSums>,
    excluded: Vec<bool>,
    total_rounds: u128,
    current_epoch: Option<u32>,
    current_epoch_rounds: u32,
    recorded_this_epoch: Vec<bool>,
}

impl SessionLedger {
    /// A session of `node_count` registered nodes and no records.
    pub fn new(node_count: u32) -> Self {
        let n = node_count as usize;
        Self {
            sums: vec![NodeSums::default(); n],
            excluded: vec![false; n],
            recorded_this_epoch: vec![false; n],
            ..Self::default()
        }
    }

    /// Registered nodes.
    pub fn node_count(&self) -> u32 {
        u32::try_from(self.sums.len()).unwrap_or(u32::MAX)
    }

    /// The running sums of node `index`.
    pub fn sums(&self, index: u32) -> Option<&NodeSums> {
        self.sums.get(index as usize)
    }

    /// `T`.
    pub fn total_rounds(&self) -> u128 {
        self.total_rounds
    }

    /// The last epoch recorded, if any.
    pub fn current_epoch(&self) -> Option<u32> {
        self.current_epoch
    }

    /// Whether node `index` was excluded.
    pub fn is_excluded(&self, index: u32) -> bool {
        self.excluded.get(index as usize).copied().unwrap_or(false)
    }

    /// Whether node `index` already has an entry in the current epoch.
    pub fn recorded_in_current_epoch(&self, index: u32) -> bool {
        self.recorded_this_epoch.get(index as usize).copied().unwrap_or(false)
    }

    /// Excludes node `index` from every reward; its records stay.
    pub fn exclude(&mut self, index: u32) {
        if let Some(flag) = self.excluded.get_mut(index as usize) {
            *flag = true;
        }
    }

    /// What the page says of this batch, without applying it.
    pub fn check_batch(
        &self,
        epoch: u32,
        epoch_rounds: u32,
        entries: &[EpochEntry],
    ) -> Result<(), BatchRejection> {
        let same_epoch = match self.current_epoch {
            Some(current) if epoch < current => return Err(BatchRejection::EpochOutOfOrder),
            Some(current) => current == epoch,
            None => false,
        };
        if same_epoch && epoch_rounds != self.current_epoch_rounds {
            return Err(BatchRejection::EpochRoundsMismatch);
        }
        let mut seen_in_batch = vec![false; self.sums.len()];
        for (position, entry) in entries.iter().enumerate() {
            if let Some(bound) = entry.broken_bound(epoch_rounds) {
                return Err(BatchRejection::OutOfBounds { position, bound });
            }
            let index = entry.node as usize;
            let Some(seen) = seen_in_batch.get_mut(index) else {
                return Err(BatchRejection::UnknownNode { position });
            };
            let earlier = same_epoch && self.recorded_this_epoch.get(index).copied().unwrap_or(false);
            if *seen || earlier {
                return Err(BatchRejection::AlreadyRecorded { position });
            }
            *seen = true;
        }
        Ok(())
    }

    /// Applies the batch if the page accepts it; otherwise nothing changes.
    pub fn record_batch(
        &mut self,
        epoch: u32,
        epoch_rounds: u32,
        entries: &[EpochEntry],
    ) -> Result<(), BatchRejection> {
        self.check_batch(epoch, epoch_rounds, entries)?;
        if self.current_epoch != Some(epoch) {
            self.current_epoch = Some(epoch);
            self.current_epoch_rounds = epoch_rounds;
            self.total_rounds += u128::from(epoch_rounds);
            self.recorded_this_epoch.iter_mut().for_each(|flag| *flag = false);
        }
        for entry in entries {
            let index = entry.node as usize;
            if let (Some(sums), Some(flag)) =
                (self.sums.get_mut(index), self.recorded_this_epoch.get_mut(index))
            {
                sums.add(entry);
                *flag = true;
            }
        }
        Ok(())
    }
}

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

/// Page §2 for one node's sums, in a session of `total_rounds` (`T`).
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

/// Every node's scores, by index.
pub fn score_session(ledger: &SessionLedger) -> Vec<NodeScore> {
    ledger
        .sums
        .iter()
        .zip(&ledger.excluded)
        .map(|(sums, &excluded)| score_node(sums, ledger.total_rounds, excluded))
        .collect()
}

/// `floor(a * b / d)` without overflow; `d == 0` is an error, as is a result past 256 bits.
pub fn mul_div(a: U256, b: U256, d: U256) -> Result<U256, SimError> {
    if d.is_zero() {
        return Err(SimError::Model("division by zero".into()));
    }
    narrow(U512::from(a) * U512::from(b) / U512::from(d))
}

fn narrow(value: U512) -> Result<U256, SimError> {
    let limbs = value.as_limbs();
    match limbs.split_at(4) {
        (low, high) if high.iter().all(|&limb| limb == 0) => Ok(U256::from_limbs_slice(low)),
        _ => Err(SimError::Model("result wider than 256 bits".into())),
    }
}

/// Floor square root by Newton's method from a power of two above the root.
pub fn isqrt(value: U512) -> U512 {
    if value < U512::from(2u8) {
        return value;
    }
    let half_bits = value.bit_len().div_ceil(2);
    let mut x = U512::from(1u8) << half_bits;
    loop {
        let next = (x + value / x) >> 1;
        if next >= x {
            return x;
        }
        x = next;
    }
}

/// What finalization fixes for every pool of a session (page §3-§5 aggregates).
#[derive(Clone, Debug)]
pub struct Finalized {
    /// Every node's scores, by index.
    pub scores: Vec<NodeScore>,
    /// Eligible node indices in rank order (page §4).
    pub ranking: Vec<u32>,
    /// `n`
    pub eligible_count: u32,
    /// `SUM`
    pub sum_score: U256,
    /// `SQ`
    pub sum_score_squared: U256,
    /// `cap`, `None` when `clipK == 0`.
    pub clip_cap: Option<U256>,
    /// `s'` by index (0 for ineligible nodes).
    pub effective: Vec<U256>,
    /// `w` by index (0 for ineligible nodes).
    pub tier_weight: Vec<u8>,
    /// `S'`
    pub sum_effective: U256,
    /// `W`
    pub sum_tier_weighted: U256,
    /// `QS`
    pub sum_quality: U256,
    /// `RS`
    pub sum_reliability: U256,
}

/// Page §3-§4: clipping, rank and tiers for a session with clip factor `clip_k`.
pub fn finalize(ledger: &SessionLedger, clip_k: u64) -> Result<Finalized, SimError> {
    let scores = score_session(ledger);
    let mut ranking: Vec<u32> =
        (0..ledger.node_count()).filter(|&i| scores.get(i as usize).is_some_and(|s| s.eligible)).collect();
    let score_of = |i: u32| scores.get(i as usize).map(|s| s.score).unwrap_or_default();
    ranking.sort_by(|&x, &y| score_of(y).cmp(&score_of(x)).then(x.cmp(&y)));
    let n = u32::try_from(ranking.len()).map_err(|_| SimError::Model("too many nodes".into()))?;

    let mut sum = U512::ZERO;
    let mut sum_sq = U512::ZERO;
    for &i in &ranking {
        let s = U512::from(score_of(i));
        sum += s;
        sum_sq += s * s;
    }
    let clip_cap = if clip_k == 0 || n == 0 {
        None
    } else {
        let n_wide = U512::from(n);
        let variance = n_wide * sum_sq - sum * sum;
        let wad = U512::from(WAD);
        let cap = (sum * wad + U512::from(clip_k) * isqrt(variance)) / (n_wide * wad);
        Some(narrow(cap)?)
    };

    let top = (u64::from(n) * 5000).div_ceil(BPS);
    let mid = (u64::from(n) * 8000).div_ceil(BPS);
    let count = scores.len();
    let mut effective = vec![U256::ZERO; count];
    let mut tier_weight = vec![0u8; count];
    let (mut sum_effective, mut sum_tier_weighted) = (U512::ZERO, U512::ZERO);
    let (mut sum_quality, mut sum_reliability) = (U256::ZERO, U256::ZERO);
    for (rank, &i) in ranking.iter().enumerate() {
        let score = scores.get(i as usize).copied().unwrap_or_default();
        let s_eff = clip_cap.map_or(score.score, |cap| score.score.min(cap));
        let rank = rank as u64;
        let w: u8 = if rank < top {
            3
        } else if rank < mid {
            1
        } else {
            0
        };
        if let (Some(e), Some(t)) = (effective.get_mut(i as usize), tier_weight.get_mut(i as usize)) {
            *e = s_eff;
            *t = w;
        }
        sum_effective += U512::from(s_eff);
        sum_tier_weighted += U512::from(w) * U512::from(s_eff);
        sum_quality += U256::from(score.quality);
        sum_reliability += U256::from(score.reliability);
    }
    Ok(Finalized {
        ranking,
        eligible_count: n,
        sum_score: narrow(sum)?,
        sum_score_squared: narrow(sum_sq)?,
        clip_cap,
        effective,
        tier_weight,
        sum_effective: narrow(sum_effective)?,
        sum_tier_weighted: narrow(sum_tier_weighted)?,
        sum_quality,
        sum_reliability,
        scores,
    })
}

/// How a pool is split (page §5), with its bps parameters.
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
        /// `scoreBps` (the score share is what the other two leave).
        score_bps: u16,
        /// `qualityBps`
        quality_bps: u16,
        /// `reliabilityBps`
        reliability_bps: u16,
    },
}

impl Finalized {
    /// What every node (by index) is paid from a pool of `amount` under `strategy`.
    pub fn payouts(&self, amount: U256, strategy: Strategy) -> Result<Vec<U256>, SimError> {
        let mut paid = vec![U256::ZERO; self.scores.len()];
        let n = U256::from(self.eligible_count);
        if n.is_zero() {
            return Ok(paid);
        }
        let bps = U256::from(BPS);
        let by_score = |share: U256, i: usize| -> Result<U256, SimError> {
            let s_eff = self.effective.get(i).copied().unwrap_or_default();
            mul_div(share, s_eff, self.sum_effective)
        };
        for &index in &self.ranking {
            let i = index as usize;
            let reward = match strategy {
                Strategy::Proportional => by_score(amount, i)?,
                Strategy::Tiered { base_bps } => {
                    let base = mul_div(amount, U256::from(base_bps), bps)?;
                    let extra = amount - base;
                    let w = U256::from(self.tier_weight.get(i).copied().unwrap_or(0));
                    let s_eff = self.effective.get(i).copied().unwrap_or_default();
                    let weighted = mul_div(extra, w * s_eff, self.sum_tier_weighted)?;
                    by_score(base, i)? + weighted
                }
                Strategy::MinimumGuarantee { floor_bps } => {
                    let floor = mul_div(amount, U256::from(floor_bps), bps * n)?;
                    floor + by_score(amount - n * floor, i)?
                }
                Strategy::Hybrid { quality_bps, reliability_bps, .. } => {
                    self.hybrid_reward(amount, quality_bps, reliability_bps, i)?
                }
            };
            if let Some(slot) = paid.get_mut(i) {
                *slot = reward;
            }
        }
        Ok(paid)
    }

    fn hybrid_reward(
        &self,
        amount: U256,
        quality_bps: u16,
        reliability_bps: u16,
        i: usize,
    ) -> Result<U256, SimError> {
        let bps = U256::from(BPS);
        let share_if = |has: bool, part: u16| -> Result<U256, SimError> {
            if has { mul_div(amount, U256::from(part), bps) } else { Ok(U256::ZERO) }
        };
        let quality_share = share_if(!self.sum_quality.is_zero(), quality_bps)?;
        let reliability_share = share_if(!self.sum_reliability.is_zero(), reliability_bps)?;
        let score_share = amount - quality_share - reliability_share;
        let score = self.scores.get(i).copied().unwrap_or_default();
        let s_eff = self.effective.get(i).copied().unwrap_or_default();
        let mut reward = mul_div(score_share, s_eff, self.sum_effective)?;
        if !self.sum_quality.is_zero() {
            reward += mul_div(quality_share, U256::from(score.quality), self.sum_quality)?;
        }
        if !self.sum_reliability.is_zero() {
            reward += mul_div(reliability_share, U256::from(score.reliability), self.sum_reliability)?;
        }
        Ok(reward)
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
