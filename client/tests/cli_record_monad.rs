//! `gradpay record` under Monad's transaction rules: `--keys N` takes keys 2 … N from
//! `GRADPAY_PRIVATE_KEY_2` … `_N`, each the session's delegate; a key that is not, a missing one,
//! one given twice, a fee budget too small for one batch and a fee cap below the base fee are each
//! one line naming the fix, with nothing sent, and the journal then resumes to record everything once.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;
mod record_support;

use alloy::{primitives::U256, providers::Provider, signers::local::PrivateKeySigner};
use gradpay::{
    access::SessionRight,
    demo::anvil::{AnvilOptions, DEV_KEYS, set_balance, simulated_node_signer},
};
use record_support::{NODES, cli_dir, gradpay, metrics_file, record, rpc, session};

const SESSION: u64 = 3;

/// A funded key that is not one of the dev keys, as hex.
async fn funded_key(chain: &common::Chain, n: u32) -> (PrivateKeySigner, String) {
    let key = simulated_node_signer(20_000 + n).unwrap();
    set_balance(chain.coordinator.provider(), key.address(), U256::from(10u128.pow(20))).await.unwrap();
    let hex = alloy::hex::encode(key.to_bytes());
    (key, hex)
}

fn failure_line(output: &std::process::Output) -> String {
    assert!(!output.status.success(), "must fail: {output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    stderr
}

#[tokio::test(flavor = "multi_thread")]
async fn record_through_two_keys_and_refuse_bad_ones() {
    let chain = common::start(AnvilOptions::default()).await;
    let c = session(&chain, SESSION, 0).await;
    let dir = cli_dir(&chain, &c);
    let file = metrics_file(&dir, "m.jsonl", &[&record(0, 0..NODES)]);
    let args = ["record", "--session", "3", "--metrics", file.to_str().unwrap(), "--keys", "2"];
    let (delegate, delegate_hex) = funded_key(&chain, 1).await;
    let (stranger, stranger_hex) = funded_key(&chain, 2).await;
    let owner_nonce = c.mined_nonce().await.unwrap();

    let missing = gradpay(&dir, &args).output().unwrap();
    let line = failure_line(&missing);
    assert!(line.contains("GRADPAY_PRIVATE_KEY_2") && line.contains("not set"), "{line}");

    let twice = gradpay(&dir, &args).env("GRADPAY_PRIVATE_KEY_2", DEV_KEYS[0]).output().unwrap();
    assert!(failure_line(&twice).contains("given twice"));

    let not_delegate = gradpay(&dir, &args).env("GRADPAY_PRIVATE_KEY_2", &stranger_hex).output().unwrap();
    let line = failure_line(&not_delegate);
    assert!(line.contains(&format!("gradpay session delegate --session 3 {}", stranger.address())), "{line}");
    assert!(!line.contains(&stranger_hex), "the key is never shown: {line}");
    assert_eq!(c.mined_nonce().await.unwrap(), owner_nonce, "nothing sent");

    let tiny = gradpay(&dir, &args[..5]).env("GRADPAY_FEE_BUDGET", "0.000001").output().unwrap();
    let line = failure_line(&tiny);
    assert!(
        line.contains("fee-budget of profile `local` is 1000000000000 wei")
            && line.contains("raise fee-budget"),
        "{line}"
    );
    // A base fee of 50 gwei from the next block on, above a 10 gwei cap.
    rpc(c.provider(), "anvil_setNextBlockBaseFeePerGas", serde_json::json!(["0xba43b7400"])).await;
    rpc(c.provider(), "evm_mine", serde_json::json!([])).await;
    let capped = gradpay(&dir, &args[..5]).env("GRADPAY_MAX_FEE_GWEI", "10").output().unwrap();
    let line = failure_line(&capped);
    assert!(
        line.contains("below the current base fee of 50000000000 wei") && line.contains("max-fee-gwei"),
        "{line}"
    );
    assert_eq!(c.mined_nonce().await.unwrap(), owner_nonce, "nothing sent");

    c.set_session_right(SESSION, SessionRight::Delegate, delegate.address(), true).await.unwrap();
    let owner_nonce = c.mined_nonce().await.unwrap();
    let ok = gradpay(&dir, &args).arg("--json").env("GRADPAY_PRIVATE_KEY_2", &delegate_hex).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let summaries: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    let keys = summaries[0]["keys"].as_array().unwrap();
    let sent: Vec<u64> = keys.iter().map(|k| k["transactions"].as_u64().unwrap()).collect();
    assert_eq!(summaries[0]["recorded"], 4, "{summaries}");
    assert_eq!(sent.iter().sum::<u64>(), 4, "{summaries}");
    let delegate_sent = c.provider().get_transaction_count(delegate.address()).await.unwrap();
    let owner_sent = c.mined_nonce().await.unwrap() - owner_nonce;
    assert_eq!((owner_sent, delegate_sent), (sent[0], sent[1]), "each key's count as the chain has it");
    record_support::assert_holds(&c, SESSION, &[(record_support::ROUNDS, record(0, 0..NODES).entries)]).await;
}
