//! Payout addresses (where a node's rewards go, per session) and the EIP-712 requests a node
//! signs for someone else to submit: a payout change (`SetPayout`) and a claim (`ClaimRequest`,
//! relayed for an optional fee the node caps). The signing domain is read from the contract
//! (ERC-5267 `eip712Domain()`) and must name this chain and this contract: a key is never used
//! to sign for another deployment than the one the profile points at.

use alloy::{
    primitives::{Address, Bytes, U256},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::{Eip712Domain, SolStruct},
};
use serde::Serialize;

use crate::{Coordinator, Error, Result, bindings::GradPay::eip712DomainReturn, claims::RewardStatus};

mod signed;

pub use signed::{SignedClaim, SignedConsent, SignedFor, SignedPayout, SignedRequest};

/// The structs a node signs, exactly as the contract's EIP-712 type strings declare them (in their
/// own module: the bindings' ABI structs of the same names carry the signature and the fee too).
pub mod typed {
    alloy::sol! {
        /// `SetPayout(address node,uint64[] sessionIds,address payout,uint256 nonce,uint256 deadline)`.
        #[derive(Debug, PartialEq, Eq)]
        struct SetPayout {
            address node;
            uint64[] sessionIds;
            address payout;
            uint256 nonce;
            uint256 deadline;
        }

        /// `ClaimRequest(address node,uint256[] poolIds,uint16 maxFeeBps,uint256 nonce,uint256 deadline)`.
        #[derive(Debug, PartialEq, Eq)]
        struct ClaimRequest {
            address node;
            uint256[] poolIds;
            uint16 maxFeeBps;
            uint256 nonce;
            uint256 deadline;
        }

        /// `NodeConsent(uint64 sessionId,address node,bytes32 nodeId,address payout,uint256 deadline)`.
        #[derive(Debug, PartialEq, Eq)]
        struct NodeConsent {
            uint64 sessionId;
            address node;
            bytes32 nodeId;
            address payout;
            uint256 deadline;
        }
    }
}

/// The highest relayer fee a node can allow, in basis points of each claim (the whole claim).
pub const MAX_FEE_BPS: u16 = 10_000;

/// ERC-5267's `fields` bits for a domain of name, version, chain id and verifying contract.
const DOMAIN_FIELDS: u8 = 0x0f;

/// How long a signature stays valid, and which nonce it consumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningTerms {
    /// Seconds from the latest block's time (the clock the contract's expiry check reads).
    pub valid_for_secs: u64,
    /// The nonce; `None`: the lowest one the signer has not used (nor invalidated).
    pub nonce: Option<U256>,
}

/// What `setPayout` changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayoutChange {
    /// The node.
    pub node: Address,
    /// Its payout now (the node itself: none).
    pub payout: Address,
    /// Sessions whose payout this call changed.
    #[serde(with = "signed::decimal_u64s")]
    pub changed: Vec<u64>,
    /// Sessions whose payout was already `payout` (nothing sent for them).
    #[serde(with = "signed::decimal_u64s")]
    pub unchanged: Vec<u64>,
}

/// The domain as signed, from the contract's `eip712Domain()`, if it names `chain_id` and
/// `contract` (and name, version, no salt); else [`Error::ForeignDomain`].
pub fn check_domain(domain: &eip712DomainReturn, chain_id: u64, contract: Address) -> Result<Eip712Domain> {
    let foreign = || Error::ForeignDomain {
        contract,
        chain_id,
        domain_chain_id: domain.chainId,
        domain_contract: domain.verifyingContract,
    };
    if domain.fields.0 != [DOMAIN_FIELDS] || !domain.extensions.is_empty() {
        return Err(foreign());
    }
    if domain.chainId != U256::from(chain_id) || domain.verifyingContract != contract {
        return Err(foreign());
    }
    Ok(Eip712Domain::new(
        Some(domain.name.clone().into()),
        Some(domain.version.clone().into()),
        Some(domain.chainId),
        Some(domain.verifyingContract),
        None,
    ))
}

impl Coordinator {
    /// The contract's EIP-712 domain, checked against the profile's chain id and this address.
    pub async fn signing_domain(&self) -> Result<Eip712Domain> {
        let domain = self.view("reading the EIP-712 domain", self.contract().eip712Domain()).await?;
        check_domain(&domain, self.profile().chain_id, self.address())
    }

    /// Whether `signer` has used (or invalidated) `nonce`.
    pub async fn is_nonce_used(&self, signer: Address, nonce: U256) -> Result<bool> {
        self.view("reading a nonce", self.contract().isNonceUsed(signer, nonce)).await
    }

