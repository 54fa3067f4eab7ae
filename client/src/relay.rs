//! A relayer's side of signed requests: a file of JSON lines (payout changes and claims, as
//! `gradpay payout sign` and `gradpay claim --sign` print them), every line checked before
//! anything is sent — the signature is the node's (ERC-1271 for a contract wallet), not expired,
//! its nonce unused and not repeated in the file, the relayer's fee within the node's cap,
//! something left to claim — so that one bad line sends nothing. Then every transaction is
//! estimated (a refusal still sends nothing), payout changes go first (one `setPayoutBySig` each:
//! a claim in the same file already pays the new address), and claims in as few
//! `claimRewardsBySig` transactions as fit the per-transaction gas cap.

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
};

use alloy::{
    primitives::{Address, B256, Bytes, Signature, U256},
    providers::Provider,
    sol_types::Eip712Domain,
};

use crate::{
    Coordinator, Error, Result,
    bindings::INodeOperators::ClaimRequest,
    payouts::{MAX_FEE_BPS, SignedClaim, SignedPayout, SignedRequest},
};

mod refusal;
mod report;

pub use refusal::{RelayRefusal, SealFault};
pub use report::{RelayReport, RelayedClaim, RelayedPayout};

alloy::sol! {
    /// ERC-1271: how a contract wallet (a Safe) says a signature is its own.
    #[sol(rpc)]
    interface IERC1271 {
        function isValidSignature(bytes32 hash, bytes signature) external view returns (bytes4 magicValue);
    }
}

/// What `isValidSignature` returns for a valid signature (its own selector).
const ERC1271_MAGIC: [u8; 4] = [0x16, 0x26, 0xba, 0x7e];

/// One line of the relayer's file, parsed, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayLine {
    /// Where it is in the file.
    pub line: usize,
    /// What it holds.
    pub request: SignedRequest,
}

/// Reads `path`: one signed request per line (blank lines skipped); a line that is not one is
/// [`Error::RelayRefused`] with its number.
pub fn read_relay_file(path: &Path) -> Result<Vec<RelayLine>> {
    read_signed_lines(path)?.map_err(|(line, why)| refused(path, line, RelayRefusal::Malformed(why)))
}

/// Reads a file of signed requests (blank lines skipped): every line parsed, or the first that
/// does not parse (its number and why); the outer error is the file's.
pub fn read_signed_lines(path: &Path) -> Result<std::result::Result<Vec<RelayLine>, (usize, String)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))?;
    let mut lines = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(raw) {
            Ok(request) => lines.push(RelayLine { line: index + 1, request }),
            Err(e) => return Ok(Err((index + 1, e.to_string()))),
        }
    }
    Ok(Ok(lines))
}

fn refused(path: &Path, line: usize, refusal: RelayRefusal) -> Error {
    Error::RelayRefused { path: PathBuf::from(path), line, refusal: Box::new(refusal) }
}

/// What the checks of earlier lines have claimed or consumed, for the next line's.
#[derive(Debug, Default)]
struct Seen {
    /// Claim nonces the file consumes, and the line that does.
    nonces: HashMap<(Address, U256), usize>,
    claims: HashSet<(Address, U256)>,
    /// Payout changes of each node the file applies before the line being checked: its payout
    /// nonce is the chain's plus these (changes are ordered and the relay submits them in order).
    payout_changes: HashMap<Address, U256>,
}

impl Coordinator {
    /// Checks every line of `path` (see the module docs), then submits them, the claims taking
    /// `fee_bps` of each claim; returns what each node got and the relayer's fees. The first bad
    /// line is [`Error::RelayRefused`] and nothing is sent.
    pub async fn relay(&self, path: &Path, lines: &[RelayLine], fee_bps: u16) -> Result<RelayReport> {
        let domain = self.signing_domain().await?;
        let now = self.latest_timestamp().await?;
        let mut seen = Seen::default();
        for line in lines {
            if let Some(refusal) = self.check_line(line, &domain, now, fee_bps, &mut seen).await? {
                return Err(refused(path, line.line, refusal));
            }
        }
        let payouts: Vec<&SignedPayout> = lines
            .iter()
            .filter_map(|l| match &l.request {
                SignedRequest::SetPayout(p) => Some(p),
                _ => None,
            })
            .collect();
        let claims: Vec<ClaimRequest> = lines
            .iter()
            .filter_map(|l| match &l.request {
                SignedRequest::ClaimRequest(c) => Some(claim_request(c, fee_bps)),
                _ => None,
            })
            .collect();
        let payout_calls: Vec<Bytes> = payouts.iter().map(|p| self.set_payout_call(p)).collect();
        for input in &payout_calls {
            let estimate = self.estimate("setPayoutBySig", self.request(input.clone())).await?;
            self.checked_gas_limit("setPayoutBySig", estimate)?;
        }
        let chunks = self
            .gas_fitting_chunks("claimRewardsBySig", &claims, usize::MAX, |chunk| {
                self.contract().claimRewardsBySig(chunk.to_vec()).calldata().clone()
            })
            .await?;
        let mut report = RelayReport::default();
        for (input, payout) in payout_calls.into_iter().zip(payouts) {
            let receipt = self.transact("setPayoutBySig", self.request(input)).await?;
            report.gas_used += receipt.gas_used;
            let (node, payout, session_ids) = (payout.node, payout.payout, payout.session_ids.clone());
            report.payouts.push(RelayedPayout { node, session_ids, payout });
            report.transactions += 1;
        }
        for chunk in chunks {
            let input = self.contract().claimRewardsBySig(chunk).calldata().clone();
            let receipt = self.transact("claimRewardsBySig", self.request(input)).await?;
            self.add_claims(&receipt, &mut report).await?;
            report.gas_used += receipt.gas_used;
            report.transactions += 1;
        }
        Ok(report)
    }

