//! Who sends a run's batches: this coordinator's key and its extra senders, each checked to run
//! the session (its owner or a delegate) before anything is planned, and each given a lane for a
//! round with its next nonce and its fee budget: the profile's `fee-budget`, at most its balance
//! (Monad's reserve balance is `min(10 MON, balance)`).

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
};
use serde::Serialize;

use super::{
    Run,
    lanes::{Job, Lane},
};
use crate::{Coordinator, Error, Result, tx::Fees};

/// What one sender key did in a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyUse {
    /// The key's address.
    pub address: Address,
    /// Transactions it sent.
    pub transactions: u32,
    /// The most fees (gas limit × fee cap) it had in flight at once, wei.
    #[serde(serialize_with = "crate::json::decimal")]
    pub max_in_flight_wei: u128,
}

impl Coordinator {
    /// Fails with [`Error::SenderNotOperator`] unless every extra sender owns `session_id` or is one
    /// of its delegates (this handle's own key is checked by the chain, as for every operation).
    pub(super) async fn check_senders(&self, session_id: u64) -> Result<Vec<KeyUse>> {
        let senders = self.senders();
        if senders.len() > 1 {
            let owner = self.session_owner(session_id).await?;
            for key in &senders {
                let account = key.sender();
                if account != owner && !self.session_rights(session_id, account).await?.delegate {
                    return Err(Error::SenderNotOperator { session_id, account });
                }
            }
        }
        Ok(senders.iter().map(|key| KeyUse { address: key.sender(), ..KeyUse::default() }).collect())
    }

    /// One lane per sender for a round sending `jobs` at `fees`: a first round starts at the next
    /// free nonce (`pending`: another process with the same key may have transactions in the pool),
    /// a retry at `latest`, so that a dropped transaction's gap is filled and a stuck one replaced.
    pub(super) async fn lanes(
        &self,
        run: &mut Run<'_>,
        jobs: &[Job],
        fees: Fees,
        retry: u32,
    ) -> Result<Vec<Lane>> {
        let profile = self.profile();
        let largest = jobs.iter().map(|job| job.fee(fees)).max().unwrap_or_default();
        if let Some(budget) = profile.fee_budget_wei.filter(|&budget| budget < largest) {
            return Err(Error::FeeBudgetTooSmall { profile: profile.name.clone(), budget, needed: largest });
        }
        let head = self
            .provider()
            .get_block_number()
            .await
            .map_err(|e| self.rpc_error("reading block number", &e))?;
        let senders = self.senders();
        let mut lanes = Vec::with_capacity(senders.len());
        let mut balances = U256::ZERO;
        for (index, key) in senders.into_iter().enumerate() {
            let address = key.sender();
            let balance = self
                .provider()
                .get_balance(address)
                .await
                .map_err(|e| self.rpc_error("reading balance", &e))?;
            if balance < U256::from(largest) {
                return Err(Error::InsufficientFunds { address, balance, needed: U256::from(largest) });
            }
            balances += balance;
            let budget = profile.fee_budget_wei.map(|b| b.min(u128::try_from(balance).unwrap_or(u128::MAX)));
            let nonce = if retry == 0 { key.pending_nonce().await? } else { key.mined_nonce().await? };
            let mut ledger = std::mem::take(&mut run.ledgers[index]);
            ledger.set_budget(budget);
            lanes.push(Lane::new(index, key, ledger, nonce, head));
        }
        let total: U256 = jobs.iter().map(|job| U256::from(job.fee(fees))).sum();
        if balances < total {
            let keys = lanes.len();
            let address = self.sender();
            return Err(if keys == 1 {
                Error::InsufficientFunds { address, balance: balances, needed: total }
            } else {
                Error::SendersUnderfunded { keys, balance: balances, needed: total, epoch: run.epoch }
            });
        }
        Ok(lanes)
    }
}
