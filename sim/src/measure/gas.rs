//! The gas table: every operation of issue #6, then the node operators' of issue 12
//! ([`operators`]), under Ethereum (Prague) and Monad (MonadTen) rules, the same calls on the same
//! state under each.

use alloy_primitives::{Address, U256};

use alloy_sol_types::SolCall;

use crate::bindings::GradPay;
use crate::deployment::{COORDINATOR, STRANGER};
use crate::driver::node_address;
use crate::error::SimError;
use crate::evm::Rules;
use crate::measure::bench::{
    Bench, Gas, TYPICAL_ROUNDS, create_session, record_call, register_call, start_finalization_call,
    typical_entry,
};
use crate::measure::breakdown::{Breakdown, breakdown};
use crate::measure::operators;
use gradpay_model::{EpochEntry, Finalized, SessionLedger, Strategy, payout};

/// Ranked nodes per `submitRanking` in the finalization rows (the client's default chunk).
pub const FINALIZE_CHUNK: usize = 500;

/// One operation measured under one rule set.
#[derive(Clone, Debug)]
pub struct Row {
    /// What was measured.
    pub operation: String,
    /// How many units (nodes, node-epochs, claims) it covers, for the per-unit column.
    pub units: u64,
    /// Transactions it took.
    pub transactions: usize,
    /// The gas.
    pub gas: Gas,
}

pub(crate) fn row(operation: impl Into<String>, units: u64, transactions: usize, gas: Gas) -> Row {
    let operation = operation.into();
    // Progress on stderr: the large rows take a while.
    eprintln!("{operation}: {gas:?}");
    Row { operation, units, transactions, gas }
}

/// Every row of the table under `rules`, in a fixed order.
pub fn measure_all(rules: Rules) -> Result<Vec<Row>, SimError> {
    let mut rows = Vec::new();
    let mut bench = Bench::new(rules)?;
    let mut next_id = 1u64;
    let mut fresh_id = || {
        next_id += 1;
        next_id
    };

    let id = fresh_id();
    let (_, gas) = bench.measure(COORDINATOR, &create_session(id), U256::ZERO, "createSession")?;
    rows.push(row("createSession", 1, 1, gas));

    for count in [1u32, 10, 100, 1_000] {
        let id = fresh_id();
        bench.create_session(id)?;
        let (_, gas) =
            bench.measure(COORDINATOR, &register_call(id, 0, count), U256::ZERO, "registerNodesBatch")?;
        rows.push(row(format!("registerNodesBatch, {count} nodes"), count.into(), 1, gas));
    }

    for count in [1u32, 10, 100, 1_000] {
        let id = fresh_id();
        bench.create_session(id)?;
        bench.register(id, 0, 1_000)?;
        for (epoch, label) in [(1u32, "first epoch"), (2, "later epoch")] {
            let entries: Vec<EpochEntry> = (0..count).map(|n| typical_entry(n, epoch)).collect();
            let (_, gas) =
                bench.measure(COORDINATOR, &record_call(id, epoch, 0, &entries), U256::ZERO, "record")?;
            rows.push(row(
                format!("recordContributionsBatch, {count} node-epochs, {label}"),
                count.into(),
                1,
                gas,
            ));
        }
    }

    for count in [100u32, 1_000, 10_000] {
        let id = fresh_id();
        let (_, gas, chunks) = finalize_session(&mut bench, id, count, 1)?;
        rows.push(row(
            format!("finalize {count} nodes (start + chunks of {FINALIZE_CHUNK})"),
            count.into(),
            chunks + 1,
            gas,
        ));
    }

    rows.extend(pool_and_claim_rows(&mut bench, fresh_id())?);
    rows.push(reference_session(&mut bench, fresh_id())?);
    rows.extend(operators::operator_rows(&mut bench, &mut fresh_id)?);
    Ok(rows)
}

/// A session of `count` nodes recorded for `epochs` epochs and finalized; the finalization gas.
fn finalize_session(
    bench: &mut Bench,
    id: u64,
    count: u32,
    epochs: u32,
) -> Result<(Finalized, Gas, usize), SimError> {
    bench.create_session(id)?;
    bench.register(id, 0, count)?;
    let mut ledger = SessionLedger::new(count);
    for epoch in 1..=epochs {
        bench.record_epoch(id, epoch, count, &mut ledger)?;
    }
    bench.finalize(id, &ledger, FINALIZE_CHUNK)
}

