//! The fees one sender key has in flight, as Monad's consensus counts them (docs.monad.xyz,
//! "Reserve Balance"): every transaction is charged `gas_limit × max_fee_per_gas` from when it is
//! handed to the node until it is more than `k` blocks old, and the sum may not exceed the key's
//! budget (`min(10 MON, balance)` there). A transaction over the budget is not included: it waits,
//! and everything behind it waits too. So the pipeliner sends a batch only when the ledger says it
//! fits, and never holds one back that does.

use alloy::primitives::B256;

/// One transaction's fee as the budget counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spend {
    hash: B256,
    fee: u128,
    /// The block it was mined in, once its receipt is seen.
    mined: Option<u64>,
}

/// The fees a key has in flight and its budget.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct FeeLedger {
    /// The most that may be in flight; `None`: unbounded (a chain without the rule).
    budget: Option<u128>,
    /// `k`: how many blocks a mined transaction still counts.
    reserve_blocks: u64,
    spends: Vec<Spend>,
    /// The highest in-flight sum this ledger ever held (what the benchmark reports).
    peak: u128,
}

impl FeeLedger {
    /// A ledger allowing `budget` in flight, a mined transaction counting for `reserve_blocks`.
    pub(super) const fn new(budget: Option<u128>, reserve_blocks: u64) -> Self {
        Self { budget, reserve_blocks, spends: Vec::new(), peak: 0 }
    }

    /// Caps what may be in flight at `budget` from now on (a round's: the profile's, at most the
    /// key's balance); what flies stays counted.
    pub(super) const fn set_budget(&mut self, budget: Option<u128>) {
        self.budget = budget;
    }

    /// The fees in flight with the chain at `head`: not yet mined, or mined fewer than `k` blocks
    /// before the next one. Counted from the receipts seen, so a late receipt only makes it larger.
    pub(super) fn in_flight(&self, head: u64) -> u128 {
        self.spends.iter().filter(|s| self.counts(s, head)).map(|s| s.fee).sum()
    }

    /// Whether a transaction costing `fee` may be sent now, with the chain at `head`.
    pub(super) fn fits(&self, fee: u128, head: u64) -> bool {
        self.budget.is_none_or(|budget| self.in_flight(head).saturating_add(fee) <= budget)
    }

    /// A transaction was handed to the node.
    pub(super) fn sent(&mut self, hash: B256, fee: u128, head: u64) {
        self.spends.push(Spend { hash, fee, mined: None });
        self.peak = self.peak.max(self.in_flight(head));
    }

    /// `hash` was mined in `block`.
    pub(super) fn mined(&mut self, hash: B256, block: u64) {
        for spend in self.spends.iter_mut().filter(|s| s.hash == hash) {
            spend.mined = Some(block);
        }
    }

    /// `hash` will not be mined (it timed out): it no longer holds budget.
    pub(super) fn forget(&mut self, hash: B256) {
        self.spends.retain(|s| s.hash != hash);
    }

    /// Forgets what no longer counts at `head`, so that the ledger stays as small as what flies.
    pub(super) fn prune(&mut self, head: u64) {
        let reserve = self.reserve_blocks;
        self.spends.retain(|s| s.mined.is_none_or(|b| head < b + reserve));
    }

    /// The highest sum ever in flight.
    pub(super) const fn peak(&self) -> u128 {
        self.peak
    }

    fn counts(&self, spend: &Spend, head: u64) -> bool {
        // Mined in block b, it counts for blocks b .. b + k - 1; the next block is head + 1. Released
        // one block late (head >= b + k rather than head + 1 >= b + k): the client's head may lag
        // the node's, and a fee counted a block too long only waits, while one too short is refused.
        spend.mined.is_none_or(|b| head < b + self.reserve_blocks)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_mined_fee_counts_for_k_blocks_then_frees_its_budget() {
        let mut ledger = FeeLedger::new(Some(100), 3);
        let (a, b) = (B256::with_last_byte(1), B256::with_last_byte(2));
        ledger.sent(a, 60, 10);
        assert!(ledger.fits(40, 10) && !ledger.fits(41, 10), "the budget is inclusive");
        ledger.sent(b, 40, 10);
        ledger.mined(a, 11);
        for head in 11..14 {
            assert_eq!(ledger.in_flight(head), 100, "mined in 11, counts at head {head}");
        }
        assert_eq!(ledger.in_flight(14), 40, "released at head 11 + k");
        ledger.prune(14);
        assert_eq!((ledger.spends.len(), ledger.peak()), (1, 100));
    }

    #[test]
    fn unbounded_always_fits_and_k_zero_releases_at_once() {
        let mut ledger = FeeLedger::new(None, 0);
        ledger.sent(B256::ZERO, u128::MAX, 0);
        assert!(ledger.fits(u128::MAX, 0));
        ledger.mined(B256::ZERO, 5);
        assert_eq!(ledger.in_flight(5), 0);
    }
}
