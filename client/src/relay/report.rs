//! What a relayer's run did, from its transactions' events: per pool what the recipient got and
//! the relayer's fee (a token short of what its pools owe cuts a payment: `PaymentShortfall`
//! says by how much), and the fees per token.

use std::collections::{BTreeMap, HashMap};

use alloy::{
    primitives::{Address, U256},
    rpc::types::TransactionReceipt,
};
use serde::Serialize;

use crate::{Coordinator, Result, bindings::GradPay};

/// A payout change the relayer submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayedPayout {
    /// The node.
    pub node: Address,
    /// Its sessions.
    #[serde(serialize_with = "decimal_list")]
    pub session_ids: Vec<u64>,
    /// Its payout in them now.
    pub payout: Address,
}

/// One pool's claim the relayer submitted, from the transaction's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayedClaim {
    /// The node.
    pub node: Address,
    /// The pool.
    #[serde(serialize_with = "crate::json::decimal")]
    pub pool_id: U256,
    /// The pool's token (zero address: native).
    pub token: Address,
    /// Who was paid: the node's payout address, or the node.
    pub recipient: Address,
    /// What the recipient got (the reward minus the fee).
    #[serde(serialize_with = "crate::json::decimal")]
    pub amount: U256,
    /// What the relayer got.
    #[serde(serialize_with = "crate::json::decimal")]
    pub fee: U256,
}

/// What a relayer's run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayReport {
    /// Transactions sent.
    pub transactions: usize,
    /// Gas they used together (what the relayer paid for, against its fees).
    #[serde(serialize_with = "crate::json::decimal")]
    pub gas_used: u64,
    /// Payout changes, in file order.
    pub payouts: Vec<RelayedPayout>,
    /// Claims, per pool, in the order they were paid.
    pub claims: Vec<RelayedClaim>,
    /// The relayer's fees per token (zero address: native).
    #[serde(serialize_with = "fee_totals")]
    pub fees: BTreeMap<Address, U256>,
}

impl Coordinator {
    /// Adds the claims and fees `receipt` logged to `report`.
    pub(super) async fn add_claims(
        &self,
        receipt: &TransactionReceipt,
        report: &mut RelayReport,
    ) -> Result<()> {
        let logs = receipt.inner.logs();
        let fees: HashMap<(U256, Address), U256> = logs
            .iter()
            .filter_map(|log| log.log_decode::<GradPay::RelayFeePaid>().ok())
            .map(|log| ((log.inner.poolId, log.inner.node), log.inner.fee))
            .collect();
        // (token, payee, owed) → paid, for the payments a shortfall cut.
        let mut cut: Vec<(Address, Address, U256, U256)> = logs
            .iter()
            .filter_map(|log| log.log_decode::<GradPay::PaymentShortfall>().ok())
            .map(|log| (log.inner.token, log.inner.to, log.inner.amount, log.inner.paid))
            .collect();
        let mut tokens = HashMap::new();
        for log in logs.iter().filter_map(|log| log.log_decode::<GradPay::RewardClaimed>().ok()) {
            let claimed = log.inner.data;
            let fee = fees.get(&(claimed.poolId, claimed.node)).copied().unwrap_or_default();
            let token = match tokens.get(&claimed.poolId) {
                Some(&token) => token,
                None => *tokens.entry(claimed.poolId).or_insert(self.pool(claimed.poolId).await?.token),
            };
            // `RewardClaimed` logs the reward owed; the recipient got what was paid less the fee.
            let owed = (token, claimed.recipient, claimed.amount);
            let paid = match cut.iter().position(|&(t, to, amount, _)| (t, to, amount) == owed) {
                Some(at) => cut.swap_remove(at).3,
                None => claimed.amount,
            };
            *report.fees.entry(token).or_default() += fee;
            report.claims.push(RelayedClaim {
                node: claimed.node,
                pool_id: claimed.poolId,
                token,
                recipient: claimed.recipient,
                amount: paid.saturating_sub(fee),
                fee,
            });
        }
        Ok(())
    }
}

fn decimal_list<S: serde::Serializer>(values: &[u64], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(values.iter().map(u64::to_string))
}

fn fee_totals<S: serde::Serializer>(
    fees: &BTreeMap<Address, U256>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(
        fees.iter()
            .map(|(token, amount)| serde_json::json!({ "token": token, "amount": amount.to_string() })),
    )
}
