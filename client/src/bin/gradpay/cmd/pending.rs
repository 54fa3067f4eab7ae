//! `gradpay pending`: this node's reward in every pool of a session, and why it is what it is.

use alloy::primitives::Address;
use clap::Args;
use gradpay::{
    Result,
    claims::{PoolReward, RewardStatus},
    session::NodeStanding,
};
use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

/// Show pending rewards per pool.
#[derive(Debug, Args)]
pub(crate) struct PendingArgs {
    /// The session.
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: u64,
    /// Look at this node instead of the key's account (no key needed).
    #[arg(long)]
    node: Option<Address>,
}

impl PendingArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let c = super::connect_node(g, self.node).await?;
        let node = c.sender();
        c.existing_session(self.session).await?;
        let standing = NodeStanding::of(c.node_record(self.session, node).await?.as_ref());
        let rewards = c.rewards(self.session, node).await?;
        let value = json!({
            "session": self.session.to_string(), "node": node, "standing": standing, "rewards": rewards,
        });
        emit(g.json, &value, || {
            let mut lines = Vec::new();
            if standing != NodeStanding::Eligible {
                lines.push(format!("node {node} is {}: owed nothing", standing.describe()));
            }
            if rewards.is_empty() {
                lines.push(format!("session {} has no pools yet", self.session));
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
