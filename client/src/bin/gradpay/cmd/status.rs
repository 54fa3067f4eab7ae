//! `gradpay status`: the session, this node's standing, running record, scores and rewards.

use alloy::primitives::Address;
use clap::Args;
use gradpay::{Result, session::NodeStanding, status::NodeStatus};
use serde_json::Value;

use crate::{
    cmd::{GlobalArgs, NodeInSession, connect_node},
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
        let c = connect_node(g, self.at.node).await?;
        let (session_id, me) = (self.at.session, c.sender());
        let NodeStatus { value, session, state, standing, rewards } = c.node_status(session_id, me).await?;
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
