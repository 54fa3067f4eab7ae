//! The scale run: one session of 100,000 nodes registered, recorded for 3 epochs, finalized in
//! chunks under the 30M per-transaction cap, and 1,000 sampled claims checked against the model.

use std::time::Instant;

use alloy_primitives::{Address, U256};

use crate::bindings::GradPay;
use crate::driver::node_address;
use crate::error::SimError;
use crate::evm::Rules;
use crate::measure::bench::{Bench, RECORD_CHUNK, REGISTER_CHUNK};
use crate::measure::gas::thousands;
use gradpay_model::{SessionLedger, Strategy, payout};

/// Ranked nodes per `submitRanking` in the scale run.
pub const SCALE_FINALIZE_CHUNK: usize = 2_000;
/// Claims sampled and checked.
pub const SAMPLED_CLAIMS: u32 = 1_000;
/// Epochs recorded.
pub const EPOCHS: u32 = 3;

/// Runs the scale scenario with `nodes` nodes under both rule sets; a markdown section.
pub fn run(nodes: u32) -> Result<String, SimError> {
    let mut out = format!(
        "| rules | nodes | register | record {EPOCHS} epochs | finalize (chunks of {SCALE_FINALIZE_CHUNK}) | largest tx gas | {SAMPLED_CLAIMS} claims = model | wall time | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    );
    for rules in Rules::ALL {
        out.push_str(&run_once(rules, nodes)?);
    }
    Ok(out)
}

fn run_once(rules: Rules, nodes: u32) -> Result<String, SimError> {
    let started = Instant::now();
    let mut bench = Bench::new(rules)?;
    let id = 7u64;
    bench.create_session(id)?;
    let t = Instant::now();
    bench.register(id, 0, nodes)?;
    let register = t.elapsed();
    let t = Instant::now();
    let mut ledger = SessionLedger::new(nodes);
    for epoch in 1..=EPOCHS {
        bench.record_epoch(id, epoch, nodes, &mut ledger)?;
    }
    let record = t.elapsed();
    let t = Instant::now();
    let (finalized, gas, chunks) = bench.finalize(id, &ledger, SCALE_FINALIZE_CHUNK)?;
    let finalize = t.elapsed();
    let amount = U256::from(10u64).pow(U256::from(24u64));
    let (pool, _) = bench.create_pool(id, Address::ZERO, amount, Strategy::Proportional)?;
    let owed = payout(&finalized, Strategy::Proportional, amount)?;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut checked = 0u32;
    let mut claimed = std::collections::HashSet::new();
    while checked < SAMPLED_CLAIMS.min(nodes) {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let node = ((seed >> 33) % u64::from(nodes)) as u32;
        if !claimed.insert(node) {
            continue;
        }
        let sent =
            bench.dep.send(node_address(node), &GradPay::claimRewardCall { poolId: pool }, U256::ZERO)?;
        let paid =
            sent.result.map_err(|e| SimError::Unexpected(format!("claim of node {node} reverted: {e:?}")))?;
        if paid != owed[node as usize] {
            return Err(SimError::Unexpected(format!(
                "node {node} paid {paid}, model {}",
                owed[node as usize]
            )));
        }
        checked += 1;
    }
    Ok(format!(
        "| {} | {} | {:.1} s | {:.1} s | {:.1} s, {} txs, {} gas | {} | {checked} ✓ | {:.1} s | {} |\n",
        rules.name(),
        thousands(nodes.into()),
        register.as_secs_f64(),
        record.as_secs_f64(),
        finalize.as_secs_f64(),
        chunks + 1,
        thousands(gas.used),
        thousands(bench.largest_tx_gas),
        started.elapsed().as_secs_f64(),
        peak_rss(),
    ))
}

/// The process's peak resident memory, from `/proc/self/status` (Linux).
pub fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

/// Nodes per registration transaction in the scale run (for the notes).
pub const REGISTER_PER_TX: u32 = REGISTER_CHUNK;
/// Entries per record transaction in the scale run (for the notes).
pub const RECORD_PER_TX: u32 = RECORD_CHUNK;
