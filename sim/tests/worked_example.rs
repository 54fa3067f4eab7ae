//! docs/reward-math.md §6 through the contract: the page's own wei figures (as copied into
//! `gradpay_model::worked_examples`, not computed), every row of §6.1 and of §6.2 (the same
//! session with a silent epoch), under both rule sets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use alloy_primitives::U256;
use gradpay_model::worked_examples::{self, NODES, PAYOUTS_6_1, PAYOUTS_6_2, POOL, PayoutRow};
use gradpay_sim::Rules;

fn assert_contract_pays(silent: bool, rows: &[PayoutRow]) {
    let batches = worked_examples::batches(silent);
    for rules in Rules::ALL {
        for row in rows {
            let paid = common::paid_by_contract(
                rules,
                NODES,
                row.clip_k,
                &batches,
                &[row.strategy],
                U256::from(POOL),
            );
            let page: Vec<U256> = row.paid.iter().map(|f| f.parse().unwrap()).collect();
            assert_eq!(paid, [page], "{rules:?}, {row:?}");
        }
    }
}

#[test]
fn the_contract_pays_6_1_to_the_wei() {
    assert_contract_pays(false, &PAYOUTS_6_1);
}

#[test]
fn the_contract_pays_6_2_with_its_silent_epoch_to_the_wei() {
    assert_contract_pays(true, &PAYOUTS_6_2);
}
