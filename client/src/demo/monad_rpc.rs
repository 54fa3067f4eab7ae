//! A Monad-like JSON-RPC test chain: a proxy in front of anvil that behaves the ways Monad differs
//! from it, so that the coordinator's pipeliner can be tested and benchmarked against them.
//!
//! - **Reserve balance.** Consensus caps the gas fees a sender has in flight — accepted and not yet
//!   included, or included fewer than `k` blocks ago — at a budget (Monad: `min(10 MON, balance)`);
//!   a transaction that would exceed it is not included until it fits (docs.monad.xyz,
//!   "Reserve Balance"). The proxy holds it ([`OverBudget::Hold`], as Monad) or refuses it
//!   ([`OverBudget::Refuse`]).
//! - **No global mempool.** `eth_sendRawTransaction` succeeding only means "accepted by this RPC
//!   node": an accepted transaction can be lost, and the client must re-send the same bytes
//!   ([`DropSends`]). A lost transaction looks unknown (`eth_getTransactionByHash` is null).
//! - **Late receipts** ([`MonadRpcOptions::receipt_delay`]).
//!
//! `txpool_statusByHash` (Monad's RPC reference: an object with a `status` of `unknown`,
//! `tracked`, `dropped`, `evicted` or `committed`) answers `{"status": …}` from the proxy's view:
//! `tracked` (held or forwarded), `committed` (mined), `unknown` (lost, as a node that lost it
//! would say, or never seen). Everything else goes upstream as is.
//!
//! Limits, on purpose: only `eth_sendRawTransaction` is budgeted (an unsigned `eth_sendTransaction`
//! goes straight to anvil); a held transaction is not upstream yet, so `eth_getTransactionByHash`
//! is null for it too; a re-send of a mined transaction goes upstream, which answers as a node
//! does ("nonce too low"); only `eth_getTransactionReceipt` is delayed.

mod http;
mod pool;

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use alloy::{
    consensus::{Transaction, TxEnvelope},
    eips::eip2718::Decodable2718,
    primitives::{Address, B256, Bytes},
    providers::{DynProvider, Provider, ProviderBuilder},
};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

pub use http::{error_response, forward, method_of, result_response, serve_json_rpc};
use pool::{Admission, FailedForward, Incoming, Pool};

use crate::{Error, Result};

/// Monad's `user_reserve_balance`, 10 MON: a sender's budget is the lower of it and its balance.
pub const USER_RESERVE_BALANCE_WEI: u128 = 10_000_000_000_000_000_000;
/// How often the proxy asks the upstream for new blocks.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// JSON-RPC error code of a refused transaction (geth's "transaction rejected" range).
const REFUSED_CODE: i64 = -32003;
/// JSON-RPC error code of bad parameters.
const INVALID_PARAMS: i64 = -32602;

/// What consensus does with a transaction over its sender's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverBudget {
    /// Accept it and include it once it fits, as Monad does (one whose fee alone exceeds the
    /// budget is never included).
    #[default]
    Hold,
    /// Answer a JSON-RPC error saying the reserve-balance budget is exceeded.
    Refuse,
}

/// Which accepted transactions the node loses: answered with their hash, never sent upstream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DropSends {
    /// None.
    #[default]
    None,
    /// The n-th distinct transaction accepted (from 0), the first time only: the same bytes sent
    /// again go through.
    Ordinals(BTreeSet<usize>),
    /// Every one, re-sends included: nothing is ever mined.
    All,
}

impl DropSends {
    fn drops(&self, ordinal: usize) -> bool {
        match self {
            Self::None => false,
            Self::Ordinals(ordinals) => ordinals.contains(&ordinal),
            Self::All => true,
        }
    }
}

