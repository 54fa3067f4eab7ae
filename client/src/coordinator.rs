//! The coordinator's handle on a GradPay deployment: connecting (chain id and code checked),
//! sending transactions whose gas limit is an estimate plus a small margin (Monad charges the
//! whole limit), decoding reverts into the contract's custom errors, and the session's read views.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy::{
    network::{EthereumWallet, NetworkTransactionBuilder, ReceiptResponse, TransactionBuilder},
    primitives::{Address, B256, U256},
    providers::{DynProvider, Provider},
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::local::PrivateKeySigner,
    transports::{RpcError, TransportError},
};
use serde::Serialize;

use crate::{
    Error, NetworkProfile, Result,
    bindings::{GradPay, describe_revert},
    provider::{build_provider, check_chain, check_code},
};

/// Attempts at handing one signed transaction to the node when the transport fails.
const SEND_ATTEMPTS: u32 = 5;

/// Gas of one mined transaction, for the session summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GasRecord {
    /// What the transaction did, e.g. `recordContributionsBatch`.
    pub operation: String,
    /// Gas it used.
    pub gas_used: u64,
    /// Gas limit it was sent with (what Monad charges).
    pub gas_limit: u64,
}

/// Fee caps for a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    /// EIP-1559 max fee per gas.
    pub max_fee_per_gas: u128,
    /// EIP-1559 priority fee per gas.
    pub max_priority_fee_per_gas: u128,
}

/// A connected coordinator (or node) on one deployment. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Coordinator {
    provider: DynProvider,
    /// Signs locally so that a transaction's hash is known before it is sent: a send lost in
    /// transit is re-sent as the very same transaction, never as a second one.
    wallet: Option<EthereumWallet>,
    contract: GradPay::GradPayInstance<DynProvider>,
    profile: Arc<NetworkProfile>,
    sender: Address,
    gas: Arc<Mutex<Vec<GasRecord>>>,
    /// The block GradPay was deployed in, when known: where log queries start.
    deployment_block: Option<u64>,
}

impl Coordinator {
    /// Connects to the profile's RPC as `signer`, checking the chain id and that `gradpay` has code.
    pub async fn connect(
        profile: NetworkProfile,
        gradpay: Address,
        signer: PrivateKeySigner,
    ) -> Result<Self> {
        let sender = signer.address();
        let provider = build_provider(&profile.rpc_url, Some(signer.clone()))?;
        check_chain(&provider, &profile.rpc_url, profile.chain_id).await?;
        check_code(&provider, "GradPay", gradpay, profile.chain_id).await?;
        tracing::info!(%sender, %gradpay, chain = profile.chain_id, "connected");
        Ok(Self::from_parts(provider, profile, gradpay, sender).with_signer(signer))
    }

    /// Signs this handle's transactions locally with `signer` (which must be the sender).
    pub fn with_signer(mut self, signer: PrivateKeySigner) -> Self {
        self.sender = signer.address();
        self.wallet = Some(EthereumWallet::from(signer));
        self
    }

    /// Wraps an already checked provider.
    pub fn from_parts(
        provider: DynProvider,
        profile: NetworkProfile,
        gradpay: Address,
        sender: Address,
    ) -> Self {
        let contract = GradPay::new(gradpay, provider.clone());
        Self {
            provider,
            wallet: None,
            contract,
            profile: Arc::new(profile),
            sender,
            gas: Arc::default(),
            deployment_block: None,
        }
    }

    /// The typed contract.
    pub const fn contract(&self) -> &GradPay::GradPayInstance<DynProvider> {
        &self.contract
    }

    /// The provider.
    pub const fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// The network profile.
    pub fn profile(&self) -> &NetworkProfile {
        &self.profile
    }

    /// The signing account.
    pub const fn sender(&self) -> Address {
        self.sender
    }

    /// Starts log queries (e.g. `ContributionsRecorded`) at `block`, GradPay's deployment block
    /// (from the deployments file), instead of at genesis.
    pub const fn with_deployment_block(mut self, block: Option<u64>) -> Self {
        self.deployment_block = block;
        self
    }

    /// The block GradPay was deployed in, when known.
    pub const fn deployment_block(&self) -> Option<u64> {
        self.deployment_block
    }

    /// The GradPay address.
    pub fn address(&self) -> Address {
        *self.contract.address()
    }

    /// Every transaction mined so far with its gas used and limit.
    pub fn gas_records(&self) -> Vec<GasRecord> {
        self.gas.lock().map(|g| g.clone()).unwrap_or_default()
    }

    pub(crate) fn record_gas(&self, operation: &str, gas_used: u64, gas_limit: u64) {
        if let Ok(mut gas) = self.gas.lock() {
            gas.push(GasRecord { operation: operation.to_owned(), gas_used, gas_limit });
        }
    }

