//! `gradpay serve` over plain HTTP on the session `verify`'s tests build (six nodes, one excluded,
//! one that never computed, a silent epoch, clipping, four ETH pools, three claims): the JSON API
//! says what the contract's views say, pages and their JSON twins agree, sorting and pages hold,
//! unknown or malformed ids are 404/400 with a message, an RPC that goes down leaves the last
//! indexed state served with the banner saying so, a corrupt index file is rebuilt, and a reorg
//! is written over. The command itself refuses what it cannot serve, with one line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_support;
mod common;
mod serve_support;
mod tcp_proxy;
mod verify_support;

use alloy::{primitives::U256, providers::Provider};
use serde_json::Value;
use serve_support::{get, get_json, serve, wait_indexed, wait_json};
use verify_support::{Audited, ExtraBatch, SESSION, build};

/// rewardOf and hasClaimed of every (pool, node), as the contract answers.
async fn contract_rewards(audited: &Audited) -> Vec<Vec<(U256, bool)>> {
    let c = &audited.chain.coordinator;
    let mut all = Vec::new();
    for node in &audited.nodes {
        let mut row = Vec::new();
        for &pool in &audited.pools {
            let reward = c.contract().rewardOf(pool, node.address()).call().await.unwrap();
            let claimed = c.contract().hasClaimed(pool, node.address()).call().await.unwrap();
            row.push((reward, claimed));
        }
        all.push(row);
    }
    all
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_and_pages_show_what_the_contract_views_return() {
    let audited = build(ExtraBatch::None).await;
    let c = &audited.chain.coordinator;
    let dir = tempfile::tempdir().unwrap();
    let dashboard = serve(c.profile().clone(), c.address(), dir.path()).await;
    let url = dashboard.url();
    wait_indexed(&url, c.latest_block().await.unwrap()).await;

    let (code, sessions) = get_json(&url, "/api/sessions").await;
    assert_eq!(code, 200);
    let session = &sessions["sessions"][0];
    let info = c.session(SESSION).await.unwrap();
    assert_eq!(session["id"], SESSION);
    assert_eq!(session["state"], "Finalized");
    assert_eq!(session["nodeCount"], info.nodeCount);
    assert_eq!(session["eligibleCount"], info.eligibleCount);
    assert_eq!(session["excludedCount"], 1, "node 4");
    assert_eq!(session["epochCount"], info.epochCount);
    assert_eq!(session["totalRounds"], info.totalRounds);
    let basis = c.contract().getRewardBasis(SESSION).call().await.unwrap();
    assert_eq!(session["clipCap"], basis.clipCap.to_string().as_str(), "clipping is on");
    let (_, none) = get_json(&url, "/api/sessions?state=Active").await;
    assert_eq!(none["sessions"].as_array().unwrap().len(), 0, "filtered by state");

    let expected = contract_rewards(&audited).await;
    let (_, page) = get_json(&url, &format!("/api/sessions/{SESSION}/nodes?sort=index&perPage=1000")).await;
    assert_eq!(page["total"], 6);
    let nodes = page["nodes"].as_array().unwrap();
    for (i, (node, signer)) in nodes.iter().zip(&audited.nodes).enumerate() {
        assert_eq!(node["index"], i);
        assert_eq!(node["address"], signer.address().to_checksum(None).as_str());
        let score = c.score(SESSION, signer.address()).await.unwrap();
        assert_eq!(node["score"], score.score.to_string().as_str(), "node {i}: getScore");
        let rewards = node["rewards"].as_array().unwrap();
        assert_eq!(rewards.len(), 4);
        for (cell, ((reward, claimed), pool)) in rewards.iter().zip(expected[i].iter().zip(&audited.pools)) {
            assert_eq!(cell["poolId"], pool.to_string().as_str());
            assert_eq!(cell["amount"], reward.to_string().as_str(), "node {i} pool {pool}: rewardOf");
            assert_eq!(cell["claimed"], *claimed, "node {i} pool {pool}: hasClaimed");
        }
    }
    assert_eq!(nodes[4]["excluded"], "verify test", "the exclusion's reason");
    assert!(nodes[5]["rank"].is_null(), "node 5 never computed: not ranked");

    let (_, by_score) = get_json(&url, &format!("/api/sessions/{SESSION}/nodes?sort=score&order=desc")).await;
    let scores: Vec<U256> = by_score["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["score"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "score descending: {scores:?}");
    let (_, second) =
        get_json(&url, &format!("/api/sessions/{SESSION}/nodes?sort=index&perPage=2&page=2")).await;
    let indices: Vec<_> = second["nodes"].as_array().unwrap().iter().map(|n| n["index"].clone()).collect();
    assert_eq!((indices, second["pages"].clone()), (vec![Value::from(2), Value::from(3)], Value::from(3)));

    let (_, pool) = get_json(&url, &format!("/api/pools/{}", audited.pools[0])).await;
    let claims = pool["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 2, "nodes 0 and 1 claimed the first pool: {pool}");
    let info = c.pool(audited.pools[0]).await.unwrap();
    assert_eq!(pool["pool"]["remaining"], info.remaining.to_string().as_str());
    assert_eq!(pool["pool"]["decimals"], 18);
    for claim in claims {
        let hash = claim["tx"].as_str().unwrap().parse().unwrap();
        let receipt = c.provider().get_transaction_receipt(hash).await.unwrap().unwrap();
        assert!(receipt.status(), "each claim names the transaction that made it");
    }

    let (_, cost) = get_json(&url, "/api/cost").await;
    let record =
        cost["operations"].as_array().unwrap().iter().find(|o| o["operation"] == "recordContributionsBatch");
    let record = record.unwrap_or_else(|| panic!("no record row: {cost}"));
    assert!(record["meanGasUsed"].as_u64().unwrap() > 0);
    assert!(record["meanGasLimit"].as_u64() >= record["meanGasUsed"].as_u64(), "{record}");

    let (_, explained) = get_json(&url, &format!("/api/nodes/{}", audited.nodes[0].address())).await;
    let formulas = explained["sessions"][0]["explanation"]["pools"].as_array().unwrap();
    assert_eq!(formulas.len(), 4);
    assert!(formulas.iter().all(|f| f["agrees"] == true), "model and contract agree: {formulas:?}");

    let node0 = audited.nodes[0].address();
    for path in [
        "/api/status".to_owned(),
        "/api/sessions".to_owned(),
        format!("/api/sessions/{SESSION}"),
        format!("/api/sessions/{SESSION}/nodes?perPage=1000"),
        format!("/api/pools/{}", audited.pools[0]),
        format!("/api/nodes/{node0}"),
        "/api/cost".to_owned(),
    ] {
        let (code, json) = get_json(&url, &path).await;
        assert_eq!(code, 200, "{path}: {json}");
        cli_support::assert_conventions(&json, &path);
    }
    let (_, summary) = get_json(&url, &format!("/api/sessions/{SESSION}")).await;
    assert!(summary.get("nodes").is_none() && summary["pools"].as_array().is_some_and(|p| p.len() == 4));
    assert_eq!(get_json(&url, "/api/cost").await.1["chargesLimit"], false, "anvil is not Monad");

    let (code, html) = get(&url, &format!("/sessions/{SESSION}")).await;
    assert_eq!(code, 200, "{html}");
    for signer in &audited.nodes {
        assert!(html.contains(&format!("data-node=\"{}\"", signer.address().to_checksum(None))));
    }
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 3, "three inline charts");
    let partial = get(&url, "/").await.1;
    assert!(partial.contains(&format!("data-session=\"{SESSION}\"")));

    for (path, code, says) in [
        ("/api/sessions/999", 404, "session 999"),
        ("/sessions/999", 404, "session 999"),
        ("/api/sessions/x", 400, "not a session id"),
        ("/api/pools/77", 404, "pool 77"),
        ("/api/pools/abc", 400, "not a pool id"),
        ("/api/nodes/0x0000000000000000000000000000000000000001", 404, "in no session"),
        ("/nodes/nonsense", 400, "not an address"),
        ("/nowhere", 404, "no such page"),
    ] {
        let (got, body) = get(&url, path).await;
        assert_eq!(got, code, "{path}: {body}");
        assert!(body.contains(says), "{path}: {body}");
    }
    dashboard.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_rpc_that_goes_down_leaves_the_last_state_and_a_corrupt_index_is_rebuilt() {
    let audited = build(ExtraBatch::None).await;
    let c = &audited.chain.coordinator;
    let anvil = audited.chain.anvil.url();
    let proxy = tcp_proxy::TcpProxy::start(anvil.trim_start_matches("http://").to_owned()).await;
    let mut profile = c.profile().clone();
    profile.rpc_url = format!("http://{}", proxy.address);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.sqlite"), b"not a database, a page of garbage ".repeat(200))
        .unwrap();
    let dashboard = serve(profile, c.address(), dir.path()).await;
    let url = dashboard.url();
    wait_indexed(&url, c.latest_block().await.unwrap()).await;
    let (_, before) = get_json(&url, "/api/sessions").await;
    assert_eq!(before["sessions"][0]["id"], SESSION, "the garbage was replaced by a rebuilt index");

    proxy.cut();
    let status = wait_json(&url, "/api/status", |s| s["rpc"]["ok"] == false).await;
    assert!(status["rpc"]["error"].as_str().is_some_and(|e| !e.is_empty()), "{status}");
    assert_eq!(get_json(&url, "/api/sessions").await.1, before, "the last indexed state, unchanged");
    let node0 = audited.nodes[0].address();
    for path in [
        "/api/status".to_owned(),
        "/api/sessions".to_owned(),
        format!("/api/sessions/{SESSION}"),
        format!("/api/sessions/{SESSION}/nodes?perPage=1000"),
        format!("/api/pools/{}", audited.pools[0]),
        format!("/api/nodes/{node0}"),
        "/api/cost".to_owned(),
    ] {
        let (code, json) = get_json(&url, &path).await;
        assert_eq!(code, 200, "{path}: {json}");
        cli_support::assert_conventions(&json, &path);
    }
    let (_, summary) = get_json(&url, &format!("/api/sessions/{SESSION}")).await;
    assert!(summary.get("nodes").is_none() && summary["pools"].as_array().is_some_and(|p| p.len() == 4));
    assert_eq!(get_json(&url, "/api/cost").await.1["chargesLimit"], false, "anvil is not Monad");

    let (code, html) = get(&url, &format!("/sessions/{SESSION}")).await;
    assert_eq!(code, 200, "{html}");
    assert!(html.contains("RPC unreachable") && html.contains("class=\"down\""), "the banner says so");

    proxy.restore();
    wait_json(&url, "/api/status", |s| s["rpc"]["ok"] == true).await;
    dashboard.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_claim_undone_by_a_reorg_leaves_the_index() {
    let audited = build(ExtraBatch::None).await;
    let c = &audited.chain.coordinator;
    let dir = tempfile::tempdir().unwrap();
    let dashboard = serve(c.profile().clone(), c.address(), dir.path()).await;
    let url = dashboard.url();
    let pool = audited.pools[1];
    let claims_path = format!("/api/pools/{pool}");
    let claimants = |json: &Value| -> Vec<String> {
        json["claims"].as_array().map_or_else(Vec::new, |c| {
            c.iter().map(|c| c["node"].as_str().unwrap_or("").to_owned()).collect()
        })
    };
    let node = |i: usize| audited.nodes[i].address().to_checksum(None);
    let (two, three) = (
        common::as_node(c, audited.nodes[2].clone()).await,
        common::as_node(c, audited.nodes[3].clone()).await,
    );
    wait_indexed(&url, c.latest_block().await.unwrap()).await;

    let snapshot: U256 = c.provider().raw_request("evm_snapshot".into(), ()).await.unwrap();
    two.claim(pool).await.unwrap();
    wait_json(&url, &claims_path, |j| claimants(j).contains(&node(2))).await;

    let reverted: bool = c.provider().raw_request("evm_revert".into(), (snapshot,)).await.unwrap();
    assert!(reverted);
    let _: Value = c.provider().raw_request("anvil_mine".into(), (3,)).await.unwrap();
    three.claim(pool).await.unwrap();
    let after = wait_json(&url, &claims_path, |j| claimants(j).contains(&node(3))).await;
    assert!(!claimants(&after).contains(&node(2)), "the reorged claim is gone: {after}");
    let (_, page) = get_json(&url, &format!("/api/sessions/{SESSION}/nodes?sort=index")).await;
    let claimed = |i: usize| page["nodes"][i]["rewards"][1]["claimed"].clone();
    assert_eq!((claimed(2), claimed(3)), (Value::from(false), Value::from(true)));
    dashboard.stop().await;
}

#[test]
fn the_command_refuses_what_it_cannot_serve_with_one_line() {
    let cli = cli_support::Cli::start();
    let listen = ["serve", "--listen", "127.0.0.1:0"];
    let dead = [("GRADPAY_CONTRACT", "0x000000000000000000000000000000000000dEaD")];
    cli_support::fails(
        cli.path(),
        &dead,
        &listen,
        &["no contract code at 0x000000000000000000000000000000000000dEaD"],
    );
    let with_key = ["serve", "--keystore", "key.json"];
    cli_support::fails(cli.path(), &[], &with_key, &["read-only", "takes no key"]);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    cli_support::fails(cli.path(), &[], &["serve", "--listen", &address], &["cannot listen on", &address]);

    // --json: the one line a caller waits for, as JSON, once it listens.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gradpay"))
        .current_dir(cli.path())
        .args(["--json", "serve", "--listen", "127.0.0.1:0", "--index", "index.sqlite"])
        .env_remove("GRADPAY_PRIVATE_KEY")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line)
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    let said: Value = serde_json::from_str(&line).unwrap();
    cli_support::assert_conventions(&said, "serve");
    assert!(said["serving"].as_str().unwrap().starts_with("http://127.0.0.1:"), "{said}");
    assert_eq!(said["index"], "index.sqlite");
}
