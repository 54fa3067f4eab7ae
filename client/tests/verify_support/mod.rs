//! A session for `gradpay verify` to check: several epochs (one silent), an exclusion, a clipK
//! change, a pool of every strategy and some claims, built with the library; batches can also be
//! recorded by `cast send` or through another contract. Then the real binary is run on it.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, B256, Bytes, U256, keccak256},
    providers::Provider,
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{SolCall, SolValue},
};
use gradpay::{
    EpochEntry, PoolDefaults, Strategy,
    access::SessionRight,
    bindings::GradPay,
    claims::PoolSpec,
    demo::anvil::DEV_KEYS,
    record::{EpochRecord, SendMode},
};

use crate::{
    cli_support::{self, Run},
    common::{self, Chain},
};

pub const SESSION: u64 = 1;
/// Rounds of every epoch.
pub const ROUNDS: u32 = 10;

sol! {
    /// test/utils/Forwarder.sol
    function forward(address target, bytes data);
    /// Safe 1.4.1 (node_modules/@safe-global/safe-contracts, release artifacts).
    function setup(address[] owners, uint256 threshold, address to, bytes data, address fallbackHandler,
        address paymentToken, uint256 payment, address paymentReceiver);
    function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas,
        uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures)
        returns (bool success);
    function createProxyWithNonce(address singleton, bytes initializer, uint256 saltNonce) returns (address proxy);
}

/// Safe 1.4.1's release artifacts.
const SAFE_ARTIFACTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../node_modules/@safe-global/safe-contracts/build/artifacts/contracts/"
);

/// A varied entry for node `i` in `epoch`.
pub fn entry(i: u32, epoch: u32) -> EpochEntry {
    EpochEntry {
        node_index: i,
        compute_seconds: 100 + 37 * i + 11 * epoch,
        accepted: 10 + i,
        rejected: (i + epoch) % 3,
        rounds_ok: 8 - (i % 2),
        rounds_joined: 9,
        consistency_bps: 8000 + 300 * i as u16,
        network_bps: 9000 - 100 * i as u16,
        uptime_bps: 10_000 - 200 * i as u16,
    }
}

pub struct Audited {
    pub chain: Chain,
    pub nodes: Vec<PrivateKeySigner>,
    pub pools: Vec<U256>,
}

/// How the extra batch of epoch 3 (nodes 0 and 1) reaches the contract.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ExtraBatch {
    None,
    Cast,
    Forwarded,
    /// Executed by a 1-of-1 Safe 1.4.1 made a delegate of the session.
    Safe,
}

/// Six nodes (node 5 never computes), epochs 0 and 2 recorded, epoch 1 silent, clipK set to one
/// sigma after creation, node 4 excluded, finalized, one ETH pool per strategy, node 0 claiming
/// from every pool and node 1 from the first.
pub async fn build(extra: ExtraBatch) -> Audited {
    let chain = common::start(Default::default()).await;
    let c = &chain.coordinator;
    let nodes = common::nodes(6);
    common::register(c, SESSION, &nodes).await;
    let set_clip = c.contract().setClipK(SESSION, 1_000_000_000_000_000_000);
    c.transact("setClipK", c.request(set_clip.calldata().clone())).await.unwrap();
    let mut journal = common::journal(c, chain.dir.path(), SESSION);
    let epochs = [
        EpochRecord { epoch: 0, epoch_rounds: ROUNDS, entries: (0..5).map(|i| entry(i, 0)).collect() },
        EpochRecord { epoch: 1, epoch_rounds: ROUNDS, entries: Vec::new() },
        EpochRecord { epoch: 2, epoch_rounds: ROUNDS, entries: (0..4).map(|i| entry(i, 2)).collect() },
    ];
    for record in &epochs {
        c.record_epoch(&mut journal, record, SendMode::Pipelined, &|_, _| {}).await.unwrap();
    }
    let words: Vec<U256> = (0..2).map(|i| entry(i, 3).pack()).collect();
    match extra {
        ExtraBatch::None => {}
        ExtraBatch::Cast => cast_record(&chain, 3, 0, &words),
        ExtraBatch::Forwarded => forward_record(&chain, 3, 0, words).await,
        ExtraBatch::Safe => safe_record(&chain, 3, 0, words).await,
    }
    c.exclude_node(SESSION, nodes[4].address(), "verify test").await.unwrap();
    c.complete_session(SESSION).await.unwrap();
    c.finalize(SESSION, &|_, _| {}).await.unwrap();
    let mut pools = Vec::new();
    for strategy in Strategy::ALL {
        let spec = PoolSpec::new(None, U256::from(10u128.pow(18)), strategy, &PoolDefaults::default());
        pools.push(c.create_pool(SESSION, spec).await.unwrap());
    }
    let node0 = common::as_node(c, nodes[0].clone()).await;
    for &pool in &pools {
        node0.claim(pool).await.unwrap();
    }
    common::as_node(c, nodes[1].clone()).await.claim(pools[0]).await.unwrap();
    Audited { chain, nodes, pools }
}