    /// A transaction request from the sender to the contract with `input`.
    pub(crate) fn request(&self, input: alloy::primitives::Bytes) -> TransactionRequest {
        TransactionRequest::default().with_from(self.sender).with_to(self.address()).with_input(input)
    }

    /// Turns a transport error into ours: a revert decoded into the custom error, an unreachable
    /// node named by URL, or the RPC's message.
    pub fn rpc_error(&self, action: &str, error: &TransportError) -> Error {
        if let Some(data) = error.as_error_resp().and_then(|payload| payload.as_revert_data()) {
            return Error::Revert { action: action.to_owned(), reason: describe_revert(&data) };
        }
        match error {
            RpcError::Transport(kind) if !kind.is_retry_err() => {
                Error::RpcUnreachable { url: self.profile.rpc_url.clone(), reason: error.to_string() }
            }
            _ => Error::Rpc { action: action.to_owned(), reason: error.to_string() },
        }
    }

    /// Maps a contract-call error (views) like [`Self::rpc_error`].
    pub fn call_error(&self, action: &str, error: &alloy::contract::Error) -> Error {
        match error {
            alloy::contract::Error::TransportError(e) => self.rpc_error(action, e),
            other => Error::Rpc { action: action.to_owned(), reason: other.to_string() },
        }
    }

    /// Current fee caps, multiplied by `bump_percent` / 100 (to replace a stuck transaction).
    pub async fn fees(&self, bump_percent: u128) -> Result<Fees> {
        let estimate =
            self.provider.estimate_eip1559_fees().await.map_err(|e| self.rpc_error("estimating fees", &e))?;
        let bump = |fee: u128| fee.saturating_mul(bump_percent.max(100)) / 100;
        Ok(Fees {
            max_fee_per_gas: bump(estimate.max_fee_per_gas),
            max_priority_fee_per_gas: bump(estimate.max_priority_fee_per_gas),
        })
    }

    /// Fails with [`Error::InsufficientFunds`] unless the sender can pay `value` plus `gas` at `fees`.
    pub async fn ensure_funds(&self, value: U256, gas: u64, fees: Fees) -> Result<()> {
        let balance = self
            .provider
            .get_balance(self.sender)
            .await
            .map_err(|e| self.rpc_error("reading balance", &e))?;
        let needed = value + U256::from(gas) * U256::from(fees.max_fee_per_gas);
        if balance < needed {
            return Err(Error::InsufficientFunds { address: self.sender, balance, needed });
        }
        Ok(())
    }

    /// Estimates `tx`'s gas and returns the limit to send it with (estimate plus margin), refusing
    /// an operation above the per-transaction cap.
    pub async fn gas_limit_for(&self, action: &str, tx: &TransactionRequest) -> Result<u64> {
        let estimate =
            self.provider.estimate_gas(tx.clone()).await.map_err(|e| self.rpc_error(action, &e))?;
        if estimate > self.profile.max_tx_gas {
            return Err(Error::Rpc {
                action: action.to_owned(),
                reason: format!(
                    "needs {estimate} gas, above the per-transaction cap of {}; lower batch-size in gradpay.toml",
                    self.profile.max_tx_gas
                ),
            });
        }
        Ok(self.profile.gas_limit(estimate))
    }

    /// The next nonce of the sender, counting transactions still in the pool.
    pub async fn pending_nonce(&self) -> Result<u64> {
        self.provider
            .get_transaction_count(self.sender)
            .pending()
            .await
            .map_err(|e| self.rpc_error("reading nonce", &e))
    }

    /// Sends `tx` (gas from an estimate plus margin, funds checked) and waits for its receipt;
    /// a revert comes back decoded.
    pub async fn transact(&self, action: &str, tx: TransactionRequest) -> Result<TransactionReceipt> {
        let value = tx.value.unwrap_or_default();
        if !value.is_zero() {
            // Nodes refuse to estimate a call whose value exceeds the balance; say so in our words.
            self.ensure_funds(value, 0, Fees { max_fee_per_gas: 0, max_priority_fee_per_gas: 0 }).await?;
        }
        let gas_limit = self.gas_limit_for(action, &tx).await?;
        let fees = self.fees(100).await?;
        self.ensure_funds(value, gas_limit, fees).await?;
        let nonce = self.pending_nonce().await?;
        let tx = with_fees(tx, fees).with_gas_limit(gas_limit).with_nonce(nonce);
        let hash = self.send(action, tx.clone()).await?;
        tracing::debug!(%hash, action, gas_limit, "sent");
        let receipt = self.wait_receipt(hash, Duration::from_secs(self.profile.receipt_timeout_secs)).await?;
        let Some(receipt) = receipt else {
            return Err(Error::NotMined { hash, seconds: self.profile.receipt_timeout_secs });
        };
        if !receipt.status() {
            return Err(self.explain_failure(action, tx, gas_limit, &receipt).await);
        }
        self.record_gas(action, receipt.gas_used(), gas_limit);
        Ok(receipt)
    }

