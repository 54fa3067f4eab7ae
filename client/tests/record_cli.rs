//! `gradpay record` as separate processes, each test on its own anvil: two processes recording one
//! epoch at once (one of them killed between send and receipt), a lost journal, and a journal of
//! another session. After each, the chain holds exactly the distinct entries of the files.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;
mod record_support;

use std::{path::Path, process::Stdio};

use gradpay::{
    demo::anvil::AnvilOptions,
    journal::{Journal, JournalScope},
    record::SendMode,
};
use record_support::{
    NODES, ROUNDS, assert_holds, cli_dir, gradpay, metrics_file, nonce, record, rpc, run, scope, session,
    succeed, wait_line, wait_sent,
};

const SESSION: u64 = 3;
const EPOCH: u32 = 2;

/// An anvil that mines a block a second, so that two processes' transactions meet in the pool.
fn slow_chain() -> AnvilOptions {
    AnvilOptions { block_time: Some(1.0), ..Default::default() }
}

/// Mines a block every `seconds` (0: only when asked).
async fn interval_mining(c: &gradpay::Coordinator, seconds: u64) {
    rpc(c.provider(), "evm_setIntervalMining", serde_json::json!([seconds])).await;
}

fn record_args<'a>(metrics: &'a Path, journal: Option<&'a Path>) -> Vec<&'a str> {
    let mut args = vec!["record", "--session", "3", "--metrics", metrics.to_str().unwrap()];
    if let Some(journal) = journal {
        args.extend(["--journal", journal.to_str().unwrap()]);
    }
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_record_one_epoch_at_once() {
    let chain = common::start(slow_chain()).await;
    let c = session(&chain, SESSION, 0).await;
    let dir = cli_dir(&chain, &c);
    let (a, b) = (record(EPOCH, 0..6), record(EPOCH, 6..NODES));
    let (file_a, file_b) = (metrics_file(&dir, "a.jsonl", &[&a]), metrics_file(&dir, "b.jsonl", &[&b]));

    // Same key, same default journal, started together: both plan batches 0 and 1 of epoch 2.
    let spawn = |file: &Path| {
        gradpay(&dir, &record_args(file, None)).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
    };
    let (first, second) = (spawn(&file_a), spawn(&file_b));
    for child in [first, second] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_holds(&c, SESSION, &[(ROUNDS, [a.entries.clone(), b.entries.clone()].concat())]).await;
    let again = succeed(&mut gradpay(&dir, &record_args(&file_a, None)));
    assert!(again.contains("epoch 2: 2 batch(es) already recorded, 0 sent"), "{again}");

    // Epoch 3, each with its own journal, mining held until both planned and the first sent its
    // first batch: both planned key 0. The second sees the first's batch pending and waits; once
    // it is mined, key 0 holds other entries, and the second's batch goes under a fresh key.
    let (e3, f3) = (record(EPOCH + 1, 0..6), record(EPOCH + 1, 6..NODES));
    let (file_e, file_f) = (metrics_file(&dir, "e.jsonl", &[&e3]), metrics_file(&dir, "f.jsonl", &[&f3]));
    let (journal_e, journal_f) = (dir.join("e-journal.jsonl"), dir.join("f-journal.jsonl"));
    interval_mining(&c, 0).await;
    let json = |file: &Path, journal: &Path| {
        let mut args = vec!["--json"];
        args.extend(record_args(file, Some(journal)));
        gradpay(&dir, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
    };
    let first = json(&file_e, &journal_e);
    assert_eq!(wait_sent(&journal_e, EPOCH + 1, 1).await.0, 0);
    let second = json(&file_f, &journal_f);
    let plan = wait_line(&journal_f, "\"kind\":\"plan\"", 1).await;
    assert!(plan.contains("\"batches\":[0,1]"), "{plan}");
    interval_mining(&c, 1).await;
    let mut renumbered = 0;
    for child in [first, second] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(summary[0]["recorded"], 2, "{summary}");
        renumbered += summary[0]["renumbered"].as_u64().unwrap();
    }
    assert!(renumbered >= 1, "the refused batch went under a fresh key");

    // Epoch 4, each process with its own journal; the first is killed once it has sent a batch.
    let (c3, d3) = (record(EPOCH + 2, 0..6), record(EPOCH + 2, 6..NODES));
    let (file_c, file_d) = (metrics_file(&dir, "c.jsonl", &[&c3]), metrics_file(&dir, "d.jsonl", &[&d3]));
    let (journal_c, journal_d) = (dir.join("c-journal.jsonl"), dir.join("d-journal.jsonl"));
    let mut killed =
        gradpay(&dir, &record_args(&file_c, Some(&journal_c))).stderr(Stdio::null()).spawn().unwrap();
    let survivor =
        gradpay(&dir, &record_args(&file_d, Some(&journal_d))).stderr(Stdio::piped()).spawn().unwrap();
    wait_sent(&journal_c, EPOCH + 2, 1).await;
    killed.kill().unwrap();
    killed.wait().unwrap();
    let out = survivor.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let resumed = succeed(&mut gradpay(&dir, &record_args(&file_c, Some(&journal_c))));
    assert!(resumed.contains("epoch 4: "), "{resumed}");
    assert_holds(
        &c,
        SESSION,
        &[
            (ROUNDS, [a.entries, b.entries].concat()),
            (ROUNDS, [e3.entries, f3.entries].concat()),
            (ROUNDS, [c3.entries, d3.entries].concat()),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_journal_is_found_again_on_chain() {
    let chain = common::start(slow_chain()).await;
    let c = session(&chain, SESSION, 0).await;
    let dir = cli_dir(&chain, &c);
    let full = record(EPOCH, 0..NODES);
    let file = metrics_file(&dir, "m.jsonl", &[&full]);
    succeed(&mut gradpay(&dir, &record_args(&file, None)));

    std::fs::remove_dir_all(dir.join("journal")).unwrap();
    let before = nonce(&c, c.sender()).await;
    let mut json_args = vec!["--json"];
    json_args.extend(record_args(&file, None));
    let out: serde_json::Value = serde_json::from_str(&succeed(&mut gradpay(&dir, &json_args))).unwrap();
    let summary = &out[0];
    assert_eq!(summary["epoch"], 2);
    assert_eq!(
        (summary["alreadyRecorded"].as_u64(), summary["recorded"].as_u64()),
        (Some(4), Some(0)),
        "{out}"
    );
    assert_eq!(summary["transactionsSent"], 0);
    assert_eq!(summary["gasUsed"], "0", "gas is a decimal string");
    assert_eq!(nonce(&c, c.sender()).await, before, "nothing sent");

    // Killed right after sending epoch 3's first batch, then the journal lost as well.
    let next = record(EPOCH + 1, 0..NODES);
    let file = metrics_file(&dir, "n.jsonl", &[&next]);
    let journal = dir.join("n-journal.jsonl");
    let mut killed =
        gradpay(&dir, &record_args(&file, Some(&journal))).stderr(Stdio::null()).spawn().unwrap();
    wait_sent(&journal, EPOCH + 1, 1).await;
    killed.kill().unwrap();
    killed.wait().unwrap();
    std::fs::remove_file(&journal).unwrap();
    let resumed = succeed(&mut gradpay(&dir, &record_args(&file, Some(&journal))));
    assert!(resumed.contains("epoch 3: "), "{resumed}");
    assert_holds(&c, SESSION, &[(ROUNDS, full.entries), (ROUNDS, next.entries)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_of_another_session_is_refused_and_nothing_is_sent() {
    let chain = common::start(Default::default()).await;
    let c = session(&chain, SESSION, 0).await;
    let dir = cli_dir(&chain, &c);
    // Session 4's journal, written by a run of its own.
    common::register(&chain.coordinator, 4, &common::nodes(2)).await;
    let other = dir.join("session-4.jsonl");
    run(&c, &other, scope(&c, 4), &record(0, 0..2), SendMode::Pipelined).await.unwrap();

    let full = record(EPOCH, 0..NODES);
    let file = metrics_file(&dir, "m.jsonl", &[&full]);
    let before = nonce(&c, c.sender()).await;
    let out = gradpay(&dir, &record_args(&file, Some(&other))).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("session 4") && stderr.contains("session 3"), "names both sessions: {stderr}");
    assert!(stderr.contains("session-4.jsonl"), "names the file: {stderr}");
    assert_eq!(nonce(&c, c.sender()).await, before, "nothing sent");
    assert_holds(&c, SESSION, &[]).await;
    let still = Journal::open(&other, JournalScope { session_id: 4, ..scope(&c, 4) }).unwrap();
    assert_eq!(still.plans(0).len(), 1, "the other session's journal is left as it was");

    // With its own journal the same command records the file.
    let done = succeed(&mut gradpay(&dir, &record_args(&file, None)));
    assert!(done.contains("epoch 2: 0 batch(es) already recorded, 4 sent"), "{done}");
    assert_holds(&c, SESSION, &[(ROUNDS, full.entries)]).await;
}
