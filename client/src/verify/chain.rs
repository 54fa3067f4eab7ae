//! What the chain says about a session, from its logs and transactions only: the registrations,
//! exclusions, clipK changes, every record batch's entries (decoded from the calldata of the
//! transaction that recorded it, or from a call trace when another contract made the call),
//! finalization, payout addresses, pools, claims, sweeps and pauses. No view of the contract is
//! read here.

use std::collections::BTreeMap;

use alloy::{
    primitives::{Address, B256, U256, keccak256},
    rpc::types::{Filter, Log},
    sol_types::SolEvent,
};
use futures::{StreamExt, TryStreamExt, stream};
use gradpay_model::EpochEntry;

use crate::{
    Coordinator, Error, Result,
    bindings::GradPay::{
        ClipKUpdated, ContributionsRecorded, NodeExcluded, NodeRegistered, Paused, PayoutSet, PoolSwept,
        RewardClaimed, RewardPoolCreated, SessionCreated, SessionFinalized, recordContributionsBatchCall,
    },
};

use super::calls::TxCalls;

/// Transactions fetched (or traced) at once.
const FETCH_CONCURRENCY: usize = 32;

/// One `ContributionsRecorded` batch with the entries its calldata carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordedBatch {
    pub(crate) epoch: u32,
    pub(crate) batch: u32,
    pub(crate) epoch_rounds: u32,
    pub(crate) entries: Vec<EpochEntry>,
    /// Whether its call was found in a call trace (another contract made it).
    pub(crate) traced: bool,
}

/// A session's history as its events and transactions tell it, in chain order.
#[derive(Debug, Clone, Default)]
pub(crate) struct History {
    /// clipK at creation, from `SessionCreated`.
    pub(crate) created_clip_k: Option<u64>,
    /// Node addresses by the index their `NodeRegistered` gave.
    pub(crate) nodes: Vec<(u32, Address)>,
    /// Excluded node indices.
    pub(crate) exclusions: Vec<u32>,
    /// clipK after each `ClipKUpdated`.
    pub(crate) clip_k_changes: Vec<u64>,
    /// Every recorded batch.
    pub(crate) batches: Vec<RecordedBatch>,
    /// The last `SessionFinalized`.
    pub(crate) finalized: Option<SessionFinalized>,
    /// Every `PayoutSet`, in log order.
    pub(crate) payouts: Vec<Logged<PayoutSet>>,
    /// Every `RewardPoolCreated`.
    pub(crate) pools: Vec<Logged<RewardPoolCreated>>,
    /// Every `RewardClaimed` of the session's pools, in log order.
    pub(crate) claims: Vec<Logged<RewardClaimed>>,
    /// Every `PoolSwept` of the session's pools.
    pub(crate) sweeps: Vec<PoolSwept>,
    /// Where each `Paused` of the contract sits (only read when the session has pools).
    pub(crate) pauses: Vec<LogPosition>,
}

/// Where a log sits in the chain: (block number, log index), the order logs happened in.
pub(crate) type LogPosition = (u64, u64);

/// An event, the transaction that emitted it and its position.
#[derive(Debug, Clone)]
pub(crate) struct Logged<E> {
    pub(crate) event: E,
    pub(crate) tx: Option<B256>,
    pub(crate) at: LogPosition,
}

impl History {
    /// The clip factor the session ends with: the last change, else the one it was created with.
    pub(crate) fn clip_k(&self) -> u64 {
        self.clip_k_changes.last().copied().or(self.created_clip_k).unwrap_or(0)
    }
}

/// Which batch: `(session, epoch, batch)`.
#[derive(Debug, Clone, Copy)]
struct BatchKey {
    session_id: u64,
    epoch: u32,
    batch: u32,
}

/// A batch's log, before its entries are read from its transaction.
struct BatchLog {
    event: ContributionsRecorded,
    tx: Option<B256>,
}

