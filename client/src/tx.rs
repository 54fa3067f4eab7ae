//! The transaction layer under every operation: requests to the contract, views, fee caps,
//! nonces, gas limits (an estimate plus a small margin, because Monad charges the whole limit),
//! funds checks, local signing, sending with retries in transit, receipts, and the RPC's errors
//! turned into ours (a revert keeps its decoded custom error). The session lifecycle, recording,
//! finalization, pools and claims are built on these methods and never talk to the provider for
//! a transaction themselves.

use std::time::{Duration, Instant};

use alloy::{
    contract::{CallBuilder, CallDecoder},
    network::{ReceiptResponse, TransactionBuilder},
    primitives::{B256, Bytes, U256},
    providers::Provider,
    rpc::types::{TransactionReceipt, TransactionRequest},
    transports::{RpcError, TransportError},
};
use serde::Serialize;

use crate::{Coordinator, Error, Result, revert::RevertReason};

mod lifecycle;

pub use lifecycle::{REBROADCAST_AFTER, SignedTx};

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

impl Fees {
    /// No fee: for a funds check of the value alone.
    pub const ZERO: Self = Self { max_fee_per_gas: 0, max_priority_fee_per_gas: 0 };

    /// Sets these caps on `tx`.
    pub fn apply(self, tx: TransactionRequest) -> TransactionRequest {
        tx.with_max_fee_per_gas(self.max_fee_per_gas)
            .with_max_priority_fee_per_gas(self.max_priority_fee_per_gas)
    }
}

impl Coordinator {
    /// A transaction request from the sender to the contract with `input`.
    pub fn request(&self, input: Bytes) -> TransactionRequest {
        TransactionRequest::default().with_from(self.sender()).with_to(self.address()).with_input(input)
    }

    /// Turns a transport error into ours: a revert with its decoded custom error, an unreachable
    /// node named by URL, or the RPC's message.
    pub fn rpc_error(&self, action: &str, error: &TransportError) -> Error {
        if let Some(data) = error.as_error_resp().and_then(|payload| payload.as_revert_data()) {
            return Error::revert(action, RevertReason::from_data(&data));
        }
        match error {
            RpcError::Transport(kind) if !kind.is_retry_err() => {
                Error::RpcUnreachable { url: self.profile().rpc_url.clone(), reason: error.to_string() }
            }
            _ => Error::Transport { action: action.to_owned(), reason: error.to_string() },
        }
    }

    /// Maps a contract-call error like [`Self::rpc_error`]; an answer that does not decode is
    /// [`Error::Decoding`].
    pub fn call_error(&self, action: &str, error: &alloy::contract::Error) -> Error {
        match error {
            alloy::contract::Error::TransportError(e) => self.rpc_error(action, e),
            other => Error::Decoding { action: action.to_owned(), reason: other.to_string() },
        }
    }

    /// Runs a view (`self.view("reading pool", c.getPool(id)).await?`), its failure in our terms.
    pub async fn view<P: Provider, D: CallDecoder>(
        &self,
        action: &str,
        call: CallBuilder<P, D>,
    ) -> Result<D::CallOutput> {
        call.call().await.map_err(|e| self.call_error(action, &e))
    }

    /// Fails with [`Error::InsufficientFunds`] unless the sender can pay `value` plus `gas` at `fees`.
    pub async fn ensure_funds(&self, value: U256, gas: u64, fees: Fees) -> Result<()> {
        let sender = self.sender();
        let balance =
            self.provider().get_balance(sender).await.map_err(|e| self.rpc_error("reading balance", &e))?;
        let needed = value + U256::from(gas) * U256::from(fees.max_fee_per_gas);
        if balance < needed {
            return Err(Error::InsufficientFunds { address: sender, balance, needed });
        }
        Ok(())
    }

    /// The gas `tx` needs, as the node estimates it (on its pending block).
    pub async fn estimate(&self, action: &str, tx: TransactionRequest) -> Result<u64> {
        self.provider().estimate_gas(tx).await.map_err(|e| self.rpc_error(action, &e))
    }

