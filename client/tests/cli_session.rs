//! The session commands tell the truth: an existing id, a session in the wrong state, a node
//! registered twice, a missing role: each says what it found, and nothing is sent that the
//! output does not report. One anvil for the whole lifecycle.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cli_support;

use cli_support::{ADMIN, Cli, OTHER, admin_key, fails, gradpay, metrics_line, ok, other_key};
use gradpay::demo::anvil::simulated_node_signer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_commands_say_what_they_found_and_send_nothing_else() {
    let cli = Cli::start();
    let d = cli.path();
    let key = admin_key();
    let nodes: Vec<String> =
        (0..3).map(|i| simulated_node_signer(i).unwrap().address().to_string()).collect();

    let run = ok(d, &key, &["session", "create", "--session", "1", "--json"]);
    let created = run.json();
    assert_eq!((created["session"].as_str(), created["created"].as_bool()), (Some("1"), Some(true)));

    // The same parameters again: a no-op that says so. Different ones: refused, naming both.
    let before = cli.nonce(ADMIN).await;
    let run = ok(d, &key, &["session", "create", "--session", "1"]);
    assert_eq!(run.stdout.trim(), "session 1 exists with the same parameters; nothing sent");
    assert_eq!(ok(d, &key, &["session", "create", "--session", "1", "--json"]).json()["created"], false);
    fails(
        d,
        &key,
        &["session", "create", "--session", "1", "--clip-k", "5"],
        &["session 1 already exists and is Active, with clipK 0 (not 5)", "nothing sent"],
    );
    let hash = format!("0x{}", "11".repeat(32));
    fails(d, &key, &["session", "create", "--session", "1", "--model-hash", &hash], &["model hash 0x0000"]);
    assert_eq!(cli.nonce(ADMIN).await, before, "nothing was sent for an existing session");

    // Registration reports new and already-registered nodes apart, in text and JSON.
    cli.write("two.txt", &format!("# first two\n{}\n{}\n", nodes[0], nodes[1]));
    cli.write("three.txt", &nodes.join("\n"));
    let run = ok(d, &key, &["session", "register", "--session", "1", "--nodes", "two.txt"]);
    assert_eq!(run.stdout.trim(), "session 1: 2 node(s) registered");
    let run = ok(d, &key, &["session", "register", "--session", "1", "--nodes", "three.txt", "--json"]);
    let registered = run.json();
    assert_eq!(registered["registered"].as_array().unwrap().len(), 1, "{registered}");
    assert_eq!(registered["registered"][0]["index"], 2);
    assert_eq!(
        registered["registered"][0]["address"].as_str().unwrap().to_lowercase(),
        nodes[2].to_lowercase()
    );
    assert_eq!(registered["alreadyRegistered"].as_array().unwrap().len(), 2);
    let before = cli.nonce(ADMIN).await;
    let run = ok(d, &key, &["session", "register", "--session", "1", "--nodes", "three.txt"]);
    assert_eq!(
        run.stdout.trim(),
        "session 1: 0 node(s) registered, 3 already registered (nothing sent for those)"
    );
    assert_eq!(cli.nonce(ADMIN).await, before);

    // A malformed nodes file: one line, naming the file and the one bad line; nothing sent.
    cli.write("bad.txt", &format!("{}\n\n0x12345\n", nodes[0]));
    fails(
        d,
        &key,
        &["session", "register", "--session", "1", "--nodes", "bad.txt"],
        &["bad.txt:3: `0x12345` is not an address; expected `ADDRESS [NODE_ID]`"],
    );

    let excluded =
        ok(d, &key, &["session", "exclude", "--session", "1", "--node", &nodes[2], "--json"]).json();
    assert_eq!(excluded["excluded"].as_str().unwrap().to_lowercase(), nodes[2].to_lowercase());
    fails(d, &key, &["session", "exclude", "--session", "1", "--node", &nodes[2]], &["NodeAlreadyExcluded"]);

    // Completing: a session that does not exist, then the real one, then again.
    fails(d, &key, &["session", "complete", "--session", "42"], &["session 42 does not exist"]);
    cli.write("m.jsonl", &metrics_line(0, "0", 100, 9, 10));
    ok(d, &key, &["record", "--session", "1", "--metrics", "m.jsonl"]);
    let run = ok(d, &key, &["session", "complete", "--session", "1", "--json"]);
    assert_eq!(run.json()["state"], "Completed");
    fails(
        d,
        &key,
        &["session", "complete", "--session", "1"],
        &["session 1 is Completed; only an Active session can be completed; nothing sent"],
    );
    fails(d, &key, &["session", "create", "--session", "1"], &["session 1 already exists and is Completed"]);
    fails(
        d,
        &key,
        &["session", "register", "--session", "1", "--nodes", "two.txt"],
        &["session 1 is Completed"],
    );

    let finalized = ok(d, &key, &["session", "finalize", "--session", "1", "--json"]).json();
    assert_eq!((finalized["state"].as_str(), finalized["eligible"].as_u64()), (Some("Finalized"), Some(1)));
    assert_eq!(finalized["alreadyFinalized"], false);
    let run = ok(d, &key, &["session", "finalize", "--session", "1"]);
    assert!(run.stdout.contains("session 1 was already finalized; nothing sent"), "{}", run.stdout);
    fails(d, &key, &["session", "create", "--session", "1"], &["session 1 already exists and is Finalized"]);
    fails(d, &key, &["session", "complete", "--session", "1"], &["session 1 is Finalized"]);
    // The contract's own refusal, decoded with the states by name.
    fails(
        d,
        &key,
        &["session", "exclude", "--session", "1", "--node", &nodes[0]],
        &[
            "excludeNode reverted: SessionInWrongState { sessionId: 1, current: Finalized, required: Completed }",
        ],
    );

    // --json errors: one object on stderr, nothing on stdout.
    let run = gradpay(d, &key, &["--json", "session", "complete", "--session", "42"]);
    assert_eq!(run.json_error().0, "unknownSession");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = gradpay(d, &key, &["session", "create", "--session", "1", "--json"]);
    let (kind, message) = run.json_error();
    assert_eq!((kind.as_str(), message.contains("Finalized")), ("sessionExists", true), "{message}");
    let run = gradpay(d, &key, &["session", "create", "--json"]);
    assert_eq!(run.json_error().0, "usage", "clap's errors too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_granted_and_revoked_by_name() {
    let cli = Cli::start();
    let d = cli.path();
    let (admin, other) = (admin_key(), other_key());
    let other_address = OTHER.to_string();

    fails(
        d,
        &other,
        &["session", "create", "--session", "5"],
        &[
            &format!("AccessControlUnauthorizedAccount {{ account: {OTHER}, neededRole: COORDINATOR_ROLE }}"),
            &format!("an admin can grant it with `gradpay role grant coordinator {OTHER}`"),
        ],
    );
    // A non-admin cannot grant: one line naming the admin role.
    fails(d, &other, &["role", "grant", "coordinator", &other_address], &["lacks DEFAULT_ADMIN_ROLE"]);

    let run = ok(d, &admin, &["role", "grant", "coordinator", &other_address]);
    assert_eq!(run.stdout.trim(), format!("granted COORDINATOR_ROLE to {OTHER}"));
    let before = cli.nonce(ADMIN).await;
    let run = ok(d, &admin, &["role", "grant", "coordinator", &other_address, "--json"]);
    let value = run.json();
    assert_eq!((value["role"].as_str(), value["changed"].as_bool()), (Some("COORDINATOR_ROLE"), Some(false)));
    assert_eq!(cli.nonce(ADMIN).await, before, "already held: nothing sent");

    ok(d, &other, &["session", "create", "--session", "5"]);
    let run = ok(d, &admin, &["role", "revoke", "coordinator", &other_address]);
    assert_eq!(run.stdout.trim(), format!("revoked COORDINATOR_ROLE from {OTHER}"));
    let run = ok(d, &admin, &["role", "revoke", "coordinator", &other_address]);
    assert!(run.stdout.contains("does not hold COORDINATOR_ROLE; nothing sent"), "{}", run.stdout);
    let value = ok(d, &admin, &["role", "revoke", "coordinator", &other_address, "--json"]).json();
    assert_eq!((value["action"].as_str(), value["changed"].as_bool()), (Some("revoke"), Some(false)));
    fails(d, &other, &["session", "create", "--session", "6"], &["neededRole: COORDINATOR_ROLE"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_and_demo_print_json_by_the_conventions() {
    let cli = Cli::start();
    let d = cli.path();
    let deployed = ok(d, &admin_key(), &["deploy", "--out", "again.json", "--json"]).json();
    assert_eq!(
        (deployed["chainId"].as_str(), deployed["deployments"].as_str()),
        (Some("31337"), Some("again.json"))
    );
    assert!(deployed["gasUsed"].as_str().unwrap().parse::<u64>().unwrap() > 1_000_000, "{deployed}");
    // The demo runs on an anvil of its own.
    let report = ok(d, &[], &["demo", "--nodes", "3", "--epochs", "2", "--out", ".", "--json"]).json();
    assert_eq!(report["nodeCount"], 3);
    assert!(report["gasUsed"].is_string() && report["gas"][0]["totalUsed"].is_string(), "{report}");
}