    /// The payout nonce `node`'s next signed payout change must carry. Payout changes are
    /// ordered: every change (`setPayout` or a signed one) advances it, so a change signed before
    /// the node's latest one can never be applied after it.
    pub async fn payout_nonce(&self, node: Address) -> Result<U256> {
        self.view("reading a payout nonce", self.contract().payoutNonce(node)).await
    }

    /// The lowest nonce `signer` has neither used nor invalidated. Two requests signed with it
    /// before either is submitted share it: the second to arrive is refused (`--nonce` avoids that).
    pub async fn lowest_unused_nonce(&self, signer: Address) -> Result<U256> {
        let mut nonce = U256::ZERO;
        while self.is_nonce_used(signer, nonce).await? {
            nonce += U256::from(1u8);
        }
        Ok(nonce)
    }

    /// Burns the sender's `nonce` (`invalidateNonce`), so that a request signed with it and not
    /// submitted yet never can be. A nonce used already is [`Error::NonceNotCancellable`],
    /// before anything is sent.
    pub async fn cancel_nonce(&self, nonce: U256) -> Result<()> {
        let signer = self.sender();
        if self.is_nonce_used(signer, nonce).await? {
            return Err(Error::NonceNotCancellable { signer, nonce });
        }
        let input = self.contract().invalidateNonce(nonce).calldata().clone();
        self.transact("invalidateNonce", self.request(input)).await.map(drop)
    }

    /// Fails with [`Error::UnknownSession`] or [`Error::NodeNotInSession`] unless `node` is
    /// registered in `session_id`.
    pub async fn require_registered(&self, session_id: u64, node: Address) -> Result<()> {
        self.existing_session(session_id).await?;
        if !self.is_registered(session_id, node).await? {
            return Err(Error::NodeNotInSession { session_id, node });
        }
        Ok(())
    }

    /// Where `node`'s rewards of `session_id` go (the node itself when it set no payout).
    pub async fn payout_of(&self, session_id: u64, node: Address) -> Result<Address> {
        self.require_registered(session_id, node).await?;
        self.view("reading a payout", self.contract().payoutOf(session_id, node)).await
    }

    /// Sets the sender's payout in `sessions` (`payout` = the sender clears it), in one
    /// transaction for the sessions where it differs; nothing is sent when none does. The zero
    /// address is [`Error::ZeroPayout`], before anything is sent.
    pub async fn set_payout(&self, sessions: &[u64], payout: Address) -> Result<PayoutChange> {
        let node = self.sender();
        let (changed, unchanged) = self.payout_changes(node, sessions, payout).await?;
        if !changed.is_empty() {
            let input = self.contract().setPayout(changed.clone(), payout).calldata().clone();
            self.transact("setPayout", self.request(input)).await?;
        }
        Ok(PayoutChange { node, payout, changed, unchanged })
    }

    /// Signs a payout change of `sessions` to `payout` as `key` (the node), for a relayer, valid
    /// for `valid_for_secs`. It carries the node's payout nonce (see [`Self::payout_nonce`]): any
    /// payout change the node makes before it is submitted voids it.
    pub async fn sign_payout(
        &self,
        key: &PrivateKeySigner,
        sessions: &[u64],
        payout: Address,
        valid_for_secs: u64,
    ) -> Result<SignedPayout> {
        let node = key.address();
        self.payout_changes(node, sessions, payout).await?;
        let nonce = self.payout_nonce(node).await?;
        let (signed_for, domain, deadline) = self.signing_terms(valid_for_secs).await?;
        let mut signed = SignedPayout {
            signed_for,
            node,
            session_ids: sessions.to_vec(),
            payout,
            nonce,
            deadline,
            signature: Bytes::new(),
        };
        signed.signature = sign_typed(key, &signed.typed(), &domain)?;
        Ok(signed)
    }

    /// Signs a claim of `pool_ids` as `key` (the node), allowing a relayer fee up to
    /// `max_fee_bps` (at most [`MAX_FEE_BPS`]). Every pool must exist; one with nothing
    /// claimable now is [`Error::NothingToClaim`] with the reason, and nothing is signed.
    pub async fn sign_claim(
        &self,
        key: &PrivateKeySigner,
        pool_ids: &[U256],
        max_fee_bps: u16,
        terms: SigningTerms,
    ) -> Result<SignedClaim> {
        let node = key.address();
        for &pool_id in pool_ids {
            self.require_claimable(pool_id, node).await?;
        }
        let nonce = self.claim_nonce(node, terms.nonce).await?;
        let (signed_for, domain, deadline) = self.signing_terms(terms.valid_for_secs).await?;
        let mut signed = SignedClaim {
            signed_for,
            node,
            pool_ids: pool_ids.to_vec(),
            max_fee_bps: max_fee_bps.min(MAX_FEE_BPS),
            nonce,
            deadline,
            signature: Bytes::new(),
        };
        signed.signature = sign_typed(key, &signed.typed(), &domain)?;
        Ok(signed)
    }

