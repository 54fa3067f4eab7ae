//! A JSON-RPC proxy in front of anvil that refuses `eth_getLogs` over more than `max_blocks`
//! blocks the way reth does ("query exceeds max block range N"), as public RPCs do and anvil
//! does not; everything else goes to anvil as is, but for one method it can be told to refuse as
//! an RPC without it does (`debug_traceTransaction` on a node without the debug namespace).
//! The HTTP side is `gradpay::demo::monad_rpc`'s.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use alloy::providers::DynProvider;
use gradpay::demo::monad_rpc::{error_response, forward, method_of, serve_json_rpc};
use serde_json::Value;

/// The running proxy: its URL and how many log requests it refused.
pub struct LogProxy {
    pub url: String,
    pub refused: Arc<AtomicUsize>,
}

impl LogProxy {
    pub async fn start(anvil: DynProvider, max_blocks: u64) -> Self {
        Self::start_without(anvil, max_blocks, None).await
    }

    /// A proxy that also answers `method` with geth's "method does not exist" error.
    pub async fn start_without(anvil: DynProvider, max_blocks: u64, method: Option<&'static str>) -> Self {
        let refused = Arc::new(AtomicUsize::new(0));
        let counter = refused.clone();
        let (url, _accepting) = serve_json_rpc(move |request| {
            let (anvil, counter) = (anvil.clone(), counter.clone());
            async move { answer(&request, &anvil, max_blocks, method, &counter).await }
        })
        .await
        .unwrap();
        Self { url, refused }
    }

    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }
}

async fn answer(
    request: &Value,
    anvil: &DynProvider,
    max_blocks: u64,
    missing: Option<&'static str>,
    refused: &AtomicUsize,
) -> Value {
    let id = request["id"].clone();
    let method = method_of(request);
    if missing == Some(method) {
        return error_response(id, -32601, &format!("the method {method} does not exist/is not available"));
    }
    if method == "eth_getLogs" {
        let block = |key: &str| {
            u64::from_str_radix(request["params"][0][key].as_str().unwrap().trim_start_matches("0x"), 16)
                .unwrap()
        };
        if block("toBlock") - block("fromBlock") + 1 > max_blocks {
            refused.fetch_add(1, Ordering::SeqCst);
            return error_response(id, -32602, &format!("query exceeds max block range {max_blocks}"));
        }
    }
    forward(anvil, request).await
}
