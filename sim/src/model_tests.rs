//! The model against reward-math.md §6 (every figure of the worked example) and small cases
//! whose answers follow from the page by hand.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

#[allow(clippy::too_many_arguments)] // one argument per column of the page's table
fn entry(node: u32, c: u32, a: u32, j: u32, k: u32, p: u32, cons: u16, net: u16, up: u16) -> EpochEntry {
    EpochEntry {
        node,
        compute_seconds: c,
        accepted: a,
        rejected: j,
        rounds_ok: k,
        rounds_joined: p,
        consistency_bps: cons,
        network_bps: net,
        uptime_bps: up,
    }
}

fn worked_example() -> SessionLedger {
    let mut ledger = SessionLedger::new(3);
    let entries = [
        entry(0, 150, 27, 3, 9, 10, 8000, 9000, 10000),
        entry(1, 100, 10, 10, 5, 10, 5000, 5000, 5000),
        entry(2, 200, 40, 0, 10, 10, 10000, 10000, 10000),
    ];
    ledger.record_batch(1, 10, &entries).expect("the example's batch is valid");
    ledger
}

fn wei(s: &str) -> U256 {
    s.parse().expect("decimal literal")
}

const ONE_ETHER: u64 = 1_000_000_000_000_000_000;

#[test]
fn worked_example_scores_match_the_page() {
    let scores = score_session(&worked_example());
    let node0 = scores[0];
    assert_eq!((node0.acceptance, node0.consistency, node0.success, node0.quality), (9000, 8000, 9000, 8700));
    assert_eq!(
        (node0.participation, node0.network, node0.uptime, node0.reliability),
        (10000, 9000, 10000, 9700)
    );
    assert_eq!(node0.score, U256::from(61_033_500_000u64));
    let node1 = scores[1];
    assert_eq!((node1.acceptance, node1.consistency, node1.success, node1.quality), (5000, 5000, 5000, 5000));
    assert_eq!(
        (node1.participation, node1.network, node1.uptime, node1.reliability),
        (10000, 5000, 5000, 7500)
    );
    assert_eq!(node1.score, U256::from(27_500_000_000u64));
    assert_eq!((scores[2].quality, scores[2].reliability), (10000, 10000));
    assert_eq!(scores[2].score, U256::from(90_000_000_000u64));
    assert!(scores.iter().all(|s| s.eligible));
}

#[test]
fn worked_example_aggregates_match_the_page() {
    let fin = finalize(&worked_example(), 0).unwrap();
    assert_eq!(fin.sum_effective, U256::from(178_533_500_000u64));
    assert_eq!(fin.ranking, vec![2, 0, 1]);
    assert_eq!(fin.tier_weight, vec![3, 1, 3], "top = 2, mid = 3");
    assert_eq!(fin.clip_cap, None);
}

fn assert_payouts(clip_k: u64, strategy: Strategy, expected: [&str; 3]) {
    let fin = finalize(&worked_example(), clip_k).unwrap();
    let paid = fin.payouts(U256::from(ONE_ETHER), strategy).unwrap();
    let expected: Vec<U256> = expected.iter().map(|s| wei(s)).collect();
    assert_eq!(paid, expected, "{strategy:?}, clipK {clip_k}");
    assert!(paid.iter().copied().sum::<U256>() <= U256::from(ONE_ETHER));
}

#[test]
fn worked_example_proportional() {
    assert_payouts(
        0,
        Strategy::Proportional,
        ["341860211108839517", "154032716548995006", "504107072342165475"],
    );
}

#[test]
fn worked_example_tiered() {
    assert_payouts(
        0,
        Strategy::Tiered { base_bps: 8500 },
        ["347728591898389103", "139510821360640455", "512760586740970439"],
    );
}

#[test]
fn worked_example_minimum_guarantee() {
    assert_payouts(
        0,
        Strategy::MinimumGuarantee { floor_bps: 5000 },
        ["337596772221086425", "243683024941164169", "418720202837749404"],
    );
}

#[test]
fn worked_example_hybrid() {
    assert_payouts(
        0,
        Strategy::Hybrid { score_bps: 7000, quality_bps: 2000, reliability_bps: 1000 },
        ["348381634001057355", "177590523823065428", "474027842175877212"],
    );
}

#[test]
fn worked_example_proportional_clipped_at_one_sigma() {
    assert_payouts(
        ONE_ETHER,
        Strategy::Proportional,
        ["351610132742135475", "158425760449732123", "489964106808132401"],
    );
}

