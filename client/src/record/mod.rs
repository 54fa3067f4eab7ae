//! Recording an epoch exactly once: entries are split into batches by a plan fixed in the
//! journal, each batch keyed `(epoch, batch)` on chain; batches are signed with consecutive
//! nonces and sent without waiting (pipelined), then their receipts are awaited together.
//! After a timeout, a dropped transaction, an RPC restart or a coordinator crash, re-running
//! converges: what `isBatchRecorded` says is on chain is skipped, a replay reverting
//! `BatchAlreadyRecorded` counts as done, and the rest is re-sent with fresh nonces.

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use alloy::{
    network::{ReceiptResponse, TransactionBuilder},
    primitives::{B256, U256, keccak256},
    providers::Provider,
    rpc::types::TransactionRequest,
};
use serde::Serialize;
use tokio::task::JoinSet;

use crate::{
    EpochEntry, Error, Result,
    bindings::is_batch_already_recorded,
    coordinator::{Coordinator, with_fees},
    journal::{BatchStatus, EpochPlan, Journal, JournalEntry},
};

/// Rounds of check → send → await before giving up (each after an exponential backoff).
const MAX_ROUNDS: u32 = 7;
/// First backoff between rounds; doubles every round.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// How batches are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum SendMode {
    /// All batches signed with consecutive nonces and sent at once, receipts awaited together.
    #[default]
    Pipelined,
    /// One batch at a time, waiting for its receipt before the next (the seed's way; for comparison).
    Sequential,
}

/// What recording an epoch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordSummary {
    /// The epoch.
    pub epoch: u32,
    /// Entries recorded.
    pub entries: usize,
    /// Batches in the plan.
    pub batches: u32,
    /// Batches found already on chain (earlier run, or a replay).
    pub already_recorded: u32,
    /// Transactions sent by this run.
    pub transactions_sent: u32,
    /// Rounds needed (1 when nothing went wrong).
    pub rounds: u32,
    /// Gas used by this run's mined batches.
    pub gas_used: u64,
    /// Gas limits of this run's mined batches.
    pub gas_limit: u64,
    /// Wall time, milliseconds.
    pub millis: u128,
}

/// One batch of the plan.
#[derive(Debug, Clone)]
struct Batch {
    number: u32,
    words: Vec<U256>,
}

