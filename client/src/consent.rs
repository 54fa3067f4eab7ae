//! Node-signed registration: a node signs its EIP-712 consent to join a session
//! (`NodeConsent(uint64 sessionId,address node,bytes32 nodeId,address payout,uint256 deadline)`),
//! which proves it holds its key and chose its payout; the session's coordinator collects the
//! consent lines in a file and registers them with `registerSignedNodes`. The lines are the
//! signed-request lines of [`crate::payouts`] (type `nodeConsent`), and every line is checked
//! before anything is sent — the signature is the node's (ERC-1271 for a contract wallet), not
//! expired, for this deployment and this session, the node and its id not registered yet nor
//! repeated in the file — so that one bad line sends nothing. The nodes then go in as few
//! transactions as the profile's batch size and gas cap allow.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use alloy::{
    network::ReceiptResponse,
    primitives::{Address, B256, Bytes, U256},
    signers::local::PrivateKeySigner,
    sol_types::{Eip712Domain, SolEvent},
};
use serde::Serialize;

use crate::{
    Coordinator, Error, Result, SessionState,
    bindings::{GradPay, INodeOperators::NodeConsent},
    payouts::{SignedConsent, SignedFor, SignedRequest, sign_typed},
    relay::{RelayLine, read_signed_lines},
};

mod refusal;

pub use refusal::ConsentRefusal;

/// One node registered from its consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentedNode {
    /// The node.
    pub address: Address,
    /// Its dense index in the session (from its `NodeRegistered` event).
    pub index: u32,
    /// The id it joined under.
    pub node_id: B256,
    /// Where its rewards of the session go (the node itself: no payout).
    pub payout: Address,
}

/// What [`Coordinator::register_consents`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentRegistration {
    /// The nodes registered, in file order.
    pub registered: Vec<ConsentedNode>,
    /// `registerSignedNodes` transactions sent.
    pub transactions: usize,
    /// Gas they used together.
    #[serde(serialize_with = "crate::json::decimal")]
    pub gas_used: u64,
}

/// What the checks of earlier lines have taken, for the next line's.
#[derive(Debug, Default)]
struct Seen {
    nodes: HashMap<Address, usize>,
    ids: HashMap<B256, usize>,
}

/// Reads a consents file: one `gradpay node consent` line per line (blank lines skipped); a line
/// that is not one is [`Error::ConsentRefused`] with its number, a file without any
/// [`Error::Config`].
pub fn read_consent_file(path: &Path) -> Result<Vec<RelayLine>> {
    let lines = read_signed_lines(path)?
        .map_err(|(line, why)| refused(path, line, ConsentRefusal::Malformed(why)))?;
    if lines.is_empty() {
        return Err(Error::Config {
            origin: path.display().to_string(),
            reason: "holds no consent; expected one `gradpay node consent` line per node".into(),
        });
    }
    Ok(lines)
}

fn refused(path: &Path, line: usize, refusal: ConsentRefusal) -> Error {
    Error::ConsentRefused { path: PathBuf::from(path), line, refusal: Box::new(refusal) }
}

impl Coordinator {
    /// Signs `key`'s (the node's) consent to join `session_id` under `node_id`, its rewards paid to
    /// `payout` (`None`: the node itself), valid for `valid_for_secs` from the latest block. The
    /// session must be Active, the node and the id not registered in it, neither zero, the payout
    /// not zero: else an error, and nothing is signed.
    pub async fn sign_consent(
        &self,
        key: &PrivateKeySigner,
        session_id: u64,
        node_id: B256,
        payout: Option<Address>,
        valid_for_secs: u64,
    ) -> Result<SignedConsent> {
        let node = key.address();
        let payout = payout.unwrap_or(node);
        let hint = "a node joins an Active session only; ask the coordinator which session to join";
        self.require_state(session_id, SessionState::Active, hint).await?;
        let unsignable = |reason: String| Error::ConsentNotSignable { session_id, node, reason };
        if payout.is_zero() {
            return Err(Error::ZeroPayout { node });
        }
        let reason = match self.registration_conflict(session_id, node, node_id).await? {
            None => None,
            Some(ConsentRefusal::ZeroNodeId) => {
                Some("the node id is zero; pass the one the coordinator gave you".into())
            }
            Some(ConsentRefusal::AlreadyRegistered { .. }) => Some("it is registered in it already".into()),
            Some(ConsentRefusal::NodeIdTaken { node_id, node: holder, .. }) => Some(format!(
                "node id {node_id} is {holder}'s in it; ask the coordinator for another --node-id"
            )),
            Some(other) => Some(other.to_string()),
        };
        if let Some(reason) = reason {
            return Err(unsignable(reason));
        }
        let domain = self.signing_domain().await?;
        let deadline = self.latest_timestamp().await?.saturating_add(valid_for_secs);
        let signed_for = SignedFor { chain_id: self.profile().chain_id, contract: self.address() };
        let mut consent = SignedConsent {
            signed_for,
            session_id,
            node,
            node_id,
            payout,
            deadline,
            signature: Bytes::new(),
        };
        consent.signature = sign_typed(key, &consent.typed(), &domain)?;
        Ok(consent)
    }

