//! A minimal JSON-RPC client over one keep-alive HTTP/1.1 connection, and an anvil started from
//! `node_modules` on a free local port. Enough to send the throughput scenario; nothing more.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::error::SimError;

fn rpc_error(what: impl std::fmt::Display) -> SimError {
    SimError::Rpc(what.to_string())
}

/// An anvil child process, killed on drop.
#[derive(Debug)]
pub struct Anvil {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
}

impl Anvil {
    /// Starts `anvil` (from `node_modules/.bin` under `repo_root`) on a free port, Prague rules,
    /// zero fees, every sender impersonated, and waits until it answers.
    pub fn start(repo_root: &Path) -> Result<Self, SimError> {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(rpc_error)?.port();
        let child = Command::new(repo_root.join("node_modules/.bin/anvil"))
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--hardfork", "prague", "--silent"])
            .args(["--auto-impersonate", "--base-fee", "0", "--gas-price", "0", "--disable-min-priority-fee"])
            .args(["--gas-limit", "1000000000", "--disable-code-size-limit"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| rpc_error(format!("cannot start anvil: {e}")))?;
        let anvil = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        // A probe that connected to itself (TCP self-connect on a free ephemeral port before anvil
        // listens) is not anvil answering; client/src/demo/anvil.rs guards its probe the same way.
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listening = || TcpStream::connect(address).is_ok_and(|s| s.local_addr().ok() != Some(address));
        while !listening() {
            if Instant::now() > deadline {
                return Err(rpc_error("anvil did not start within 30 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(anvil)
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One keep-alive connection speaking JSON-RPC.
#[derive(Debug)]
pub struct Rpc {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    next_id: u64,
}

impl Rpc {
    /// Connects to `127.0.0.1:port`.
    pub fn connect(port: u16) -> Result<Self, SimError> {
        let stream = TcpStream::connect(("127.0.0.1", port)).map_err(rpc_error)?;
        stream.set_nodelay(true).map_err(rpc_error)?;
        let writer = stream.try_clone().map_err(rpc_error)?;
        Ok(Self { reader: BufReader::new(stream), writer, next_id: 1 })
    }

    /// Calls `method` with `params`; the `result`, or the node's error as [`SimError::Rpc`].
    pub fn call(&mut self, method: &str, params: &Value) -> Result<Value, SimError> {
        let body =
            json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}).to_string();
        self.next_id += 1;
        let request = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.writer.write_all(request.as_bytes()).map_err(rpc_error)?;
        let mut reply: Value = serde_json::from_slice(&self.read_body()?).map_err(rpc_error)?;
        if let Some(error) = reply.get("error") {
            return Err(rpc_error(format!("{method}: {error}")));
        }
        Ok(reply.get_mut("result").map(Value::take).unwrap_or(Value::Null))
    }

    fn read_body(&mut self) -> Result<Vec<u8>, SimError> {
        let mut length = None;
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).map_err(rpc_error)? == 0 {
                return Err(rpc_error("connection closed"));
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let length = length.ok_or_else(|| rpc_error("reply without Content-Length"))?;
        let mut body = vec![0u8; length];
        self.reader.read_exact(&mut body).map_err(rpc_error)?;
        Ok(body)
    }
}
