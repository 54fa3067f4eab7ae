//! Properties 1 and 2: every claim equals the reference model to the wei, for every strategy,
//! under both rule sets; Σ paid ≤ pool, dust ≤ 3n, and the sweep returns exactly the rest.
//! Sessions include silent epochs (every node absent: an empty batch whose rounds count in `T`),
//! first, last and in between.

mod common;

use gradpay_sim::scenario::EpochPlan;
use gradpay_sim::{Rules, SessionPlan, run_session, session_plan};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

/// Most nodes and epochs of a differential session.
const MAX_NODES: u32 = 2_000;
const MAX_EPOCHS: usize = 20;

proptest! {
    #![proptest_config(common::config(48))]

    #[test]
    fn claims_match_the_model_to_the_wei(plan in session_plan(MAX_NODES, MAX_EPOCHS).prop_map(common::plain), monad in any::<bool>()) {
        let rules = if monad { Rules::Monad } else { Rules::Ethereum };
        let report = run_session(rules, &plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(report.pools_swept as usize, plan.pools.len());
        prop_assert_eq!(report.scores_compared, plan.node_count);
        if plan.claim_rest {
            prop_assert_eq!(report.claims_paid, report.owed_pairs, "every owed (pool, node) pair paid exactly once");
        } else {
            prop_assert!(report.claims_paid <= report.owed_pairs);
        }
        if report.batches_refused == 0 {
            prop_assert_eq!(report.silent_epochs_opened, plan.silent_epochs_opened(), "every silent epoch recorded");
        }
    }
}

/// Percent of `plans` for which `holds` is true.
fn share(plans: &[SessionPlan], holds: impl Fn(&SessionPlan) -> bool) -> usize {
    plans.iter().filter(|plan| holds(plan)).count() * 100 / plans.len().max(1)
}

#[test]
fn a_fair_share_of_sessions_has_silent_epochs_first_last_and_between() {
    let mut runner = TestRunner::new(common::config(48));
    let strategy = session_plan(MAX_NODES, MAX_EPOCHS);
    let plans: Vec<SessionPlan> =
        (0..200).filter_map(|_| strategy.new_tree(&mut runner).ok().map(|tree| tree.current())).collect();
    assert_eq!(plans.len(), 200);
    let silent_at = |plan: &SessionPlan, pick: fn(&[EpochPlan]) -> Option<&EpochPlan>| {
        plan.epochs.len() > 1 && pick(&plan.epochs).is_some_and(EpochPlan::is_silent)
    };
    let any = share(&plans, |plan| plan.silent_epochs_opened() > 0);
    let first = share(&plans, |plan| silent_at(plan, <[EpochPlan]>::first));
    let last = share(&plans, |plan| silent_at(plan, <[EpochPlan]>::last));
    let between = share(&plans, |plan| {
        let inner = plan.epochs.get(1..plan.epochs.len().saturating_sub(1)).unwrap_or_default();
        inner.iter().any(EpochPlan::is_silent)
    });
    let shares = format!("any {any} %, first {first} %, last {last} %, between {between} %");
    assert!((30..=80).contains(&any), "{shares}");
    assert!(first >= 10 && last >= 10 && between >= 10, "{shares}");
}
