//! Shared by the recording fault tests (faults.rs, record_*.rs): entries whose sums are easy to
//! predict, a session of `NODES` nodes with small batches, anvil mining controls, journal watching,
//! and the check that the chain holds exactly the distinct entries: nothing doubled, nothing dropped.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, B256},
    providers::{DynProvider, Provider},
};
use gradpay::{
    Coordinator, EpochEntry, NetworkProfile,
    demo::anvil::{dev_signer, set_balance},
    journal::{Journal, JournalScope},
    record::{EpochRecord, RecordSummary, SendMode},
};

use crate::common;

pub const NODES: u32 = 12;
/// Entries per batch: 4 batches for a full epoch.
pub const BATCH: usize = 3;
pub const ROUNDS: u32 = 10;

/// Node `node`'s entry for `epoch`: every field differs by node and epoch, so a doubled or dropped
/// entry shows in the sums.
pub fn entry(epoch: u32, node: u32) -> EpochEntry {
    EpochEntry {
        node_index: node,
        compute_seconds: 100 + 7 * node + epoch,
        accepted: 10 + node,
        rejected: node % 3,
        rounds_ok: 5 + node % 5,
        rounds_joined: ROUNDS,
        consistency_bps: 9000 - node as u16,
        network_bps: 8000 + node as u16,
        uptime_bps: 10000 - epoch as u16,
    }
}

/// One file's worth of an epoch: the entries of `nodes`.
pub fn record(epoch: u32, nodes: impl IntoIterator<Item = u32>) -> EpochRecord {
    EpochRecord { epoch, epoch_rounds: ROUNDS, entries: nodes.into_iter().map(|n| entry(epoch, n)).collect() }
}

/// A profile with small batches and a short receipt timeout.
pub fn profile(chain: &common::Chain) -> NetworkProfile {
    NetworkProfile { batch_size: BATCH, receipt_timeout_secs: 3, ..chain.profile.clone() }
}

/// Session `session` with `NODES` nodes on `chain`, and a coordinator on it (dev key `key`, which
/// gets COORDINATOR_ROLE when it is not the deployer) using [`profile`].
pub async fn session(chain: &common::Chain, session: u64, key: usize) -> Coordinator {
    common::register(&chain.coordinator, session, &common::nodes(NODES)).await;
    coordinator(chain, key).await
}

/// A fresh anvil started with `options`, session `session` of `NODES` nodes on it, the
/// deployer's coordinator with [`profile`], and a journal path.
pub async fn start(
    options: gradpay::demo::anvil::AnvilOptions,
    session_id: u64,
) -> (common::Chain, Coordinator, PathBuf) {
    let chain = common::start(options).await;
    let c = session(&chain, session_id, 0).await;
    let path = journal_path(&chain, "j.jsonl");
    (chain, c, path)
}

/// Kills a recording task where it stands (a crash: nothing after its current await runs).
pub async fn crash(task: tokio::task::JoinHandle<gradpay::Result<RecordSummary>>) {
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
}

/// A coordinator signing with dev key `key` on `chain`'s deployment.
pub async fn coordinator(chain: &common::Chain, key: usize) -> Coordinator {
    // Another key is funded only: it acts on a session once the owner names it a delegate.
    let signer = dev_signer(key).unwrap();
    let admin = &chain.coordinator;
    if signer.address() != admin.sender() {
        set_balance(admin.provider(), signer.address(), alloy::primitives::U256::from(10u128.pow(20)))
            .await
            .unwrap();
    }
    Coordinator::connect(profile(chain), admin.address(), signer)
        .await
        .unwrap()
        .with_deployment_block(admin.deployment_block())
}

pub fn scope(c: &Coordinator, session: u64) -> JournalScope {
    JournalScope { chain_id: 31337, contract: c.address(), session_id: session }
}