    /// The gas `tx` needs on the latest block (a conflict only in the pending block does not show).
    pub async fn estimate_latest(&self, action: &str, tx: TransactionRequest) -> Result<u64> {
        self.provider().estimate_gas(tx).latest().await.map_err(|e| self.rpc_error(action, &e))
    }

    /// The limit to send an operation estimated at `estimate` with (estimate plus margin), or
    /// [`Error::GasAboveCap`] above the per-transaction cap.
    pub fn checked_gas_limit(&self, action: &str, estimate: u64) -> Result<u64> {
        let cap = self.profile().max_tx_gas;
        if estimate > cap {
            return Err(Error::GasAboveCap { action: action.to_owned(), needed: estimate, cap });
        }
        Ok(self.profile().gas_limit(estimate))
    }

    /// Estimates `tx`'s gas and returns the limit to send it with (see [`Self::checked_gas_limit`]).
    pub async fn gas_limit_for(&self, action: &str, tx: &TransactionRequest) -> Result<u64> {
        let estimate = self.estimate(action, tx.clone()).await?;
        self.checked_gas_limit(action, estimate)
    }

    /// `items` cut into consecutive chunks of at most `max_len` whose transaction (`calldata` of
    /// the chunk) each estimates within the profile's gas cap: as long as fit, a chunk over the
    /// cap shrunk in proportion and re-estimated. Every chunk is estimated before the caller sends
    /// any, so one item that alone needs more than the cap is [`Error::GasAboveCap`] with nothing
    /// sent (the chunks must not depend on each other).
    pub async fn gas_fitting_chunks<T: Clone>(
        &self,
        action: &str,
        items: &[T],
        max_len: usize,
        calldata: impl Fn(&[T]) -> Bytes,
    ) -> Result<Vec<Vec<T>>> {
        let cap = self.profile().max_tx_gas;
        let mut chunks = Vec::new();
        let mut rest = items;
        while !rest.is_empty() {
            let mut take = rest.len().min(max_len.max(1));
            loop {
                let estimate = self.estimate(action, self.request(calldata(&rest[..take]))).await?;
                if estimate <= cap {
                    break;
                }
                if take == 1 {
                    self.checked_gas_limit(&format!("{action} of one item"), estimate)?;
                }
                let fitting = (take as u128 * u128::from(cap) / u128::from(estimate)) as usize;
                take = fitting.clamp(1, take - 1);
            }
            let (chunk, after) = rest.split_at(take);
            chunks.push(chunk.to_vec());
            rest = after;
        }
        Ok(chunks)
    }

    /// The next nonce of the sender, counting transactions still in the pool.
    pub async fn pending_nonce(&self) -> Result<u64> {
        let count = self.provider().get_transaction_count(self.sender()).pending();
        count.await.map_err(|e| self.rpc_error("reading nonce", &e))
    }

    /// The next nonce of the sender after its mined transactions only (a dropped transaction's
    /// nonce, or a stuck one's, comes back).
    pub async fn mined_nonce(&self) -> Result<u64> {
        let count = self.provider().get_transaction_count(self.sender()).latest();
        count.await.map_err(|e| self.rpc_error("reading nonce", &e))
    }

    /// Sends `tx` (gas from an estimate plus margin, funds checked) and waits for its receipt;
    /// a revert comes back decoded.
    pub async fn transact(&self, action: &str, tx: TransactionRequest) -> Result<TransactionReceipt> {
        let value = tx.value.unwrap_or_default();
        if !value.is_zero() {
            // Nodes refuse to estimate a call whose value exceeds the balance; say so in our words.
            self.ensure_funds(value, 0, Fees::ZERO).await?;
        }
        let gas_limit = self.gas_limit_for(action, &tx).await?;
        let fees = self.fees(100).await?;
        self.ensure_funds(value, gas_limit, fees).await?;
        let nonce = self.pending_nonce().await?;
        let tx = fees.apply(tx).with_gas_limit(gas_limit).with_nonce(nonce);
        let timeout = self.profile().receipt_timeout_secs;
        let (hash, receipt) = if self.wallet().is_some() {
            // Signed here, so that a transaction the node drops is handed over again as itself.
            let signed = self.sign(action, tx.clone()).await?;
            let hash = self.broadcast(action, &signed, false).await?;
            tracing::debug!(%hash, action, gas_limit, "sent");
            (hash, self.confirm(&signed, Duration::from_secs(timeout)).await?)
        } else {
            let hash = self.send(action, tx.clone()).await?;
            (hash, self.wait_receipt(hash, Duration::from_secs(timeout)).await?)
        };
        let Some(receipt) = receipt else {
            return Err(Error::NotMined { hash, seconds: timeout });
        };
        if !receipt.status() {
            return Err(self.explain_failure(action, tx, gas_limit, &receipt).await);
        }
        self.record_gas(action, receipt.gas_used(), gas_limit);
        Ok(receipt)
    }