impl Coordinator {
    /// Records `entries` for `epoch` of a session exactly once, batched and pipelined, resuming
    /// from `journal`. `on_progress(done, total)` is called as batches complete.
    #[allow(clippy::too_many_arguments)] // each is one independent input of the contract's batch key or of the run
    pub async fn record_epoch(
        &self,
        journal: &mut Journal,
        session_id: u64,
        epoch: u32,
        epoch_rounds: u32,
        entries: &[EpochEntry],
        mode: SendMode,
        on_progress: &(dyn Fn(u32, u32) + Sync),
    ) -> Result<RecordSummary> {
        let started = Instant::now();
        let batches = self.plan(journal, session_id, epoch, epoch_rounds, entries).await?;
        let total = batches.len() as u32;
        let mut summary =
            RecordSummary { epoch, entries: entries.len(), batches: total, ..RecordSummary::default() };
        let mut backoff = FIRST_BACKOFF;
        let mut retry = 0;
        let mut opened_cleanly = false;
        loop {
            summary.rounds += 1;
            let remaining = self.unrecorded(journal, session_id, epoch, &batches, &mut summary).await?;
            on_progress(total - remaining.len() as u32, total);
            if remaining.is_empty() {
                break;
            }
            if summary.rounds > MAX_ROUNDS {
                return Err(Error::Rpc {
                    action: format!("recording epoch {epoch}"),
                    reason: format!(
                        "{} batch(es) still unrecorded after {MAX_ROUNDS} rounds; re-run to resume",
                        remaining.len()
                    ),
                });
            }
            if summary.rounds > 1 && !opened_cleanly {
                retry += 1;
                tracing::warn!(epoch, remaining = remaining.len(), ?backoff, "re-sending unrecorded batches");
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
            // The first batch of an epoch also opens it (epoch counters, T). Estimated before it is
            // mined, every other batch would carry that cost in its gas limit, which Monad charges
            // in full: so a new epoch's first batch goes alone, and the rest are estimated after it.
            let opening = mode == SendMode::Pipelined
                && remaining.len() > 1
                && !self.epoch_open(session_id, epoch).await;
            let sending = if opening { &remaining[..1] } else { &remaining[..] };
            // A round that fails on transport (node down) is retried after the backoff.
            let round = self
                .send_round(journal, session_id, epoch, epoch_rounds, sending, mode, retry, &mut summary)
                .await;
            opened_cleanly = opening && matches!(round, Ok(0));
            match round {
                Ok(_) => {}
                Err(Error::RpcUnreachable { reason, .. }) | Err(Error::Rpc { reason, .. }) => {
                    tracing::warn!(epoch, %reason, "round interrupted");
                }
                Err(other) => return Err(other),
            }
        }
        summary.millis = started.elapsed().as_millis();
        Ok(summary)
    }

    /// Whether `epoch` is the session's current, already opened epoch.
    async fn epoch_open(&self, session_id: u64, epoch: u32) -> bool {
        self.session(session_id).await.is_ok_and(|s| s.epochCount > 0 && s.currentEpoch == epoch)
    }

    /// Validates the entries, fixes (or re-reads) the epoch's batch plan and splits accordingly.
    async fn plan(
        &self,
        journal: &mut Journal,
        session_id: u64,
        epoch: u32,
        epoch_rounds: u32,
        entries: &[EpochEntry],
    ) -> Result<Vec<Batch>> {
        let session = self.session(session_id).await?;
        if session.state != 1 {
            return Err(Error::SessionState {
                session_id,
                state: crate::coordinator::state_name(session.state).into(),
                hint: "records go to an active session only (`gradpay session create`)".into(),
            });
        }
        let mut sorted = entries.to_vec();
        sorted.sort_by_key(|e| e.node_index);
        let mut seen = BTreeSet::new();
        for entry in &sorted {
            let origin = || format!("epoch {epoch}, node {}", entry.node_index);
            entry.validate(epoch_rounds).map_err(|reason| Error::Metrics { origin: origin(), reason })?;
            if entry.node_index >= session.nodeCount {
                return Err(Error::Metrics {
                    origin: origin(),
                    reason: format!("the session has {} node(s)", session.nodeCount),
                });
            }
            if !seen.insert(entry.node_index) {
                return Err(Error::Metrics { origin: origin(), reason: "node listed twice".into() });
            }
        }
        if sorted.is_empty() {
            return Err(Error::Metrics { origin: format!("epoch {epoch}"), reason: "no entries".into() });
        }
        let words: Vec<U256> = sorted.iter().map(EpochEntry::pack).collect();
        let digest = keccak256(words.iter().flat_map(|w| w.to_be_bytes::<32>()).collect::<Vec<u8>>());
        let batch_size = match journal.plan(epoch) {
            Some(plan) if plan.digest == digest && plan.epoch_rounds == epoch_rounds => {
                plan.batch_size as usize
            }
            Some(_) => {
                return Err(Error::Journal {
                    path: journal.path().to_owned(),
                    reason: format!(
                        "epoch {epoch} was already sent with other metrics; an epoch is recorded once"
                    ),
                });
            }
            None => {
                let batch_size = self.profile().batch_size;
                let batches = words.len().div_ceil(batch_size) as u32;
                journal.append(&JournalEntry::Plan(EpochPlan {
                    epoch,
                    epoch_rounds,
                    batch_size: batch_size as u32,
                    batches,
                    digest,
                }))?;
                batch_size
            }
        };
        Ok(words
            .chunks(batch_size)
            .enumerate()
            .map(|(i, chunk)| Batch { number: i as u32, words: chunk.to_vec() })
            .collect())
    }

    /// The batches not yet on chain; journal and summary updated for those that are.
    async fn unrecorded(
        &self,
        journal: &mut Journal,
        session_id: u64,
        epoch: u32,
        batches: &[Batch],
        summary: &mut RecordSummary,
    ) -> Result<Vec<Batch>> {
        let mut checks = JoinSet::new();
        for batch in batches.iter().filter(|b| journal.status(epoch, b.number) != Some(BatchStatus::Done)) {
            let (this, number) = (self.clone(), batch.number);
            let sent = match journal.status(epoch, number) {
                Some(BatchStatus::Sent { tx, .. }) => Some(tx),
                _ => None,
            };
            checks.spawn(async move {
                let recorded = this.contract().isBatchRecorded(session_id, epoch, number).call().await;
                let receipt = match (sent, &recorded) {
                    (Some(tx), Ok(true)) => this.provider().get_transaction_receipt(tx).await.ok().flatten(),
                    _ => None,
                };
                (number, recorded.map_err(|e| this.call_error("checking batch", &e)), receipt)
            });
        }
        let mut remaining = BTreeSet::new();
        while let Some(joined) = checks.join_next().await {
            let Ok((number, recorded, receipt)) = joined else { continue };
            let recorded = match recorded {
                Ok(recorded) => recorded,
                // Unknown (node unreachable): treat as not recorded; the send round will find out.
                Err(e) => {
                    tracing::warn!(epoch, number, error = %e, "cannot check batch");
                    false
                }
            };
            if !recorded {
                remaining.insert(number);
                continue;
            }
            let ours = receipt.filter(|r| r.status());
            if ours.is_none() {
                summary.already_recorded += 1;
            }
            journal.append(&JournalEntry::Done {
                epoch,
                batch: number,
                tx: ours.as_ref().map(|r| r.transaction_hash),
                gas_used: ours.as_ref().map_or(0, |r| r.gas_used()),
                gas_limit: 0,
            })?;
        }
        Ok(batches.iter().filter(|b| remaining.contains(&b.number)).cloned().collect())
    }

    /// Estimates, signs and sends `batches` (fees raised 25 % per `retry`, to replace a stuck
    /// transaction), then awaits their receipts; returns how many were not mined in time.
    #[allow(clippy::too_many_arguments)]
    async fn send_round(
        &self,
        journal: &mut Journal,
        session_id: u64,
        epoch: u32,
        epoch_rounds: u32,
        batches: &[Batch],
        mode: SendMode,
        retry: u32,
        summary: &mut RecordSummary,
    ) -> Result<usize> {
        let requests: Vec<TransactionRequest> = batches
            .iter()
            .map(|b| {
                let call = self.contract().recordContributionsBatch(
                    session_id,
                    epoch,
                    b.number,
                    epoch_rounds,
                    b.words.clone(),
                );
                self.request(call.calldata().clone())
            })
            .collect();
        // Estimate everything before sending anything: a bad batch fails the epoch with nothing sent.
        let limits = self.estimate_all(epoch, batches, &requests).await?;
        // Each round re-sends at a higher fee so that a stuck transaction with the same nonce is replaced.
        let fees = self.fees(100 + 25 * u128::from(retry)).await?;
        let total_gas: u64 = limits.iter().flatten().sum();
        self.ensure_funds(U256::ZERO, total_gas, fees).await?;
        // `latest`, not `pending`: a dropped transaction leaves a gap that only re-using its nonce fills.
        let mut nonce = self
            .provider()
            .get_transaction_count(self.sender())
            .latest()
            .await
            .map_err(|e| self.rpc_error("reading nonce", &e))?;
        let timeout = Duration::from_secs(self.profile().receipt_timeout_secs);
        let mut in_flight = Vec::new();
        let mut sent_requests = Vec::new();
        for ((batch, request), limit) in batches.iter().zip(requests).zip(limits) {
            let Some(gas_limit) = limit else { continue };
            let tx = with_fees(request, fees).with_gas_limit(gas_limit).with_nonce(nonce);
            sent_requests.push((batch.number, tx.clone()));
            let hash = match self.send("sending batch", tx).await {
                Ok(hash) => hash,
                // The node is gone: the next round (after a backoff) starts over from the chain.
                Err(e @ Error::RpcUnreachable { .. }) => return Err(e),
                Err(e) => {
                    // Already known / nonce too low / replacement underpriced: the next round re-checks the chain.
                    tracing::warn!(epoch, batch = batch.number, error = %e, "send failed");
                    continue;
                }
            };
            journal.append(&JournalEntry::Sent { epoch, batch: batch.number, tx: hash, nonce, gas_limit })?;
            summary.transactions_sent += 1;
            nonce += 1;
            in_flight.push((batch.number, hash, gas_limit));
            if mode == SendMode::Sequential {
                let unmined = self
                    .await_batches(
                        journal,
                        epoch,
                        std::mem::take(&mut in_flight),
                        &sent_requests,
                        timeout,
                        summary,
                    )
                    .await?;
                if unmined > 0 {
                    // The rest would queue behind it; the next round re-checks and re-sends.
                    return Ok(unmined);
                }
            }
        }
        self.await_batches(journal, epoch, in_flight, &sent_requests, timeout, summary).await
    }

    /// Gas limits per batch (`None` for a batch the estimate shows is already recorded).
    async fn estimate_all(
        &self,
        epoch: u32,
        batches: &[Batch],
        requests: &[TransactionRequest],
    ) -> Result<Vec<Option<u64>>> {
        let mut estimates = JoinSet::new();
        for (i, request) in requests.iter().enumerate() {
            let (this, request) = (self.clone(), request.clone());
            estimates.spawn(async move { (i, this.provider().estimate_gas(request).await) });
        }
        let mut limits = vec![None; requests.len()];
        while let Some(joined) = estimates.join_next().await {
            let Ok((i, estimate)) = joined else { continue };
            let action = format!("recording epoch {epoch} batch {}", batches[i].number);
            match estimate {
                Ok(gas) if gas > self.profile().max_tx_gas => {
                    return Err(Error::Rpc {
                        action,
                        reason: format!(
                            "needs {gas} gas, above the per-transaction cap {}; lower batch-size",
                            self.profile().max_tx_gas
                        ),
                    });
                }
                Ok(gas) => limits[i] = Some(self.profile().gas_limit(gas)),
                Err(e) => match e.as_error_resp().and_then(|p| p.as_revert_data()) {
                    Some(data) if is_batch_already_recorded(&data) => {}
                    _ => return Err(self.rpc_error(&action, &e)),
                },
            }
        }
        Ok(limits)
    }

    /// Waits for the receipts of `in_flight` (batch, tx, gas limit); mined ones are journaled done.
    /// A missing receipt is left for the next round; a revert other than a replay is an error.
    /// Returns how many were not mined in time.
    async fn await_batches(
        &self,
        journal: &mut Journal,
        epoch: u32,
        in_flight: Vec<(u32, B256, u64)>,
        requests: &[(u32, TransactionRequest)],
        timeout: Duration,
        summary: &mut RecordSummary,
    ) -> Result<usize> {
        let mut waits = JoinSet::new();
        let mut unmined = 0;
        for (number, hash, gas_limit) in in_flight {
            let this = self.clone();
            waits.spawn(async move { (number, gas_limit, this.wait_receipt(hash, timeout).await) });
        }
        let mut failures = Vec::new();
        while let Some(joined) = waits.join_next().await {
            let Ok((number, gas_limit, receipt)) = joined else { continue };
            match receipt? {
                Some(r) if r.status() => {
                    self.record_gas("recordContributionsBatch", r.gas_used(), gas_limit);
                    summary.gas_used += r.gas_used();
                    summary.gas_limit += gas_limit;
                    journal.append(&JournalEntry::Done {
                        epoch,
                        batch: number,
                        tx: Some(r.transaction_hash),
                        gas_used: r.gas_used(),
                        gas_limit,
                    })?;
                }
                Some(r) => failures.push((number, r)),
                None => {
                    unmined += 1;
                    tracing::warn!(epoch, number, "no receipt in time; will re-check");
                }
            }
        }
        for (number, receipt) in failures {
            // Reverted on chain: fine if the batch is recorded now (a replay), else explain.
            let session_id = journal.scope().session_id;
            let recorded =
                self.contract().isBatchRecorded(session_id, epoch, number).call().await.unwrap_or(false);
            if !recorded {
                let action = format!("recording epoch {epoch} batch {number}");
                let request = requests.iter().find(|(n, _)| *n == number).map(|(_, r)| r.clone());
                return Err(match request {
                    Some(request) => {
                        self.explain_failure(&action, request, receipt.gas_used().max(1), &receipt).await
                    }
                    None => Error::Revert {
                        action,
                        reason: format!("transaction {} reverted", receipt.transaction_hash),
                    },
                });
            }
        }
        Ok(unmined)
    }
}
