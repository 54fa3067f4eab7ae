//! The proxy's view of the transactions sent through it: which are held for the reserve-balance
//! budget, forwarded, mined (and in which block) or dropped, and what each sender has in flight.
//! Pure bookkeeping, no I/O: the server and the block poller drive it under one lock.

use std::{
    collections::{BTreeMap, HashMap},
    time::{Duration, Instant},
};

use alloy::primitives::{Address, B256, Bytes};

use super::{DropSends, MonadRpcOptions, MonadRpcStats, OverBudget};

/// A transaction the proxy accepted (or is about to).
#[derive(Debug, Clone)]
pub(super) struct Incoming {
    pub hash: B256,
    pub sender: Address,
    pub nonce: u64,
    /// Its gas fee as the budget counts it: gas limit × max fee per gas (gas price for legacy).
    pub fee: u128,
    pub raw: Bytes,
}

/// Where an accepted transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TxState {
    /// Waiting for its sender's budget (or for a held lower nonce).
    Held,
    /// Sent upstream, not yet seen in a block.
    Forwarded,
    /// Seen in this block.
    Mined(u64),
    /// Answered but never sent upstream.
    Dropped,
}

#[derive(Debug)]
struct Tracked {
    tx: Incoming,
    state: TxState,
    /// Its sender's gas fees in flight once it was forwarded (counted when the upstream takes it).
    in_flight_when_forwarded: u128,
}

/// What to do with an `eth_sendRawTransaction`.
#[derive(Debug)]
pub(super) enum Admission {
    /// Send it upstream and answer what the upstream answers; `first`: the first time it was
    /// sent (not a lost transaction sent again).
    Forward {
        /// Whether this send is the one that made the proxy accept it.
        first: bool,
    },
    /// Answer the hash without sending anything upstream (held, dropped, or already there).
    AnswerHash,
    /// Already mined: let the upstream answer a re-send as a node would ("nonce too low").
    Upstream,
    /// Answer this JSON-RPC error message: over the reserve-balance budget.
    Refuse(String),
}

/// Which forward the upstream refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FailedForward {
    /// A first send: the client gets the upstream's error, so it was never accepted.
    First,
    /// A lost transaction sent again: the client gets the error, it stays lost.
    Resent,
    /// Released from hold: the client already has its hash, and it is lost.
    Released,
}

/// The bookkeeping behind one proxy.
#[derive(Debug)]
pub(super) struct Pool {
    budget: Option<u128>,
    reserve_blocks: u64,
    over_budget: OverBudget,
    pub(super) drop_sends: DropSends,
    receipt_delay: Duration,
    head: u64,
    txs: HashMap<B256, Tracked>,
    /// Per sender, the hashes that may still count in flight (forwarded or recently mined).
    in_flight: HashMap<Address, Vec<B256>>,
    /// Per sender, held transactions in nonce order.
    held: BTreeMap<Address, BTreeMap<u64, B256>>,
    /// When each receipt was first known to exist.
    receipts_seen: HashMap<B256, Instant>,
    pub(super) stats: MonadRpcStats,
}

impl Pool {
    pub(super) fn new(options: &MonadRpcOptions, head: u64) -> Self {
        Self {
            budget: options.fee_budget_wei,
            reserve_blocks: options.reserve_blocks,
            over_budget: options.over_budget,
            drop_sends: options.drop_sends.clone(),
            receipt_delay: options.receipt_delay,
            head,
            txs: HashMap::new(),
            in_flight: HashMap::new(),
            held: BTreeMap::new(),
            receipts_seen: HashMap::new(),
            stats: MonadRpcStats::default(),
        }
    }

    /// Decides what happens to a sent transaction and books it.
    pub(super) fn submit(&mut self, tx: &Incoming) -> Admission {
        let hash = tx.hash;
        if let Some(known) = self.txs.get(&hash) {
            self.stats.resent += 1;
            return match known.state {
                TxState::Held | TxState::Forwarded => Admission::AnswerHash,
                TxState::Mined(_) => Admission::Upstream,
                TxState::Dropped if self.drop_sends == DropSends::All => {
                    self.stats.dropped += 1;
                    Admission::AnswerHash
                }
                TxState::Dropped => match self.admit(tx) {
                    Admission::Forward { .. } => Admission::Forward { first: false },
                    other => other,
                },
            };
        }
        let ordinal = self.stats.accepted;
        let dropping = self.drop_sends.drops(ordinal);
        if !dropping && self.over_budget == OverBudget::Refuse && !self.fits(tx) {
            return self.refuse(tx);
        }
        self.stats.accepted += 1;
        *self.stats.senders.entry(tx.sender).or_default() += 1;
        self.txs
            .insert(hash, Tracked { tx: tx.clone(), state: TxState::Dropped, in_flight_when_forwarded: 0 });
        if dropping {
            self.stats.dropped += 1;
            return Admission::AnswerHash;
        }
        self.admit(tx)
    }

    /// Forwards `tx` if its sender's budget allows and nothing of theirs waits before it, else
    /// holds or refuses it.
    fn admit(&mut self, tx: &Incoming) -> Admission {
        let queue_empty = self.held.get(&tx.sender).is_none_or(BTreeMap::is_empty);
        if queue_empty && self.fits(tx) {
            self.mark_forwarded(tx.hash);
            return Admission::Forward { first: true };
        }
        if self.over_budget == OverBudget::Refuse {
            return self.refuse(tx);
        }
        self.set_state(tx.hash, TxState::Held);
        self.held.entry(tx.sender).or_default().insert(tx.nonce, tx.hash);
        self.stats.held += 1;
        Admission::AnswerHash
    }

