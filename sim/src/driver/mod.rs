//! Plays a [`SessionPlan`] against GradPay and the reference model side by side, and fails at
//! the first difference with a message naming the step, the node and both values.

mod claims;
mod finalize;
mod probes;
mod record;

pub use claims::sol_strategy;
pub use record::{entries_digest, pack_entry};

use alloy_primitives::{Address, B256, Log, U256};

use crate::bindings::GradPay;
use crate::deployment::{COORDINATOR, Deployment, Revert, Sent, rich_balance};
use crate::error::SimError;
use crate::evm::Rules;
use crate::scenario::SessionPlan;
use gradpay_model::SessionLedger;

/// The session id every driven session uses (one session per deployment).
pub const SESSION_ID: u64 = 0x6772_6164;

/// The address of node `index`: a prefix no precompile or role uses, then the index.
pub fn node_address(index: u32) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0xee;
    bytes[16..].copy_from_slice(&index.to_be_bytes());
    Address::from(bytes)
}

/// What a driven session checked, so properties can insist their part actually ran.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Batches the contract accepted.
    pub batches_recorded: u32,
    /// Epochs opened by a batch with no entries (silent epochs), accepted.
    pub silent_epochs_opened: u32,
    /// Batches of the plan refused as the page or the storage capacity says (a revisited epoch
    /// with other rounds, a node twice in an epoch, an overflowing sum).
    pub batches_refused: u32,
    /// Batches it rejected, each with the expected error and no state change.
    pub batches_rejected: u32,
    /// Replays rejected with no state change.
    pub replays_rejected: u32,
    /// Calls by an account with no role rejected with no state change.
    pub strangers_rejected: u32,
    /// Role-gated writes rejected while paused.
    pub paused_rejected: u32,
    /// Claims rejected while paused.
    pub paused_claims_rejected: u32,
    /// Wrong finalizations rejected.
    pub finalizations_rejected: u32,
    /// Wrong finalizations not tried: the session is too small for them (or has no
    /// ineligible node to slip in).
    pub finalization_faults_skipped: u32,
    /// Nodes eligible at finalization (`n`).
    pub eligible: u32,
    /// Node scores compared with the model.
    pub scores_compared: u32,
    /// (pool, node) pairs the model says are owed something.
    pub owed_pairs: u32,
    /// Claims paid, each equal to the model to the wei (a batch claim counts once per pool).
    pub claims_paid: u32,
    /// Claims refused as the model says (nothing owed, or already claimed).
    pub claims_refused: u32,
    /// Pools swept, each returning exactly the remainder.
    pub pools_swept: u32,
    /// Largest `pool - Σ model payouts` seen, against `3n`.
    pub worst_dust: U256,
}

/// A GradPay deployment carrying one session, with the model of the same session.
pub(crate) struct Driven<'a> {
    pub(crate) dep: Deployment,
    pub(crate) plan: &'a SessionPlan,
    pub(crate) ledger: SessionLedger,
    pub(crate) report: Report,
}

/// Fails with a mismatch message.
pub(crate) fn mismatch(what: impl Into<String>) -> SimError {
    SimError::Unexpected(what.into())
}

/// The call must have succeeded; its return value.
pub(crate) fn succeeded<R>(sent: Sent<R>, what: &str) -> Result<R, SimError> {
    sent.result.map_err(|revert| mismatch(format!("{what} reverted: {revert:?}")))
}

/// The call must have reverted; its decoded error.
pub(crate) fn reverted<R>(sent: Sent<R>, what: &str) -> Result<GradPay::GradPayErrors, SimError> {
    match sent.result {
        Ok(_) => Err(mismatch(format!("{what} succeeded but must revert"))),
        Err(Revert::GradPay(error)) => Ok(error),
        Err(Revert::Raw(data)) => Err(mismatch(format!("{what} reverted without a GradPay error: {data}"))),
    }
}

/// Drives `plan` under `rules` from deployment to sweep.
pub fn run_session(rules: Rules, plan: &SessionPlan) -> Result<Report, SimError> {
    let mut driven = Driven {
        dep: Deployment::new(rules)?,
        plan,
        ledger: SessionLedger::new(plan.node_count),
        report: Report::default(),
    };
    if plan.strangers_try {
        driven.probe_admin_functions()?;
    }
    driven.create_and_register()?;
    driven.record_all()?;
    driven.exclude_and_complete()?;
    let finalized = driven.finalize()?;
    driven.pay(&finalized)?;
    Ok(driven.report)
}

