//! `gradpay claim --sign`: a claim signed by the node for a relayer to submit (gasless for the
//! node); prints one JSON line, sends nothing.

use alloy::primitives::U256;
use clap::Args;
use gradpay::{Result, payouts::SignedRequest};

use crate::cmd::{
    GlobalArgs,
    payout::{TermsArgs, every_session_of, print_signed},
};

/// Sign a claim instead of sending it.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// Print a signed claim (one JSON line) for `gradpay claim --relay FILE` instead of claiming:
    /// the pool given, or every pool of --session with something claimable; nothing is sent.
    #[arg(long, conflicts_with = "all")]
    pub(crate) sign: bool,
    /// With --sign: the highest fee the relayer may keep, basis points of each claim (100 = 1 %).
    #[arg(long, requires = "sign", default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=10_000))]
    max_fee_bps: u16,
    #[command(flatten)]
    terms: TermsArgs,
}

impl SignArgs {
    pub(crate) async fn run(self, g: &GlobalArgs, pool: Option<U256>, session: Option<u64>) -> Result<()> {
        let (c, key) = super::connect_with_key(g).await?;
        let node = key.address();
        let pools = match (pool, session) {
            (Some(pool), _) => vec![pool],
            (None, Some(session)) => c.claimable_pools(&[session], node).await?,
            (None, None) => c.claimable_pools(&every_session_of(&c, node).await?, node).await?,
        };
        let signed = c.sign_claim(&key, &pools, self.max_fee_bps, self.terms.terms()).await?;
        print_signed(&SignedRequest::ClaimRequest(signed))
    }
}