impl Coordinator {
    /// `session_id`'s history from the chain's logs and transactions.
    pub(crate) async fn session_history(&self, session_id: u64) -> Result<History> {
        let topic = B256::from(U256::from(session_id));
        let session_logs = Filter::new().address(self.address()).topic1(topic);
        let pool_logs = Filter::new()
            .address(self.address())
            .event_signature(RewardPoolCreated::SIGNATURE_HASH)
            .topic2(topic);
        let (session_logs, pool_logs) = futures::try_join!(
            self.logs(&session_logs, self.log_range()),
            self.logs(&pool_logs, self.log_range())
        )?;
        let mut history = History::default();
        let mut batch_logs = Vec::new();
        for log in &session_logs {
            self.note_session_log(log, &mut history, &mut batch_logs)?;
        }
        history.pools = pool_logs.iter().map(logged).collect::<Result<_>>()?;
        if !history.pools.is_empty() {
            let ids: Vec<B256> = history.pools.iter().map(|p| B256::from(p.event.poolId)).collect();
            let payouts = Filter::new()
                .address(self.address())
                .event_signature(vec![RewardClaimed::SIGNATURE_HASH, PoolSwept::SIGNATURE_HASH])
                .topic1(ids);
            let pauses = Filter::new().address(self.address()).event_signature(Paused::SIGNATURE_HASH);
            let (logs, pauses) = futures::try_join!(
                self.logs(&payouts, self.log_range()),
                self.logs(&pauses, self.log_range())
            )?;
            let matching = |e: B256| logs.iter().filter(move |l| l.topic0() == Some(&e));
            history.claims = matching(RewardClaimed::SIGNATURE_HASH).map(logged).collect::<Result<_>>()?;
            history.sweeps = matching(PoolSwept::SIGNATURE_HASH).map(decode).collect::<Result<_>>()?;
            history.pauses = pauses.iter().map(position).collect();
        }
        history.batches = self.read_batches(session_id, batch_logs).await?;
        Ok(history)
    }

    fn note_session_log(&self, log: &Log, history: &mut History, batches: &mut Vec<BatchLog>) -> Result<()> {
        match log.topic0().copied() {
            Some(SessionCreated::SIGNATURE_HASH) => {
                history.created_clip_k = Some(decode::<SessionCreated>(log)?.clipK);
            }
            Some(NodeRegistered::SIGNATURE_HASH) => {
                let event = decode::<NodeRegistered>(log)?;
                history.nodes.push((event.index, event.node));
            }
            Some(NodeExcluded::SIGNATURE_HASH) => history.exclusions.push(decode::<NodeExcluded>(log)?.index),
            Some(ClipKUpdated::SIGNATURE_HASH) => {
                history.clip_k_changes.push(decode::<ClipKUpdated>(log)?.clipK)
            }
            Some(ContributionsRecorded::SIGNATURE_HASH) => {
                batches.push(BatchLog { event: decode(log)?, tx: log.transaction_hash });
            }
            Some(SessionFinalized::SIGNATURE_HASH) => history.finalized = Some(decode(log)?),
            Some(PayoutSet::SIGNATURE_HASH) => history.payouts.push(logged(log)?),
            _ => {}
        }
        Ok(())
    }

