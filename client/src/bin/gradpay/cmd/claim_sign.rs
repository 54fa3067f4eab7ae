//! `gradpay claim --sign`: a claim signed by the node for a relayer to submit (gasless for the
//! node); prints one JSON line, sends nothing.

use alloy::primitives::U256;
use clap::Args;
use gradpay::{
    Result,
    payouts::{SignedRequest, SigningTerms, parse_validity},
};

use crate::cmd::{
    GlobalArgs,
    payout::{every_session_of, print_signed},
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
    /// With --sign: how long the signature stays valid from the latest block (90s, 30m, 12h, 7d).
    #[arg(long, requires = "sign", default_value = "1d", value_parser = parse_validity)]
    valid_for: u64,
    /// With --sign: the nonce to consume [default: the lowest unused one].
    #[arg(long, requires = "sign")]
    nonce: Option<U256>,
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
        let signed = c
            .sign_claim(
                &key,
                &pools,
                self.max_fee_bps,
                SigningTerms { valid_for_secs: self.valid_for, nonce: self.nonce },
            )
            .await?;
        print_signed(&SignedRequest::ClaimRequest(signed))
    }
}
