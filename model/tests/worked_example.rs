//! reward-math.md §6: every figure of the worked example, from the page's table to the wei.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use alloy_primitives::U256;
use common::{ONE_ETHER, wei, worked_example};
use gradpay_model::{FinalizationTotals, Strategy, Tier, payout};

/// `(A, C, S, Q)` and `(P, N, U, R)` of a node's scores.
fn quality_and_reliability(s: &gradpay_model::NodeScore) -> [[u64; 4]; 2] {
    [
        [s.acceptance, s.consistency, s.success, s.quality],
        [s.participation, s.network, s.uptime, s.reliability],
    ]
}

#[test]
fn scores_match_the_page() {
    let scores = worked_example().scores();
    assert_eq!(quality_and_reliability(&scores[0]), [[9000, 8000, 9000, 8700], [10000, 9000, 10000, 9700]]);
    assert_eq!(quality_and_reliability(&scores[1]), [[5000, 5000, 5000, 5000], [10000, 5000, 5000, 7500]]);
    assert_eq!((scores[2].quality, scores[2].reliability), (10000, 10000));
    let values: Vec<U256> = scores.iter().map(|s| s.score).collect();
    assert_eq!(values, wei(["61033500000", "27500000000", "90000000000"]));
    assert!(scores.iter().all(|s| s.eligible));
}

#[test]
fn ranks_tiers_and_totals_match_the_page() {
    let fin = worked_example().finalize(0).unwrap();
    assert_eq!(fin.sum_effective, U256::from(178_533_500_000u64));
    assert_eq!(fin.ranking, vec![2, 0, 1]);
    assert_eq!(fin.ranks, vec![Some(1), Some(2), Some(0)]);
    // n = 3: top = ceil(1.5) = 2, mid = ceil(2.4) = 3.
    assert_eq!(fin.tiers, vec![Some(Tier::First), Some(Tier::Second), Some(Tier::First)]);
    assert_eq!(fin.clip_cap, None);
    let squares = 61_033_500_000u128.pow(2) + 27_500_000_000u128.pow(2) + 90_000_000_000u128.pow(2);
    let totals = FinalizationTotals {
        eligible_count: 3,
        sum_score: U256::from(178_533_500_000u64),
        sum_score_squared: U256::from(squares),
    };
    assert_eq!(fin.totals, totals);
}

fn assert_pays(clip_k: u64, strategy: Strategy, page: [&str; 3]) {
    let fin = worked_example().finalize(clip_k).unwrap();
    let paid = payout(&fin, strategy, U256::from(ONE_ETHER)).unwrap();
    assert_eq!(paid, wei(page), "{strategy:?}, clipK {clip_k}");
    assert!(paid.iter().copied().sum::<U256>() <= U256::from(ONE_ETHER));
}

#[test]
fn row_0_proportional() {
    assert_pays(
        0,
        Strategy::Proportional,
        ["341860211108839517", "154032716548995006", "504107072342165475"],
    );
}

#[test]
fn row_1_tiered() {
    let tiered = Strategy::Tiered { base_bps: 8500 };
    assert_pays(0, tiered, ["347728591898389103", "139510821360640455", "512760586740970439"]);
}

#[test]
fn row_2_minimum_guarantee() {
    let guarantee = Strategy::MinimumGuarantee { floor_bps: 5000 };
    assert_pays(0, guarantee, ["337596772221086425", "243683024941164169", "418720202837749404"]);
}

#[test]
fn row_3_hybrid() {
    let hybrid = Strategy::Hybrid { score_bps: 7000, quality_bps: 2000, reliability_bps: 1000 };
    assert_pays(0, hybrid, ["348381634001057355", "177590523823065428", "474027842175877212"]);
}

#[test]
fn row_4_proportional_clipped_at_one_sigma() {
    let page = ["351610132742135475", "158425760449732123", "489964106808132401"];
    assert_pays(ONE_ETHER, Strategy::Proportional, page);
    let fin = worked_example().finalize(ONE_ETHER).unwrap();
    let cap = fin.clip_cap.expect("clipK > 0 and n > 0");
    assert!(
        cap < U256::from(90_000_000_000u64) && cap > U256::from(61_033_500_000u64),
        "only node 2 is clipped"
    );
    assert_eq!(fin.effective[2], cap);
}
