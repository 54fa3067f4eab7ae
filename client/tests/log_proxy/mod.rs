//! A JSON-RPC proxy in front of anvil that refuses `eth_getLogs` over more than `max_blocks`
//! blocks the way reth does ("query exceeds max block range N"), as public RPCs do and anvil
//! does not; everything else goes to anvil as is, but for one method it can be told to refuse as
//! an RPC without it does (`debug_traceTransaction` on a node without the debug namespace).

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use alloy::providers::{DynProvider, Provider};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

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
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let refused = Arc::new(AtomicUsize::new(0));
        let counter = refused.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, anvil.clone(), max_blocks, method, counter.clone()));
            }
        });
        Self { url, refused }
    }

    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }
}

/// Answers HTTP/1.1 requests on one (kept-alive) connection.
async fn serve(
    stream: TcpStream,
    anvil: DynProvider,
    max_blocks: u64,
    missing: Option<&'static str>,
    refused: Arc<AtomicUsize>,
) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await.unwrap();
        let request: Value = serde_json::from_slice(&body).unwrap();
        let answer = answer(&request, &anvil, max_blocks, missing, &refused).await.to_string();
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        reader.get_mut().write_all(response.as_bytes()).await.unwrap();
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
    let method = request["method"].as_str().unwrap().to_owned();
    let params = request["params"].clone();
    if missing == Some(method.as_str()) {
        let message = format!("the method {method} does not exist/is not available");
        return json!({ "jsonrpc": "2.0", "id": id, "error": { "code": -32601, "message": message } });
    }
    if method == "eth_getLogs" {
        let block = |key: &str| {
            u64::from_str_radix(params[0][key].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
        };
        if block("toBlock") - block("fromBlock") + 1 > max_blocks {
            refused.fetch_add(1, Ordering::SeqCst);
            let message = format!("query exceeds max block range {max_blocks}");
            return json!({ "jsonrpc": "2.0", "id": id, "error": { "code": -32602, "message": message } });
        }
    }
    match anvil.raw_request::<_, Value>(method.into(), params).await {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err(e) => {
            let payload =
                e.as_error_resp().map(|p| json!({ "code": p.code, "message": p.message, "data": p.data }));
            json!({ "jsonrpc": "2.0", "id": id, "error": payload.unwrap_or(json!({ "code": -32603, "message": e.to_string() })) })
        }
    }
}
