//! `gradpay status`: the session, this node's standing, running record, scores and rewards.

use alloy::primitives::Address;
use clap::Args;
use gradpay::{Result, SessionState, session::NodeStanding};
use serde_json::{Value, json};

use crate::{
    cmd::{GlobalArgs, NodeInSession},
    output::emit,
};

/// Show a session and this node's place in it.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    at: NodeInSession,
}

impl StatusArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let (c, session) = self.at.open(g).await?;
        let (session_id, me) = (self.at.session, c.sender());
        let state = SessionState::try_from(session.state)?;
        let totals = c.session_totals(session_id).await?;
        let record = c.node_record(session_id, me).await?;
        let standing = NodeStanding::of(record.as_ref());
        let mut node = json!({ "address": me, "registered": record.is_some(), "standing": standing });
        let rewards = if record.is_some() { c.rewards(session_id, me).await? } else { Vec::new() };
        if let Some(record) = &record {
            let score = c.score(session_id, me).await?;
            node["index"] = record.index.into();
            node["excluded"] = record.excluded.into();
            node["record"] = json!({ "epochs": record.epochs, "computeSeconds": record.computeSeconds.to_string(),
                "accepted": record.accepted, "rejected": record.rejected, "roundsOk": record.roundsOk,
                "roundsJoined": record.roundsJoined });
            node["scores"] = json!({ "eligible": score.eligible, "quality": score.quality,
                "reliability": score.reliability, "acceptance": score.acceptance, "consistency": score.consistency,
                "success": score.success, "participation": score.participation, "network": score.network,
                "uptime": score.uptime, "score": score.score.to_string() });
            node["rewards"] = serde_json::to_value(&rewards).unwrap_or_default();
        }
        let value = json!({
            "session": session_id.to_string(), "state": state, "nodes": session.nodeCount,
            "eligible": session.eligibleCount, "epochs": session.epochCount, "totalRounds": session.totalRounds,
            "pools": session.poolCount, "node": node,
            "totals": { "computeSeconds": totals.computeSeconds.to_string(), "accepted": totals.accepted.to_string(),
                "rejected": totals.rejected.to_string(), "nodeEpochs": totals.nodeEpochs.to_string() },
        });
        emit(g.json, &value, || {
            let mut text = format!(
                "session {}: {state} — {} node(s), {} eligible, {} epoch(s), T = {} rounds, {} pool(s)\n",
                session_id,
                session.nodeCount,
                session.eligibleCount,
                session.epochCount,
                session.totalRounds,
                session.poolCount
            );
            text += &node_line(me, &value["node"], standing);
            for reward in &rewards {
                text += &format!("\n{}", super::pending::describe_reward(reward));
            }
            text
        });
        Ok(())
    }
}

/// `node 0x…: index 0, 2 epoch(s), 200 s compute, Q 9000 bps, R 9500 bps, score 123, eligible`.
fn node_line(address: Address, node: &Value, standing: NodeStanding) -> String {
    if standing == NodeStanding::NotRegistered {
        return format!("node {address} is not registered in this session: owed nothing");
    }
    let owed = if standing == NodeStanding::Eligible { "" } else { ": owed nothing" };
    format!(
        "node {address}: index {}, {} epoch(s), {} s compute, Q {} bps, R {} bps, score {}, {}{owed}",
        node["index"],
        node["record"]["epochs"],
        node["record"]["computeSeconds"].as_str().unwrap_or_default(),
        node["scores"]["quality"],
        node["scores"]["reliability"],
        node["scores"]["score"].as_str().unwrap_or_default(),
        standing.describe()
    )
}
