//! `gradpay pending`: this node's reward in every pool of a session.

use alloy::primitives::Address;
use clap::Args;
use gradpay::Result;

use crate::{cli::GlobalArgs, output::emit};

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
        let rewards = c.rewards(self.session, c.sender()).await?;
        emit(g.json, &rewards, || {
            if rewards.is_empty() {
                return format!("session {} has no pools yet", self.session);
            }
            rewards
                .iter()
                .map(|r| {
                    let token = if r.token.is_zero() { "native".to_owned() } else { r.token.to_string() };
                    let strategy = r.strategy.map_or("?", |s| s.label());
                    let state = if r.claimed { "claimed" } else { "pending" };
                    // Native amounts in ether; token amounts in base units (decimals vary by token).
                    let entitled = if r.token.is_zero() {
                        format!("{} ({} wei)", super::format_units(r.entitled), r.entitled)
                    } else {
                        format!("{} units", r.entitled)
                    };
                    format!("pool {} ({strategy}, {token}): {entitled}, {state}", r.pool_id)
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
        Ok(())
    }
}