fn pool_and_claim_rows(bench: &mut Bench, id: u64) -> Result<Vec<Row>, SimError> {
    let mut rows = Vec::new();
    finalize_session(bench, id, 100, 2)?;
    let token = bench.dep.deploy_token(U256::from(10u64).pow(U256::from(30u64)))?;
    let amount = U256::from(10u64).pow(U256::from(21u64));
    let (eth_pool, gas) = bench.create_pool(id, Address::ZERO, amount, Strategy::Proportional)?;
    rows.push(row("createRewardPool, ETH", 1, 1, gas));
    let (token_pool, gas) = bench.create_pool(id, token, amount, Strategy::Proportional)?;
    rows.push(row("createRewardPool, ERC20", 1, 1, gas));
    let hybrid = Strategy::Hybrid { score_bps: 7_000, quality_bps: 2_000, reliability_bps: 1_000 };
    let (eth_hybrid, _) = bench.create_pool(id, Address::ZERO, amount, hybrid)?;
    let (token_tiered, _) = bench.create_pool(id, token, amount, Strategy::Tiered { base_bps: 8_500 })?;

    let single_claims = [
        (0, eth_pool, "claimReward, ETH (proportional)"),
        (1, token_pool, "claimReward, ERC20 (proportional, first token receipt)"),
        (2, eth_hybrid, "claimReward, ETH (hybrid)"),
    ];
    for (node, pool, label) in single_claims {
        let call = GradPay::claimRewardCall { poolId: pool };
        let (_, gas) = bench.measure(node_address(node), &call, U256::ZERO, label)?;
        rows.push(row(label, 1, 1, gas));
    }
    let for_call = GradPay::claimRewardForCall { poolId: eth_pool, node: node_address(3) };
    let (_, gas) = bench.measure(STRANGER, &for_call, U256::ZERO, "claimRewardFor")?;
    rows.push(row("claimRewardFor, ETH (by a third party)", 1, 1, gas));
    let batch =
        GradPay::claimRewardsBatchCall { poolIds: vec![eth_pool, eth_hybrid, token_pool, token_tiered] };
    let (_, gas) = bench.measure(node_address(4), &batch, U256::ZERO, "claimRewardsBatch")?;
    rows.push(row("claimRewardsBatch, 4 pools (2 ETH + 2 ERC20, 2 transfers)", 4, 1, gas));
    Ok(rows)
}

/// The seed's reference session: 5 nodes × 3 epochs, one ETH pool, finalize, 5 claims; every
/// transaction from `createSession` to the last claim, summed.
fn reference_session(bench: &mut Bench, id: u64) -> Result<Row, SimError> {
    let mut total = bench.measure(COORDINATOR, &create_session(id), U256::ZERO, "createSession")?.1;
    total = total.plus(bench.measure(COORDINATOR, &register_call(id, 0, 5), U256::ZERO, "register")?.1);
    let mut ledger = SessionLedger::new(5);
    for epoch in 1..=3u32 {
        let entries: Vec<EpochEntry> = (0..5).map(|n| typical_entry(n, epoch)).collect();
        total = total
            .plus(bench.measure(COORDINATOR, &record_call(id, epoch, 0, &entries), U256::ZERO, "record")?.1);
        ledger.apply_batch(epoch, TYPICAL_ROUNDS, &entries)?;
    }
    let complete = GradPay::completeSessionCall { sessionId: id };
    total = total.plus(bench.measure(COORDINATOR, &complete, U256::ZERO, "complete")?.1);
    let finalized = ledger.finalize(0)?;
    let start = start_finalization_call(id, &finalized.totals);
    total = total.plus(bench.measure(COORDINATOR, &start, U256::ZERO, "start")?.1);
    let submit = GradPay::submitRankingCall {
        sessionId: id,
        rankedIndices: finalized.ranking.clone(),
        lastChunk: true,
    };
    total = total.plus(bench.measure(COORDINATOR, &submit, U256::ZERO, "submit")?.1);
    let amount = U256::from(10u64).pow(U256::from(18u64));
    let (pool, gas) = bench.create_pool(id, Address::ZERO, amount, Strategy::Proportional)?;
    total = total.plus(gas);
    let owed = payout(&finalized, Strategy::Proportional, amount)?;
    for node in 0..5u32 {
        let (paid, gas) = bench.measure(
            node_address(node),
            &GradPay::claimRewardCall { poolId: pool },
            U256::ZERO,
            "claim",
        )?;
        if paid != owed[node as usize] {
            return Err(SimError::Unexpected(format!(
                "reference session: node {node} paid {paid}, model {}",
                owed[node as usize]
            )));
        }
        total = total.plus(gas);
    }
    Ok(row("reference session total (5 nodes × 3 epochs, 1 pool, 5 claims)", 1, 14, total))
}