impl Driven<'_> {
    fn create_and_register(&mut self) -> Result<(), SimError> {
        let create = GradPay::createSessionCall {
            sessionId: SESSION_ID,
            modelHash: B256::repeat_byte(0x4d),
            clipK: self.plan.clip_k,
        };
        self.coordinator_write(&create, "createSession")?;
        let chunk = self.plan.registration_chunk.max(1);
        let mut first = 0u32;
        while first < self.plan.node_count {
            let last = (first + chunk).min(self.plan.node_count);
            let nodes: Vec<Address> = (first..last).map(node_address).collect();
            let ids = (first..last).map(|i| B256::from(U256::from(i) + U256::from(1u8))).collect();
            let register = GradPay::registerNodesBatchCall { sessionId: SESSION_ID, nodes, nodeIds: ids };
            let first_index = self.coordinator_write(&register, "registerNodesBatch")?;
            if first_index != first {
                return Err(mismatch(format!(
                    "registerNodesBatch gave first index {first_index}, expected {first}"
                )));
            }
            first = last;
        }
        Ok(())
    }

    fn exclude_and_complete(&mut self) -> Result<(), SimError> {
        for &raw in &self.plan.excluded {
            let index = raw % self.plan.node_count.max(1);
            let call = GradPay::excludeNodeCall {
                sessionId: SESSION_ID,
                node: node_address(index),
                reason: "sim".into(),
            };
            if !self.ledger.is_excluded(index) {
                self.coordinator_write(&call, "excludeNode")?;
                self.ledger.exclude(index);
            } else {
                let sent = self.dep.send(COORDINATOR, &call, U256::ZERO)?;
                match reverted(sent, "excluding twice")? {
                    GradPay::GradPayErrors::NodeAlreadyExcluded(_) => {}
                    other => return Err(mismatch(format!("excluding twice: {other:?}"))),
                }
            }
        }
        self.coordinator_write(&GradPay::completeSessionCall { sessionId: SESSION_ID }, "completeSession")?;
        if let Some(clip_k) = self.plan.clip_k_change {
            self.coordinator_write(
                &GradPay::setClipKCall { sessionId: SESSION_ID, clipK: clip_k },
                "setClipK",
            )?;
        }
        Ok(())
    }

    /// The `clipK` finalization uses.
    pub(crate) fn clip_k(&self) -> u64 {
        self.plan.clip_k_change.unwrap_or(self.plan.clip_k)
    }

    /// A coordinator write that must succeed, after the plan's stranger and pause probes.
    pub(crate) fn coordinator_write<C>(&mut self, call: &C, what: &str) -> Result<C::Return, SimError>
    where
        C: alloy_sol_types::SolCall,
    {
        self.coordinator_write_logged(call, what).map(|(returned, _)| returned)
    }

    /// As [`Self::coordinator_write`], with the logs the write emitted.
    pub(crate) fn coordinator_write_logged<C>(
        &mut self,
        call: &C,
        what: &str,
    ) -> Result<(C::Return, Vec<Log>), SimError>
    where
        C: alloy_sol_types::SolCall,
    {
        self.probe(COORDINATOR, call, what)?;
        let sent = self.dep.send(COORDINATOR, call, U256::ZERO)?;
        let logs = sent.receipt.logs.clone();
        Ok((succeeded(sent, what)?, logs))
    }

    /// Runs `attempt`; fails if it left GradPay's storage different from before.
    pub(crate) fn storage_unchanged<T>(
        &mut self,
        what: &str,
        attempt: impl FnOnce(&mut Self) -> Result<T, SimError>,
    ) -> Result<T, SimError> {
        let before = self.dep.chain.storage(self.dep.gradpay);
        let outcome = attempt(self)?;
        if self.dep.chain.storage(self.dep.gradpay) != before {
            return Err(mismatch(format!("{what}: refused, but storage changed")));
        }
        Ok(outcome)
    }

    /// Gives ETH to the coordinator for a pool of `amount` (the balance is reset, not added to).
    pub(crate) fn fund_coordinator(&mut self, amount: U256) {
        let balance = rich_balance().max(amount + rich_balance());
        self.dep.chain.fund(COORDINATOR, balance);
    }
}
