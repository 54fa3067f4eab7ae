//! Fault injection: a coordinator killed between batches, a dropped transaction, and the chain's
//! node stopped mid-epoch and restarted from its dumped state. Every time, re-running (or just
//! carrying on) converges to exactly the on-chain totals of one clean run: nothing lost, nothing doubled.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;
mod record_support;

use std::{path::Path, time::Duration};

use gradpay::{
    Coordinator,
    demo::anvil::{Anvil, AnvilOptions, dev_signer},
    record::{EpochRecord, RecordSummary, SendMode},
};
use record_support::{
    NODES, ROUNDS, assert_holds, automine, crash, mine, record, rpc, scope, start, wait_sent,
};

const SESSION: u64 = 5;

fn epoch(epoch: u32) -> EpochRecord {
    record(epoch, 0..NODES)
}

/// The chain holds exactly one clean recording of each of `epochs`, every batch key set.
async fn assert_exact(c: &Coordinator, epochs: &[u32]) {
    let recorded: Vec<_> = epochs.iter().map(|&e| (ROUNDS, epoch(e).entries)).collect();
    assert_holds(c, SESSION, &recorded).await;
    for &e in epochs {
        for batch in 0..4 {
            assert!(c.contract().isBatchRecorded(SESSION, e, batch).call().await.unwrap());
        }
    }
}

fn spawn_record(
    c: &Coordinator,
    path: &Path,
    e: u32,
    mode: SendMode,
) -> tokio::task::JoinHandle<gradpay::Result<RecordSummary>> {
    record_support::spawn(c, path, scope(c, SESSION), &epoch(e), mode)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_killed_between_batches_resumes_from_the_journal() {
    let (_chain, c, path) = start(AnvilOptions::default(), SESSION).await;
    automine(&c, false).await;

    // One batch at a time: batch 0 is mined, batch 1 is in the pool when the coordinator dies.
    let task = spawn_record(&c, &path, 0, SendMode::Sequential);
    wait_sent(&path, 0, 1).await;
    mine(&c).await;
    wait_sent(&path, 0, 2).await;
    crash(task).await;
    assert!(c.contract().isBatchRecorded(SESSION, 0, 0).call().await.unwrap());
    assert!(!c.contract().isBatchRecorded(SESSION, 0, 2).call().await.unwrap());

    automine(&c, true).await;
    let restarted =
        Coordinator::connect(c.profile().clone(), c.address(), dev_signer(0).unwrap()).await.unwrap();
    let summary = spawn_record(&restarted, &path, 0, SendMode::Pipelined).await.unwrap().unwrap();
    assert!(summary.transactions_sent <= 3, "batch 0 is not sent again: {summary:?}");
    assert_exact(&restarted, &[0]).await;
    // And once more: everything is on chain, nothing is sent.
    let again = spawn_record(&restarted, &path, 0, SendMode::Pipelined).await.unwrap().unwrap();
    assert_eq!((again.transactions_sent, again.already_recorded), (0, 4));
    assert_exact(&restarted, &[0]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_transaction_is_replaced() {
    let (_chain, c, path) = start(AnvilOptions::default(), SESSION).await;
    automine(&c, false).await;

    let task = spawn_record(&c, &path, 0, SendMode::Pipelined);
    // Batch 0 opens the epoch alone; the other three follow together once it is mined.
    wait_sent(&path, 0, 1).await;
    mine(&c).await;
    let (_, lost) = wait_sent(&path, 0, 2).await;
    wait_sent(&path, 0, 4).await;
    // The node forgets batch 1: batches 2 and 3 now wait behind a nonce gap that only a re-send fills.
    rpc(c.provider(), "anvil_dropTransaction", serde_json::json!([lost])).await;
    automine(&c, true).await;
    mine(&c).await;
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
    let (chain, c, path) =
        start(AnvilOptions { dump_state: Some(state.clone()), ..Default::default() }, SESSION).await;
    let common::Chain { anvil, dir: _dir, .. } = chain;
    spawn_record(&c, &path, 0, SendMode::Pipelined).await.unwrap().unwrap();

    automine(&c, false).await;
    let task = spawn_record(&c, &path, 1, SendMode::Sequential);
    wait_sent(&path, 1, 1).await;
    mine(&c).await;
    wait_sent(&path, 1, 2).await;
    // Stop the node (it dumps its state) with batch 1 of epoch 1 unmined, and bring it back.
    let port = anvil.port();
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
