//! `gradpay session delegate|sponsor`: the owner of a session names the other keys that run it
//! and the accounts that may fund its pools.

use alloy::primitives::Address;
use clap::Args;
use gradpay::{Result, access::SessionRight};
use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

/// Give an account a right in a session, or take it back.
#[derive(Debug, Args)]
pub(crate) struct RightArgs {
    /// The session (yours: only its owner, the account that created it, names delegates and sponsors).
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: u64,
    /// The account.
    account: Address,
    /// Take the right back instead.
    #[arg(long)]
    revoke: bool,
}

impl RightArgs {
    pub(crate) async fn run(self, g: &GlobalArgs, right: SessionRight) -> Result<()> {
        let c = super::connect(g).await?;
        let allowed = !self.revoke;
        let changed = c.set_session_right(self.session, right, self.account, allowed).await?;
        let value = json!({
            "session": self.session.to_string(), "account": self.account, "right": right,
            "allowed": allowed, "changed": changed,
        });
        emit(g.json, &value, || {
            let (session, account, name) = (self.session, self.account, right.name());
            match (changed, allowed) {
                (true, true) => format!("{account} is now a {name} of session {session}"),
                (true, false) => format!("{account} is no longer a {name} of session {session}"),
                (false, true) => format!("{account} already is a {name} of session {session}; nothing sent"),
                (false, false) => format!("{account} is not a {name} of session {session}; nothing sent"),
            }
        });
        Ok(())
    }
}
