//! Sending a round of batches: all estimated first (a bad batch fails the epoch with nothing
//! sent), signed with consecutive nonces, sent without waiting and their receipts awaited together
//! (or one by one in [`SendMode::Sequential`]). A batch the chain refuses because its key or its
//! nodes are taken is not an error until the chain's logs say its entries are not there.

use std::time::Duration;

use alloy::{
    network::{ReceiptResponse, TransactionBuilder},
    primitives::{B256, U256},
    rpc::types::{TransactionReceipt, TransactionRequest},
};
use tokio::task::JoinSet;

use super::{Run, SendMode};
use crate::{Coordinator, Error, Result, bindings::GradPay::GradPayErrors, journal::JournalEntry, tx::Fees};

/// A batch in flight: its index in the plan, its transaction and gas limit.
type InFlight = (usize, B256, u64);

/// Nonces tried for one batch while other transactions of the sender hold them.
const NONCE_ATTEMPTS: u64 = 16;

/// Whether the node refused a transaction because its nonce is taken: mined already ("nonce too
/// low") or held in the pool by another transaction at a fee this one does not outbid.
fn nonce_taken(error: &Error) -> bool {
    let Error::Transport { reason, .. } = error else { return false };
    let reason = reason.to_lowercase();
    reason.contains("nonce too low") || reason.contains("underpriced")
}

impl Coordinator {
    /// Estimates, signs and sends the batches at `indices` (fees raised 25 % per `retry`, to
    /// replace a stuck transaction), then awaits their receipts; returns how many were not mined in time.
    pub(super) async fn send_round(&self, run: &mut Run<'_>, indices: &[usize], retry: u32) -> Result<usize> {
        let requests: Vec<TransactionRequest> = indices
            .iter()
            .map(|&i| {
                let b = &run.batches[i];
                let call = self.contract().recordContributionsBatch(
                    run.session_id,
                    run.epoch,
                    b.number,
                    run.epoch_rounds,
                    b.words.clone(),
                );
                self.request(call.calldata().clone())
            })
            .collect();
        // Estimate everything before sending anything: a bad batch fails the epoch with nothing sent.
        let limits = self.estimate_all(run, indices, &requests).await?;
        // Each round re-sends at a higher fee so that a stuck transaction with the same nonce is replaced.
        let fees = self.fees(100 + 25 * u128::from(retry)).await?;
        let total_gas: u64 = limits.iter().flatten().sum();
        self.ensure_funds(U256::ZERO, total_gas, fees).await?;
        // A first round takes the next free nonce (`pending`: another process with the same key may
        // have transactions in the pool); a retry starts at `latest`, so that a dropped
        // transaction's gap is filled and a stuck one is replaced at the higher fee.
        let mut nonce = if retry == 0 { self.pending_nonce().await? } else { self.mined_nonce().await? };
        let mut in_flight = Vec::new();
        let mut signed = Vec::new();
        let mut unsent = 0;
        for ((&i, request), limit) in indices.iter().zip(requests).zip(limits) {
            let Some(gas_limit) = limit else { continue };
            let Some((hash, used, tx)) = self.send_batch(run, i, request, gas_limit, fees, nonce).await?
            else {
                // The next round re-checks the chain and re-sends.
                unsent += 1;
                continue;
            };
            signed.push((i, tx));
            let (epoch, batch) = (run.epoch, run.batches[i].number);
            run.journal.append(&JournalEntry::Sent { epoch, batch, tx: hash, nonce: used, gas_limit })?;
            run.sent.insert(hash, gas_limit);
            run.summary.transactions_sent += 1;
            nonce = used + 1;
            in_flight.push((i, hash, gas_limit));
            if run.mode == SendMode::Sequential {
                let unmined = self.await_batches(run, std::mem::take(&mut in_flight), &signed).await?;
                if unmined > 0 {
                    // The rest would queue behind it; the next round re-checks and re-sends.
                    return Ok(unmined);
                }
            }
        }
        // A batch the estimate deferred (its key or nodes taken in the pending block) is not done either.
        let deferred = indices.len() - signed.len() - unsent;
        Ok(deferred + unsent + self.await_batches(run, in_flight, &signed).await?)
    }

    /// Signs and sends batch `i` at `nonce`, or at the next nonces while another transaction (of
    /// another process with the same key, say) holds it. Returns the hash, the nonce used and the
    /// request; `None` when the node refused it for another reason.
    async fn send_batch(
        &self,
        run: &Run<'_>,
        i: usize,
        request: TransactionRequest,
        gas_limit: u64,
        fees: Fees,
        mut nonce: u64,
    ) -> Result<Option<(B256, u64, TransactionRequest)>> {
        for _ in 0..NONCE_ATTEMPTS {
            let tx = fees.apply(request.clone()).with_gas_limit(gas_limit).with_nonce(nonce);
            match self.send("sending batch", tx.clone()).await {
                Ok(hash) => return Ok(Some((hash, nonce, tx))),
                // The node is gone: the next round (after a backoff) starts over from the chain.
                Err(e @ Error::RpcUnreachable { .. }) => return Err(e),
                Err(e) if nonce_taken(&e) => nonce += 1,
                Err(e) => {
                    tracing::warn!(epoch = run.epoch, batch = run.batches[i].number, error = %e, "send failed");
                    return Ok(None);
                }
            }
        }
        Ok(None)
    }

