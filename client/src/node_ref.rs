//! Who a metrics line is about: a node's dense index or its address, read from JSON with an error
//! that says which of the two a malformed value failed to be.

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

/// Who a metrics line is about: the node's address, or its index in the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum NodeRef {
    /// The node's dense index.
    Index(u32),
    /// The node's address (resolved to its index through the contract).
    Address(Address),
}

/// By hand rather than `untagged`, whose only error is "data did not match any variant": a
/// malformed address must say that it is not an address.
impl<'de> Deserialize<'de> for NodeRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(NodeRefVisitor)
    }
}

struct NodeRefVisitor;

impl serde::de::Visitor<'_> for NodeRefVisitor {
    type Value = NodeRef;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a node index (an integer) or a node address (a \"0x…\" string of 40 hex digits)")
    }

    fn visit_u64<E: serde::de::Error>(self, index: u64) -> std::result::Result<NodeRef, E> {
        u32::try_from(index)
            .map(NodeRef::Index)
            .map_err(|_| E::custom(format!("node index {index} does not fit uint32")))
    }

    fn visit_i64<E: serde::de::Error>(self, index: i64) -> std::result::Result<NodeRef, E> {
        u64::try_from(index)
            .map_err(|_| E::custom(format!("node index {index} is negative")))
            .and_then(|index| self.visit_u64(index))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> std::result::Result<NodeRef, E> {
        text.parse().map(NodeRef::Address).map_err(|_| {
            E::custom(format!("node \"{text}\" is not an address (0x and 40 hex digits) nor an index"))
        })
    }
}
