//! The HTTP/1.1 side of a test RPC: a loopback listener that answers JSON-RPC requests, single or
//! batched, on kept-alive connections (alloy's HTTP client reuses connections and sends many
//! requests at once, so every connection gets its own task), and a forwarder to an upstream node.

use std::{future::Future, sync::Arc};

use alloy::providers::{DynProvider, Provider};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

use crate::{Error, Result};

/// A larger body is refused: nothing a test sends comes near it.
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Listens on a free loopback port and answers every JSON-RPC request object with `handler`
/// (which returns the whole response object, `id` included); returns the `http://` URL and the
/// accepting task (abort it to stop accepting).
pub async fn serve_json_rpc<H, F>(handler: H) -> Result<(String, JoinHandle<()>)>
where
    H: Fn(Value) -> F + Send + Sync + 'static,
    F: Future<Output = Value> + Send + 'static,
{
    let io = |source| Error::Io { action: "listening on", path: "127.0.0.1:0".into(), source };
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(io)?;
    let url = format!("http://{}", listener.local_addr().map_err(io)?);
    let handler = Arc::new(handler);
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve_connection(stream, handler.clone()));
        }
    });
    Ok((url, task))
}

/// Answers requests on one connection until the client closes it or sends something unreadable.
async fn serve_connection<H, F>(stream: TcpStream, handler: Arc<H>)
where
    H: Fn(Value) -> F + Send + Sync + 'static,
    F: Future<Output = Value> + Send + 'static,
{
    let mut reader = BufReader::new(stream);
    while let Ok(Some(Request { body, close })) = read_request(&mut reader).await {
        let answer = match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Array(requests)) => {
                Value::Array(futures::future::join_all(requests.into_iter().map(handler.as_ref())).await)
            }
            Ok(request) => (*handler)(request).await,
            Err(e) => error_response(Value::Null, -32700, &format!("parse error: {e}")),
        }
        .to_string();
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if reader.get_mut().write_all(response.as_bytes()).await.is_err() || close {
            return;
        }
    }
}

/// One HTTP request: its body and whether the client asked to close the connection after it.
struct Request {
    body: Vec<u8>,
    close: bool,
}

/// The next request, `None` at the end of the connection. The body is read by its
/// `content-length` (alloy, cast and curl send one; chunked bodies are not supported), after a
/// `100 Continue` if the client waits for one (curl does for larger bodies).
async fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let (mut length, mut close, mut expects_continue) = (0, false, false);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
        let Some((name, value)) = line.split_once(':') else { continue };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_ascii_lowercase());
        match name.as_str() {
            "content-length" => length = value.parse().map_err(std::io::Error::other)?,
            "connection" => close = value == "close",
            "expect" => expects_continue = value == "100-continue",
            _ => {}
        }
    }
    if expects_continue {
        reader.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    if length > MAX_BODY_BYTES {
        return Err(std::io::Error::other("request body too large"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await?;
    Ok(Some(Request { body, close }))
}

/// A JSON-RPC success response.
pub fn result_response(id: Value, result: Value) -> Value {
    response(id, "result", result)
}

/// A JSON-RPC error response.
pub fn error_response(id: Value, code: i64, message: &str) -> Value {
    response(id, "error", json!({ "code": code, "message": message }))
}

fn response(id: Value, key: &str, value: Value) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("jsonrpc".into(), "2.0".into());
    object.insert("id".into(), id);
    object.insert(key.into(), value);
    Value::Object(object)
}

/// The request's method, `""` when it has none (the upstream then answers "method not found").
pub fn method_of(request: &Value) -> &str {
    request["method"].as_str().unwrap_or_default()
}

/// Sends `request` upstream as is and answers what the upstream answered, its error included.
pub async fn forward(upstream: &DynProvider, request: &Value) -> Value {
    let id = request["id"].clone();
    let params = match &request["params"] {
        Value::Null => json!([]),
        params => params.clone(),
    };
    let method = method_of(request).to_owned();
    match upstream.raw_request::<_, Value>(method.into(), params).await {
        Ok(result) => result_response(id, result),
        Err(e) => match e.as_error_resp() {
            Some(payload) => response(id, "error", json!(payload)),
            None => error_response(id, -32603, &e.to_string()),
        },
    }
}