    /// Sends a fully specified transaction (nonce, gas, fees set) and returns its hash. Signed
    /// locally when a signer is known, so that a transport failure is retried with exponential
    /// backoff as the same signed bytes: a node that already has it answers "already known" or
    /// "nonce too low" and we wait for the receipt of that hash. Reverts are never retried.
    pub async fn send(&self, action: &str, tx: TransactionRequest) -> Result<B256> {
        let Some(wallet) = &self.wallet else {
            let pending = self.provider.send_transaction(tx).await.map_err(|e| self.rpc_error(action, &e))?;
            return Ok(*pending.tx_hash());
        };
        let tx = tx.with_chain_id(self.profile.chain_id);
        let envelope = tx
            .build(wallet)
            .await
            .map_err(|e| Error::Rpc { action: action.to_owned(), reason: format!("cannot sign: {e}") })?;
        let hash = *envelope.tx_hash();
        let mut backoff = Duration::from_millis(200);
        for attempt in 1.. {
            match self.provider.send_tx_envelope(envelope.clone()).await {
                Ok(_) => return Ok(hash),
                Err(e) => {
                    let message = e.to_string().to_lowercase();
                    if attempt > 1 && (message.contains("already known") || message.contains("nonce too low"))
                    {
                        // An earlier attempt reached the node after all.
                        return Ok(hash);
                    }
                    if e.as_error_resp().is_some() || attempt >= SEND_ATTEMPTS {
                        return Err(self.rpc_error(action, &e));
                    }
                    tracing::warn!(%hash, attempt, error = %e, ?backoff, "send failed in transit; re-sending the same transaction");
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
            }
        }
        Err(Error::NotMined { hash, seconds: 0 })
    }

    /// Re-runs a failed transaction as a call at its block's parent to recover the revert reason.
    pub(crate) async fn explain_failure(
        &self,
        action: &str,
        tx: TransactionRequest,
        gas_limit: u64,
        receipt: &TransactionReceipt,
    ) -> Error {
        let block = receipt.block_number.map(|b| b.saturating_sub(1)).unwrap_or_default();
        match self.provider.call(tx).block(block.into()).await {
            Err(e) => self.rpc_error(action, &e),
            Ok(_) => Error::Revert {
                action: action.to_owned(),
                reason: format!(
                    "transaction {} failed after using {} of {gas_limit} gas{}",
                    receipt.transaction_hash,
                    receipt.gas_used(),
                    if receipt.gas_used() >= gas_limit { " (out of gas: raise gas-margin-bps)" } else { "" }
                ),
            },
        }
    }

    /// Polls for `hash`'s receipt until `timeout`; `None` if it never came. Transport errors while
    /// polling (a restarting node) are retried until the timeout.
    pub async fn wait_receipt(&self, hash: B256, timeout: Duration) -> Result<Option<TransactionReceipt>> {
        let started = Instant::now();
        let poll = Duration::from_millis(self.profile.poll_interval_ms.max(1));
        loop {
            match self.provider.get_transaction_receipt(hash).await {
                Ok(Some(receipt)) => return Ok(Some(receipt)),
                Ok(None) => {}
                Err(e) => tracing::debug!(%hash, error = %e, "receipt poll failed"),
            }
            if started.elapsed() >= timeout {
                return Ok(None);
            }
            tokio::time::sleep(poll).await;
        }
    }

    // ------------------------------------------------------------------ session reads
    // (the lifecycle — create, register, exclude, complete — is in crate::session)

    /// The session's running totals (reward-math.md §1 sums over every accepted entry).
    pub async fn session_totals(
        &self,
        session_id: u64,
    ) -> Result<crate::bindings::IContributionTracker::SessionTotals> {
        self.contract
            .getSessionTotal(session_id)
            .call()
            .await
            .map_err(|e| self.call_error("reading session totals", &e))
    }

    /// The dense index of `node` in the session.
    pub async fn node_index(&self, session_id: u64, node: Address) -> Result<u32> {
        self.contract
            .nodeIndex(session_id, node)
            .call()
            .await
            .map_err(|e| self.call_error("reading node index", &e))
    }
}

/// Sets EIP-1559 fee caps on `tx`.
pub(crate) fn with_fees(tx: TransactionRequest, fees: Fees) -> TransactionRequest {
    tx.with_max_fee_per_gas(fees.max_fee_per_gas).with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas)
}

/// Kept for callers that name a raw state; see [`crate::session::SessionState`].
pub use crate::session::state_name;
