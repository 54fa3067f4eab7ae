//! Properties 1 and 2: every claim equals the reference model to the wei, for every strategy,
//! under both rule sets; Σ paid ≤ pool, dust ≤ 3n, and the sweep returns exactly the rest.

mod common;

use gradpay_sim::{Rules, run_session, session_plan};
use proptest::prelude::*;

proptest! {
    #![proptest_config(common::config(48))]

    #[test]
    fn claims_match_the_model_to_the_wei(plan in session_plan(2_000, 20).prop_map(common::plain), monad in any::<bool>()) {
        let rules = if monad { Rules::Monad } else { Rules::Ethereum };
        let report = run_session(rules, &plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(report.pools_swept as usize, plan.pools.len());
        prop_assert_eq!(report.scores_compared, plan.node_count);
        if plan.claim_rest {
            prop_assert_eq!(report.claims_paid, report.owed_pairs, "every owed (pool, node) pair paid exactly once");
        } else {
            prop_assert!(report.claims_paid <= report.owed_pairs);
        }
    }
}
