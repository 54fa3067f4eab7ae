//! Running the real `gradpay` binary in a temp directory against an anvil, for the CLI tests.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{path::Path, process::Command};

use alloy::{
    primitives::Address,
    providers::{DynProvider, Provider},
};
use gradpay::demo::anvil::{Anvil, AnvilOptions, DEV_KEYS};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_gradpay");
/// The deployer, admin and coordinator of every test deployment (anvil's first account).
pub const ADMIN: Address = alloy::primitives::address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
/// Anvil's second account: no role.
pub const OTHER: Address = alloy::primitives::address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");

/// Anvil's third account: no role (a sponsor in the tests).
pub const THIRD: Address = alloy::primitives::address!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
/// Anvil's fourth account: no role, never sends (a refund address in the tests).
pub const FOURTH: Address = alloy::primitives::address!("90F79bf6EB2c4f870365E785982E1f101E93b906");
/// Anvil's third account's well-known development key.
const THIRD_KEY: &str = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as the one JSON document it must be, following docs/json.md's conventions.
    pub fn json(&self) -> Value {
        let value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", self.stdout));
        assert_conventions(&value, "");
        value
    }

    /// stderr as the one JSON error object it must be: (kind, message).
    pub fn json_error(&self) -> (String, String) {
        assert!(!self.ok, "expected a failure: {}", self.stdout);
        assert_eq!(self.stderr.lines().count(), 1, "one line on stderr: {}", self.stderr);
        let value: Value = serde_json::from_str(&self.stderr).unwrap();
        let error = &value["error"];
        (error["kind"].as_str().unwrap().to_owned(), error["message"].as_str().unwrap().to_owned())
    }
}

/// docs/json.md: camelCase keys; no number a double cannot hold exactly (those are strings); no
/// hex numbers (a `0x` string shorter than an address).
pub fn assert_conventions(value: &Value, at: &str) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let camel = key.starts_with(|c: char| c.is_ascii_lowercase())
                    && key.chars().all(|c| c.is_ascii_alphanumeric());
                assert!(camel, "key `{at}.{key}` is not camelCase");
                assert_conventions(inner, &format!("{at}.{key}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|item| assert_conventions(item, &format!("{at}[]"))),
        Value::Number(n) => {
            let exact = n.as_u64().is_some_and(|v| v < 1 << 53);
            assert!(
                exact,
                "`{at}` = {n}: a number past 2^53 (or not a natural number) must be a decimal string"
            );
        }
        Value::String(s) => {
            let hex_number = s.starts_with("0x") && s.len() < 42;
            assert!(!hex_number, "`{at}` = {s}: numbers are decimal, not hex");
        }
        Value::Null | Value::Bool(_) => {}
    }
}

/// Runs `gradpay args…` in `dir` with a clean GRADPAY_* environment plus `env`.
pub fn gradpay(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).args(args).env_remove("RUST_LOG");
    for (key, _) in std::env::vars() {
        if key.starts_with("GRADPAY_") && key != "GRADPAY_ANVIL" {
            cmd.env_remove(key);
        }
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().unwrap();
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// Runs `gradpay` and asserts it succeeded.
pub fn ok(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let run = gradpay(dir, env, args);
    assert!(run.ok, "{args:?} failed: {}{}", run.stdout, run.stderr);
    run
}

/// Runs `gradpay`, asserts it failed with one line on stderr containing every one of `expected`.
pub fn fails(dir: &Path, env: &[(&str, &str)], args: &[&str], expected: &[&str]) -> String {
    let run = gradpay(dir, env, args);
    assert!(!run.ok, "{args:?} should fail: {}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "{args:?}: one line: {}", run.stderr);
    for text in expected {
        assert!(run.stderr.contains(text), "{args:?}: expected `{text}` in: {}", run.stderr);
    }
    run.stderr
}

/// The coordinator's key.
pub fn admin_key() -> [(&'static str, &'static str); 1] {
    [("GRADPAY_PRIVATE_KEY", DEV_KEYS[0])]
}

/// A key without any role.
pub fn other_key() -> [(&'static str, &'static str); 1] {
    [("GRADPAY_PRIVATE_KEY", DEV_KEYS[1])]
}

/// Anvil's third account's key (no role).
pub fn third_key() -> [(&'static str, &'static str); 1] {
    [("GRADPAY_PRIVATE_KEY", THIRD_KEY)]
}

pub fn config(dir: &Path, url: &str) {
    let text = format!(
        "default_network = \"local\"\n[networks.local]\nrpc-url = \"{url}\"\nbatch-size = 2\njournal-dir = \"journal\"\n"
    );
    std::fs::write(dir.join("gradpay.toml"), text).unwrap();
}

/// A metrics line (epoch rounds 10).
pub fn metrics_line(epoch: u32, node: &str, c: u32, ok: u32, joined: u32) -> String {
    format!(
        r#"{{"epoch":{epoch},"epochRounds":10,"node":{node},"computeSeconds":{c},"accepted":9,"rejected":1,"roundsOk":{ok},"roundsJoined":{joined},"consistencyBps":9000,"networkBps":8000,"uptimeBps":10000}}"#
    )
}

/// An anvil, a temp dir with a gradpay.toml for it, and GradPay deployed by `gradpay deploy`.
pub struct Cli {
    pub anvil: Anvil,
    pub dir: tempfile::TempDir,
    pub provider: DynProvider,
}

impl Cli {
    pub fn start() -> Self {
        let anvil = Anvil::spawn(&AnvilOptions::default()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        config(dir.path(), &anvil.url());
        ok(dir.path(), &admin_key(), &["deploy"]);
        let provider = gradpay::provider::build_provider(&anvil.url(), None).unwrap();
        Self { anvil, dir, provider }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `name` in the temp dir.
    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path().join(name), text).unwrap();
    }

    /// Transactions `account` has sent so far.
    pub async fn nonce(&self, account: Address) -> u64 {
        self.provider.get_transaction_count(account).await.unwrap()
    }

    /// `account`'s native balance.
    pub async fn balance(&self, account: Address) -> alloy::primitives::U256 {
        self.provider.get_balance(account).await.unwrap()
    }

    /// Moves the chain's clock forward by `seconds` and mines a block at the new time.
    pub async fn advance_time(&self, seconds: u64) {
        let _: Value = self.provider.raw_request("evm_increaseTime".into(), (seconds,)).await.unwrap();
        let _: Value = self.provider.raw_request("evm_mine".into(), ()).await.unwrap();
    }
}
