//! Recording through the Monad-like test chain (`gradpay::demo::monad_rpc` in front of a 0.5 s-block
//! anvil): the pipeliner keeps every key's fees in flight within its budget without stalling below
//! it, spreads an epoch over several keys, re-sends a dropped transaction as the same bytes, and
//! survives late receipts and an RPC that accepts and never mines; every entry is recorded exactly
//! once. Bad senders and budgets fail with nothing sent.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;
mod record_support;

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    time::Duration,
};

use alloy::{primitives::U256, providers::Provider, signers::local::PrivateKeySigner};
use gradpay::{
    Coordinator, Error, NetworkProfile,
    access::SessionRight,
    demo::{
        anvil::{AnvilOptions, dev_signer, set_balance, simulated_node_signer},
        monad_rpc::{DropSends, MonadRpc, MonadRpcOptions, OverBudget},
    },
    journal::Journal,
    record::{EpochRecord, RecordSummary, SendMode},
};
use record_support::{BATCH, ROUNDS, entry};

const SESSION: u64 = 5;
/// Nodes of the session: 8 batches of [`BATCH`].
const NODES: u32 = 24;
/// Gas the budget is sized in: above two batches' limits, below three.
const BUDGET_GAS: u128 = 200_000;

/// Sender key `k` besides the owner's (funded; keys 1 to 3 are the session's delegates, 4 is not).
fn key(k: u32) -> PrivateKeySigner {
    simulated_node_signer(10_000 + k).unwrap()
}

/// A 0.5 s-block anvil with a session of [`NODES`] nodes whose owner is dev key 0 and whose
/// delegates are [`key`]s 1 to 3.
async fn chain() -> common::Chain {
    let chain = common::start(AnvilOptions { block_time: Some(0.5), ..AnvilOptions::default() }).await;
    common::register(&chain.coordinator, SESSION, &common::nodes(NODES)).await;
    for k in 1..=4 {
        let account = key(k).address();
        set_balance(chain.coordinator.provider(), account, U256::from(10u128.pow(20))).await.unwrap();
        if k < 4 {
            chain
                .coordinator
                .set_session_right(SESSION, SessionRight::Delegate, account, true)
                .await
                .unwrap();
        }
    }
    chain
}

/// The proxy in front of `chain` with `options` applied.
async fn proxy(chain: &common::Chain, options: impl FnOnce(MonadRpcOptions) -> MonadRpcOptions) -> MonadRpc {
    MonadRpc::start(options(MonadRpcOptions::new(chain.anvil.url()))).await.unwrap()
}

/// A fee budget holding [`BUDGET_GAS`] at the fee cap the client quotes now (base fees only fall
/// on these near-empty blocks, so later quotes fit at least as much).
async fn budget(chain: &common::Chain) -> u128 {
    BUDGET_GAS * chain.coordinator.fees(100).await.unwrap().max_fee_per_gas
}

/// The coordinator recording through `proxy` as dev key 0, with [`key`]s `extra` besides.
async fn recorder(
    chain: &common::Chain,
    proxy: &MonadRpc,
    profile: NetworkProfile,
    extra: &[u32],
) -> Coordinator {
    let profile = NetworkProfile { rpc_url: proxy.url.clone(), batch_size: BATCH, ..profile };
    let signers: Vec<PrivateKeySigner> = extra.iter().map(|&k| key(k)).collect();
    Coordinator::connect(profile, chain.coordinator.address(), dev_signer(0).unwrap())
        .await
        .unwrap()
        .with_deployment_block(chain.coordinator.deployment_block())
        .with_extra_senders(signers)
        .unwrap()
}

/// The Monad rules of the profile: `budget` per key, k = 3.
fn monad_like(chain: &common::Chain, budget: Option<u128>) -> NetworkProfile {
    NetworkProfile {
        fee_budget_wei: budget,
        reserve_blocks: 3,
        receipt_timeout_secs: 20,
        ..chain.profile.clone()
    }
}

fn epoch() -> EpochRecord {
    EpochRecord { epoch: 0, epoch_rounds: ROUNDS, entries: (0..NODES).map(|n| entry(0, n)).collect() }
}

async fn record(c: &Coordinator, journal: &Path) -> gradpay::Result<RecordSummary> {
    let mut journal = Journal::open(journal, c.journal_scope(SESSION))?;
    c.record_epoch(&mut journal, &epoch(), SendMode::Pipelined, &|_, _| {}).await
}

/// The chain holds every entry of [`epoch`] once: each node one epoch with its own compute
/// seconds, the session's totals their sums.
async fn assert_recorded_once(c: &Coordinator) {
    let contract = c.contract();
    for node in 0..NODES {
        let r = contract.getContributionByIndex(SESSION, node).call().await.unwrap();
        assert_eq!(
            (r.epochs, r.computeSeconds),
            (1, u64::from(entry(0, node).compute_seconds)),
            "node {node}"
        );
    }
    let totals = contract.getSessionTotal(SESSION).call().await.unwrap();
    let compute: u64 = (0..NODES).map(|n| u64::from(entry(0, n).compute_seconds)).sum();
    assert_eq!((totals.nodeEpochs, totals.computeSeconds), (u64::from(NODES), compute));
}

