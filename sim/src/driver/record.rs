//! Recording: every batch against the page's rules and the contract's storage capacity, with
//! replays and spoiled copies that must change nothing. An accepted batch (an empty one
//! included: a silent epoch) must log exactly what was sent and leave the session's epoch
//! counters where the model has them.

use alloy_primitives::{B256, Log, U256, keccak256};
use alloy_sol_types::SolEvent;
use gradpay_model::{BatchRejection, EntryBound, EpochEntry};

use super::{Driven, SESSION_ID, mismatch, reverted};
use crate::bindings::GradPay::{self, GradPayErrors};
use crate::deployment::COORDINATOR;
use crate::error::SimError;
use crate::limits::{Capacity, first_overflow};
use crate::scenario::Spoil;

/// The packed word of `IContributionTracker.ContributionEntry` (its documented bit layout).
pub fn pack_entry(entry: &EpochEntry) -> U256 {
    let fields: [(u64, usize); 9] = [
        (entry.node.into(), 0),
        (entry.compute_seconds.into(), 32),
        (entry.accepted.into(), 64),
        (entry.rejected.into(), 96),
        (entry.rounds_ok.into(), 128),
        (entry.rounds_joined.into(), 160),
        (entry.consistency_bps.into(), 192),
        (entry.network_bps.into(), 208),
        (entry.uptime_bps.into(), 224),
    ];
    fields.iter().fold(U256::ZERO, |word, &(value, shift)| word | (U256::from(value) << shift))
}

/// `entriesDigest` of `ContributionsRecorded`: keccak256 of the 32-byte big-endian words as sent,
/// concatenated (keccak256 of nothing for an empty batch).
pub fn entries_digest(words: &[U256]) -> B256 {
    let bytes: Vec<u8> = words.iter().flat_map(U256::to_be_bytes::<32>).collect();
    keccak256(bytes)
}

/// `recordContributionsBatch` of the driven session.
fn batch_call(
    epoch: u32,
    batch: u32,
    rounds: u32,
    words: Vec<U256>,
) -> GradPay::recordContributionsBatchCall {
    GradPay::recordContributionsBatchCall {
        sessionId: SESSION_ID,
        epoch,
        batch,
        epochRounds: rounds,
        entries: words,
    }
}

/// What the contract must do with a batch.
#[derive(Debug)]
enum Expected {
    Accept,
    /// The page rejects it; the storage may overflow first at an earlier entry.
    Reject {
        page: Option<BatchRejection>,
        capacity: Option<Capacity>,
        reserved_bits_at: Option<usize>,
    },
}

