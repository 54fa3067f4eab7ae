//! A bigger random session through the client: every pool pays Σ ≤ its amount, and every node's
//! claim pays exactly the `pendingReward` the contract showed (token balances checked to the unit).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use alloy::{
    primitives::{Address, U256},
    signers::local::PrivateKeySigner,
};
use gradpay::{
    Coordinator, EpochEntry, PoolDefaults, Strategy, StrategyParams,
    claims::{MIN_CLAIM_WINDOW_SECS, PoolSpec},
    demo::MockERC20,
    demo::SplitMix64,
    nodes::default_node_id,
    record::{EpochRecord, SendMode},
};

const NODES: u32 = 90;
const EPOCHS: u32 = 3;
const SESSION: u64 = 3;

fn random_epoch(rng: &mut SplitMix64, epoch_rounds: u32) -> Vec<EpochEntry> {
    let present: Vec<u32> = (0..NODES).filter(|_| rng.below(10) != 0).collect(); // some nodes skip an epoch
    present
        .into_iter()
        .map(|i| {
            let joined = rng.below(u64::from(epoch_rounds) + 1) as u32;
            EpochEntry {
                node_index: i,
                // Node 0 never computes: registered, recorded, never eligible.
                compute_seconds: if i == 0 { 0 } else { rng.below(5000) as u32 },
                accepted: rng.below(50) as u32,
                rejected: rng.below(10) as u32,
                rounds_ok: rng.below(u64::from(joined) + 1) as u32,
                rounds_joined: joined,
                consistency_bps: rng.below(10_001) as u16,
                network_bps: rng.below(10_001) as u16,
                uptime_bps: rng.below(10_001) as u16,
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_session_pays_at_most_the_pool_and_every_node_its_pending_reward() {
    let seed = std::env::var("GRADPAY_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_261_125);
    println!("seed {seed}");
    let mut rng = SplitMix64(seed);
    let chain = common::start(Default::default()).await;
    let profile = gradpay::NetworkProfile { batch_size: 25, finalize_chunk: 40, ..chain.profile.clone() };
    let admin = chain.coordinator.clone();
    let c = Coordinator::connect(profile, admin.address(), gradpay::demo::anvil::dev_signer(0).unwrap())
        .await
        .unwrap();
    let nodes = common::nodes(NODES);
    let list: Vec<_> = nodes.iter().map(|s| (s.address(), default_node_id(s.address()))).collect();
    c.create_session(SESSION, Default::default(), 2 * 10u64.pow(18)).await.unwrap();
    c.register_nodes(SESSION, &list).await.unwrap();
    let mut journal = common::journal(&c, chain.dir.path(), SESSION);
    for epoch in 0..EPOCHS {
        let rounds = 5 + rng.below(20) as u32;
        let entries = random_epoch(&mut rng, rounds);
        let record = EpochRecord { epoch: epoch * 2, epoch_rounds: rounds, entries };
        let summary = c.record_epoch(&mut journal, &record, SendMode::Pipelined, &|_, _| {}).await.unwrap();
        assert_eq!(summary.batches as usize, record.entries.len().div_ceil(25).max(1));
    }
    c.exclude_node(SESSION, nodes[7].address(), "caught cheating").await.unwrap();
    c.complete_session(SESSION).await.unwrap();
    let fin = c.finalize(SESSION, &|_, _| {}).await.unwrap();
    assert!(fin.chunks >= 2, "ranking submitted in chunks: {fin:?}");
    let session = c.session(SESSION).await.unwrap();
    assert_eq!(session.state, 3);
    assert_eq!(fin.eligible, session.eligibleCount);

    let token = MockERC20::deploy(c.provider().clone(), "T".into(), "T".into(), 6).await.unwrap();
    let defaults = PoolDefaults::default();
    let mut pools = Vec::new();
    for strategy in Strategy::ALL {
        let amount = U256::from(rng.below(u64::MAX) | 1) * U256::from(1_000_003u64);
        token.mint(c.sender(), amount).send().await.unwrap().get_receipt().await.unwrap();
        let params = StrategyParams::for_strategy(strategy, &defaults);
        let token_pool = c
            .create_pool(
                SESSION,
                PoolSpec {
                    token: Some(*token.address()),
                    amount,
                    strategy,
                    params,
                    claim_window_secs: MIN_CLAIM_WINDOW_SECS,
                    refund_to: None,
                },
            )
            .await
            .unwrap();
        let eth = U256::from(rng.below(10u64.pow(18)) + 1);
        let eth_pool = c
            .create_pool(
                SESSION,
                PoolSpec {
                    token: None,
                    amount: eth,
                    strategy,
                    params,
                    claim_window_secs: MIN_CLAIM_WINDOW_SECS,
                    refund_to: None,
                },
            )
            .await
            .unwrap();
        pools.push((token_pool, amount));
        pools.push((eth_pool, eth));
    }

    // Σ of entitlements never exceeds the pool; ineligible nodes get nothing.
    let scores = c.scores(SESSION).await.unwrap();
    for &(pool, amount) in &pools {
        let mut total = U256::ZERO;
        for (i, node) in nodes.iter().enumerate() {
            let r = c.contract().rewardOf(pool, node.address()).call().await.unwrap();
            if !scores[i].eligible {
                assert_eq!(r, U256::ZERO, "ineligible node {i} in pool {pool}");
            }
            total += r;
        }
        assert!(total <= amount, "pool {pool} pays {total} > {amount}");
        assert!(amount - total <= U256::from(3 * NODES), "rounding dust is at most 3 per eligible node");
    }

    // Every node claims everything; each token payout equals the pending amount shown before.
    let mut token_paid = U256::ZERO;
    for (i, node) in nodes.iter().enumerate() {
        let as_node = common::as_node(&c, node.clone()).await;
        let before = token.balanceOf(node.address()).call().await.unwrap();
        let pending = pending_token(&as_node, &pools, node, *token.address()).await;
        let claimed = as_node.claim_all(SESSION).await.unwrap();
        let after = token.balanceOf(node.address()).call().await.unwrap();
        assert_eq!(after - before, pending, "node {i} token payout equals its pendingReward");
        token_paid += pending;
        if !scores[i].eligible {
            assert!(claimed.is_empty(), "node {i} had nothing to claim");
        }
        for &(pool, _) in &pools {
            assert_eq!(c.contract().pendingReward(pool, node.address()).call().await.unwrap(), U256::ZERO);
        }
    }
    let token_funded: U256 = pools.iter().step_by(2).map(|(_, a)| *a).sum();
    assert_eq!(
        token.balanceOf(c.address()).call().await.unwrap(),
        token_funded - token_paid,
        "the contract keeps only the dust"
    );
    for &(pool, amount) in &pools {
        let info = c.contract().getPool(pool).call().await.unwrap();
        assert!(info.remaining <= amount);
    }
}

async fn pending_token(
    c: &Coordinator,
    pools: &[(U256, U256)],
    node: &PrivateKeySigner,
    token: Address,
) -> U256 {
    let mut sum = U256::ZERO;
    for &(pool, _) in pools {
        let info = c.contract().getPool(pool).call().await.unwrap();
        if info.token == token {
            sum += c.contract().pendingReward(pool, node.address()).call().await.unwrap();
        }
    }
    sum
}
