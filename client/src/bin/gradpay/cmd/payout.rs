//! `gradpay payout set|sign|show`: where a node's rewards go, per session.

use alloy::primitives::{Address, U256};
use clap::{Args, Subcommand};
use gradpay::{
    Coordinator, Error, Result,
    payouts::{PayoutChange, SignedRequest, parse_validity},
};
use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

#[derive(Debug, Subcommand)]
pub(crate) enum PayoutCommand {
    /// Send this node's own transaction routing its rewards of the sessions to ADDRESS (the
    /// node's own address clears it). Sessions already paying ADDRESS are skipped; when none is
    /// left nothing is sent.
    Set(SetArgs),
    /// Print a signed payout change (one JSON line) for a relayer to submit with
    /// `gradpay claim --relay FILE`; nothing is sent.
    Sign(SignArgs),
    /// Show where a node's rewards go in each session.
    Show(ShowArgs),
    /// Cancel a signed claim not submitted yet (`claim --sign`): burn its nonce with the node's
    /// own transaction (invalidateNonce), after which a relayer's `claim --relay` refuses it. A
    /// nonce used already is refused; nothing is sent.
    Cancel(CancelArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CancelArgs {
    /// The nonce of the signed claim to cancel (its line's `nonce`).
    #[arg(long)]
    nonce: U256,
}

/// The sessions a payout command acts on.
#[derive(Debug, Args)]
pub(crate) struct Sessions {
    /// A session (repeat for several) [default: every session the node is in, from its
    /// NodeRegistered logs].
    #[arg(long = "session", short, env = "GRADPAY_SESSION", value_delimiter = ',')]
    sessions: Vec<u64>,
}

#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    /// The payout address.
    payout: Address,
    #[command(flatten)]
    sessions: Sessions,
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The payout address.
    payout: Address,
    #[command(flatten)]
    sessions: Sessions,
    /// How long the signature stays valid from the latest block: 90s, 30m, 12h, 7d or seconds.
    /// It carries the node's payout nonce, so any payout change the node makes before it is
    /// submitted voids it.
    #[arg(long, default_value = "1d", value_parser = parse_validity)]
    valid_for: u64,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    #[command(flatten)]
    sessions: Sessions,
    /// Look at this node instead of the key's account (no key needed).
    #[arg(long)]
    node: Option<Address>,
}

impl PayoutCommand {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        match self {
            Self::Set(args) => {
                let c = super::connect(g).await?;
                let sessions = args.sessions.resolve(&c, c.sender()).await?;
                let change = c.set_payout(&sessions, args.payout).await?;
                emit(g.json, &change, || describe_change(&change));
            }
            Self::Sign(args) => {
                let (c, key) = super::connect_with_key(g).await?;
                let sessions = args.sessions.resolve(&c, key.address()).await?;
                let signed = c.sign_payout(&key, &sessions, args.payout, args.valid_for).await?;
                print_signed(&SignedRequest::SetPayout(signed))?;
            }
            Self::Cancel(args) => {
                let c = super::connect(g).await?;
                c.cancel_nonce(args.nonce).await?;
                let (node, nonce) = (c.sender(), args.nonce);
                emit(g.json, &json!({ "node": node, "nonce": nonce.to_string(), "cancelled": true }), || {
                    format!(
                        "nonce {nonce} of {node} cancelled: a request signed with it can no longer be submitted"
                    )
                });
            }
            Self::Show(args) => {
                let c = super::connect_node(g, args.node).await?;
                let node = c.sender();
                let mut payouts = Vec::new();
                for session in args.sessions.resolve(&c, node).await? {
                    payouts.push((session, c.payout_of(session, node).await?));
                }
                show(g.json, node, &payouts);
            }
        }
        Ok(())
    }
}

impl Sessions {
    /// The sessions named, or every session `node` is in when none is.
    async fn resolve(&self, c: &Coordinator, node: Address) -> Result<Vec<u64>> {
        if self.sessions.is_empty() { every_session_of(c, node).await } else { Ok(self.sessions.clone()) }
    }
}

/// Every session `node` is registered in (its `NodeRegistered` logs), for a command given no
/// `--session`.
pub(crate) async fn every_session_of(c: &Coordinator, node: Address) -> Result<Vec<u64>> {
    c.node_session_ids(node).await
}

/// Prints a signed request as the one JSON line a relayer's file takes, in text and `--json` mode.
pub(crate) fn print_signed(request: &SignedRequest) -> Result<()> {
    let line = serde_json::to_string(request)
        .map_err(|e| Error::Encoding { what: "signed request", reason: e.to_string() })?;
    println!("{line}");
    Ok(())
}

fn describe_change(change: &PayoutChange) -> String {
    let list = |ids: &[u64]| ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
    let target = if change.payout == change.node {
        format!("cleared (rewards go to {} itself)", change.node)
    } else {
        format!("set to {}", change.payout)
    };
    if change.changed.is_empty() && change.unchanged.is_empty() {
        return format!("{} is in no session: nothing sent", change.node);
    }
    let mut lines = Vec::new();
    if !change.changed.is_empty() {
        lines.push(format!("payout of {} {target} in session(s) {}", change.node, list(&change.changed)));
    }
    if !change.unchanged.is_empty() {
        let already = if change.payout == change.node {
            "had no payout".to_owned()
        } else {
            format!("paid {} already", change.payout)
        };
        lines.push(format!("session(s) {} {already}; nothing sent for them", list(&change.unchanged)));
    }
    lines.join("\n")
}

fn show(json: bool, node: Address, payouts: &[(u64, Address)]) {
    let list: Vec<_> = payouts
        .iter()
        .map(|(session, payout)| json!({ "session": session.to_string(), "payout": payout, "own": *payout == node }))
        .collect();
    emit(json, &json!({ "node": node, "payouts": list }), || {
        if payouts.is_empty() {
            return format!("{node} is in no session");
        }
        payouts
            .iter()
            .map(|(session, payout)| {
                let whose = if *payout == node { " (the node itself: no payout set)" } else { "" };
                format!("session {session}: {node} is paid at {payout}{whose}")
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
}
