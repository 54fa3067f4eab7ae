//! The JSON-RPC provider: HTTP behind alloy's retry layer (rate limits and temporarily
//! unavailable nodes are retried with backoff, reverts never are), with the signer as wallet.
//! Connecting checks the chain id and that the contract has code.

use alloy::{
    network::EthereumWallet,
    primitives::Address,
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::client::ClientBuilder,
    signers::local::PrivateKeySigner,
    transports::layers::RetryBackoffLayer,
};

use crate::{Error, NetworkProfile, Result};

/// Retries of a rate-limited or temporarily unavailable request before giving up.
const MAX_RATE_LIMIT_RETRIES: u32 = 8;
/// Base backoff before a retry, milliseconds (a server's `Retry-After` hint wins).
const INITIAL_BACKOFF_MS: u64 = 250;
/// Compute-unit budget per second the retry layer spreads queued requests over.
const COMPUTE_UNITS_PER_SECOND: u64 = 10_000;

/// Builds a provider for `url`, signing with `signer` when given.
pub fn build_provider(url: &str, signer: Option<PrivateKeySigner>) -> Result<DynProvider> {
    let parsed = url.parse().map_err(|e| Error::Config {
        origin: "rpc-url".into(),
        reason: format!("`{url}` is not a URL: {e}"),
    })?;
    let client = ClientBuilder::default()
        .layer(RetryBackoffLayer::new(MAX_RATE_LIMIT_RETRIES, INITIAL_BACKOFF_MS, COMPUTE_UNITS_PER_SECOND))
        .http(parsed);
    // Nonces are read fresh for every transaction alloy fills: the pipelined recorder assigns its
    // own consecutive nonces, which a cached nonce manager would not see.
    let builder = ProviderBuilder::new()
        .disable_recommended_fillers()
        .with_gas_estimation()
        .with_simple_nonce_management()
        .fetch_chain_id();
    Ok(match signer {
        Some(signer) => builder.wallet(EthereumWallet::from(signer)).connect_client(client).erased(),
        None => builder.connect_client(client).erased(),
    })
}

/// Checks that `url` answers with `expected_chain_id`.
pub async fn check_chain(provider: &DynProvider, url: &str, expected_chain_id: u64) -> Result<()> {
    let got = provider
        .get_chain_id()
        .await
        .map_err(|e| Error::RpcUnreachable { url: url.to_owned(), reason: e.to_string() })?;
    if got != expected_chain_id {
        return Err(Error::WrongChainId { url: url.to_owned(), expected: expected_chain_id, got });
    }
    Ok(())
}

/// Checks that `address` holds contract code.
pub async fn check_code(
    provider: &DynProvider,
    name: &'static str,
    address: Address,
    chain_id: u64,
) -> Result<()> {
    let code = provider.get_code_at(address).await.map_err(|e| Error::Transport {
        action: format!("reading code at {address}"),
        reason: e.to_string(),
    })?;
    if code.is_empty() {
        return Err(Error::NoCode { name, address, chain_id });
    }
    Ok(())
}

/// A provider for the profile's RPC (signing with `signer` when given) that answers with the
/// profile's chain id and finds GradPay's code at `gradpay`.
pub async fn connect_checked(
    profile: &NetworkProfile,
    gradpay: Address,
    signer: Option<PrivateKeySigner>,
) -> Result<DynProvider> {
    let provider = build_provider(&profile.rpc_url, signer)?;
    check_chain(&provider, &profile.rpc_url, profile.chain_id).await?;
    check_code(&provider, "GradPay", gradpay, profile.chain_id).await?;
    Ok(provider)
}
