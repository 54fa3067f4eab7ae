//! Set-up and signing helpers for cli_payouts: a finalized two-node session, reads of payouts,
//! nonces and rewards, and requests signed through the library (for what the command refuses to
//! sign, and for a Safe's ERC-1271 signatures).

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use alloy::{
    primitives::{Address, B256, Bytes, U256},
    providers::Provider,
    signers::{SignerSync, local::PrivateKeySigner},
};
use gradpay::{
    demo::anvil::{set_balance, simulated_node_signer},
    payouts::{SignedClaim, SignedFor, SignedPayout, SignedRequest},
};
use serde_json::Value;

use crate::cli_support::{Cli, admin_key, metrics_line, ok};

pub const POOL: u64 = 1_000_000_000_000_000_000;

/// A deployment whose session 1 has simulated nodes 0 and 1 (funded for gas), finalized, with one
/// 1-ETH pool; the nodes' keys as GRADPAY_PRIVATE_KEY takes them.
pub async fn two_node_session() -> (Cli, Vec<PrivateKeySigner>, Vec<String>) {
    let cli = Cli::start();
    let nodes: Vec<_> = (0..2).map(|i| simulated_node_signer(i).unwrap()).collect();
    for node in &nodes {
        set_balance(&cli.provider, node.address(), U256::from(POOL)).await.unwrap();
    }
    finalized_session(&cli, &addresses(&nodes));
    let keys = nodes.iter().map(|n| n.to_bytes().to_string()).collect();
    (cli, nodes, keys)
}

/// Session 1 with `nodes` (compute 100 and 50), finalized, with one 1-ETH pool (256).
pub fn finalized_session(cli: &Cli, nodes: &[Address]) {
    let d = cli.path();
    cli.write("nodes.txt", &nodes.iter().map(Address::to_string).collect::<Vec<_>>().join("\n"));
    ok(d, &admin_key(), &["session", "create", "--session", "1", "--nodes", "nodes.txt"]);
    finalize_with_pool(cli, &[metrics_line(0, "0", 100, 9, 10), metrics_line(0, "1", 50, 9, 10)]);
}

/// Records `metrics` (epoch lines) in session 1, completes and finalizes it, and funds one 1-ETH
/// pool (256).
pub fn finalize_with_pool(cli: &Cli, metrics: &[String]) {
    let d = cli.path();
    cli.write("m.jsonl", &metrics.join("\n"));
    ok(d, &admin_key(), &["record", "--session", "1", "--metrics", "m.jsonl"]);
    ok(d, &admin_key(), &["session", "complete", "--session", "1"]);
    ok(d, &admin_key(), &["session", "finalize", "--session", "1"]);
    let amount = POOL.to_string();
    ok(
        d,
        &admin_key(),
        &["pool", "create", "--session", "1", "--amount", &amount, "--claim-window", "604800"],
    );
}

/// A 2-of-3 Safe 1.4.1 deployed by the admin, and its owners' keys.
pub async fn two_of_three_safe(cli: &Cli) -> (Address, Vec<PrivateKeySigner>) {
    let owners: Vec<_> = (10..13).map(|i| simulated_node_signer(i).unwrap()).collect();
    let admin = gradpay::demo::anvil::dev_signer(0).unwrap();
    let deployer = gradpay::provider::build_provider(&cli.anvil.url(), Some(admin)).unwrap();
    let safe =
        crate::safe_support::deploy_safe(&deployer, crate::cli_support::ADMIN, &addresses(&owners), 2).await;
    (safe, owners)
}

pub fn addresses(nodes: &[PrivateKeySigner]) -> Vec<Address> {
    nodes.iter().map(PrivateKeySigner::address).collect()
}

pub fn pending(cli: &Cli, node: Address) -> U256 {
    let value =
        ok(cli.path(), &[], &["pending", "--session", "1", "--node", &node.to_string(), "--json"]).json();
    value["rewards"][0]["pending"].as_str().unwrap().parse().unwrap()
}