#[test]
fn isqrt_is_the_floor_root() {
    for v in [0u64, 1, 2, 3, 4, 15, 16, 17, 99, 100, 101, u32::MAX as u64, u64::MAX] {
        let r = isqrt(U512::from(v));
        assert!(r * r <= U512::from(v) && (r + U512::from(1)) * (r + U512::from(1)) > U512::from(v), "{v}");
    }
    let big = U512::MAX >> 2;
    let r = isqrt(big);
    assert!(r * r <= big && (r + U512::from(1)) * (r + U512::from(1)) > big);
}

#[test]
fn nodes_without_compute_or_excluded_are_not_paid() {
    let mut ledger = SessionLedger::new(3);
    let entries = [entry(0, 0, 5, 0, 1, 1, 10000, 10000, 10000), entry(1, 10, 1, 0, 1, 1, 0, 0, 0)];
    ledger.record_batch(0, 1, &entries).unwrap();
    let fin = finalize(&ledger, 0).unwrap();
    assert_eq!(fin.ranking, vec![1], "node 0 has c = 0, node 2 never reported");
    let paid = fin.payouts(U256::from(1000u64), Strategy::Proportional).unwrap();
    assert_eq!(paid, vec![U256::ZERO, U256::from(1000u64), U256::ZERO]);

    ledger.exclude(1);
    let fin = finalize(&ledger, 0).unwrap();
    assert_eq!(fin.eligible_count, 0);
    let paid = fin
        .payouts(
            U256::from(1000u64),
            Strategy::Hybrid { score_bps: 7000, quality_bps: 2000, reliability_bps: 1000 },
        )
        .unwrap();
    assert!(paid.iter().all(|r| r.is_zero()));
}

#[test]
fn equal_scores_rank_by_index_and_share_equally() {
    let mut ledger = SessionLedger::new(4);
    let same = |node| entry(node, 7, 1, 1, 1, 2, 100, 200, 300);
    ledger.record_batch(3, 2, &[same(3), same(1), same(0), same(2)]).unwrap();
    let fin = finalize(&ledger, 0).unwrap();
    assert_eq!(fin.ranking, vec![0, 1, 2, 3]);
    assert_eq!(fin.tier_weight, vec![3, 3, 1, 1], "top = 2, mid = ceil(3.2) = 4");
}

#[test]
fn hybrid_with_no_quality_moves_that_share_to_score() {
    // Every Q and R is 0: c > 0 but no accepted work, no rounds, zero bps.
    let mut ledger = SessionLedger::new(2);
    ledger.record_batch(0, 0, &[entry(0, 1, 0, 0, 0, 0, 0, 0, 0), entry(1, 3, 0, 0, 0, 0, 0, 0, 0)]).unwrap();
    let fin = finalize(&ledger, 0).unwrap();
    assert!(fin.sum_quality.is_zero() && fin.sum_reliability.is_zero());
    let hybrid = Strategy::Hybrid { score_bps: 7000, quality_bps: 2000, reliability_bps: 1000 };
    let paid = fin.payouts(U256::from(400u64), hybrid).unwrap();
    assert_eq!(paid, vec![U256::from(100u64), U256::from(300u64)]);
}

#[test]
fn batches_break_the_page_rules_whole() {
    let mut ledger = SessionLedger::new(2);
    let ok = entry(0, 1, 1, 0, 1, 1, 1, 1, 1);
    let bad_bps = EpochEntry { network_bps: 10001, node: 1, ..ok };
    assert_eq!(
        ledger.record_batch(1, 1, &[ok, bad_bps]),
        Err(BatchRejection::OutOfBounds { position: 1, bound: EntryBound::NetworkBps })
    );
    assert_eq!(ledger.sums(0), Some(&NodeSums::default()), "nothing applied");
    assert_eq!(
        ledger.record_batch(1, 1, &[ok, EpochEntry { node: 2, ..ok }]),
        Err(BatchRejection::UnknownNode { position: 1 })
    );
    assert_eq!(ledger.record_batch(1, 1, &[ok, ok]), Err(BatchRejection::AlreadyRecorded { position: 1 }));
    ledger.record_batch(1, 1, &[ok]).unwrap();
    assert_eq!(ledger.record_batch(1, 1, &[ok]), Err(BatchRejection::AlreadyRecorded { position: 0 }));
    assert_eq!(ledger.record_batch(1, 2, &[]), Err(BatchRejection::EpochRoundsMismatch));
    assert_eq!(ledger.record_batch(0, 1, &[]), Err(BatchRejection::EpochOutOfOrder));
    ledger.record_batch(2, 5, &[ok]).unwrap();
    assert_eq!(ledger.total_rounds(), 6, "each epoch's rounds count once");
    assert_eq!(ledger.sums(0).unwrap().epochs, 2);
}
