//! GradPay's custom errors in words a person can act on: written like Solidity
//! (`SessionInWrongState { sessionId: 1, current: Completed, required: Active }`), with roles and
//! session states by name instead of `0x2e8b…` or `2`.

use crate::{
    bindings::GradPay::GradPayErrors,
    roles::{Role, role_name},
    session::state_name,
};

/// Describes a decoded GradPay error.
pub fn describe_error(error: &GradPayErrors) -> String {
    match error {
        GradPayErrors::AccessControlUnauthorizedAccount(e) => {
            let role = role_name(e.neededRole);
            let fix = Role::from_id(e.neededRole).map(|r| format!("; {}", r.how_to_get(e.account)));
            format!(
                "AccessControlUnauthorizedAccount {{ account: {}, neededRole: {role} }}: {} lacks {role}{}",
                e.account,
                e.account,
                fix.unwrap_or_default()
            )
        }
        GradPayErrors::SessionInWrongState(e) => format!(
            "SessionInWrongState {{ sessionId: {}, current: {}, required: {} }}",
            e.sessionId,
            state_name(e.current),
            state_name(e.required)
        ),
        other => solidity_like(other),
    }
}

/// `Variant(Variant { .. })`, as `Debug` writes it, becomes `Variant { .. }`.
fn solidity_like(error: &GradPayErrors) -> String {
    let debug = format!("{error:?}");
    match debug.split_once('(') {
        Some((_, inner)) if debug.ends_with(')') => inner[..inner.len() - 1].to_owned(),
        _ => debug,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use alloy::primitives::{Address, B256};

    use super::*;
    use crate::bindings::GradPay;

    #[test]
    fn roles_and_states_are_named() {
        let account = Address::repeat_byte(0x70);
        let denied =
            GradPayErrors::AccessControlUnauthorizedAccount(GradPay::AccessControlUnauthorizedAccount {
                account,
                neededRole: Role::Coordinator.id(),
            });
        let text = describe_error(&denied);
        assert!(text.contains("neededRole: COORDINATOR_ROLE"), "{text}");
        assert!(text.contains(&format!("gradpay role grant coordinator {account}")), "{text}");
        let admin =
            GradPayErrors::AccessControlUnauthorizedAccount(GradPay::AccessControlUnauthorizedAccount {
                account,
                neededRole: B256::ZERO,
            });
        assert!(describe_error(&admin).contains("lacks DEFAULT_ADMIN_ROLE"));
        let wrong = GradPayErrors::SessionInWrongState(GradPay::SessionInWrongState {
            sessionId: 4,
            current: 2,
            required: 1,
        });
        assert_eq!(
            describe_error(&wrong),
            "SessionInWrongState { sessionId: 4, current: Completed, required: Active }"
        );
        let other =
            GradPayErrors::PoolNotFound(GradPay::PoolNotFound { poolId: alloy::primitives::U256::from(7) });
        assert_eq!(describe_error(&other), "PoolNotFound { poolId: 7 }");
    }
}