    /// The pools of `sessions` where `node` has something to claim now; none is
    /// [`Error::NothingPending`], a session that does not exist [`Error::UnknownSession`].
    pub async fn claimable_pools(&self, sessions: &[u64], node: Address) -> Result<Vec<U256>> {
        let mut due = Vec::new();
        for &session_id in sessions {
            self.existing_session(session_id).await?;
            let rewards = self.rewards(session_id, node).await?;
            due.extend(rewards.iter().filter(|r| r.status == RewardStatus::Claimable).map(|r| r.pool_id));
        }
        if due.is_empty() {
            let sessions = match sessions {
                [] => "no session (it is in none)".to_owned(),
                _ => format!(
                    "session(s) {}",
                    sessions.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
                ),
            };
            return Err(Error::NothingPending { node, sessions });
        }
        Ok(due)
    }

    /// Fails unless `node` can claim something from `pool_id` now (the pool must exist).
    async fn require_claimable(&self, pool_id: U256, node: Address) -> Result<()> {
        let session_id = self.check_pool(pool_id).await?;
        let rewards = self.rewards(session_id, node).await?;
        match rewards.iter().find(|r| r.pool_id == pool_id) {
            Some(r) if r.status == RewardStatus::Claimable => Ok(()),
            found => Err(Error::NothingToClaim {
                pool_id,
                node,
                why: found.map_or(RewardStatus::NotRegistered, |r| r.status).describe(),
            }),
        }
    }

    /// Splits `sessions` into those whose payout for `node` differs from `payout` and those where
    /// it does not, after checking that `payout` is not zero, the list not empty, and `node`
    /// registered in every session.
    async fn payout_changes(
        &self,
        node: Address,
        sessions: &[u64],
        payout: Address,
    ) -> Result<(Vec<u64>, Vec<u64>)> {
        if payout.is_zero() {
            return Err(Error::ZeroPayout { node });
        }
        let (mut changed, mut unchanged) = (Vec::new(), Vec::new());
        for &session_id in sessions {
            if self.payout_of(session_id, node).await? == payout {
                unchanged.push(session_id);
            } else {
                changed.push(session_id);
            }
        }
        Ok((changed, unchanged))
    }

    /// The claim nonce `node` signs with: `given`, which must be unused, or the lowest unused.
    async fn claim_nonce(&self, node: Address, given: Option<U256>) -> Result<U256> {
        match given {
            Some(nonce) if self.is_nonce_used(node, nonce).await? => {
                Err(Error::NonceUsed { signer: node, nonce })
            }
            Some(nonce) => Ok(nonce),
            None => self.lowest_unused_nonce(node).await,
        }
    }

    /// The deployment, the checked domain and the deadline of a request signed now, valid for
    /// `valid_for_secs`.
    async fn signing_terms(&self, valid_for_secs: u64) -> Result<(SignedFor, Eip712Domain, u64)> {
        let domain = self.signing_domain().await?;
        let deadline = self.latest_timestamp().await?.saturating_add(valid_for_secs);
        let signed_for = SignedFor { chain_id: self.profile().chain_id, contract: self.address() };
        Ok((signed_for, domain, deadline))
    }
}

/// `value`'s EIP-712 digest in `domain`, signed by `key`: 65 bytes r ‖ s ‖ v (v = 27 or 28).
pub(crate) fn sign_typed<S: SolStruct>(
    key: &PrivateKeySigner,
    value: &S,
    domain: &Eip712Domain,
) -> Result<Bytes> {
    let digest = value.eip712_signing_hash(domain);
    let signature = key
        .sign_hash_sync(&digest)
        .map_err(|e| Error::Signing { action: format!("{} request", S::NAME), reason: e.to_string() })?;
    Ok(Bytes::copy_from_slice(&signature.as_bytes()))
}