    /// Why `request` would fail on chain or pay nothing, if it would; `seen` remembers what it
    /// consumes for the lines after it.
    async fn check_line(
        &self,
        RelayLine { line: number, request }: &RelayLine,
        domain: &Eip712Domain,
        now: u64,
        fee_bps: u16,
        seen: &mut Seen,
    ) -> Result<Option<RelayRefusal>> {
        if let SignedRequest::NodeConsent(c) = request {
            return Ok(Some(RelayRefusal::Consent { session_id: c.session_id }));
        }
        if let Some(fault) = self.seal_fault(request, domain, now).await? {
            return Ok(Some(RelayRefusal::Seal(fault)));
        }
        match request {
            SignedRequest::SetPayout(p) => {
                let earlier = seen.payout_changes.get(&p.node).copied().unwrap_or_default();
                let current = self.payout_nonce(p.node).await? + earlier;
                if p.nonce != current {
                    let (node, nonce) = (p.node, p.nonce);
                    return Ok(Some(RelayRefusal::PayoutNonceStale { node, nonce, current }));
                }
                let refusal = self.check_payout(p).await?;
                *seen.payout_changes.entry(p.node).or_default() += U256::from(1u8);
                Ok(refusal)
            }
            SignedRequest::ClaimRequest(c) => {
                let (node, nonce) = (c.node, c.nonce);
                if let Some(&line) = seen.nonces.get(&(node, nonce)) {
                    return Ok(Some(RelayRefusal::NonceRepeated { node, nonce, line }));
                }
                if self.is_nonce_used(node, nonce).await? {
                    return Ok(Some(RelayRefusal::NonceUsed { node, nonce }));
                }
                let refusal = self.check_claim(c, fee_bps, now, &mut seen.claims).await?;
                seen.nonces.insert((node, nonce), *number);
                Ok(refusal)
            }
            SignedRequest::NodeConsent(_) => Ok(None),
        }
    }

    /// What is wrong with `request`'s seal, if anything: signed for another deployment than the
    /// profile's, expired at `now`, or not the node's signature in `domain`.
    pub async fn seal_fault(
        &self,
        request: &SignedRequest,
        domain: &Eip712Domain,
        now: u64,
    ) -> Result<Option<SealFault>> {
        let signed_for = request.signed_for();
        if (signed_for.chain_id, signed_for.contract) != (self.profile().chain_id, self.address()) {
            let (chain_id, contract) = (signed_for.chain_id, signed_for.contract);
            return Ok(Some(SealFault::SignedForOther { chain_id, contract }));
        }
        if now >= request.deadline() {
            return Ok(Some(SealFault::Expired { deadline: request.deadline(), now }));
        }
        let node = request.node();
        if !self.is_signature_of(node, request.digest(domain), request.signature()).await? {
            return Ok(Some(SealFault::BadSignature { node }));
        }
        Ok(None)
    }

    async fn check_payout(&self, p: &SignedPayout) -> Result<Option<RelayRefusal>> {
        if p.payout.is_zero() {
            return Ok(Some(RelayRefusal::ZeroPayout { node: p.node }));
        }
        if p.session_ids.is_empty() {
            return Ok(Some(RelayRefusal::NoSessions));
        }
        for &session_id in &p.session_ids {
            match self.require_registered(session_id, p.node).await {
                Ok(()) => {}
                Err(Error::UnknownSession { session_id }) => {
                    return Ok(Some(RelayRefusal::UnknownSession { session_id }));
                }
                Err(Error::NodeNotInSession { session_id, node }) => {
                    return Ok(Some(RelayRefusal::NotRegistered { session_id, node }));
                }
                Err(other) => return Err(other),
            }
        }
        Ok(None)
    }

