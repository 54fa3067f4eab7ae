//! The gas rows of the node operators' features (issue 12) under one rule set: payout addresses,
//! node-signed registration and relayed claims. Every signature is an EOA's, made here the way a
//! node makes it: EIP-712 over the domain GradPay reports through `eip712Domain()`.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{Eip712Domain, SolCall, SolStruct};

use crate::bindings::{GradPay, INodeOperators};
use crate::deployment::{COORDINATOR, STRANGER, rich_balance};
use crate::error::SimError;
use crate::measure::bench::{Bench, Gas, create_session};
use crate::measure::gas::{FINALIZE_CHUNK, Row, row};
use gradpay_model::{SessionLedger, Strategy};

/// The structs a node signs, exactly as the contract's EIP-712 type strings declare them (the
/// ABI structs of the same names carry the signature, and the relayer's fee, instead).
mod typed {
    alloy_sol_types::sol! {
        /// `NodeConsent(uint64 sessionId,address node,bytes32 nodeId,address payout,uint256 deadline)`.
        struct NodeConsent {
            uint64 sessionId;
            address node;
            bytes32 nodeId;
            address payout;
            uint256 deadline;
        }

        /// `SetPayout(address node,uint64[] sessionIds,address payout,uint256 nonce,uint256 deadline)`.
        struct SetPayout {
            address node;
            uint64[] sessionIds;
            address payout;
            uint256 nonce;
            uint256 deadline;
        }

        /// `ClaimRequest(address node,uint256[] poolIds,uint16 maxFeeBps,uint256 nonce,uint256 deadline)`.
        struct ClaimRequest {
            address node;
            uint256[] poolIds;
            uint16 maxFeeBps;
            uint256 nonce;
            uint256 deadline;
        }
    }
}

/// Nodes of the session the payout and claim rows run in, and of each signed registration: the
/// batch of the `registerNodesBatch, 100 nodes` row they compare with.
const NODES: u32 = 100;
/// Requests in the relayed-claim row, one node and one ETH pool each.
const RELAYED: u32 = 10;
/// The relayer's fee and the node's signed cap in the relayed-claim row: 1 %, as in
/// `snapshots/operators.json`, so each claim makes two transfers (the payout and the fee).
const RELAY_FEE_BPS: u16 = 100;
/// How long every signature in these rows stays valid.
const VALID_FOR_SECS: u64 = 3_600;

/// Node keys and the domain they sign in.
struct Signers {
    keys: Vec<PrivateKeySigner>,
    domain: Eip712Domain,
}