/// How the proxy behaves.
#[derive(Debug, Clone)]
pub struct MonadRpcOptions {
    /// The node behind it (anvil's URL).
    pub upstream: String,
    /// Gas fees a sender may have in flight, wei; `None`: unbounded.
    pub fee_budget_wei: Option<u128>,
    /// `k`: a transaction mined in block `b` counts in flight until the head reaches `b + k - 1`.
    pub reserve_blocks: u64,
    /// Over-budget transactions are held or refused.
    pub over_budget: OverBudget,
    /// Which accepted transactions are lost.
    pub drop_sends: DropSends,
    /// `eth_getTransactionReceipt` answers null this long after the receipt first exists.
    pub receipt_delay: Duration,
}

impl MonadRpcOptions {
    /// Monad's rules with no budget, drop or delay yet: `k` = 3, over-budget transactions held.
    pub fn new(upstream: impl Into<String>) -> Self {
        Self {
            upstream: upstream.into(),
            fee_budget_wei: None,
            reserve_blocks: 3,
            over_budget: OverBudget::Hold,
            drop_sends: DropSends::None,
            receipt_delay: Duration::ZERO,
        }
    }
}

/// What the proxy has seen so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonadRpcStats {
    /// Distinct transactions accepted (held, forwarded or dropped; not refused).
    pub accepted: usize,
    /// Sends of a transaction already accepted (re-broadcasts of the same bytes).
    pub resent: usize,
    /// Sends answered with the hash and never sent upstream (or lost upstream after a hold).
    pub dropped: usize,
    /// Transactions that ever had to wait for their sender's budget.
    pub held: usize,
    /// Sends refused for the budget.
    pub refused: usize,
    /// Transactions sent upstream.
    pub forwarded: usize,
    /// The highest sum of gas fees seen in flight, per sender.
    pub max_in_flight_wei: BTreeMap<Address, u128>,
    /// Distinct transactions accepted, per sender.
    pub senders: BTreeMap<Address, usize>,
}

/// A running proxy; it stops when dropped.
#[derive(Debug)]
pub struct MonadRpc {
    /// Its HTTP endpoint.
    pub url: String,
    pool: Arc<Mutex<Pool>>,
    tasks: Vec<JoinHandle<()>>,
}

impl MonadRpc {
    /// Starts the proxy on a free loopback port, in front of `options.upstream`.
    pub async fn start(options: MonadRpcOptions) -> Result<Self> {
        let parsed = options.upstream.parse().map_err(|e| Error::Config {
            origin: "monad_rpc upstream".into(),
            reason: format!("`{}` is not a URL: {e}", options.upstream),
        })?;
        let upstream = ProviderBuilder::new().disable_recommended_fillers().connect_http(parsed).erased();
        let head = upstream
            .get_block_number()
            .await
            .map_err(|e| Error::RpcUnreachable { url: options.upstream.clone(), reason: e.to_string() })?;
        let pool = Arc::new(Mutex::new(Pool::new(&options, head)));
        let proxy = Proxy { upstream, pool: pool.clone() };
        let answering = proxy.clone();
        let (url, server) = serve_json_rpc(move |request| {
            let proxy = answering.clone();
            async move { proxy.answer(request).await }
        })
        .await?;
        let poller = tokio::spawn(proxy.poll_blocks(head));
        Ok(Self { url, pool, tasks: vec![server, poller] })
    }

    /// What it has seen so far.
    pub fn stats(&self) -> MonadRpcStats {
        lock(&self.pool).stats.clone()
    }

    /// Changes which transactions accepted from now on are lost (ordinals keep counting from the
    /// first transaction ever accepted).
    pub fn set_drop_sends(&self, drop_sends: DropSends) {
        lock(&self.pool).drop_sends = drop_sends;
    }
}

impl Drop for MonadRpc {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn lock(pool: &Mutex<Pool>) -> MutexGuard<'_, Pool> {
    pool.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the server's connections and the poller share.
#[derive(Clone)]
struct Proxy {
    upstream: DynProvider,
    pool: Arc<Mutex<Pool>>,
}

impl Proxy {
    async fn answer(&self, request: Value) -> Value {
        match method_of(&request) {
            "eth_sendRawTransaction" => self.send_raw(&request).await,
            "eth_getTransactionReceipt" => self.receipt(&request).await,
            "txpool_statusByHash" => match hash_param(&request) {
                Ok(hash) => {
                    result_response(request["id"].clone(), json!({ "status": lock(&self.pool).status(hash) }))
                }
                Err(error) => error,
            },
            _ => forward(&self.upstream, &request).await,
        }
    }

