//! Wrong callers and a paused contract: each must be refused and leave GradPay's storage as it was.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;

use super::{Driven, mismatch, node_address, reverted, succeeded};
use crate::bindings::GradPay::{self, GradPayErrors};
use crate::deployment::{ADMIN, COORDINATOR, REFUND, STRANGER, rich_balance};
use crate::error::SimError;

impl Driven<'_> {
    /// The plan's probes for a write `role` is about to make.
    pub(crate) fn probe<C: SolCall>(&mut self, role: Address, call: &C, what: &str) -> Result<(), SimError> {
        self.probe_with_value(role, call, U256::ZERO, what)
    }

    /// As [`Self::probe`], for a call that carries `value`.
    pub(crate) fn probe_with_value<C: SolCall>(
        &mut self,
        role: Address,
        call: &C,
        value: U256,
        what: &str,
    ) -> Result<(), SimError> {
        if self.plan.strangers_try {
            let outsider = self.outsider(role);
            self.expect_unauthorized(outsider, call, value, what)?;
        }
        if self.plan.pause_tries {
            self.expect_probe_refused(role, call, value, Refusal::Paused, what)?;
            self.report.paused_rejected += 1;
        }
        Ok(())
    }

    /// The plan's pause probe alone, for writes anyone may send (claims).
    pub(crate) fn probe_paused<C: SolCall>(
        &mut self,
        from: Address,
        call: &C,
        what: &str,
    ) -> Result<(), SimError> {
        if self.plan.pause_tries {
            self.expect_probe_refused(from, call, U256::ZERO, Refusal::Paused, what)?;
            self.report.paused_claims_rejected += 1;
        }
        Ok(())
    }

    /// An account without `role`, rotating through the other role, the refund address, a node and
    /// a stranger, so that no account stands in for another.
    fn outsider(&mut self, role: Address) -> Address {
        let other_role = if role == COORDINATOR { ADMIN } else { COORDINATOR };
        let candidates = [STRANGER, other_role, REFUND, node_address(0)];
        let pick = candidates[self.report.strangers_rejected as usize % candidates.len()];
        if self.dep.chain.balance(pick) < rich_balance() {
            self.dep.chain.fund(pick, rich_balance());
        }
        pick
    }

    /// Every admin-only function sent by the coordinator and by a stranger: all refused.
    pub(crate) fn probe_admin_functions(&mut self) -> Result<(), SimError> {
        let role = self.dep.view(&GradPay::COORDINATOR_ROLECall {})?;
        for outsider in [COORDINATOR, STRANGER] {
            self.expect_unauthorized(outsider, &GradPay::pauseCall {}, U256::ZERO, "pause")?;
            self.expect_unauthorized(outsider, &GradPay::unpauseCall {}, U256::ZERO, "unpause")?;
            let rescue = GradPay::rescueCall { token: Address::ZERO, to: outsider };
            self.expect_unauthorized(outsider, &rescue, U256::ZERO, "rescue")?;
            let grant = GradPay::grantRoleCall { role, account: STRANGER };
            self.expect_unauthorized(outsider, &grant, U256::ZERO, "grantRole")?;
        }
        Ok(())
    }

    /// `call` from an account without the role it needs: refused, storage unchanged.
    fn expect_unauthorized<C: SolCall>(
        &mut self,
        outsider: Address,
        call: &C,
        value: U256,
        what: &str,
    ) -> Result<(), SimError> {
        self.expect_probe_refused(outsider, call, value, Refusal::Unauthorized, what)?;
        self.report.strangers_rejected += 1;
        Ok(())
    }

    /// `call` from `from` must be refused for `refusal`, and leave GradPay's storage unchanged.
    /// A pause probe pauses first and afterwards puts the whole chain back as it was before the
    /// pause (lifting a pause would leave the pause clock moved and start its cooldown).
    fn expect_probe_refused<C: SolCall>(
        &mut self,
        from: Address,
        call: &C,
        value: U256,
        refusal: Refusal,
        what: &str,
    ) -> Result<(), SimError> {
        let what = match refusal {
            Refusal::Unauthorized => format!("{what} by {from}"),
            Refusal::Paused => format!("{what} while paused"),
        };
        let before_pause = match refusal {
            Refusal::Paused => {
                let snapshot = self.dep.chain.snapshot();
                succeeded(self.dep.send(ADMIN, &GradPay::pauseCall {}, U256::ZERO)?, "pause")?;
                Some(snapshot)
            }
            Refusal::Unauthorized => None,
        };
        let outcome = self.storage_unchanged(&what, |driven| {
            let error = reverted(driven.dep.send(from, call, value)?, &what)?;
            let expected = match (refusal, &error) {
                // A role function names the missing role; a session function the session's
                // owner or delegate the sender is not; pool funding the funder it is not.
                (Refusal::Unauthorized, GradPayErrors::AccessControlUnauthorizedAccount(e)) => {
                    e.account == from
                }
                (Refusal::Unauthorized, GradPayErrors::NotSessionOperator(e)) => e.account == from,
                (Refusal::Unauthorized, GradPayErrors::NotSessionFunder(e)) => e.account == from,
                (Refusal::Paused, GradPayErrors::EnforcedPause(_)) => true,
                _ => false,
            };
            if expected { Ok(()) } else { Err(mismatch(format!("{what}: {error:?}"))) }
        });
        if let Some(snapshot) = before_pause {
            self.dep.chain.restore(snapshot);
        }
        outcome
    }
}

/// Why a probe must be refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// The sender lacks the role.
    Unauthorized,
    /// The contract is paused.
    Paused,
}
