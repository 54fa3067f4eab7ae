//! The dashboard's test set-up: a read-only dashboard on a deployment, waiting until its index has
//! caught up, and a plain HTTP/1.1 GET (what a browser's first request is, without one).

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{path::Path, time::Duration};

use alloy::primitives::Address;
use gradpay::{
    Coordinator, NetworkProfile,
    serve::{Dashboard, ServeOptions},
};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A dashboard of `contract` through `profile` (its rpc-url may be a proxy), index in `dir`.
pub async fn serve(profile: NetworkProfile, contract: Address, dir: &Path) -> Dashboard {
    let viewer = Coordinator::connect_read_only(profile, contract, Address::ZERO).await.unwrap();
    let options = ServeOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        index_path: dir.join("index.sqlite"),
        ws_url: None,
        refresh_ms: 100,
    };
    Dashboard::start(viewer, options).await.unwrap()
}

/// Waits until `/api/status` says the index reached `block`; returns the status.
pub async fn wait_indexed(url: &str, block: u64) -> Value {
    let mut last = Value::Null;
    for _ in 0..300 {
        let (code, body) = get(url, "/api/status").await;
        assert_eq!(code, 200, "{body}");
        last = serde_json::from_str(&body).unwrap();
        if last["ready"] == true && last["indexedBlock"].as_u64().is_some_and(|b| b >= block) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the index did not reach block {block}: {last}");
}

/// Polls `path` until `done(json)`; returns that JSON.
pub async fn wait_json(url: &str, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..300 {
        last = get_json(url, path).await.1;
        if done(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} never got there: {last}");
}

/// GET `path` of `base` (`http://host:port`): status code and body.
pub async fn get(base: &str, path: &str) -> (u16, String) {
    let host = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let code = head.split(' ').nth(1).unwrap().parse().unwrap();
    let chunked = head.to_lowercase().contains("transfer-encoding: chunked");
    (code, if chunked { unchunk(body) } else { body.to_owned() })
}

/// GET and parse as JSON.
pub async fn get_json(base: &str, path: &str) -> (u16, Value) {
    let (code, body) = get(base, path).await;
    (code, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
}

/// A chunked body's content.
fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}
