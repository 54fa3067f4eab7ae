//! Property 3: a replayed batch, and a batch with one bad entry, are refused and change nothing
//! (the driver compares GradPay's whole storage before and after, and the error with the page).

mod common;

use gradpay_sim::scenario::{self, Spoil};
use gradpay_sim::{Rules, run_session, session_plan};
use proptest::prelude::*;

fn spoils() -> impl Strategy<Value = Vec<(u16, Spoil)>> {
    proptest::collection::vec((0u16..8, scenario::spoil()), 1..6)
}

proptest! {
    #![proptest_config(common::config(24))]

    #[test]
    fn replays_and_spoiled_batches_change_nothing(plan in session_plan(120, 8), spoiled in spoils(), monad in any::<bool>()) {
        let mut plan = common::plain(plan);
        plan.replay_batches = true;
        plan.spoiled = spoiled;
        let rules = if monad { Rules::Monad } else { Rules::Ethereum };
        let report = run_session(rules, &plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(report.replays_rejected, report.batches_recorded, "every recorded batch was replayed");
    }
}
