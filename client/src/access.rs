//! Who may run and fund a session. The account that created it owns it; only the owner names
//! delegates (other keys that run the session as it does: register, record, finalize, fund) and
//! sponsors (accounts that may fund its pools and get their leftovers back). Nobody else, the
//! admin included, can act on the session.

use alloy::primitives::Address;
use serde::Serialize;

use crate::{Coordinator, Error, Result};

/// A right the owner of a session can give to another account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionRight {
    /// Runs the session as the owner does, except naming delegates and sponsors.
    Delegate,
    /// Funds the session's pools.
    Sponsor,
}

impl SessionRight {
    /// The right's name, as the CLI spells its subcommand.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Delegate => "delegate",
            Self::Sponsor => "sponsor",
        }
    }
}

/// What an account may do in a session, besides owning it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AccountRights {
    /// It is a delegate.
    pub delegate: bool,
    /// It is an approved sponsor.
    pub sponsor: bool,
}

impl AccountRights {
    /// Whether the account holds `right`.
    pub const fn has(self, right: SessionRight) -> bool {
        match right {
            SessionRight::Delegate => self.delegate,
            SessionRight::Sponsor => self.sponsor,
        }
    }
}

impl Coordinator {
    /// The account that owns the session (the zero address for a session never created).
    pub async fn session_owner(&self, session_id: u64) -> Result<Address> {
        self.view("reading the session's owner", self.contract().sessionOwner(session_id)).await
    }

    /// What the owner let `account` do in the session.
    pub async fn session_rights(&self, session_id: u64, account: Address) -> Result<AccountRights> {
        let rights =
            self.view("reading session rights", self.contract().sessionRights(session_id, account)).await?;
        Ok(AccountRights { delegate: rights.delegate, sponsor: rights.sponsor })
    }

    /// Gives (`allowed`) or takes back `right` from `account`. Only the session's owner can; any
    /// other sender is [`Error::NotSessionOwner`] and nothing is sent. Returns `false`, sending
    /// nothing, when the account already stands as asked.
    pub async fn set_session_right(
        &self,
        session_id: u64,
        right: SessionRight,
        account: Address,
        allowed: bool,
    ) -> Result<bool> {
        self.existing_session(session_id).await?;
        let owner = self.session_owner(session_id).await?;
        if owner != self.sender() {
            return Err(Error::NotSessionOwner { session_id, owner, sender: self.sender() });
        }
        if self.session_rights(session_id, account).await?.has(right) == allowed {
            return Ok(false);
        }
        let contract = self.contract();
        let (action, input) = match right {
            SessionRight::Delegate => {
                ("setDelegate", contract.setDelegate(session_id, account, allowed).calldata().clone())
            }
            SessionRight::Sponsor => {
                ("setSponsor", contract.setSponsor(session_id, account, allowed).calldata().clone())
            }
        };
        self.transact(action, self.request(input)).await?;
        Ok(true)
    }
}
