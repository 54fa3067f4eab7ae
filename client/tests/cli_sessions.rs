//! A node across sessions: `sessions --node` finds every session it is in from its
//! `NodeRegistered` logs (with states and pending rewards, also with a one-block log range),
//! `pending --all-sessions` says the same, and `claim --all` claims every pool of every session
//! in one transaction, then sends nothing and says so; behind an RPC that refuses long log
//! ranges, the scan retries smaller ranges and finds the same.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cli_support;
mod log_proxy;

use alloy::{primitives::U256, providers::Provider};
use cli_support::{Cli, admin_key, metrics_line, ok};
use gradpay::demo::anvil::{set_balance, simulated_node_signer};
use serde_json::Value;

const POOL: &str = "1000000000000000000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_sees_and_claims_every_session_it_is_in() {
    let cli = Cli::start();
    let d = cli.path();
    let key = admin_key();
    let node = simulated_node_signer(0).unwrap();
    let other = simulated_node_signer(1).unwrap();
    let n = node.address().to_string();
    cli.write("nodes.txt", &format!("{n}\n{}", other.address()));
    // Sessions 1 and 2 finalized with pools (two in session 2), session 3 still active.
    for session in ["1", "2", "3"] {
        ok(d, &key, &["session", "create", "--session", session, "--nodes", "nodes.txt"]);
    }
    cli.write("m.jsonl", &[metrics_line(0, "0", 100, 9, 10), metrics_line(0, "1", 100, 9, 10)].join("\n"));
    for (session, pools) in [("1", 1), ("2", 2)] {
        ok(d, &key, &["record", "--session", session, "--metrics", "m.jsonl"]);
        ok(d, &key, &["session", "complete", "--session", session]);
        ok(d, &key, &["session", "finalize", "--session", session]);
        for _ in 0..pools {
            let args = ["pool", "create", "--session", session, "--amount", POOL, "--claim-window", "604800"];
            ok(d, &key, &args);
        }
    }
    // A session the node is not in.
    cli.write("others.txt", &other.address().to_string());
    ok(d, &key, &["session", "create", "--session", "4", "--nodes", "others.txt"]);

    let listed = |extra: &[&str]| -> Value {
        let mut args = vec!["sessions", "--node", &n, "--json"];
        args.extend_from_slice(extra);
        ok(d, &[], &args).json()
    };
    let value = listed(&[]);
    let sessions = value["sessions"].as_array().unwrap();
    let summary: Vec<(String, String, usize)> = sessions
        .iter()
        .map(|s| {
            (
                s["sessionId"].as_str().unwrap().to_owned(),
                s["state"].as_str().unwrap().to_owned(),
                s["rewards"].as_array().unwrap().len(),
            )
        })
        .collect();
    let expected = [("1", "Finalized", 1), ("2", "Finalized", 2), ("3", "Active", 0)];
    assert_eq!(summary, expected.map(|(s, st, p)| (s.to_owned(), st.to_owned(), p)), "{value}");
    assert_eq!(sessions[1]["rewards"][1]["status"], "claimable");
    // Both nodes computed the same: half of each pool.
    assert_eq!(sessions[1]["rewards"][1]["pending"], "500000000000000000");
    // One block per eth_getLogs request finds the same sessions.
    assert_eq!(listed(&["--max-log-range", "1"])["sessions"], value["sessions"]);
    assert_eq!(
        ok(d, &[], &["pending", "--all-sessions", "--node", &n, "--json"]).json()["sessions"],
        value["sessions"]
    );
    let text = ok(d, &[], &["sessions", "--node", &n]).stdout;
    assert!(text.contains("session 2: Finalized, eligible, claimable 1 native"), "{text}");
    assert!(
        text.contains("session 3: Active, not eligible (no compute recorded), nothing claimable"),
        "{text}"
    );
    let stranger = simulated_node_signer(7).unwrap().address().to_string();
    let text = ok(d, &[], &["sessions", "--node", &stranger]).stdout;
    assert!(text.contains("is in no session"), "{text}");
    let zero = cli_support::gradpay(d, &[], &["sessions", "--max-log-range", "0", "--node", &n, "--json"]);
    assert_eq!(zero.json_error().0, "usage", "a range of 0 blocks is refused");

    // claim --all, no session: the three pools of sessions 1 and 2 in one transaction.
    set_balance(&cli.provider, node.address(), U256::from(10u64.pow(18))).await.unwrap();
    let node_key = alloy::hex::encode(node.to_bytes());
    let env = [("GRADPAY_PRIVATE_KEY", node_key.as_str())];
    let before = cli.nonce(node.address()).await;
    let claimed = ok(d, &env, &["claim", "--all", "--json"]).json();
    let txs = claimed["transactions"].as_array().unwrap();
    assert_eq!(txs.len(), 1, "{claimed}");
    let pools: Vec<&str> =
        txs[0]["claimed"].as_array().unwrap().iter().map(|p| p["pool"].as_str().unwrap()).collect();
    assert_eq!(pools, ["256", "512", "513"]);
    assert_eq!(cli.nonce(node.address()).await, before + 1, "one transaction");
    let statuses: Vec<String> = listed(&[])["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["rewards"].as_array().unwrap().clone())
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["claimed"; 3]);
    let again = ok(d, &env, &["claim", "--all"]).stdout;
    assert!(again.contains("nothing pending in any session: no transaction sent"), "{again}");
    assert_eq!(cli.nonce(node.address()).await, before + 1, "the second run sent nothing");
    // With --session it stays one session's claim (nothing left there either).
    let one = ok(d, &env, &["claim", "--all", "--session", "2"]).stdout;
    assert!(one.contains("nothing pending: no transaction sent"), "{one}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_range_the_rpc_refuses_is_retried_smaller() {
    let cli = Cli::start();
    let d = cli.path();
    let key = admin_key();
    let node = simulated_node_signer(0).unwrap().address().to_string();
    cli.write("nodes.txt", &node);
    for session in ["1", "2", "3"] {
        ok(d, &key, &["session", "create", "--session", session, "--nodes", "nodes.txt"]);
        let _: Value = cli.provider.raw_request("anvil_mine".into(), (100,)).await.unwrap();
    }
    let direct = ok(d, &[], &["sessions", "--node", &node, "--json"]).json();
    assert_eq!(direct["sessions"].as_array().unwrap().len(), 3);

    // An RPC allowing 3 blocks per query, asked for 1000 at a time: refused, halved until 3 pass.
    let proxy = log_proxy::LogProxy::start(cli.provider.clone(), 3).await;
    let env = [("GRADPAY_RPC_URL", proxy.url.as_str())];
    let behind = ok(d, &env, &["sessions", "--node", &node, "--max-log-range", "1000", "--json"]).json();
    assert_eq!(behind, direct, "the same sessions through the refusing RPC");
    // Over 300 blocks in one chunk, refused at 300+, 150+, 75+, 38+, 19+, 10+, 5+ blocks.
    assert!(proxy.refused() >= 7, "{} refusals", proxy.refused());

    // An RPC refusing even one block: one line naming it, non-zero exit.
    let none = log_proxy::LogProxy::start(cli.provider.clone(), 0).await;
    let env = [("GRADPAY_RPC_URL", none.url.as_str())];
    let run = cli_support::gradpay(d, &env, &["sessions", "--node", &node, "--json"]);
    let (kind, message) = run.json_error();
    assert_eq!(kind, "logRangeRefused");
    assert!(message.contains("even for block 1 alone"), "the scan starts at the deployment block: {message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_that_do_not_fit_one_transaction_are_split_by_gas() {
    let cli = Cli::start();
    let d = cli.path();
    let key = admin_key();
    let node = simulated_node_signer(0).unwrap();
    cli.write("nodes.txt", &node.address().to_string());
    ok(d, &key, &["session", "create", "--session", "1", "--nodes", "nodes.txt"]);
    cli.write("m.jsonl", &metrics_line(0, "0", 100, 9, 10));
    ok(d, &key, &["record", "--session", "1", "--metrics", "m.jsonl"]);
    ok(d, &key, &["session", "complete", "--session", "1"]);
    ok(d, &key, &["session", "finalize", "--session", "1"]);
    for _ in 0..3 {
        ok(d, &key, &["pool", "create", "--session", "1", "--amount", POOL, "--claim-window", "604800"]);
    }
    set_balance(&cli.provider, node.address(), U256::from(10u64.pow(18))).await.unwrap();

    // A cap between what two and three pools' claims need (with the 5 % margin).
    let deployment = gradpay::config::Deployments::read(&d.join("deployments/31337.json")).unwrap();
    let profile = gradpay::NetworkProfile {
        rpc_url: cli.anvil.url(),
        ..gradpay::NetworkProfile::builtin("local").unwrap()
    };
    let c = gradpay::Coordinator::connect(profile, deployment.gradpay, node.clone()).await.unwrap();
    let estimate = async |pools: &[u64]| {
        let ids = pools.iter().map(|p| U256::from(*p)).collect();
        c.estimate("claim", c.request(c.contract().claimRewardsBatch(ids).calldata().clone())).await.unwrap()
    };
    let (two, three) = (estimate(&[257, 258]).await, estimate(&[256, 257, 258]).await);
    let cap = (two + three) / 2 * 105 / 100;
    let config = std::fs::read_to_string(d.join("gradpay.toml")).unwrap();
    cli.write("gradpay.toml", &format!("{config}max-tx-gas = {cap}\n"));

    let node_key = alloy::hex::encode(node.to_bytes());
    let claimed = ok(d, &[("GRADPAY_PRIVATE_KEY", node_key.as_str())], &["claim", "--all", "--json"]).json();
    let batches: Vec<Vec<&str>> = claimed["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["claimed"].as_array().unwrap().iter().map(|p| p["pool"].as_str().unwrap()).collect())
        .collect();
    assert_eq!(
        batches,
        [vec!["256"], vec!["257", "258"]],
        "three pools over the cap {cap} go as one and two"
    );
    let statuses =
        ok(d, &[], &["pending", "--all-sessions", "--node", &node.address().to_string(), "--json"]).json();
    let rewards = statuses["sessions"][0]["rewards"].as_array().unwrap();
    assert!(rewards.iter().all(|r| r["status"] == "claimed"), "{statuses}");
}