impl Signers {
    /// `count` node keys (each derived from its index) and GradPay's domain, read from the
    /// contract; every node's account is funded, so that no payment to a node creates an account.
    fn new(bench: &mut Bench, count: u32) -> Result<Self, SimError> {
        let keys = (0..count)
            .map(|index| {
                let secret = keccak256([b"gradpay-sim node".as_slice(), &index.to_be_bytes()].concat());
                PrivateKeySigner::from_bytes(&secret).map_err(|e| SimError::Signing(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for key in &keys {
            bench.dep.chain.fund(key.address(), rich_balance());
        }
        let reported = bench.dep.view(&GradPay::eip712DomainCall {})?;
        if reported.verifyingContract != bench.dep.gradpay || !reported.salt.is_zero() {
            return Err(SimError::Unexpected(format!(
                "eip712Domain names contract {} (salt {}), not GradPay at {}",
                reported.verifyingContract, reported.salt, bench.dep.gradpay
            )));
        }
        let domain = Eip712Domain::new(
            Some(reported.name.into()),
            Some(reported.version.into()),
            Some(reported.chainId),
            Some(reported.verifyingContract),
            None,
        );
        Ok(Self { keys, domain })
    }

    fn node(&self, index: u32) -> Result<&PrivateKeySigner, SimError> {
        self.keys.get(index as usize).ok_or_else(|| SimError::Unexpected(format!("no key for node {index}")))
    }

    fn address(&self, index: u32) -> Result<Address, SimError> {
        self.node(index).map(PrivateKeySigner::address)
    }

    /// Node `index`'s 65-byte signature over `payload` in GradPay's domain.
    fn sign<T: SolStruct>(&self, index: u32, payload: &T) -> Result<Bytes, SimError> {
        let hash = payload.eip712_signing_hash(&self.domain);
        let signature =
            self.node(index)?.sign_hash_sync(&hash).map_err(|e| SimError::Signing(e.to_string()))?;
        Ok(signature.as_bytes().into())
    }
}

/// Where node `index` has its rewards sent in the payout rows: an account that already exists
/// (funded), like the node accounts the rows without a payout pay.
fn payout_address(index: u32) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0xfa;
    bytes[16..].copy_from_slice(&index.to_be_bytes());
    Address::from(bytes)
}

fn node_id(index: u32) -> B256 {
    B256::from(U256::from(index) + U256::from(1u8))
}

/// The node operators' rows, in a fixed order; session ids come from `fresh_id`.
pub fn operator_rows(bench: &mut Bench, mut fresh_id: impl FnMut() -> u64) -> Result<Vec<Row>, SimError> {
    let signers = Signers::new(bench, NODES)?;
    let mut rows = payout_and_claim_rows(bench, &signers, fresh_id())?;
    for with_payouts in [false, true] {
        rows.push(signed_registration_row(bench, &signers, fresh_id(), with_payouts)?);
    }
    Ok(rows)
}

fn payout_and_claim_rows(bench: &mut Bench, signers: &Signers, id: u64) -> Result<Vec<Row>, SimError> {
    let mut rows = Vec::new();
    bench.create_session(id)?;
    let nodes = (0..NODES).map(|index| signers.address(index)).collect::<Result<Vec<_>, _>>()?;
    let register =
        GradPay::registerNodesBatchCall { sessionId: id, nodes, nodeIds: (0..NODES).map(node_id).collect() };
    bench.coordinate(&register, U256::ZERO, "registerNodesBatch")?;
    for index in [0, 1, 3] {
        bench.dep.chain.fund(payout_address(index), rich_balance());
    }
    let deadline = U256::from(bench.dep.chain.timestamp() + VALID_FOR_SECS);

    let set = GradPay::setPayoutCall { sessionIds: vec![id], payout: payout_address(0) };
    let (_, gas) = bench.measure(signers.address(0)?, &set, U256::ZERO, "setPayout")?;
    rows.push(row("setPayout, 1 session", 1, 1, gas));
    let (node, payout) = (signers.address(1)?, payout_address(1));
    let signed = typed::SetPayout { node, sessionIds: vec![id], payout, nonce: U256::ZERO, deadline };
    let by_sig = GradPay::setPayoutBySigCall {
        node,
        sessionIds: vec![id],
        payout,
        nonce: U256::ZERO,
        deadline,
        signature: signers.sign(1, &signed)?,
    };
    let (_, gas) = bench.measure(STRANGER, &by_sig, U256::ZERO, "setPayoutBySig")?;
    rows.push(row("setPayoutBySig, 1 session (by a relayer)", 1, 1, gas));
    for index in [0, 1] {
        let now = bench.dep.view(&GradPay::payoutOfCall { sessionId: id, node: signers.address(index)? })?;
        if now != payout_address(index) {
            return Err(SimError::Unexpected(format!("node {index}'s payout is {now} after setting it")));
        }
    }

    let mut ledger = SessionLedger::new(NODES);
    bench.record_epoch(id, 1, NODES, &mut ledger)?;
    bench.finalize(id, &ledger, FINALIZE_CHUNK)?;
    let amount = U256::from(10u64).pow(U256::from(21u64));
    let (pool, _) = bench.create_pool(id, Address::ZERO, amount, Strategy::Proportional)?;

    let claim = GradPay::claimRewardCall { poolId: pool };
    let label = "claimReward, ETH, node with a payout (existing account)";
    rows.push(row(label, 1, 1, paid_to(bench, signers.address(0)?, payout_address(0), &claim, label)?));
    let label = "claimReward, ETH, node without a payout";
    let node = signers.address(2)?;
    rows.push(row(label, 1, 1, paid_to(bench, node, node, &claim, label)?));
    let to = GradPay::claimRewardToCall { poolId: pool, recipient: payout_address(3) };
    let label = "claimRewardTo, ETH (to an existing account)";
    rows.push(row(label, 1, 1, paid_to(bench, signers.address(3)?, payout_address(3), &to, label)?));
    rows.push(relayed_claims_row(bench, signers, pool, deadline)?);
    Ok(rows)
}

/// Sends `call` (a claim returning what it paid) from `node` and measures it; `recipient`'s
/// balance must have grown by exactly the non-zero amount it returned (the sim prices gas at 0).
fn paid_to<C>(
    bench: &mut Bench,
    node: Address,
    recipient: Address,
    call: &C,
    what: &str,
) -> Result<Gas, SimError>
where
    C: SolCall<Return = U256>,
{
    let before = bench.dep.chain.balance(recipient);
    let (paid, gas) = bench.measure(node, call, U256::ZERO, what)?;
    let after = bench.dep.chain.balance(recipient);
    if paid.is_zero() || after != before + paid {
        return Err(SimError::Unexpected(format!(
            "{what}: returned {paid}, {recipient}'s balance went from {before} to {after}"
        )));
    }
    Ok(gas)
}

/// `claimRewardsBySig` of nodes `10..10 + RELAYED`, one ETH pool each, submitted by a relayer
/// that keeps [`RELAY_FEE_BPS`].
fn relayed_claims_row(
    bench: &mut Bench,
    signers: &Signers,
    pool: U256,
    deadline: U256,
) -> Result<Row, SimError> {
    let requests = (10..10 + RELAYED)
        .map(|index| {
            let node = signers.address(index)?;
            let signed = typed::ClaimRequest {
                node,
                poolIds: vec![pool],
                maxFeeBps: RELAY_FEE_BPS,
                nonce: U256::ZERO,
                deadline,
            };
            Ok(INodeOperators::ClaimRequest {
                node,
                poolIds: vec![pool],
                maxFeeBps: RELAY_FEE_BPS,
                feeBps: RELAY_FEE_BPS,
                nonce: U256::ZERO,
                deadline,
                signature: signers.sign(index, &signed)?,
            })
        })
        .collect::<Result<Vec<_>, SimError>>()?;
    let call = GradPay::claimRewardsBySigCall { requests };
    let (amounts, gas) = bench.measure(STRANGER, &call, U256::ZERO, "claimRewardsBySig")?;
    if amounts.len() != RELAYED as usize || amounts.iter().any(U256::is_zero) {
        return Err(SimError::Unexpected(format!("claimRewardsBySig paid {amounts:?}")));
    }
    Ok(row(format!("claimRewardsBySig, {RELAYED} requests × 1 ETH pool (1 % fee)"), RELAYED.into(), 1, gas))
}

/// `registerSignedNodes` of [`NODES`] consents into a node-signed session, each naming the node
/// itself or, `with_payouts`, its own payout address.
fn signed_registration_row(
    bench: &mut Bench,
    signers: &Signers,
    id: u64,
    with_payouts: bool,
) -> Result<Row, SimError> {
    let session = create_session(id);
    let create = GradPay::createNodeSignedSessionCall {
        sessionId: id,
        modelHash: session.modelHash,
        clipK: session.clipK,
    };
    bench.coordinate(&create, U256::ZERO, "createNodeSignedSession")?;
    let deadline = U256::from(bench.dep.chain.timestamp() + VALID_FOR_SECS);
    let consents = (0..NODES)
        .map(|index| {
            let node = signers.address(index)?;
            let payout = if with_payouts { payout_address(index) } else { node };
            let signed = typed::NodeConsent { sessionId: id, node, nodeId: node_id(index), payout, deadline };
            Ok(INodeOperators::NodeConsent {
                node,
                nodeId: node_id(index),
                payout,
                deadline,
                signature: signers.sign(index, &signed)?,
            })
        })
        .collect::<Result<Vec<_>, SimError>>()?;
    let call = GradPay::registerSignedNodesCall { sessionId: id, consents };
    let (_, gas) = bench.measure(COORDINATOR, &call, U256::ZERO, "registerSignedNodes")?;
    let last = signers.address(NODES - 1)?;
    let payout = bench.dep.view(&GradPay::payoutOfCall { sessionId: id, node: last })?;
    let expected = if with_payouts { payout_address(NODES - 1) } else { last };
    if payout != expected {
        return Err(SimError::Unexpected(format!("registerSignedNodes: last node's payout is {payout}")));
    }
    let what = if with_payouts { "each with a payout" } else { "payout = node" };
    Ok(row(format!("registerSignedNodes, {NODES} nodes ({what})"), NODES.into(), 1, gas))
}
