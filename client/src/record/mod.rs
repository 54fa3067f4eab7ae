//! Recording an epoch exactly once. On chain a batch is keyed `(epoch, batch)`, and the contract
//! emits its `entriesDigest` (keccak256 of its packed words): a batch counts as done only when the
//! chain holds a batch with the same digest and rounds, never because its key was used.
//!
//! - [`plan`]: the entries are validated, split into batches and fixed in the journal; a new plan
//!   first finds on chain the batches already holding its entries (a lost journal), and numbers the
//!   others freshly, so that several files, runs or processes can report one epoch.
//! - [`send`]: batches are estimated, then sent without waiting (pipelined) through one or more
//!   sender keys ([`lanes`], [`senders`]), each with consecutive nonces and within its fee budget
//!   ([`budget`]: Monad's reserve balance), and their receipts awaited together.
//! - [`chain`]: what the chain says about a key (its log, the recorded-batch bitmap, typed reverts).
//!
//! After a timeout, a dropped transaction, an RPC restart, a crash, a lost journal or a concurrent
//! process, re-running converges: a key held by the same entries is done, a key taken by other
//! entries is renumbered, and the rest is re-sent with fresh nonces.

mod budget;
mod chain;
mod lanes;
mod plan;
mod resolve;
mod send;
mod senders;

use std::{
    collections::{BTreeMap, BTreeSet},
    time::{Duration, Instant},
};

use alloy::{
    network::ReceiptResponse,
    primitives::{B256, U256},
};
use serde::Serialize;
use tokio::task::JoinSet;

use crate::{
    EpochEntry, Error, Result,
    coordinator::Coordinator,
    journal::{BatchStatus, Journal, JournalEntry},
};
use budget::FeeLedger;
use chain::RecordedBatch;
pub use resolve::NodeIndices;
pub use senders::KeyUse;

/// Rounds of check → send → await before giving up (each after an exponential backoff).
const MAX_ROUNDS: u32 = 7;
/// Rounds in a row whose accepted transactions all go unmined before the node is given up on.
const BARREN_ROUNDS: u32 = 3;
/// First backoff between rounds; doubles every round.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// One epoch's report (reward-math.md §1): its rounds and one entry per node that took part. No
/// entries is an epoch in which no node took part: recorded as one empty batch, its rounds count
/// towards T.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EpochRecord {
    /// The epoch.
    pub epoch: u32,
    /// Rounds the epoch had.
    pub epoch_rounds: u32,
    /// One entry per node that reported (any order; each node once).
    pub entries: Vec<EpochEntry>,
}

impl EpochRecord {
    /// An epoch in which no node took part.
    pub const fn silent(epoch: u32, epoch_rounds: u32) -> Self {
        Self { epoch, epoch_rounds, entries: Vec::new() }
    }
}

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
    /// Entries in the plan.
    pub entries: usize,
    /// Batches in the plan.
    pub batches: u32,
    /// Batches found on chain with the same entries (an earlier run, file or process).
    pub already_recorded: u32,
    /// Batches this run put on chain.
    pub recorded: u32,
    /// Batches given a fresh number because theirs was taken by a batch with other entries.
    pub renumbered: u32,
    /// Transactions sent by this run (re-sends of a stuck batch included).
    pub transactions_sent: u32,
    /// Times a transaction the node no longer knew was handed over again as the same bytes.
    pub resent: u32,
    /// Rounds needed (1 when nothing went wrong).
    pub rounds: u32,
    /// Gas used by this run's mined batches.
    #[serde(serialize_with = "crate::json::decimal")]
    pub gas_used: u64,
    /// Gas limits of this run's mined batches.
    #[serde(serialize_with = "crate::json::decimal")]
    pub gas_limit: u64,
    /// Wall time, milliseconds.
    pub millis: u128,
    /// What each sender key did, in the order of the keys.
    pub keys: Vec<KeyUse>,
}

/// One batch of the plan.
#[derive(Debug, Clone)]
struct Batch {
    /// Its key within the epoch (changes only when renumbered).
    number: u32,
    words: Vec<U256>,
    /// keccak256 of `words`, as the contract computes `entriesDigest`.
    digest: B256,
}

/// One call of [`Coordinator::record_epoch`]: the epoch, its plan, what this run sent.
struct Run<'a> {
    journal: &'a mut Journal,
    /// The plan's digest (all its entries): what the journal knows it by.
    plan: B256,
    session_id: u64,
    epoch: u32,
    epoch_rounds: u32,
    mode: SendMode,
    batches: Vec<Batch>,
    /// Transactions this run sent, with their gas limits: a batch found mined in one is ours.
    sent: BTreeMap<B256, u64>,
    /// Batches (by index) this run saw on chain; the others are checked against the chain every
    /// round, journaled done or not: the journal may be from before a chain reset.
    settled: BTreeSet<usize>,
    /// The key (by position) that sent each batch (by index): it alone sends it again.
    lane_of: BTreeMap<usize, usize>,
    /// Each key's fees in flight, kept across rounds (a batch mined in the last round still counts).
    ledgers: Vec<FeeLedger>,
    summary: RecordSummary,
}

