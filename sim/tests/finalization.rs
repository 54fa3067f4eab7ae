//! Property 5: finalization refuses a wrong order, a missing, duplicated or ineligible node,
//! and wrong claimed totals; the honest ranking that follows is accepted and pays as the model.

mod common;

use gradpay_sim::scenario::FinalizationFault;
use gradpay_sim::{Rules, run_session, session_plan};
use proptest::prelude::*;

fn faults() -> impl Strategy<Value = Vec<FinalizationFault>> {
    let fault = prop_oneof![
        any::<u32>().prop_map(FinalizationFault::Swapped),
        any::<u32>().prop_map(FinalizationFault::Missing),
        any::<u32>().prop_map(FinalizationFault::Duplicated),
        Just(FinalizationFault::IneligibleListed),
        (1i8..=i8::MAX).prop_map(FinalizationFault::SumOff),
        (i8::MIN..=-1).prop_map(FinalizationFault::SumOff),
        (1i8..=i8::MAX).prop_map(FinalizationFault::SquaresOff),
        (i8::MIN..=-1).prop_map(FinalizationFault::SquaresOff),
        Just(FinalizationFault::CountOff),
    ];
    proptest::collection::vec(fault, 1..6)
}

proptest! {
    #![proptest_config(common::config(32))]

    #[test]
    fn wrong_rankings_and_totals_are_refused(plan in session_plan(80, 5), faults in faults(), monad in any::<bool>()) {
        let mut plan = common::plain(plan);
        plan.finalization_faults = faults;
        let rules = if monad { Rules::Monad } else { Rules::Ethereum };
        let report = run_session(rules, &plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let tried = report.finalizations_rejected + report.finalization_faults_skipped;
        prop_assert_eq!(tried as usize, plan.finalization_faults.len());
        let needs_an_outsider = plan.finalization_faults.iter().filter(|f| **f == FinalizationFault::IneligibleListed).count();
        if report.eligible >= 2 {
            prop_assert!(report.finalization_faults_skipped as usize <= needs_an_outsider);
        }
    }
}
