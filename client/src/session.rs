//! The session lifecycle (create → register → record → complete → finalize) as the contract's
//! state machine allows it. Every step checks the session's state first, so a command that would
//! do nothing, or the wrong thing, says so instead of reporting a success that did not happen.

use alloy::primitives::{Address, B256};
use serde::Serialize;

use crate::{
    Coordinator, Error, Result,
    bindings::{IContributionTracker::NodeRecord, ITrainingRegistry::SessionInfo},
};

/// `ITrainingRegistry.SessionState`: where a session is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SessionState {
    /// The id was never created.
    None,
    /// Takes nodes and records.
    Active,
    /// Takes no more records; waits for finalization.
    Completed,
    /// Ranked; takes reward pools and claims.
    Finalized,
}

impl SessionState {
    /// The name as the contract's enum spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Active => "Active",
            Self::Completed => "Completed",
            Self::Finalized => "Finalized",
        }
    }
}

impl TryFrom<u8> for SessionState {
    type Error = Error;

    fn try_from(value: u8) -> Result<Self> {
        Ok(match value {
            0 => Self::None,
            1 => Self::Active,
            2 => Self::Completed,
            3 => Self::Finalized,
            _ => return Err(Error::UnknownSessionState { value }),
        })
    }
}

impl std::fmt::Display for SessionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The state's name for a raw contract value (`"unknown"` for a value the client does not know).
pub fn state_name(state: u8) -> &'static str {
    SessionState::try_from(state).map_or("unknown", SessionState::name)
}

/// What [`Coordinator::create_session`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SessionCreation {
    /// The session was created by this call.
    Created,
    /// An Active session with the same model hash and clip factor existed: nothing was sent.
    AlreadyExisted,
}

/// One node of a registration, in the order the caller listed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredNode {
    /// The node's address.
    pub address: Address,
    /// Its dense index in the session.
    pub index: u32,
    /// Whether this call registered it (`false`: it was registered before).
    pub new: bool,
}

/// What [`Coordinator::register_nodes`] did, node by node in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Registration {
    /// Every listed node.
    pub nodes: Vec<RegisteredNode>,
}

impl Registration {
    /// Every listed node's index, in input order.
    pub fn indices(&self) -> Vec<u32> {
        self.nodes.iter().map(|n| n.index).collect()
    }

    /// The nodes this call registered.
    pub fn added(&self) -> impl Iterator<Item = &RegisteredNode> {
        self.nodes.iter().filter(|n| n.new)
    }

    /// The nodes that were registered before.
    pub fn existing(&self) -> impl Iterator<Item = &RegisteredNode> {
        self.nodes.iter().filter(|n| !n.new)
    }
}

/// Where a node stands in a session, as far as rewards go (reward-math.md §2 eligibility).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NodeStanding {
    /// Not registered in the session: owed nothing.
    NotRegistered,
    /// Excluded by the coordinator: owed nothing.
    Excluded,
    /// Registered, but no compute recorded: owed nothing.
    NotEligible,
    /// Takes part in the rewards.
    Eligible,
}

impl NodeStanding {
    /// The standing of a node with `record` (`None`: not registered).
    pub const fn of(record: Option<&NodeRecord>) -> Self {
        match record {
            None => Self::NotRegistered,
            Some(r) if r.excluded => Self::Excluded,
            Some(r) if r.computeSeconds == 0 => Self::NotEligible,
            Some(_) => Self::Eligible,
        }
    }

    /// In words, for people.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::NotRegistered => "not registered in this session",
            Self::Excluded => "excluded by the coordinator",
            Self::NotEligible => "not eligible (no compute recorded)",
            Self::Eligible => "eligible",
        }
    }
}

impl Coordinator {
    /// Whether `node` is registered in the session.
    pub async fn is_registered(&self, session_id: u64, node: Address) -> Result<bool> {
        self.view("reading registration", self.contract().isRegistered(session_id, node)).await
    }

    /// `node`'s running record in the session, `None` when it is not registered.
    pub async fn node_record(&self, session_id: u64, node: Address) -> Result<Option<NodeRecord>> {
        if !self.is_registered(session_id, node).await? {
            return Ok(None);
        }
        self.view("reading record", self.contract().getContribution(session_id, node)).await.map(Some)
    }

    /// The session as stored (all zero, state `None`, for an id never created).
    pub async fn session(&self, session_id: u64) -> Result<SessionInfo> {
        self.view("reading session", self.contract().getSession(session_id)).await
    }

    /// The session's state.
    pub async fn session_state(&self, session_id: u64) -> Result<SessionState> {
        SessionState::try_from(self.session(session_id).await?.state)
    }

    /// The session, or [`Error::UnknownSession`] when the id was never created.
    pub async fn existing_session(&self, session_id: u64) -> Result<SessionInfo> {
        let session = self.session(session_id).await?;
        match SessionState::try_from(session.state)? {
            SessionState::None => Err(Error::UnknownSession { session_id }),
            _ => Ok(session),
        }
    }

    /// The session, if it is in `required`; else [`Error::SessionState`] (or
    /// [`Error::UnknownSession`] when it does not exist), with `hint` saying what to do instead.
    pub async fn require_state(
        &self,
        session_id: u64,
        required: SessionState,
        hint: &str,
    ) -> Result<SessionInfo> {
        let session = self.existing_session(session_id).await?;
        let state = SessionState::try_from(session.state)?;
        if state != required {
            return Err(Error::SessionState { session_id, state, hint: hint.into() });
        }
        Ok(session)
    }

