//! Small sessions whose answers follow from the page by hand: who is eligible, ties, shares
//! nobody can earn.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_primitives::U256;
use gradpay_model::{EpochEntry, SessionLedger, Strategy, Tier, payout};

const HYBRID: Strategy = Strategy::Hybrid { score_bps: 7000, quality_bps: 2000, reliability_bps: 1000 };

#[test]
fn nodes_without_compute_or_excluded_are_not_paid() {
    let mut ledger = SessionLedger::new(3);
    let entries = [
        EpochEntry::from_columns(0, [0, 5, 0, 1, 1], [10000, 10000, 10000]),
        EpochEntry::from_columns(1, [10, 1, 0, 1, 1], [0, 0, 0]),
    ];
    ledger.apply_batch(0, 1, &entries).unwrap();
    let fin = ledger.finalize(0).unwrap();
    assert_eq!(fin.ranking, vec![1], "node 0 has c = 0, node 2 never reported");
    assert_eq!(fin.ranks, vec![None, Some(0), None]);
    let paid = payout(&fin, Strategy::Proportional, U256::from(1000u64)).unwrap();
    assert_eq!(paid, vec![U256::ZERO, U256::from(1000u64), U256::ZERO]);

    assert!(ledger.exclude(1));
    let fin = ledger.finalize(0).unwrap();
    assert_eq!(fin.eligible_count(), 0);
    let paid = payout(&fin, HYBRID, U256::from(1000u64)).unwrap();
    assert!(paid.iter().all(|r| r.is_zero()));
}

#[test]
fn equal_scores_rank_by_index() {
    let mut ledger = SessionLedger::new(4);
    let same = |node| EpochEntry::from_columns(node, [7, 1, 1, 1, 2], [100, 200, 300]);
    ledger.apply_batch(3, 2, &[same(3), same(1), same(0), same(2)]).unwrap();
    let fin = ledger.finalize(0).unwrap();
    assert_eq!(fin.ranking, vec![0, 1, 2, 3]);
    let weights: Vec<u8> = (0..4).map(|i| fin.tier_weight(i)).collect();
    assert_eq!(weights, vec![3, 3, 1, 1], "top = 2, mid = ceil(3.2) = 4");
    assert_eq!(Tier::of(4, 5), Tier::Third, "n = 5: mid = 4");
}

#[test]
fn hybrid_with_no_quality_moves_that_share_to_score() {
    // Every Q and R is 0: c > 0 but no accepted work, no rounds, zero bps.
    let mut ledger = SessionLedger::new(2);
    ledger
        .apply_batch(
            0,
            0,
            &[
                EpochEntry::from_columns(0, [1, 0, 0, 0, 0], [0, 0, 0]),
                EpochEntry::from_columns(1, [3, 0, 0, 0, 0], [0, 0, 0]),
            ],
        )
        .unwrap();
    let fin = ledger.finalize(0).unwrap();
    assert!(fin.sum_quality.is_zero() && fin.sum_reliability.is_zero());
    let paid = payout(&fin, HYBRID, U256::from(400u64)).unwrap();
    assert_eq!(paid, vec![U256::from(100u64), U256::from(300u64)]);
}