impl Driven<'_> {
    pub(crate) fn record_all(&mut self) -> Result<(), SimError> {
        let mut ordinal = 0u16;
        // Plans may revisit an epoch (a gap of 0): its batch numbers continue, as a client's would.
        let mut next_batch: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        for epoch_plan in &self.plan.epochs {
            for entries in &epoch_plan.batches {
                let slot = next_batch.entry(epoch_plan.epoch).or_default();
                let batch = *slot;
                *slot += 1;
                for &(at, spoil) in &self.plan.spoiled {
                    if at % (self.plan.epochs.len() as u16 * 4).max(1) == ordinal {
                        self.send_spoiled(epoch_plan.epoch, batch, epoch_plan.rounds, entries, spoil)?;
                    }
                }
                ordinal = ordinal.wrapping_add(1);
                self.record_batch(epoch_plan.epoch, batch, epoch_plan.rounds, entries)?;
            }
        }
        Ok(())
    }

    fn expected(
        &self,
        epoch: u32,
        rounds: u32,
        entries: &[EpochEntry],
        reserved_bits_at: Option<usize>,
    ) -> Expected {
        let page = self.ledger.check_batch(epoch, rounds, entries).err();
        let capacity = first_overflow(&self.ledger, epoch, rounds, entries);
        if page.is_none() && capacity.is_none() && reserved_bits_at.is_none() {
            Expected::Accept
        } else {
            Expected::Reject { page, capacity, reserved_bits_at }
        }
    }

    fn record_batch(
        &mut self,
        epoch: u32,
        batch: u32,
        rounds: u32,
        entries: &[EpochEntry],
    ) -> Result<(), SimError> {
        let call = batch_call(epoch, batch, rounds, entries.iter().map(pack_entry).collect());
        let what = format!("batch {batch} of epoch {epoch} ({} entries)", entries.len());
        match self.expected(epoch, rounds, entries, None) {
            Expected::Accept => {
                let logged = GradPay::ContributionsRecorded {
                    sessionId: SESSION_ID,
                    epoch,
                    batch,
                    epochRounds: rounds,
                    entries: U256::from(entries.len()),
                    entriesDigest: entries_digest(&call.entries),
                };
                let (_, logs) = self.coordinator_write_logged(&call, &what)?;
                self.check_logged(&logs, &logged, &what)?;
                let opened = self.ledger.epochs_opened();
                self.ledger
                    .apply_batch(epoch, rounds, entries)
                    .map_err(|r| mismatch(format!("model refused a batch it had accepted: {r}")))?;
                if entries.is_empty() && self.ledger.epochs_opened() > opened {
                    self.report.silent_epochs_opened += 1;
                }
                self.check_epoch_counters(&what)?;
                self.report.batches_recorded += 1;
                if self.plan.replay_batches {
                    self.expect_rejected(&call, &format!("replay of {what}"), |e| {
                        matches!(e, GradPayErrors::BatchAlreadyRecorded(r) if r.epoch == epoch && r.batch == batch)
                    })?;
                    self.report.replays_rejected += 1;
                }
                Ok(())
            }
            Expected::Reject { page, capacity, reserved_bits_at } => {
                self.expect_rejected(&call, &what, |e| {
                    rejection_matches(e, page, capacity, reserved_bits_at)
                })?;
                self.report.batches_refused += 1;
                Ok(())
            }
        }
    }

    /// GradPay logged `expected` once, and nothing else of its kind.
    fn check_logged(
        &self,
        logs: &[Log],
        expected: &GradPay::ContributionsRecorded,
        what: &str,
    ) -> Result<(), SimError> {
        let events: Vec<GradPay::ContributionsRecorded> = logs
            .iter()
            .filter(|log| log.address == self.dep.gradpay)
            .filter_map(|log| GradPay::ContributionsRecorded::decode_log(log).ok())
            .map(|log| log.data)
            .collect();
        if events.as_slice() != std::slice::from_ref(expected) {
            return Err(mismatch(format!("{what}: logged {events:?}, expected {expected:?}")));
        }
        Ok(())
    }

    /// The session's `T`, current epoch, its rounds and the epoch count equal the model's.
    fn check_epoch_counters(&mut self, what: &str) -> Result<(), SimError> {
        let info = self.dep.view(&GradPay::getSessionCall { sessionId: SESSION_ID })?;
        let got = (
            u128::from(info.totalRounds),
            Some((info.currentEpoch, info.currentEpochRounds)),
            info.epochCount,
        );
        let ledger = &self.ledger;
        let want = (ledger.total_rounds(), ledger.current_epoch(), ledger.epochs_opened());
        if (got.0, got.1, u32::from(got.2)) != want {
            return Err(mismatch(format!(
                "{what}: (T, (epoch, rounds), epochs) contract {got:?}, model {want:?}"
            )));
        }
        Ok(())
    }

    fn send_spoiled(
        &mut self,
        epoch: u32,
        batch: u32,
        rounds: u32,
        entries: &[EpochEntry],
        spoil: Spoil,
    ) -> Result<(), SimError> {
        let Some(first) = entries.first().copied() else {
            return Ok(());
        };
        let mut spoiled = entries.to_vec();
        let mut reserved_bits_at = None;
        let position = spoiled.len() / 2;
        match spoil {
            Spoil::RoundsOkAboveJoined if first.rounds_joined < u32::MAX => {
                spoiled[position].rounds_ok = spoiled[position].rounds_joined + 1;
            }
            Spoil::JoinedAboveEpochRounds if rounds < u32::MAX => {
                spoiled[position].rounds_joined = rounds + 1;
                spoiled[position].rounds_ok = 0;
            }
            Spoil::BpsAboveMax(which) => {
                let entry = &mut spoiled[position];
                *[&mut entry.consistency_bps, &mut entry.network_bps, &mut entry.uptime_bps]
                    [usize::from(which % 3)] = 10_001;
            }
            Spoil::UnknownNode => spoiled[position].node = self.plan.node_count,
            Spoil::DuplicateNode => spoiled.push(first),
            Spoil::ReservedBits => reserved_bits_at = Some(position),
            _ => return Ok(()),
        }
        let mut words: Vec<U256> = spoiled.iter().map(pack_entry).collect();
        if let Some(at) = reserved_bits_at {
            words[at] |= U256::from(1u8) << 255;
        }
        let expected = self.expected(epoch, rounds, &spoiled, reserved_bits_at);
        let Expected::Reject { page, capacity, reserved_bits_at } = expected else {
            return Err(mismatch(format!("spoil {spoil:?} left the batch valid")));
        };
        let call = batch_call(epoch, batch, rounds, words);
        let what = format!("spoiled ({spoil:?}) batch {batch} of epoch {epoch}");
        self.expect_rejected(&call, &what, |e| rejection_matches(e, page, capacity, reserved_bits_at))?;
        self.report.batches_rejected += 1;
        Ok(())
    }

    /// Sends `call` as the coordinator; it must revert with an error `accept` takes, and leave
    /// GradPay's storage exactly as it was.
    pub(crate) fn expect_rejected<C>(
        &mut self,
        call: &C,
        what: &str,
        accept: impl Fn(&GradPayErrors) -> bool,
    ) -> Result<(), SimError>
    where
        C: alloy_sol_types::SolCall,
    {
        self.storage_unchanged(what, |driven| {
            let error = reverted(driven.dep.send(COORDINATOR, call, U256::ZERO)?, what)?;
            if accept(&error) { Ok(()) } else { Err(mismatch(format!("{what}: wrong error {error:?}"))) }
        })
    }
}

