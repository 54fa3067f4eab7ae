//! Fault injection: a coordinator killed between batches, a dropped transaction, and the chain's
//! node stopped mid-epoch and restarted from its dumped state. Every time, re-running (or just
//! carrying on) converges to exactly the on-chain totals of one clean run: nothing lost, nothing doubled.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use alloy::{
    primitives::B256,
    providers::{DynProvider, Provider},
};
use gradpay::{
    Coordinator, EpochEntry,
    anvil::{Anvil, AnvilOptions, dev_signer},
    journal::{Journal, JournalScope},
    record::{EpochRecord, RecordSummary, SendMode},
};

const NODES: u32 = 12;
const BATCH: usize = 3; // 4 batches per epoch
const SESSION: u64 = 5;

fn entries(epoch: u32) -> Vec<EpochEntry> {
    (0..NODES)
        .map(|i| EpochEntry {
            node_index: i,
            compute_seconds: 100 + 7 * i + epoch,
            accepted: 10 + i,
            rejected: i % 3,
            rounds_ok: 5 + i % 5,
            rounds_joined: 10,
            consistency_bps: 9000,
            network_bps: 8000 + i as u16,
            uptime_bps: 10000,
        })
        .collect()
}

async fn rpc(provider: &DynProvider, method: &'static str, params: serde_json::Value) {
    let _: serde_json::Value = provider.raw_request(method.into(), params).await.unwrap();
}

/// A coordinator with small batches and a short receipt timeout, on a session with NODES nodes.
async fn coordinator(c: &Coordinator, url: &str, dir: &std::path::Path) -> Coordinator {
    common::register(c, SESSION, &common::nodes(NODES)).await;
    let profile =
        gradpay::NetworkProfile { batch_size: BATCH, receipt_timeout_secs: 3, ..common::profile(url, dir) };
    Coordinator::connect(profile, c.address(), dev_signer(0).unwrap()).await.unwrap()
}

fn journal_path(c: &Coordinator, dir: &std::path::Path) -> (std::path::PathBuf, JournalScope) {
    let scope = JournalScope { chain_id: 31337, contract: c.address(), session_id: SESSION };
    (Journal::path_for(dir, &scope), scope)
}

/// Waits until the journal says `(epoch, batch)` was sent; returns its transaction.
async fn wait_sent(path: &std::path::Path, epoch: u32, batch: u32) -> B256 {
    let needle = format!("\"kind\":\"sent\",\"epoch\":{epoch},\"batch\":{batch},");
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains(&needle)) {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            return v["tx"].as_str().unwrap().parse().unwrap();
        }
        assert!(started.elapsed() < Duration::from_secs(30), "batch {batch} of epoch {epoch} never sent");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn spawn_record(
    c: &Coordinator,
    path: std::path::PathBuf,
    scope: JournalScope,
    epoch: u32,
    mode: SendMode,
) -> tokio::task::JoinHandle<gradpay::Result<RecordSummary>> {
    let c = c.clone();
    tokio::spawn(async move {
        let mut journal = Journal::open(&path, scope)?;
        let record = EpochRecord { epoch, epoch_rounds: 10, entries: entries(epoch) };
        c.record_epoch(&mut journal, &record, mode, &|_, _| {}).await
    })
}

