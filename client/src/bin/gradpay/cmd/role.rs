//! `gradpay role grant|revoke coordinator ADDRESS`: role management without `cast` (admin only).

use alloy::primitives::Address;
use clap::{Args, Subcommand, ValueEnum};
use gradpay::{Result, roles::Role};
use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

#[derive(Debug, Subcommand)]
pub(crate) enum RoleCommand {
    /// Grant a role to an account (nothing is sent if it holds the role already).
    Grant(RoleArgs),
    /// Revoke a role from an account (nothing is sent if it does not hold the role).
    Revoke(RoleArgs),
}

/// The role and the account.
#[derive(Debug, Args)]
pub(crate) struct RoleArgs {
    /// The role.
    #[arg(value_enum)]
    role: RoleName,
    /// The account.
    account: Address,
}

/// Roles by the name the command line uses.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleName {
    /// COORDINATOR_ROLE: sessions, records, finalization, pools.
    Coordinator,
}

impl From<RoleName> for Role {
    fn from(name: RoleName) -> Self {
        match name {
            RoleName::Coordinator => Self::Coordinator,
        }
    }
}

impl RoleCommand {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let c = super::connect(g).await?;
        let (grant, args) = match self {
            Self::Grant(args) => (true, args),
            Self::Revoke(args) => (false, args),
        };
        let (role, account) = (Role::from(args.role), args.account);
        let changed =
            if grant { c.grant_role(role, account).await? } else { c.revoke_role(role, account).await? };
        let action = if grant { "grant" } else { "revoke" };
        let value = json!({ "action": action, "role": role.name(), "account": account, "changed": changed });
        emit(g.json, &value, || match (grant, changed) {
            (true, true) => format!("granted {role} to {account}"),
            (true, false) => format!("{account} already holds {role}; nothing sent"),
            (false, true) => format!("revoked {role} from {account}"),
            (false, false) => format!("{account} does not hold {role}; nothing sent"),
        });
        Ok(())
    }
}
