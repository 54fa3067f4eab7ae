//! Many random sessions checked against the model on every core: the "sessions per second"
//! figure. Failures print the plan; for a shrunk counterexample run the property tests.

use std::time::Instant;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::driver::run_session;
use crate::error::SimError;
use crate::evm::Rules;
use crate::scenario::session_plan;

/// What the run covered.
#[derive(Clone, Debug, Default)]
struct Tally {
    sessions: u32,
    nodes: u64,
    batches: u64,
    claims: u64,
}

fn run_share(thread: u64, sessions: u32, max_nodes: u32) -> Result<Tally, SimError> {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&(0x6772_6164 + thread).to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = session_plan(max_nodes, 20);
    let mut tally = Tally::default();
    for i in 0..sessions {
        let plan = strategy.new_tree(&mut runner).map_err(|e| SimError::Unexpected(e.to_string()))?.current();
        let rules = if i % 2 == 0 { Rules::Ethereum } else { Rules::Monad };
        let report =
            run_session(rules, &plan).map_err(|e| SimError::Unexpected(format!("{e}\nplan: {plan:#?}")))?;
        tally.sessions += 1;
        tally.nodes += u64::from(plan.node_count);
        tally.batches += u64::from(report.batches_recorded);
        tally.claims += u64::from(report.claims_paid);
    }
    Ok(tally)
}

/// Checks `sessions` random sessions (up to `max_nodes` nodes) on every available core; a
/// markdown line with the rate.
pub fn run(sessions: u32, max_nodes: u32) -> Result<String, SimError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let share = sessions / threads + u32::from(t < sessions % threads);
            std::thread::spawn(move || run_share(u64::from(t), share, max_nodes))
        })
        .collect();
    let mut total = Tally::default();
    for handle in handles {
        let tally =
            handle.join().map_err(|_| SimError::Unexpected("a checking thread panicked".into()))??;
        total.sessions += tally.sessions;
        total.nodes += tally.nodes;
        total.batches += tally.batches;
        total.claims += tally.claims;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(format!(
        "| sessions | threads | nodes (total) | batches recorded | claims paid = model | wall time | sessions / s |\n|---:|---:|---:|---:|---:|---:|---:|\n| {} | {threads} | {} | {} | {} | {elapsed:.1} s | {:.0} |\n",
        total.sessions,
        total.nodes,
        total.batches,
        total.claims,
        f64::from(total.sessions) / elapsed
    ))
}
