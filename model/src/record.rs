//! `docs/reward-math.md` §1: what a session records, and which batches the page refuses.
//!
//! Sums are kept wider than the contract stores them: the page puts no cap on them. What the
//! contract's storage widths add is not the page's business and lives with whoever checks the
//! contract (the simulator's `limits`).

use crate::error::ModelError;
use crate::finalize::{Finalized, finalize};
use crate::score::{NodeScore, score_node};

/// The bound of a bps field of an entry.
const BPS_FIELD_MAX: u16 = 10_000;

/// Which bound of an entry is broken (page §1).
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
    /// `computeSeconds`: compute seconds spent this epoch.
    pub compute_seconds: u32,
    /// `accepted`: gradient submissions accepted.
    pub accepted: u32,
    /// `rejected`: gradient submissions rejected.
    pub rejected: u32,
    /// `roundsOk`: rounds completed successfully.
    pub rounds_ok: u32,
    /// `roundsJoined`: rounds taken part in.
    pub rounds_joined: u32,
    /// `consistencyBps`: gradient consistency.
    pub consistency_bps: u16,
    /// `networkBps`: network quality.
    pub network_bps: u16,
    /// `uptimeBps`: uptime.
    pub uptime_bps: u16,
}

impl EpochEntry {
    /// An entry in the column order of the page's tables: `[c, a, j, k, p]`, then
    /// `[cons, net, up]` in bps.
    pub const fn from_columns(node: u32, counts: [u32; 5], bps: [u16; 3]) -> Self {
        let [compute_seconds, accepted, rejected, rounds_ok, rounds_joined] = counts;
        let [consistency_bps, network_bps, uptime_bps] = bps;
        Self {
            node,
            compute_seconds,
            accepted,
            rejected,
            rounds_ok,
            rounds_joined,
            consistency_bps,
            network_bps,
            uptime_bps,
        }
    }

    /// The first bound of page §1 this entry breaks in an epoch of `epoch_rounds`.
    pub fn broken_bound(&self, epoch_rounds: u32) -> Option<EntryBound> {
        if self.rounds_ok > self.rounds_joined {
            Some(EntryBound::RoundsOk)
        } else if self.rounds_joined > epoch_rounds {
            Some(EntryBound::RoundsJoined)
        } else if self.consistency_bps > BPS_FIELD_MAX {
            Some(EntryBound::ConsistencyBps)
        } else if self.network_bps > BPS_FIELD_MAX {
            Some(EntryBound::NetworkBps)
        } else if self.uptime_bps > BPS_FIELD_MAX {
            Some(EntryBound::UptimeBps)
        } else {
            None
        }
    }
}

/// Why the page refuses a whole batch (page §1). Positions are indices into the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BatchRejection {
    /// The entry at `position` breaks `bound`.
    #[error("entry {position} breaks the bound {bound:?}")]
    OutOfBounds {
        /// Index of the entry in the batch.
        position: usize,
        /// The bound it breaks.
        bound: EntryBound,
    },
    /// The entry at `position` names a node the session does not have.
    #[error("entry {position} names node {node}, which is not registered")]
    UnknownNode {
        /// Index of the entry in the batch.
        position: usize,
        /// The node it names.
        node: u32,
    },
    /// The entry at `position` names a node already recorded in this epoch.
    #[error("entry {position} names node {node}, already recorded in this epoch")]
    AlreadyRecorded {
        /// Index of the entry in the batch.
        position: usize,
        /// The node it names.
        node: u32,
    },
    /// The epoch is older than the last one recorded.
    #[error("epoch {epoch} comes after epoch {current}")]
    EpochOutOfOrder {
        /// The batch's epoch.
        epoch: u32,
        /// The last epoch recorded.
        current: u32,
    },
    /// A later batch of the current epoch gives another `epochRounds`.
    #[error("epoch {epoch} has {recorded} rounds, the batch says {given}")]
    EpochRoundsMismatch {
        /// The epoch.
        epoch: u32,
        /// The batch's `epochRounds`.
        given: u32,
        /// The rounds its first batch gave.
        recorded: u32,
    },
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
    /// `e`: epochs in which the node reported.
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

