//! The node operators' gas rows (issue 12) under both rule sets. Each row's call must succeed and
//! do what its row says (the rows check the payout slots and the balances paid themselves); here,
//! that each feature costs at least what it adds: a payout slot read or written, an ecrecover.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_primitives::U256;
use gradpay_sim::Rules;
use gradpay_sim::deployment::COORDINATOR;
use gradpay_sim::measure::bench::{Bench, Gas, register_call};
use gradpay_sim::measure::gas::Row;
use gradpay_sim::measure::operators::operator_rows;

fn per_unit(rows: &[Row], operation: &str) -> u64 {
    let row = rows.iter().find(|row| row.operation.starts_with(operation)).expect(operation);
    row.gas.used / row.units
}

#[test]
fn payouts_and_signatures_cost_at_least_what_they_add() {
    for rules in Rules::ALL {
        let mut bench = Bench::new(rules).unwrap();
        let mut next_id = 0u64;
        let rows = operator_rows(&mut bench, || {
            next_id += 1;
            next_id
        })
        .unwrap();
        assert_eq!(rows.len(), 8, "{rules:?}: {rows:#?}");
        let (ecrecover, cold_slot, new_slot) = match rules {
            Rules::Ethereum => (3_000, 2_100, 20_000),
            Rules::Monad => (6_000, 2_100, 17_000),
        };
        let id = next_id + 1;
        bench.create_session(id).unwrap();
        let (_, batch): (_, Gas) =
            bench.measure(COORDINATOR, &register_call(id, 0, 100), U256::ZERO, "registerNodesBatch").unwrap();
        let unsigned = batch.used / 100;

        let signed = per_unit(&rows, "registerSignedNodes, 100 nodes (payout = node)");
        let signed_with_payouts = per_unit(&rows, "registerSignedNodes, 100 nodes (each with a payout)");
        assert!(signed >= unsigned + ecrecover, "{rules:?}: signed {signed}, unsigned {unsigned}");
        assert!(signed_with_payouts >= signed + new_slot, "{rules:?}: {signed_with_payouts} vs {signed}");
        let set = per_unit(&rows, "setPayout, 1 session");
        let set_by_sig = per_unit(&rows, "setPayoutBySig, 1 session");
        assert!(set_by_sig >= set + ecrecover, "{rules:?}: by signature {set_by_sig}, own {set}");
        let with_payout = per_unit(&rows, "claimReward, ETH, node with a payout");
        let without = per_unit(&rows, "claimReward, ETH, node without a payout");
        assert!(with_payout >= without + cold_slot, "{rules:?}: with {with_payout}, without {without}");
        let relayed = per_unit(&rows, "claimRewardsBySig, 10 requests");
        assert!(relayed > ecrecover, "{rules:?}: relayed {relayed}");
        for row in &rows {
            assert!(!row.gas.oversize && row.gas.limit >= row.gas.used, "{rules:?}: {row:?}");
        }
    }
}
