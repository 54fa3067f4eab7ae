//! A round's batches sent through one or more sender keys, each a *lane*: its own nonces, its own
//! fee budget ([`FeeLedger`]), its own transactions in flight. Lanes take batches from one shared
//! queue whenever the next one fits their budget, so that K keys carry K budgets' worth at once and
//! none waits while another has room. A batch one key has sent stays that key's in later rounds
//! (re-sent at that key's nonce), so two keys never carry the same batch as two transactions.
//!
//! While a lane waits (for budget, or for its last receipts) it polls: receipts free budget once
//! their block is `k` blocks old, and a transaction the node no longer knows (dropped: there is no
//! global mempool to find it elsewhere) is handed over again as the same signed bytes.

use std::{
    collections::VecDeque,
    sync::{Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use alloy::{
    network::TransactionBuilder,
    primitives::Address,
    providers::Provider,
    rpc::types::{TransactionReceipt, TransactionRequest},
};
use futures::future::join_all;

use super::{Run, budget::FeeLedger};
use crate::{
    Coordinator, Error, Result,
    journal::JournalEntry,
    tx::{Fees, REBROADCAST_AFTER, SignedTx},
};

/// Nonces tried for one batch while other transactions of the sender hold them.
const NONCE_ATTEMPTS: u64 = 16;

/// A batch to send: its index in the plan, its call and gas limit.
#[derive(Debug, Clone)]
pub(super) struct Job {
    pub(super) i: usize,
    pub(super) request: TransactionRequest,
    pub(super) gas_limit: u64,
}

impl Job {
    /// What the budget counts for it: the whole gas limit at the fee cap.
    pub(super) fn fee(&self, fees: Fees) -> u128 {
        u128::from(self.gas_limit).saturating_mul(fees.max_fee_per_gas)
    }
}

/// A sent batch waiting for its receipt.
#[derive(Debug)]
struct Flight {
    job: Job,
    signed: SignedTx,
    sent_at: Instant,
    checked_at: Instant,
}

/// What the lanes of a round share: the run (journal, summary), the queue, the fee caps.
pub(super) struct Shared<'r, 'j> {
    pub(super) run: Mutex<&'r mut Run<'j>>,
    pub(super) queue: Mutex<VecDeque<Job>>,
    pub(super) fees: Fees,
    /// Wait for each batch's receipt before the next ([`super::SendMode::Sequential`]).
    pub(super) sequential: bool,
}

impl<'r, 'j> Shared<'r, 'j> {
    /// The run, locked for a moment (never across an await: the guard is not `Send`).
    fn run(&self) -> MutexGuard<'_, &'r mut Run<'j>> {
        self.run.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The queue, locked for a moment.
    fn queue(&self) -> MutexGuard<'_, VecDeque<Job>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One sender key's part of a round.
#[derive(Debug)]
pub(super) struct Lane {
    /// Its position among the run's keys.
    pub(super) index: usize,
    pub(super) key: Coordinator,
    pub(super) ledger: FeeLedger,
    nonce: u64,
    head: u64,
    /// Batches this key sent in an earlier round: it alone sends them.
    pub(super) own: VecDeque<Job>,
    flying: Vec<Flight>,
    /// Mined (succeeded or reverted), with their receipts.
    pub(super) landed: Vec<(Job, TransactionReceipt)>,
    /// Sent but not mined within the receipt timeout, by index.
    pub(super) unmined: Vec<usize>,
    /// Not sent (the node refused them for a reason other than a nonce), by index.
    pub(super) unsent: Vec<usize>,
}

impl Lane {
    /// A lane for `key`, its next nonce `nonce`, the chain at `head`.
    pub(super) const fn new(
        index: usize,
        key: Coordinator,
        ledger: FeeLedger,
        nonce: u64,
        head: u64,
    ) -> Self {
        Self {
            index,
            key,
            ledger,
            nonce,
            head,
            own: VecDeque::new(),
            flying: Vec::new(),
            landed: Vec::new(),
            unmined: Vec::new(),
            unsent: Vec::new(),
        }
    }

    /// The key's address.
    pub(super) fn sender(&self) -> Address {
        self.key.sender()
    }

    /// Sends batches while there are any (its own first, then the shared queue's), each as soon as
    /// it fits the budget, then waits for the receipts of what it sent.
    pub(super) async fn drive(&mut self, shared: &Shared<'_, '_>) -> Result<()> {
        let poll = Duration::from_millis(self.key.profile().poll_interval_ms.max(1));
        let timeout = Duration::from_secs(self.key.profile().receipt_timeout_secs);
        let mut waiting_since = None;
        loop {
            let next = self.own.front().or(shared.queue().front()).map(|job| job.fee(shared.fees));
            let Some(fee) = next else { break };
            if !self.ledger.fits(fee, self.head) {
                // The budget frees only as blocks come: a chain that stopped leaves the rest to the
                // next round instead of waiting here for ever.
                let since = *waiting_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= timeout {
                    tracing::warn!(sender = %self.sender(), head = self.head, "fee budget not freed in time; leaving the rest to the next round");
                    break;
                }
                tokio::time::sleep(poll).await;
                self.poll(shared).await?;
                continue;
            }
            waiting_since = None;
            // Taken only now, with no await since the check: no other lane took it meanwhile.
            let job = self.own.pop_front().or_else(|| shared.queue().pop_front());
            let Some(job) = job else { continue };
            self.send(job, shared).await?;
            if shared.sequential {
                self.drain(shared, poll).await?;
                if !self.unmined.is_empty() {
                    // The rest would queue behind it; the next round re-checks and re-sends.
                    break;
                }
            }
        }
        self.drain(shared, poll).await
    }

    /// Waits until every transaction of this lane has a receipt or has timed out.
    async fn drain(&mut self, shared: &Shared<'_, '_>, poll: Duration) -> Result<()> {
        while !self.flying.is_empty() {
            tokio::time::sleep(poll).await;
            self.poll(shared).await?;
        }
        Ok(())
    }

    /// Signs `job` at the lane's next nonce (or the next ones while another transaction of the key
    /// holds it), hands it over, and journals it sent before anything else happens.
    async fn send(&mut self, job: Job, shared: &Shared<'_, '_>) -> Result<()> {
        let (epoch, batch) = {
            let run = shared.run();
            (run.epoch, run.batches[job.i].number)
        };
        let action = format!("sending epoch {epoch} batch {batch}");
        let request = job.request.clone().with_from(self.sender());
        for _ in 0..NONCE_ATTEMPTS {
            let tx = shared.fees.apply(request.clone()).with_gas_limit(job.gas_limit).with_nonce(self.nonce);
            let signed = self.key.sign(&action, tx).await?;
            match self.key.broadcast(&action, &signed, false).await {
                Ok(hash) => {
                    let mut run = shared.run();
                    let (nonce, gas_limit, sender) = (self.nonce, job.gas_limit, Some(self.sender()));
                    run.journal.append(&JournalEntry::Sent {
                        epoch,
                        batch,
                        tx: hash,
                        nonce,
                        gas_limit,
                        sender,
                    })?;
                    run.sent.insert(hash, gas_limit);
                    run.lane_of.insert(job.i, self.index);
                    run.summary.transactions_sent += 1;
                    run.summary.keys[self.index].transactions += 1;
                    drop(run);
                    self.ledger.sent(hash, job.fee(shared.fees), self.head);
                    self.nonce += 1;
                    let now = Instant::now();
                    self.flying.push(Flight { job, signed, sent_at: now, checked_at: now });
                    return Ok(());
                }
                // The node is gone: the next round (after a backoff) starts over from the chain.
                Err(e @ Error::RpcUnreachable { .. }) => return Err(e),
                Err(e) if nonce_taken(&e) => self.nonce += 1,
                Err(e) => {
                    tracing::warn!(epoch, batch, sender = %self.sender(), error = %e, "send failed");
                    self.unsent.push(job.i);
                    return Ok(());
                }
            }
        }
        self.unsent.push(job.i);
        Ok(())
    }

    /// Reads the head and the receipts of what flies; re-sends, as the same bytes, what the node
    /// no longer knows; gives up on what has waited past the receipt timeout.
    async fn poll(&mut self, shared: &Shared<'_, '_>) -> Result<()> {
        if let Ok(head) = self.key.provider().get_block_number().await {
            self.head = self.head.max(head);
        }
        let receipts = join_all(self.flying.iter().map(|f| self.key.receipt(f.signed.hash))).await;
        let timeout = Duration::from_secs(self.key.profile().receipt_timeout_secs);
        let mut waiting = Vec::with_capacity(self.flying.len());
        for (flight, receipt) in std::mem::take(&mut self.flying).into_iter().zip(receipts) {
            match receipt {
                Some(receipt) => {
                    let block = receipt.block_number.unwrap_or(self.head);
                    self.ledger.mined(flight.signed.hash, block);
                    self.landed.push((flight.job, receipt));
                }
                None if flight.sent_at.elapsed() >= timeout => {
                    let hash = flight.signed.hash;
                    tracing::warn!(%hash, sender = %self.sender(), "no receipt in time; will re-check");
                    // Never mined: it no longer holds budget (if it is merely late, the node holds
                    // what follows it until it fits, which only waits).
                    self.ledger.forget(hash);
                    self.unmined.push(flight.job.i);
                }
                None => waiting.push(flight),
            }
        }
        for flight in waiting.iter_mut().filter(|f| f.checked_at.elapsed() >= REBROADCAST_AFTER) {
            flight.checked_at = Instant::now();
            if self.key.rebroadcast_if_forgotten(&flight.signed).await? {
                shared.run().summary.resent += 1;
            }
        }
        self.flying = waiting;
        self.ledger.prune(self.head);
        Ok(())
    }
}

/// Whether the node refused a transaction because its nonce is taken: mined already ("nonce too
/// low") or held in the pool by another transaction at a fee this one does not outbid.
fn nonce_taken(error: &Error) -> bool {
    let Error::Transport { reason, .. } = error else { return false };
    let reason = reason.to_lowercase();
    reason.contains("nonce too low") || reason.contains("underpriced")
}
