//! Wrong callers and a paused contract: each must be refused and leave GradPay's storage as it was.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;

use super::{Driven, mismatch, reverted, succeeded};
use crate::bindings::GradPay::{self, GradPayErrors};
use crate::deployment::{ADMIN, STRANGER};
use crate::error::SimError;

impl Driven<'_> {
    /// The plan's probes for a write `role` is about to make.
    pub(crate) fn probe<C: SolCall>(
        &mut self,
        role: Address,
        call: &C,
        what: &str,
    ) -> Result<(), SimError> {
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
            self.expect_stranger_refused(call, value, what)?;
        }
        if self.plan.pause_tries {
            self.expect_paused_refused(role, call, value, what)?;
        }
        Ok(())
    }

    fn expect_stranger_refused<C: SolCall>(
        &mut self,
        call: &C,
        value: U256,
        what: &str,
    ) -> Result<(), SimError> {
        let before = self.dep.chain.storage(self.dep.gradpay);
        let sent = self.dep.send(STRANGER, call, value)?;
        match reverted(sent, &format!("{what} by a stranger"))? {
            GradPayErrors::AccessControlUnauthorizedAccount(e) if e.account == STRANGER => {}
            other => return Err(mismatch(format!("{what} by a stranger: {other:?}"))),
        }
        if self.dep.chain.storage(self.dep.gradpay) != before {
            return Err(mismatch(format!("{what} by a stranger changed storage")));
        }
        self.report.strangers_rejected += 1;
        Ok(())
    }

    fn expect_paused_refused<C: SolCall>(
        &mut self,
        role: Address,
        call: &C,
        value: U256,
        what: &str,
    ) -> Result<(), SimError> {
        let before = self.dep.chain.storage(self.dep.gradpay);
        succeeded(
            self.dep.send(ADMIN, &GradPay::pauseCall {}, U256::ZERO)?,
            "pause",
        )?;
        let sent = self.dep.send(role, call, value)?;
        match reverted(sent, &format!("{what} while paused"))? {
            GradPayErrors::EnforcedPause(_) => {}
            other => return Err(mismatch(format!("{what} while paused: {other:?}"))),
        }
        succeeded(
            self.dep.send(ADMIN, &GradPay::unpauseCall {}, U256::ZERO)?,
            "unpause",
        )?;
        if self.dep.chain.storage(self.dep.gradpay) != before {
            return Err(mismatch(format!("{what} while paused changed storage")));
        }
        self.report.paused_rejected += 1;
        Ok(())
    }
}
