//! `gradpay pool create`.

use alloy::primitives::{Address, U256};
use clap::{Args, Subcommand};
use gradpay::{Result, Strategy, claims::PoolSpec};
use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

#[derive(Debug, Subcommand)]
pub(crate) enum PoolCommand {
    /// Create and fund a pool (the strategy's parameters come from the profile's pool defaults).
    Create(CreateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// The (finalized) session.
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: u64,
    /// Amount in wei (or token base units).
    #[arg(long)]
    amount: U256,
    /// ERC20 token to pay in [default: native currency].
    #[arg(long)]
    token: Option<Address>,
    /// How to split the pool [default: the profile's pool strategy].
    #[arg(long, value_enum)]
    strategy: Option<Strategy>,
    /// How long nodes may claim, seconds [default: the profile's claim window].
    #[arg(long)]
    claim_window: Option<u64>,
}

impl PoolCommand {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let Self::Create(args) = self;
        let c = super::connect(g).await?;
        let defaults = c.profile().pool;
        let strategy = args.strategy.unwrap_or(defaults.strategy);
        let spec = PoolSpec::new(args.token, args.amount, strategy, &defaults)
            .claimable_for(args.claim_window.unwrap_or(defaults.claim_window_secs));
        let pool = c.create_pool(args.session, spec).await?;
        let value = json!({
            "pool": pool.to_string(), "session": args.session.to_string(), "strategy": strategy,
            "token": args.token, "amount": args.amount.to_string(), "claimWindowSecs": spec.claim_window_secs.to_string(),
        });
        emit(g.json, &value, || {
            let token = args.token.map_or_else(|| "wei".to_owned(), |t| format!("units of {t}"));
            format!(
                "pool {pool} created on session {}: {} {token}, {strategy}, claimable for {} s",
                args.session, args.amount, spec.claim_window_secs
            )
        });
        Ok(())
    }
}
