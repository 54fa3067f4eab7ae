//! Node-signed registration, one-off claim routing and nonce cancelling from the command line,
//! each test on its own anvil: a node-signed session takes its nodes from their signed consents
//! (one with a payout, which its claim pays) and refuses a plain registration; every bad consent is
//! one line naming its line and fix, with nothing sent; `claim --to` pays another address once;
//! `payout cancel` burns a nonce, and the claim signed with it is refused by `claim --relay`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cli_support;
mod payouts_support;
mod safe_support;

use alloy::{
    primitives::{Address, B256, U256},
    signers::local::PrivateKeySigner,
};
use cli_support::{ADMIN, Cli, FOURTH, OTHER, THIRD, admin_key, fails, gradpay, metrics_line, ok, other_key};
use gradpay::demo::anvil::{set_balance, simulated_node_signer};
use payouts_support::{
    POOL, digest_of, finalize_with_pool, library, line_of, nonce_used, payout_of, pending, signed_by,
    two_node_session, two_of_three_safe,
};
use serde_json::Value;

/// A deployment with three funded simulated nodes and their keys as GRADPAY_PRIVATE_KEY takes them.
async fn three_nodes() -> (Cli, Vec<PrivateKeySigner>, Vec<String>) {
    let cli = Cli::start();
    let nodes: Vec<_> = (0..3).map(|i| simulated_node_signer(i).unwrap()).collect();
    for node in &nodes {
        set_balance(&cli.provider, node.address(), U256::from(POOL)).await.unwrap();
    }
    let keys = nodes.iter().map(|n| n.to_bytes().to_string()).collect();
    (cli, nodes, keys)
}

/// The node id the tests give node `i`.
fn node_id(i: u8) -> String {
    B256::repeat_byte(i + 1).to_string()
}

/// `key`'s consent line to `session` under `id`, with `extra` options.
fn consent(cli: &Cli, key: &str, session: &str, id: &str, extra: &[&str]) -> String {
    let mut args = vec!["node", "consent", "--session", session, "--node-id", id];
    args.extend(extra);
    ok(cli.path(), &[("GRADPAY_PRIVATE_KEY", key)], &args).stdout
}

/// The line with `key` set to `value`.
fn edit(line: &str, key: &str, value: Value) -> String {
    let mut v: Value = serde_json::from_str(line.trim()).unwrap();
    v[key] = value;
    v.to_string() + "\n"
}

/// `gradpay node consent` with `args`.
fn at<'a>(args: &[&'a str]) -> Vec<&'a str> {
    [&["node", "consent"][..], args].concat()
}

