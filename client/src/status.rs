//! A node's view of a session, as `gradpay status --json` prints it (docs/json.md) and Python's
//! `Node.status` returns it: the session's counters and totals, the node's standing, record,
//! scores and rewards.

use alloy::primitives::Address;
use serde_json::{Value, json};

use crate::{
    Coordinator, Result, SessionState, bindings::ITrainingRegistry::SessionInfo, claims::PoolReward,
    session::NodeStanding,
};

/// What `status` shows, with the parts its text form reads.
#[derive(Debug, Clone)]
pub struct NodeStatus {
    /// The document (`gradpay status --json`).
    pub value: Value,
    /// The session as `getSession` returns it.
    pub session: SessionInfo,
    /// The session's state.
    pub state: SessionState,
    /// The node's standing.
    pub standing: NodeStanding,
    /// Its rewards (empty when not registered).
    pub rewards: Vec<PoolReward>,
}

impl Coordinator {
    /// `node`'s status in `session_id`, which must exist.
    pub async fn node_status(&self, session_id: u64, node: Address) -> Result<NodeStatus> {
        let session = self.existing_session(session_id).await?;
        let state = SessionState::try_from(session.state)?;
        let totals = self.session_totals(session_id).await?;
        let record = self.node_record(session_id, node).await?;
        let standing = NodeStanding::of(record.as_ref());
        let mut entry = json!({ "address": node, "registered": record.is_some(), "standing": standing });
        let rewards = if record.is_some() { self.rewards(session_id, node).await? } else { Vec::new() };
        if let Some(record) = &record {
            let score = self.score(session_id, node).await?;
            entry["index"] = record.index.into();
            entry["excluded"] = record.excluded.into();
            entry["record"] = json!({ "epochs": record.epochs, "computeSeconds": record.computeSeconds.to_string(),
                "accepted": record.accepted, "rejected": record.rejected, "roundsOk": record.roundsOk,
                "roundsJoined": record.roundsJoined });
            entry["scores"] = json!({ "eligible": score.eligible, "quality": score.quality,
                "reliability": score.reliability, "acceptance": score.acceptance, "consistency": score.consistency,
                "success": score.success, "participation": score.participation, "network": score.network,
                "uptime": score.uptime, "score": score.score.to_string() });
            entry["rewards"] = serde_json::to_value(&rewards).unwrap_or_default();
        }
        let value = json!({
            "session": session_id.to_string(), "state": state, "nodes": session.nodeCount,
            "eligible": session.eligibleCount, "epochs": session.epochCount, "totalRounds": session.totalRounds,
            "pools": session.poolCount, "node": entry,
            "totals": { "computeSeconds": totals.computeSeconds.to_string(), "accepted": totals.accepted.to_string(),
                "rejected": totals.rejected.to_string(), "nodeEpochs": totals.nodeEpochs.to_string() },
        });
        Ok(NodeStatus { value, session, state, standing, rewards })
    }
}