    /// Creates an Active session; `clip_k` is reward-math.md §3's factor in 1e18 fixed point (0 = off).
    /// Re-running it is a no-op only for an Active session with the same model hash and clip factor
    /// that is not node-signed; any other existing session is [`Error::SessionExists`] and nothing
    /// is sent.
    pub async fn create_session(
        &self,
        session_id: u64,
        model_hash: B256,
        clip_k: u64,
    ) -> Result<SessionCreation> {
        self.create(session_id, model_hash, clip_k, false).await
    }

    /// [`Self::create_session`] for a node-signed session: nodes join it only by their signed
    /// consent (`registerSignedNodes`, see [`crate::consent`]).
    pub async fn create_node_signed_session(
        &self,
        session_id: u64,
        model_hash: B256,
        clip_k: u64,
    ) -> Result<SessionCreation> {
        self.create(session_id, model_hash, clip_k, true).await
    }

    async fn create(
        &self,
        session_id: u64,
        model_hash: B256,
        clip_k: u64,
        node_signed: bool,
    ) -> Result<SessionCreation> {
        let existing = self.session(session_id).await?;
        let state = SessionState::try_from(existing.state)?;
        if state != SessionState::None {
            let mut differences = Vec::new();
            if existing.clipK != clip_k {
                differences.push(format!("clipK {} (not {clip_k})", existing.clipK));
            }
            if existing.modelHash != model_hash {
                differences.push(format!("model hash {} (not {model_hash})", existing.modelHash));
            }
            if existing.nodeSigned != node_signed {
                let kind =
                    if existing.nodeSigned { "node-signed (not plain)" } else { "plain (not node-signed)" };
                differences.push(kind.to_owned());
            }
            if state == SessionState::Active && differences.is_empty() {
                return Ok(SessionCreation::AlreadyExisted);
            }
            let differences = if differences.is_empty() {
                String::new()
            } else {
                format!(", with {}", differences.join(" and "))
            };
            return Err(Error::SessionExists { session_id, state, differences });
        }
        let c = self.contract();
        let (action, input) = if node_signed {
            (
                "createNodeSignedSession",
                c.createNodeSignedSession(session_id, model_hash, clip_k).calldata().clone(),
            )
        } else {
            ("createSession", c.createSession(session_id, model_hash, clip_k).calldata().clone())
        };
        self.transact(action, self.request(input)).await?;
        Ok(SessionCreation::Created)
    }

    /// Registers `nodes` (address, node id) in batches of the profile's batch size, skipping the
    /// ones already registered, so that a re-run after a crash registers each node once. A
    /// node-signed session is [`Error::NodeSignatureRequired`] before anything is sent.
    pub async fn register_nodes(&self, session_id: u64, nodes: &[(Address, B256)]) -> Result<Registration> {
        let session =
            self.require_state(session_id, SessionState::Active, "nodes join an Active session only").await?;
        if session.nodeSigned {
            return Err(Error::NodeSignatureRequired { session_id });
        }
        let fresh = session.nodeCount == 0;
        let mut missing = Vec::new();
        let mut known = Vec::with_capacity(nodes.len());
        for &(node, id) in nodes {
            // Nobody is registered in a fresh session: no need to ask about each node.
            let registered = !fresh && self.is_registered(session_id, node).await?;
            if !registered {
                missing.push((node, id));
            }
            known.push(registered);
        }
        for chunk in missing.chunks(self.profile().batch_size) {
            let (addresses, ids): (Vec<Address>, Vec<B256>) = chunk.iter().copied().unzip();
            let input = self.contract().registerNodesBatch(session_id, addresses, ids).calldata().clone();
            self.transact("registerNodesBatch", self.request(input)).await?;
        }
        let mut registration = Registration { nodes: Vec::with_capacity(nodes.len()) };
        for (i, (&(address, _), registered_before)) in nodes.iter().zip(known).enumerate() {
            // Indices are dense and given in list order (ITrainingRegistry.registerNodesBatch).
            let index = if fresh { i as u32 } else { self.node_index(session_id, address).await? };
            registration.nodes.push(RegisteredNode { address, index, new: !registered_before });
        }
        Ok(registration)
    }

    /// Excludes `node` from every reward of the session.
    pub async fn exclude_node(&self, session_id: u64, node: Address, reason: &str) -> Result<()> {
        self.existing_session(session_id).await?;
        let input = self.contract().excludeNode(session_id, node, reason.to_owned()).calldata().clone();
        self.transact("excludeNode", self.request(input)).await.map(drop)
    }

    /// Moves an Active session to Completed (no more nodes or records). A session that does not
    /// exist or is past Active is an error: nothing is sent.
    pub async fn complete_session(&self, session_id: u64) -> Result<()> {
        let hint = "only an Active session can be completed; nothing sent";
        self.require_state(session_id, SessionState::Active, hint).await?;
        let input = self.contract().completeSession(session_id).calldata().clone();
        self.transact("completeSession", self.request(input)).await.map(drop)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn states_have_the_contracts_names_and_numbers() {
        let names: Vec<_> = (0..4).map(|v| SessionState::try_from(v).unwrap().to_string()).collect();
        assert_eq!(names, ["None", "Active", "Completed", "Finalized"]);
        assert!(matches!(SessionState::try_from(4), Err(Error::UnknownSessionState { value: 4 })));
        assert_eq!(state_name(9), "unknown");
    }
}