    fn refuse(&mut self, tx: &Incoming) -> Admission {
        self.stats.refused += 1;
        let budget = self.budget.unwrap_or(u128::MAX);
        Admission::Refuse(format!(
            "transaction {} exceeds the reserve balance: sender {} has {} wei of gas fees in flight, \
             this one needs {} wei, budget {budget} wei",
            tx.hash,
            tx.sender,
            self.in_flight_of(tx.sender),
            tx.fee
        ))
    }

    /// Whether `tx` fits its sender's budget for the next block.
    fn fits(&self, tx: &Incoming) -> bool {
        self.budget.is_none_or(|budget| self.in_flight_of(tx.sender).saturating_add(tx.fee) <= budget)
    }

    /// The gas fees `sender` has in flight for the block after the head: forwarded and not yet
    /// mined, or mined fewer than `reserve_blocks` blocks before that block.
    fn in_flight_of(&self, sender: Address) -> u128 {
        let Some(hashes) = self.in_flight.get(&sender) else { return 0 };
        hashes
            .iter()
            .filter_map(|h| self.txs.get(h))
            .filter(|t| self.counts_in_flight(t.state))
            .map(|t| t.tx.fee)
            .fold(0u128, u128::saturating_add)
    }

    fn counts_in_flight(&self, state: TxState) -> bool {
        match state {
            TxState::Forwarded => true,
            TxState::Mined(block) => (self.head + 1).saturating_sub(block) < self.reserve_blocks,
            TxState::Held | TxState::Dropped => false,
        }
    }

    fn mark_forwarded(&mut self, hash: B256) {
        let Some(sender) = self.set_state(hash, TxState::Forwarded) else { return };
        self.stats.forwarded += 1;
        self.in_flight.entry(sender).or_default().push(hash);
        let total = self.in_flight_of(sender);
        if let Some(tracked) = self.txs.get_mut(&hash) {
            tracked.in_flight_when_forwarded = total;
        }
    }

    /// The upstream took a forwarded transaction: what its sender had in flight then counts.
    pub(super) fn forward_succeeded(&mut self, hash: B256) {
        let Some(tracked) = self.txs.get(&hash) else { return };
        let max = self.stats.max_in_flight_wei.entry(tracked.tx.sender).or_default();
        *max = (*max).max(tracked.in_flight_when_forwarded);
    }

    /// Sets the state of a tracked transaction; returns its sender.
    fn set_state(&mut self, hash: B256, state: TxState) -> Option<Address> {
        let tracked = self.txs.get_mut(&hash)?;
        tracked.state = state;
        Some(tracked.tx.sender)
    }

    /// The upstream refused a forwarded transaction: it is lost, and if the client got the
    /// upstream's error for its first send, it was never accepted either.
    pub(super) fn forward_failed(&mut self, hash: B256, failed: FailedForward) {
        let Some(sender) = self.set_state(hash, TxState::Dropped) else { return };
        self.stats.forwarded = self.stats.forwarded.saturating_sub(1);
        match failed {
            FailedForward::Released => self.stats.dropped += 1,
            FailedForward::Resent => {}
            FailedForward::First => {
                self.txs.remove(&hash);
                self.stats.accepted = self.stats.accepted.saturating_sub(1);
                if let Some(count) = self.stats.senders.get_mut(&sender) {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        self.stats.senders.remove(&sender);
                    }
                }
            }
        }
    }

    /// Block `number` holds `hashes`: marks ours mined and moves the head.
    pub(super) fn on_block(&mut self, number: u64, hashes: &[B256], now: Instant) {
        for hash in hashes {
            self.receipts_seen.entry(*hash).or_insert(now);
            if let Some(tracked) = self.txs.get_mut(hash) {
                tracked.state = TxState::Mined(number);
            }
        }
        self.head = self.head.max(number);
        let txs = &self.txs;
        let (head, k) = (self.head, self.reserve_blocks);
        for hashes in self.in_flight.values_mut() {
            hashes.retain(|h| {
                txs.get(h).is_some_and(|t| match t.state {
                    TxState::Mined(block) => (head + 1).saturating_sub(block) < k,
                    state => state == TxState::Forwarded,
                })
            });
        }
    }

    /// Held transactions that now fit, per sender in nonce order, marked forwarded: (hash, bytes).
    pub(super) fn release(&mut self) -> Vec<(B256, Bytes)> {
        let mut released = Vec::new();
        let senders: Vec<Address> = self.held.keys().copied().collect();
        for sender in senders {
            while let Some((&nonce, &hash)) = self.held.get(&sender).and_then(|q| q.first_key_value()) {
                let Some(tx) = self.txs.get(&hash).map(|t| t.tx.clone()) else { break };
                if !self.fits(&tx) {
                    break;
                }
                if let Some(queue) = self.held.get_mut(&sender) {
                    queue.remove(&nonce);
                }
                self.mark_forwarded(hash);
                released.push((hash, tx.raw));
            }
        }
        self.held.retain(|_, queue| !queue.is_empty());
        released
    }

    /// Whether a receipt that exists upstream may be shown yet (`receipt_delay` after it first
    /// existed).
    pub(super) fn receipt_visible(&mut self, hash: B256, now: Instant) -> bool {
        let seen = *self.receipts_seen.entry(hash).or_insert(now);
        now.duration_since(seen) >= self.receipt_delay
    }

    /// `txpool_statusByHash`'s status: `tracked` (held or forwarded), `committed` (mined) or
    /// `unknown` (dropped, or never sent through the proxy), as a node that lost it would say.
    pub(super) fn status(&self, hash: B256) -> &'static str {
        match self.txs.get(&hash).map(|t| t.state) {
            Some(TxState::Held | TxState::Forwarded) => "tracked",
            Some(TxState::Mined(_)) => "committed",
            Some(TxState::Dropped) | None => "unknown",
        }
    }
}