pub fn payout_of(cli: &Cli, node: Address) -> Address {
    let node = node.to_string();
    ok(cli.path(), &[], &["payout", "show", "--session", "1", "--node", &node, "--json"]).json()["payouts"][0]
        ["payout"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Whether `node` has used `nonce`, read from the contract.
pub async fn nonce_used(cli: &Cli, node: Address, nonce: u64) -> bool {
    let contract = gradpay::bindings::GradPay::new(deployment(cli), cli.provider.clone());
    contract.isNonceUsed(node, U256::from(nonce)).call().await.unwrap()
}

/// What `account`'s mined transactions cost in gas, summed over the chain's blocks.
pub async fn gas_spent(cli: &Cli, account: Address) -> U256 {
    let latest = cli.provider.get_block_number().await.unwrap();
    let mut spent = U256::ZERO;
    for number in 0..=latest {
        let block = cli.provider.get_block_by_number(number.into()).full().await.unwrap().unwrap();
        for tx in block.transactions.into_transactions() {
            if tx.inner.signer() == account {
                let receipt =
                    cli.provider.get_transaction_receipt(*tx.inner.tx_hash()).await.unwrap().unwrap();
                spent += U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
            }
        }
    }
    spent
}

/// A payout change of session 1 for `node`, unsigned yet (the command refuses some of what the
/// tests need signed, e.g. a zero payout).
pub async fn draft_payout(cli: &Cli, node: Address, payout: Address, nonce: u64) -> SignedRequest {
    let c = library(cli, node).await;
    SignedRequest::SetPayout(SignedPayout {
        signed_for: SignedFor { chain_id: c.profile().chain_id, contract: c.address() },
        node,
        session_ids: vec![1],
        payout,
        nonce: U256::from(nonce),
        deadline: c.latest_timestamp().await.unwrap() + 3_600,
        signature: Default::default(),
    })
}

/// A claim of pool 256 for `node` allowing `max_fee_bps`, unsigned yet.
pub async fn draft_claim(cli: &Cli, node: Address, max_fee_bps: u16, nonce: u64) -> SignedRequest {
    let c = library(cli, node).await;
    SignedRequest::ClaimRequest(SignedClaim {
        signed_for: SignedFor { chain_id: c.profile().chain_id, contract: c.address() },
        node,
        pool_ids: vec![U256::from(256)],
        max_fee_bps,
        nonce: U256::from(nonce),
        deadline: c.latest_timestamp().await.unwrap() + 3_600,
        signature: Default::default(),
    })
}

/// The EIP-712 digest of `request` in the deployment's domain.
pub async fn digest_of(cli: &Cli, request: &SignedRequest) -> B256 {
    request.digest(&library(cli, request.node()).await.signing_domain().await.unwrap())
}

/// `request` with `signature`, as a relayer's line.
pub fn line_of(request: SignedRequest, signature: Bytes) -> String {
    serde_json::to_string(&request.with_signature(signature)).unwrap() + "\n"
}

/// `request` signed by the key `node`.
pub async fn signed_by(cli: &Cli, node: &PrivateKeySigner, request: SignedRequest) -> String {
    let digest = digest_of(cli, &request).await;
    line_of(request, node.sign_hash_sync(&digest).unwrap().as_bytes().to_vec().into())
}

/// A read-only library handle on the test deployment.
pub async fn library(cli: &Cli, node: Address) -> gradpay::Coordinator {
    gradpay::Coordinator::connect_read_only(common_profile(cli), deployment(cli), node).await.unwrap()
}

pub fn common_profile(cli: &Cli) -> gradpay::NetworkProfile {
    gradpay::NetworkProfile { rpc_url: cli.anvil.url(), ..gradpay::NetworkProfile::builtin("local").unwrap() }
}

/// The GradPay address `gradpay deploy` wrote.
pub fn deployment(cli: &Cli) -> Address {
    let text = std::fs::read_to_string(cli.path().join("deployments/31337.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["gradpay"].as_str().unwrap().parse().unwrap()
}
