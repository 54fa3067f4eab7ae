//! `gradpay verify` on sessions that are what the chain says: a clean session (several epochs, a
//! silent one, an exclusion, a clipK change, a pool of every strategy, claims), one with a batch
//! recorded by `cast send`, one with a batch recorded through another contract (a forwarder, a
//! real Safe 1.4.1): read from a call trace, and named when the RPC has no tracer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy::providers::Provider as _;

mod cli_support;
mod common;
mod log_proxy;
mod verify_support;

use verify_support::{Audited, ExtraBatch, build, route_claims, safe_pool, verify};

/// verify succeeds, reports what it read, and the JSON report holds no difference.
fn assert_verifies(audited: &Audited, batches: u64, entries: u64, traced: u64) {
    assert_verifies_with(audited, batches, entries, traced, (4, 5));
}

/// [`assert_verifies`] with `pools` pools and `claims` RewardClaimed events.
fn assert_verifies_with(
    audited: &Audited,
    batches: u64,
    entries: u64,
    traced: u64,
    (pools, claims): (u64, u64),
) {
    let run = verify(audited, &[]);
    assert!(run.ok, "verify failed: {}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("verified: the chain matches the model everywhere"), "{}", run.stdout);
    let json = verify(audited, &["--json"]).json();
    assert_eq!(json["differences"], serde_json::json!([]));
    assert_eq!(json["nodes"], 6);
    assert_eq!(json["exclusions"], 1);
    assert_eq!(json["clipKChanges"], 1);
    assert_eq!(json["batches"].as_u64(), Some(batches));
    assert_eq!(json["entries"].as_u64(), Some(entries));
    assert_eq!(json["tracedBatches"].as_u64(), Some(traced));
    assert_eq!(json["pools"].as_u64(), Some(pools));
    assert_eq!(json["claims"].as_u64(), Some(claims));
    assert_eq!(json["state"], "Finalized");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clean_session_verifies() {
    let audited = build(ExtraBatch::None).await;
    // Epochs 0 (5 entries), 1 (silent), 2 (4 entries).
    assert_verifies(&audited, 3, 9, 0);
    let (kind, message) =
        verify_support::run(&audited, &["verify", "--session", "99", "--json"]).json_error();
    assert_eq!(kind, "unknownSession");
    assert!(message.contains("session 99 does not exist"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn claims_paid_to_payouts_and_by_claim_reward_to_verify() {
    let audited = build(ExtraBatch::None).await;
    let routed = route_claims(&audited).await;
    assert_verifies_with(&audited, 3, 9, 0, (4, 9));
    // The chain did route them (fresh accounts: their balance is what they were paid).
    let c = &audited.chain.coordinator;
    let (tiered, guarantee) = (audited.pools[1], audited.pools[2]);
    let mut rewards = Vec::new();
    for (pool, node) in [(tiered, 2), (guarantee, 2), (guarantee, 3)] {
        rewards.push(c.contract().rewardOf(pool, audited.nodes[node].address()).call().await.unwrap());
    }
    assert!(rewards.iter().all(|r| !r.is_zero()), "{rewards:?}");
    assert_eq!(c.provider().get_balance(routed.payout).await.unwrap(), rewards[0] + rewards[1]);
    assert_eq!(c.provider().get_balance(routed.recipient).await.unwrap(), rewards[2]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pool_created_by_a_safe_verifies_from_its_call_trace() {
    let audited = build(ExtraBatch::None).await;
    let pool = safe_pool(&audited).await;
    let node0 = common::as_node(&audited.chain.coordinator, audited.nodes[0].clone()).await;
    assert!(!node0.claim(pool).await.unwrap().is_zero());
    assert_verifies_with(&audited, 3, 9, 0, (5, 6));
    // The Safe's createRewardPool is only in the trace: without a tracer verify says so.
    let provider = audited.chain.coordinator.provider().clone();
    let proxy = log_proxy::LogProxy::start_without(provider, u64::MAX, Some("debug_traceTransaction")).await;
    let args = ["verify", "--session", "1", "--json"];
    let (kind, message) = verify_support::run_at(&audited, &proxy.url, &args).json_error();
    assert_eq!(kind, "callUnreadable");
    let expected = format!("cannot read pool {pool}'s createRewardPool from transaction 0x");
    assert!(message.starts_with(&expected), "{message}");
    assert!(message.contains("a contract made the call, and the RPC has no call tracer"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_sent_with_cast_verifies() {
    let audited = build(ExtraBatch::Cast).await;
    assert_verifies(&audited, 4, 11, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_recorded_through_another_contract_verifies() {
    let audited = build(ExtraBatch::Forwarded).await;
    // The forwarder's transaction input is `forward(...)`: the batch is only in the call trace.
    assert_verifies(&audited, 4, 11, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_executed_by_a_safe_verifies() {
    let audited = build(ExtraBatch::Safe).await;
    // A 1-of-1 Safe 1.4.1, delegate of the session, ran the batch in `execTransaction`.
    assert_verifies(&audited, 4, 11, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forwarded_batch_without_a_tracer_names_the_batch_it_cannot_read() {
    let audited = build(ExtraBatch::Forwarded).await;
    let provider = audited.chain.coordinator.provider().clone();
    let proxy = log_proxy::LogProxy::start_without(provider, u64::MAX, Some("debug_traceTransaction")).await;
    let args = ["verify", "--session", "1", "--json"];
    let (kind, message) = verify_support::run_at(&audited, &proxy.url, &args).json_error();
    assert_eq!(kind, "traceUnavailable");
    assert!(message.starts_with("cannot read session 1 epoch 3 batch 0: transaction 0x"), "{message}");
    assert!(
        message.contains("recorded it through another contract, and the RPC has no call tracer"),
        "{message}"
    );
    // The batches sent directly need no tracer: the same proxy verifies a session without one.
    let direct = build(ExtraBatch::Cast).await;
    let provider = direct.chain.coordinator.provider().clone();
    let proxy = log_proxy::LogProxy::start_without(provider, u64::MAX, Some("debug_traceTransaction")).await;
    let run = verify_support::run_at(&direct, &proxy.url, &["verify", "--session", "1"]);
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
}
