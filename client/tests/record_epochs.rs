//! One epoch reported in several runs, files and processes, through the library, each test on its
//! own anvil: a second file is recorded under fresh batches, a lost journal finds its batches by
//! digest and sends nothing, a key taken by other entries is renumbered, and a crash between send
//! and receipt converges in every case. After each, the chain holds exactly the distinct entries.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;
mod record_support;

use gradpay::{Error, NetworkProfile, access::SessionRight, journal::Journal, record::SendMode};
use record_support::{
    BATCH, NODES, ROUNDS, assert_holds, automine, coordinator, crash, journal_path, mine, nonce, record, rpc,
    run, scope as scope_of, scope, session, spawn, start, wait_sent,
};

const SESSION: u64 = 3;
const EPOCH: u32 = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_file_for_a_reported_epoch_is_recorded_under_fresh_batches() {
    let (chain, c, path) = start(Default::default(), SESSION).await;
    let scope = scope(&c, SESSION);
    let (a, b) = (record(EPOCH, 0..6), record(EPOCH, 6..NODES));

    let first = run(&c, &path, scope, &a, SendMode::Pipelined).await.unwrap();
    let second = run(&c, &path, scope, &b, SendMode::Pipelined).await.unwrap();
    assert_eq!((second.batches, second.recorded, second.already_recorded), (2, 2, 0), "{second:?}");
    assert_eq!(first.recorded, 2);
    let journal = Journal::open(&path, scope).unwrap();
    let numbers: Vec<Vec<u32>> = journal.plans(EPOCH).iter().map(|p| p.batches.clone()).collect();
    assert_eq!(numbers, vec![vec![0, 1], vec![2, 3]], "the second file's batches are fresh keys");
    drop(journal);
    assert_holds(&c, SESSION, &[(ROUNDS, [a.entries.clone(), b.entries.clone()].concat())]).await;

    // Both again: the chain holds both, nothing is sent.
    for file in [&a, &b] {
        let again = run(&c, &path, scope, file, SendMode::Pipelined).await.unwrap();
        assert_eq!((again.already_recorded, again.recorded, again.transactions_sent), (2, 0, 0), "{again:?}");
    }
    // A file naming a node the epoch already has is refused in one line, and nothing is sent.
    let before = nonce(&c, c.sender()).await;
    let overlap = record(EPOCH, [5, 11]);
    let err = run(&c, &path, scope, &overlap, SendMode::Pipelined).await.unwrap_err();
    assert!(matches!(err, Error::NodeAlreadyRecorded { node_index: 5, epoch: EPOCH, .. }), "{err}");
    let text = err.to_string();
    assert!(!text.contains('\n') && text.contains("node 5") && text.contains("epoch 2"), "{text}");
    assert!(text.contains("remove that node's line"), "says what to do: {text}");
    assert_eq!(nonce(&c, c.sender()).await, before, "nothing sent");
    assert_holds(&c, SESSION, &[(ROUNDS, [a.entries.clone(), b.entries].concat())]).await;
    // A session that was never created, or no longer takes records, is refused before anything else.
    let nowhere = journal_path(&chain, "nowhere.jsonl");
    let err = run(&c, &nowhere, scope_of(&c, 9), &a, SendMode::Pipelined).await.unwrap_err();
    assert!(matches!(err, Error::UnknownSession { session_id: 9 }), "{err}");
    c.complete_session(SESSION).await.unwrap();
    let err = run(&c, &path, scope, &record(EPOCH + 1, 0..2), SendMode::Pipelined).await.unwrap_err();
    assert!(err.to_string().contains("session 3 is Completed"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_send_and_receipt_of_the_second_file_resumes() {
    let (chain, c, path) = start(Default::default(), SESSION).await;
    let scope = scope(&c, SESSION);
    let (a, b) = (record(EPOCH, 0..6), record(EPOCH, 6..NODES));
    run(&c, &path, scope, &a, SendMode::Pipelined).await.unwrap();

    automine(&c, false).await;
    let task = spawn(&c, &path, scope, &b, SendMode::Sequential);
    let (batch, _) = wait_sent(&path, EPOCH, 3).await; // a's two, then b's first
    assert_eq!(batch, 2, "b's first batch goes under a fresh key");
    crash(task).await;
    automine(&c, true).await;
    mine(&c).await;

    let restarted = coordinator(&chain, 0).await;
    let summary = run(&restarted, &path, scope, &b, SendMode::Pipelined).await.unwrap();
    assert_eq!(
        (summary.already_recorded, summary.recorded),
        (1, 1),
        "the crashed run's batch counts: {summary:?}"
    );
    assert_holds(&c, SESSION, &[(ROUNDS, [a.entries, b.entries].concat())]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_journal_sends_nothing_and_doubles_nothing() {
    let (chain, c, path) = start(Default::default(), SESSION).await;
    let scope = scope(&c, SESSION);
    let full = record(EPOCH, 0..NODES);
    run(&c, &path, scope, &full, SendMode::Pipelined).await.unwrap();

    std::fs::remove_file(&path).unwrap();
    let before = nonce(&c, c.sender()).await;
    let again = run(&c, &path, scope, &full, SendMode::Pipelined).await.unwrap();
    assert_eq!((again.already_recorded, again.transactions_sent), (4, 0), "found by digest: {again:?}");
    assert_eq!(nonce(&c, c.sender()).await, before);

    // Without the journal and with another batch size the same entries split differently: the
    // chain refuses to count a node twice, and so does the client, in one line, before sending.
    std::fs::remove_file(&path).unwrap();
    let profile = NetworkProfile { batch_size: BATCH + 1, ..c.profile().clone() };
    let other =
        gradpay::Coordinator::connect(profile, c.address(), gradpay::demo::anvil::dev_signer(0).unwrap())
            .await
            .unwrap();
    let err = run(&other, &path, scope, &full, SendMode::Pipelined).await.unwrap_err();
    assert!(matches!(err, Error::NodeAlreadyRecorded { node_index: 0, .. }), "{err}");
    assert_eq!(nonce(&c, c.sender()).await, before, "nothing sent");
    assert_holds(&c, SESSION, &[(ROUNDS, full.entries.clone())]).await;

    // A crash between send and receipt, then the journal lost: batch 0 is mined, batch 1 is in
    // the pool when the coordinator dies. The re-run finds batch 0 by its digest and sends the rest.
    let next = record(EPOCH + 1, 0..NODES);
    std::fs::remove_file(&path).unwrap();
    automine(&c, false).await;
    let task = spawn(&c, &path, scope, &next, SendMode::Sequential);
    wait_sent(&path, EPOCH + 1, 1).await;
    mine(&c).await;
    wait_sent(&path, EPOCH + 1, 2).await;
    crash(task).await;
    std::fs::remove_file(&path).unwrap();
    automine(&c, true).await;
    let resumed = run(&coordinator(&chain, 0).await, &path, scope, &next, SendMode::Pipelined).await.unwrap();
    assert!(resumed.already_recorded >= 1, "batch 0 is not sent again: {resumed:?}");
    assert_eq!(resumed.already_recorded + resumed.recorded, 4, "{resumed:?}");
    assert_holds(&c, SESSION, &[(ROUNDS, full.entries), (ROUNDS, next.entries)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_taken_by_other_entries_is_renumbered() {
    let chain = common::start(Default::default()).await;
    let first = session(&chain, SESSION, 0).await;
    let second = coordinator(&chain, 1).await;
    // The second process sends with another key: one of the session's delegates.
    first.set_session_right(SESSION, SessionRight::Delegate, second.sender(), true).await.unwrap();
    let scope = scope(&first, SESSION);
    let (path_a, path_b) = (journal_path(&chain, "a.jsonl"), journal_path(&chain, "b.jsonl"));
    let (a, b) = (record(EPOCH, 0..6), record(EPOCH, 6..NODES));

    // Process 1 plans b as batches 0 and 1, sends batch 0 and dies; its transaction never lands.
    automine(&first, false).await;
    let task = spawn(&first, &path_b, scope, &b, SendMode::Sequential);
    let (batch, lost) = wait_sent(&path_b, EPOCH, 1).await;
    assert_eq!(batch, 0);
    crash(task).await;
    rpc(first.provider(), "anvil_dropTransaction", serde_json::json!([lost])).await;
    automine(&first, true).await;
    // Meanwhile process 2 (another key, its own journal) records a: keys 0 and 1 are a's now.
    let other = run(&second, &path_a, scope, &a, SendMode::Pipelined).await.unwrap();
    assert_eq!(other.recorded, 2);

    // Process 1 resumes: its keys hold other entries, so b goes under fresh ones, not "done".
    let resumed = run(&first, &path_b, scope, &b, SendMode::Pipelined).await.unwrap();
    assert_eq!((resumed.renumbered, resumed.recorded, resumed.already_recorded), (2, 2, 0), "{resumed:?}");
    let journal = std::fs::read_to_string(&path_b).unwrap();
    assert_eq!(journal.matches("\"kind\":\"renumbered\"").count(), 2, "{journal}");
    assert_holds(&first, SESSION, &[(ROUNDS, [a.entries, b.entries.clone()].concat())]).await;
    let again = run(&first, &path_b, scope, &b, SendMode::Pipelined).await.unwrap();
    assert_eq!((again.already_recorded, again.transactions_sent), (2, 0), "{again:?}");
}
