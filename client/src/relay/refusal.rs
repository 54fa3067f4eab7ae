//! Why a relayer refuses a line of its file, each with what to do about it; and what can be
//! wrong with any signed line's seal (deployment, expiry, signature), shared with consents.

use alloy::primitives::{Address, U256};

/// What is wrong with a signed line whatever it asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealFault {
    /// Signed for another chain or GradPay deployment than the profile's.
    SignedForOther {
        /// The chain it names.
        chain_id: u64,
        /// The contract it names.
        contract: Address,
    },
    /// Its deadline has passed (at the latest block's time).
    Expired {
        /// The deadline.
        deadline: u64,
        /// The latest block's time.
        now: u64,
    },
    /// The signature is not the node's for this request on this chain and contract.
    BadSignature {
        /// The node.
        node: Address,
    },
}

impl SealFault {
    /// The fault in words, ending with `sign_again` (how to get a new line).
    pub fn describe(&self, sign_again: &str) -> String {
        match self {
            Self::SignedForOther { chain_id, contract } => format!(
                "signed for GradPay {contract} on chain {chain_id}, not this deployment; submit it with that --network and deployments file, or {sign_again}"
            ),
            Self::Expired { deadline, now } => {
                format!("the signature expired at unix time {deadline} (the chain is at {now}); {sign_again}")
            }
            Self::BadSignature { node } => format!(
                "the signature is not {node}'s for this request on this chain and contract (edited, another key, or another deployment); {sign_again}"
            ),
        }
    }
}

/// Why one signed request cannot be relayed (nothing of the file is sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayRefusal {
    /// Not a signed request at all.
    Malformed(String),
    /// Signed for another deployment, expired, or not the node's signature.
    Seal(SealFault),
    /// A node's consent, which the session's coordinator registers rather than a relayer.
    Consent {
        /// The session it joins.
        session_id: u64,
    },
    /// A payout change signed at another payout nonce than the node's next one: applied already,
    /// or the node changed its payout since it signed this one (a stale change can never land).
    PayoutNonceStale {
        /// The node.
        node: Address,
        /// The payout nonce signed.
        nonce: U256,
        /// The one it must carry here (the chain's, plus this file's earlier changes of the node).
        current: U256,
    },
    /// The node has used (or invalidated) this claim nonce.
    NonceUsed {
        /// The node.
        node: Address,
        /// The nonce.
        nonce: U256,
    },
    /// An earlier line of the file consumes the same nonce of the same node.
    NonceRepeated {
        /// The node.
        node: Address,
        /// The nonce.
        nonce: U256,
        /// The earlier line.
        line: usize,
    },
    /// The relayer's fee is above the cap the node signed (or the cap above 100 %).
    FeeAboveCap {
        /// The relayer's fee.
        fee_bps: u16,
        /// The node's cap.
        max_fee_bps: u16,
    },
    /// None of its pools owes the node anything now (claimed, closed, zero, or claimed by an
    /// earlier line).
    NothingClaimable {
        /// The node.
        node: Address,
    },
    /// A pool whose claim window has closed: the whole transaction would revert.
    WindowClosed {
        /// The pool.
        pool_id: U256,
        /// Its claim deadline, unix time.
        claim_deadline: u64,
    },
    /// A pool that does not exist.
    UnknownPool {
        /// The pool.
        pool_id: U256,
    },
    /// A payout of the zero address.
    ZeroPayout {
        /// The node.
        node: Address,
    },
    /// A payout change naming no session.
    NoSessions,
    /// A session that does not exist.
    UnknownSession {
        /// The session.
        session_id: u64,
    },
    /// The node is not registered in a session it names.
    NotRegistered {
        /// The session.
        session_id: u64,
        /// The node.
        node: Address,
    },
}

const SIGN_AGAIN: &str = "ask the node for a new one (`gradpay payout sign` / `gradpay claim --sign`)";

impl std::fmt::Display for RelayRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(why) => write!(
                f,
                "not a signed request ({why}); keep only the lines `gradpay payout sign` and `gradpay claim --sign` print"
            ),
            Self::Seal(fault) => f.write_str(&fault.describe(SIGN_AGAIN)),
            Self::Consent { session_id } => write!(
                f,
                "a node's consent to session {session_id}, which its coordinator registers (`gradpay session register --session {session_id} --consents FILE`), not a relayer; move the line to that file"
            ),
            Self::PayoutNonceStale { node, nonce, current } => write!(
                f,
                "payout change signed at payout nonce {nonce}, but {node}'s next one is {current}: it was applied already, or the node changed its payout since; remove the line, or {SIGN_AGAIN}"
            ),
            Self::NonceUsed { node, nonce } => write!(
                f,
                "nonce {nonce} of {node} is used already (submitted, or invalidated by the node); remove the line, or {SIGN_AGAIN}"
            ),
            Self::NonceRepeated { node, nonce, line } => write!(
                f,
                "nonce {nonce} of {node} is taken by line {line} already; only one of them can land: remove one, or {SIGN_AGAIN} with another --nonce"
            ),
            Self::FeeAboveCap { fee_bps, max_fee_bps } if *max_fee_bps > crate::payouts::MAX_FEE_BPS => {
                write!(
                    f,
                    "the node's fee cap {max_fee_bps} bps is above 10000 (100 %), which the contract refuses; {SIGN_AGAIN} (fee asked: {fee_bps} bps)"
                )
            }
            Self::FeeAboveCap { fee_bps, max_fee_bps } => write!(
                f,
                "a fee of {fee_bps} bps is above the node's cap of {max_fee_bps} bps; pass --fee-bps {max_fee_bps} or less, or relay this line separately"
            ),
            Self::NothingClaimable { node } => write!(
                f,
                "none of its pools owes {node} anything now (claimed, window closed, zero share, or claimed by an earlier line); remove the line"
            ),
            Self::WindowClosed { pool_id, claim_deadline } => write!(
                f,
                "pool {pool_id}'s claim window closed at unix time {claim_deadline}, which would revert the whole transaction; remove the line, or ask the node to sign a claim without that pool"
            ),
            Self::UnknownPool { pool_id } => {
                write!(f, "pool {pool_id} does not exist on this deployment; {SIGN_AGAIN}")
            }
            Self::ZeroPayout { node } => write!(
                f,
                "a payout of the zero address for {node} would burn its rewards (the contract refuses it); {SIGN_AGAIN}"
            ),
            Self::NoSessions => write!(f, "the payout change names no session; {SIGN_AGAIN}"),
            Self::UnknownSession { session_id } => {
                write!(f, "session {session_id} does not exist on this deployment; {SIGN_AGAIN}")
            }
            Self::NotRegistered { session_id, node } => {
                write!(f, "{node} is not registered in session {session_id}; {SIGN_AGAIN}")
            }
        }
    }
}
