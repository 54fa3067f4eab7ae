//! `gradpay explain` on the session `verify`'s tests build: every figure, each pool's formula
//! evaluated by gradpay-model next to the contract's `rewardOf` (and what the test recomputes
//! from the recorded entries on its own), a loud warning when storage was altered, and the clear
//! lines for a node not in the session, an unknown session and a session not finalized yet.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_support;
mod common;
mod verify_support;

use alloy::primitives::{Address, B256, U256};
use gradpay::{PoolDefaults, Strategy, StrategyParams};
use gradpay_model::{EpochEntry as ModelEntry, SessionLedger};
use verify_support::{
    Audited, ExtraBatch, ROUNDS, SESSION, build, entry, mapping_slot, set_storage, storage,
};

/// `gradpay explain --session S --node N [extra…]` on the audited deployment.
fn explain(audited: &Audited, session: u64, node: Address, extra: &[&str]) -> cli_support::Run {
    let (session, node) = (session.to_string(), node.to_string());
    let mut args = vec!["explain", "--session", session.as_str(), "--node", node.as_str()];
    args.extend_from_slice(extra);
    verify_support::run(audited, &args)
}

/// What the session's pools pay each node, from the recorded entries with gradpay-model alone.
fn expected_payouts() -> Vec<Vec<U256>> {
    let mut ledger = SessionLedger::new(6);
    let model = |e: gradpay::EpochEntry| {
        ModelEntry::from_columns(
            e.node_index,
            [e.compute_seconds, e.accepted, e.rejected, e.rounds_ok, e.rounds_joined],
            [e.consistency_bps, e.network_bps, e.uptime_bps],
        )
    };
    ledger.apply_batch(0, ROUNDS, &(0..5).map(|i| model(entry(i, 0))).collect::<Vec<_>>()).unwrap();
    ledger.apply_batch(1, ROUNDS, &[]).unwrap();
    ledger.apply_batch(2, ROUNDS, &(0..4).map(|i| model(entry(i, 2))).collect::<Vec<_>>()).unwrap();
    ledger.exclude(4);
    let finalized = ledger.finalize(1_000_000_000_000_000_000).unwrap();
    let defaults = PoolDefaults::default();
    Strategy::ALL
        .iter()
        .map(|&s| {
            let p = StrategyParams::for_strategy(s, &defaults);
            let strategy = match s {
                Strategy::Proportional => gradpay_model::Strategy::Proportional,
                Strategy::Tiered => gradpay_model::Strategy::Tiered { base_bps: p.tier_base_bps },
                Strategy::MinimumGuarantee => {
                    gradpay_model::Strategy::MinimumGuarantee { floor_bps: p.floor_bps }
                }
                Strategy::Hybrid => gradpay_model::Strategy::Hybrid {
                    score_bps: p.score_bps,
                    quality_bps: p.quality_bps,
                    reliability_bps: p.reliability_bps,
                },
            };
            gradpay_model::payout(&finalized, strategy, U256::from(10u128.pow(18))).unwrap()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn explains_every_figure_and_each_pool_formula() {
    let audited = build(ExtraBatch::None).await;
    let expected = expected_payouts();
    for index in [0usize, 2, 4, 5] {
        let node = audited.nodes[index].address();
        let json = explain(&audited, SESSION, node, &["--json"]).json();
        assert_eq!(json["index"], index);
        let pools = json["pools"].as_array().unwrap();
        assert_eq!(pools.len(), 4);
        for (pool, paid) in pools.iter().zip(&expected) {
            let want = paid[index].to_string();
            assert_eq!(pool["contract"], want.as_str(), "node {index}: {pool}");
            assert_eq!(pool["model"], want.as_str(), "node {index}: {pool}");
            assert_eq!(pool["agrees"], true);
        }
    }
    // Node 0: eligible, ranked, clipped or not, four formulas with their numbers.
    let text = explain(&audited, SESSION, audited.nodes[0].address(), &[]);
    assert!(text.ok, "{}", text.stderr);
    let out = &text.stdout;
    for needle in [
        "sums: c ",
        "A = 10000 * a / (a + j) = ",
        "Q = (5000 * A + 3000 * C + 2000 * S) / 10000 = ",
        "P = min(10000, 10000 * p / T) = ",
        "score = c * (5000 + Q) * (20000 + R) = ",
        " eligible (score desc, index asc), tier ",
        "clip: clipK 1000000000000000000, cap ",
        "r = F * s' / S' = 1000000000000000000 * ",
        "B = F * baseBps / 10000 = 1000000000000000000 * 8500 / 10000 = 850000000000000000; X = F - B = 150000000000000000",
        "m = F * floorBps / (10000 * n) = 1000000000000000000 * 5000 / (10000 * 4) = 125000000000000000",
        "r = F1 * s' / S' + F2 * Q / QS + F3 * R / RS = ",
        "(agrees), claimed",
    ] {
        assert!(out.contains(needle), "expected `{needle}` in:\n{out}");
    }
    // Node 4 is excluded and node 5 never computed: owed nothing, said so.
    for index in [4, 5] {
        let out = explain(&audited, SESSION, audited.nodes[index].address(), &[]).stdout;
        assert!(out.contains("not eligible: no rank, no tier, owed nothing"), "{out}");
        assert!(out.contains("r = 0 (the node is not eligible)"), "{out}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reward_the_formula_does_not_give_is_flagged_loudly() {
    let audited = build(ExtraBatch::None).await;
    // The contract tells tier 1 by its last node's (score, index), in the finalization's slot 2
    // at bits 96..168: raised to the maximum, no node ranks within it, while explain's tier comes
    // from the ranking. Node 3 has the best score (rank 0, tier 1): the tiered pool moves.
    let slot = mapping_slot(U256::from(SESSION), 8) + U256::from(2u8);
    let word = storage(&audited, slot).await;
    let field = ((U256::from(1u8) << 72) - U256::from(1u8)) << 96;
    set_storage(&audited, slot, word | field).await;
    let node = audited.nodes[3].address();
    let out = explain(&audited, SESSION, node, &[]).stdout;
    assert!(out.contains("rank 0 of 4 eligible (score desc, index asc), tier 1"), "{out}");
    assert!(out.contains("WARNING: the contract's rewardOf is "), "{out}");
    assert!(out.contains("they DISAGREE (run `gradpay verify --session 1`)"), "{out}");
    let json = explain(&audited, SESSION, node, &["--json"]).json();
    assert_eq!(json["pools"][0]["agrees"], true, "the proportional pool knows no tiers");
    assert_eq!(json["pools"][1]["agrees"], false, "the tiered pool does");
    assert_ne!(json["pools"][1]["model"], json["pools"][1]["contract"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_nodes_unknown_sessions_and_open_sessions_get_a_clear_line() {
    let audited = build(ExtraBatch::None).await;
    let stranger = Address::repeat_byte(0x42);
    let run = explain(&audited, SESSION, stranger, &["--json"]);
    let (kind, message) = run.json_error();
    assert_eq!(kind, "nodeNotInSession");
    assert!(message.contains(&format!("{stranger} is not registered in session 1")), "{message}");
    let (kind, _) = explain(&audited, 99, stranger, &["--json"]).json_error();
    assert_eq!(kind, "unknownSession");
    // Session 2: registered and recorded, not finalized.
    let c = &audited.chain.coordinator;
    let node = audited.nodes[0].address();
    c.create_session(2, B256::repeat_byte(0x22), 0).await.unwrap();
    c.register_nodes(2, &[(node, B256::repeat_byte(0x01))]).await.unwrap();
    let mut journal = common::journal(c, audited.chain.dir.path(), 2);
    let record = gradpay::record::EpochRecord { epoch: 0, epoch_rounds: ROUNDS, entries: vec![entry(0, 0)] };
    c.record_epoch(&mut journal, &record, gradpay::record::SendMode::Pipelined, &|_, _| {}).await.unwrap();
    let run = explain(&audited, 2, node, &[]);
    assert!(run.ok, "{}", run.stderr);
    assert!(run.stdout.contains("rank 0 of 1 eligible"), "{}", run.stdout);
    assert!(run.stdout.contains("session 2 is Active, not finalized yet"), "{}", run.stdout);
    let json = explain(&audited, 2, node, &["--json"]).json();
    assert_eq!(json["pools"], serde_json::json!([]));
    assert_eq!(json["clip"], serde_json::Value::Null);
    // verify checks what an open session has: its records and scores.
    let json = verify_support::run(&audited, &["verify", "--session", "2", "--json"]).json();
    assert_eq!(json["state"], "Active");
    assert_eq!(json["differences"], serde_json::json!([]));
    assert_eq!(json["entries"], 1);
}