/// `cast send recordContributionsBatch(...)` with the coordinator's key.
fn cast_record(chain: &Chain, epoch: u32, batch: u32, words: &[U256]) {
    let cast = gradpay::demo::anvil::Anvil::binary().unwrap().with_file_name("cast");
    let list = format!("[{}]", words.iter().map(U256::to_string).collect::<Vec<_>>().join(","));
    let out = std::process::Command::new(cast)
        .args(["send", "--rpc-url", &chain.anvil.url(), "--private-key", DEV_KEYS[0]])
        .arg(chain.coordinator.address().to_string())
        .arg("recordContributionsBatch(uint64,uint32,uint32,uint32,uint256[])")
        .args([SESSION.to_string(), epoch.to_string(), batch.to_string(), ROUNDS.to_string(), list])
        .output()
        .unwrap();
    assert!(out.status.success(), "cast send: {}", String::from_utf8_lossy(&out.stderr));
}

/// The creation code of a hardhat or forge artifact.
fn creation_code(artifact: &str) -> Bytes {
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(artifact).unwrap()).unwrap();
    let code = json["bytecode"].get("object").unwrap_or(&json["bytecode"]);
    code.as_str().unwrap().parse().unwrap()
}

/// Sends `tx` from the coordinator and asserts it succeeded; returns the receipt.
async fn send(chain: &Chain, tx: TransactionRequest) -> alloy::rpc::types::TransactionReceipt {
    let c = &chain.coordinator;
    let receipt =
        c.provider().send_transaction(tx.with_from(c.sender())).await.unwrap().get_receipt().await.unwrap();
    assert!(receipt.status(), "{receipt:?}");
    receipt
}

/// Deploys `code` from the coordinator; returns its address.
async fn deploy_code(chain: &Chain, code: Bytes) -> Address {
    send(chain, TransactionRequest::default().with_deploy_code(code)).await.contract_address.unwrap()
}

/// The batch call GradPay receives.
fn batch_call(epoch: u32, batch: u32, words: Vec<U256>) -> Bytes {
    GradPay::recordContributionsBatchCall {
        sessionId: SESSION,
        epoch,
        batch,
        epochRounds: ROUNDS,
        entries: words,
    }
    .abi_encode()
    .into()
}

/// Deploys test/utils/Forwarder.sol (forge's artifact), makes it a delegate of the session, and
/// records the batch through it: GradPay sees the forwarder as the caller, and the transaction's
/// own input is `forward(...)`, not the batch.
async fn forward_record(chain: &Chain, epoch: u32, batch: u32, words: Vec<U256>) {
    let c = &chain.coordinator;
    let artifact = concat!(env!("CARGO_MANIFEST_DIR"), "/../out/Forwarder.sol/Forwarder.json");
    let forwarder = deploy_code(chain, creation_code(artifact)).await;
    c.set_session_right(SESSION, SessionRight::Delegate, forwarder, true).await.unwrap();
    let outer = forwardCall { target: c.address(), data: batch_call(epoch, batch, words) };
    send(chain, TransactionRequest::default().with_to(forwarder).with_input(outer.abi_encode())).await;
}

/// Has a 1-of-1 Safe 1.4.1 delegate of the session ([`deploy_safe`]) execute the batch.
async fn safe_record(chain: &Chain, epoch: u32, batch: u32, words: Vec<U256>) {
    let safe = deploy_safe(chain, SessionRight::Delegate).await;
    safe_exec(chain, safe, U256::ZERO, batch_call(epoch, batch, words)).await;
}

