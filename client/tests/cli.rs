//! The `gradpay` binary end to end on an anvil: a whole session driven from the command line, and
//! every bad input failing with a clear message, a non-zero exit and nothing sent.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cli_support;

use std::process::Command;

use alloy::providers::Provider;
use cli_support::{config, gradpay, metrics_line};
use gradpay::demo::anvil::{Anvil, AnvilOptions, DEV_KEYS, simulated_node_signer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_driven_from_the_command_line() {
    let anvil = Anvil::spawn(&AnvilOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    config(d, &anvil.url());
    let key = [("GRADPAY_PRIVATE_KEY", DEV_KEYS[0])];

    let run = gradpay(d, &key, &["deploy"]);
    assert!(run.ok, "{}", run.stderr);
    assert!(d.join("deployments/31337.json").is_file(), "deploy writes the file the profile points at");

    let nodes: Vec<_> = (0..3).map(|i| simulated_node_signer(i).unwrap()).collect();
    let list: String = nodes.iter().map(|n| format!("{}\n", n.address())).collect();
    std::fs::write(d.join("nodes.txt"), list).unwrap();
    let run = gradpay(d, &key, &["session", "create", "--session", "9", "--nodes", "nodes.txt"]);
    assert!(
        run.ok && run.stdout.contains("session 9 created (Active); 3 node(s) registered"),
        "{} {}",
        run.stdout,
        run.stderr
    );

    // Nodes by address and by index, two epochs, batch size 2.
    let lines = [
        metrics_line(0, &format!("\"{}\"", nodes[0].address()), 100, 9, 10),
        metrics_line(0, "1", 50, 5, 10),
        metrics_line(0, "2", 70, 7, 7),
        metrics_line(1, "0", 100, 10, 10),
        metrics_line(1, "2", 80, 8, 9),
    ];
    std::fs::write(d.join("metrics.jsonl"), lines.join("\n")).unwrap();
    let run = gradpay(d, &key, &["record", "--session", "9", "--metrics", "metrics.jsonl", "--json"]);
    assert!(run.ok, "{}", run.stderr);
    let summaries: serde_json::Value = run.json();
    assert_eq!(summaries[0]["batches"], 2);
    assert_eq!(summaries[1]["transactionsSent"], 1);
    // Re-running the same file is a no-op: everything is already on chain.
    let run = gradpay(d, &key, &["record", "--session", "9", "--metrics", "metrics.jsonl", "--json"]);
    let again: serde_json::Value = run.json();
    assert_eq!(
        (again[0]["transactionsSent"].as_u64(), again[1]["transactionsSent"].as_u64()),
        (Some(0), Some(0)),
        "{}",
        run.stdout
    );

    assert!(gradpay(d, &key, &["session", "complete", "--session", "9"]).ok);
    let run = gradpay(d, &key, &["session", "finalize", "--session", "9"]);
    assert!(run.ok && run.stdout.contains("3 eligible"), "{} {}", run.stdout, run.stderr);
    let run = gradpay(
        d,
        &key,
        &["pool", "create", "--session", "9", "--amount", "1000000000000000000", "--strategy", "tiered"],
    );
    assert!(run.ok, "{}", run.stderr);

    let node0 = nodes[0].address().to_string();
    let run = gradpay(d, &[], &["status", "--session", "9", "--node", &node0, "--json"]);
    assert!(run.ok, "{}", run.stderr);
    let status: serde_json::Value = run.json();
    assert_eq!(
        (
            status["state"].as_str(),
            status["node"]["index"].as_u64(),
            status["node"]["record"]["epochs"].as_u64()
        ),
        (Some("Finalized"), Some(0), Some(2))
    );
    assert_eq!(status["totals"]["nodeEpochs"], "5", "five metrics lines recorded once each");
    assert_eq!(status["totals"]["computeSeconds"], (100 + 50 + 70 + 100 + 80).to_string());
    let run = gradpay(d, &[], &["pending", "--session", "9", "--node", &node0, "--json"]);
    let pending: serde_json::Value = run.json();
    let due = pending["rewards"][0]["pending"].as_str().unwrap().to_owned();
    assert!(due != "0" && due.bytes().all(|b| b.is_ascii_digit()), "a decimal amount: {due}");
    assert_eq!(pending["rewards"][0]["status"], "claimable");

    // The node claims everything with its own key (funded first).
    let provider = gradpay::provider::build_provider(&anvil.url(), None).unwrap();
    gradpay::demo::anvil::set_balance(
        &provider,
        nodes[0].address(),
        alloy::primitives::U256::from(10u64.pow(18)),
    )
    .await
    .unwrap();
    let node_key = alloy::hex::encode(nodes[0].to_bytes());
    let run =
        gradpay(d, &[("GRADPAY_PRIVATE_KEY", &node_key)], &["claim", "--all", "--session", "9", "--json"]);
    assert!(run.ok, "{}", run.stderr);
    let claimed: serde_json::Value = run.json();
    assert_eq!(claimed["claimed"].as_array().unwrap().len(), 1);
    assert_eq!(claimed["claimed"][0]["amount"], due.as_str(), "claimed what pending said");
    let run = gradpay(d, &[("GRADPAY_PRIVATE_KEY", &node_key)], &["claim", "--all", "--session", "9"]);
    assert!(run.ok && run.stdout.contains("nothing pending"), "{}", run.stdout);

    // Bad inputs against the same live chain: each fails clearly and sends nothing.
    let coordinator = alloy::primitives::address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    let nonce_before = provider.get_transaction_count(coordinator).await.unwrap();
    let fails = |env: &[(&str, &str)], args: &[&str], expected: &str| {
        let run = gradpay(d, env, args);
        assert!(!run.ok, "{args:?} should fail");
        assert!(run.stderr.contains(expected), "{args:?}: expected `{expected}` in: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
    };
    std::fs::write(d.join("bad.jsonl"), format!("{}\n{{\"epoch\": 2,", metrics_line(2, "0", 1, 1, 1)))
        .unwrap();
    fails(&key, &["record", "--session", "9", "--metrics", "bad.jsonl"], "bad.jsonl:2");
    std::fs::write(d.join("bound.jsonl"), metrics_line(2, "0", 1, 5, 4)).unwrap();
    fails(&key, &["record", "--session", "9", "--metrics", "bound.jsonl"], "roundsOk 5 > roundsJoined 4");
    fails(&key, &["record", "--session", "9", "--metrics", "missing.jsonl"], "missing.jsonl");
    // The key and the connection, each wrong in one way: `session complete` says which.
    let dev_key = ("GRADPAY_PRIVATE_KEY", DEV_KEYS[0]);
    let elsewhere = ("GRADPAY_CONTRACT", "0x00000000000000000000000000000000000000aa");
    let testnet = ("GRADPAY_CHAIN_ID", "10143");
    for (env, expected) in [
        (vec![], "no signing key"),
        (vec![("GRADPAY_PRIVATE_KEY", "0x1234")], "not a valid secp256k1 private key"),
        (vec![dev_key, testnet], "is for chain 31337, but profile `local` is chain 10143"),
        (vec![dev_key, testnet, elsewhere], "expected 10143, got 31337"),
        (vec![dev_key, ("GRADPAY_RPC_URL", "http://127.0.0.1:9")], "http://127.0.0.1:9 is unreachable"),
        (vec![dev_key, elsewhere], "run `gradpay deploy`"),
    ] {
        fails(&env, &["session", "complete", "--session", "9"], expected);
    }
    fails(&key, &["claim", "999999"], "pool 999999 does not exist");
    fails(
        &key,
        &["session", "create", "--session", "10", "--nodes", "metrics.jsonl"],
        "metrics.jsonl:1: `{\"epoch\":0,",
    );
    fails(&key, &["pool", "create", "--session", "77", "--amount", "5"], "session 77 does not exist");
    fails(
        &[("GRADPAY_PRIVATE_KEY", DEV_KEYS[1])],
        &["session", "create", "--session", "11"],
        "neededRole: COORDINATOR_ROLE",
    );
    fails(
        &key,
        &["pool", "create", "--session", "9", "--amount", "1000000000000000000000000000"],
        "insufficient funds in 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    );
    fails(&key, &["--network", "mainnet", "status", "--session", "9"], "unknown network profile `mainnet`");

    // Keystore written by `cast wallet import`: right password works, a wrong one fails clearly.
    let cast = Anvil::binary().unwrap().with_file_name("cast");
    let status = Command::new(cast)
        .args(["wallet", "import", "dev0", "--private-key", DEV_KEYS[0], "--keystore-dir"])
        .arg(d.join("keys"))
        .args(["--unsafe-password", "correct horse"])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    std::fs::write(d.join("good.pw"), "correct horse\n").unwrap();
    std::fs::write(d.join("bad.pw"), "battery staple\n").unwrap();
    let run = gradpay(
        d,
        &[],
        &["--keystore", "keys/dev0", "--password-file", "good.pw", "status", "--session", "9"],
    );
    assert!(
        run.ok
            && run.stdout.contains(
                "node 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 is not registered in this session"
            ),
        "{} {}",
        run.stdout,
        run.stderr
    );
    fails(
        &[],
        &["--keystore", "keys/dev0", "--password-file", "bad.pw", "session", "complete", "--session", "9"],
        "wrong password",
    );
    fails(
        &[],
        &["--keystore", "keys/nope", "--password-file", "bad.pw", "session", "complete", "--session", "9"],
        "keys/nope: no such file or directory",
    );

    assert_eq!(
        provider.get_transaction_count(coordinator).await.unwrap(),
        nonce_before,
        "no bad input sent a transaction"
    );
    for args in [&["--help"][..], &["record", "--help"], &["claim", "--help"]] {
        assert!(gradpay(d, &[], args).ok);
    }
}
