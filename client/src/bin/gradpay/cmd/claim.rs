//! `gradpay claim`: one pool, every pool of a session with something pending, or every pool of
//! every session the node is in.

use alloy::primitives::{Address, U256};
use clap::Args;
use gradpay::{Coordinator, Result};
use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

/// Claim rewards.
#[derive(Debug, Args)]
pub(crate) struct ClaimArgs {
    /// The pool id (`sessionId << 8 | index`, as `gradpay pending` lists).
    #[arg(required_unless_present_any = ["all", "sign", "relay"], conflicts_with = "all")]
    pool: Option<U256>,
    /// Claim every pool with something pending: of --session, in one transaction; without
    /// --session, of every session the node is in (found from its NodeRegistered logs), in as few
    /// claimRewardsBatch transactions as fit the profile's max-tx-gas: one transaction holds the
    /// pools whose claims together estimate within the cap (a batch over it is split in halves).
    /// Measured on anvil: 62k gas for one native pool, 15.5k more per further pool of the same
    /// session, so a 30M cap holds well over a thousand pools.
    #[arg(long)]
    all: bool,
    /// The session (with --all: only its pools).
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: Option<u64>,
    /// Pay this one claim of POOL to ADDRESS instead of the node's payout address (or the node);
    /// the node's own transaction (claimRewardTo). The zero address is refused.
    #[arg(long, value_name = "ADDRESS", requires = "pool", conflicts_with_all = ["all", "sign", "relay"])]
    to: Option<Address>,
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
        if let (Some(pool), Some(to)) = (self.pool, self.to) {
            let amount = c.claim_to(pool, to).await?;
            let value = json!({ "node": c.sender(), "pool": pool.to_string(), "amount": amount.to_string(), "to": to });
            emit(g.json, &value, || {
                format!("claimed {amount} (wei or token units) from pool {pool}, paid to {to}")
            });
            return Ok(());
        }
        let claimed = match (self.pool, self.session) {
            (Some(pool), _) => vec![(pool, c.claim(pool).await?)],
            (None, Some(session)) => {
                c.existing_session(session).await?;
                c.claim_all(session).await?
            }
            (None, None) => return claim_everywhere(g, &c).await,
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

/// `claim --all` without a session: every claimable pool of every session, batched by gas.
async fn claim_everywhere(g: &GlobalArgs, c: &Coordinator) -> Result<()> {
    let batches = c.claim_everywhere().await?;
    let transactions: Vec<_> = batches
        .iter()
        .map(|b| {
            let pools: Vec<_> = b
                .claimed
                .iter()
                .map(|(pool, amount)| json!({ "pool": pool.to_string(), "amount": amount.to_string() }))
                .collect();
            json!({ "tx": b.tx, "gasUsed": b.gas_used.to_string(), "claimed": pools })
        })
        .collect();
    emit(g.json, &json!({ "node": c.sender(), "transactions": transactions }), || {
        if batches.is_empty() {
            return "nothing pending in any session: no transaction sent (see `gradpay sessions`)".to_owned();
        }
        let mut lines = Vec::new();
        for b in &batches {
            lines.push(format!("transaction {} ({} gas): {} pool(s)", b.tx, b.gas_used, b.claimed.len()));
            lines.extend(
                b.claimed.iter().map(|(pool, amount)| {
                    format!("  claimed {amount} (wei or token units) from pool {pool}")
                }),
            );
        }
        lines.join("\n")
    });
    Ok(())
}
