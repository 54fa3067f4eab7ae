//! `gradpay role grant|revoke coordinator ADDRESS` and the admin's two-step hand-over
//! (`transfer-admin ADDRESS`, then `accept-admin` by the new admin): role management without
//! `cast`.

use alloy::primitives::Address;
use clap::{Args, Subcommand, ValueEnum};
use gradpay::{Coordinator, Result, roles::Role};
use serde_json::json;

use crate::{cmd::GlobalArgs, output::emit};

#[derive(Debug, Subcommand)]
pub(crate) enum RoleCommand {
    /// Grant a role to an account (nothing is sent if it holds the role already).
    Grant(RoleArgs),
    /// Revoke a role from an account (nothing is sent if it does not hold the role).
    Revoke(RoleArgs),
    /// Start handing the admin role to another account (a Safe, say); it accepts after 3 days.
    TransferAdmin(TransferArgs),
    /// Accept a pending admin hand-over, with the new admin's key, once its delay is over.
    AcceptAdmin,
}

/// The account the admin role goes to.
#[derive(Debug, Args)]
pub(crate) struct TransferArgs {
    /// The new admin.
    account: Address,
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
    /// COORDINATOR_ROLE: creates sessions (each then owned by its creator).
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
            Self::TransferAdmin(args) => return transfer_admin(g, &c, args.account).await,
            Self::AcceptAdmin => return accept_admin(g, &c).await,
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

async fn transfer_admin(g: &GlobalArgs, c: &Coordinator, account: Address) -> Result<()> {
    let from = c.begin_admin_transfer(account).await?;
    let value = json!({ "action": "transferAdmin", "account": account, "acceptableFrom": from.to_string() });
    emit(g.json, &value, || {
        format!(
            "admin hand-over to {account} started; it can accept from unix time {from} (`gradpay role accept-admin`)"
        )
    });
    Ok(())
}

async fn accept_admin(g: &GlobalArgs, c: &Coordinator) -> Result<()> {
    c.accept_admin_transfer().await?;
    let value = json!({ "action": "acceptAdmin", "account": c.sender() });
    emit(g.json, &value, || format!("{} is now the admin", c.sender()));
    Ok(())
}
