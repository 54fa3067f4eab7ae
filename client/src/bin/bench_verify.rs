//! Benchmark of `gradpay verify`: a session of many nodes and epochs built on a local anvil with
//! the library's batched registration and pipelined recording, finalized, one ETH pool per
//! strategy and some claims; then the session is verified (read-only connection, as an auditor
//! would) and the set-up and verify times are written as a markdown table (committed as
//! `client/VERIFY_BENCH.md`). Run by hand, in release (`make bench-verify`):
//!
//! `cargo run --locked --release -p gradpay-client --features demo --bin gradpay-bench-verify -- --nodes 10000 --epochs 10`

#[path = "support/bench_support.rs"]
mod bench_support;

use std::{fmt::Write as _, path::PathBuf, time::Instant};

use alloy::primitives::{Address, B256, U256};
use clap::Parser;
use gradpay::{
    Coordinator, EpochEntry, Error, PoolDefaults, Result, Strategy,
    claims::PoolSpec,
    demo::anvil::{Anvil, AnvilOptions, set_balance, simulated_node_signer},
    journal::Journal,
    record::{EpochRecord, SendMode},
};

const SESSION: u64 = 1;

/// verify benchmark.
#[derive(Debug, Parser)]
struct Args {
    /// Nodes in the session.
    #[arg(long, default_value_t = 10_000)]
    nodes: u32,
    /// Epochs recorded.
    #[arg(long, default_value_t = 10)]
    epochs: u32,
    /// Entries per record batch.
    #[arg(long, default_value_t = 200)]
    batch_size: usize,
    /// Nodes that claim from every pool (the first ones: they sign, so they are simulated keys).
    #[arg(long, default_value_t = 20)]
    claimers: u32,
    /// Markdown file to write.
    #[arg(long, default_value = "client/VERIFY_BENCH.md")]
    out: PathBuf,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    bench_support::publish(&args.out, run(&args).await)
}

/// Wall time of each phase, in order.
#[derive(Default)]
struct Phases(Vec<(String, f64)>);

impl Phases {
    fn lap(&mut self, name: impl Into<String>, started: &mut Instant) {
        let name = name.into();
        let seconds = started.elapsed().as_secs_f64();
        eprintln!("  {name}: {seconds:.2} s");
        self.0.push((name, seconds));
        *started = Instant::now();
    }
}

async fn run(args: &Args) -> Result<String> {
    let anvil = Anvil::spawn(&AnvilOptions { gas_limit: Some(1_000_000_000), ..Default::default() })?;
    let dir = std::env::temp_dir().join(format!("gradpay-bench-verify-{}", std::process::id()));
    let (profile, c) = bench_support::deploy_on(&anvil, args.batch_size, &dir).await?;
    let mut phases = Phases::default();
    let mut started = Instant::now();
    let (claimers, registered) = set_up(&c, args, &dir, &mut phases, &mut started).await?;
    let auditor = Coordinator::connect_read_only(profile, c.address(), Address::ZERO).await?;
    started = Instant::now();
    let report = auditor.verify(SESSION).await?;
    let verify_secs = started.elapsed().as_secs_f64();
    eprintln!("  verify: {verify_secs:.2} s, {} difference(s)", report.differences.len());
    if let Some(first) = report.differences.first() {
        return Err(Error::VerificationFailed {
            session_id: SESSION,
            count: report.differences.len(),
            first: first.to_string(),
        });
    }
    anvil.stop()?;
    let _ = std::fs::remove_dir_all(&dir);
    let setup_secs: f64 = phases.0.iter().map(|(_, s)| s).sum();
    let mut t = String::new();
    let _ = writeln!(t, "# verify benchmark\n");
    let _ = writeln!(
        t,
        "`gradpay verify` (the library's `Coordinator::verify`) on a session of {registered} nodes and {} epochs ({} entries in {} batches of up to {}), finalized, one ETH pool per strategy, {claimers} nodes claiming from every pool, on a local anvil (automine), release build. The set-up is timed apart from the verification.\n",
        args.epochs, report.entries, report.batches, args.batch_size
    );
    let _ = writeln!(
        t,
        "Command: `make bench-verify` (`cargo run --locked --release -p gradpay-client --features demo --bin gradpay-bench-verify -- --nodes {} --epochs {}`)\n",
        args.nodes, args.epochs
    );
    let _ = writeln!(t, "| phase | wall time |\n|---|---:|");
    for (name, seconds) in &phases.0 {
        let _ = writeln!(t, "| set-up: {name} | {seconds:.2} s |");
    }
    let _ = writeln!(t, "| **set-up total** | **{setup_secs:.2} s** |");
    let _ = writeln!(t, "| **verify** (budget: 60 s) | **{verify_secs:.2} s** |\n");
    let _ = writeln!(
        t,
        "verify read {} NodeRegistered logs, {} record batches from their transactions, {} pools and {} RewardClaimed logs, recomputed every record, score, clip, rank, tier and payout with gradpay-model, and compared them with {} records, {} scores, the reward basis and {} (reward, claimed) pairs (rewardsOf by index range, claimedOf by address): {} difference(s).",
        report.nodes,
        report.batches,
        report.pools,
        report.claims,
        report.nodes,
        report.nodes,
        u64::from(report.nodes) * u64::from(report.pools),
        report.differences.len()
    );
    let _ = writeln!(
        t,
        "\nMachine: 2 cores shared with concurrent builds; anvil from node_modules (Foundry 1.7.1). View calls run 64 at a time, transaction fetches 32 at a time."
    );
    Ok(t)
}

