//! Shared by the model's tests: entries written as the page's table columns.

#![allow(dead_code, unreachable_pub)]

use alloy_primitives::U256;
use gradpay_model::{EpochEntry, SessionLedger};

/// An entry in the page's column order: `c a j k p` then `[cons, net, up]` in bps.
pub fn entry(node: u32, c: u32, a: u32, j: u32, k: u32, p: u32, bps: [u16; 3]) -> EpochEntry {
    let [consistency_bps, network_bps, uptime_bps] = bps;
    EpochEntry {
        node,
        compute_seconds: c,
        accepted: a,
        rejected: j,
        rounds_ok: k,
        rounds_joined: p,
        consistency_bps,
        network_bps,
        uptime_bps,
    }
}

/// reward-math.md §6: one epoch of 10 rounds, three nodes.
pub fn worked_example() -> SessionLedger {
    let mut ledger = SessionLedger::new(3);
    let entries = [
        entry(0, 150, 27, 3, 9, 10, [8000, 9000, 10000]),
        entry(1, 100, 10, 10, 5, 10, [5000, 5000, 5000]),
        entry(2, 200, 40, 0, 10, 10, [10000, 10000, 10000]),
    ];
    ledger.apply_batch(1, 10, &entries).expect("the example's batch is valid");
    ledger
}

/// Decimal wei figures as written on the page.
pub fn wei<const N: usize>(figures: [&str; N]) -> Vec<U256> {
    figures.iter().map(|f| f.parse().expect("a decimal literal")).collect()
}

/// 1e18.
pub const ONE_ETHER: u64 = 1_000_000_000_000_000_000;