    /// Every batch's entries, from the transactions that recorded them (fetched concurrently).
    async fn read_batches(&self, session_id: u64, logs: Vec<BatchLog>) -> Result<Vec<RecordedBatch>> {
        // Each transaction once, with the first batch it recorded (named if it cannot be read).
        let mut txs: Vec<(B256, u32, u32)> =
            logs.iter().filter_map(|l| Some((l.tx?, l.event.epoch, l.event.batch))).collect();
        txs.dedup_by_key(|&mut (hash, _, _)| hash);
        let calls: BTreeMap<B256, TxCalls<recordContributionsBatchCall>> = stream::iter(txs)
            .map(|(hash, epoch, batch)| async move {
                let first = BatchKey { session_id, epoch, batch };
                Ok::<_, Error>((hash, self.record_calls(hash, first).await?))
            })
            .buffer_unordered(FETCH_CONCURRENCY)
            .try_collect()
            .await?;
        logs.into_iter()
            .map(|log| {
                let ContributionsRecorded { epoch, batch, epochRounds, .. } = log.event;
                let unreadable =
                    |reason: String| Error::BatchUnreadable { session_id, epoch, batch, tx: log.tx, reason };
                let tx = log.tx.ok_or_else(|| unreadable("its log names no transaction".into()))?;
                let (tx_calls, traced) =
                    calls.get(&tx).map_or((&[][..], false), |c| (&c.calls[..], c.traced));
                let call = tx_calls
                    .iter()
                    .map(|found| &found.call)
                    .find(|c| c.sessionId == session_id && c.epoch == epoch && c.batch == batch)
                    .ok_or_else(|| {
                        unreadable(format!("transaction {tx} holds no recordContributionsBatch call for it"))
                    })?;
                let words = &call.entries;
                // The contract's `entriesDigest`: keccak256 of the words as sent, concatenated.
                let digest = keccak256(words.iter().flat_map(|w| w.to_be_bytes::<32>()).collect::<Vec<u8>>());
                if digest != log.event.entriesDigest || U256::from(words.len()) != log.event.entries {
                    return Err(unreadable(format!(
                        "the call's {} entries hash to {digest}, the log says {} entries hashing to {}",
                        words.len(),
                        log.event.entries,
                        log.event.entriesDigest
                    )));
                }
                let entries = words.iter().map(|w| unpack_entry(*w)).collect();
                Ok(RecordedBatch { epoch, batch, epoch_rounds: epochRounds, entries, traced })
            })
            .collect()
    }

    /// The successful `recordContributionsBatch` calls transaction `hash` made to GradPay. An
    /// RPC without a call tracer is [`Error::TraceUnavailable`], naming `first`, the first batch
    /// the transaction's logs announce.
    async fn record_calls(
        &self,
        hash: B256,
        first: BatchKey,
    ) -> Result<TxCalls<recordContributionsBatchCall>> {
        self.gradpay_calls(hash, |reason| Error::TraceUnavailable {
            session_id: first.session_id,
            epoch: first.epoch,
            batch: first.batch,
            tx: hash,
            reason,
        })
        .await
    }
}

/// The entry a packed word carries (`IContributionTracker.ContributionEntry`'s bit layout).
pub(crate) fn unpack_entry(word: U256) -> EpochEntry {
    let field = |shift: usize, bits: usize| {
        ((word >> shift) & ((U256::from(1u8) << bits) - U256::from(1u8))).to::<u32>()
    };
    EpochEntry {
        node: field(0, 32),
        compute_seconds: field(32, 32),
        accepted: field(64, 32),
        rejected: field(96, 32),
        rounds_ok: field(128, 32),
        rounds_joined: field(160, 32),
        consistency_bps: field(192, 16) as u16,
        network_bps: field(208, 16) as u16,
        uptime_bps: field(224, 16) as u16,
    }
}

fn decode<E: SolEvent>(log: &Log) -> Result<E> {
    E::decode_log_data(log.data()).map_err(|e| Error::Decoding {
        action: format!("decoding a {} log", E::SIGNATURE),
        reason: e.to_string(),
    })
}

fn logged<E: SolEvent>(log: &Log) -> Result<Logged<E>> {
    Ok(Logged { event: decode(log)?, tx: log.transaction_hash, at: position(log) })
}

fn position(log: &Log) -> LogPosition {
    (log.block_number.unwrap_or_default(), log.log_index.unwrap_or_default())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_what_the_client_packs() {
        let entry = crate::EpochEntry {
            node_index: 7,
            compute_seconds: u32::MAX,
            accepted: 3,
            rejected: 4,
            rounds_ok: 5,
            rounds_joined: 6,
            consistency_bps: 10_000,
            network_bps: 9_999,
            uptime_bps: 1,
        };
        let back = unpack_entry(entry.pack());
        let expected = EpochEntry::from_columns(7, [u32::MAX, 3, 4, 5, 6], [10_000, 9_999, 1]);
        assert_eq!(back, expected);
    }
}
