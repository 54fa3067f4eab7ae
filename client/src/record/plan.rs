//! Planning an epoch: its entries validated against the session, sorted, packed and split into
//! batches, each identified by its digest. A set of entries is planned once and the plan kept in
//! the journal; a new plan first looks on chain for batches already holding its entries (the same
//! file re-run without its journal) and gives the others numbers nobody used, so that another
//! file for the same epoch never reuses a key.

use std::collections::BTreeSet;

use alloy::primitives::{B256, U256, keccak256};

use super::{Batch, EpochRecord};
use crate::{
    Coordinator, EpochEntry, Error, Result, SessionState,
    journal::{EpochPlan, Journal, JournalEntry},
};

/// What to do when records meet a session that is not Active.
const ACTIVE_ONLY: &str = "records go to an Active session only (`gradpay session create`)";

impl Coordinator {
    /// Checks every epoch of a run against the session (Active, known nodes, each once, §1's
    /// bounds) before any is sent, so that a bad entry in a later epoch cannot leave the earlier
    /// ones recorded by a run that reports failure.
    pub async fn check_records(&self, session_id: u64, records: &[EpochRecord]) -> Result<()> {
        let session = self.require_state(session_id, SessionState::Active, ACTIVE_ONLY).await?;
        records.iter().try_for_each(|record| validated_words(record, session.nodeCount).map(drop))
    }

    /// Validates the entries, then re-reads their plan from the journal or makes (and journals) a
    /// new one; returns the plan's digest and its batches.
    pub(super) async fn plan(
        &self,
        journal: &mut Journal,
        record: &EpochRecord,
    ) -> Result<(B256, Vec<Batch>)> {
        let session_id = journal.scope().session_id;
        let EpochRecord { epoch, epoch_rounds, .. } = *record;
        let session = self.require_state(session_id, SessionState::Active, ACTIVE_ONLY).await?;
        let words = validated_words(record, session.nodeCount)?;
        let digest = digest_of(&words);
        if let Some(plan) = journal.plan(epoch, digest, epoch_rounds) {
            let chunks = split(&words, plan.batch_size as usize);
            if chunks.len() != plan.batches.len() {
                return Err(Error::Journal {
                    path: journal.path().to_owned(),
                    reason: format!(
                        "its plan for epoch {epoch} numbers {} batch(es) for {} chunk(s)",
                        plan.batches.len(),
                        chunks.len()
                    ),
                });
            }
            return Ok((digest, batches(chunks, &plan.batches)));
        }
        let batch_size = self.profile().batch_size;
        let chunks = split(&words, batch_size);
        // Only an epoch the session has reached can hold batches already.
        let reached = session.epochCount > 0 && epoch <= session.currentEpoch;
        let on_chain =
            if reached { self.recorded_batches(session_id, epoch, None).await? } else { Vec::new() };
        let mut numbers: Vec<Option<u32>> = chunks
            .iter()
            .map(|chunk| {
                let digest = digest_of(chunk);
                on_chain
                    .iter()
                    .find(|r| r.digest == digest && r.epoch_rounds == epoch_rounds)
                    .map(|r| r.batch)
            })
            .collect();
        let taken: BTreeSet<u32> = on_chain.iter().map(|r| r.batch).collect();
        let missing = numbers.iter().filter(|n| n.is_none()).count();
        let mut fresh = self.fresh_numbers(journal, session_id, epoch, missing, &taken).await?.into_iter();
        for number in numbers.iter_mut().filter(|n| n.is_none()) {
            *number = fresh.next();
        }
        let numbers: Vec<u32> = numbers.into_iter().flatten().collect();
        journal.append(&JournalEntry::Plan(EpochPlan {
            epoch,
            epoch_rounds,
            batch_size: batch_size as u32,
            batches: numbers.clone(),
            digest,
        }))?;
        Ok((digest, batches(chunks, &numbers)))
    }
}

/// The entries checked against §1's bounds and the session's nodes, sorted by node and packed.
fn validated_words(record: &EpochRecord, node_count: u32) -> Result<Vec<U256>> {
    let mut sorted = record.entries.clone();
    sorted.sort_by_key(|e| e.node_index);
    let mut seen = BTreeSet::new();
    for entry in &sorted {
        let bad = |reason: String| Error::Metrics {
            origin: format!("epoch {}, node {}", record.epoch, entry.node_index),
            reason,
        };
        entry.validate(record.epoch_rounds).map_err(bad)?;
        if entry.node_index >= node_count {
            return Err(bad(format!("the session has {node_count} node(s)")));
        }
        if !seen.insert(entry.node_index) {
            return Err(bad("node listed twice".into()));
        }
    }
    Ok(sorted.iter().map(EpochEntry::pack).collect())
}

/// keccak256 of the words' 32-byte big-endian concatenation: the contract's `entriesDigest`.
pub(super) fn digest_of(words: &[U256]) -> B256 {
    keccak256(words.iter().flat_map(|w| w.to_be_bytes::<32>()).collect::<Vec<u8>>())
}

/// Chunks of `batch_size` words; no words is one empty chunk (an epoch in which no node took part).
fn split(words: &[U256], batch_size: usize) -> Vec<Vec<U256>> {
    if words.is_empty() {
        return vec![Vec::new()];
    }
    words.chunks(batch_size.max(1)).map(<[U256]>::to_vec).collect()
}

fn batches(chunks: Vec<Vec<U256>>, numbers: &[u32]) -> Vec<Batch> {
    chunks
        .into_iter()
        .zip(numbers)
        .map(|(words, &number)| Batch { number, digest: digest_of(&words), words })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_keccak_of_the_packed_words_and_empty_is_one_batch() {
        // keccak256 of nothing, as `keccak256("")` in Solidity.
        let empty: B256 =
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470".parse().unwrap();
        assert_eq!(digest_of(&[]), empty);
        assert_eq!(split(&[], 100), vec![Vec::<U256>::new()]);
        let words = [U256::from(1u8), U256::from(2u8), U256::from(3u8)];
        let mut bytes = Vec::new();
        for w in &words {
            bytes.extend_from_slice(&w.to_be_bytes::<32>());
        }
        assert_eq!(digest_of(&words), keccak256(&bytes));
        let chunks = split(&words, 2);
        assert_eq!(chunks.len(), 2);
        let planned = batches(chunks, &[7, 4]);
        assert_eq!((planned[0].number, planned[1].number), (7, 4));
        assert_eq!(planned[1].digest, digest_of(&words[2..]));
    }

    #[test]
    fn entries_are_checked_before_anything_is_planned() {
        let entry = EpochEntry { node_index: 2, rounds_joined: 10, ..Default::default() };
        let record = |entries| EpochRecord { epoch: 4, epoch_rounds: 10, entries };
        let err = |r: &EpochRecord, nodes| validated_words(r, nodes).unwrap_err().to_string();
        assert!(err(&record(vec![entry]), 2).contains("epoch 4, node 2"));
        assert!(err(&record(vec![entry, entry]), 3).contains("node listed twice"));
        assert!(err(&EpochRecord { epoch_rounds: 9, ..record(vec![entry]) }, 3).contains("epochRounds 9"));
        let other = EpochEntry { node_index: 0, ..entry };
        let words = validated_words(&record(vec![entry, other]), 3).unwrap();
        assert_eq!(words, vec![other.pack(), entry.pack()], "sorted by node");
    }
}
