//! `gradpay node consent`: a node signs its consent to join a node-signed session; prints one
//! JSON line for the session's coordinator, sends nothing.

use alloy::primitives::{Address, B256};
use clap::{Args, Subcommand};
use gradpay::{
    Result,
    payouts::{SignedRequest, parse_validity},
};

use crate::cmd::{GlobalArgs, payout::print_signed};

#[derive(Debug, Subcommand)]
pub(crate) enum NodeCommand {
    /// Sign this node's consent to join a session (EIP-712, with the key's account as the node)
    /// and print it as one JSON line; nothing is sent. Give the line to the session's
    /// coordinator: it collects its nodes' lines in a file and registers them all with
    /// `gradpay session register --session S --consents FILE` (the only way into a session
    /// created with `--node-signed`), paying the gas.
    Consent(ConsentArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ConsentArgs {
    /// The session to join (Active; the node not registered in it yet).
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: u64,
    /// The id the coordinator gave this node: 32 bytes of hex, not zero, unused in the session.
    #[arg(long)]
    node_id: B256,
    /// Where the node's rewards of the session go [default: the node itself].
    #[arg(long)]
    payout: Option<Address>,
    /// How long the consent stays valid from the latest block: 90s, 30m, 12h, 7d or seconds.
    #[arg(long, default_value = "7d", value_parser = parse_validity)]
    valid_for: u64,
}

impl NodeCommand {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        match self {
            Self::Consent(args) => {
                let (c, key) = super::connect_with_key(g).await?;
                let consent =
                    c.sign_consent(&key, args.session, args.node_id, args.payout, args.valid_for).await?;
                print_signed(&SignedRequest::NodeConsent(consent))
            }
        }
    }
}