/// The chain holds exactly `epochs` clean recordings: every node's sums and the session's totals.
async fn assert_exact(c: &Coordinator, epochs: &[u32]) {
    for i in 0..NODES {
        let r = c.contract().getContributionByIndex(SESSION, i).call().await.unwrap();
        let rows: Vec<EpochEntry> = epochs.iter().map(|e| entries(*e)[i as usize]).collect();
        assert_eq!(r.epochs as usize, epochs.len(), "node {i} epochs");
        assert_eq!(
            r.computeSeconds,
            rows.iter().map(|e| u64::from(e.compute_seconds)).sum::<u64>(),
            "node {i} compute"
        );
        assert_eq!(r.accepted, rows.iter().map(|e| e.accepted).sum::<u32>(), "node {i} accepted");
        assert_eq!(r.roundsOk, rows.iter().map(|e| e.rounds_ok).sum::<u32>(), "node {i} roundsOk");
        assert_eq!(
            r.networkSum,
            rows.iter().map(|e| u32::from(e.network_bps)).sum::<u32>(),
            "node {i} network"
        );
    }
    let totals = c.contract().getSessionTotal(SESSION).call().await.unwrap();
    assert_eq!(totals.nodeEpochs, u64::from(NODES) * epochs.len() as u64, "node-epochs");
    assert_eq!(u32::from(totals.epochCount), epochs.len() as u32, "epochs");
    assert_eq!(totals.totalRounds, 10 * epochs.len() as u32, "T counts each epoch once");
    for &epoch in epochs {
        for batch in 0..4 {
            assert!(c.contract().isBatchRecorded(SESSION, epoch, batch).call().await.unwrap());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_killed_between_batches_resumes_from_the_journal() {
    let chain = common::start(AnvilOptions::default()).await;
    let (url, dir) = (chain.anvil.url(), chain.dir.path().to_owned());
    let c = coordinator(&chain.coordinator, &url, &dir).await;
    let (path, scope) = journal_path(&c, &dir);
    rpc(c.provider(), "evm_setAutomine", serde_json::json!([false])).await;

    // One batch at a time: batch 0 is mined, batch 1 is in the pool when the coordinator dies.
    let task = spawn_record(&c, path.clone(), scope, 0, SendMode::Sequential);
    wait_sent(&path, 0, 0).await;
    rpc(c.provider(), "evm_mine", serde_json::json!([])).await;
    wait_sent(&path, 0, 1).await;
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert!(c.contract().isBatchRecorded(SESSION, 0, 0).call().await.unwrap());
    assert!(!c.contract().isBatchRecorded(SESSION, 0, 2).call().await.unwrap());

    rpc(c.provider(), "evm_setAutomine", serde_json::json!([true])).await;
    let restarted =
        Coordinator::connect(c.profile().clone(), c.address(), dev_signer(0).unwrap()).await.unwrap();
    let summary =
        spawn_record(&restarted, path.clone(), scope, 0, SendMode::Pipelined).await.unwrap().unwrap();
    assert!(summary.transactions_sent <= 3, "batch 0 is not sent again: {summary:?}");
    assert_exact(&restarted, &[0]).await;
    // And once more: everything is on chain, nothing is sent.
    let again = spawn_record(&restarted, path, scope, 0, SendMode::Pipelined).await.unwrap().unwrap();
    assert_eq!(again.transactions_sent, 0);
    assert_exact(&restarted, &[0]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_transaction_is_replaced() {
    let chain = common::start(AnvilOptions::default()).await;
    let (url, dir) = (chain.anvil.url(), chain.dir.path().to_owned());
    let c = coordinator(&chain.coordinator, &url, &dir).await;
    let (path, scope) = journal_path(&c, &dir);
    rpc(c.provider(), "evm_setAutomine", serde_json::json!([false])).await;

    let task = spawn_record(&c, path.clone(), scope, 0, SendMode::Pipelined);
    // Batch 0 opens the epoch alone; the other three follow together once it is mined.
    wait_sent(&path, 0, 0).await;
    rpc(c.provider(), "evm_mine", serde_json::json!([])).await;
    let lost = wait_sent(&path, 0, 1).await;
    wait_sent(&path, 0, 3).await;
    // The node forgets batch 1: batches 2 and 3 now wait behind a nonce gap that only a re-send fills.
    rpc(c.provider(), "anvil_dropTransaction", serde_json::json!([lost])).await;
    rpc(c.provider(), "evm_setAutomine", serde_json::json!([true])).await;
    rpc(c.provider(), "evm_mine", serde_json::json!([])).await;
    assert!(!c.contract().isBatchRecorded(SESSION, 0, 2).call().await.unwrap(), "stuck behind the gap");

    let summary = task.await.unwrap().unwrap();
    assert!(
        summary.rounds >= 3,
        "opening, pipelined rest, then a round re-sending the lost batch: {summary:?}"
    );
    assert_exact(&c, &[0]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_restarted_from_its_dumped_state_mid_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let chain = common::start(AnvilOptions { dump_state: Some(state.clone()), ..Default::default() }).await;
    let common::Chain { anvil, coordinator: admin, dir: chain_dir, .. } = chain;
    let (url, port) = (anvil.url(), anvil.port());
    let c = coordinator(&admin, &url, chain_dir.path()).await;
    let (path, scope) = journal_path(&c, chain_dir.path());
    spawn_record(&c, path.clone(), scope, 0, SendMode::Pipelined).await.unwrap().unwrap();

    rpc(c.provider(), "evm_setAutomine", serde_json::json!([false])).await;
    let task = spawn_record(&c, path.clone(), scope, 1, SendMode::Sequential);
    wait_sent(&path, 1, 0).await;
    rpc(c.provider(), "evm_mine", serde_json::json!([])).await;
    wait_sent(&path, 1, 1).await;
    // Stop the node (it dumps its state) with batch 1 of epoch 1 unmined, and bring it back.
    anvil.stop().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let anvil =
        Anvil::spawn(&AnvilOptions { port: Some(port), load_state: Some(state), ..Default::default() })
            .unwrap();

    // The same coordinator, never restarted, rides out the outage and finishes the epoch.
    let summary = task.await.unwrap().unwrap();
    assert!(summary.rounds >= 2, "{summary:?}");
    assert_exact(&c, &[0, 1]).await;
    drop(anvil);
}
