//! docs/reward-math.md §1: an epoch in which every node is absent is recorded as an empty batch and
//! its rounds count in `T`. A session whose first and last epochs are silent pays what §2 and
//! §5 give by hand (the figures below), through the contract under both rule sets and through
//! the model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use alloy_primitives::{B256, U256, b256};
use alloy_sol_types::SolEvent;
use common::Batch;
use gradpay_model::{EpochEntry, SessionLedger, Strategy, payout};
use gradpay_sim::Rules;
use gradpay_sim::bindings::GradPay::{self, GradPayErrors};
use gradpay_sim::deployment::{COORDINATOR, Revert};
use gradpay_sim::driver::entries_digest;
use gradpay_sim::limits::{Capacity, MAX_EPOCHS, first_overflow};
use gradpay_sim::measure::bench::Bench;

const ONE_ETHER: u64 = 1_000_000_000_000_000_000;
const HYBRID: Strategy = Strategy::Hybrid { score_bps: 7000, quality_bps: 2000, reliability_bps: 1000 };
/// keccak256 of no bytes: the digest of an empty batch.
const EMPTY_DIGEST: B256 = b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// Epoch 0 silent (5 rounds), epoch 1 with both nodes (10 rounds), epoch 2 silent (5 rounds):
/// `T = 20`.
///
/// Node 0 (c 100, a 9, j 1, k 8, p 10, cons 6000, net 8000, up 10000):
/// A = 9000, C = 6000, S = 8000, Q = (5000·9000 + 3000·6000 + 2000·8000) / 10000 = 7900;
/// P = 10000·10/20 = 5000, N = 8000, U = 10000, R = (5000·5000 + 3000·8000 + 2000·10000) / 10000
/// = 6900; score = 100 · 12900 · 26900 = 34,701,000,000.
///
/// Node 1 (c 300, a 1, j 3, k 2, p 4, cons 2000, net 5000, up 4000):
/// A = 10000·1/4 = 2500, C = 2000, S = 10000·2/4 = 5000, Q = (12.5M + 6M + 10M) / 10000 = 2850;
/// P = 10000·4/20 = 2000, N = 5000, U = 4000, R = (10M + 15M + 8M) / 10000 = 3300;
/// score = 300 · 7850 · 23300 = 54,871,500,000.
fn silent_ends() -> Vec<Batch> {
    let busy = vec![
        EpochEntry::from_columns(0, [100, 9, 1, 8, 10], [6000, 8000, 10000]),
        EpochEntry::from_columns(1, [300, 1, 3, 2, 4], [2000, 5000, 4000]),
    ];
    vec![(0, 5, Vec::new()), (1, 10, busy), (2, 5, Vec::new())]
}

/// `S' = 89,572,500,000`. Proportional: `floor(1e18 · s' / S')` (1 wei stays in the pool).
/// Hybrid 7000/2000/1000: `F1 = 0.7e18` by score, `F2 = 0.2e18` by Q over `QS = 10750`,
/// `F3 = 0.1e18` by R over `RS = 10200`.
fn by_hand() -> Vec<Vec<U256>> {
    let wei = |figures: [&str; 2]| figures.iter().map(|f| f.parse().unwrap()).collect();
    vec![wei(["387406849200368416", "612593150799631583"]), wei(["485808597449833813", "514191402550166184"])]
}

#[test]
fn the_contract_pays_the_figures_worked_by_hand() {
    for rules in Rules::ALL {
        let paid = common::paid_by_contract(
            rules,
            2,
            0,
            &silent_ends(),
            &[Strategy::Proportional, HYBRID],
            U256::from(ONE_ETHER),
        );
        assert_eq!(paid, by_hand(), "{rules:?}");
    }
}

#[test]
fn the_model_pays_the_figures_worked_by_hand() {
    let mut ledger = SessionLedger::new(2);
    for (epoch, rounds, entries) in silent_ends() {
        ledger.apply_batch(epoch, rounds, &entries).unwrap();
    }
    assert_eq!(ledger.total_rounds(), 20);
    let scores: Vec<(u64, u64, U256)> =
        ledger.scores().iter().map(|s| (s.quality, s.reliability, s.score)).collect();
    let expected = [(7900, 6900, 34_701_000_000u64), (2850, 3300, 54_871_500_000)];
    assert_eq!(scores, expected.map(|(q, r, s)| (q, r, U256::from(s))));
    let fin = ledger.finalize(0).unwrap();
    let paid: Vec<Vec<U256>> = [Strategy::Proportional, HYBRID]
        .iter()
        .map(|&strategy| payout(&fin, strategy, U256::from(ONE_ETHER)).unwrap())
        .collect();
    assert_eq!(paid, by_hand());
}

