//! The requests a node signs, as a relayer's (or a coordinator's) file holds them: one JSON
//! object per line, as `gradpay payout sign`, `gradpay claim --sign` and `gradpay node consent`
//! print it (docs/json.md), numbers that can pass 2^53 as decimal strings.

use alloy::{
    primitives::{Address, B256, Bytes, U256},
    sol_types::{Eip712Domain, SolStruct},
};
use serde::{Deserialize, Serialize};

use super::typed;

/// Which chain and contract a request was signed for (informational: the signature decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedFor {
    /// The chain id of the domain.
    #[serde(with = "decimal_u64")]
    pub chain_id: u64,
    /// The GradPay address of the domain.
    pub contract: Address,
}

/// A payout change signed by the node, for anyone to submit with `setPayoutBySig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedPayout {
    /// The deployment it was signed for.
    #[serde(flatten)]
    pub signed_for: SignedFor,
    /// The node.
    pub node: Address,
    /// The sessions whose payout changes.
    #[serde(with = "decimal_u64s")]
    pub session_ids: Vec<u64>,
    /// The new payout (the node itself clears it).
    pub payout: Address,
    /// The nonce it consumes.
    #[serde(with = "decimal_u256")]
    pub nonce: U256,
    /// Unix time after which the contract refuses it.
    pub deadline: u64,
    /// The node's signature over the EIP-712 digest.
    pub signature: Bytes,
}

/// A claim signed by the node, for a relayer to submit with `claimRewardsBySig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedClaim {
    /// The deployment it was signed for.
    #[serde(flatten)]
    pub signed_for: SignedFor,
    /// The node.
    pub node: Address,
    /// The pools to claim (ones already claimed or owing nothing are skipped).
    #[serde(with = "decimal_u256s")]
    pub pool_ids: Vec<U256>,
    /// The highest fee the relayer may take, basis points of each claim.
    pub max_fee_bps: u16,
    /// The nonce it consumes.
    #[serde(with = "decimal_u256")]
    pub nonce: U256,
    /// Unix time after which the contract refuses it.
    pub deadline: u64,
    /// The node's signature over the EIP-712 digest.
    pub signature: Bytes,
}

/// A node's consent to join a session, for the session's coordinator to submit with
/// `registerSignedNodes` (no nonce: the session id is signed and a node joins once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedConsent {
    /// The deployment it was signed for.
    #[serde(flatten)]
    pub signed_for: SignedFor,
    /// The session the node joins.
    #[serde(with = "decimal_u64")]
    pub session_id: u64,
    /// The node.
    pub node: Address,
    /// The id the node joins under (the coordinator's, not zero).
    pub node_id: B256,
    /// Where its rewards of the session go (the node itself: no payout).
    pub payout: Address,
    /// Unix time after which the contract refuses it.
    pub deadline: u64,
    /// The node's signature over the EIP-712 digest.
    pub signature: Bytes,
}

/// One line of a signed-requests file: what `gradpay payout sign`, `gradpay claim --sign` (a
/// relayer's) or `gradpay node consent` (a coordinator's) printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SignedRequest {
    /// A payout change.
    SetPayout(SignedPayout),
    /// A claim.
    ClaimRequest(SignedClaim),
    /// A node's consent to join a session.
    NodeConsent(SignedConsent),
}

impl SignedRequest {
    /// The node that signed it.
    pub const fn node(&self) -> Address {
        match self {
            Self::SetPayout(p) => p.node,
            Self::ClaimRequest(c) => c.node,
            Self::NodeConsent(c) => c.node,
        }
    }

    /// The nonce it consumes (a consent has none).
    pub const fn nonce(&self) -> Option<U256> {
        match self {
            Self::SetPayout(p) => Some(p.nonce),
            Self::ClaimRequest(c) => Some(c.nonce),
            Self::NodeConsent(_) => None,
        }
    }

