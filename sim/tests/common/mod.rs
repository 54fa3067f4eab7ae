//! Shared by the property tests: case counts and plan shapes.

#![allow(dead_code)]

use gradpay_sim::SessionPlan;
use proptest::test_runner::Config;

/// Cases per property: small by default so `make test` stays quick in debug builds;
/// `GRADPAY_SIM_CASES=1000` (release) for deep runs.
pub(crate) fn cases(default: u32) -> u32 {
    std::env::var("GRADPAY_SIM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A proptest config with `cases` cases, shrinking kept on, no persistence files in the tree.
pub(crate) fn config(default_cases: u32) -> Config {
    Config {
        cases: cases(default_cases),
        failure_persistence: None,
        max_shrink_iters: 512,
        ..Config::default()
    }
}

/// The plan with every adversarial extra switched off: the plain differential run.
pub(crate) fn plain(mut plan: SessionPlan) -> SessionPlan {
    plan.spoiled.clear();
    plan.replay_batches = false;
    plan.strangers_try = false;
    plan.pause_tries = false;
    plan.finalization_faults.clear();
    plan
}
