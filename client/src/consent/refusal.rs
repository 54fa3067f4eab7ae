//! Why a coordinator's consents file is refused at a line, each with what to do about it.

use alloy::primitives::{Address, B256};

use crate::relay::SealFault;

/// Why one line of a consents file cannot be registered (nothing of the file is sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentRefusal {
    /// Not a signed line at all.
    Malformed(String),
    /// A signed line of another kind (a payout change, a claim).
    NotAConsent {
        /// Its `type`.
        kind: &'static str,
    },
    /// A consent to another session.
    OtherSession {
        /// The session it names.
        signed: u64,
        /// The session being registered.
        session_id: u64,
    },
    /// Signed for another deployment, expired, or not the node's signature.
    Seal(SealFault),
    /// A payout of the zero address.
    ZeroPayout {
        /// The node.
        node: Address,
    },
    /// A node id of zero.
    ZeroNodeId,
    /// An earlier line holds the same node.
    NodeRepeated {
        /// The node.
        node: Address,
        /// The earlier line.
        line: usize,
    },
    /// An earlier line holds the same node id.
    NodeIdRepeated {
        /// The id.
        node_id: B256,
        /// The earlier line.
        line: usize,
    },
    /// The node is registered in the session already (a consent is single-use).
    AlreadyRegistered {
        /// The session.
        session_id: u64,
        /// The node.
        node: Address,
    },
    /// The node id is another node's in the session.
    NodeIdTaken {
        /// The session.
        session_id: u64,
        /// The id.
        node_id: B256,
        /// The node registered under it.
        node: Address,
    },
}

const SIGN_AGAIN: &str = "ask the node for a new one (`gradpay node consent`)";

impl std::fmt::Display for ConsentRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(why) => {
                write!(f, "not a node's consent ({why}); keep only the lines `gradpay node consent` prints")
            }
            Self::NotAConsent { kind } => write!(
                f,
                "a signed {kind}, not a node's consent; relay it with `gradpay claim --relay FILE`, and keep only `gradpay node consent` lines here"
            ),
            Self::OtherSession { signed, session_id } => write!(
                f,
                "a consent to session {signed}, not {session_id}; register it with --session {signed}, or ask the node for one to session {session_id} (`gradpay node consent --session {session_id}`)"
            ),
            Self::Seal(fault) => f.write_str(&fault.describe(SIGN_AGAIN)),
            Self::ZeroPayout { node } => write!(
                f,
                "a payout of the zero address for {node} would burn its rewards (the contract refuses it); {SIGN_AGAIN}"
            ),
            Self::ZeroNodeId => {
                write!(f, "the node id is zero, which the contract refuses; pass another --node-id")
            }
            Self::NodeRepeated { node, line } => {
                write!(f, "{node} has a consent on line {line} already; a node joins once: remove one")
            }
            Self::NodeIdRepeated { node_id, line } => write!(
                f,
                "node id {node_id} is taken by line {line} already; remove one, or ask the node for a consent with another --node-id"
            ),
            Self::AlreadyRegistered { session_id, node } => write!(
                f,
                "{node} is registered in session {session_id} already (a consent is used once); remove the line"
            ),
            Self::NodeIdTaken { session_id, node_id, node } => write!(
                f,
                "node id {node_id} is {node}'s in session {session_id}; ask the node for a consent with another --node-id"
            ),
        }
    }
}
