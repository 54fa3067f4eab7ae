//! `gradpay claim`: one pool, or every pool of a session with something pending.

use alloy::primitives::U256;
use clap::Args;
use gradpay::Result;
use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

/// Claim rewards.
#[derive(Debug, Args)]
pub(crate) struct ClaimArgs {
    /// The pool id (`sessionId << 8 | index`, as `gradpay pending` lists).
    #[arg(required_unless_present_any = ["all", "sign", "relay"], conflicts_with = "all")]
    pool: Option<U256>,
    /// Claim every pool of --session with something pending, in one transaction.
    #[arg(long, requires = "session")]
    all: bool,
    /// The session (with --all).
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: Option<u64>,
    #[command(flatten)]
    sign: super::claim_sign::SignArgs,
    #[command(flatten)]
    relay: super::claim_relay::RelayArgs,
}

impl ClaimArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        if self.relay.relay.is_some() {
            return self.relay.run(g).await;
        }
        if self.sign.sign {
            return self.sign.run(g, self.pool, self.session).await;
        }
        let c = super::connect(g).await?;
        let claimed = match (self.pool, self.session) {
            (Some(pool), _) => vec![(pool, c.claim(pool).await?)],
            (None, Some(session)) => {
                c.existing_session(session).await?;
                c.claim_all(session).await?
            }
            (None, None) => Vec::new(),
        };
        let list: Vec<_> = claimed
            .iter()
            .map(|(pool, amount)| json!({ "pool": pool.to_string(), "amount": amount.to_string() }))
            .collect();
        emit(g.json, &json!({ "node": c.sender(), "claimed": list }), || {
            if claimed.is_empty() {
                return "nothing pending: no transaction sent (see `gradpay pending`)".to_owned();
            }
            claimed
                .iter()
                .map(|(pool, amount)| format!("claimed {amount} (wei or token units) from pool {pool}"))
                .collect::<Vec<_>>()
                .join("\n")
        });
        Ok(())
    }
}
