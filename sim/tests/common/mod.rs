//! Shared by the property tests: case counts and plan shapes.

#![allow(dead_code)]

use gradpay_sim::SessionPlan;
use proptest::test_runner::{Config, RngSeed};

/// Cases per property: small by default so `make test` stays quick in debug builds;
/// `GRADPAY_SIM_CASES=1000` (release) for deep runs.
pub(crate) fn cases(default: u32) -> u32 {
    std::env::var("GRADPAY_SIM_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The generator seed: fixed by default so CI runs are reproducible; `GRADPAY_SIM_SEED=<u64>`
/// picks another, `GRADPAY_SIM_SEED=random` a fresh one per run.
fn seed() -> RngSeed {
    const DEFAULT: u64 = 0x6772_6164_7061_7921;
    match std::env::var("GRADPAY_SIM_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(value) => RngSeed::Fixed(value.parse().unwrap_or(DEFAULT)),
        None => RngSeed::Fixed(DEFAULT),
    }
}

/// A proptest config with `cases` cases, shrinking kept on, no persistence files in the tree.
pub(crate) fn config(default_cases: u32) -> Config {
    Config {
        cases: cases(default_cases),
        rng_seed: seed(),
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
