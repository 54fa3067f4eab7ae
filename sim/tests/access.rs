//! Property 4: only the configured roles change state, and a paused contract takes no writes.
//! Before each coordinator or admin write, an account with no role sends the same call, then the
//! role sends it while paused; both must be refused with GradPay's storage unchanged.

mod common;

use gradpay_sim::scenario::ClaimRoute;
use gradpay_sim::{Rules, run_session, session_plan};
use proptest::prelude::*;

proptest! {
    #![proptest_config(common::config(12))]

    #[test]
    fn strangers_and_pauses_are_refused(plan in session_plan(40, 4), monad in any::<bool>()) {
        let mut plan = common::plain(plan);
        plan.strangers_try = true;
        plan.pause_tries = true;
        let rules = if monad { Rules::Monad } else { Rules::Ethereum };
        let report = run_session(rules, &plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // createSession, completeSession, startFinalization at least, and one sweep per pool.
        prop_assert!(report.strangers_rejected >= 3 + plan.pools.len() as u32);
        prop_assert_eq!(report.strangers_rejected, report.paused_rejected + 8, "8 admin-only probes come first");
        let own_claims = plan.claims.iter().filter(|c| c.route == ClaimRoute::Own).count();
        prop_assert!(report.paused_claims_rejected as usize >= own_claims, "every own claim was tried while paused");
    }
}
