//! A transaction's life without a global mempool (docs.monad.xyz, "Local Mempool", "Transaction
//! Lifecycle"): a successful `eth_sendRawTransaction` means only that this RPC node accepted it, and
//! an accepted transaction can still be dropped. So a transaction is signed locally once, its hash
//! known before it leaves, and the very same bytes are handed over again when the node no longer
//! knows it: never a second transaction for the same work.

use std::time::{Duration, Instant};

use alloy::eips::eip2718::Encodable2718;
use alloy::{
    network::{NetworkTransactionBuilder, TransactionBuilder},
    primitives::{B256, Bytes},
    providers::Provider,
    rpc::types::{TransactionReceipt, TransactionRequest},
};

use crate::{Coordinator, Error, Result};

/// Attempts at handing one signed transaction to the node when the transport fails.
const SEND_ATTEMPTS: u32 = 5;
/// Wait before the first re-send of a transaction lost in transit; doubles every attempt.
const FIRST_SEND_BACKOFF: Duration = Duration::from_millis(200);

/// How long a transaction may go without a receipt before the node is asked whether it still
/// knows it (and it is re-sent if not): a few Monad blocks, one or two of anvil's timed ones.
pub const REBROADCAST_AFTER: Duration = Duration::from_secs(2);

/// A transaction signed locally: its hash and the bytes to hand to a node (again, if need be).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    /// The transaction hash.
    pub hash: B256,
    /// The EIP-2718 encoding `eth_sendRawTransaction` takes.
    pub raw: Bytes,
}

impl Coordinator {
    /// Sends a fully specified transaction (nonce, gas, fees set) and returns its hash: signed
    /// locally when a signer is known and handed over with [`Self::broadcast`]; without one, the
    /// node signs (`eth_sendTransaction`, an unlocked anvil account). Reverts are never retried.
    pub async fn send(&self, action: &str, tx: TransactionRequest) -> Result<B256> {
        if self.wallet().is_none() {
            let pending =
                self.provider().send_transaction(tx).await.map_err(|e| self.rpc_error(action, &e))?;
            return Ok(*pending.tx_hash());
        }
        let signed = self.sign(action, tx).await?;
        self.broadcast(action, &signed, false).await
    }

    /// Signs `tx` with this handle's key ([`Error::Signing`] without one).
    pub async fn sign(&self, action: &str, tx: TransactionRequest) -> Result<SignedTx> {
        let signing = |reason: String| Error::Signing { action: action.to_owned(), reason };
        let wallet = self.wallet().ok_or_else(|| signing("this connection has no key".into()))?;
        let envelope = tx
            .with_chain_id(self.profile().chain_id)
            .build(wallet)
            .await
            .map_err(|e| signing(e.to_string()))?;
        Ok(SignedTx { hash: *envelope.tx_hash(), raw: envelope.encoded_2718().into() })
    }

    /// Hands `signed` to the node, retrying a transport failure with exponential backoff as the
    /// same bytes. A node that already has it (an earlier attempt arrived after all, or `again`:
    /// this is a re-broadcast) answers "already known" or "nonce too low", which is success: its
    /// receipt is then waited for by hash.
    pub async fn broadcast(&self, action: &str, signed: &SignedTx, again: bool) -> Result<B256> {
        let mut backoff = FIRST_SEND_BACKOFF;
        let mut attempt = 1;
        loop {
            let Err(e) = self.provider().send_raw_transaction(&signed.raw).await else {
                return Ok(signed.hash);
            };
            let message = e.to_string().to_lowercase();
            if (again || attempt > 1)
                && (message.contains("already known") || message.contains("nonce too low"))
            {
                return Ok(signed.hash);
            }
            if e.as_error_resp().is_some() {
                return Err(self.rpc_error(action, &e));
            }
            if attempt >= SEND_ATTEMPTS {
                return Err(match self.rpc_error(action, &e) {
                    gone @ Error::RpcUnreachable { .. } => gone,
                    _ => Error::RetriesExhausted {
                        action: action.to_owned(),
                        attempts: attempt,
                        last: e.to_string(),
                    },
                });
            }
            let hash = signed.hash;
            tracing::warn!(%hash, attempt, error = %e, ?backoff, "send failed in transit; re-sending the same transaction");
            tokio::time::sleep(backoff).await;
            backoff *= 2;
            attempt += 1;
        }
    }

    /// Waits for `signed`'s receipt until `timeout`, handing its bytes over again whenever the node
    /// no longer knows it ([`Self::rebroadcast_if_forgotten`]); `None` if it never came.
    pub async fn confirm(&self, signed: &SignedTx, timeout: Duration) -> Result<Option<TransactionReceipt>> {
        let started = Instant::now();
        let mut checked = started;
        let poll = Duration::from_millis(self.profile().poll_interval_ms.max(1));
        loop {
            if let Some(receipt) = self.receipt(signed.hash).await {
                return Ok(Some(receipt));
            }
            if started.elapsed() >= timeout {
                return Ok(None);
            }
            if checked.elapsed() >= REBROADCAST_AFTER {
                checked = Instant::now();
                self.rebroadcast_if_forgotten(signed).await?;
            }
            tokio::time::sleep(poll).await;
        }
    }

    /// Hands `signed` over again, as the same bytes, when the node no longer knows it (dropped: there
    /// is no global mempool to find it elsewhere). Returns whether it did; only an unreachable node
    /// is an error (a refusal is logged: the receipt wait goes on and decides).
    pub async fn rebroadcast_if_forgotten(&self, signed: &SignedTx) -> Result<bool> {
        let hash = signed.hash;
        if self.is_known(hash).await {
            return Ok(false);
        }
        tracing::warn!(%hash, sender = %self.sender(), "the node no longer knows the transaction; re-sending the same bytes");
        match self.broadcast("re-sending a transaction", signed, true).await {
            Ok(_) => Ok(true),
            Err(e @ Error::RpcUnreachable { .. }) => Err(e),
            Err(e) => {
                tracing::warn!(%hash, error = %e, "re-send refused");
                Ok(false)
            }
        }
    }

    /// Whether the node still knows `hash`: Monad's `txpool_statusByHash` (anything but
    /// `unknown`), else, where the node does not offer it, `eth_getTransactionByHash` (pending or
    /// mined). A transport failure counts as known, so that a flaky connection causes no re-send.
    pub async fn is_known(&self, hash: B256) -> bool {
        let status: std::result::Result<serde_json::Value, _> =
            self.provider().raw_request("txpool_statusByHash".into(), (hash,)).await;
        if let Ok(answer) = status {
            return answer.get("status").and_then(serde_json::Value::as_str) != Some("unknown");
        }
        match self.provider().get_transaction_by_hash(hash).await {
            Ok(found) => found.is_some(),
            Err(e) => {
                tracing::debug!(%hash, error = %e, "transaction lookup failed");
                true
            }
        }
    }
}