impl Run<'_> {
    /// Journals batch `i` done: its key holds its entries, recorded by `tx`.
    fn done(&mut self, i: usize, tx: Option<B256>, gas_used: u64, gas_limit: u64) -> Result<()> {
        self.settled.insert(i);
        let Batch { number: batch, digest, .. } = self.batches[i];
        let digest = Some(digest);
        self.journal.append(&JournalEntry::Done { epoch: self.epoch, batch, tx, gas_used, gas_limit, digest })
    }

    /// Moves batch `i` to number `to`, journaled first so that a crash cannot lose the move.
    fn renumber(&mut self, i: usize, to: u32) -> Result<()> {
        let from = self.batches[i].number;
        self.journal.append(&JournalEntry::Renumbered { epoch: self.epoch, plan: self.plan, from, to })?;
        self.batches[i].number = to;
        Ok(())
    }
}

/// Which key sent each batch before, by the journal: a batch sent by a key of this run goes to that
/// key again, so that a transaction still somewhere in flight is replaced at its own nonce rather
/// than raced by another key's.
fn sticky_keys(journal: &Journal, epoch: u32, batches: &[Batch], keys: &[KeyUse]) -> BTreeMap<usize, usize> {
    let mut lane_of = BTreeMap::new();
    for (i, batch) in batches.iter().enumerate() {
        if let Some(BatchStatus::Sent { sender: Some(sender), .. }) = journal.status(epoch, batch.number)
            && let Some(lane) = keys.iter().position(|k| k.address == sender)
        {
            lane_of.insert(i, lane);
        }
    }
    lane_of
}

