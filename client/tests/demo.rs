//! `gradpay demo` end to end: the report says every node claimed every pool, no pool paid more
//! than it held, and report.json / report.html are written.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use alloy::primitives::U256;
use gradpay::demo::{DemoOptions, run_demo};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_pays_everyone_and_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let options = DemoOptions {
        nodes: 7,
        epochs: 2,
        seed: 3,
        batch_size: 3,
        clip_k: 0,
        journal_dir: dir.path().join("journal"),
    };
    let report = run_demo(&options, &|_, _, _| {}).await.unwrap();
    assert_eq!((report.nodes.len(), report.pools.len(), report.records.len()), (7, 8, 2));
    assert!(
        report.records.iter().all(|r| r.batches == 3 && r.transactions_sent == 3),
        "7 nodes in batches of 3"
    );
    for node in &report.nodes {
        assert!(node.fully_claimed, "node {} left something unclaimed", node.index);
        assert_eq!(node.payouts.len(), 8);
    }
    for (i, pool) in report.pools.iter().enumerate() {
        let (amount, paid, left): (U256, U256, U256) =
            (pool.amount.parse().unwrap(), pool.paid.parse().unwrap(), pool.left.parse().unwrap());
        assert_eq!(paid + left, amount, "pool {}", pool.pool_id);
        assert!(left <= U256::from(3 * 7), "only rounding dust stays: {left}");
        let entitled: U256 = report.nodes.iter().map(|n| n.payouts[i].parse::<U256>().unwrap()).sum();
        assert_eq!(entitled, paid, "what nodes were entitled to is what left the pool");
    }
    assert!(report.gas_used > 0 && report.gas_used <= report.gas_limit);
    for g in &report.gas {
        assert!(g.total_used <= g.total_limit, "{g:?}");
        // Limit = estimate + 5 %; a pipelined batch is estimated before the epoch's opening batch is
        // mined, so it also carries the opening's cost (about 25k gas) once.
        let allowance = if g.operation == "recordContributionsBatch" { 30_000 * g.count } else { 0 };
        assert!(
            g.total_limit * 100 <= g.total_used * 116 + allowance * 100,
            "limit too far above use: {g:?}"
        );
    }
    let estimate = |op: &str| report.gas.iter().find(|g| g.operation == op).and_then(|g| g.seed_estimate);
    // The seed's published estimates, scaled to this session: 25k per node-epoch, 40k per node, 50k
    // per claim, 100k per session; none for set-up the seed did not do.
    assert_eq!(estimate("recordContributionsBatch"), Some(25_000 * 7 * 2));
    assert_eq!(estimate("registerNodesBatch"), Some(40_000 * 7));
    assert_eq!(estimate("createSession"), Some(100_000));
    assert_eq!(estimate("deploy GradPay"), None);
    report.write(dir.path()).unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("</table>"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(json["nodes"].as_array().unwrap().len(), 7);
    assert!(report.text().contains("every node claimed every pool: yes"));
}
