//! docs/reward-math.md §1: an epoch in which every node is absent still counts its rounds in `T`
//! (the page's own example, §6.2, is in `worked_example.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_primitives::U256;
use gradpay_model::{EpochEntry, SessionLedger, Strategy, payout};

const ONE_ETHER: u64 = 1_000_000_000_000_000_000;

#[test]
fn silent_first_and_last_epochs_count_in_t_but_not_in_e() {
    let mut ledger = SessionLedger::new(1);
    ledger.apply_batch(0, 2, &[]).unwrap();
    ledger.apply_batch(1, 4, &[EpochEntry::from_columns(0, [5, 1, 0, 2, 2], [10000, 10000, 10000])]).unwrap();
    ledger.apply_batch(2, 2, &[]).unwrap();
    assert_eq!((ledger.total_rounds(), ledger.epochs_opened()), (8, 3));
    assert_eq!(ledger.sums(0).unwrap().epochs, 1);
    let score = ledger.scores()[0];
    // A = 10000, C = 10000, S = 10000, Q = 10000; P = 10000·2/8 = 2500, N = U = 10000 (means over
    // e = 1, the silent epochs do not dilute them), R = (5000·2500 + 3000·10000 + 2000·10000) / 10000.
    assert_eq!(
        (score.quality, score.participation, score.network, score.reliability),
        (10000, 2500, 10000, 6250)
    );
    assert_eq!(score.score, U256::from(5u64 * 15_000 * 26_250));
}

#[test]
fn a_session_of_silent_epochs_only_pays_nobody() {
    let mut ledger = SessionLedger::new(3);
    ledger.apply_batch(4, 7, &[]).unwrap();
    ledger.apply_batch(4, 7, &[]).unwrap();
    assert_eq!(ledger.total_rounds(), 7, "a second batch of the same epoch adds no rounds");
    let fin = ledger.finalize(ONE_ETHER).unwrap();
    assert_eq!((fin.eligible_count(), fin.clip_cap), (0, None));
    let paid = payout(&fin, Strategy::MinimumGuarantee { floor_bps: 5000 }, U256::from(ONE_ETHER)).unwrap();
    assert_eq!(paid, vec![U256::ZERO; 3], "n = 0: the whole pool is returned after the deadline");
}
