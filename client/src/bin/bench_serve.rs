//! Benchmark of `gradpay serve`: the session `gradpay-bench-verify` builds (10,000 nodes × 10
//! epochs, finalized, 4 pools, claims) on a local anvil, then the release `gradpay serve` started
//! as its own process with an empty index: how long until its index has caught up with the
//! chain, how long the session page and its API take from the index, and its peak memory. Writes
//! the table committed as `client/SERVE_BENCH.md`. Run by hand (`make bench-serve`), which builds
//! the release `gradpay` next to this binary first.

#[path = "support/bench_session.rs"]
mod bench_session;
#[path = "support/bench_support.rs"]
mod bench_support;

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use alloy::transports::http::reqwest;
use bench_session::{Phases, SESSION, SessionSize, build_session};
use clap::Parser;
use gradpay::{
    Error, Result,
    demo::anvil::{Anvil, AnvilOptions},
};
use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// Budgets of the issue: index ≤ 30 s, the session page ≤ 200 ms, memory ≤ 200 MB.
const INDEX_BUDGET_SECS: f64 = 30.0;
const PAGE_BUDGET_MS: f64 = 200.0;
const MEMORY_BUDGET_MB: f64 = 200.0;

/// serve benchmark.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    size: SessionSize,
    /// Requests per measured page.
    #[arg(long, default_value_t = 20)]
    requests: usize,
    /// Markdown file to write.
    #[arg(long, default_value = "client/SERVE_BENCH.md")]
    out: PathBuf,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    bench_support::publish(&args.out, run(&args).await)
}

/// One measured page: its path and the times of its requests.
struct Timed {
    what: &'static str,
    path: String,
    millis: Vec<f64>,
    bytes: usize,
}

async fn run(args: &Args) -> Result<String> {
    let anvil = Anvil::spawn(&AnvilOptions { gas_limit: Some(1_000_000_000), ..Default::default() })?;
    let dir = std::env::temp_dir().join(format!("gradpay-bench-serve-{}", std::process::id()));
    let (_, c) = bench_support::deploy_on(&anvil, args.size.batch_size, &dir).await?;
    let mut phases = Phases::default();
    let (claimers, nodes) = build_session(&c, args.size, &dir, &mut phases).await?;
    let latest = c.latest_block().await?;
    let index = dir.join("index.sqlite");
    let started = Instant::now();
    let (mut child, url) = spawn_serve(&anvil.url(), &c.address().to_string(), &index).await?;
    let measured = measure(&mut child, &url, latest, started, args.requests).await;
    let _ = child.kill().await;
    anvil.stop()?;
    let (index_secs, pages, memory) = measured?;
    // With its write-ahead log: SQLite keeps recent pages there until a checkpoint.
    let index_mb: f64 = ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", index.display())).ok())
        .map(|m| m.len() as f64 / 1e6)
        .sum();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(table(args, &phases, (claimers, nodes, latest), index_secs, index_mb, &pages, memory))
}

/// Starts `gradpay serve` (the release binary beside this one) on an empty index, without a key
/// in its environment; returns it and the URL it printed.
async fn spawn_serve(rpc: &str, contract: &str, index: &Path) -> Result<(Child, String)> {
    let exe = std::env::current_exe().map_err(|e| Error::io("locating", "the benchmark binary", e))?;
    let gradpay = exe.with_file_name("gradpay");
    let mut child = Command::new(&gradpay)
        .args(["--network", "local", "serve", "--listen", "127.0.0.1:0", "--index"])
        .arg(index)
        .env("GRADPAY_RPC_URL", rpc)
        .env("GRADPAY_CONTRACT", contract)
        .env("GRADPAY_CHAIN_ID", "31337")
        // No key of any kind: serve is read-only and refuses one (a keystore in the caller's
        // environment would make it exit).
        .env_remove("GRADPAY_PRIVATE_KEY")
        .env_remove("GRADPAY_KEYSTORE")
        .env_remove("GRADPAY_PASSWORD_FILE")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Error::io("starting (build it with `make bench-serve`)", &gradpay, e))?;
    let stdout = child.stdout.take().ok_or_else(|| Error::Anvil("gradpay serve has no stdout".into()))?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).await.map_err(|e| Error::io("reading", &gradpay, e))?;
    let url = line.trim().strip_prefix("serving ").map(str::to_owned);
    let url = url.ok_or_else(|| Error::Anvil(format!("gradpay serve printed `{}`", line.trim())))?;
    Ok((child, url))
}

