//! Benchmark: recording one epoch for many nodes, pipelined (consecutive nonces, receipts awaited
//! together) against sequential send-and-wait (the seed's way), same batches, same chain, one run;
//! then one epoch through the Monad-like fee-budget chain with 1 and with several sender keys
//! ([`bench_keys`]). Writes markdown tables (committed as `client/BENCH.md`). Run by hand, in release:
//!
//! `cargo run -p gradpay-client --features demo --release --bin gradpay-bench -- --out client/BENCH.md`

#[path = "support/bench_keys.rs"]
mod bench_keys;
#[path = "support/bench_support.rs"]
mod bench_support;

use std::{fmt::Write as _, path::PathBuf, time::Instant};

use alloy::primitives::B256;
use clap::Parser;
use gradpay::{
    Result,
    demo::anvil::{Anvil, AnvilOptions},
    journal::Journal,
    record::{EpochRecord, RecordSummary, SendMode},
};

/// Pipelined vs sequential recording benchmark.
#[derive(Debug, Parser)]
struct Args {
    /// Nodes in the epoch.
    #[arg(long, default_value_t = 10_000)]
    nodes: u32,
    /// Entries per batch.
    #[arg(long, default_value_t = 200)]
    batch_size: usize,
    /// Markdown file to write.
    #[arg(long, default_value = "client/BENCH.md")]
    out: PathBuf,
    /// Sender key counts of the fee-budget benchmark (the first is the baseline).
    #[arg(long, value_delimiter = ',', default_values_t = [1u16, 4])]
    keys: Vec<u16>,
    /// Nodes in the fee-budget benchmark's epoch.
    #[arg(long, default_value_t = 100_000)]
    keys_nodes: u32,
    /// Run only the fee-budget benchmark (the pipelining table is left out).
    #[arg(long)]
    keys_only: bool,
}

/// One chain configuration measured.
struct Setting {
    name: &'static str,
    anvil: AnvilOptions,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    bench_support::publish(&args.out, run(&args).await)
}

async fn run(args: &Args) -> Result<String> {
    let mut out =
        if args.keys_only { String::from("# Recording benchmark\n\n") } else { pipelining(args).await? };
    eprintln!("fee budget, {} nodes, keys {:?}", args.keys_nodes, args.keys);
    let dir = std::env::temp_dir().join(format!("gradpay-bench-keys-{}", std::process::id()));
    let runs = bench_keys::measure(args.keys_nodes, args.batch_size, &args.keys, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    out.push('\n');
    out.push_str(&bench_keys::section(&runs?, args.keys_nodes, args.batch_size));
    Ok(out)
}

/// The pipelined-vs-sequential table.
async fn pipelining(args: &Args) -> Result<String> {
    let settings = [
        Setting {
            name: "automine (a block per transaction, instantly)",
            anvil: AnvilOptions { gas_limit: Some(200_000_000), ..Default::default() },
        },
        Setting {
            name: "1 s blocks, 200M gas per block (Monad-like limit)",
            anvil: AnvilOptions { block_time: Some(1.0), gas_limit: Some(200_000_000), ..Default::default() },
        },
    ];
    let mut table = String::new();
    let _ = writeln!(table, "# Recording benchmark\n\n## Pipelined against send-and-wait\n");
    let _ = writeln!(
        table,
        "One epoch of {} nodes in batches of {} ({} transactions), recorded twice on the same anvil in one run:",
        args.nodes,
        args.batch_size,
        (args.nodes as usize).div_ceil(args.batch_size)
    );
    let _ = writeln!(
        table,
        "**pipelined** (consecutive nonces, all sent, receipts awaited together) and **sequential** (send one, wait for its receipt, send the next: the seed's way). Same entries, fresh session each, release build.\n"
    );
    let _ = writeln!(
        table,
        "Command: `cargo run -p gradpay-client --features demo --release --bin gradpay-bench -- --nodes {} --batch-size {}`\n",
        args.nodes, args.batch_size
    );
    let _ = writeln!(table, "| chain | mode | wall time | transactions | gas used | gas limit | speed-up |");
    let _ = writeln!(table, "|---|---|---:|---:|---:|---:|---:|");
    for setting in settings {
        eprintln!("{}", setting.name);
        let (pipelined, sequential) = measure(args, &setting.anvil).await?;
        for (mode, s) in [("pipelined", &pipelined), ("sequential", &sequential)] {
            let speedup = if mode == "pipelined" {
                format!("{:.1}×", sequential.millis as f64 / pipelined.millis.max(1) as f64)
            } else {
                "1×".into()
            };
            let _ = writeln!(
                table,
                "| {} | {mode} | {:.2} s | {} | {} | {} | {speedup} |",
                setting.name,
                s.millis as f64 / 1000.0,
                s.transactions_sent,
                s.gas_used,
                s.gas_limit
            );
        }
    }
    let _ = writeln!(
        table,
        "\nGas limits are each batch's estimate plus the profile's margin (5 %). Pipelined sends the epoch's first batch alone (it opens the epoch: counters and T), waits for it, then sends the other batches together, each estimated on the opened epoch so that no limit carries the opening's cost; that costs one block more than a single round."
    );
    let _ = writeln!(
        table,
        "For scale: the seed recorded one node per transaction at a fixed 500,000 gas limit, i.e. {} transactions charged {} gas on Monad for the same epoch.",
        args.nodes,
        u64::from(args.nodes) * 500_000
    );
    let _ = writeln!(
        table,
        "\nMachine: 2 cores shared with a concurrent build; anvil from node_modules (Foundry 1.7.1). Automine makes receipts available at once, so waiting costs little there; with real block times a send-and-wait loop pays one block per batch."
    );
    Ok(table)
}

async fn measure(args: &Args, options: &AnvilOptions) -> Result<(RecordSummary, RecordSummary)> {
    let anvil = Anvil::spawn(options)?;
    let dir = std::env::temp_dir().join(format!("gradpay-bench-{}", std::process::id()));
    let (_, c) = bench_support::deploy_on(&anvil, args.batch_size, &dir).await?;
    // Nodes need distinct addresses and ids only (they never sign here): the id is the padded address.
    let nodes: Vec<_> = (0..args.nodes)
        .map(|i| {
            let node = alloy::primitives::Address::left_padding_from(&(u64::from(i) + 1).to_be_bytes());
            (node, gradpay::nodes::default_node_id(node))
        })
        .collect();
    let entries = bench_keys::entries(args.nodes);
    let mut results = Vec::new();
    for (session, mode) in [(1u64, SendMode::Pipelined), (2, SendMode::Sequential)] {
        eprintln!("  registering {} nodes in session {session}", args.nodes);
        c.create_session(session, B256::ZERO, 0).await?;
        c.register_nodes(session, &nodes).await?;
        let scope = c.journal_scope(session);
        let mut journal = Journal::open(&Journal::path_for(&dir, &scope), scope)?;
        eprintln!("  recording ({mode:?})");
        let started = Instant::now();
        let record = EpochRecord { epoch: 0, epoch_rounds: 20, entries: entries.clone() };
        let mut summary = c.record_epoch(&mut journal, &record, mode, &|_, _| {}).await?;
        summary.millis = started.elapsed().as_millis();
        results.push(summary);
    }
    anvil.stop()?;
    let _ = std::fs::remove_dir_all(&dir);
    let sequential = results.pop().unwrap_or_default();
    let pipelined = results.pop().unwrap_or_default();
    Ok((pipelined, sequential))
}