/// The epoch batches are currently recorded into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct OpenEpoch {
    epoch: u32,
    rounds: u32,
}

/// What a session has recorded: the input of scoring (page §1).
#[derive(Clone, Debug, Default)]
pub struct SessionLedger {
    sums: Vec<NodeSums>,
    excluded: Vec<bool>,
    total_rounds: u128,
    epochs_opened: u32,
    open: Option<OpenEpoch>,
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

    /// `T`: the sum of `epochRounds` over every epoch, silent ones included.
    pub fn total_rounds(&self) -> u128 {
        self.total_rounds
    }

    /// How many distinct epochs have been opened.
    pub fn epochs_opened(&self) -> u32 {
        self.epochs_opened
    }

    /// The last epoch recorded and its `epochRounds`, if any.
    pub fn current_epoch(&self) -> Option<(u32, u32)> {
        self.open.map(|open| (open.epoch, open.rounds))
    }

    /// Whether node `index` was excluded.
    pub fn is_excluded(&self, index: u32) -> bool {
        self.excluded.get(index as usize).copied().unwrap_or(false)
    }

    /// Whether node `index` already has an entry in the current epoch.
    pub fn recorded_in_current_epoch(&self, index: u32) -> bool {
        self.recorded_this_epoch.get(index as usize).copied().unwrap_or(false)
    }

    /// Excludes node `index` from every reward (its records stay); false when it is not
    /// registered or already excluded, and then nothing changes.
    pub fn exclude(&mut self, index: u32) -> bool {
        match self.excluded.get_mut(index as usize) {
            Some(flag) if !*flag => {
                *flag = true;
                true
            }
            _ => false,
        }
    }

    /// What the page says of this batch, without applying it. An empty batch is valid: it
    /// reports an epoch in which no node took part (a silent epoch), whose rounds count in `T`.
    pub fn check_batch(
        &self,
        epoch: u32,
        epoch_rounds: u32,
        entries: &[EpochEntry],
    ) -> Result<(), BatchRejection> {
        let same_epoch = match self.open {
            Some(open) if epoch < open.epoch => {
                return Err(BatchRejection::EpochOutOfOrder { epoch, current: open.epoch });
            }
            Some(open) if open.epoch == epoch && open.rounds != epoch_rounds => {
                return Err(BatchRejection::EpochRoundsMismatch {
                    epoch,
                    given: epoch_rounds,
                    recorded: open.rounds,
                });
            }
            Some(open) => open.epoch == epoch,
            None => false,
        };
        let mut seen_in_batch = vec![false; self.sums.len()];
        for (position, entry) in entries.iter().enumerate() {
            if let Some(bound) = entry.broken_bound(epoch_rounds) {
                return Err(BatchRejection::OutOfBounds { position, bound });
            }
            let node = entry.node;
            let Some(seen) = seen_in_batch.get_mut(node as usize) else {
                return Err(BatchRejection::UnknownNode { position, node });
            };
            if *seen || (same_epoch && self.recorded_in_current_epoch(node)) {
                return Err(BatchRejection::AlreadyRecorded { position, node });
            }
            *seen = true;
        }
        Ok(())
    }

    /// Applies the batch if the page accepts it; otherwise nothing changes.
    pub fn apply_batch(
        &mut self,
        epoch: u32,
        epoch_rounds: u32,
        entries: &[EpochEntry],
    ) -> Result<(), BatchRejection> {
        self.check_batch(epoch, epoch_rounds, entries)?;
        if self.open.map(|open| open.epoch) != Some(epoch) {
            self.open = Some(OpenEpoch { epoch, rounds: epoch_rounds });
            self.epochs_opened += 1;
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

    /// Every node's page §2 scores, by index.
    pub fn scores(&self) -> Vec<NodeScore> {
        self.sums
            .iter()
            .zip(&self.excluded)
            .map(|(sums, &excluded)| score_node(sums, self.total_rounds, excluded))
            .collect()
    }

    /// Page §3-§4 on this session's scores with clip factor `clip_k`.
    pub fn finalize(&self, clip_k: u64) -> Result<Finalized, ModelError> {
        finalize(self.scores(), clip_k)
    }
}
