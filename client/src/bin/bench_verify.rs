//! Benchmark of `gradpay verify`: a session of many nodes and epochs built on a local anvil with
//! the library's batched registration and pipelined recording, finalized, one ETH pool per
//! strategy and some claims; then the session is verified (read-only connection, as an auditor
//! would) and the set-up and verify times are written as a markdown table (committed as
//! `client/VERIFY_BENCH.md`). Run by hand, in release (`make bench-verify`):
//!
//! `cargo run --locked --release -p gradpay-client --features demo --bin gradpay-bench-verify -- --nodes 10000 --epochs 10`

#[path = "support/bench_session.rs"]
mod bench_session;
#[path = "support/bench_support.rs"]
mod bench_support;

use std::{fmt::Write as _, path::PathBuf, time::Instant};

use alloy::primitives::Address;
use bench_session::{Phases, SESSION, SessionSize, build_session};
use clap::Parser;
use gradpay::{
    Coordinator, Error, Result,
    demo::anvil::{Anvil, AnvilOptions},
};

/// verify benchmark.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    size: SessionSize,
    /// Markdown file to write.
    #[arg(long, default_value = "client/VERIFY_BENCH.md")]
    out: PathBuf,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    bench_support::publish(&args.out, run(&args).await)
}

async fn run(args: &Args) -> Result<String> {
    let anvil = Anvil::spawn(&AnvilOptions { gas_limit: Some(1_000_000_000), ..Default::default() })?;
    let dir = std::env::temp_dir().join(format!("gradpay-bench-verify-{}", std::process::id()));
    let (profile, c) = bench_support::deploy_on(&anvil, args.size.batch_size, &dir).await?;
    let mut phases = Phases::default();
    let (claimers, registered) = build_session(&c, args.size, &dir, &mut phases).await?;
    let auditor = Coordinator::connect_read_only(profile, c.address(), Address::ZERO).await?;
    let started = Instant::now();
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
    let setup_secs = phases.total();
    let mut t = String::new();
    let _ = writeln!(t, "# verify benchmark\n");
    let _ = writeln!(
        t,
        "`gradpay verify` (the library's `Coordinator::verify`) on a session of {registered} nodes and {} epochs ({} entries in {} batches of up to {}), finalized, one ETH pool per strategy, {claimers} nodes claiming from every pool, on a local anvil (automine), release build. The set-up is timed apart from the verification.\n",
        args.size.epochs, report.entries, report.batches, args.size.batch_size
    );
    let _ = writeln!(
        t,
        "Command: `make bench-verify` (`cargo run --locked --release -p gradpay-client --features demo --bin gradpay-bench-verify -- --nodes {} --epochs {}`)\n",
        args.size.nodes, args.size.epochs
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
