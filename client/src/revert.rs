//! Why a call or transaction reverted, kept typed: GradPay's custom error decoded once (callers
//! match on it), and written in words a person can act on, like Solidity
//! (`SessionInWrongState { sessionId: 1, current: Completed, required: Active }`), with roles and
//! session states by name instead of `0x2e8b…` or `2`.

use alloy::{
    primitives::{B256, Bytes},
    sol_types::SolInterface,
};

use crate::{
    bindings::{GradPay::GradPayErrors, SafeCast::SafeCastErrors},
    roles::{Role, role_name},
    session::state_name,
};

/// Why a call or transaction reverted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevertReason {
    /// One of GradPay's custom errors (its own, or an OpenZeppelin one it inherits).
    Contract(GradPayErrors),
    /// Revert data that is no GradPay error (empty: out of gas, or a call to a non-contract).
    Data(Bytes),
    /// A transaction that failed on chain although the same call succeeds when replayed at its
    /// block's parent: out of gas, or the state changed within the block.
    Replayed {
        /// The transaction.
        hash: B256,
        /// Gas it used.
        gas_used: u64,
        /// The limit it was sent with.
        gas_limit: u64,
    },
}

impl RevertReason {
    /// Decodes revert data into GradPay's custom error when it is one.
    pub fn from_data(data: &[u8]) -> Self {
        GradPayErrors::abi_decode(data)
            .map_or_else(|_| Self::Data(Bytes::copy_from_slice(data)), Self::Contract)
    }
}

impl std::fmt::Display for RevertReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Contract(error) => f.write_str(&describe_error(error)),
            Self::Data(data) if data.is_empty() => {
                f.write_str("no reason given (out of gas, or a call to a non-contract)")
            }
            Self::Data(data) if SafeCastErrors::abi_decode(data).is_ok() => write!(
                f,
                "an amount too large for the contract's books ({}): what ETH pools owe together must stay below 2^96 wei",
                SafeCastErrors::abi_decode(data).map(|e| format!("{e:?}")).unwrap_or_default()
            ),
            Self::Data(data) => write!(f, "unknown error data {data}"),
            Self::Replayed { hash, gas_used, gas_limit } => {
                let hint = if gas_used >= gas_limit { " (out of gas: raise gas-margin-bps)" } else { "" };
                write!(f, "transaction {hash} failed after using {gas_used} of {gas_limit} gas{hint}")
            }
        }
    }
}

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
        GradPayErrors::NotSessionOperator(e) => format!(
            "NotSessionOperator {{ sessionId: {id}, account: {account} }}: {account} neither owns session {id} nor is one of its delegates; use the owner's key (the account that created it), or let the owner run `gradpay session delegate --session {id} {account}`",
            id = e.sessionId,
            account = e.account
        ),
        GradPayErrors::NotSessionFunder(e) => format!(
            "NotSessionFunder {{ sessionId: {id}, account: {account} }}: {account} may not fund session {id}'s pools; the owner can approve it with `gradpay session sponsor --session {id} {account}`",
            id = e.sessionId,
            account = e.account
        ),
        other => signature_error(other).unwrap_or_else(|| solidity_like(other)),
    }
}