/// Opens the journal at `path` and records `record` through it.
pub async fn run(
    c: &Coordinator,
    path: &Path,
    scope: JournalScope,
    record: &EpochRecord,
    mode: SendMode,
) -> gradpay::Result<RecordSummary> {
    let mut journal = Journal::open(path, scope)?;
    c.record_epoch(&mut journal, record, mode, &|_, _| {}).await
}

/// [`run`] in a task, to be aborted (a crash) or awaited.
pub fn spawn(
    c: &Coordinator,
    path: &Path,
    scope: JournalScope,
    record: &EpochRecord,
    mode: SendMode,
) -> tokio::task::JoinHandle<gradpay::Result<RecordSummary>> {
    let (c, path, record) = (c.clone(), path.to_owned(), record.clone());
    tokio::spawn(async move { run(&c, &path, scope, &record, mode).await })
}

pub async fn rpc(provider: &DynProvider, method: &'static str, params: serde_json::Value) {
    let _: serde_json::Value = provider.raw_request(method.into(), params).await.unwrap();
}

pub async fn automine(c: &Coordinator, on: bool) {
    rpc(c.provider(), "evm_setAutomine", serde_json::json!([on])).await;
}

pub async fn mine(c: &Coordinator) {
    rpc(c.provider(), "evm_mine", serde_json::json!([])).await;
}

/// Waits until the journal at `path` holds `count` `sent` lines for `epoch`; returns the last
/// one's batch and transaction.
pub async fn wait_sent(path: &Path, epoch: u32, count: usize) -> (u32, B256) {
    let line = wait_line(path, &format!("\"kind\":\"sent\",\"epoch\":{epoch},"), count).await;
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    (v["batch"].as_u64().unwrap() as u32, v["tx"].as_str().unwrap().parse().unwrap())
}

