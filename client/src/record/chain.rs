//! What the chain says about an epoch's batch keys: the `ContributionsRecorded` logs (whose
//! `entriesDigest` tells one batch from another under the same key), the recorded-batch bitmap
//! that fresh numbers avoid.

use std::collections::BTreeSet;

use alloy::primitives::{B256, U256};

use super::Batch;
use crate::{Coordinator, Error, Result, journal::Journal};

/// A batch the chain holds, from its `ContributionsRecorded` log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RecordedBatch {
    /// Its key within the epoch.
    pub(super) batch: u32,
    /// The rounds it was recorded with.
    pub(super) epoch_rounds: u32,
    /// keccak256 of its packed entries.
    pub(super) digest: B256,
    /// The transaction that recorded it.
    pub(super) tx: Option<B256>,
}

impl RecordedBatch {
    /// Whether this is `batch` (same entries) of an epoch of `epoch_rounds` rounds.
    pub(super) fn holds(&self, batch: &Batch, epoch_rounds: u32) -> bool {
        self.digest == batch.digest && self.epoch_rounds == epoch_rounds
    }
}

impl Coordinator {
    /// The batches of `epoch` the chain holds (only key `batch`, when given), from their logs
    /// since the deployment block (genesis when unknown).
    pub(super) async fn recorded_batches(
        &self,
        session_id: u64,
        epoch: u32,
        batch: Option<u32>,
    ) -> Result<Vec<RecordedBatch>> {
        let mut filter = self
            .contract()
            .ContributionsRecorded_filter()
            .topic1(U256::from(session_id))
            .topic2(U256::from(epoch))
            .from_block(self.deployment_block().unwrap_or(0));
        if let Some(batch) = batch {
            filter = filter.topic3(U256::from(batch));
        }
        // Chunked: an RPC that caps the block range of one query gets several smaller ones.
        let logs = filter
            .with_cloned_provider()
            .chunked()
            .query()
            .await
            .map_err(|e| self.call_error(&format!("reading epoch {epoch}'s recorded batches"), &e))?;
        Ok(logs
            .into_iter()
            .map(|(event, log)| RecordedBatch {
                batch: event.batch,
                epoch_rounds: event.epochRounds,
                digest: event.entriesDigest,
                tx: log.transaction_hash,
            })
            .collect())
    }

    /// `count` numbers for new batches of `epoch`, lowest first: not recorded on chain, never used
    /// by a plan of the journal, not in `taken`.
    pub(super) async fn fresh_numbers(
        &self,
        journal: &Journal,
        session_id: u64,
        epoch: u32,
        count: usize,
        taken: &BTreeSet<u32>,
    ) -> Result<Vec<u32>> {
        let mut numbers = Vec::with_capacity(count);
        // One bitmap word covers 256 batch numbers: read lazily as the candidates grow.
        let mut word: Option<(u32, U256)> = None;
        for candidate in 0..=u32::MAX {
            if numbers.len() == count {
                break;
            }
            let index = candidate >> 8;
            let bits = match word {
                Some((i, bits)) if i == index => bits,
                _ => {
                    let call = self.contract().getRecordedBatches(session_id, epoch, U256::from(index));
                    let bits = self.view("reading recorded batches", call).await?;
                    word = Some((index, bits));
                    bits
                }
            };
            let free = !bits.bit((candidate & 0xff) as usize)
                && !journal.is_used(epoch, candidate)
                && !taken.contains(&candidate);
            if free {
                numbers.push(candidate);
            }
        }
        if numbers.len() < count {
            return Err(Error::BatchNumbersExhausted { epoch });
        }
        Ok(numbers)
    }

    /// The error for a key the chain says is recorded but whose log the RPC does not return.
    pub(super) fn missing_log(&self, epoch: u32, batch: u32) -> Error {
        Error::MissingLog { epoch, batch, from_block: self.deployment_block().unwrap_or(0) }
    }
}