    async fn send_raw(&self, request: &Value) -> Value {
        let id = request["id"].clone();
        let tx = match decode(&request["params"][0]) {
            Ok(tx) => tx,
            Err(message) => return error_response(id, INVALID_PARAMS, &message),
        };
        let hash = tx.hash;
        let admission = lock(&self.pool).submit(&tx);
        match admission {
            Admission::AnswerHash => result_response(id, json!(hash)),
            Admission::Refuse(message) => error_response(id, REFUSED_CODE, &message),
            Admission::Upstream => forward(&self.upstream, request).await,
            Admission::Forward { first } => {
                let answer = forward(&self.upstream, request).await;
                let mut pool = lock(&self.pool);
                if answer.get("error").is_some() {
                    pool.forward_failed(
                        hash,
                        if first { FailedForward::First } else { FailedForward::Resent },
                    );
                } else {
                    pool.forward_succeeded(hash);
                }
                drop(pool);
                answer
            }
        }
    }

    /// The upstream's receipt, null until `receipt_delay` after it first existed.
    async fn receipt(&self, request: &Value) -> Value {
        let answer = forward(&self.upstream, request).await;
        let exists = answer.get("result").is_some_and(|r| !r.is_null());
        match hash_param(request) {
            Ok(hash) if exists && !lock(&self.pool).receipt_visible(hash, Instant::now()) => {
                result_response(request["id"].clone(), Value::Null)
            }
            _ => answer,
        }
    }

    /// Follows the upstream's blocks: books what each one mined and releases held transactions.
    async fn poll_blocks(self, mut scanned: u64) {
        let mut interval = tokio::time::interval(POLL_INTERVAL);
        loop {
            interval.tick().await;
            let Ok(head) = self.upstream.get_block_number().await else { continue };
            while scanned < head {
                let Ok(Some(block)) = self.upstream.get_block_by_number((scanned + 1).into()).await else {
                    break;
                };
                let hashes: Vec<B256> = block.transactions.hashes().collect();
                scanned += 1;
                lock(&self.pool).on_block(scanned, &hashes, Instant::now());
            }
            let released = lock(&self.pool).release();
            for (hash, raw) in released {
                let sent =
                    self.upstream.raw_request::<_, B256>("eth_sendRawTransaction".into(), (raw,)).await;
                if let Err(e) = sent {
                    tracing::warn!(%hash, error = %e, "upstream refused a released transaction");
                    lock(&self.pool).forward_failed(hash, FailedForward::Released);
                }
            }
        }
    }
}

/// The hash in `params[0]`, or the error response to answer.
fn hash_param(request: &Value) -> std::result::Result<B256, Value> {
    serde_json::from_value(request["params"][0].clone())
        .map_err(|e| error_response(request["id"].clone(), INVALID_PARAMS, &format!("invalid hash: {e}")))
}

/// Sender, nonce, budgeted fee and hash of a signed transaction's bytes.
fn decode(param: &Value) -> std::result::Result<Incoming, String> {
    let raw: Bytes =
        serde_json::from_value(param.clone()).map_err(|e| format!("invalid raw transaction: {e}"))?;
    let envelope =
        TxEnvelope::decode_2718(&mut raw.as_ref()).map_err(|e| format!("transaction decoding error: {e}"))?;
    let sender = envelope
        .signature()
        .recover_address_from_prehash(&envelope.signature_hash())
        .map_err(|e| format!("invalid signature: {e}"))?;
    Ok(Incoming {
        hash: *envelope.tx_hash(),
        sender,
        nonce: envelope.nonce(),
        fee: u128::from(envelope.gas_limit()).saturating_mul(envelope.max_fee_per_gas()),
        raw,
    })
}