/// The index time (from the start of the process to `ready` at `latest`), the timed pages and the
/// process's (peak, current) memory in MB.
async fn measure(
    child: &mut Child,
    url: &str,
    latest: u64,
    started: Instant,
    requests: usize,
) -> Result<(f64, Vec<Timed>, (f64, f64))> {
    let http = reqwest::Client::new();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| Error::io("waiting for", "gradpay serve", e))? {
            return Err(Error::Anvil(format!("gradpay serve exited ({status}) before indexing")));
        }
        let status: Value = get(&http, url, "/api/status")
            .await
            .ok()
            .and_then(|(_, body)| serde_json::from_str(&body).ok())
            .unwrap_or_default();
        if status["ready"] == true && status["indexedBlock"].as_u64().is_some_and(|b| b >= latest) {
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            return Err(Error::Anvil(format!("not indexed after 10 minutes: {status}")));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let index_secs = started.elapsed().as_secs_f64();
    eprintln!("  index: {index_secs:.2} s");
    let mut pages = vec![
        Timed {
            what: "session page, first 100 nodes by rank (HTML, 3 charts over all nodes)",
            path: format!("/sessions/{SESSION}"),
            millis: vec![],
            bytes: 0,
        },
        Timed {
            what: "session page, page 100 sorted by address",
            path: format!("/sessions/{SESSION}?sort=address&page=100"),
            millis: vec![],
            bytes: 0,
        },
        Timed {
            what: "nodes API, page 50 by score descending",
            path: format!("/api/sessions/{SESSION}/nodes?sort=score&order=desc&page=50&perPage=100"),
            millis: vec![],
            bytes: 0,
        },
        Timed { what: "sessions list (HTML)", path: "/".into(), millis: vec![], bytes: 0 },
    ];
    for page in &mut pages {
        for _ in 0..requests {
            let begun = Instant::now();
            let (code, body) = get(&http, url, &page.path).await?;
            page.millis.push(begun.elapsed().as_secs_f64() * 1000.0);
            if code != 200 {
                return Err(Error::Anvil(format!("{} answered {code}", page.path)));
            }
            page.bytes = body.len();
        }
        eprintln!("  {}: median {:.1} ms", page.path, median(&page.millis));
    }
    Ok((index_secs, pages, memory(child.id().unwrap_or_default())))
}

async fn get(http: &reqwest::Client, url: &str, path: &str) -> Result<(u16, String)> {
    let failed =
        |e: reqwest::Error| Error::Transport { action: format!("GET {path}"), reason: e.to_string() };
    let response = http.get(format!("{url}{path}")).send().await.map_err(failed)?;
    let code = response.status().as_u16();
    Ok((code, response.text().await.map_err(failed)?))
}

/// (peak, current) resident memory of process `pid` in MB, from /proc.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key)?.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
    };
    (kb("VmHWM:").unwrap_or(0.0) / 1000.0, kb("VmRSS:").unwrap_or(0.0) / 1000.0)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

fn verdict(value: f64, budget: f64) -> &'static str {
    if value <= budget { "within" } else { "**MISSED**" }
}

fn table(
    args: &Args,
    phases: &Phases,
    (claimers, nodes, latest): (u32, u32, u64),
    index_secs: f64,
    index_mb: f64,
    pages: &[Timed],
    (peak_mb, rss_mb): (f64, f64),
) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "# serve benchmark\n");
    let _ = writeln!(
        t,
        "`gradpay serve` (release build, its own process, no key) on a session of {nodes} nodes and {} epochs (batches of up to {}), finalized, one ETH pool per strategy, {claimers} nodes claiming from every pool, on a local anvil (automine, {latest} blocks). The index starts empty; the set-up is timed apart.\n",
        args.size.epochs, args.size.batch_size
    );
    let _ = writeln!(
        t,
        "Command: `make bench-serve` (builds the release `gradpay` and `gradpay-bench-serve`, then `target/release/gradpay-bench-serve --nodes {} --epochs {}`)\n",
        args.size.nodes, args.size.epochs
    );
    let _ = writeln!(t, "| phase | wall time |\n|---|---:|");
    for (name, seconds) in &phases.0 {
        let _ = writeln!(t, "| set-up: {name} | {seconds:.2} s |");
    }
    let _ = writeln!(t, "| **set-up total** | **{:.2} s** |\n", phases.total());
    let _ = writeln!(t, "| figure | measured | budget | |\n|---|---:|---:|---|");
    let _ = writeln!(
        t,
        "| index from empty to the chain's tip (process start, every event, every node's record and scores, every pool's rewards, every transaction's gas) | {index_secs:.2} s | {INDEX_BUDGET_SECS} s | {} |",
        verdict(index_secs, INDEX_BUDGET_SECS)
    );
    for page in pages {
        let (median, max) = (median(&page.millis), page.millis.iter().copied().fold(0.0, f64::max));
        let _ = writeln!(
            t,
            "| {} `{}` ({} requests, {:.0} kB): median / max | {median:.1} / {max:.1} ms | {PAGE_BUDGET_MS} ms | {} |",
            page.what,
            page.path,
            page.millis.len(),
            page.bytes as f64 / 1000.0,
            verdict(max, PAGE_BUDGET_MS)
        );
    }
    let _ = writeln!(
        t,
        "| memory of `gradpay serve`: peak resident (VmHWM) / resident after the requests | {peak_mb:.1} / {rss_mb:.1} MB | {MEMORY_BUDGET_MB} MB | {} |",
        verdict(peak_mb, MEMORY_BUDGET_MB)
    );
    let _ = writeln!(t, "| index file (with its write-ahead log) | {index_mb:.1} MB | | |\n");
    let _ = writeln!(
        t,
        "Machine: 2 cores shared with anvil (and any concurrent build); anvil from node_modules (Foundry 1.7.1). Requests are sequential, over HTTP/1.1 on loopback, timed by the client."
    );
    t
}