/// A validity such as `90s`, `30m`, `12h`, `7d` or a plain number of seconds.
pub fn parse_validity(text: &str) -> std::result::Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(format!("`{text}`: expected a number with s, m, h or d, e.g. 1d")),
    };
    let count: u64 = digits.parse().map_err(|_| format!("`{text}`: expected a number, e.g. 1d or 3600"))?;
    match count.checked_mul(scale) {
        Some(0) => Err("a signature valid for 0 s expires at once; pass e.g. 1d".into()),
        Some(secs) => Ok(secs),
        None => Err(format!("`{text}` is too long")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use alloy::primitives::{FixedBytes, address};

    use super::*;

    #[test]
    fn the_type_strings_are_the_contracts() {
        assert_eq!(
            typed::SetPayout::eip712_encode_type(),
            "SetPayout(address node,uint64[] sessionIds,address payout,uint256 nonce,uint256 deadline)"
        );
        assert_eq!(
            typed::ClaimRequest::eip712_encode_type(),
            "ClaimRequest(address node,uint256[] poolIds,uint16 maxFeeBps,uint256 nonce,uint256 deadline)"
        );
    }

    fn domain(chain_id: u64, contract: Address) -> eip712DomainReturn {
        eip712DomainReturn {
            fields: FixedBytes([DOMAIN_FIELDS]),
            name: "GradPay".into(),
            version: "1".into(),
            chainId: U256::from(chain_id),
            verifyingContract: contract,
            salt: Default::default(),
            extensions: Vec::new(),
        }
    }

    #[test]
    fn a_domain_of_another_chain_or_contract_is_refused() {
        let gradpay = address!("5FbDB2315678afecb367f032d93F642f64180aa3");
        let ok = check_domain(&domain(10143, gradpay), 10143, gradpay).unwrap();
        assert_eq!((ok.chain_id, ok.verifying_contract), (Some(U256::from(10143)), Some(gradpay)));
        assert_eq!(ok.name.as_deref(), Some("GradPay"));
        let other_chain = check_domain(&domain(143, gradpay), 10143, gradpay).unwrap_err();
        assert!(
            other_chain.to_string().contains("signs for chain 143") && other_chain.kind() == "foreignDomain",
            "{other_chain}"
        );
        let other = Address::repeat_byte(9);
        assert!(check_domain(&domain(10143, other), 10143, gradpay).is_err(), "another contract");
        let salted = eip712DomainReturn { fields: FixedBytes([0x1f]), ..domain(10143, gradpay) };
        assert!(
            check_domain(&salted, 10143, gradpay).is_err(),
            "a domain with fields the client does not sign"
        );
    }

    #[test]
    fn validities_take_a_unit() {
        assert_eq!(parse_validity("90s"), Ok(90));
        assert_eq!(parse_validity("30m"), Ok(1_800));
        assert_eq!(parse_validity("12h"), Ok(43_200));
        assert_eq!(parse_validity("7d"), Ok(604_800));
        assert_eq!(parse_validity("3600"), Ok(3_600));
        assert!(parse_validity("0d").unwrap_err().contains("expires at once"));
        assert!(parse_validity("1w").unwrap_err().contains("s, m, h or d"));
        assert!(parse_validity("d").is_err());
        assert!(parse_validity("99999999999999999999d").is_err());
    }

    #[test]
    fn a_signed_line_round_trips_with_decimal_numbers() {
        let claim = SignedRequest::ClaimRequest(SignedClaim {
            signed_for: SignedFor { chain_id: 10143, contract: Address::repeat_byte(1) },
            node: Address::repeat_byte(2),
            pool_ids: vec![U256::from(256), U256::from(257)],
            max_fee_bps: 100,
            nonce: U256::from(7),
            deadline: 1_764_720_000,
            signature: Bytes::from(vec![0xab; 65]),
        });
        let line = serde_json::to_string(&claim).unwrap();
        assert!(line.starts_with(r#"{"type":"claimRequest","chainId":"10143","#), "{line}");
        assert!(
            line.contains(r#""poolIds":["256","257"],"maxFeeBps":100,"nonce":"7","deadline":1764720000"#),
            "{line}"
        );
        assert_eq!(serde_json::from_str::<SignedRequest>(&line).unwrap(), claim);
        let payout = r#"{"type":"setPayout","chainId":31337,"contract":"0x0101010101010101010101010101010101010101","node":"0x0202020202020202020202020202020202020202","sessionIds":[1,"2"],"payout":"0x0303030303030303030303030303030303030303","nonce":"0","deadline":5,"signature":"0x"}"#;
        let SignedRequest::SetPayout(parsed) = serde_json::from_str(payout).unwrap() else {
            panic!("a payout")
        };
        assert_eq!((parsed.session_ids, parsed.signed_for.chain_id), (vec![1, 2], 31337));
        let bad = payout.replace(r#""nonce":"0""#, r#""nonce":"x""#);
        assert!(
            serde_json::from_str::<SignedRequest>(&bad)
                .unwrap_err()
                .to_string()
                .contains("`x` is not a decimal number")
        );
    }
}
