//! What a node sees: `pending` and `status` say why nothing is owed (not registered, excluded, not
//! eligible, already claimed, claim window closed), read-only with `--node` and no key; keys from
//! a `cast wallet new DIR` keystore directory; a deployments file of another chain refused.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cli_support;

use std::process::Command;

use alloy::primitives::U256;
use cli_support::{Cli, admin_key, fails, metrics_line, ok};
use gradpay::demo::anvil::{Anvil, set_balance, simulated_node_signer};

const POOL: &str = "1000000000000000000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_and_status_say_why_nothing_is_owed() {
    let cli = Cli::start();
    let d = cli.path();
    let key = admin_key();
    let signers: Vec<_> = (0..4).map(|i| simulated_node_signer(i).unwrap()).collect();
    let n: Vec<String> = signers.iter().map(|s| s.address().to_string()).collect();
    // Nodes 0-2 registered; 0 and 1 compute, 1 is excluded, 2 never reports; 3 is a stranger.
    cli.write("nodes.txt", &n[..3].join("\n"));
    ok(d, &key, &["session", "create", "--session", "1", "--nodes", "nodes.txt"]);
    cli.write("m.jsonl", &[metrics_line(0, "0", 100, 9, 10), metrics_line(0, "1", 50, 5, 10)].join("\n"));
    ok(d, &key, &["record", "--session", "1", "--metrics", "m.jsonl"]);
    ok(d, &key, &["session", "exclude", "--session", "1", "--node", &n[1]]);
    ok(d, &key, &["session", "complete", "--session", "1"]);
    ok(d, &key, &["session", "finalize", "--session", "1"]);
    for pool in ["256", "257"] {
        let args =
            ["pool", "create", "--session", "1", "--amount", POOL, "--claim-window", "604800", "--json"];
        let created = ok(d, &key, &args).json();
        assert_eq!((created["pool"].as_str(), created["amount"].as_str()), (Some(pool), Some(POOL)));
    }

    // Read-only, with no key in the environment at all.
    let pending = |node: &str| ok(d, &[], &["pending", "--session", "1", "--node", node, "--json"]).json();
    let statuses = |node: &str| -> Vec<String> {
        let value = pending(node);
        value["rewards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["status"].as_str().unwrap().to_owned())
            .collect()
    };
    let only = pending(&n[0]);
    assert_eq!(only["standing"], "eligible");
    assert_eq!(only["rewards"][0]["poolId"], "256", "pool ids as decimal strings");
    assert_eq!(only["rewards"][1]["pending"], POOL, "the only eligible node is owed each whole pool");
    assert_eq!(statuses(&n[0]), ["claimable", "claimable"]);
    assert_eq!(
        (pending(&n[1])["standing"].as_str(), statuses(&n[1])),
        (Some("excluded"), vec!["excluded".into(); 2])
    );
    assert_eq!(statuses(&n[2]), ["notEligible", "notEligible"]);
    assert_eq!(statuses(&n[3]), ["notRegistered", "notRegistered"]);
    let text = |args: &[&str]| ok(d, &[], args).stdout;
    let run = text(&["pending", "--session", "1", "--node", &n[1]]);
    assert!(run.starts_with(&format!("node {} is excluded by the coordinator: owed nothing", n[1])), "{run}");
    assert!(run.contains("pool 256 (proportional, native): nothing: excluded by the coordinator"), "{run}");
    let run = text(&["status", "--session", "1", "--node", &n[2]]);
    assert!(run.contains("not eligible (no compute recorded): owed nothing"), "{run}");
    let run = text(&["status", "--session", "1", "--node", &n[3]]);
    assert!(run.contains(&format!("node {} is not registered in this session: owed nothing", n[3])), "{run}");
    let status = ok(d, &[], &["status", "--session", "1", "--node", &n[0], "--json"]).json();
    assert_eq!(
        (status["state"].as_str(), status["node"]["standing"].as_str()),
        (Some("Finalized"), Some("eligible"))
    );
    assert_eq!(status["node"]["record"]["computeSeconds"], "100");
    assert_eq!(status["node"]["rewards"][0]["status"], "claimable");
    fails(d, &[], &["pending", "--session", "1"], &["no signing key", "--node ADDRESS"]);
    fails(d, &[], &["status", "--session", "77", "--node", &n[0]], &["session 77 does not exist"]);

    // Node 0 claims pool 256; a second claim says why it sends nothing.
    set_balance(&cli.provider, signers[0].address(), U256::from(10u64.pow(18))).await.unwrap();
    let node_key = alloy::hex::encode(signers[0].to_bytes());
    let node_env = [("GRADPAY_PRIVATE_KEY", node_key.as_str())];
    let claimed = ok(d, &node_env, &["claim", "256", "--json"]).json();
    assert_eq!(
        (claimed["claimed"][0]["pool"].as_str(), claimed["claimed"][0]["amount"].as_str()),
        (Some("256"), Some(POOL))
    );
    assert_eq!(statuses(&n[0]), ["claimed", "claimable"]);
    let nonce = cli.nonce(signers[0].address()).await;
    fails(
        d,
        &node_env,
        &["claim", "256"],
        &["nothing to claim from pool 256", "already claimed; nothing sent"],
    );

    // After the deadline (at the chain's clock; a week, the shortest window, plus the client's
    // inclusion margin): the window is closed.
    cli.advance_time(604_800 + 2000).await;
    assert_eq!(statuses(&n[0]), ["claimed", "windowClosed"]);
    let run = text(&["pending", "--session", "1", "--node", &n[0]]);
    assert!(
        run.contains(
            "pool 257 (proportional, native): 1 (1000000000000000000 wei) unclaimed, claim window closed"
        ),
        "{run}"
    );
    fails(d, &node_env, &["claim", "257"], &["claim window closed; nothing sent"]);
    let run = ok(d, &node_env, &["claim", "--all", "--session", "1"]);
    assert!(run.stdout.contains("nothing pending: no transaction sent"), "{}", run.stdout);
    assert_eq!(cli.nonce(signers[0].address()).await, nonce, "no claim that could only fail was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keystore_directories_and_deployments_of_another_chain() {
    let cli = Cli::start();
    let d = cli.path();
    let cast = Anvil::binary().unwrap().with_file_name("cast");
    let new_wallet = || {
        let out = Command::new(&cast)
            .args(["wallet", "new"])
            .arg(d.join("ks"))
            .args(["--unsafe-password", "pw"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        stdout.lines().find_map(|l| l.strip_prefix("Address:")).unwrap().trim().to_owned()
    };
    std::fs::create_dir(d.join("ks")).unwrap();
    cli.write("pw", "pw\n");
    let with_keystore = ["--keystore", "ks", "--password-file", "pw", "status", "--session", "1"];
    ok(d, &admin_key(), &["session", "create", "--session", "1"]);
    fails(d, &[], &with_keystore, &["ks: the directory holds no keystore file"]);

    let address = new_wallet();
    let run = ok(d, &[], &with_keystore);
    assert!(
        run.stdout.contains(&format!("node {address} is not registered in this session")),
        "{}",
        run.stdout
    );

    new_wallet();
    let mut files: Vec<String> = std::fs::read_dir(d.join("ks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let listed = format!("the directory holds 2 files ({}, {})", files[0], files[1]);
    fails(d, &[], &with_keystore, &[&listed, "pass --keystore ks/FILE"]);

    // A deployments file written for Monad testnet, read by the local profile.
    let mut deployments: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("deployments/31337.json")).unwrap()).unwrap();
    deployments["chain_id"] = 10143.into();
    cli.write("testnet.json", &deployments.to_string());
    fails(
        d,
        &[("GRADPAY_DEPLOYMENTS", "testnet.json")],
        &["status", "--session", "1", "--node", &address],
        &["deployments file testnet.json is for chain 10143, but profile `local` is chain 31337"],
    );
}