fn register(cli: &Cli, file: &str, expected: &[&str]) {
    let args = ["session", "register", "--session", "1", "--consents", file];
    fails(cli.path(), &admin_key(), &args, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_signed_session_takes_its_nodes_from_their_consents() {
    let (cli, nodes, keys) = three_nodes().await;
    let d = cli.path();
    let n: Vec<Address> = nodes.iter().map(PrivateKeySigner::address).collect();
    let created =
        ok(d, &admin_key(), &["session", "create", "--session", "1", "--node-signed", "--json"]).json();
    assert_eq!((created["created"].as_bool(), created["nodeSigned"].as_bool()), (Some(true), Some(true)));
    fails(
        d,
        &admin_key(),
        &["session", "create", "--session", "1"],
        &["already exists and is Active, with node-signed (not plain)"],
    );
    let again = ok(d, &admin_key(), &["session", "create", "--session", "1", "--node-signed"]);
    assert_eq!(again.stdout.trim(), "session 1 exists with the same parameters; nothing sent");

    // A plain registration is refused before anything is sent, in text and JSON.
    cli.write("nodes.txt", &n[0].to_string());
    let sent = cli.nonce(ADMIN).await;
    let plain = ["session", "register", "--session", "1", "--nodes", "nodes.txt"];
    fails(
        d,
        &admin_key(),
        &plain,
        &[
            "session 1 registers a node only with its signed consent; nothing sent",
            "`gradpay node consent --session 1 --node-id ID`",
            "`gradpay session register --session 1 --consents FILE`",
        ],
    );
    let json = gradpay(d, &admin_key(), &[&plain[..], &["--json"]].concat());
    assert_eq!(json.json_error().0, "nodeSignatureRequired");
    assert_eq!(cli.nonce(ADMIN).await, sent);

    // Each node signs its consent (node 1 routing its rewards to FOURTH): one line, nothing sent.
    let fourth = FOURTH.to_string();
    let lines: Vec<String> = (0..3)
        .map(|i| {
            let extra: &[&str] = if i == 1 { &["--payout", &fourth] } else { &[] };
            consent(&cli, &keys[i], "1", &node_id(i as u8), extra)
        })
        .collect();
    let first: Value = serde_json::from_str(lines[0].trim()).unwrap();
    assert_eq!(
        (first["type"].as_str(), first["sessionId"].as_str(), first["nodeId"].as_str()),
        (Some("nodeConsent"), Some("1"), Some(node_id(0).as_str()))
    );
    assert_eq!(first["payout"].as_str().unwrap().parse::<Address>().unwrap(), n[0], "its own by default");
    for node in &n {
        assert_eq!(cli.nonce(*node).await, 0, "signing sends nothing");
    }

    // The coordinator registers the file: batch-size 2 makes two transactions.
    cli.write("consents.jsonl", &lines.concat());
    let args = ["session", "register", "--session", "1", "--consents", "consents.jsonl", "--json"];
    let run = ok(d, &admin_key(), &args).json();
    let registration = &run["registration"];
    assert_eq!(registration["transactions"], 2);
    let registered = registration["registered"].as_array().unwrap();
    let got: Vec<(Address, u64, Address)> = registered
        .iter()
        .map(|r| {
            let address = r["address"].as_str().unwrap().parse().unwrap();
            (address, r["index"].as_u64().unwrap(), r["payout"].as_str().unwrap().parse().unwrap())
        })
        .collect();
    assert_eq!(got, [(n[0], 0, n[0]), (n[1], 1, FOURTH), (n[2], 2, n[2])]);
    assert_eq!(registered[2]["nodeId"].as_str(), Some(node_id(2).as_str()));
    assert_eq!((payout_of(&cli, n[0]), payout_of(&cli, n[1])), (n[0], FOURTH));
    assert_eq!(cli.nonce(ADMIN).await, sent + 2);

    // Record, finalize, fund: node 1's claim pays its payout.
    let metrics: Vec<String> = (0..3).map(|i| metrics_line(0, &i.to_string(), 100 - 20 * i, 9, 10)).collect();
    finalize_with_pool(&cli, &metrics);
    let (reward, before) = (pending(&cli, n[1]), cli.balance(FOURTH).await);
    assert!(reward > U256::ZERO);
    ok(d, &[("GRADPAY_PRIVATE_KEY", keys[1].as_str())], &["claim", "256"]);
    assert_eq!(cli.balance(FOURTH).await - before, reward, "the payout the node signed got it");

    // claim --to routes one claim elsewhere (not the payout); zero or nothing left is one line.
    let env0 = [("GRADPAY_PRIVATE_KEY", keys[0].as_str())];
    let zero = Address::ZERO.to_string();
    let node_sent = cli.nonce(n[0]).await;
    fails(
        d,
        &env0,
        &["claim", "256", "--to", &zero],
        &["claim to the zero address would burn", "nothing sent"],
    );
    let json = gradpay(d, &env0, &["claim", "256", "--to", &zero, "--json"]);
    assert_eq!(json.json_error().0, "zeroRecipient");
    assert_eq!(cli.nonce(n[0]).await, node_sent, "nothing sent");
    let (reward, before) = (pending(&cli, n[0]), cli.balance(THIRD).await);
    let run = ok(d, &env0, &["claim", "256", "--to", &THIRD.to_string(), "--json"]).json();
    assert_eq!(run["amount"].as_str().unwrap(), reward.to_string());
    assert_eq!(run["to"].as_str().unwrap().parse::<Address>().unwrap(), THIRD);
    assert_eq!(cli.balance(THIRD).await - before, reward, "paid to --to");
    fails(
        d,
        &env0,
        &["claim", "256", "--to", &THIRD.to_string()],
        &["nothing to claim from pool 256", "already claimed"],
    );
    assert_eq!(cli.nonce(n[0]).await, node_sent + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_consent_is_one_line_and_sends_nothing() {
    let (cli, nodes, keys) = three_nodes().await;
    let d = cli.path();
    let n: Vec<Address> = nodes.iter().map(PrivateKeySigner::address).collect();
    for session in ["1", "2"] {
        ok(d, &admin_key(), &["session", "create", "--session", session, "--node-signed"]);
    }
    // Node 2 joins session 1 first; its line is spent then.
    let spent = consent(&cli, &keys[2], "1", &node_id(2), &[]);
    cli.write("spent.jsonl", &spent);
    ok(d, &admin_key(), &["session", "register", "--session", "1", "--consents", "spent.jsonl"]);

    // What the node refuses to sign: nothing signed, nothing sent.
    let env = |i: usize| [("GRADPAY_PRIVATE_KEY", keys[i].as_str())];
    fails(
        d,
        &env(2),
        &at(&["--session", "1", "--node-id", &node_id(7)]),
        &[&format!("{} cannot join session 1: it is registered in it already; nothing signed", n[2])],
    );
    fails(
        d,
        &env(0),
        &at(&["--session", "1", "--node-id", &node_id(2)]),
        &[&format!("node id {} is {}'s in it; ask the coordinator for another --node-id", node_id(2), n[2])],
    );
    let zero = Address::ZERO.to_string();
    fails(
        d,
        &env(0),
        &at(&["--session", "1", "--node-id", &node_id(0), "--payout", &zero]),
        &["zero address"],
    );
    fails(d, &env(0), &at(&["--session", "9", "--node-id", &node_id(0)]), &["session 9 does not exist"]);

    let good = consent(&cli, &keys[0], "1", &node_id(0), &[]);
    let sent = cli.nonce(ADMIN).await;

    // Another session's consent.
    cli.write("other.jsonl", &consent(&cli, &keys[0], "2", &node_id(0), &[]));
    register(
        &cli,
        "other.jsonl",
        &["other.jsonl:1: a consent to session 2, not 1", "--session 2", "nothing sent"],
    );
    // An edited payout no longer carries the node's signature.
    cli.write("edited.jsonl", &edit(&good, "payout", Value::String(FOURTH.to_string())));
    register(
        &cli,
        "edited.jsonl",
        &["edited.jsonl:1:", &format!("the signature is not {}'s", n[0]), "gradpay node consent"],
    );
    // Node 1's consent signed with node 0's key.
    let theirs: gradpay::payouts::SignedRequest =
        serde_json::from_str(consent(&cli, &keys[1], "1", &node_id(1), &[]).trim()).unwrap();
    cli.write("key.jsonl", &signed_by(&cli, &nodes[0], theirs).await);
    register(&cli, "key.jsonl", &["key.jsonl:1:", &format!("the signature is not {}'s", n[1])]);
    // A consent already used, after a good line that is not sent either.
    cli.write("spent2.jsonl", &(good.clone() + &spent));
    register(
        &cli,
        "spent2.jsonl",
        &["spent2.jsonl:2:", &format!("{} is registered in session 1 already", n[2])],
    );
    // The same node twice, and a line that is no consent.
    cli.write("twice.jsonl", &(good.clone() + &good));
    register(&cli, "twice.jsonl", &["twice.jsonl:2:", "has a consent on line 1 already"]);
    cli.write("junk.jsonl", &format!("{good}\nnot json\n"));
    register(&cli, "junk.jsonl", &["junk.jsonl:3: not a node's consent", "`gradpay node consent`"]);
    let json = gradpay(
        d,
        &admin_key(),
        &["session", "register", "--session", "1", "--consents", "junk.jsonl", "--json"],
    );
    assert_eq!(json.json_error().0, "consentRefused");
    // A consent is not a relayer's line.
    cli.write("relay.jsonl", &good);
    fails(d, &other_key(), &["claim", "--relay", "relay.jsonl"], &["relay.jsonl:1:", "--consents FILE"]);
    // Expired: the chain moves past the deadline.
    cli.write("short.jsonl", &consent(&cli, &keys[0], "1", &node_id(0), &["--valid-for", "60s"]));
    cli.advance_time(61).await;
    register(&cli, "short.jsonl", &["short.jsonl:1: the signature expired at unix time"]);

    // Nothing of it was sent: the coordinator's nonce, node 0 and 1 unregistered.
    assert_eq!(cli.nonce(ADMIN).await, sent);
    assert_eq!(cli.nonce(OTHER).await, 0);
    let c = library(&cli, n[0]).await;
    for node in &n[..2] {
        assert!(!c.is_registered(1, *node).await.unwrap());
    }
    assert_eq!(c.session(1).await.unwrap().nodeCount, 1);
    // The good line still registers.
    cli.write("good.jsonl", &good);
    ok(d, &admin_key(), &["session", "register", "--session", "1", "--consents", "good.jsonl"]);
    assert!(c.is_registered(1, n[0]).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_nonce_refuses_the_claim_signed_with_it() {
    let (cli, nodes, keys) = two_node_session().await;
    let d = cli.path();
    let n0 = nodes[0].address();
    let env0 = [("GRADPAY_PRIVATE_KEY", keys[0].as_str())];
    let claim = ok(d, &env0, &["claim", "--sign", "256"]).stdout;
    assert_eq!(serde_json::from_str::<Value>(claim.trim()).unwrap()["nonce"], "0");

    let run = ok(d, &env0, &["payout", "cancel", "--nonce", "0"]);
    assert_eq!(
        run.stdout.trim(),
        format!("nonce 0 of {n0} cancelled: a request signed with it can no longer be submitted")
    );
    assert!(nonce_used(&cli, n0, 0).await);
    let sent = cli.nonce(n0).await;

    // The relayer refuses the cancelled claim; nothing sent, nothing claimed.
    cli.write("relay.jsonl", &claim);
    fails(
        d,
        &other_key(),
        &["claim", "--relay", "relay.jsonl"],
        &["relay.jsonl:1:", "nonce 0 of", "is used already", "nothing sent"],
    );
    assert_eq!(cli.nonce(OTHER).await, 0);
    assert!(pending(&cli, n0) > U256::ZERO, "still the node's to claim");

    // A nonce used already cannot be cancelled: one line, nothing sent.
    fails(
        d,
        &env0,
        &["payout", "cancel", "--nonce", "0"],
        &[&format!("nonce 0 of {n0} is used already"), "nothing to cancel; nothing sent"],
    );
    let json = gradpay(d, &env0, &["payout", "cancel", "--nonce", "0", "--json"]);
    assert_eq!(json.json_error().0, "nonceNotCancellable");
    assert_eq!(cli.nonce(n0).await, sent);
    // The next signature takes the next nonce.
    let next = ok(d, &env0, &["claim", "--sign", "256"]).stdout;
    assert_eq!(serde_json::from_str::<Value>(next.trim()).unwrap()["nonce"], "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_safe_node_consents_through_erc1271() {
    let cli = Cli::start();
    let d = cli.path();
    let (safe, owners) = two_of_three_safe(&cli).await;
    ok(d, &admin_key(), &["session", "create", "--session", "1", "--node-signed"]);

    // The Safe's consent, paid to FOURTH: no key signs it, its owners do.
    let c = library(&cli, safe).await;
    let draft = gradpay::payouts::SignedRequest::NodeConsent(gradpay::payouts::SignedConsent {
        signed_for: gradpay::payouts::SignedFor { chain_id: c.profile().chain_id, contract: c.address() },
        session_id: 1,
        node: safe,
        node_id: B256::repeat_byte(9),
        payout: FOURTH,
        deadline: c.latest_timestamp().await.unwrap() + 3_600,
        signature: Default::default(),
    });
    let digest = digest_of(&cli, &draft).await;
    let one = safe_support::safe_signature(&cli.provider, safe, digest, &[&owners[0]]).await;
    cli.write("one.jsonl", &line_of(draft.clone(), one));
    let sent = cli.nonce(ADMIN).await;
    register(&cli, "one.jsonl", &["one.jsonl:1:", &format!("the signature is not {safe}'s")]);
    assert_eq!(cli.nonce(ADMIN).await, sent, "nothing sent");

    let two = safe_support::safe_signature(&cli.provider, safe, digest, &[&owners[1], &owners[2]]).await;
    cli.write("two.jsonl", &line_of(draft, two));
    let args = ["session", "register", "--session", "1", "--consents", "two.jsonl"];
    let run = ok(d, &admin_key(), &args);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "session 1: 1 node(s) registered from their consents in 1 transaction(s)".to_owned(),
            format!("  node {safe} index 0 id {}, paid to {FOURTH}", B256::repeat_byte(9)),
        ]
    );
    assert!(c.is_registered(1, safe).await.unwrap());
    assert_eq!(payout_of(&cli, safe), FOURTH);
}