/// The errors of payouts and signed requests, with the fix.
fn signature_error(error: &GradPayErrors) -> Option<String> {
    const SIGN_AGAIN: &str = "ask the node for a new one (`gradpay payout sign` / `gradpay claim --sign`)";
    let fix = match error {
        GradPayErrors::ZeroAddressPayout(_) => {
            "a payout cannot be the zero address; pass the node's own address to clear it".to_owned()
        }
        GradPayErrors::ZeroAddressRecipient(_) => "a claim cannot pay the zero address".to_owned(),
        GradPayErrors::SignatureExpired(e) => {
            format!("the signature expired at unix time {}; {SIGN_AGAIN}", e.deadline)
        }
        GradPayErrors::InvalidSignature(e) => format!(
            "the signature is not {}'s for this request on this chain and contract; {SIGN_AGAIN}",
            e.signer
        ),
        GradPayErrors::NonceAlreadyUsed(e) => format!(
            "nonce {} of {} is used (submitted already, or invalidated); {SIGN_AGAIN}",
            e.nonce, e.signer
        ),
        GradPayErrors::PayoutNonceMismatch(e) => format!(
            "{}'s payout change was signed at payout nonce {}, its next is {} (applied already, or the node changed its payout since); {SIGN_AGAIN}",
            e.node, e.nonce, e.current
        ),
        GradPayErrors::RelayerFeeAboveCap(e) => {
            format!(
                "{} allows a relayer fee of at most {} bps; pass --fee-bps {} or less",
                e.node, e.maxFeeBps, e.maxFeeBps
            )
        }
        GradPayErrors::NodeSignatureRequired(e) => format!(
            "session {id} registers a node only with the node's signed consent (registerSignedNodes): collect each node's `gradpay node consent --session {id} --node-id ID` line and run `gradpay session register --session {id} --consents FILE`",
            id = e.sessionId
        ),
        _ => return None,
    };
    Some(format!("{}: {fix}", solidity_like(error)))
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
    use alloy::primitives::{Address, U256};

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
        let stranger =
            GradPayErrors::NotSessionOperator(GradPay::NotSessionOperator { sessionId: 3, account });
        assert!(
            describe_error(&stranger).contains(&format!("gradpay session delegate --session 3 {account}")),
            "{}",
            describe_error(&stranger)
        );
        let funder = GradPayErrors::NotSessionFunder(GradPay::NotSessionFunder { sessionId: 3, account });
        assert!(describe_error(&funder).contains(&format!("gradpay session sponsor --session 3 {account}")));
        let other = GradPayErrors::PoolNotFound(GradPay::PoolNotFound { poolId: U256::from(7) });
        assert_eq!(describe_error(&other), "PoolNotFound { poolId: 7 }");
    }

    #[test]
    fn signature_errors_say_what_to_do() {
        let node = Address::repeat_byte(0x70);
        let fee = GradPayErrors::RelayerFeeAboveCap(GradPay::RelayerFeeAboveCap {
            node,
            feeBps: U256::from(200),
            maxFeeBps: U256::from(100),
        });
        let text = describe_error(&fee);
        assert!(
            text.starts_with("RelayerFeeAboveCap { node: ") && text.ends_with("pass --fee-bps 100 or less"),
            "{text}"
        );
        let used =
            GradPayErrors::NonceAlreadyUsed(GradPay::NonceAlreadyUsed { signer: node, nonce: U256::from(3) });
        assert!(describe_error(&used).contains("`gradpay payout sign` / `gradpay claim --sign`"));
        let expired = GradPayErrors::SignatureExpired(GradPay::SignatureExpired { deadline: U256::from(9) });
        assert!(describe_error(&expired).contains("expired at unix time 9"));
        let zero = GradPayErrors::ZeroAddressPayout(GradPay::ZeroAddressPayout {});
        assert!(describe_error(&zero).starts_with("ZeroAddressPayout"));
        let required = GradPayErrors::NodeSignatureRequired(GradPay::NodeSignatureRequired { sessionId: 4 });
        let text = describe_error(&required);
        assert!(
            text.contains("registerSignedNodes") && text.contains("--session 4 --consents FILE"),
            "{text}"
        );
    }

    #[test]
    fn revert_data_is_decoded_once_and_kept_typed() {
        let missing = GradPayErrors::PoolNotFound(GradPay::PoolNotFound { poolId: U256::from(7) });
        let reason = RevertReason::from_data(&missing.abi_encode());
        assert_eq!(reason, RevertReason::Contract(missing));
        let error = crate::Error::revert("claiming", reason);
        assert!(
            matches!(error.contract_error(), Some(GradPayErrors::PoolNotFound(e)) if e.poolId == U256::from(7))
        );
        assert_eq!(error.to_string(), "claiming reverted: PoolNotFound { poolId: 7 }");
        assert_eq!(RevertReason::from_data(&[0xde, 0xad]).to_string(), "unknown error data 0xdead");
        let narrowed =
            crate::bindings::SafeCast::SafeCastOverflowedUintDowncast { bits: 96, value: U256::MAX };
        let text =
            RevertReason::from_data(&SafeCastErrors::SafeCastOverflowedUintDowncast(narrowed).abi_encode())
                .to_string();
        assert!(text.contains("bits: 96") && text.contains("below 2^96 wei"), "{text}");
        assert!(RevertReason::from_data(&[]).to_string().starts_with("no reason given"));
        let replayed = RevertReason::Replayed { hash: B256::ZERO, gas_used: 100, gas_limit: 100 };
        assert!(replayed.to_string().ends_with("(out of gas: raise gas-margin-bps)"), "{replayed}");
    }
}