/// Ethereum and Monad rows side by side as a markdown table.
pub fn markdown(ethereum: &[Row], monad: &[Row]) -> String {
    let mut out = String::from(
        "| operation | txs | Ethereum gas used | per unit | Monad gas used | per unit | Monad limit paid (estimate + 5%) | per unit |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (eth, mon) in ethereum.iter().zip(monad) {
        let per = |gas: u64| gas / eth.units.max(1);
        let used = |gas: Gas| {
            let mark = if gas.oversize { " ⚠" } else { "" };
            format!("{}{mark} | {}", thousands(gas.used), thousands(per(gas.used)))
        };
        let limit = if mon.gas.oversize {
            "does not fit in 30M | —".to_string()
        } else {
            format!("{} | {}", thousands(mon.gas.limit), thousands(per(mon.gas.limit)))
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            eth.operation,
            eth.transactions,
            used(eth.gas),
            used(mon.gas),
            limit,
        ));
    }
    out.push_str("\n⚠ = more than the 30M per-transaction cap: measured with the cap lifted, not sendable as one transaction.\n");
    out
}

/// `1234567` → `1,234,567`.
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The gas of the batch-size-dependent operations split by what it pays for, per unit.
pub fn breakdown_markdown() -> Result<String, SimError> {
    let mut out = String::from(
        "| rules | operation | units | total / unit | intrinsic | calldata | cold storage reads | storage writes | new slots | execution (rest) | slots | pages |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for rules in Rules::ALL {
        for (operation, units, b) in breakdown_rows(rules)? {
            let per = |gas: u64| thousands(gas / units);
            out.push_str(&format!(
                "| {} | {operation} | {units} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                rules.name(),
                per(b.total),
                per(b.intrinsic),
                per(b.calldata),
                per(b.cold_reads),
                per(b.writes),
                per(b.new_slots),
                per(b.execution),
                b.slots,
                b.pages,
            ));
        }
    }
    Ok(out)
}

fn breakdown_rows(rules: Rules) -> Result<Vec<(String, u64, Breakdown)>, SimError> {
    let mut rows = Vec::new();
    let mut bench = Bench::new(rules)?;
    let (id, gradpay) = (3u64, bench.dep.gradpay);
    bench.create_session(id)?;
    let data = register_call(id, 0, 100).abi_encode().into();
    rows.push((
        "registerNodesBatch".to_string(),
        100,
        breakdown(&mut bench.dep.chain, COORDINATOR, gradpay, data)?,
    ));
    bench.register(id, 0, 1_000)?;
    let entries =
        |count: u32, epoch: u32| (0..count).map(|n| typical_entry(n, epoch)).collect::<Vec<EpochEntry>>();
    let first = record_call(id, 1, 0, &entries(100, 1)).abi_encode().into();
    rows.push((
        "record, first epoch".to_string(),
        100,
        breakdown(&mut bench.dep.chain, COORDINATOR, gradpay, first)?,
    ));
    let mut ledger = SessionLedger::new(1_000);
    bench.record_epoch(id, 1, 1_000, &mut ledger)?;
    for count in [100u32, 1_000] {
        let later = record_call(id, 2, 0, &entries(count, 2)).abi_encode().into();
        rows.push((
            "record, later epoch".to_string(),
            count.into(),
            breakdown(&mut bench.dep.chain, COORDINATOR, gradpay, later)?,
        ));
    }
    bench.coordinate(&GradPay::completeSessionCall { sessionId: id }, U256::ZERO, "completeSession")?;
    let finalized = ledger.finalize(0)?;
    let start = start_finalization_call(id, &finalized.totals);
    bench.coordinate(&start, U256::ZERO, "startFinalization")?;
    let chunk = finalized.ranking.get(..FINALIZE_CHUNK).unwrap_or(&finalized.ranking).to_vec();
    let submit = GradPay::submitRankingCall { sessionId: id, rankedIndices: chunk, lastChunk: false };
    let data = submit.abi_encode().into();
    rows.push((
        "submitRanking chunk".to_string(),
        FINALIZE_CHUNK as u64,
        breakdown(&mut bench.dep.chain, COORDINATOR, gradpay, data)?,
    ));
    Ok(rows)
}