    /// Re-runs a failed transaction as a call at its block's parent to recover the revert reason.
    pub async fn explain_failure(
        &self,
        action: &str,
        tx: TransactionRequest,
        gas_limit: u64,
        receipt: &TransactionReceipt,
    ) -> Error {
        let block = receipt.block_number.map(|b| b.saturating_sub(1)).unwrap_or_default();
        match self.provider().call(tx).block(block.into()).await {
            Err(e) => self.rpc_error(action, &e),
            Ok(_) => Error::revert(
                action,
                RevertReason::Replayed {
                    hash: receipt.transaction_hash,
                    gas_used: receipt.gas_used(),
                    gas_limit,
                },
            ),
        }
    }

    /// Polls for `hash`'s receipt until `timeout`; `None` if it never came. Transport errors while
    /// polling (a restarting node) are retried until the timeout.
    pub async fn wait_receipt(&self, hash: B256, timeout: Duration) -> Result<Option<TransactionReceipt>> {
        let started = Instant::now();
        let poll = Duration::from_millis(self.profile().poll_interval_ms.max(1));
        loop {
            if let Some(receipt) = self.receipt(hash).await {
                return Ok(Some(receipt));
            }
            if started.elapsed() >= timeout {
                return Ok(None);
            }
            tokio::time::sleep(poll).await;
        }
    }

    /// `hash`'s receipt if the node has it now (a failed poll counts as not yet).
    pub async fn receipt(&self, hash: B256) -> Option<TransactionReceipt> {
        match self.provider().get_transaction_receipt(hash).await {
            Ok(receipt) => receipt,
            Err(e) => {
                tracing::debug!(%hash, error = %e, "receipt poll failed");
                None
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use alloy::primitives::Address;

    use super::*;
    use crate::{NetworkProfile, provider::build_provider};

    #[test]
    fn limits_are_the_estimate_plus_margin_and_refused_above_the_cap() {
        let mut profile = NetworkProfile::builtin("local").unwrap();
        (profile.max_tx_gas, profile.gas_margin_bps) = (1_000, 500);
        let provider = build_provider(&profile.rpc_url, None).unwrap();
        let c = Coordinator::from_parts(provider, profile, Address::ZERO, Address::ZERO);
        assert_eq!(c.checked_gas_limit("x", 800).unwrap(), 840);
        assert_eq!(c.checked_gas_limit("x", 1_000).unwrap(), 1_000, "the margin stops at the cap");
        let err = c.checked_gas_limit("recording epoch 3 batch 0", 1_001).unwrap_err();
        assert!(matches!(err, Error::GasAboveCap { needed: 1_001, cap: 1_000, .. }), "{err}");
        assert_eq!(err.kind(), "gasAboveCap");
        assert!(err.to_string().ends_with("lower batch-size in gradpay.toml"), "{err}");
    }

    #[test]
    fn fee_caps_are_set_on_the_request() {
        let fees = Fees { max_fee_per_gas: 7, max_priority_fee_per_gas: 2 };
        let tx = fees.apply(TransactionRequest::default());
        assert_eq!((tx.max_fee_per_gas, tx.max_priority_fee_per_gas), (Some(7), Some(2)));
    }
}
