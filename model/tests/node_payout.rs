//! `PoolSplit::reward` for one node from the aggregates alone (what `gradpay explain` evaluates)
//! pays exactly what `payout` pays that node, on both worked examples, every strategy row.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_primitives::U256;
use gradpay_model::worked_examples::{self, PAYOUTS_6_1, PAYOUTS_6_2};
use gradpay_model::{NodeShare, PoolBasis, PoolSplit, payout};

#[test]
fn one_node_from_the_aggregates_matches_the_whole_payout() {
    let pool = U256::from(worked_examples::POOL);
    for (silent, rows) in [(false, PAYOUTS_6_1), (true, PAYOUTS_6_2)] {
        let ledger = worked_examples::ledger(silent).unwrap();
        for row in rows {
            let finalized = ledger.finalize(row.clip_k).unwrap();
            let paid = payout(&finalized, row.strategy, pool).unwrap();
            let basis = PoolBasis::of(&finalized);
            let split = PoolSplit::new(&basis, row.strategy, pool).unwrap();
            for index in 0..3u32 {
                let alone = split.reward(&basis, &NodeShare::of(&finalized, index)).unwrap();
                assert_eq!(alone, paid[index as usize], "{row:?} node {index}");
            }
        }
    }
}

#[test]
fn the_tiered_split_is_the_page_s_b_and_x() {
    let ledger = worked_examples::ledger(false).unwrap();
    let basis = PoolBasis::of(&ledger.finalize(0).unwrap());
    let split = PoolSplit::new(
        &basis,
        gradpay_model::Strategy::Tiered { base_bps: 8500 },
        U256::from(worked_examples::POOL),
    )
    .unwrap();
    let expected = PoolSplit::Tiered {
        base: U256::from(850_000_000_000_000_000u128),
        extra: U256::from(150_000_000_000_000_000u128),
    };
    assert_eq!(split, expected);
}
