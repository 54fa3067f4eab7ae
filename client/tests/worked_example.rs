//! reward-math.md §6 recorded through the client pays exactly the table's wei, for every strategy.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

mod common;

use alloy::primitives::{Address, U256};
use gradpay::{
    PoolDefaults, Strategy,
    claims::PoolSpec,
    demo::MockERC20,
    nodes::default_node_id,
    record::{EpochRecord, SendMode},
};

/// The §6 payout table, wei, nodes 0, 1, 2.
const TABLE: [(Strategy, [u128; 3]); 4] = [
    (Strategy::Proportional, [341860211108839517, 154032716548995006, 504107072342165475]),
    (Strategy::Tiered, [347728591898389103, 139510821360640455, 512760586740970439]),
    (Strategy::MinimumGuarantee, [337596772221086425, 243683024941164169, 418720202837749404]),
    (Strategy::Hybrid, [348381634001057355, 177590523823065428, 474027842175877212]),
];
const CLIPPED_PROPORTIONAL: [u128; 3] = [351610132742135475, 158425760449732123, 489964106808132401];

fn entries() -> Vec<gradpay::EpochEntry> {
    common::worked_example_entries()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worked_example_pays_the_table_to_the_wei() {
    let chain = common::start(Default::default()).await;
    let c = &chain.coordinator;
    let nodes = common::nodes(3);
    let one_eth = U256::from(10u128.pow(18));

    // Session 1: clipK = 0, every strategy in ETH and (proportional) in a token.
    common::register(c, 1, &nodes).await;
    let mut journal = common::journal(c, chain.dir.path(), 1);
    let record = EpochRecord { epoch: 0, epoch_rounds: 10, entries: entries() };
    let summary = c.record_epoch(&mut journal, &record, SendMode::Pipelined, &|_, _| {}).await.unwrap();
    assert_eq!((summary.batches, summary.transactions_sent), (1, 1));
    // The contract packs as we do.
    let packed = c
        .contract()
        .packEntry(gradpay::bindings::IContributionTracker::ContributionEntry {
            nodeIndex: 2,
            computeSeconds: 200,
            accepted: 40,
            rejected: 0,
            roundsOk: 10,
            roundsJoined: 10,
            consistencyBps: 10000,
            networkBps: 10000,
            uptimeBps: 10000,
        })
        .call()
        .await
        .unwrap();
    assert_eq!(packed, entries()[2].pack(), "client packing equals the contract's packEntry");
    c.complete_session(1).await.unwrap();
    let fin = c.finalize(1, &|_, _| {}).await.unwrap();
    assert_eq!((fin.eligible, fin.chunks), (3, 1));
    let defaults = PoolDefaults::default();
    for (strategy, expected) in TABLE {
        let spec = PoolSpec::new(None, one_eth, strategy, &defaults);
        let pool = c.create_pool(1, spec).await.unwrap();
        for (i, node) in nodes.iter().enumerate() {
            let got = c.contract().pendingReward(pool, node.address()).call().await.unwrap();
            assert_eq!(got, U256::from(expected[i]), "{strategy} node {i}");
        }
    }
    // A token pool pays the same wei, checked on the token balance after each node claims.
    let token = MockERC20::deploy(c.provider().clone(), "Gradient".into(), "GRAD".into(), 18).await.unwrap();
    token.mint(c.sender(), one_eth).send().await.unwrap().get_receipt().await.unwrap();
    let spec = PoolSpec::new(Some(*token.address()), one_eth, Strategy::Proportional, &defaults);
    let token_pool = c.create_pool(1, spec).await.unwrap();
    for (i, node) in nodes.iter().enumerate() {
        let as_node = common::as_node(c, node.clone()).await;
        let claimed = as_node.claim_all(1).await.unwrap();
        assert_eq!(claimed.len(), 5, "node {i} claims every pool at once");
        let balance = token.balanceOf(node.address()).call().await.unwrap();
        assert_eq!(balance, U256::from(TABLE[0].1[i]), "token payout node {i}");
        assert!(claimed.contains(&(token_pool, balance)));
        assert!(as_node.claim_all(1).await.unwrap().is_empty(), "nothing left to claim, nothing sent");
    }

    // Session 2: the same inputs with clipK = 1e18 clip node 2.
    c.create_session(2, Default::default(), 10u64.pow(18)).await.unwrap();
    let list: Vec<_> = nodes.iter().map(|s| (s.address(), default_node_id(s.address()))).collect();
    c.register_nodes(2, &list).await.unwrap();
    let mut journal = common::journal(c, chain.dir.path(), 2);
    c.record_epoch(&mut journal, &record, SendMode::Pipelined, &|_, _| {}).await.unwrap();
    c.complete_session(2).await.unwrap();
    c.finalize(2, &|_, _| {}).await.unwrap();
    let spec = PoolSpec::new(None, one_eth, Strategy::Proportional, &defaults);
    let pool = c.create_pool(2, spec).await.unwrap();
    for (i, node) in nodes.iter().enumerate() {
        let got = c.contract().rewardOf(pool, node.address()).call().await.unwrap();
        assert_eq!(got, U256::from(CLIPPED_PROPORTIONAL[i]), "clipped node {i}");
    }
    let _ = Address::ZERO;
}