/// Deploys Safe 1.4.1 (singleton and proxy factory from the npm release artifacts), a 1-of-1
/// Safe owned by the coordinator's account, and gives it `right` in the session with the
/// library's `set_session_right` (what `gradpay session delegate` / `sponsor` run).
async fn deploy_safe(chain: &Chain, right: SessionRight) -> Address {
    let c = &chain.coordinator;
    let singleton = deploy_code(chain, creation_code(&format!("{SAFE_ARTIFACTS}Safe.sol/Safe.json"))).await;
    let factory_artifact = format!("{SAFE_ARTIFACTS}proxies/SafeProxyFactory.sol/SafeProxyFactory.json");
    let factory = deploy_code(chain, creation_code(&factory_artifact)).await;
    let initializer = setupCall {
        owners: vec![c.sender()],
        threshold: U256::from(1u8),
        to: Address::ZERO,
        data: Bytes::new(),
        fallbackHandler: Address::ZERO,
        paymentToken: Address::ZERO,
        payment: U256::ZERO,
        paymentReceiver: Address::ZERO,
    };
    let create = createProxyWithNonceCall {
        singleton,
        initializer: initializer.abi_encode().into(),
        saltNonce: U256::ZERO,
    };
    let create =
        TransactionRequest::default().with_from(c.sender()).with_to(factory).with_input(create.abi_encode());
    // CREATE2: the address the call returns now is where the proxy lands.
    let returned = c.provider().call(create.clone()).await.unwrap();
    let safe = createProxyWithNonceCall::abi_decode_returns(&returned).unwrap();
    send(chain, create).await;
    c.set_session_right(SESSION, right, safe, true).await.unwrap();
    safe
}

/// The owner has `safe` call GradPay with `data` and `value` of the Safe's own ETH
/// (`execTransaction` with the pre-validated signature of the sender itself).
async fn safe_exec(chain: &Chain, safe: Address, value: U256, data: Bytes) {
    let c = &chain.coordinator;
    // Safe's "approved by the sender" signature: r = the owner, s = 0, v = 1.
    let mut signatures = B256::left_padding_from(c.sender().as_slice()).to_vec();
    signatures.extend_from_slice(&[0u8; 32]);
    signatures.push(1);
    let exec = execTransactionCall {
        to: c.address(),
        value,
        data,
        operation: 0,
        safeTxGas: U256::ZERO,
        baseGas: U256::ZERO,
        gasPrice: U256::ZERO,
        gasToken: Address::ZERO,
        refundReceiver: Address::ZERO,
        signatures: signatures.into(),
    };
    send(chain, TransactionRequest::default().with_to(safe).with_input(exec.abi_encode())).await;
}

/// A fifth pool, created by a 1-of-1 Safe the session's owner made a sponsor, from the Safe's own
/// ETH: tiered with a base of 2,500 bps (not the default), so only its calldata, read from the
/// call trace, says how it pays. Returns its id.
pub async fn safe_pool(audited: &Audited) -> U256 {
    let chain = &audited.chain;
    let c = &chain.coordinator;
    let safe = deploy_safe(chain, SessionRight::Sponsor).await;
    let amount = U256::from(10u128.pow(18));
    gradpay::demo::anvil::set_balance(c.provider(), safe, amount).await.unwrap();
    let params =
        gradpay::bindings::IRewardDistributor::PoolParams { tierBaseBps: 2500, ..Default::default() };
    let deadline = c.latest_timestamp().await.unwrap() + 30 * 86_400;
    let create = GradPay::createRewardPoolCall {
        sessionId: SESSION,
        token: Address::ZERO,
        amount,
        strategy: Strategy::Tiered as u8,
        params,
        claimDeadline: alloy::primitives::Uint::from(deadline),
        refundTo: Address::ZERO,
    };
    safe_exec(chain, safe, amount, create.abi_encode().into()).await;
    let pool = (U256::from(SESSION) << 8) | U256::from(audited.pools.len());
    let stored = c.contract().getPool(pool).call().await.unwrap();
    assert_eq!((stored.refundTo, stored.params.tierBaseBps), (safe, 2500), "the Safe created pool {pool}");
    pool
}

