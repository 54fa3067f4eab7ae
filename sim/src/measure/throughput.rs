//! Sessions checked per second: the seed's reference session (5 nodes × 3 epochs, one pool,
//! finalize, 5 claims, each claim checked against the model) run in revm and sent to anvil over
//! JSON-RPC, the same transactions in the same order, in one run.

use std::path::Path;
use std::time::Instant;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolConstructor, SolEvent};
use serde_json::{Value, json};

use crate::bindings::{GradPay, creation};
use crate::deployment::{ADMIN, COORDINATOR, rich_balance};
use crate::driver::{node_address, sol_strategy};
use crate::error::SimError;
use crate::evm::{Chain, Rules, TX_GAS_CAP};
use crate::measure::bench::{
    TYPICAL_ROUNDS, create_session, record_call, register_call, start_finalization_call, typical_entry,
};
use crate::measure::rpc::{Anvil, Rpc};
use gradpay_model::{EpochEntry, SessionLedger, Strategy, payout};

/// Nodes, epochs and pool of the reference session.
const NODES: u32 = 5;
const EPOCHS: u32 = 3;
/// A claim deadline far in the future for both clocks (revm's and anvil's wall clock).
const DEADLINE: u64 = 4_000_000_000;

/// One transaction of the scenario; claims carry the amount the model owes.
#[derive(Clone, Debug)]
struct Step {
    from: Address,
    data: Bytes,
    value: U256,
    owed: Option<U256>,
}

fn step<C: SolCall>(from: Address, call: &C, value: U256, owed: Option<U256>) -> Step {
    Step { from, data: call.abi_encode().into(), value, owed }
}

fn reference_steps(id: u64) -> Result<Vec<Step>, SimError> {
    let mut steps = vec![
        step(COORDINATOR, &create_session(id), U256::ZERO, None),
        step(COORDINATOR, &register_call(id, 0, NODES), U256::ZERO, None),
    ];
    let mut ledger = SessionLedger::new(NODES);
    for epoch in 1..=EPOCHS {
        let entries: Vec<EpochEntry> = (0..NODES).map(|n| typical_entry(n, epoch)).collect();
        steps.push(step(COORDINATOR, &record_call(id, epoch, 0, &entries), U256::ZERO, None));
        ledger.apply_batch(epoch, TYPICAL_ROUNDS, &entries)?;
    }
    let finalized = ledger.finalize(0)?;
    let amount = U256::from(10u64).pow(U256::from(18u64));
    let (strategy, params) = sol_strategy(Strategy::Proportional);
    let start = start_finalization_call(id, &finalized.totals);
    let submit = GradPay::submitRankingCall {
        sessionId: id,
        rankedIndices: finalized.ranking.clone(),
        lastChunk: true,
    };
    let deadline = DEADLINE.try_into().unwrap_or_default();
    let pool = GradPay::createRewardPoolCall {
        sessionId: id,
        token: Address::ZERO,
        amount,
        strategy,
        params,
        claimDeadline: deadline,
        refundTo: Address::ZERO,
    };
    steps.push(step(COORDINATOR, &GradPay::completeSessionCall { sessionId: id }, U256::ZERO, None));
    steps.push(step(COORDINATOR, &start, U256::ZERO, None));
    steps.push(step(COORDINATOR, &submit, U256::ZERO, None));
    steps.push(step(COORDINATOR, &pool, amount, None));
    let owed = payout(&finalized, Strategy::Proportional, amount)?;
    let claim = GradPay::claimRewardCall { poolId: U256::from(id) << 8 };
    for node in 0..NODES {
        steps.push(step(node_address(node), &claim, U256::ZERO, owed.get(node as usize).copied()));
    }
    Ok(steps)
}

/// What a transaction left: success and the `RewardClaimed` amounts it logged.
struct Outcome {
    success: bool,
    claimed: Vec<U256>,
}

trait Backend {
    fn deploy(&mut self, init: Bytes) -> Result<Address, SimError>;
    fn send(&mut self, from: Address, to: Address, data: Bytes, value: U256) -> Result<Outcome, SimError>;
}

fn claimed_amount(data: &[u8]) -> Option<U256> {
    data.get(..32).map(U256::from_be_slice)
}

impl Backend for Chain {
    fn deploy(&mut self, init: Bytes) -> Result<Address, SimError> {
        Chain::deploy(self, ADMIN, init)
    }

    fn send(&mut self, from: Address, to: Address, data: Bytes, value: U256) -> Result<Outcome, SimError> {
        let receipt = self.call(from, to, data, value, TX_GAS_CAP)?;
        let claimed = receipt
            .logs
            .iter()
            .filter(|log| log.topics().first() == Some(&GradPay::RewardClaimed::SIGNATURE_HASH))
            .filter_map(|log| claimed_amount(&log.data.data))
            .collect();
        Ok(Outcome { success: receipt.success, claimed })
    }
}