fn record(epoch: u32, batch: u32, rounds: u32) -> GradPay::recordContributionsBatchCall {
    GradPay::recordContributionsBatchCall {
        sessionId: 1,
        epoch,
        batch,
        epochRounds: rounds,
        entries: Vec::new(),
    }
}

fn total_rounds_and_epochs(bench: &mut Bench) -> (u32, u16) {
    let info = bench.dep.view(&GradPay::getSessionCall { sessionId: 1 }).unwrap();
    (info.totalRounds, info.epochCount)
}

#[test]
fn an_empty_batch_opens_its_epoch_once_and_logs_the_empty_digest() {
    for rules in Rules::ALL {
        let mut bench = Bench::new(rules).unwrap();
        bench.create_session(1).unwrap();
        bench.register(1, 0, 2).unwrap();
        let sent = bench.dep.send(COORDINATOR, &record(3, 0, 7), U256::ZERO).unwrap();
        assert!(sent.result.is_ok(), "{rules:?}: an empty batch is a silent epoch, not an error");
        let logged: Vec<GradPay::ContributionsRecorded> = sent
            .receipt
            .logs
            .iter()
            .filter_map(|log| GradPay::ContributionsRecorded::decode_log(log).ok().map(|l| l.data))
            .collect();
        let expected = GradPay::ContributionsRecorded {
            sessionId: 1,
            epoch: 3,
            batch: 0,
            epochRounds: 7,
            entries: U256::ZERO,
            entriesDigest: EMPTY_DIGEST,
        };
        assert_eq!(logged, [expected]);
        assert_eq!(entries_digest(&[]), EMPTY_DIGEST);
        assert_eq!(total_rounds_and_epochs(&mut bench), (7, 1));

        let replay = bench.dep.send(COORDINATOR, &record(3, 0, 7), U256::ZERO).unwrap().result;
        assert!(matches!(replay, Err(Revert::GradPay(GradPayErrors::BatchAlreadyRecorded(_)))), "a replay");
        let other_rounds = bench.dep.send(COORDINATOR, &record(3, 1, 8), U256::ZERO).unwrap().result;
        assert!(matches!(other_rounds, Err(Revert::GradPay(GradPayErrors::EpochRoundsMismatch(_)))));
        bench.coordinate(&record(3, 1, 7), U256::ZERO, "a second empty batch of the epoch").unwrap();
        assert_eq!(total_rounds_and_epochs(&mut bench), (7, 1), "the epoch's rounds count once");
        bench.coordinate(&record(4, 0, 2), U256::ZERO, "the next silent epoch").unwrap();
        assert_eq!(total_rounds_and_epochs(&mut bench), (9, 2));
    }
}

#[test]
fn silent_epochs_fill_the_epoch_capacity_as_limits_says() {
    let mut bench = Bench::new(Rules::Ethereum).unwrap();
    bench.create_session(1).unwrap();
    bench.register(1, 0, 1).unwrap();
    let mut ledger = SessionLedger::new(1);
    for epoch in 0..MAX_EPOCHS {
        assert_eq!(first_overflow(&ledger, epoch, 0, &[]), None);
        bench.coordinate(&record(epoch, 0, 0), U256::ZERO, "a silent epoch").unwrap();
        ledger.apply_batch(epoch, 0, &[]).unwrap();
    }
    assert_eq!(first_overflow(&ledger, MAX_EPOCHS, 0, &[]), Some(Capacity::Epochs));
    let refused = bench.dep.send(COORDINATOR, &record(MAX_EPOCHS, 0, 0), U256::ZERO).unwrap().result;
    assert!(matches!(refused, Err(Revert::GradPay(GradPayErrors::TooManyEpochs(_)))), "epoch {MAX_EPOCHS}");
    assert_eq!(
        first_overflow(&ledger, MAX_EPOCHS - 1, 0, &[]),
        None,
        "a later batch of the last epoch still fits"
    );
    bench.coordinate(&record(MAX_EPOCHS - 1, 1, 0), U256::ZERO, "a second batch of the last epoch").unwrap();
}