impl Coordinator {
    /// Records `record` for the journal's session exactly once, batched and pipelined, resuming
    /// from `journal`. `on_progress(done, total)` is called as batches complete.
    pub async fn record_epoch(
        &self,
        journal: &mut Journal,
        record: &EpochRecord,
        mode: SendMode,
        on_progress: &(dyn Fn(u32, u32) + Sync),
    ) -> Result<RecordSummary> {
        let started = Instant::now();
        self.check_journal(journal)?;
        let session_id = journal.scope().session_id;
        let keys = self.check_senders(session_id).await?;
        let (plan, batches) = self.plan(journal, record).await?;
        let total = batches.len() as u32;
        let lane_of = sticky_keys(journal, record.epoch, &batches, &keys);
        let profile = self.profile();
        let ledgers = vec![FeeLedger::new(profile.fee_budget_wei, profile.reserve_blocks); keys.len()];
        let summary = RecordSummary {
            epoch: record.epoch,
            entries: record.entries.len(),
            batches: total,
            keys,
            ..RecordSummary::default()
        };
        let (epoch, epoch_rounds) = (record.epoch, record.epoch_rounds);
        let mut run = Run {
            journal,
            plan,
            session_id,
            epoch,
            epoch_rounds,
            mode,
            batches,
            sent: BTreeMap::new(),
            settled: BTreeSet::new(),
            lane_of,
            ledgers,
            summary,
        };
        let mut backoff = FIRST_BACKOFF;
        let mut retry = 0;
        let mut opened_cleanly = false;
        // Rounds in a row in which the node accepted transactions and mined none of them.
        let (mut barren_rounds, mut last_progress) = (0, 0);
        loop {
            run.summary.rounds += 1;
            let remaining = self.unrecorded(&mut run).await?;
            on_progress(total - remaining.len() as u32, total);
            if remaining.is_empty() {
                break;
            }
            if barren_rounds >= BARREN_ROUNDS {
                return Err(Error::NeverMined {
                    url: self.profile().rpc_url.clone(),
                    batches: remaining.len(),
                    seconds: self.profile().receipt_timeout_secs,
                    rounds: barren_rounds,
                });
            }
            if run.summary.rounds > MAX_ROUNDS {
                return Err(Error::RetriesExhausted {
                    action: format!("recording epoch {epoch}"),
                    attempts: MAX_ROUNDS,
                    last: format!("{} batch(es) still unrecorded", remaining.len()),
                });
            }
            if run.summary.rounds > 1 && !opened_cleanly {
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
            // A round that fails on transport (node down, a send lost in transit) is retried after
            // the backoff; anything else (a revert, the gas cap, the key) would fail again.
            let sent_before = run.sent.len();
            let round = self.send_round(&mut run, sending, retry).await;
            opened_cleanly = opening && matches!(round, Ok(0));
            // Progress also counts batches of earlier rounds found mined by this round's check.
            let progress = run.summary.recorded + run.summary.already_recorded;
            let barren = run.sent.len() > sent_before && progress == last_progress;
            barren_rounds = if barren { barren_rounds + 1 } else { 0 };
            last_progress = progress;
            match round {
                Ok(_) => {}
                Err(
                    e @ (Error::RpcUnreachable { .. }
                    | Error::Transport { .. }
                    | Error::RetriesExhausted { .. }),
                ) => {
                    tracing::warn!(epoch, error = %e, "round interrupted");
                }
                Err(other) => return Err(other),
            }
        }
        run.summary.millis = started.elapsed().as_millis();
        Ok(run.summary)
    }

    /// Refuses a journal written for another chain or contract than this connection's.
    fn check_journal(&self, journal: &Journal) -> Result<()> {
        let scope = journal.scope();
        if scope.chain_id == self.profile().chain_id && scope.contract == self.address() {
            return Ok(());
        }
        Err(Error::Journal {
            path: journal.path().to_owned(),
            reason: format!(
                "it is for chain {} contract {}, but this connection is chain {} contract {}",
                scope.chain_id,
                scope.contract,
                self.profile().chain_id,
                self.address()
            ),
        })
    }

    /// Whether `epoch` is the session's current, already opened epoch.
    async fn epoch_open(&self, session_id: u64, epoch: u32) -> bool {
        self.session(session_id).await.is_ok_and(|s| s.epochCount > 0 && s.currentEpoch == epoch)
    }

    /// The plan's batches not yet on chain, by index. A key the chain holds with the same entries is
    /// journaled done; a key taken by other entries gets a fresh number and stays to be sent.
    async fn unrecorded(&self, run: &mut Run<'_>) -> Result<Vec<usize>> {
        let (session_id, epoch) = (run.session_id, run.epoch);
        let pending: Vec<usize> = (0..run.batches.len()).filter(|i| !run.settled.contains(i)).collect();
        let mut checks = JoinSet::new();
        for &i in &pending {
            let (this, number) = (self.clone(), run.batches[i].number);
            checks.spawn(async move {
                let recorded = this.contract().isBatchRecorded(session_id, epoch, number);
                let held = match this.view("checking batch", recorded).await {
                    Ok(false) => Ok(None),
                    Ok(true) => this.recorded_batches(session_id, epoch, Some(number)).await.map(Some),
                    Err(e) => Err(e),
                };
                (i, held)
            });
        }
        let mut results = BTreeMap::new();
        while let Some(joined) = checks.join_next().await {
            if let Ok((i, held)) = joined {
                results.insert(i, held);
            }
        }
        let mut remaining = Vec::new();
        for i in pending {
            let number = run.batches[i].number;
            let logs = match results.remove(&i) {
                Some(Ok(Some(logs))) => logs,
                Some(Ok(None)) => {
                    remaining.push(i);
                    continue;
                }
                // Unknown (node unreachable): treat as not recorded; the send round will find out.
                Some(Err(e)) => {
                    tracing::warn!(epoch, number, error = %e, "cannot check batch");
                    remaining.push(i);
                    continue;
                }
                None => {
                    remaining.push(i);
                    continue;
                }
            };
            match logs.first() {
                Some(held) if held.holds(&run.batches[i], run.epoch_rounds) => {
                    self.settle(run, i, held).await?
                }
                Some(held) => {
                    let fresh =
                        self.fresh_numbers(run.journal, session_id, epoch, 1, &BTreeSet::new()).await?;
                    tracing::warn!(epoch, number, to = fresh[0], taken_by = ?held.tx, "batch key taken by other entries; renumbering");
                    run.renumber(i, fresh[0])?;
                    run.summary.renumbered += 1;
                    remaining.push(i);
                }
                None => return Err(self.missing_log(epoch, number)),
            }
        }
        Ok(remaining)
    }

    /// Journals batch `i` done, as `held` on chain: mined by a transaction of this run (its gas
    /// counted), or recorded before (an earlier run, file or process).
    async fn settle(&self, run: &mut Run<'_>, i: usize, held: &RecordedBatch) -> Result<()> {
        let ours = held.tx.and_then(|tx| run.sent.get(&tx).map(|limit| (tx, *limit)));
        if let Some((tx, gas_limit)) = ours {
            let gas_used = self.receipt(tx).await.map_or(0, |r| r.gas_used());
            return self.mined(run, i, tx, gas_used, gas_limit);
        }
        run.summary.already_recorded += 1;
        run.done(i, held.tx, 0, 0)
    }

    /// Batch `i` mined by `tx`, a transaction of this run: its gas counted, journaled done.
    fn mined(&self, run: &mut Run<'_>, i: usize, tx: B256, gas_used: u64, gas_limit: u64) -> Result<()> {
        self.record_gas("recordContributionsBatch", gas_used, gas_limit);
        run.summary.recorded += 1;
        run.summary.gas_used += gas_used;
        run.summary.gas_limit += gas_limit;
        run.done(i, Some(tx), gas_used, gas_limit)
    }
}
