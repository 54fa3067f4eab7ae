//! A real Safe 1.4.1 on an anvil for the ERC-1271 tests: the release bytecode npm
//! `@safe-global/safe-contracts` ships (singleton, proxy factory, CompatibilityFallbackHandler),
//! owned by test keys, signing a digest as the handler's `isValidSignature` checks it (the owners
//! sign the Safe's `SafeMessage` hash of it, ordered by owner address).

#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_arguments
)]

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, B256, Bytes, U256},
    providers::{DynProvider, Provider},
    rpc::types::TransactionRequest,
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::SolValue,
};
use serde_json::Value;

alloy::sol! {
    #[sol(rpc)]
    interface ISafeProxyFactory {
        function createProxyWithNonce(address singleton, bytes initializer, uint256 saltNonce) external returns (address proxy);
    }

    #[sol(rpc)]
    interface ISafe {
        function setup(address[] owners, uint256 threshold, address to, bytes data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver) external;
        function getMessageHash(bytes message) external view returns (bytes32);
        function getThreshold() external view returns (uint256);
    }
}

const ARTIFACTS: &str = "node_modules/@safe-global/safe-contracts/build/artifacts/contracts";

/// The workspace root (where node_modules is).
fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

async fn deploy_artifact(provider: &DynProvider, from: Address, artifact: &str) -> Address {
    let path = root().join(ARTIFACTS).join(artifact);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let code: Bytes = json["bytecode"].as_str().unwrap().parse().unwrap();
    let tx = TransactionRequest::default().with_from(from).with_deploy_code(code);
    let receipt = provider.send_transaction(tx).await.unwrap().get_receipt().await.unwrap();
    receipt.contract_address.unwrap()
}

/// Deploys a Safe owned by `owners` needing `threshold` of their signatures; `provider` signs as `from`.
pub async fn deploy_safe(
    provider: &DynProvider,
    from: Address,
    owners: &[Address],
    threshold: u64,
) -> Address {
    let singleton = deploy_artifact(provider, from, "Safe.sol/Safe.json").await;
    let factory = deploy_artifact(provider, from, "proxies/SafeProxyFactory.sol/SafeProxyFactory.json").await;
    let handler = deploy_artifact(
        provider,
        from,
        "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
    )
    .await;
    let setup = ISafe::setupCall {
        owners: owners.to_vec(),
        threshold: U256::from(threshold),
        to: Address::ZERO,
        data: Bytes::new(),
        fallbackHandler: handler,
        paymentToken: Address::ZERO,
        payment: U256::ZERO,
        paymentReceiver: Address::ZERO,
    };
    let factory = ISafeProxyFactory::new(factory, provider.clone());
    let create = factory
        .createProxyWithNonce(singleton, alloy::sol_types::SolCall::abi_encode(&setup).into(), U256::ZERO)
        .from(from);
    let safe = create.call().await.unwrap();
    create.send().await.unwrap().get_receipt().await.unwrap();
    let threshold_now = ISafe::new(safe, provider.clone()).getThreshold().call().await.unwrap();
    assert_eq!(threshold_now, U256::from(threshold), "the Safe is set up");
    safe
}

/// `signers`' signature of `digest` for `safe`, as its fallback handler's ERC-1271
/// `isValidSignature(bytes32,bytes)` checks it.
pub async fn safe_signature(
    provider: &DynProvider,
    safe: Address,
    digest: B256,
    signers: &[&PrivateKeySigner],
) -> Bytes {
    let message =
        ISafe::new(safe, provider.clone()).getMessageHash(digest.abi_encode().into()).call().await.unwrap();
    let mut sorted = signers.to_vec();
    sorted.sort_by_key(|s| s.address());
    let mut signature = Vec::new();
    for signer in sorted {
        signature.extend_from_slice(&signer.sign_hash_sync(&message).unwrap().as_bytes());
    }
    signature.into()
}