/// Registers, records, finalizes, funds the pools and claims; returns (claimers, nodes).
async fn set_up(
    c: &Coordinator,
    args: &Args,
    dir: &std::path::Path,
    phases: &mut Phases,
    started: &mut Instant,
) -> Result<(u32, u32)> {
    let claimers: Vec<_> =
        (0..args.claimers.min(args.nodes)).map(simulated_node_signer).collect::<Result<_>>()?;
    let nodes: Vec<(Address, B256)> = (0..args.nodes)
        .map(|i| match claimers.get(i as usize) {
            Some(signer) => signer.address(),
            None => Address::left_padding_from(&(u64::from(i) + 1).to_be_bytes()),
        })
        .map(|node| (node, gradpay::nodes::default_node_id(node)))
        .collect();
    c.create_session(SESSION, B256::ZERO, 1_000_000_000_000_000_000).await?;
    c.register_nodes(SESSION, &nodes).await?;
    phases.lap(format!("register {} nodes (batched)", args.nodes), started);
    let scope = c.journal_scope(SESSION);
    let mut journal = Journal::open(&Journal::path_for(dir, &scope), scope)?;
    for epoch in 0..args.epochs {
        let entries = (0..args.nodes).map(|i| entry(i, epoch)).collect();
        let record = EpochRecord { epoch, epoch_rounds: 20, entries };
        c.record_epoch(&mut journal, &record, SendMode::Pipelined, &|_, _| {}).await?;
    }
    phases.lap(format!("record {} epochs (pipelined)", args.epochs), started);
    c.complete_session(SESSION).await?;
    c.finalize(SESSION, &|_, _| {}).await?;
    phases.lap("complete and finalize", started);
    let mut pools = Vec::new();
    for strategy in Strategy::ALL {
        let spec = PoolSpec::new(None, U256::from(10u128.pow(20)), strategy, &PoolDefaults::default());
        pools.push(c.create_pool(SESSION, spec).await?);
    }
    for signer in &claimers {
        set_balance(c.provider(), signer.address(), U256::from(10u128.pow(19))).await?;
        let node = c.signing_as(signer.clone())?;
        for &pool in &pools {
            node.claim(pool).await?;
        }
    }
    phases.lap(format!("4 pools, {} claims", claimers.len() * pools.len()), started);
    Ok((claimers.len() as u32, args.nodes))
}

/// Node `i`'s entry in `epoch`: varied, a few nodes silent now and then.
fn entry(i: u32, epoch: u32) -> EpochEntry {
    let silent = (i + epoch).is_multiple_of(13);
    EpochEntry {
        node_index: i,
        compute_seconds: if silent { 0 } else { 1000 + (i * 7 + epoch * 13) % 977 },
        accepted: 40,
        rejected: (i + epoch) % 7,
        rounds_ok: 18 - (i % 3),
        rounds_joined: 20 - (i % 2),
        consistency_bps: 9000 - (i % 10) as u16 * 50,
        network_bps: 8000 + (epoch % 5) as u16 * 100,
        uptime_bps: 9500,
    }
}
