//! docs/reward-math.md §6: every figure of both worked examples, from the page's tables to the wei.
//! §6.1 is one epoch of three nodes; §6.2 is the same session with a silent second epoch.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use alloy_primitives::U256;
use common::{ONE_ETHER, wei};
use gradpay_model::worked_examples::{self, PAYOUTS_6_1, PAYOUTS_6_2, PayoutRow};
use gradpay_model::{FinalizationTotals, NodeScore, SessionLedger, Tier, payout};

fn section_6_1() -> SessionLedger {
    worked_examples::ledger(false).expect("§6.1's batch is valid")
}

fn section_6_2() -> SessionLedger {
    worked_examples::ledger(true).expect("§6.2's batches are valid")
}

/// `(A, C, S, Q)` and `(P, N, U, R)` of a node's scores.
fn quality_and_reliability(s: &NodeScore) -> [[u64; 4]; 2] {
    [
        [s.acceptance, s.consistency, s.success, s.quality],
        [s.participation, s.network, s.uptime, s.reliability],
    ]
}

/// Every row of a payout table: the page's wei figures, and what stays in the pool.
fn assert_table(ledger: &SessionLedger, rows: &[PayoutRow]) {
    let pool = U256::from(worked_examples::POOL);
    for row in rows {
        let fin = ledger.finalize(row.clip_k).unwrap();
        let paid = payout(&fin, row.strategy, pool).unwrap();
        assert_eq!(paid, wei(row.paid), "{row:?}");
        assert_eq!(pool - paid.iter().copied().sum::<U256>(), U256::from(row.left), "{row:?}: left");
    }
}

#[test]
fn scores_match_6_1() {
    let scores = section_6_1().scores();
    assert_eq!(quality_and_reliability(&scores[0]), [[9000, 8000, 9000, 8700], [10000, 9000, 10000, 9700]]);
    assert_eq!(quality_and_reliability(&scores[1]), [[5000, 5000, 5000, 5000], [10000, 5000, 5000, 7500]]);
    assert_eq!(quality_and_reliability(&scores[2]), [[10000; 4], [10000; 4]]);
    let values: Vec<U256> = scores.iter().map(|s| s.score).collect();
    assert_eq!(values, wei(["61033500000", "27500000000", "90000000000"]));
    assert!(scores.iter().all(|s| s.eligible));
}

#[test]
fn ranks_tiers_and_sums_match_6_1() {
    let fin = section_6_1().finalize(0).unwrap();
    assert_eq!(fin.ranking, vec![2, 0, 1]);
    assert_eq!(fin.ranks, vec![Some(1), Some(2), Some(0)]);
    // n = 3: top = ceil(1.5) = 2, mid = ceil(2.4) = 3.
    assert_eq!(fin.tiers, vec![Some(Tier::First), Some(Tier::Second), Some(Tier::First)]);
    assert_eq!(fin.sum_effective, U256::from(178_533_500_000u64));
    assert_eq!(fin.sum_tier_weighted, U256::from(480_600_500_000u64));
    assert_eq!((fin.sum_quality, fin.sum_reliability), (U256::from(23_700u64), U256::from(27_200u64)));
    let [sum_score, sum_score_squared] = wei(["178533500000", "12581338122250000000000"]);
    assert_eq!(fin.totals, FinalizationTotals { eligible_count: 3, sum_score, sum_score_squared });
    assert_eq!(fin.clip_cap, None);
}

#[test]
fn clipping_at_one_sigma_matches_6_1() {
    let fin = section_6_1().finalize(ONE_ETHER).unwrap();
    assert_eq!(fin.clip_cap, Some(U256::from(85_049_381_483u64)));
    assert_eq!(fin.effective, wei(["61033500000", "27500000000", "85049381483"]), "only node 2 is clipped");
    assert_eq!(fin.sum_effective, U256::from(173_582_881_483u64));
    assert_eq!(fin.ranking, vec![2, 0, 1], "ranks use the unclipped score");
}

#[test]
fn payouts_match_6_1() {
    assert_table(&section_6_1(), &PAYOUTS_6_1);
}

#[test]
fn a_silent_epoch_lowers_participation_as_in_6_2() {
    let ledger = section_6_2();
    assert_eq!(ledger.total_rounds(), 20);
    assert!((0..3).all(|node| ledger.sums(node).is_some_and(|s| s.epochs == 1)), "e stays 1");
    let got: Vec<(u64, u64, U256)> =
        ledger.scores().iter().map(|s| (s.participation, s.reliability, s.score)).collect();
    let [s0, s1, s2] = wei(["55896000000", "25000000000", "82500000000"]);
    assert_eq!(got, vec![(5000, 7200, s0), (5000, 5000, s1), (5000, 7500, s2)]);
    let fin = ledger.finalize(ONE_ETHER).unwrap();
    let [sum_score, sum_score_squared] = wei(["163396000000", "10555612816000000000000"]);
    assert_eq!(fin.totals, FinalizationTotals { eligible_count: 3, sum_score, sum_score_squared });
    assert_eq!(fin.clip_cap, Some(U256::from(77_961_398_327u64)));
    assert_eq!(fin.sum_effective, U256::from(158_857_398_327u64));
    assert_eq!((fin.sum_quality, fin.sum_reliability), (U256::from(23_700u64), U256::from(19_700u64)));
    assert_eq!(ledger.finalize(0).unwrap().sum_tier_weighted, U256::from(440_188_000_000u64));
}

#[test]
fn payouts_match_6_2() {
    assert_table(&section_6_2(), &PAYOUTS_6_2);
}
