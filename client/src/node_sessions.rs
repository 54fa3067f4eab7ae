//! A node across the chain: every session it is registered in (from its `NodeRegistered` logs,
//! where the node is an indexed topic), each with its state and the node's rewards, and claims of
//! everything claimable in every session in as few `claimRewardsBatch` transactions as fit the
//! profile's per-transaction gas cap.

use alloy::{
    network::ReceiptResponse,
    primitives::{Address, B256, U256},
    rpc::types::Filter,
    sol_types::SolEvent,
};
use serde::Serialize;

use crate::{
    Coordinator, Result, SessionState,
    bindings::GradPay,
    claims::{PoolReward, RewardStatus},
    session::NodeStanding,
};

/// One session a node is in, as `gradpay sessions --node` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSession {
    /// The session.
    #[serde(serialize_with = "crate::json::decimal")]
    pub session_id: u64,
    /// Its state.
    pub state: SessionState,
    /// The node's standing in it.
    pub standing: NodeStanding,
    /// The node's reward in each of its pools.
    pub rewards: Vec<PoolReward>,
}

impl NodeSession {
    /// What the node can claim in this session now, per token (zero address: native).
    pub fn pending_by_token(&self) -> Vec<(Address, U256)> {
        let mut totals: Vec<(Address, U256)> = Vec::new();
        for reward in self.rewards.iter().filter(|r| r.status == RewardStatus::Claimable) {
            match totals.iter_mut().find(|(token, _)| *token == reward.token) {
                Some((_, total)) => *total += reward.pending,
                None => totals.push((reward.token, reward.pending)),
            }
        }
        totals
    }
}

/// One `claimRewardsBatch` transaction of a claim across sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimBatch {
    /// Its hash.
    pub tx: B256,
    /// The gas it used.
    pub gas_used: u64,
    /// (pool, amount) for every pool it claimed.
    pub claimed: Vec<(U256, U256)>,
}

impl Coordinator {
    /// The sessions `node` is registered in, in the order it was registered, from its
    /// `NodeRegistered` logs over [`Self::log_range`] (chunked; see [`crate::logs`]).
    pub async fn node_session_ids(&self, node: Address) -> Result<Vec<u64>> {
        let filter = Filter::new()
            .address(self.address())
            .event_signature(GradPay::NodeRegistered::SIGNATURE_HASH)
            .topic2(node.into_word());
        let mut ids = Vec::new();
        for log in self.logs(&filter, self.log_range()).await? {
            // A log that does not decode is not GradPay's NodeRegistered: skipped, not trusted.
            let Ok(registered) = GradPay::NodeRegistered::decode_log_data(log.data()) else { continue };
            if !ids.contains(&registered.sessionId) {
                ids.push(registered.sessionId);
            }
        }
        Ok(ids)
    }

    /// Every session `node` is in, with its state, the node's standing and its rewards (from the
    /// contract's views, as `gradpay pending` reads them).
    pub async fn node_sessions(&self, node: Address) -> Result<Vec<NodeSession>> {
        let mut sessions = Vec::new();
        for session_id in self.node_session_ids(node).await? {
            let state = self.session_state(session_id).await?;
            let standing = NodeStanding::of(self.node_record(session_id, node).await?.as_ref());
            let rewards = self.rewards(session_id, node).await?;
            sessions.push(NodeSession { session_id, state, standing, rewards });
        }
        Ok(sessions)
    }

    /// Claims everything the sender can claim now in every session it is in: every claimable pool,
    /// in `claimRewardsBatch` transactions of as many pools as fit the profile's `max-tx-gas`
    /// (by estimate: a batch over the cap is split in halves). Nothing claimable: nothing sent,
    /// an empty list.
    pub async fn claim_everywhere(&self) -> Result<Vec<ClaimBatch>> {
        let due: Vec<(U256, U256)> = self
            .node_sessions(self.sender())
            .await?
            .iter()
            .flat_map(|s| s.rewards.iter())
            .filter(|r| r.status == RewardStatus::Claimable)
            .map(|r| (r.pool_id, r.pending))
            .collect();
        let mut batches = Vec::new();
        let mut queue = vec![due];
        while let Some(group) = queue.pop() {
            if group.is_empty() {
                continue;
            }
            let ids: Vec<U256> = group.iter().map(|(id, _)| *id).collect();
            let request = self.request(self.contract().claimRewardsBatch(ids).calldata().clone());
            let estimate = self.estimate("claimRewardsBatch", request.clone()).await?;
            if self.profile().gas_limit(estimate) > self.profile().max_tx_gas && group.len() > 1 {
                // Halves, the first half claimed first (the queue is a stack).
                let (first, second) = group.split_at(group.len() / 2);
                queue.push(second.to_vec());
                queue.push(first.to_vec());
                continue;
            }
            let receipt = self.transact("claimRewardsBatch", request).await?;
            batches.push(ClaimBatch {
                tx: receipt.transaction_hash(),
                gas_used: receipt.gas_used(),
                claimed: group,
            });
        }
        Ok(batches)
    }
}