    /// Registers the nodes of `lines` (read from `path` by [`read_consent_file`]) in `session_id`
    /// with `registerSignedNodes`, after checking every line (see the module docs): the first bad
    /// one is [`Error::ConsentRefused`] and nothing is sent. Chunks hold at most the profile's
    /// batch size and each estimates within its gas cap, all estimated before the first is sent.
    pub async fn register_consents(
        &self,
        session_id: u64,
        path: &Path,
        lines: &[RelayLine],
    ) -> Result<ConsentRegistration> {
        self.require_state(session_id, SessionState::Active, "nodes join an Active session only").await?;
        let domain = self.signing_domain().await?;
        let now = self.latest_timestamp().await?;
        let mut seen = Seen::default();
        let mut consents = Vec::with_capacity(lines.len());
        for line in lines {
            match self.check_consent(session_id, line, &domain, now, &mut seen).await? {
                Ok(consent) => consents.push(consent),
                Err(refusal) => return Err(refused(path, line.line, refusal)),
            }
        }
        let batch_size = self.profile().batch_size;
        let call = |chunk: &[NodeConsent]| {
            self.contract().registerSignedNodes(session_id, chunk.to_vec()).calldata().clone()
        };
        let chunks = self.gas_fitting_chunks("registerSignedNodes", &consents, batch_size, call).await?;
        let mut report = ConsentRegistration::default();
        for chunk in chunks {
            let receipt = self.transact("registerSignedNodes", self.request(call(&chunk))).await?;
            let indices: HashMap<Address, u32> = receipt
                .logs()
                .iter()
                .filter(|log| log.address() == self.address())
                .filter_map(|log| GradPay::NodeRegistered::decode_log(log.as_ref()).ok())
                .map(|log| (log.data.node, log.data.index))
                .collect();
            for consent in &chunk {
                let Some(&index) = indices.get(&consent.node) else {
                    let missing = "NodeRegistered event of every node";
                    return Err(Error::MissingReceiptData { action: "registerSignedNodes".into(), missing });
                };
                let (address, node_id, payout) = (consent.node, consent.nodeId, consent.payout);
                report.registered.push(ConsentedNode { address, index, node_id, payout });
            }
            report.transactions += 1;
            report.gas_used += receipt.gas_used();
        }
        Ok(report)
    }

    /// The contract's consent for `line` if it can be registered in `session_id`, else why not;
    /// `seen` remembers the node and id for the lines after it.
    async fn check_consent(
        &self,
        session_id: u64,
        RelayLine { line: number, request }: &RelayLine,
        domain: &Eip712Domain,
        now: u64,
        seen: &mut Seen,
    ) -> Result<std::result::Result<NodeConsent, ConsentRefusal>> {
        let SignedRequest::NodeConsent(consent) = request else {
            return Ok(Err(ConsentRefusal::NotAConsent { kind: request.kind() }));
        };
        let (node, node_id) = (consent.node, consent.node_id);
        if consent.session_id != session_id {
            return Ok(Err(ConsentRefusal::OtherSession { signed: consent.session_id, session_id }));
        }
        if let Some(fault) = self.seal_fault(request, domain, now).await? {
            return Ok(Err(ConsentRefusal::Seal(fault)));
        }
        if consent.payout.is_zero() {
            return Ok(Err(ConsentRefusal::ZeroPayout { node }));
        }
        if let Some(&line) = seen.nodes.get(&node) {
            return Ok(Err(ConsentRefusal::NodeRepeated { node, line }));
        }
        if let Some(&line) = seen.ids.get(&node_id) {
            return Ok(Err(ConsentRefusal::NodeIdRepeated { node_id, line }));
        }
        if let Some(refusal) = self.registration_conflict(session_id, node, node_id).await? {
            return Ok(Err(refusal));
        }
        seen.nodes.insert(node, *number);
        seen.ids.insert(node_id, *number);
        Ok(Ok(NodeConsent {
            node,
            nodeId: node_id,
            payout: consent.payout,
            deadline: U256::from(consent.deadline),
            signature: consent.signature.clone(),
        }))
    }

    /// Why `node` cannot join `session_id` under `node_id` as things stand on chain, if it
    /// cannot: the id is zero, the node is registered, or the id is another node's.
    async fn registration_conflict(
        &self,
        session_id: u64,
        node: Address,
        node_id: B256,
    ) -> Result<Option<ConsentRefusal>> {
        if node_id.is_zero() {
            return Ok(Some(ConsentRefusal::ZeroNodeId));
        }
        if self.is_registered(session_id, node).await? {
            return Ok(Some(ConsentRefusal::AlreadyRegistered { session_id, node }));
        }
        let holder = self.view("reading a node id", self.contract().nodeById(session_id, node_id)).await?;
        Ok((!holder.is_zero()).then_some(ConsentRefusal::NodeIdTaken { session_id, node_id, node: holder }))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use alloy::sol_types::SolStruct;

    use super::*;
    use crate::payouts::typed;

    #[test]
    fn the_type_string_is_the_contracts() {
        assert_eq!(
            typed::NodeConsent::eip712_encode_type(),
            "NodeConsent(uint64 sessionId,address node,bytes32 nodeId,address payout,uint256 deadline)"
        );
    }

    #[test]
    fn a_consent_line_round_trips_with_decimal_numbers() {
        let consent = SignedRequest::NodeConsent(SignedConsent {
            signed_for: SignedFor { chain_id: 10143, contract: Address::repeat_byte(1) },
            session_id: 1 << 60,
            node: Address::repeat_byte(2),
            node_id: B256::repeat_byte(3),
            payout: Address::repeat_byte(4),
            deadline: 1_764_720_000,
            signature: Bytes::from(vec![0xab; 65]),
        });
        let line = serde_json::to_string(&consent).unwrap();
        assert!(line.starts_with(r#"{"type":"nodeConsent","chainId":"10143","#), "{line}");
        assert!(line.contains(r#""sessionId":"1152921504606846976","node":"0x0202"#), "{line}");
        assert_eq!(serde_json::from_str::<SignedRequest>(&line).unwrap(), consent);
        assert_eq!((consent.nonce(), consent.kind()), (None, "nodeConsent"));
    }
}