impl Backend for Rpc {
    fn deploy(&mut self, init: Bytes) -> Result<Address, SimError> {
        let receipt = self.transact(
            &json!({"from": ADMIN, "data": init, "gas": format!("{TX_GAS_CAP:#x}"), "gasPrice": "0x0"}),
        )?;
        receipt
            .get("contractAddress")
            .and_then(Value::as_str)
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| SimError::Rpc(format!("deployment failed: {receipt}")))
    }

    fn send(&mut self, from: Address, to: Address, data: Bytes, value: U256) -> Result<Outcome, SimError> {
        let receipt = self.transact(
            &json!({"from": from, "to": to, "data": data, "value": value, "gas": format!("{TX_GAS_CAP:#x}"), "gasPrice": "0x0"}),
        )?;
        let success = receipt.get("status").and_then(Value::as_str) == Some("0x1");
        let signature = format!("{:#x}", GradPay::RewardClaimed::SIGNATURE_HASH);
        let claimed = receipt
            .get("logs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|log| log.pointer("/topics/0").and_then(Value::as_str) == Some(signature.as_str()))
            .filter_map(|log| log.get("data").and_then(Value::as_str)?.parse::<Bytes>().ok())
            .filter_map(|data| claimed_amount(&data))
            .collect();
        Ok(Outcome { success, claimed })
    }
}

impl Rpc {
    /// Sends a transaction and polls for its receipt (anvil mines it at once, but the receipt
    /// can trail the hash by a moment), as any client would.
    fn transact(&mut self, tx: &Value) -> Result<Value, SimError> {
        let hash = self.call("eth_sendTransaction", &json!([tx]))?;
        for attempt in 0..10_000u32 {
            let receipt = self.call("eth_getTransactionReceipt", &json!([hash]))?;
            if !receipt.is_null() {
                return Ok(receipt);
            }
            if attempt > 3 {
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        }
        Err(SimError::Rpc(format!("no receipt for {hash}")))
    }
}

/// Deploys GradPay on `backend` and runs `sessions` reference sessions, checking each claim.
fn run_sessions(name: &str, backend: &mut dyn Backend, scripts: &[Vec<Step>]) -> Result<f64, SimError> {
    let args = creation::GradPay::constructorCall { admin: ADMIN, coordinator: COORDINATOR };
    let gradpay =
        backend.deploy([creation::GradPay::BYTECODE.as_ref(), &args.abi_encode()].concat().into())?;
    let started = Instant::now();
    for (session, steps) in scripts.iter().enumerate() {
        for (i, step) in steps.iter().enumerate() {
            let outcome = backend.send(step.from, gradpay, step.data.clone(), step.value)?;
            if !outcome.success {
                return Err(SimError::Unexpected(format!("{name}: session {session}, step {i} reverted")));
            }
            if let Some(owed) = step.owed
                && outcome.claimed != [owed]
            {
                return Err(SimError::Unexpected(format!(
                    "{name}: session {session}, step {i}: claimed {:?}, model {owed}",
                    outcome.claimed
                )));
            }
        }
    }
    Ok(scripts.len() as f64 / started.elapsed().as_secs_f64())
}

/// Runs `sessions` reference sessions in revm and on anvil; a markdown section.
pub fn run(sessions: u32) -> Result<String, SimError> {
    let scripts: Vec<Vec<Step>> = (1..=u64::from(sessions)).map(reference_steps).collect::<Result<_, _>>()?;
    let mut chain = Chain::new(Rules::Ethereum);
    for account in [ADMIN, COORDINATOR] {
        chain.fund(account, rich_balance());
    }
    let revm_rate = run_sessions("revm", &mut chain, &scripts)?;

    let repo_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let anvil = Anvil::start(&repo_root)?;
    let mut rpc = Rpc::connect(anvil.port)?;
    for account in [ADMIN, COORDINATOR] {
        rpc.call("anvil_setBalance", &json!([account, rich_balance()]))?;
    }
    let anvil_rate = run_sessions("anvil", &mut rpc, &scripts)?;
    drop(anvil);
    let transactions = scripts.first().map_or(0, Vec::len);
    Ok(format!(
        "| backend | sessions | transactions per session | sessions checked / s |\n|---|---:|---:|---:|\n\
         | revm (in process, Ethereum rules) | {sessions} | {transactions} | {revm_rate:.0} |\n\
         | anvil over JSON-RPC (127.0.0.1) | {sessions} | {transactions} | {anvil_rate:.1} |\n\n\
         revm / anvil = **{:.0}×**\n",
        revm_rate / anvil_rate
    ))
}