    /// Gas limits per batch (`None` for a batch the chain refuses as taken, left to the next round).
    async fn estimate_all(
        &self,
        run: &mut Run<'_>,
        indices: &[usize],
        requests: &[TransactionRequest],
    ) -> Result<Vec<Option<u64>>> {
        let mut estimates = JoinSet::new();
        for (k, request) in requests.iter().enumerate() {
            let (this, request) = (self.clone(), request.clone());
            let action = format!("recording epoch {} batch {}", run.epoch, run.batches[indices[k]].number);
            estimates.spawn(async move { (k, this.estimate(&action, request).await, action) });
        }
        let mut results = Vec::with_capacity(requests.len());
        while let Some(joined) = estimates.join_next().await {
            results.extend(joined.ok());
        }
        results.sort_by_key(|(k, ..)| *k);
        let mut limits = vec![None; requests.len()];
        for (k, estimate, action) in results {
            match estimate {
                Ok(gas) => limits[k] = Some(self.checked_gas_limit(&action, gas)?),
                Err(e) => self.refused(run, indices[k], &requests[k], e).await?,
            }
        }
        Ok(limits)
    }

    /// Handles a batch the chain refuses. Its key taken: the next round compares digests. Its
    /// nodes already recorded this epoch: done if a batch with the same entries is on chain under
    /// another number (the batch moves to it), else refused naming the node. Anything else is an error.
    /// Estimates see the pending block: a conflict only there (a transaction of another process
    /// still in the pool) is left to the next round, once it is mined and its log can be read.
    async fn refused(
        &self,
        run: &mut Run<'_>,
        i: usize,
        request: &TransactionRequest,
        error: Error,
    ) -> Result<()> {
        match error.contract_error() {
            Some(GradPayErrors::BatchAlreadyRecorded(_)) => Ok(()),
            Some(GradPayErrors::NodeAlreadyRecordedInEpoch(_)) => {
                let Err(e) = self.estimate_latest("re-estimating a batch", fresh_call(request)).await else {
                    return Ok(());
                };
                let Some(GradPayErrors::NodeAlreadyRecordedInEpoch(taken)) = e.contract_error() else {
                    return Ok(());
                };
                let on_chain = self.recorded_batches(run.session_id, run.epoch, None).await?;
                match on_chain.iter().find(|r| r.holds(&run.batches[i], run.epoch_rounds)) {
                    Some(held) => run.renumber(i, held.batch),
                    None => Err(Error::NodeAlreadyRecorded {
                        session_id: run.session_id,
                        epoch: run.epoch,
                        node_index: taken.nodeIndex,
                    }),
                }
            }
            _ => Err(error),
        }
    }

    /// Waits for the receipts of `in_flight`; mined ones are journaled done. A missing receipt is
    /// left for the next round; a revert is explained. Returns how many were not mined in time.
    async fn await_batches(
        &self,
        run: &mut Run<'_>,
        in_flight: Vec<InFlight>,
        signed: &[(usize, TransactionRequest)],
    ) -> Result<usize> {
        let timeout = Duration::from_secs(self.profile().receipt_timeout_secs);
        let mut waits = JoinSet::new();
        for (i, hash, gas_limit) in in_flight {
            let this = self.clone();
            waits.spawn(async move { (i, gas_limit, this.wait_receipt(hash, timeout).await) });
        }
        let mut unmined = 0;
        let mut failures = Vec::new();
        while let Some(joined) = waits.join_next().await {
            let Ok((i, gas_limit, receipt)) = joined else { continue };
            let number = run.batches[i].number;
            match receipt? {
                Some(r) if r.status() => self.mined(run, i, r.transaction_hash, r.gas_used(), gas_limit)?,
                Some(r) => failures.push((i, gas_limit, r)),
                None => {
                    unmined += 1;
                    tracing::warn!(epoch = run.epoch, number, "no receipt in time; will re-check");
                }
            }
        }
        for (i, gas_limit, receipt) in failures {
            let Some((_, request)) = signed.iter().find(|(k, _)| *k == i) else { continue };
            self.reverted(run, i, request.clone(), gas_limit, &receipt).await?;
        }
        Ok(unmined)
    }

    /// A batch's transaction reverted. Re-estimated at the latest block, a batch whose key or nodes
    /// were taken meanwhile (e.g. by a concurrent process) is handled as at estimate time; any other
    /// failure (out of gas, …) is explained.
    async fn reverted(
        &self,
        run: &mut Run<'_>,
        i: usize,
        request: TransactionRequest,
        gas_limit: u64,
        receipt: &TransactionReceipt,
    ) -> Result<()> {
        let action = format!("recording epoch {} batch {}", run.epoch, run.batches[i].number);
        match self.estimate(&action, fresh_call(&request)).await {
            Err(e) if e.contract_error().is_some() => self.refused(run, i, &request, e).await,
            _ => Err(self.explain_failure(&action, request, gas_limit, receipt).await),
        }
    }
}

/// `request` without its nonce (used now) and gas limit (perhaps what failed), to estimate afresh.
fn fresh_call(request: &TransactionRequest) -> TransactionRequest {
    let mut call = request.clone();
    (call.gas, call.nonce) = (None, None);
    call
}