/// Waits until the file at `path` holds `count` lines containing `needle`; returns the last one.
pub async fn wait_line(path: &Path, needle: &str, count: usize) -> String {
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if let Some(line) = text.lines().filter(|l| l.contains(needle)).nth(count - 1) {
            return line.to_owned();
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{path:?}: never {count} line(s) with {needle}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The sender's mined transaction count: unchanged means nothing was sent.
pub async fn nonce(c: &Coordinator, account: Address) -> u64 {
    c.provider().get_transaction_count(account).await.unwrap()
}

/// The chain holds exactly `epochs` — (rounds, the distinct entries recorded) per epoch — for
/// `session`: every node's sums and the session's totals equal their sums.
pub async fn assert_holds(c: &Coordinator, session: u64, epochs: &[(u32, Vec<EpochEntry>)]) {
    let all: Vec<&EpochEntry> = epochs.iter().flat_map(|(_, entries)| entries).collect();
    for node in 0..NODES {
        let r = c.contract().getContributionByIndex(session, node).call().await.unwrap();
        let mine: Vec<&&EpochEntry> = all.iter().filter(|e| e.node_index == node).collect();
        let sum = |field: fn(&EpochEntry) -> u64| mine.iter().map(|e| field(e)).sum::<u64>();
        assert_eq!(u64::from(r.epochs), mine.len() as u64, "node {node} epochs");
        assert_eq!(r.computeSeconds, sum(|e| e.compute_seconds.into()), "node {node} computeSeconds");
        assert_eq!(u64::from(r.accepted), sum(|e| e.accepted.into()), "node {node} accepted");
        assert_eq!(u64::from(r.rejected), sum(|e| e.rejected.into()), "node {node} rejected");
        assert_eq!(u64::from(r.roundsOk), sum(|e| e.rounds_ok.into()), "node {node} roundsOk");
        assert_eq!(u64::from(r.roundsJoined), sum(|e| e.rounds_joined.into()), "node {node} roundsJoined");
        assert_eq!(u64::from(r.consistencySum), sum(|e| e.consistency_bps.into()), "node {node} consistency");
        assert_eq!(u64::from(r.networkSum), sum(|e| e.network_bps.into()), "node {node} network");
        assert_eq!(u64::from(r.uptimeSum), sum(|e| e.uptime_bps.into()), "node {node} uptime");
    }
    let totals = c.contract().getSessionTotal(session).call().await.unwrap();
    assert_eq!(totals.nodeEpochs, all.len() as u64, "node-epochs: every distinct entry once");
    assert_eq!(totals.computeSeconds, all.iter().map(|e| u64::from(e.compute_seconds)).sum::<u64>());
    assert_eq!(totals.accepted, all.iter().map(|e| u64::from(e.accepted)).sum::<u64>());
    assert_eq!(totals.rejected, all.iter().map(|e| u64::from(e.rejected)).sum::<u64>());
    assert_eq!(u32::from(totals.epochCount), epochs.len() as u32, "epochs");
    assert_eq!(
        totals.totalRounds,
        epochs.iter().map(|(rounds, _)| rounds).sum::<u32>(),
        "T counts each epoch once"
    );
}

/// Where a test's journal goes.
pub fn journal_path(chain: &common::Chain, name: &str) -> PathBuf {
    chain.dir.path().join("journals").join(name)
}

/// A directory for `gradpay` runs on `c`'s deployment: gradpay.toml (batches of `BATCH`, journals
/// in `journal/`) and a deployments file with the deployment block.
pub fn cli_dir(chain: &common::Chain, c: &Coordinator) -> PathBuf {
    let dir = chain.dir.path().join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let deployments =
        gradpay::config::Deployments { chain_id: 31337, gradpay: c.address(), block: c.deployment_block() };
    deployments.write(&dir.join("deployments.json")).unwrap();
    let config = format!(
        "default_network = \"local\"\n[networks.local]\nrpc-url = \"{}\"\ndeployments = \"deployments.json\"\n\
         batch-size = {BATCH}\njournal-dir = \"journal\"\nreceipt-timeout-secs = 5\npoll-interval-ms = 20\n",
        chain.anvil.url()
    );
    std::fs::write(dir.join("gradpay.toml"), config).unwrap();
    dir
}

/// `gradpay args…` in `dir`, signing with dev key 0, with no other GRADPAY_* variable.
pub fn gradpay(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gradpay"));
    cmd.current_dir(dir).args(args).env_remove("RUST_LOG");
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("GRADPAY_") && k != "GRADPAY_ANVIL") {
        cmd.env_remove(key);
    }
    cmd.env("GRADPAY_PRIVATE_KEY", gradpay::demo::anvil::DEV_KEYS[0]);
    if let Ok(filter) = std::env::var("RECORD_TEST_LOG") {
        cmd.env("RUST_LOG", filter); // to see a failing run's steps
    }
    cmd
}

/// Writes a metrics file with `record`'s entries (nodes by index); no entries writes the line
/// that declares a silent epoch.
pub fn metrics_file(dir: &Path, name: &str, records: &[&EpochRecord]) -> PathBuf {
    let mut text = String::from("# written by the recording tests\n");
    for r in records {
        if r.entries.is_empty() {
            text += &serde_json::json!({ "epoch": r.epoch, "epochRounds": r.epoch_rounds }).to_string();
            text.push('\n');
        }
        for e in &r.entries {
            let line = gradpay::MetricsLine {
                epoch: r.epoch,
                epoch_rounds: r.epoch_rounds,
                node: gradpay::metrics::NodeRef::Index(e.node_index),
                compute_seconds: e.compute_seconds,
                accepted: e.accepted,
                rejected: e.rejected,
                rounds_ok: e.rounds_ok,
                rounds_joined: e.rounds_joined,
                consistency_bps: e.consistency_bps,
                network_bps: e.network_bps,
                uptime_bps: e.uptime_bps,
            };
            text += &serde_json::to_string(&line).unwrap();
            text.push('\n');
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `cmd` to its end; panics with its stderr unless it succeeded. Returns stdout.
pub fn succeed(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "gradpay failed\nstdout: {stdout}\nstderr: {stderr}");
    stdout.into_owned()
}