    async fn check_claim(
        &self,
        c: &SignedClaim,
        fee_bps: u16,
        now: u64,
        claimed: &mut HashSet<(Address, U256)>,
    ) -> Result<Option<RelayRefusal>> {
        if fee_bps > c.max_fee_bps || c.max_fee_bps > MAX_FEE_BPS {
            return Ok(Some(RelayRefusal::FeeAboveCap { fee_bps, max_fee_bps: c.max_fee_bps }));
        }
        let mut claimable = 0;
        for &pool_id in &c.pool_ids {
            match self.check_pool(pool_id).await {
                Ok(_) => {}
                Err(Error::UnknownPool { pool_id, .. }) => {
                    return Ok(Some(RelayRefusal::UnknownPool { pool_id }));
                }
                Err(other) => return Err(other),
            }
            // A closed pool reverts the whole transaction, not just this request.
            let claim_deadline = self.pool(pool_id).await?.claimDeadline.to::<u64>();
            if now > claim_deadline {
                return Ok(Some(RelayRefusal::WindowClosed { pool_id, claim_deadline }));
            }
            let pending = self.view("reading pending reward", self.contract().pendingReward(pool_id, c.node));
            if !pending.await?.is_zero() && claimed.insert((c.node, pool_id)) {
                claimable += 1;
            }
        }
        Ok((claimable == 0).then_some(RelayRefusal::NothingClaimable { node: c.node }))
    }

    /// Whether `signature` is `node`'s over `digest`, as the contract decides it (OpenZeppelin's
    /// `SignatureChecker`): an account without code must be the ECDSA signer (65 bytes, low s,
    /// v 27 or 28); one with code must answer ERC-1271's magic value.
    pub async fn is_signature_of(&self, node: Address, digest: B256, signature: &Bytes) -> Result<bool> {
        let code = self
            .provider()
            .get_code_at(node)
            .await
            .map_err(|e| self.rpc_error("reading the node's code", &e))?;
        if code.is_empty() {
            return Ok(recovers_to(node, digest, signature));
        }
        let wallet = IERC1271::new(node, self.provider().clone());
        // A revert, or an answer that does not decode, is a refusal like a wrong magic value.
        Ok(wallet
            .isValidSignature(digest, signature.clone())
            .call()
            .await
            .is_ok_and(|m| m.0 == ERC1271_MAGIC))
    }

    fn set_payout_call(&self, p: &SignedPayout) -> Bytes {
        let call = self.contract().setPayoutBySig(
            p.node,
            p.session_ids.clone(),
            p.payout,
            p.nonce,
            U256::from(p.deadline),
            p.signature.clone(),
        );
        call.calldata().clone()
    }
}

/// The contract's request for `claim` with the relayer's `fee_bps`.
fn claim_request(claim: &SignedClaim, fee_bps: u16) -> ClaimRequest {
    ClaimRequest {
        node: claim.node,
        poolIds: claim.pool_ids.clone(),
        maxFeeBps: claim.max_fee_bps,
        feeBps: fee_bps,
        nonce: claim.nonce,
        deadline: U256::from(claim.deadline),
        signature: claim.signature.clone(),
    }
}

/// Whether the 65-byte ECDSA `signature` over `digest` is `node`'s, with OpenZeppelin's rules: v
/// is 27 or 28 and s in the lower half (a malleable twin is refused).
fn recovers_to(node: Address, digest: B256, signature: &[u8]) -> bool {
    let [.., v] = signature else { return false };
    if signature.len() != 65 || !matches!(v, 27 | 28) {
        return false;
    }
    let Ok(parsed) = Signature::from_raw(signature) else { return false };
    parsed.normalize_s().is_none() && parsed.recover_address_from_prehash(&digest).is_ok_and(|a| a == node)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use alloy::signers::{SignerSync, local::PrivateKeySigner};

    use super::*;

    #[test]
    fn only_the_nodes_low_s_signature_recovers() {
        let key = PrivateKeySigner::random();
        let digest = B256::repeat_byte(7);
        let signature = key.sign_hash_sync(&digest).unwrap();
        let bytes = signature.as_bytes();
        assert!(recovers_to(key.address(), digest, &bytes));
        assert!(!recovers_to(Address::repeat_byte(1), digest, &bytes), "another account");
        assert!(!recovers_to(key.address(), B256::repeat_byte(8), &bytes), "another digest");
        assert!(!recovers_to(key.address(), digest, &bytes[..64]), "64 bytes");
        let mut v01 = bytes;
        v01[64] -= 27;
        assert!(!recovers_to(key.address(), digest, &v01), "v must be 27 or 28");
        // The malleable twin (n - s, flipped parity) recovers to the same key but is refused.
        let n = U256::from_str_radix("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)
            .unwrap();
        let twin = Signature::new(signature.r(), n - signature.s(), !signature.v());
        assert_eq!(twin.recover_address_from_prehash(&digest).unwrap(), key.address());
        assert!(!recovers_to(key.address(), digest, &twin.as_bytes()));
    }
}