/// Runs `gradpay args…` keyless on the audited deployment (a config naming its address).
pub fn run(audited: &Audited, args: &[&str]) -> Run {
    run_at(audited, &audited.chain.anvil.url(), args)
}

/// [`run`] through the RPC at `url` (a proxy in front of the anvil).
pub fn run_at(audited: &Audited, url: &str, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "default_network = \"local\"\n[networks.local]\nrpc-url = \"{url}\"\ngradpay = \"{}\"\n",
        audited.chain.coordinator.address()
    );
    std::fs::write(dir.path().join("gradpay.toml"), text).unwrap();
    cli_support::gradpay(dir.path(), &[], args)
}

/// Runs `gradpay verify --session 1 [extra…]`.
pub fn verify(audited: &Audited, extra: &[&str]) -> Run {
    let mut args = vec!["verify", "--session", "1"];
    args.extend_from_slice(extra);
    run(audited, &args)
}

/// Storage slot of `mapping(key => …)` at `slot`, for a value key.
pub fn mapping_slot(key: U256, slot: u64) -> U256 {
    U256::from_be_bytes(keccak256((key, U256::from(slot)).abi_encode()).0)
}

/// Reads a storage word of GradPay.
pub async fn storage(audited: &Audited, slot: U256) -> U256 {
    let c = &audited.chain.coordinator;
    c.provider().get_storage_at(c.address(), slot).await.unwrap()
}

/// Overwrites a storage word of GradPay with `anvil_setStorageAt`.
pub async fn set_storage(audited: &Audited, slot: U256, value: U256) {
    let c = &audited.chain.coordinator;
    let _: bool = c
        .provider()
        .raw_request("anvil_setStorageAt".into(), (c.address(), B256::from(slot), B256::from(value)))
        .await
        .unwrap();
}

/// The node-records base slot of the session (contracts/libraries/NodeRecords.sol).
pub fn node_records_base(session: u64) -> U256 {
    let namespace = keccak256("gradpay.node-records");
    let hash = keccak256((namespace, U256::from(session)).abi_encode());
    U256::from_be_bytes(hash.0) & !U256::from(127u8)
}

/// Where the routed claims of [`route_claims`] went.
pub struct Routed {
    /// Node 2's payout address.
    pub payout: Address,
    /// Where node 3's `claimRewardTo` sent its reward.
    pub recipient: Address,
}

/// Claims paid elsewhere than to the node, on top of [`build`]'s: node 2 sets a payout with the
/// library's `set_payout` (what `gradpay payout set` runs) and claims pool 1 itself, pool 2 is
/// claimed for it by the coordinator (`claimRewardFor`: also to the payout); node 1 sets a
/// payout, sets it back to itself (which clears it) and claims pool 1 (paid to itself); node 3
/// claims pool 2 with `claimRewardTo`, once elsewhere whatever payout it has. Four claims.
pub async fn route_claims(audited: &Audited) -> Routed {
    let c = &audited.chain.coordinator;
    let (payout, recipient) = (Address::repeat_byte(0x22), Address::repeat_byte(0x33));
    let node = |i: usize| common::as_node(c, audited.nodes[i].clone());
    let node2 = node(2).await;
    node2.set_payout(&[SESSION], payout).await.unwrap();
    node2.claim(audited.pools[1]).await.unwrap();
    let for_node2 = c.contract().claimRewardFor(audited.pools[2], audited.nodes[2].address());
    c.transact("claimRewardFor", c.request(for_node2.calldata().clone())).await.unwrap();
    let node1 = node(1).await;
    node1.set_payout(&[SESSION], Address::repeat_byte(0x11)).await.unwrap();
    node1.set_payout(&[SESSION], audited.nodes[1].address()).await.unwrap();
    node1.claim(audited.pools[1]).await.unwrap();
    let node3 = node(3).await;
    let to = node3.contract().claimRewardTo(audited.pools[2], recipient);
    node3.transact("claimRewardTo", node3.request(to.calldata().clone())).await.unwrap();
    Routed { payout, recipient }
}
