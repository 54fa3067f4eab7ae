//! Sending a round of batches: all estimated first (a bad batch fails the epoch with nothing
//! sent), then handed to the run's sender keys ([`super::lanes`]), each signing with consecutive
//! nonces and sending without waiting as far as its fee budget allows (or one by one in
//! [`SendMode::Sequential`]). A batch the chain refuses because its key or its
//! nodes are taken is not an error until the chain's logs say its entries are not there.

use std::{
    collections::VecDeque,
    sync::{Mutex, PoisonError},
};

use alloy::{
    network::ReceiptResponse,
    rpc::types::{TransactionReceipt, TransactionRequest},
};
use futures::future::try_join_all;
use tokio::task::JoinSet;

use super::{
    Run, SendMode,
    lanes::{Job, Shared},
};
use crate::{Coordinator, Error, Result, bindings::GradPay::GradPayErrors};

impl Coordinator {
    /// Estimates the batches at `indices`, then sends them through the run's keys (fees raised
    /// 25 % per `retry`, to replace a stuck transaction) within each key's fee budget and awaits
    /// their receipts; returns how many are not known recorded yet.
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
        let jobs: Vec<Job> = indices
            .iter()
            .zip(requests)
            .zip(limits)
            .filter_map(|((&i, request), limit)| limit.map(|gas_limit| Job { i, request, gas_limit }))
            .collect();
        // A batch the estimate deferred (its key or nodes taken in the pending block) is not done either.
        let mut not_done = indices.len() - jobs.len();
        let mut lanes = self.lanes(run, &jobs, fees, retry).await?;
        let mut queue = VecDeque::new();
        for job in jobs {
            match run.lane_of.get(&job.i).and_then(|&l| lanes.get_mut(l)) {
                Some(lane) => lane.own.push_back(job),
                None => queue.push_back(job),
            }
        }
        let sequential = run.mode == SendMode::Sequential;
        let shared = Shared { run: Mutex::new(&mut *run), queue: Mutex::new(queue), fees, sequential };
        let driven = try_join_all(lanes.iter_mut().map(|lane| lane.drive(&shared))).await;
        not_done += shared.queue.into_inner().unwrap_or_else(PoisonError::into_inner).len();
        let mut failures = Vec::new();
        let mut landed = Vec::new();
        for lane in lanes {
            run.summary.keys[lane.index].max_in_flight_wei = lane.ledger.peak();
            run.ledgers[lane.index] = lane.ledger;
            landed.push((lane.unmined.len() + lane.unsent.len() + lane.own.len(), lane.landed));
        }
        driven?;
        for (missing, mined) in landed {
            not_done += missing;
            for (job, receipt) in mined {
                if receipt.status() {
                    self.mined(run, job.i, receipt.transaction_hash, receipt.gas_used(), job.gas_limit)?;
                } else {
                    failures.push((job, receipt));
                }
            }
        }
        for (job, receipt) in failures {
            not_done += 1;
            self.reverted(run, job.i, job.request, job.gas_limit, &receipt).await?;
        }
        Ok(not_done)
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
