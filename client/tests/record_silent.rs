//! An epoch in which no node took part (docs/reward-math.md §1, §6.2), recorded through the library
//! and through `gradpay record`: its rounds count towards T exactly once, and the session pays
//! what the page says — checked against the page's formulas computed here and its §6.2 table.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;
mod record_support;

use alloy::primitives::U256;
use gradpay::{
    Coordinator, EpochEntry, PoolDefaults, Strategy,
    claims::PoolSpec,
    journal::Journal,
    record::{EpochRecord, SendMode},
};
use record_support::{cli_dir, gradpay, metrics_file, nonce, run, scope, succeed};

const ROUNDS: u32 = 10;
const ONE_ETH: u128 = 1_000_000_000_000_000_000;
/// §6.2, proportional: what each node is owed from a 1 ETH pool.
const PROPORTIONAL: [u128; 3] = [342089157629317731, 153002521481554016, 504908320889128252];
/// §6.2: the three scores.
const SCORES: [u64; 3] = [55_896_000_000, 25_000_000_000, 82_500_000_000];

/// §6's epoch 0.
fn epoch_zero() -> EpochRecord {
    EpochRecord { epoch: 0, epoch_rounds: ROUNDS, entries: common::worked_example_entries() }
}

/// §2 for a node with one epoch `e` in a session of `t` rounds: (P, R, score).
fn page_score(e: &EpochEntry, t: u32) -> (u64, u64, u64) {
    let (a, j, k, p) =
        (u64::from(e.accepted), u64::from(e.rejected), u64::from(e.rounds_ok), u64::from(e.rounds_joined));
    let acceptance = (10_000 * a).checked_div(a + j).unwrap_or(0);
    let success = (10_000 * k).checked_div(p).unwrap_or(0);
    let quality = (5000 * acceptance + 3000 * u64::from(e.consistency_bps) + 2000 * success) / 10_000;
    let participation = if t > 0 { (10_000 * p / u64::from(t)).min(10_000) } else { 0 };
    let reliability =
        (5000 * participation + 3000 * u64::from(e.network_bps) + 2000 * u64::from(e.uptime_bps)) / 10_000;
    (participation, reliability, u64::from(e.compute_seconds) * (5000 + quality) * (20_000 + reliability))
}

/// The session holds §6.2: T = 20 over two epochs, every node's P, R and score as the page computes
/// them; finalized, a 1 ETH proportional pool owes each node floor(F · score / Σ score).
async fn assert_pays_the_page(c: &Coordinator, session: u64) {
    let totals = c.contract().getSessionTotal(session).call().await.unwrap();
    assert_eq!((totals.totalRounds, u32::from(totals.epochCount), totals.nodeEpochs), (2 * ROUNDS, 2, 3));
    let nodes = common::nodes(3);
    let entries = epoch_zero().entries;
    for (i, node) in nodes.iter().enumerate() {
        let got = c.contract().getScore(session, node.address()).call().await.unwrap();
        let (participation, reliability, score) = page_score(&entries[i], 2 * ROUNDS);
        assert_eq!(participation, 5000, "P halves: the silent epoch's rounds count");
        assert_eq!(score, SCORES[i], "the page's formulas give §6.2's table");
        assert_eq!(
            (u64::from(got.participation), u64::from(got.reliability)),
            (participation, reliability),
            "node {i}"
        );
        assert_eq!(got.score, U256::from(score), "node {i}");
    }
    c.complete_session(session).await.unwrap();
    c.finalize(session, &|_, _| {}).await.unwrap();
    let spec = PoolSpec::new(None, U256::from(ONE_ETH), Strategy::Proportional, &PoolDefaults::default());
    let pool = c.create_pool(session, spec).await.unwrap();
    let sum: u64 = SCORES.iter().sum();
    for (i, node) in nodes.iter().enumerate() {
        let owed = c.contract().pendingReward(pool, node.address()).call().await.unwrap();
        let page = U256::from(ONE_ETH) * U256::from(SCORES[i]) / U256::from(sum);
        assert_eq!(owed, page, "node {i}: floor(F · score / Σ score)");
        assert_eq!(owed, U256::from(PROPORTIONAL[i]), "node {i}: §6.2's table");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_epoch_recorded_through_the_library_pays_the_page() {
    let chain = common::start(Default::default()).await;
    let c = &chain.coordinator;
    common::register(c, 1, &common::nodes(3)).await;
    let (path, scope) = (record_support::journal_path(&chain, "j.jsonl"), scope(c, 1));
    run(c, &path, scope, &epoch_zero(), SendMode::Pipelined).await.unwrap();
    let silent = EpochRecord::silent(1, ROUNDS);
    let summary = run(c, &path, scope, &silent, SendMode::Pipelined).await.unwrap();
    assert_eq!(
        (summary.entries, summary.batches, summary.recorded),
        (0, 1, 1),
        "one empty batch: {summary:?}"
    );
    assert!(c.contract().isBatchRecorded(1, 1, 0).call().await.unwrap());

    // Exactly once: again, and again without the journal, nothing is sent and T stays 20.
    let before = nonce(c, c.sender()).await;
    let again = run(c, &path, scope, &silent, SendMode::Pipelined).await.unwrap();
    std::fs::remove_file(&path).unwrap();
    let lost = run(c, &path, scope, &silent, SendMode::Pipelined).await.unwrap();
    assert_eq!(
        (again.already_recorded, lost.already_recorded, lost.transactions_sent),
        (1, 1, 0),
        "{lost:?}"
    );
    assert_eq!(nonce(c, c.sender()).await, before);
    assert_eq!(Journal::open(&path, scope).unwrap().plans(1)[0].batches, vec![0], "found by its digest");
    assert_pays_the_page(c, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_epoch_recorded_by_gradpay_record_pays_the_page() {
    let chain = common::start(Default::default()).await;
    let c = &chain.coordinator;
    common::register(c, 3, &common::nodes(3)).await;
    let dir = cli_dir(&chain, c);
    let file = metrics_file(&dir, "m.jsonl", &[&epoch_zero(), &EpochRecord::silent(1, ROUNDS)]);
    let args = ["record", "--session", "3", "--metrics", file.to_str().unwrap()];
    let out = succeed(&mut gradpay(&dir, &args));
    assert!(out.contains("epoch 1: 0 batch(es) already recorded, 1 sent; 0 entries in 1 batch(es)"), "{out}");
    let again = succeed(&mut gradpay(&dir, &args));
    assert!(again.contains("epoch 1: 1 batch(es) already recorded, 0 sent"), "{again}");
    assert_pays_the_page(c, 3).await;
}