/// The `sent` lines of the journal at `path`: (batch, transaction) each.
fn journaled_sends(path: &Path) -> Vec<(u64, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["kind"] == "sent")
        .map(|v| (v["batch"].as_u64().unwrap(), v["tx"].as_str().unwrap().to_owned()))
        .collect()
}

/// What [`record_within_budget`] leaves to look at.
struct Budgeted {
    _chain: common::Chain,
    proxy: MonadRpc,
    c: Coordinator,
    budget: u128,
    summary: RecordSummary,
    journal: PathBuf,
}

/// Records [`epoch`] as dev key 0 and [`key`]s `extra`, each within a budget of [`BUDGET_GAS`],
/// through a proxy that refuses anything over it: a send over the budget would show as an error
/// and a refusal.
async fn record_within_budget(extra: &[u32]) -> Budgeted {
    let chain = chain().await;
    let budget = budget(&chain).await;
    let options = |o| MonadRpcOptions { fee_budget_wei: Some(budget), over_budget: OverBudget::Refuse, ..o };
    let proxy = proxy(&chain, options).await;
    let c = recorder(&chain, &proxy, monad_like(&chain, Some(budget)), extra).await;
    let journal = chain.dir.path().join("budgeted.jsonl");
    let summary = record(&c, &journal).await.unwrap();
    Budgeted { _chain: chain, proxy, c, budget, summary, journal }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_key_keeps_its_fees_in_flight_within_the_budget_and_fills_it() {
    let Budgeted { _chain, c, proxy, budget, summary, .. } = record_within_budget(&[]).await;
    let stats = proxy.stats();
    assert_eq!((stats.refused, stats.held, stats.dropped), (0, 0, 0), "{stats:?}");
    let peak = stats.max_in_flight_wei[&c.sender()];
    assert!(peak <= budget, "the chain saw {peak} wei in flight, budget {budget}");
    assert_eq!(summary.keys[0].max_in_flight_wei, peak, "the client counts what the chain counts");
    // More than one batch's fees at once: the pipeliner does not stall below the budget.
    assert!(peak > budget / 2, "peak {peak} of budget {budget}: batches went one at a time");
    assert_eq!((summary.batches, summary.recorded, summary.transactions_sent), (8, 8, 8), "{summary:?}");
    assert_recorded_once(&c).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn four_keys_share_an_epoch_each_batch_sent_by_one() {
    let Budgeted { c, proxy, budget, summary, journal, _chain } = record_within_budget(&[1, 2, 3]).await;
    let stats = proxy.stats();
    assert_eq!((stats.refused, stats.held), (0, 0), "{stats:?}");
    assert_eq!(summary.keys.len(), 4);
    for key in &summary.keys {
        assert!(key.transactions > 0, "every key carries some of the epoch: {summary:?}");
        assert!(stats.max_in_flight_wei[&key.address] <= budget, "{} over its budget", key.address);
    }
    let sent: u32 = summary.keys.iter().map(|k| k.transactions).sum();
    assert_eq!((sent, summary.transactions_sent, summary.recorded), (8, 8, 8), "{summary:?}");
    let sends = journaled_sends(&journal);
    let batches: BTreeSet<u64> = sends.iter().map(|(batch, _)| *batch).collect();
    assert_eq!((sends.len(), batches.len()), (8, 8), "each batch sent once, by one key: {sends:?}");
    assert_recorded_once(&c).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_sends_are_re_sent_as_the_same_transaction() {
    let chain = chain().await;
    // The opening batch (ordinal 0) goes alone; ordinals 2 and 5 are among the pipelined rest.
    let dropped = DropSends::Ordinals([2, 5].into());
    let proxy = proxy(&chain, |o| MonadRpcOptions { drop_sends: dropped, ..o }).await;
    let c = recorder(&chain, &proxy, monad_like(&chain, None), &[]).await;
    let journal = chain.dir.path().join("drop.jsonl");
    let summary = record(&c, &journal).await.unwrap();
    let stats = proxy.stats();
    assert_eq!((stats.dropped, stats.accepted), (2, 8), "{stats:?}");
    assert!(stats.resent >= 2 && summary.resent >= 2, "{stats:?} {summary:?}");
    // No new transaction for a dropped one: the same hash was handed over again.
    // Rounds as a clean run: the opening batch, the rest, the check that finds them all.
    assert_eq!((summary.transactions_sent, summary.rounds), (8, 3), "{summary:?}");
    assert_eq!(journaled_sends(&journal).len(), 8);
    assert_recorded_once(&c).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn late_receipts_record_nothing_twice() {
    let chain = chain().await;
    let proxy = proxy(&chain, |o| MonadRpcOptions { receipt_delay: Duration::from_secs(4), ..o }).await;
    let profile = NetworkProfile { receipt_timeout_secs: 2, ..monad_like(&chain, None) };
    let c = recorder(&chain, &proxy, profile, &[]).await;
    let journal = chain.dir.path().join("late.jsonl");
    let summary = record(&c, &journal).await.unwrap();
    // Receipts missed their timeout, but the next round found the batches on chain: none re-sent.
    assert!(summary.rounds > 1, "{summary:?}");
    assert_eq!(
        (summary.transactions_sent, summary.recorded, summary.already_recorded),
        (8, 8, 0),
        "{summary:?}"
    );
    assert_recorded_once(&c).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_rpc_that_accepts_and_never_mines_fails_then_the_journal_resumes() {
    let chain = chain().await;
    let proxy = proxy(&chain, |o| MonadRpcOptions { drop_sends: DropSends::All, ..o }).await;
    let profile = NetworkProfile { receipt_timeout_secs: 1, ..monad_like(&chain, None) };
    let c = recorder(&chain, &proxy, profile, &[]).await;
    let journal = chain.dir.path().join("never.jsonl");
    let before = nonce_before(&chain).await;
    let err = record(&c, &journal).await.unwrap_err();
    assert!(matches!(err, Error::NeverMined { batches: 8, rounds: 3, .. }), "{err}");
    assert!(err.to_string().contains("use another RPC node"), "{err}");
    assert_eq!(nonce_before(&chain).await, before, "nothing mined");
    let totals = c.contract().getSessionTotal(SESSION).call().await.unwrap();
    assert_eq!(totals.nodeEpochs, 0, "nothing recorded");
    proxy.set_drop_sends(DropSends::None);
    let again = record(&c, &journal).await.unwrap();
    assert_eq!(again.recorded, 8, "{again:?}");
    assert_recorded_once(&c).await;
}

/// Dev key 0's mined nonce after the set-up (deploy, session, registration, three delegates).
async fn nonce_before(chain: &common::Chain) -> u64 {
    chain.coordinator.mined_nonce().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_senders_and_budgets_send_nothing() {
    let chain = chain().await;
    let proxy = proxy(&chain, |o| o).await;
    let before = nonce_before(&chain).await;
    // Key 4 is funded but neither owner nor delegate.
    let stranger = recorder(&chain, &proxy, monad_like(&chain, None), &[1, 4]).await;
    let err = record(&stranger, &chain.dir.path().join("stranger.jsonl")).await.unwrap_err();
    let outsider = key(4).address();
    assert!(
        matches!(err, Error::SenderNotOperator { session_id: SESSION, account } if account == outsider),
        "{err}"
    );
    assert!(
        err.to_string().contains(&format!("gradpay session delegate --session {SESSION} {outsider}")),
        "{err}"
    );
    let tiny = recorder(&chain, &proxy, monad_like(&chain, Some(1_000)), &[]).await;
    let err = record(&tiny, &chain.dir.path().join("tiny.jsonl")).await.unwrap_err();
    assert!(matches!(err, Error::FeeBudgetTooSmall { budget: 1_000, .. }), "{err}");
    let capped = NetworkProfile { max_fee_per_gas: Some(1), ..monad_like(&chain, None) };
    let capped = recorder(&chain, &proxy, capped, &[]).await;
    let err = record(&capped, &chain.dir.path().join("capped.jsonl")).await.unwrap_err();
    assert!(matches!(err, Error::FeeCapBelowBaseFee { cap: 1, .. }), "{err}");
    let twice =
        Coordinator::connect(chain.profile.clone(), chain.coordinator.address(), key(1)).await.unwrap();
    let err = twice.with_extra_senders(vec![key(2), key(1)]).unwrap_err();
    assert!(matches!(err, Error::DuplicateSender { account } if account == key(1).address()), "{err}");
    assert_eq!(nonce_before(&chain).await, before, "the owner's key sent nothing");
    for k in 1..=4 {
        let mined = chain.coordinator.provider().get_transaction_count(key(k).address()).await.unwrap();
        assert_eq!(mined, 0, "key {k} sent nothing");
    }
    assert_eq!(proxy.stats().accepted, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_single_transaction_the_node_drops_is_re_sent_as_itself() {
    let chain = chain().await;
    let proxy = proxy(&chain, |o| MonadRpcOptions { drop_sends: DropSends::Ordinals([0].into()), ..o }).await;
    let c = recorder(&chain, &proxy, monad_like(&chain, None), &[]).await;
    let before = nonce_before(&chain).await;
    c.create_session(SESSION + 1, alloy::primitives::B256::ZERO, 0).await.unwrap();
    let stats = proxy.stats();
    assert_eq!(
        (stats.accepted, stats.dropped, stats.resent),
        (1, 1, 1),
        "one transaction, handed over twice"
    );
    assert_eq!(nonce_before(&chain).await, before + 1, "mined once");
    assert_eq!(c.session_owner(SESSION + 1).await.unwrap(), c.sender(), "created");
}