    /// Its `type`, as the line spells it.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::SetPayout(_) => "setPayout",
            Self::ClaimRequest(_) => "claimRequest",
            Self::NodeConsent(_) => "nodeConsent",
        }
    }

    /// Its expiry, unix time.
    pub const fn deadline(&self) -> u64 {
        match self {
            Self::SetPayout(p) => p.deadline,
            Self::ClaimRequest(c) => c.deadline,
            Self::NodeConsent(c) => c.deadline,
        }
    }

    /// The deployment it says it was signed for.
    pub const fn signed_for(&self) -> SignedFor {
        match self {
            Self::SetPayout(p) => p.signed_for,
            Self::ClaimRequest(c) => c.signed_for,
            Self::NodeConsent(c) => c.signed_for,
        }
    }

    /// The signature.
    pub const fn signature(&self) -> &Bytes {
        match self {
            Self::SetPayout(p) => &p.signature,
            Self::ClaimRequest(c) => &c.signature,
            Self::NodeConsent(c) => &c.signature,
        }
    }

    /// The same request carrying `signature` instead.
    pub fn with_signature(mut self, signature: Bytes) -> Self {
        match &mut self {
            Self::SetPayout(p) => p.signature = signature,
            Self::ClaimRequest(c) => c.signature = signature,
            Self::NodeConsent(c) => c.signature = signature,
        }
        self
    }

    /// The EIP-712 digest the node signed, in `domain`.
    pub fn digest(&self, domain: &Eip712Domain) -> B256 {
        match self {
            Self::SetPayout(p) => p.typed().eip712_signing_hash(domain),
            Self::ClaimRequest(c) => c.typed().eip712_signing_hash(domain),
            Self::NodeConsent(c) => c.typed().eip712_signing_hash(domain),
        }
    }
}

impl SignedConsent {
    /// The signed struct.
    pub fn typed(&self) -> typed::NodeConsent {
        typed::NodeConsent {
            sessionId: self.session_id,
            node: self.node,
            nodeId: self.node_id,
            payout: self.payout,
            deadline: U256::from(self.deadline),
        }
    }
}

impl SignedPayout {
    /// The signed struct.
    pub fn typed(&self) -> typed::SetPayout {
        typed::SetPayout {
            node: self.node,
            sessionIds: self.session_ids.clone(),
            payout: self.payout,
            nonce: self.nonce,
            deadline: U256::from(self.deadline),
        }
    }
}

impl SignedClaim {
    /// The signed struct (the relayer's fee is not part of it: the cap is).
    pub fn typed(&self) -> typed::ClaimRequest {
        typed::ClaimRequest {
            node: self.node,
            poolIds: self.pool_ids.clone(),
            maxFeeBps: self.max_fee_bps,
            nonce: self.nonce,
            deadline: U256::from(self.deadline),
        }
    }
}

/// Decimal strings for 64-bit ids (docs/json.md), read back from strings or numbers.
pub(super) mod decimal_u64 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(value: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        super::Decimal::deserialize(d)?.value()
    }
}

/// [`decimal_u64`] for a list.
pub(super) mod decimal_u64s {
    use serde::{Deserialize, Deserializer, Serializer, ser::SerializeSeq};

    pub(crate) fn serialize<S: Serializer>(values: &[u64], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(values.len()))?;
        values.iter().try_for_each(|v| seq.serialize_element(&v.to_string()))?;
        seq.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        Vec::<super::Decimal>::deserialize(d)?.into_iter().map(super::Decimal::value).collect()
    }
}

/// Decimal strings for 256-bit values (alloy's own serde writes hex).
mod decimal_u256 {
    use alloy::primitives::U256;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(value: &U256, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
        let text = String::deserialize(d)?;
        text.parse::<U256>()
            .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a decimal number")))
    }
}

/// [`decimal_u256`] for a list.
mod decimal_u256s {
    use alloy::primitives::U256;
    use serde::{Deserialize, Deserializer, Serializer, ser::SerializeSeq};

    pub(crate) fn serialize<S: Serializer>(values: &[U256], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(values.len()))?;
        values.iter().try_for_each(|v| seq.serialize_element(&v.to_string()))?;
        seq.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<U256>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|t| {
                t.parse::<U256>().map_err(|_| serde::de::Error::custom(format!("`{t}` is not a number")))
            })
            .collect()
    }
}

/// A 64-bit id as written: a decimal string, or a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum Decimal {
    Number(u64),
    Text(String),
}

impl Decimal {
    fn value<E: serde::de::Error>(self) -> Result<u64, E> {
        match self {
            Self::Number(n) => Ok(n),
            Self::Text(t) => t.parse().map_err(|_| E::custom(format!("`{t}` is not a decimal number"))),
        }
    }
}
