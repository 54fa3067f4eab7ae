//! `docs/reward-math.md` §6 as data: the page's inputs and its wei figures, copied from the
//! page (not computed here), so that every implementation — this model, the contracts through
//! the simulator, a client — is held to the same published numbers.

use crate::payout::Strategy;
use crate::record::{BatchRejection, EpochEntry, SessionLedger};

/// `epochRounds` of both epochs.
pub const EPOCH_ROUNDS: u32 = 10;
/// The epoch of §6.1's entries; §6.2's silent epoch is the next one.
pub const EPOCH: u32 = 1;
/// `F`: every pool of §6 holds 1e18 wei.
pub const POOL: u64 = 1_000_000_000_000_000_000;
/// The node count.
pub const NODES: u32 = 3;

/// One row of a payout table: what nodes 0, 1, 2 receive, in decimal wei, and what stays in
/// the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayoutRow {
    /// `clipK` (1e18 fixed point).
    pub clip_k: u64,
    /// The pool's strategy.
    pub strategy: Strategy,
    /// Nodes 0, 1, 2, in decimal wei.
    pub paid: [&'static str; 3],
    /// `F - Σ paid`.
    pub left: u64,
}

const HYBRID: Strategy = Strategy::Hybrid { score_bps: 7000, quality_bps: 2000, reliability_bps: 1000 };

const fn row(clip_k: u64, strategy: Strategy, paid: [&'static str; 3], left: u64) -> PayoutRow {
    PayoutRow { clip_k, strategy, paid, left }
}

/// §6.1's payout table.
pub const PAYOUTS_6_1: [PayoutRow; 5] = [
    row(0, Strategy::Proportional, ["341860211108839517", "154032716548995006", "504107072342165475"], 2),
    row(
        0,
        Strategy::Tiered { base_bps: 8500 },
        ["347728591898389103", "139510821360640455", "512760586740970439"],
        3,
    ),
    row(
        0,
        Strategy::MinimumGuarantee { floor_bps: 5000 },
        ["337596772221086425", "243683024941164169", "418720202837749404"],
        2,
    ),
    row(0, HYBRID, ["348381634001057355", "177590523823065428", "474027842175877212"], 5),
    row(POOL, Strategy::Proportional, ["351610132742135475", "158425760449732123", "489964106808132401"], 1),
];

/// §6.2's payout table (the same session with a silent second epoch).
pub const PAYOUTS_6_2: [PayoutRow; 5] = [
    row(0, Strategy::Proportional, ["342089157629317731", "153002521481554016", "504908320889128252"], 1),
    row(
        0,
        Strategy::Tiered { base_bps: 8500 },
        ["347917732425131980", "138571230558384040", "513511037016483976"],
        4,
    ),
    row(
        0,
        Strategy::MinimumGuarantee { floor_bps: 5000 },
        ["337711245481325532", "243167927407443674", "419120827111230793"],
        1,
    ),
    row(0, HYBRID, ["349428355209763559", "174676568523990507", "475895076266245929"], 5),
    row(POOL, Strategy::Proportional, ["351862743496156741", "157373847634963477", "490763408868879781"], 1),
];

/// §6.1's table of entries (`c a j k p cons net up` of nodes 0, 1, 2).
pub fn entries() -> [EpochEntry; 3] {
    [
        EpochEntry::from_columns(0, [150, 27, 3, 9, 10], [8000, 9000, 10000]),
        EpochEntry::from_columns(1, [100, 10, 10, 5, 10], [5000, 5000, 5000]),
        EpochEntry::from_columns(2, [200, 40, 0, 10, 10], [10000, 10000, 10000]),
    ]
}

/// The batches of §6.1 (`silent == false`) or §6.2 (`silent == true`), as `(epoch, rounds,
/// entries)` in recording order.
pub fn batches(silent: bool) -> Vec<(u32, u32, Vec<EpochEntry>)> {
    let mut batches = vec![(EPOCH, EPOCH_ROUNDS, entries().to_vec())];
    if silent {
        batches.push((EPOCH + 1, EPOCH_ROUNDS, Vec::new()));
    }
    batches
}

/// The session of §6.1 or §6.2, recorded.
pub fn ledger(silent: bool) -> Result<SessionLedger, BatchRejection> {
    let mut ledger = SessionLedger::new(NODES);
    for (epoch, rounds, entries) in batches(silent) {
        ledger.apply_batch(epoch, rounds, &entries)?;
    }
    Ok(ledger)
}
