//! `gradpay sessions`: every session a node is in (from its `NodeRegistered` logs), with each
//! session's state, the node's standing and what it can claim. `pending --all-sessions` prints
//! the same.

use alloy::primitives::Address;
use clap::Args;
use gradpay::{Result, node_sessions::NodeSession, session::NodeStanding};
use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

/// List the sessions a node is in.
#[derive(Debug, Args)]
pub(crate) struct SessionsArgs {
    /// Look at this node instead of the key's account (no key needed).
    #[arg(long)]
    node: Option<Address>,
}

impl SessionsArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        print_node_sessions(g, self.node).await
    }
}

/// Finds the sessions of `node` (default: the key's account) and prints them with their rewards.
pub(crate) async fn print_node_sessions(g: &GlobalArgs, node: Option<Address>) -> Result<()> {
    let c = super::connect_node(g, node).await?;
    let node = c.sender();
    let sessions = c.node_sessions(node).await?;
    emit(g.json, &json!({ "node": node, "sessions": sessions }), || {
        if sessions.is_empty() {
            return format!("node {node} is in no session (no NodeRegistered log names it)");
        }
        sessions.iter().map(describe_session).collect::<Vec<_>>().join("\n")
    });
    Ok(())
}

/// `session 3: Finalized, eligible, claimable 0.5 native` and a line per pool.
fn describe_session(s: &NodeSession) -> String {
    let pending = s.pending_by_token();
    let owed = if pending.is_empty() {
        "nothing claimable".to_owned()
    } else {
        let amounts = pending.iter().map(|(token, amount)| {
            if token.is_zero() {
                format!("{} native", super::format_units(*amount))
            } else {
                format!("{amount} units of {token}")
            }
        });
        format!("claimable {}", amounts.collect::<Vec<_>>().join(" + "))
    };
    let standing = if s.standing == NodeStanding::Eligible { "eligible" } else { s.standing.describe() };
    let mut text = format!("session {}: {}, {standing}, {owed}", s.session_id, s.state);
    for reward in &s.rewards {
        text += &format!("\n  {}", super::pending::describe_reward(reward));
    }
    text
}
