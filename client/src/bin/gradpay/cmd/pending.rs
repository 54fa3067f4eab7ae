//! `gradpay pending`: this node's reward in every pool of a session, and why it is what it is.

use alloy::primitives::Address;
use clap::Args;
use gradpay::{
    Result,
    claims::{PoolReward, RewardStatus},
    session::NodeStanding,
};
use serde_json::json;

use crate::{
    cmd::{GlobalArgs, NodeInSession},
    output::emit,
};

/// Show pending rewards per pool.
#[derive(Debug, Args)]
pub(crate) struct PendingArgs {
    /// The session.
    #[arg(long, short, env = "GRADPAY_SESSION", required_unless_present = "all_sessions")]
    session: Option<u64>,
    /// Look at this node instead of the key's account (no key needed).
    #[arg(long)]
    node: Option<Address>,
    /// Every session the node is in (found from its NodeRegistered logs), not just --session.
    #[arg(long)]
    all_sessions: bool,
}

impl PendingArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let session = match self.session {
            Some(session) if !self.all_sessions => session,
            _ => return super::sessions::print_node_sessions(g, self.node).await,
        };
        let at = NodeInSession { session, node: self.node };
        let (c, _) = at.open(g).await?;
        let (session_id, node) = (session, c.sender());
        let standing = NodeStanding::of(c.node_record(session_id, node).await?.as_ref());
        let rewards = c.rewards(session_id, node).await?;
        let value = json!({
            "session": session_id.to_string(), "node": node, "standing": standing, "rewards": rewards,
        });
        emit(g.json, &value, || {
            let mut lines = Vec::new();
            if standing != NodeStanding::Eligible {
                lines.push(format!("node {node} is {}: owed nothing", standing.describe()));
            }
            if rewards.is_empty() {
                lines.push(format!("session {} has no pools yet", session_id));
            }
            lines.extend(rewards.iter().map(describe_reward));
            lines.join("\n")
        });
        Ok(())
    }
}

/// One pool's line: `pool 2304 (tiered, native): 0.25 (250000000000000000 wei), claimable`.
pub(crate) fn describe_reward(r: &PoolReward) -> String {
    let token = if r.token.is_zero() { "native".to_owned() } else { r.token.to_string() };
    let strategy = r.strategy.map_or("?", |s| s.label());
    // Native amounts in ether; token amounts in base units (decimals vary by token).
    let amount = |value| {
        if r.token.is_zero() {
            format!("{} ({value} wei)", super::format_units(value))
        } else {
            format!("{value} units")
        }
    };
    let state = match r.status {
        RewardStatus::Claimed => format!("already claimed {}", amount(r.entitled)),
        RewardStatus::WindowClosed if !r.entitled.is_zero() => {
            format!("{} unclaimed, claim window closed", amount(r.entitled))
        }
        RewardStatus::Claimable => format!("{} claimable", amount(r.pending)),
        other => format!("nothing: {}", other.describe()),
    };
    format!("pool {} ({strategy}, {token}): {state}", r.pool_id)
}
