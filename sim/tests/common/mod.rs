//! Shared by the tests: case counts and plan shapes of the properties, and whole sessions paid
//! by the contract for the tests of fixed figures.

#![allow(dead_code, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use alloy_primitives::{Address, B256, U256};
use gradpay_model::{EpochEntry, SessionLedger, Strategy};
use gradpay_sim::bindings::GradPay::{self, GradPayErrors};
use gradpay_sim::deployment::Revert;
use gradpay_sim::driver::{node_address, pack_entry};
use gradpay_sim::measure::bench::{Bench, start_finalization_call};
use gradpay_sim::{Rules, SessionPlan};
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

/// One batch as `(epoch, epochRounds, entries)`.
pub(crate) type Batch = (u32, u32, Vec<EpochEntry>);

/// A session of `nodes` nodes recorded on the contract from `batches` (batch numbers counted per
/// epoch), completed, and finalized with the model's ranking and totals (which the contract
/// checks); then one pool of `pool` wei per strategy, which every node claims. What each node
/// received, per pool: 0 where the contract says there is nothing to claim.
pub(crate) fn paid_by_contract(
    rules: Rules,
    nodes: u32,
    clip_k: u64,
    batches: &[Batch],
    strategies: &[Strategy],
    pool: U256,
) -> Vec<Vec<U256>> {
    let mut bench = Bench::new(rules).expect("deploys");
    let id = 6;
    let create = GradPay::createSessionCall { sessionId: id, modelHash: B256::ZERO, clipK: clip_k };
    bench.coordinate(&create, U256::ZERO, "create").expect("creates");
    bench.register(id, 0, nodes).expect("registers");
    let mut ledger = SessionLedger::new(nodes);
    let mut next_batch: HashMap<u32, u32> = HashMap::new();
    for (epoch, rounds, entries) in batches {
        let batch = next_batch.entry(*epoch).or_default();
        let record = GradPay::recordContributionsBatchCall {
            sessionId: id,
            epoch: *epoch,
            batch: *batch,
            epochRounds: *rounds,
            entries: entries.iter().map(pack_entry).collect(),
        };
        *batch += 1;
        bench.coordinate(&record, U256::ZERO, "record").expect("the contract takes the batch");
        ledger.apply_batch(*epoch, *rounds, entries).expect("the model takes the batch");
    }
    bench
        .coordinate(&GradPay::completeSessionCall { sessionId: id }, U256::ZERO, "complete")
        .expect("completes");
    let finalized = ledger.finalize(clip_k).expect("the model finalizes");
    bench.coordinate(&start_finalization_call(id, &finalized.totals), U256::ZERO, "start").expect("starts");
    let submit =
        GradPay::submitRankingCall { sessionId: id, rankedIndices: finalized.ranking, lastChunk: true };
    bench.coordinate(&submit, U256::ZERO, "submit").expect("the contract accepts the ranking");
    strategies
        .iter()
        .map(|&strategy| {
            let (pool, _) = bench.create_pool(id, Address::ZERO, pool, strategy).expect("creates the pool");
            (0..nodes)
                .map(|node| {
                    let claim = GradPay::claimRewardCall { poolId: pool };
                    match bench.dep.send(node_address(node), &claim, U256::ZERO).expect("sends").result {
                        Ok(paid) => paid,
                        Err(Revert::GradPay(GradPayErrors::NothingToClaim(_))) => U256::ZERO,
                        Err(other) => panic!("claim of node {node} reverted: {other:?}"),
                    }
                })
                .collect()
        })
        .collect()
}
