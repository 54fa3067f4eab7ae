//! Who may do what, from the command line: a session belongs to the account that created it and
//! to the delegates it names; pools come from it, its delegates or the sponsors it approves, and
//! their leftovers go back to the refund address chosen at creation, swept by anyone; the admin
//! role changes hands in two steps, 3 days apart. Every refusal is one line saying what to do,
//! and sends nothing.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cli_support;

use alloy::primitives::U256;
use cli_support::{
    ADMIN, Cli, FOURTH, OTHER, THIRD, admin_key, fails, gradpay, metrics_line, ok, other_key, third_key,
};
use gradpay::demo::anvil::simulated_node_signer;

const WEEK: u64 = 7 * 24 * 3600;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_run_by_its_owner_and_its_delegates_only() {
    let cli = Cli::start();
    let d = cli.path();
    let (owner, other) = (admin_key(), other_key());
    let node = simulated_node_signer(0).unwrap().address().to_string();
    cli.write("nodes.txt", &format!("{node}\n"));
    ok(d, &owner, &["session", "create", "--session", "1"]);

    // A key the owner did not name: refused by the contract, with the command that fixes it.
    let before = cli.nonce(OTHER).await;
    fails(
        d,
        &other,
        &["session", "register", "--session", "1", "--nodes", "nodes.txt"],
        &[
            &format!("NotSessionOperator {{ sessionId: 1, account: {OTHER} }}"),
            "gradpay session delegate --session 1",
        ],
    );
    // Only the owner names delegates; the client checks before sending.
    let run = gradpay(d, &other, &["--json", "session", "delegate", "--session", "1", &OTHER.to_string()]);
    let (kind, message) = run.json_error();
    assert_eq!(kind, "notSessionOwner", "{message}");
    assert!(message.contains(&format!("owned by {ADMIN}")), "{message}");
    assert_eq!(cli.nonce(OTHER).await, before, "nothing sent by the refused key");

    let run = ok(d, &owner, &["session", "delegate", "--session", "1", &OTHER.to_string()]);
    assert_eq!(run.stdout.trim(), format!("{OTHER} is now a delegate of session 1"));
    let before = cli.nonce(ADMIN).await;
    let again =
        ok(d, &owner, &["session", "delegate", "--session", "1", &OTHER.to_string(), "--json"]).json();
    assert_eq!((again["right"].as_str(), again["changed"].as_bool()), (Some("delegate"), Some(false)));
    assert_eq!(cli.nonce(ADMIN).await, before, "already a delegate: nothing sent");

    // The delegate runs the session as the owner would.
    ok(d, &other, &["session", "register", "--session", "1", "--nodes", "nodes.txt"]);
    cli.write("m.jsonl", &metrics_line(0, "0", 100, 9, 10));
    ok(d, &other, &["record", "--session", "1", "--metrics", "m.jsonl"]);

    let run = ok(d, &owner, &["session", "delegate", "--session", "1", &OTHER.to_string(), "--revoke"]);
    assert_eq!(run.stdout.trim(), format!("{OTHER} is no longer a delegate of session 1"));
    fails(d, &other, &["session", "complete", "--session", "1"], &["NotSessionOperator"]);
    ok(d, &owner, &["session", "complete", "--session", "1"]);
    ok(d, &owner, &["session", "finalize", "--session", "1"]);

    // Pools: a stranger may not fund one (224 pool slots per session are not for strangers).
    let third = third_key();
    let pool_args = ["pool", "create", "--session", "1", "--amount", "1000000"];
    fails(
        d,
        &third,
        &[&pool_args[..], &["--refund", &FOURTH.to_string()]].concat(),
        &[
            &format!("NotSessionFunder {{ sessionId: 1, account: {THIRD} }}"),
            "gradpay session sponsor --session 1",
        ],
    );
    ok(d, &owner, &["session", "sponsor", "--session", "1", &THIRD.to_string()]);
    let before = cli.nonce(THIRD).await;
    let run = gradpay(d, &third, &[&pool_args[..], &["--claim-window", "3600", "--json"]].concat());
    assert_eq!(run.json_error().0, "claimWindowTooShort");
    assert_eq!(cli.nonce(THIRD).await, before, "a short window: nothing sent");
    let created = ok(
        d,
        &third,
        &[&pool_args[..], &["--claim-window", &WEEK.to_string(), "--refund", &FOURTH.to_string(), "--json"]]
            .concat(),
    )
    .json();
    assert_eq!(created["refundTo"].as_str().unwrap().to_lowercase(), FOURTH.to_string().to_lowercase());
    let pool = created["pool"].as_str().unwrap().to_owned();

    // Before the window ends nobody sweeps; after it, anyone does, and only the refund address gains.
    fails(d, &other, &["pool", "sweep", "--pool", &pool], &["ClaimWindowOpen"]);
    cli.advance_time(WEEK + 3600).await;
    let refund_before = cli.balance(FOURTH).await;
    let swept = ok(d, &other, &["pool", "sweep", "--pool", &pool, "--json"]).json();
    assert_eq!(swept["amount"].as_str(), Some("1000000"), "the node never claimed: the whole pool: {swept}");
    assert_eq!(cli.balance(FOURTH).await - refund_before, U256::from(1_000_000u64));
    fails(d, &other, &["pool", "sweep", "--pool", &pool], &["PoolAlreadySwept"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_role_changes_hands_in_two_steps() {
    let cli = Cli::start();
    let d = cli.path();
    let (admin, other, third) = (admin_key(), other_key(), third_key());

    // One step is not enough: granting the admin role directly is not even offered, and the
    // contract refuses a direct grant (OpenZeppelin AccessControlDefaultAdminRules).
    let run = gradpay(d, &admin, &["role", "grant", "admin", &OTHER.to_string()]);
    assert!(!run.ok, "no `role grant admin`: {}", run.stdout);

    let started = ok(d, &admin, &["role", "transfer-admin", &OTHER.to_string(), "--json"]).json();
    let from: u64 = started["acceptableFrom"].as_str().unwrap().parse().unwrap();
    fails(d, &third, &["role", "accept-admin"], &[&format!("being handed to {OTHER}, not {THIRD}")]);
    let before = cli.nonce(OTHER).await;
    let early =
        fails(d, &other, &["role", "accept-admin"], &["can be accepted from unix time", "retry then"]);
    assert!(early.contains(&from.to_string()), "{early}");
    assert_eq!(cli.nonce(OTHER).await, before, "too early: nothing sent");

    cli.advance_time(3 * 24 * 3600 + 1).await;
    let run = ok(d, &other, &["role", "accept-admin"]);
    assert_eq!(run.stdout.trim(), format!("{OTHER} is now the admin"));
    ok(d, &other, &["role", "grant", "coordinator", &THIRD.to_string()]);
    fails(d, &admin, &["role", "revoke", "coordinator", &THIRD.to_string()], &["lacks DEFAULT_ADMIN_ROLE"]);
    fails(d, &other, &["role", "accept-admin"], &["no admin hand-over is pending"]);
}
