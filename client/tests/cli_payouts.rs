//! Payout addresses and relayed (gasless) requests from the command line, each test on its own
//! anvil: a payout set by the node routes its claim; a signed payout change and signed claims are
//! submitted by another account, which keeps a fee the nodes capped; every bad input is one line,
//! a non-zero exit, and nothing sent (balances and nonces unchanged).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cli_support;
mod payouts_support;
mod safe_support;

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
};
use cli_support::{Cli, FOURTH, OTHER, config, fails, ok, other_key};
use gradpay::{demo::anvil::simulated_node_signer, payouts::SignedRequest};
use payouts_support::{
    POOL, deployment, digest_of, draft_claim, draft_payout, finalized_session, gas_spent, library, line_of,
    nonce_used, payout_of, pending, signed_by, two_node_session, two_of_three_safe,
};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payout_set_by_the_node_routes_its_claim_there() {
    let (cli, nodes, keys) = two_node_session().await;
    let d = cli.path();
    let (n0, n1) = (nodes[0].address(), nodes[1].address());
    let (env0, env1) =
        ([("GRADPAY_PRIVATE_KEY", keys[0].as_str())], [("GRADPAY_PRIVATE_KEY", keys[1].as_str())]);
    assert_eq!(payout_of(&cli, n0), n0, "no payout: the node itself");

    let run = ok(d, &env0, &["payout", "set", &FOURTH.to_string(), "--session", "1"]);
    assert_eq!(run.stdout.trim(), format!("payout of {n0} set to {FOURTH} in session(s) 1"));
    assert_eq!(payout_of(&cli, n0), FOURTH);
    let every = ok(d, &[], &["payout", "show", "--node", &n0.to_string(), "--json"]).json();
    assert_eq!(
        (every["payouts"].as_array().unwrap().len(), every["payouts"][0]["session"].as_str()),
        (1, Some("1"))
    );
    let run = ok(d, &[], &["payout", "show", "--node", &OTHER.to_string()]);
    assert_eq!(run.stdout.trim(), format!("{OTHER} is in no session"));
    let sent = cli.nonce(n0).await;
    let run = ok(d, &env0, &["payout", "set", &FOURTH.to_string(), "--session", "1", "--json"]);
    let change = run.json();
    assert_eq!(
        (change["changed"].as_array().unwrap().len(), change["unchanged"][0].as_str()),
        (0, Some("1"))
    );
    assert_eq!(cli.nonce(n0).await, sent, "already so: nothing sent");

    // The claim pays the payout address; the node pays the gas only.
    let (reward, before) = (pending(&cli, n0), cli.balance(FOURTH).await);
    assert!(reward > U256::ZERO);
    ok(d, &env0, &["claim", "256"]);
    assert_eq!(cli.balance(FOURTH).await - before, reward);
    assert!(cli.balance(n0).await < U256::from(POOL), "the node paid gas and got nothing");

    // The node's own address clears a payout; clearing one never set sends nothing.
    let run = ok(d, &env0, &["payout", "set", &n0.to_string(), "--session", "1"]);
    assert_eq!(
        run.stdout.trim(),
        format!("payout of {n0} cleared (rewards go to {n0} itself) in session(s) 1")
    );
    assert_eq!(payout_of(&cli, n0), n0);
    let run = ok(d, &env1, &["payout", "set", &n1.to_string(), "--session", "1"]);
    assert_eq!(run.stdout.trim(), "session(s) 1 had no payout; nothing sent for them");

    // Bad input: one line each, nothing sent.
    let sent = cli.nonce(n0).await;
    let zero = Address::ZERO.to_string();
    fails(d, &env0, &["payout", "set", &zero, "--session", "1"], &["zero address", "nothing sent"]);
    fails(d, &env0, &["payout", "set", &FOURTH.to_string(), "--session", "9"], &["session 9 does not exist"]);
    assert_eq!(cli.nonce(n0).await, sent);
    fails(
        d,
        &other_key(),
        &["payout", "set", &FOURTH.to_string(), "--session", "1"],
        &[&format!("{OTHER} is not registered in session 1")],
    );
    fails(d, &[], &["payout", "show", "--session", "1", "--node", &OTHER.to_string()], &["not registered"]);
    assert_eq!(cli.nonce(OTHER).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_requests_are_relayed_and_the_relayer_keeps_its_fee() {
    let (cli, nodes, keys) = two_node_session().await;
    let d = cli.path();
    let (n0, n1) = (nodes[0].address(), nodes[1].address());
    let (env0, env1) =
        ([("GRADPAY_PRIVATE_KEY", keys[0].as_str())], [("GRADPAY_PRIVATE_KEY", keys[1].as_str())]);

    // Node 0 signs a payout change (its payout nonce) and a claim (a claim nonce), node 1 a claim:
    // nothing sent.
    let payout = ok(d, &env0, &["payout", "sign", &FOURTH.to_string(), "--session", "1"]).stdout;
    let line: Value = serde_json::from_str(payout.trim()).unwrap();
    assert_eq!(
        (line["type"].as_str(), line["nonce"].as_str(), line["sessionIds"][0].as_str()),
        (Some("setPayout"), Some("0"), Some("1"))
    );
    let claim0 =
        ok(d, &env0, &["claim", "--sign", "--session", "1", "--max-fee-bps", "100", "--nonce", "1"]).stdout;
    let claim1 = ok(d, &env1, &["claim", "--sign", "256", "--max-fee-bps", "100"]).stdout;
    let line: Value = serde_json::from_str(claim1.trim()).unwrap();
    assert_eq!((line["poolIds"][0].as_str(), line["maxFeeBps"].as_u64()), (Some("256"), Some(100)));
    assert_eq!((cli.nonce(n0).await, cli.nonce(n1).await), (0, 0), "signing sends nothing");

    let (r0, r1) = (pending(&cli, n0), pending(&cli, n1));
    let (fee0, fee1) = (r0 * U256::from(50) / U256::from(10_000), r1 * U256::from(50) / U256::from(10_000));
    let (paid_before, n1_before, relayer_before) =
        (cli.balance(FOURTH).await, cli.balance(n1).await, cli.balance(OTHER).await);
    cli.write("relay.jsonl", &format!("{payout}{claim0}\n{claim1}"));
    let run = ok(d, &other_key(), &["claim", "--relay", "relay.jsonl", "--fee-bps", "50", "--json"]);
    let report = run.json()["report"].clone();
    assert_eq!(report["transactions"], 2, "one payout change, then both claims in one transaction");
    assert_eq!(report["payouts"][0]["payout"].as_str().unwrap().parse::<Address>().unwrap(), FOURTH);
    let claims = report["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 2);
    assert_eq!(
        claims[0]["recipient"].as_str().unwrap().parse::<Address>().unwrap(),
        FOURTH,
        "the new payout"
    );
    assert_eq!(claims[0]["amount"].as_str().unwrap(), (r0 - fee0).to_string());
    assert_eq!(claims[1]["fee"].as_str().unwrap(), fee1.to_string());
    assert_eq!(report["fees"][0]["amount"].as_str().unwrap(), (fee0 + fee1).to_string());

    // Balances: the payout gets reward − fee, node 1 the same of its own, the relayer the fees
    // minus its gas; the nodes sent nothing.
    assert_eq!(cli.balance(FOURTH).await - paid_before, r0 - fee0);
    assert_eq!(cli.balance(n1).await - n1_before, r1 - fee1);
    let gas = gas_spent(&cli, OTHER).await;
    assert_eq!(cli.balance(OTHER).await + gas - relayer_before, fee0 + fee1);
    assert_eq!((cli.nonce(n0).await, cli.nonce(n1).await), (0, 0));
    assert!(nonce_used(&cli, n0, 1).await && nonce_used(&cli, n1, 0).await, "the claims' nonces");
    assert!(!nonce_used(&cli, n0, 0).await, "a payout change spends no claim nonce");

    // The same file again: replayed, refused at its first line (the payout change is stale now),
    // nothing sent.
    let sent = cli.nonce(OTHER).await;
    fails(
        d,
        &other_key(),
        &["claim", "--relay", "relay.jsonl"],
        &["relay.jsonl:1:", "payout nonce 0", "next one is 1", "nothing sent"],
    );
    assert_eq!(cli.nonce(OTHER).await, sent);
    // The next signed change carries the next payout nonce; a node that never changed its
    // payout signs at 0.
    let next = ok(d, &env0, &["payout", "sign", &n0.to_string(), "--session", "1"]).stdout;
    assert_eq!(serde_json::from_str::<Value>(next.trim()).unwrap()["nonce"], "1", "node 0's next change");
    let first = ok(d, &env1, &["payout", "sign", &FOURTH.to_string(), "--session", "1"]).stdout;
    assert_eq!(serde_json::from_str::<Value>(first.trim()).unwrap()["nonce"], "0", "node 1's first change");
}

/// A signed payout change the node overtook by its own `payout set` can never land (the audit's
/// case): the relayer refuses it before sending, naming the node's next payout nonce.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payout_change_signed_before_a_newer_one_is_refused() {
    let (cli, nodes, keys) = two_node_session().await;
    let d = cli.path();
    let n0 = nodes[0].address();
    let env0 = [("GRADPAY_PRIVATE_KEY", keys[0].as_str())];
    let stale = ok(d, &env0, &["payout", "sign", &FOURTH.to_string(), "--session", "1"]).stdout;
    ok(d, &env0, &["payout", "set", &OTHER.to_string(), "--session", "1"]);
    cli.write("stale.jsonl", &stale);
    fails(
        d,
        &other_key(),
        &["claim", "--relay", "stale.jsonl"],
        &["stale.jsonl:1:", "payout nonce 0", "next one is 1", "nothing sent"],
    );
    assert_eq!((payout_of(&cli, n0), cli.nonce(OTHER).await), (OTHER, 0), "the newer payout holds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signed_requests_are_one_line_and_send_nothing() {
    let (cli, nodes, keys) = two_node_session().await;
    let d = cli.path();
    let n0 = nodes[0].address();
    let env0 = [("GRADPAY_PRIVATE_KEY", keys[0].as_str())];
    let relay = |file: &str, fee: &str, expected: &[&str]| {
        fails(d, &other_key(), &["claim", "--relay", file, "--fee-bps", fee], expected);
    };

    // Refused before signing: zero payout, unknown session, a used nonce, nothing to claim.
    let zero = Address::ZERO.to_string();
    fails(d, &env0, &["payout", "sign", &zero, "--session", "1"], &["zero address", "nothing sent"]);
    fails(
        d,
        &env0,
        &["payout", "sign", &FOURTH.to_string(), "--session", "9"],
        &["session 9 does not exist"],
    );
    fails(d, &env0, &["claim", "--sign", "--session", "9"], &["session 9 does not exist"]);
    fails(
        d,
        &other_key(),
        &["claim", "--sign", "--session", "1"],
        &[&format!("nothing claimable for {OTHER} in session(s) 1")],
    );
    fails(d, &env0, &["claim", "--sign", "999"], &["pool 999 does not exist"]);
    fails(
        d,
        &env0,
        &["--json", "claim", "--sign", "256", "--max-fee-bps", "10001"],
        &["10001 is not in 0..=10000"],
    );

    let claim = ok(d, &env0, &["claim", "--sign", "256", "--max-fee-bps", "100", "--valid-for", "1h"]).stdout;
    let window = ok(d, &env0, &["claim", "--sign", "256", "--valid-for", "30d", "--nonce", "2"]).stdout;
    let payout =
        ok(d, &env0, &["payout", "sign", &FOURTH.to_string(), "--session", "1", "--valid-for", "30d"]).stdout;
    let edit = |line: &str, key: &str, value: Value| {
        let mut v: Value = serde_json::from_str(line.trim()).unwrap();
        v[key] = value;
        v.to_string()
    };
    cli.write("fee.jsonl", &claim);
    relay(
        "fee.jsonl",
        "101",
        &["fee.jsonl:1:", "a fee of 101 bps is above the node's cap of 100 bps", "nothing sent"],
    );
    // A good line before a bad one is not sent either.
    cli.write("mixed.jsonl", &format!("{payout}not json\n"));
    relay("mixed.jsonl", "0", &["mixed.jsonl:2: not a signed request"]);
    cli.write("twice.jsonl", &format!("{claim}{claim}"));
    relay("twice.jsonl", "0", &["twice.jsonl:2:", "is taken by line 1"]);
    cli.write("edited.jsonl", &edit(&claim, "maxFeeBps", 10_000.into()));
    relay("edited.jsonl", "0", &["edited.jsonl:1:", &format!("the signature is not {n0}'s")]);
    cli.write("other.jsonl", &edit(&payout, "contract", Value::String(FOURTH.to_string())));
    relay("other.jsonl", "0", &[&format!("signed for GradPay {FOURTH} on chain 31337, not this deployment")]);
    let zero = signed_by(&cli, &nodes[0], draft_payout(&cli, n0, Address::ZERO, 0).await).await;
    cli.write("zero.jsonl", &zero);
    relay("zero.jsonl", "0", &["zero.jsonl:1:", "zero address"]);

    // Expired: the chain moves past the deadline.
    cli.advance_time(3_601).await;
    relay("fee.jsonl", "0", &["fee.jsonl:1:", "the signature expired at unix time"]);

    // A pool whose claim window closed would revert the whole transaction: refused.
    cli.write("window.jsonl", &window);
    cli.advance_time(8 * 24 * 3_600).await;
    relay("window.jsonl", "0", &["window.jsonl:1:", "pool 256's claim window closed at unix time"]);

    // Another chain: the same contract answering under another chain id recomputes its domain, so
    // the signature (and the line's chain id, edited to match) no longer holds.
    let _: Value = cli.provider.raw_request("anvil_setChainId".into(), (777u64,)).await.unwrap();
    config(d, &cli.anvil.url());
    let text = std::fs::read_to_string(d.join("gradpay.toml")).unwrap();
    std::fs::write(
        d.join("gradpay.toml"),
        format!("{text}chain-id = 777\ngradpay = \"{}\"\n", deployment(&cli)),
    )
    .unwrap();
    cli.write("chain.jsonl", &edit(&payout, "chainId", Value::String("777".into())));
    relay("chain.jsonl", "0", &["chain.jsonl:1:", &format!("the signature is not {n0}'s")]);
    relay("other.jsonl", "0", &["on chain 31337, not this deployment"]);

    // Nothing of it was sent: no nonce consumed, the relayer sent nothing, the payout unchanged.
    assert_eq!(cli.nonce(OTHER).await, 0);
    assert!(!nonce_used(&cli, n0, 0).await && !nonce_used(&cli, n0, 2).await);
    assert_eq!(payout_of(&cli, n0), n0);
    let rewards = ok(d, &[], &["pending", "--session", "1", "--node", &n0.to_string(), "--json"]).json();
    assert_eq!(rewards["rewards"][0]["claimed"], false, "the claim was not made");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_safe_node_signs_through_erc1271() {
    let cli = Cli::start();
    let d = cli.path();
    let (safe, owners) = two_of_three_safe(&cli).await;
    let n0 = simulated_node_signer(0).unwrap().address();
    finalized_session(&cli, &[n0, safe]);
    let reward = pending(&cli, safe);

    // One owner of a 2-of-3 Safe is not the Safe: refused, nothing sent.
    let payout = draft_payout(&cli, safe, FOURTH, 0).await;
    let digest = digest_of(&cli, &payout).await;
    let one = safe_support::safe_signature(&cli.provider, safe, digest, &[&owners[0]]).await;
    cli.write("one.jsonl", &line_of(payout.clone(), one));
    fails(
        d,
        &other_key(),
        &["claim", "--relay", "one.jsonl"],
        &["one.jsonl:1:", &format!("the signature is not {safe}'s")],
    );
    assert_eq!(cli.nonce(OTHER).await, 0);

    // Two owners: the payout change and a claim with a fee go through, gasless for the Safe.
    let two = safe_support::safe_signature(&cli.provider, safe, digest, &[&owners[2], &owners[0]]).await;
    let claim = draft_claim(&cli, safe, 200, 1).await;
    let claim_digest = digest_of(&cli, &claim).await;
    let claim_signature =
        safe_support::safe_signature(&cli.provider, safe, claim_digest, &[&owners[1], &owners[2]]).await;
    cli.write("safe.jsonl", &(line_of(payout, two) + &line_of(claim, claim_signature)));
    let before = cli.balance(FOURTH).await;
    let run = ok(d, &other_key(), &["claim", "--relay", "safe.jsonl", "--fee-bps", "200"]);
    let fee = reward * U256::from(200) / U256::from(10_000);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            format!("payout of {safe} in session(s) 1 set to {FOURTH}"),
            format!("{safe} got {} from pool 256 (paid to {FOURTH}), relayer fee {fee}", reward - fee),
            format!("relayer: 2 transaction(s), fees {fee} wei"),
        ]
    );
    assert_eq!(
        cli.balance(FOURTH).await - before,
        reward - fee,
        "the Safe's payout got its reward less the fee"
    );
    assert_eq!(payout_of(&cli, safe), FOURTH);
    assert!(nonce_used(&cli, safe, 1).await, "the claim's nonce");
    assert!(!nonce_used(&cli, safe, 0).await, "the payout change spent its payout nonce, not a claim nonce");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_are_split_into_as_few_transactions_as_the_gas_cap_allows() {
    let (cli, nodes, _) = two_node_session().await;
    let d = cli.path();
    let mut lines = String::new();
    for node in &nodes {
        lines += &signed_by(&cli, node, draft_claim(&cli, node.address(), 0, 0).await).await;
    }
    cli.write("claims.jsonl", &lines);

    // A cap between what one request and what both need.
    let relayer = library(&cli, OTHER).await;
    let requests: Vec<_> = gradpay::relay::read_relay_file(&d.join("claims.jsonl"))
        .unwrap()
        .into_iter()
        .map(|l| match l.request {
            SignedRequest::ClaimRequest(c) => gradpay::bindings::INodeOperators::ClaimRequest {
                node: c.node,
                poolIds: c.pool_ids,
                maxFeeBps: c.max_fee_bps,
                feeBps: 0,
                nonce: c.nonce,
                deadline: U256::from(c.deadline),
                signature: c.signature,
            },
            _ => unreachable!("claims only"),
        })
        .collect();
    let estimate = |n: usize| {
        let input = relayer.contract().claimRewardsBySig(requests[..n].to_vec()).calldata().clone();
        relayer.estimate("claimRewardsBySig", relayer.request(input))
    };
    let (one, both) = (estimate(1).await.unwrap(), estimate(2).await.unwrap());
    assert!(one < both);
    let text = std::fs::read_to_string(d.join("gradpay.toml")).unwrap();
    std::fs::write(d.join("gradpay.toml"), format!("{text}max-tx-gas = {}\n", (one + both) / 2)).unwrap();

    let (r0, r1) = (pending(&cli, nodes[0].address()), pending(&cli, nodes[1].address()));
    let report =
        ok(d, &other_key(), &["claim", "--relay", "claims.jsonl", "--json"]).json()["report"].clone();
    assert_eq!(report["transactions"], 2, "one request per transaction under this cap");
    assert_eq!(cli.nonce(OTHER).await, 2);
    let amounts: Vec<&str> =
        report["claims"].as_array().unwrap().iter().map(|c| c["amount"].as_str().unwrap()).collect();
    assert_eq!(amounts, [r0.to_string(), r1.to_string()], "no fee asked: each node got its whole reward");
    assert_eq!(
        (pending(&cli, nodes[0].address()), pending(&cli, nodes[1].address())),
        (U256::ZERO, U256::ZERO)
    );

    // A cap below what one request needs: refused before anything is sent.
    std::fs::write(d.join("gradpay.toml"), format!("{text}max-tx-gas = 30000\n")).unwrap();
    let payout = signed_by(&cli, &nodes[0], draft_payout(&cli, nodes[0].address(), FOURTH, 0).await).await;
    cli.write("payout.jsonl", &payout);
    fails(
        d,
        &other_key(),
        &["claim", "--relay", "payout.jsonl"],
        &["setPayoutBySig needs", "above the per-transaction cap of 30000"],
    );
    assert_eq!(cli.nonce(OTHER).await, 2, "nothing sent");
}
