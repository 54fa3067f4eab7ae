//! Building blocks for measurements: sessions of any size set up with realistic entries, each
//! call's gas and (under Monad) the limit a client would set, i.e. what is paid.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;

use crate::bindings::GradPay;
use crate::deployment::{COORDINATOR, Deployment, rich_balance};
use crate::driver::{node_address, pack_entry, sol_strategy};
use crate::error::SimError;
use crate::evm::Rules;
use crate::evm::TX_GAS_CAP;
use gradpay_model::{EpochEntry, FinalizationTotals, Finalized, SessionLedger, Strategy};

/// The client's default gas margin over the estimate (`client/src/config.rs`), in bps.
pub const CLIENT_GAS_MARGIN_BPS: u64 = 500;
/// Nodes per `registerNodesBatch` when setting up large sessions.
pub const REGISTER_CHUNK: u32 = 500;
/// Entries per `recordContributionsBatch` when setting up large sessions.
pub const RECORD_CHUNK: u32 = 1_000;

/// Gas of one measured transaction (or of several, summed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gas {
    /// Gas used (after refunds on Ethereum; Monad has none).
    pub used: u64,
    /// The limit a client sets: the bisected estimate plus the client's margin. Monad charges it.
    pub limit: u64,
    /// Whether every transaction fitted under the 30M cap; when not, `used` was measured with
    /// the cap lifted and `limit` is 0 (no client could send it).
    pub oversize: bool,
}

impl Gas {
    /// Sums of the gas; oversize if either part is.
    pub fn plus(self, other: Gas) -> Gas {
        Gas {
            used: self.used + other.used,
            limit: self.limit + other.limit,
            oversize: self.oversize || other.oversize,
        }
    }
}

/// The limit oversize operations are measured with once the cap is lifted.
const OVERSIZE_LIMIT: u64 = 2_000_000_000;

/// A realistic entry for node `node` in epoch `epoch`: every field non-zero and varied, so no
/// storage write is a cheap zero-to-zero and no calldata byte is a cheap zero more than usual.
pub fn typical_entry(node: u32, epoch: u32) -> EpochEntry {
    let spread = (node.wrapping_mul(2_654_435_761) >> 16) % 1000;
    EpochEntry {
        node,
        compute_seconds: 3_000 + spread + epoch,
        accepted: 40 + spread % 60,
        rejected: 1 + spread % 5,
        rounds_ok: 8 + spread % 3,
        rounds_joined: 10 + spread % 3,
        consistency_bps: 7_000 + (spread * 3) as u16,
        network_bps: 8_000 + (spread * 2) as u16,
        uptime_bps: 9_000 + spread as u16,
    }
}

/// Rounds per epoch in measured sessions (every typical entry fits in it).
pub const TYPICAL_ROUNDS: u32 = 12;

/// One deployment under measurement, with the model of each session it runs.
#[derive(Debug)]
pub struct Bench {
    /// The deployment.
    pub dep: Deployment,
    /// The most gas any single transaction sent through this bench used.
    pub largest_tx_gas: u64,
}

impl Bench {
    /// A fresh deployment under `rules`.
    pub fn new(rules: Rules) -> Result<Self, SimError> {
        Ok(Self { dep: Deployment::new(rules)?, largest_tx_gas: 0 })
    }

    /// Sends `call` from `from` and measures it; it must succeed (above the cap, it is measured
    /// with the cap lifted and marked oversize).
    pub fn measure<C: SolCall>(
        &mut self,
        from: Address,
        call: &C,
        value: U256,
        what: &str,
    ) -> Result<(C::Return, Gas), SimError> {
        let data = call.abi_encode().into();
        let gradpay = self.dep.gradpay;
        let estimate = self.dep.chain.estimate_gas(from, gradpay, &data, value)?;
        let limit = estimate.map(|e| (e * (10_000 + CLIENT_GAS_MARGIN_BPS)).div_ceil(10_000));
        if estimate.is_none() {
            self.dep.chain.lift_gas_cap();
        }
        let tx_limit = if estimate.is_some() { TX_GAS_CAP } else { OVERSIZE_LIMIT };
        let receipt = self.dep.chain.call(from, gradpay, data, value, tx_limit)?;
        self.largest_tx_gas = self.largest_tx_gas.max(receipt.gas_used);
        if !receipt.success {
            return Err(SimError::Unexpected(format!("{what} reverted: {}", receipt.output)));
        }
        let returned = C::abi_decode_returns(&receipt.output).map_err(|e| SimError::Decode(e.to_string()))?;
        let gas = Gas { used: receipt.gas_used, limit: limit.unwrap_or(0), oversize: estimate.is_none() };
        Ok((returned, gas))
    }

    /// Sends `call` as the coordinator without measuring; it must succeed.
    pub fn coordinate<C: SolCall>(
        &mut self,
        call: &C,
        value: U256,
        what: &str,
    ) -> Result<C::Return, SimError> {
        let sent = self.dep.send(COORDINATOR, call, value)?;
        self.largest_tx_gas = self.largest_tx_gas.max(sent.receipt.gas_used);
        sent.result.map_err(|e| SimError::Unexpected(format!("{what} reverted: {e:?}")))
    }

