//! What [`Error`] offers beyond its messages: constructors, the decoded contract error, the stable
//! `kind` of every variant (`gradpay --json`), and the message helpers the variants format with.

use std::path::PathBuf;

use alloy::primitives::Address;

use super::Error;
use crate::{bindings::GradPay::GradPayErrors, revert::RevertReason};

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { action, path: path.into(), source }
    }

    /// A revert of `action` with `reason`.
    pub fn revert(action: impl Into<String>, reason: RevertReason) -> Self {
        Self::Revert { action: action.into(), reason: Box::new(reason) }
    }

    /// The GradPay custom error this is a revert with, if it is one.
    pub fn contract_error(&self) -> Option<&GradPayErrors> {
        match self {
            Self::Revert { reason, .. } => match reason.as_ref() {
                RevertReason::Contract(error) => Some(error),
                _ => None,
            },
            _ => None,
        }
    }

    /// Every kind [`Self::kind`] can return, in the order of its arms (the Python package makes an
    /// exception class of each; tests/error_kinds.rs checks the list against the arms).
    pub const KINDS: &[&str] = &[
        "io",
        "config",
        "unknownProfile",
        "missingKey",
        "invalidPrivateKey",
        "keystore",
        "rpcUnreachable",
        "wrongChainId",
        "noCode",
        "noAddress",
        "insufficientFunds",
        "revert",
        "transport",
        "signing",
        "decoding",
        "encoding",
        "gasAboveCap",
        "feeCapBelowBaseFee",
        "chainStalled",
        "missingReceiptData",
        "missingLog",
        "logRangeRefused",
        "connectionLost",
        "retriesExhausted",
        "batchNumbersExhausted",
        "notMined",
        "neverMined",
        "feeBudgetTooSmall",
        "senderNotOperator",
        "sendersUnderfunded",
        "duplicateSender",
        "metrics",
        "journal",
        "unknownPool",
        "nothingToClaim",
        "anvil",
        "index",
        "listen",
        "sessionState",
        "nodeAlreadyRecorded",
        "unknownSession",
        "sessionExists",
        "notSessionOwner",
        "adminTransferNotReady",
        "claimWindowTooShort",
        "unknownSessionState",
        "inputLine",
        "deploymentsChainMismatch",
        "verificationFailed",
        "batchUnreadable",
        "traceUnavailable",
        "callUnreadable",
        "nodeNotInSession",
        "zeroPayout",
        "foreignDomain",
        "nonceUsed",
        "nothingPending",
        "relayRefused",
        "nonceNotCancellable",
        "zeroRecipient",
        "nodeSignatureRequired",
        "consentNotSignable",
        "consentRefused",
    ];

    /// A stable, machine-readable name of the failure (`gradpay --json` prints it as
    /// `error.kind`; docs/json.md lists them). Adding a variant means adding its kind here.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Io { .. } => "io",
            Self::Config { .. } => "config",
            Self::UnknownProfile { .. } => "unknownProfile",
            Self::MissingKey => "missingKey",
            Self::InvalidPrivateKey => "invalidPrivateKey",
            Self::Keystore { .. } => "keystore",
            Self::RpcUnreachable { .. } => "rpcUnreachable",
            Self::WrongChainId { .. } => "wrongChainId",
            Self::NoCode { .. } => "noCode",
            Self::NoAddress { .. } => "noAddress",
            Self::InsufficientFunds { .. } => "insufficientFunds",
            Self::Revert { .. } => "revert",
            Self::Transport { .. } => "transport",
            Self::Signing { .. } => "signing",
            Self::Decoding { .. } => "decoding",
            Self::Encoding { .. } => "encoding",
            Self::GasAboveCap { .. } => "gasAboveCap",
            Self::FeeCapBelowBaseFee { .. } => "feeCapBelowBaseFee",
            Self::ChainStalled { .. } => "chainStalled",
            Self::MissingReceiptData { .. } => "missingReceiptData",
            Self::MissingLog { .. } => "missingLog",
            Self::LogRangeRefused { .. } => "logRangeRefused",
            Self::ConnectionLost { .. } => "connectionLost",
            Self::RetriesExhausted { .. } => "retriesExhausted",
            Self::BatchNumbersExhausted { .. } => "batchNumbersExhausted",
            Self::NotMined { .. } => "notMined",
            Self::NeverMined { .. } => "neverMined",
            Self::FeeBudgetTooSmall { .. } => "feeBudgetTooSmall",
            Self::SenderNotOperator { .. } => "senderNotOperator",
            Self::SendersUnderfunded { .. } => "sendersUnderfunded",
            Self::DuplicateSender { .. } => "duplicateSender",
            Self::Metrics { .. } => "metrics",
            Self::Journal { .. } => "journal",
            Self::UnknownPool { .. } => "unknownPool",
            Self::NothingToClaim { .. } => "nothingToClaim",
            #[cfg(feature = "demo")]
            Self::Anvil(_) => "anvil",
            #[cfg(feature = "serve")]
            Self::Index { .. } => "index",
            #[cfg(feature = "serve")]
            Self::Listen { .. } => "listen",
            Self::SessionState { .. } => "sessionState",
            Self::NodeAlreadyRecorded { .. } => "nodeAlreadyRecorded",
            Self::UnknownSession { .. } => "unknownSession",
            Self::SessionExists { .. } => "sessionExists",
            Self::NotSessionOwner { .. } => "notSessionOwner",
            Self::AdminTransferNotReady { .. } => "adminTransferNotReady",
            Self::ClaimWindowTooShort { .. } => "claimWindowTooShort",
            Self::UnknownSessionState { .. } => "unknownSessionState",
            Self::InputLine { .. } => "inputLine",
            Self::DeploymentsChainMismatch { .. } => "deploymentsChainMismatch",
            Self::VerificationFailed { .. } => "verificationFailed",
            Self::BatchUnreadable { .. } => "batchUnreadable",
            Self::TraceUnavailable { .. } => "traceUnavailable",
            Self::CallUnreadable { .. } => "callUnreadable",
            Self::NodeNotInSession { .. } => "nodeNotInSession",
            Self::ZeroPayout { .. } => "zeroPayout",
            Self::ForeignDomain { .. } => "foreignDomain",
            Self::NonceUsed { .. } => "nonceUsed",
            Self::NothingPending { .. } => "nothingPending",
            Self::RelayRefused { .. } => "relayRefused",
            Self::NonceNotCancellable { .. } => "nonceNotCancellable",
            Self::ZeroRecipient => "zeroRecipient",
            Self::NodeSignatureRequired { .. } => "nodeSignatureRequired",
            Self::ConsentNotSignable { .. } => "consentNotSignable",
            Self::ConsentRefused { .. } => "consentRefused",
        }
    }
}

/// Why an admin hand-over cannot be accepted now, and what to do.
pub(super) fn describe_admin_transfer(pending: Address, schedule: u64, now: u64, sender: Address) -> String {
    if pending.is_zero() {
        "no admin hand-over is pending; nothing sent (the admin starts one with `gradpay role transfer-admin ADDRESS`)".into()
    } else if pending != sender {
        format!(
            "the admin role is being handed to {pending}, not {sender}; nothing sent, accept with {pending}'s key"
        )
    } else {
        format!(
            "the admin hand-over to {pending} can be accepted from unix time {schedule} ({} s from now); nothing sent, retry then",
            schedule.saturating_sub(now)
        )
    }
}
