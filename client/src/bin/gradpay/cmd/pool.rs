//! `gradpay pool create|sweep`.

use alloy::primitives::{Address, U256};
use clap::{Args, Subcommand};
use gradpay::{Result, Strategy, claims::PoolSpec};
use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

#[derive(Debug, Subcommand)]
pub(crate) enum PoolCommand {
    /// Create and fund a pool (the strategy's parameters come from the profile's pool defaults).
    /// The session's owner, a delegate or an approved sponsor (`gradpay session sponsor`) can.
    Create(CreateArgs),
    /// Send what is left of a pool whose claim window is over to its refund address (anyone can).
    Sweep(SweepArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
    /// The pool.
    #[arg(long)]
    pool: U256,
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
    /// How long nodes may claim, seconds, at least 604800 (7 days) [default: the profile's claim
    /// window]. Time the contract spends paused does not count.
    #[arg(long)]
    claim_window: Option<u64>,
    /// Where what is left after the window goes [default: the account that funds the pool].
    #[arg(long)]
    refund: Option<Address>,
}

impl PoolCommand {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let args = match self {
            Self::Create(args) => args,
            Self::Sweep(args) => return sweep(g, args).await,
        };
        let c = super::connect(g).await?;
        let defaults = c.profile().pool;
        let strategy = args.strategy.unwrap_or(defaults.strategy);
        let spec = PoolSpec::new(args.token, args.amount, strategy, &defaults)
            .claimable_for(args.claim_window.unwrap_or(defaults.claim_window_secs));
        let spec = args.refund.map_or(spec, |account| spec.refunding_to(account));
        let refund_to = spec.refund_to.unwrap_or(c.sender());
        let pool = c.create_pool(args.session, spec).await?;
        let value = json!({
            "pool": pool.to_string(), "session": args.session.to_string(), "strategy": strategy,
            "token": args.token, "amount": args.amount.to_string(), "claimWindowSecs": spec.claim_window_secs.to_string(),
            "refundTo": refund_to,
        });
        emit(g.json, &value, || {
            let token = args.token.map_or_else(|| "wei".to_owned(), |t| format!("units of {t}"));
            format!(
                "pool {pool} created on session {}: {} {token}, {strategy}, claimable for {} s, leftovers to {refund_to}",
                args.session, args.amount, spec.claim_window_secs
            )
        });
        Ok(())
    }
}

async fn sweep(g: &GlobalArgs, args: SweepArgs) -> Result<()> {
    let c = super::connect(g).await?;
    let (to, amount) = c.sweep_pool(args.pool).await?;
    let value = json!({ "pool": args.pool.to_string(), "refundTo": to, "amount": amount.to_string() });
    emit(g.json, &value, || format!("pool {} swept: {amount} sent to its refund address {to}", args.pool));
    Ok(())
}