    /// Creates session `id` (clipping off).
    pub fn create_session(&mut self, id: u64) -> Result<(), SimError> {
        self.coordinate(&create_session(id), U256::ZERO, "createSession").map(drop)
    }

    /// Registers nodes `first..first + count` (node addresses from [`node_address`]).
    pub fn register(&mut self, id: u64, first: u32, count: u32) -> Result<(), SimError> {
        let mut next = first;
        while next < first + count {
            let end = (next + REGISTER_CHUNK).min(first + count);
            self.coordinate(&register_call(id, next, end), U256::ZERO, "registerNodesBatch")?;
            next = end;
        }
        Ok(())
    }

    /// Records epoch `epoch` for every node `0..count` in batches, and in `ledger`.
    pub fn record_epoch(
        &mut self,
        id: u64,
        epoch: u32,
        count: u32,
        ledger: &mut SessionLedger,
    ) -> Result<(), SimError> {
        let entries: Vec<EpochEntry> = (0..count).map(|node| typical_entry(node, epoch)).collect();
        for (batch, chunk) in entries.chunks(RECORD_CHUNK as usize).enumerate() {
            let call = record_call(id, epoch, batch as u32, chunk);
            self.coordinate(&call, U256::ZERO, "recordContributionsBatch")?;
            ledger.apply_batch(epoch, TYPICAL_ROUNDS, chunk)?;
        }
        Ok(())
    }

    /// Completes the session and finalizes it in chunks of `chunk` ranked nodes; the gas of
    /// `startFinalization` plus every chunk, and the model's result.
    pub fn finalize(
        &mut self,
        id: u64,
        ledger: &SessionLedger,
        chunk: usize,
    ) -> Result<(Finalized, Gas, usize), SimError> {
        self.coordinate(&GradPay::completeSessionCall { sessionId: id }, U256::ZERO, "completeSession")?;
        let finalized = ledger.finalize(0)?;
        let start = start_finalization_call(id, &finalized.totals);
        let (_, mut gas) = self.measure(COORDINATOR, &start, U256::ZERO, "startFinalization")?;
        let chunks: Vec<&[u32]> = finalized.ranking.chunks(chunk.max(1)).collect();
        for (i, indices) in chunks.iter().enumerate() {
            let submit = GradPay::submitRankingCall {
                sessionId: id,
                rankedIndices: indices.to_vec(),
                lastChunk: i + 1 == chunks.len(),
            };
            gas = gas.plus(self.measure(COORDINATOR, &submit, U256::ZERO, "submitRanking")?.1);
        }
        let count = chunks.len();
        Ok((finalized, gas, count))
    }

    /// Creates an ETH (or, with `token`, ERC20) pool of `amount` on a finalized session.
    pub fn create_pool(
        &mut self,
        id: u64,
        token: Address,
        amount: U256,
        strategy: Strategy,
    ) -> Result<(U256, Gas), SimError> {
        let (code, params) = sol_strategy(strategy);
        let value = if token.is_zero() { amount } else { U256::ZERO };
        self.dep.chain.fund(COORDINATOR, rich_balance() + value);
        let deadline = self.dep.chain.timestamp() + 7 * 24 * 3600;
        let call = GradPay::createRewardPoolCall {
            sessionId: id,
            token,
            amount,
            strategy: code,
            params,
            claimDeadline: deadline.try_into().unwrap_or_default(),
            refundTo: Address::ZERO,
        };
        self.measure(COORDINATOR, &call, value, "createRewardPool")
    }
}

/// `createSession(id, …, clipK = 0)`.
pub fn create_session(id: u64) -> GradPay::createSessionCall {
    GradPay::createSessionCall { sessionId: id, modelHash: B256::repeat_byte(0x4d), clipK: 0 }
}

/// `registerNodesBatch` for nodes `first..end`.
pub fn register_call(id: u64, first: u32, end: u32) -> GradPay::registerNodesBatchCall {
    GradPay::registerNodesBatchCall {
        sessionId: id,
        nodes: (first..end).map(node_address).collect(),
        nodeIds: (first..end).map(|i| B256::from(U256::from(i) + U256::from(1u8))).collect(),
    }
}

/// `recordContributionsBatch` of `entries` at [`TYPICAL_ROUNDS`].
pub fn record_call(
    id: u64,
    epoch: u32,
    batch: u32,
    entries: &[EpochEntry],
) -> GradPay::recordContributionsBatchCall {
    GradPay::recordContributionsBatchCall {
        sessionId: id,
        epoch,
        batch,
        epochRounds: TYPICAL_ROUNDS,
        entries: entries.iter().map(pack_entry).collect(),
    }
}

/// `startFinalization` with the model's totals.
pub fn start_finalization_call(id: u64, totals: &FinalizationTotals) -> GradPay::startFinalizationCall {
    GradPay::startFinalizationCall {
        sessionId: id,
        eligibleCount: totals.eligible_count,
        sumScore: totals.sum_score,
        sumScoreSquared: totals.sum_score_squared,
    }
}
