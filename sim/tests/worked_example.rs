//! reward-math.md §6 through the contract: the page's own wei figures, not the model's, for all
//! five payout rows, under both rule sets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use alloy_primitives::{Address, U256};
use gradpay_sim::bench::Bench;
use gradpay_sim::bindings::GradPay;
use gradpay_sim::driver::{node_address, pack_entry};
use gradpay_sim::{EpochEntry, Rules, SessionLedger, Strategy, model};

const ONE_ETHER: u64 = 1_000_000_000_000_000_000;

fn entry(node: u32, c: u32, a: u32, j: u32, k: u32, p: u32, bps: [u16; 3]) -> EpochEntry {
    let [consistency_bps, network_bps, uptime_bps] = bps;
    EpochEntry {
        node,
        compute_seconds: c,
        accepted: a,
        rejected: j,
        rounds_ok: k,
        rounds_joined: p,
        consistency_bps,
        network_bps,
        uptime_bps,
    }
}

/// The §6 session with clip factor `clip_k`, finalized, with one pool per strategy given.
fn paid_by_contract(rules: Rules, clip_k: u64, strategies: &[Strategy]) -> Vec<[U256; 3]> {
    let mut bench = Bench::new(rules).unwrap();
    let id = 6;
    let create = GradPay::createSessionCall { sessionId: id, modelHash: Default::default(), clipK: clip_k };
    bench.coordinate(&create, U256::ZERO, "create").unwrap();
    bench.register(id, 0, 3).unwrap();
    let entries = [
        entry(0, 150, 27, 3, 9, 10, [8000, 9000, 10000]),
        entry(1, 100, 10, 10, 5, 10, [5000, 5000, 5000]),
        entry(2, 200, 40, 0, 10, 10, [10000, 10000, 10000]),
    ];
    let record = GradPay::recordContributionsBatchCall {
        sessionId: id,
        epoch: 1,
        batch: 0,
        epochRounds: 10,
        entries: entries.iter().map(pack_entry).collect(),
    };
    bench.coordinate(&record, U256::ZERO, "record").unwrap();
    bench.coordinate(&GradPay::completeSessionCall { sessionId: id }, U256::ZERO, "complete").unwrap();
    // The totals and ranking the coordinator submits: §6 gives ranking 2, 0, 1 and the scores.
    let scores = [61_033_500_000u64, 27_500_000_000, 90_000_000_000].map(U256::from);
    let start = GradPay::startFinalizationCall {
        sessionId: id,
        eligibleCount: 3,
        sumScore: scores.iter().copied().sum(),
        sumScoreSquared: scores.iter().map(|s| s * s).sum(),
    };
    bench.coordinate(&start, U256::ZERO, "start").unwrap();
    let submit = GradPay::submitRankingCall { sessionId: id, rankedIndices: vec![2, 0, 1], lastChunk: true };
    bench.coordinate(&submit, U256::ZERO, "submit").unwrap();
    strategies
        .iter()
        .map(|&strategy| {
            let (pool, _) = bench.create_pool(id, Address::ZERO, U256::from(ONE_ETHER), strategy).unwrap();
            [0u32, 1, 2].map(|node| {
                let paid = bench
                    .dep
                    .send(node_address(node), &GradPay::claimRewardCall { poolId: pool }, U256::ZERO)
                    .unwrap();
                paid.result.expect("every §6 node is owed something")
            })
        })
        .collect()
}

fn wei(figures: [&str; 3]) -> [U256; 3] {
    figures.map(|f| f.parse().unwrap())
}

#[test]
fn the_contract_pays_the_worked_example_to_the_wei() {
    let strategies = [
        Strategy::Proportional,
        Strategy::Tiered { base_bps: 8500 },
        Strategy::MinimumGuarantee { floor_bps: 5000 },
        Strategy::Hybrid { score_bps: 7000, quality_bps: 2000, reliability_bps: 1000 },
    ];
    let page = [
        wei(["341860211108839517", "154032716548995006", "504107072342165475"]),
        wei(["347728591898389103", "139510821360640455", "512760586740970439"]),
        wei(["337596772221086425", "243683024941164169", "418720202837749404"]),
        wei(["348381634001057355", "177590523823065428", "474027842175877212"]),
    ];
    for rules in Rules::ALL {
        assert_eq!(paid_by_contract(rules, 0, &strategies), page, "{rules:?}");
        let clipped = paid_by_contract(rules, ONE_ETHER, &[Strategy::Proportional]);
        assert_eq!(
            clipped,
            [wei(["351610132742135475", "158425760449732123", "489964106808132401"])],
            "{rules:?}, clipK = 1e18"
        );
    }
}

#[test]
fn the_model_agrees_with_the_coordinator_inputs_used_above() {
    let mut ledger = SessionLedger::new(3);
    ledger
        .record_batch(
            1,
            10,
            &[
                entry(0, 150, 27, 3, 9, 10, [8000, 9000, 10000]),
                entry(1, 100, 10, 10, 5, 10, [5000, 5000, 5000]),
                entry(2, 200, 40, 0, 10, 10, [10000, 10000, 10000]),
            ],
        )
        .unwrap();
    let finalized = model::finalize(&ledger, 0).unwrap();
    assert_eq!(finalized.ranking, vec![2, 0, 1]);
    assert_eq!(finalized.sum_score, U256::from(178_533_500_000u64));
}
