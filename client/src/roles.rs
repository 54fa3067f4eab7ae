//! Access-control roles of GradPay (OpenZeppelin `AccessControl`) by name, and granting or
//! revoking them, so that no step of running a deployment needs `cast`.

use alloy::primitives::{Address, B256, keccak256};
use serde::Serialize;

use crate::{Coordinator, Error, Result};

/// A role of GradPay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Role {
    /// `DEFAULT_ADMIN_ROLE`: grants and revokes the other roles, pauses, rescues funds sent by
    /// mistake; it changes hands only in two steps (`beginDefaultAdminTransfer`, then
    /// `acceptDefaultAdminTransfer` by the new admin after the delay).
    Admin,
    /// `COORDINATOR_ROLE`: creates sessions (each then owned by its creator).
    Coordinator,
}

impl Role {
    /// Every role, for looking one up by id.
    pub const ALL: [Self; 2] = [Self::Admin, Self::Coordinator];

    /// The role's id as the contract stores it.
    pub fn id(self) -> B256 {
        match self {
            Self::Admin => B256::ZERO,
            Self::Coordinator => keccak256("COORDINATOR_ROLE"),
        }
    }

    /// The role's name as the contract spells its constant.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Admin => "DEFAULT_ADMIN_ROLE",
            Self::Coordinator => "COORDINATOR_ROLE",
        }
    }

    /// The role with id `id`, if it is one of GradPay's.
    pub fn from_id(id: B256) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.id() == id)
    }

    /// What an account that lacks the role can do about it.
    pub fn how_to_get(self, account: Address) -> String {
        match self {
            Self::Admin => {
                "use the admin's key (the deployer's, unless `gradpay deploy --admin` named another)".into()
            }
            Self::Coordinator => {
                format!("an admin can grant it with `gradpay role grant coordinator {account}`")
            }
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of role `id` (`DEFAULT_ADMIN_ROLE`, `COORDINATOR_ROLE`), or its hex for another role.
pub fn role_name(id: B256) -> String {
    Role::from_id(id).map_or_else(|| id.to_string(), |role| role.name().to_owned())
}

impl Coordinator {
    /// Whether `account` holds `role`.
    pub async fn has_role(&self, role: Role, account: Address) -> Result<bool> {
        self.view(&format!("reading {role} of {account}"), self.contract().hasRole(role.id(), account)).await
    }

    /// Grants `role` to `account` (the sender must be an admin). Returns `false`, sending nothing,
    /// when the account already holds it.
    pub async fn grant_role(&self, role: Role, account: Address) -> Result<bool> {
        if self.has_role(role, account).await? {
            return Ok(false);
        }
        let input = self.contract().grantRole(role.id(), account).calldata().clone();
        self.transact(&format!("granting {role}"), self.request(input)).await?;
        Ok(true)
    }

    /// Starts handing the admin role to `new_admin` (the sender must be the admin); the new admin
    /// accepts with [`Self::accept_admin_transfer`] once the contract's delay (3 days) has passed.
    /// Returns the time from which it can accept.
    pub async fn begin_admin_transfer(&self, new_admin: Address) -> Result<u64> {
        let input = self.contract().beginDefaultAdminTransfer(new_admin).calldata().clone();
        self.transact("beginDefaultAdminTransfer", self.request(input)).await?;
        Ok(self.pending_admin().await?.1)
    }

    /// The pending admin hand-over: (new admin, time from which it can accept); the zero address
    /// when none is pending.
    pub async fn pending_admin(&self) -> Result<(Address, u64)> {
        let pending = self.view("reading the pending admin", self.contract().pendingDefaultAdmin()).await?;
        Ok((pending.newAdmin, pending.acceptSchedule.to::<u64>()))
    }

    /// Completes a hand-over to the sender. A sender that is not the pending admin, or a delay
    /// not yet over, is [`Error::AdminTransferNotReady`] and nothing is sent.
    pub async fn accept_admin_transfer(&self) -> Result<()> {
        let (pending, schedule) = self.pending_admin().await?;
        let now = self.latest_timestamp().await?;
        if pending != self.sender() || pending.is_zero() || now <= schedule {
            return Err(Error::AdminTransferNotReady { pending, schedule, now, sender: self.sender() });
        }
        let input = self.contract().acceptDefaultAdminTransfer().calldata().clone();
        self.transact("acceptDefaultAdminTransfer", self.request(input)).await.map(drop)
    }

    /// Revokes `role` from `account` (the sender must be an admin). Returns `false`, sending
    /// nothing, when the account does not hold it.
    pub async fn revoke_role(&self, role: Role, account: Address) -> Result<bool> {
        if !self.has_role(role, account).await? {
            return Ok(false);
        }
        let input = self.contract().revokeRole(role.id(), account).calldata().clone();
        self.transact(&format!("revoking {role}"), self.request(input)).await?;
        Ok(true)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn role_ids_are_the_contracts() {
        // `cast keccak COORDINATOR_ROLE`, as GradPayStorage defines it.
        let coordinator: B256 =
            "0x2e8b98eef02e8df3bd27d1270ded3bea3d14db99c5234c7b14001a7fff957bcc".parse().unwrap();
        assert_eq!(role_name(coordinator), "COORDINATOR_ROLE");
        assert_eq!(role_name(B256::ZERO), "DEFAULT_ADMIN_ROLE");
        assert_eq!(role_name(B256::repeat_byte(1)), B256::repeat_byte(1).to_string());
    }
}