/// Whether the contract's error is one the page (or the storage capacity) allows here.
fn rejection_matches(
    error: &GradPayErrors,
    page: Option<BatchRejection>,
    capacity: Option<Capacity>,
    reserved_bits_at: Option<usize>,
) -> bool {
    let page_ok = match (page, error) {
        (Some(BatchRejection::OutOfBounds { position, bound }), GradPayErrors::EntryOutOfBounds(e)) => {
            e.position == U256::from(position) && e.field == field_code(bound)
        }
        (Some(BatchRejection::UnknownNode { position, node }), GradPayErrors::EntryUnknownNode(e)) => {
            e.position == U256::from(position) && e.nodeIndex == node
        }
        (
            Some(BatchRejection::AlreadyRecorded { position, node }),
            GradPayErrors::NodeAlreadyRecordedInEpoch(e),
        ) => e.position == U256::from(position) && e.nodeIndex == node,
        (Some(BatchRejection::EpochOutOfOrder { epoch, current }), GradPayErrors::EpochOutOfOrder(e)) => {
            (e.epoch, e.currentEpoch) == (epoch, current)
        }
        (
            Some(BatchRejection::EpochRoundsMismatch { epoch, given, recorded }),
            GradPayErrors::EpochRoundsMismatch(e),
        ) => (e.epoch, e.given, e.recorded) == (epoch, given, recorded),
        _ => false,
    };
    let reserved_ok = match (reserved_bits_at, error) {
        (Some(position), GradPayErrors::EntryOutOfBounds(e)) => {
            e.position == U256::from(position) && e.field == 9
        }
        _ => false,
    };
    let capacity_ok = match (capacity, error) {
        (Some(Capacity::Epochs), GradPayErrors::TooManyEpochs(_)) => true,
        (Some(Capacity::TotalRounds), GradPayErrors::TotalRoundsOverflow(_)) => true,
        (Some(Capacity::Record { position }), GradPayErrors::RecordOverflow(e)) => {
            e.position == U256::from(position)
        }
        _ => false,
    };
    // With several faults in one batch, the contract may report any of them first.
    page_ok || reserved_ok || capacity_ok
}

/// `IContributionTracker.EntryField` of a page bound.
fn field_code(bound: EntryBound) -> u8 {
    match bound {
        EntryBound::RoundsOk => 4,
        EntryBound::RoundsJoined => 5,
        EntryBound::ConsistencyBps => 6,
        EntryBound::NetworkBps => 7,
        EntryBound::UptimeBps => 8,
    }
}
