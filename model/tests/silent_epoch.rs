//! reward-math.md §1: an epoch in which every node is absent still counts its rounds in `T`.
//! The figures below are worked out by hand from §2 and §5, not by the model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use alloy_primitives::U256;
use common::{ONE_ETHER, wei};
use gradpay_model::{EpochEntry, SessionLedger, Strategy, payout};

/// Node 0: c 100, a 9, j 1, k 8, p 10, cons 6000, net 8000, up 10000.
/// Node 1: c 300, a 1, j 3, k 2, p 4, cons 2000, net 5000, up 4000.
fn busy_epoch() -> [EpochEntry; 2] {
    [
        EpochEntry::from_columns(0, [100, 9, 1, 8, 10], [6000, 8000, 10000]),
        EpochEntry::from_columns(1, [300, 1, 3, 2, 4], [2000, 5000, 4000]),
    ]
}

/// Epoch 0 silent (5 rounds), epoch 1 with both nodes (10 rounds), epoch 2 silent (5 rounds).
fn session_with_silent_ends() -> SessionLedger {
    let mut ledger = SessionLedger::new(2);
    ledger.apply_batch(0, 5, &[]).unwrap();
    ledger.apply_batch(1, 10, &busy_epoch()).unwrap();
    ledger.apply_batch(2, 5, &[]).unwrap();
    ledger
}

#[test]
fn silent_epochs_count_in_t_and_lower_participation() {
    let ledger = session_with_silent_ends();
    assert_eq!(ledger.total_rounds(), 20, "T = 5 + 10 + 5");
    assert_eq!(ledger.epochs_opened(), 3);
    assert_eq!(ledger.sums(0).unwrap().epochs, 1, "e counts the epochs a node reported in");
    let scores = ledger.scores();
    // Node 0: A 9000, C 6000, S 8000, Q = (5000*9000 + 3000*6000 + 2000*8000) / 10000 = 7900;
    // P = 10000*10/20 = 5000, N 8000, U 10000, R = (5000*5000 + 3000*8000 + 2000*10000) / 10000 = 6900;
    // score = 100 * 12900 * 26900.
    assert_eq!((scores[0].quality, scores[0].participation, scores[0].reliability), (7900, 5000, 6900));
    assert_eq!(scores[0].score, U256::from(34_701_000_000u64));
    // Node 1: A = 10000*1/4 = 2500, C 2000, S = 10000*2/4 = 5000, Q = (12.5M + 6M + 10M) / 10000 = 2850;
    // P = 10000*4/20 = 2000, N 5000, U 4000, R = (10M + 15M + 8M) / 10000 = 3300;
    // score = 300 * 7850 * 23300.
    assert_eq!((scores[1].quality, scores[1].participation, scores[1].reliability), (2850, 2000, 3300));
    assert_eq!(scores[1].score, U256::from(54_871_500_000u64));
}

#[test]
fn a_session_with_silent_epochs_pays_what_the_page_says() {
    let fin = session_with_silent_ends().finalize(0).unwrap();
    assert_eq!(fin.ranking, vec![1, 0]);
    // S' = 34,701,000,000 + 54,871,500,000 = 89,572,500,000; r = floor(1e18 * s' / S').
    let paid = payout(&fin, Strategy::Proportional, U256::from(ONE_ETHER)).unwrap();
    assert_eq!(paid, wei(["387406849200368416", "612593150799631583"]), "1 wei of dust");
    // Hybrid 7000/2000/1000: F1 = 0.7e18, F2 = 0.2e18 over QS = 10750, F3 = 0.1e18 over RS = 10200.
    let hybrid = Strategy::Hybrid { score_bps: 7000, quality_bps: 2000, reliability_bps: 1000 };
    let paid = payout(&fin, hybrid, U256::from(ONE_ETHER)).unwrap();
    assert_eq!(paid, wei(["485808597449833813", "514191402550166184"]));
}

#[test]
fn without_the_silent_epochs_the_same_entries_score_higher() {
    let mut ledger = SessionLedger::new(2);
    ledger.apply_batch(1, 10, &busy_epoch()).unwrap();
    let scores = ledger.scores();
    // T = 10: node 0 P = 10000, R = 9400, score = 100 * 12900 * 29400; node 1 P = 4000, R = 4300.
    assert_eq!(scores[0].score, U256::from(37_926_000_000u64));
    assert_eq!(scores[1].score, U256::from(57_226_500_000u64));
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
