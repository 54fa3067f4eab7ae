//! The coordinator's (or a node's) handle on a GradPay deployment: connecting (chain id and code
//! checked), who signs, the gas spent so far, and the session's read views. Transactions go
//! through [`crate::tx`]; the lifecycle, recording, finalization, pools and claims are built on it.

use std::sync::{Arc, Mutex};

use alloy::{
    network::EthereumWallet, primitives::Address, providers::DynProvider, signers::local::PrivateKeySigner,
};

use crate::{
    Error, NetworkProfile, Result,
    bindings::{
        GradPay,
        IContributionTracker::{NodeRecord, NodeScore, SessionTotals},
    },
    journal::JournalScope,
    provider::connect_checked,
    tx::GasRecord,
};

/// A connected coordinator (or node) on one deployment. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Coordinator {
    provider: DynProvider,
    /// Signs locally so that a transaction's hash is known before it is sent: a send lost in
    /// transit is re-sent as the very same transaction, never as a second one.
    wallet: Option<EthereumWallet>,
    contract: GradPay::GradPayInstance<DynProvider>,
    profile: Arc<NetworkProfile>,
    sender: Address,
    gas: Arc<Mutex<Vec<GasRecord>>>,
    /// The block GradPay was deployed in, when known: where log queries start.
    deployment_block: Option<u64>,
    /// More keys that send an epoch's batches alongside this one (the session's delegates).
    extra_senders: Arc<[Coordinator]>,
}

impl Coordinator {
    /// Connects to the profile's RPC as `signer`, checking the chain id and that `gradpay` has code.
    pub async fn connect(
        profile: NetworkProfile,
        gradpay: Address,
        signer: PrivateKeySigner,
    ) -> Result<Self> {
        let sender = signer.address();
        let provider = connect_checked(&profile, gradpay, Some(signer.clone())).await?;
        tracing::info!(%sender, %gradpay, chain = profile.chain_id, "connected");
        Ok(Self::from_parts(provider, profile, gradpay, sender).with_signer(signer))
    }

    /// A read-only connection acting for `node` (chain id and code checked): no key, nothing can
    /// be sent, every view answers for `node`.
    pub async fn connect_read_only(profile: NetworkProfile, gradpay: Address, node: Address) -> Result<Self> {
        let provider = connect_checked(&profile, gradpay, None).await?;
        Ok(Self::from_parts(provider, profile, gradpay, node))
    }

    /// A handle on the same deployment signing as `signer` (no checks repeated, own gas records).
    pub fn signing_as(&self, signer: PrivateKeySigner) -> Result<Self> {
        let provider = crate::provider::build_provider(&self.profile.rpc_url, Some(signer.clone()))?;
        let node = Self::from_parts(provider, self.profile().clone(), self.address(), signer.address());
        Ok(node.with_signer(signer).with_deployment_block(self.deployment_block))
    }

    /// Signs this handle's transactions locally with `signer` (which must be the sender).
    pub fn with_signer(mut self, signer: PrivateKeySigner) -> Self {
        self.sender = signer.address();
        self.wallet = Some(EthereumWallet::from(signer));
        self
    }

    /// Records epochs through `signers` too, besides this handle's key: each one its own nonces
    /// and fee budget (see [`crate::record`]). Each must own the session or be one of its delegates,
    /// and no key may be given twice ([`Error::DuplicateSender`]: two senders with one key would
    /// race for its nonces).
    pub fn with_extra_senders(mut self, signers: Vec<PrivateKeySigner>) -> Result<Self> {
        let mut seen = vec![self.sender];
        for account in signers.iter().map(PrivateKeySigner::address) {
            if seen.contains(&account) {
                return Err(Error::DuplicateSender { account });
            }
            seen.push(account);
        }
        let extra = signers.into_iter().map(|s| self.signing_as(s)).collect::<Result<Vec<_>>>()?;
        self.extra_senders = extra.into();
        Ok(self)
    }

    /// The keys that send an epoch's batches: this handle first, then the extra senders.
    pub fn senders(&self) -> Vec<Self> {
        let primary = Self { extra_senders: Arc::new([]), ..self.clone() };
        std::iter::once(primary).chain(self.extra_senders.iter().cloned()).collect()
    }

    /// Wraps an already checked provider.
    pub fn from_parts(
        provider: DynProvider,
        profile: NetworkProfile,
        gradpay: Address,
        sender: Address,
    ) -> Self {
        let contract = GradPay::new(gradpay, provider.clone());
        Self {
            provider,
            wallet: None,
            contract,
            profile: Arc::new(profile),
            sender,
            gas: Arc::default(),
            deployment_block: None,
            extra_senders: Arc::new([]),
        }
    }

    /// The typed contract.
    pub const fn contract(&self) -> &GradPay::GradPayInstance<DynProvider> {
        &self.contract
    }

    /// The provider.
    pub const fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// The local signer's wallet, when this handle signs.
    pub(crate) const fn wallet(&self) -> Option<&EthereumWallet> {
        self.wallet.as_ref()
    }

    /// The network profile.
    pub fn profile(&self) -> &NetworkProfile {
        &self.profile
    }

    /// The signing account.
    pub const fn sender(&self) -> Address {
        self.sender
    }

    /// Starts log queries (e.g. `ContributionsRecorded`) at `block`, GradPay's deployment block
    /// (from the deployments file), instead of at genesis.
    pub const fn with_deployment_block(mut self, block: Option<u64>) -> Self {
        self.deployment_block = block;
        self
    }

    /// The block GradPay was deployed in, when known.
    pub const fn deployment_block(&self) -> Option<u64> {
        self.deployment_block
    }

    /// The GradPay address.
    pub fn address(&self) -> Address {
        *self.contract.address()
    }

    /// What a journal of `session_id`'s records on this connection is about.
    pub fn journal_scope(&self, session_id: u64) -> JournalScope {
        JournalScope { chain_id: self.profile.chain_id, contract: self.address(), session_id }
    }

    /// Every transaction mined so far with its gas used and limit.
    pub fn gas_records(&self) -> Vec<GasRecord> {
        self.gas.lock().map(|g| g.clone()).unwrap_or_default()
    }

    /// Counts a mined transaction's gas (also one mined through another handle, e.g. a node's claim).
    pub(crate) fn record_gas(&self, operation: &str, gas_used: u64, gas_limit: u64) {
        if let Ok(mut gas) = self.gas.lock() {
            gas.push(GasRecord { operation: operation.to_owned(), gas_used, gas_limit });
        }
    }

    // ------------------------------------------------------------------ session reads
    // (the lifecycle — create, register, exclude, complete — is in crate::session)

    /// The session's running totals (reward-math.md §1 sums over every accepted entry).
    pub async fn session_totals(&self, session_id: u64) -> Result<SessionTotals> {
        self.view("reading session totals", self.contract.getSessionTotal(session_id)).await
    }

    /// The dense index of `node` in the session.
    pub async fn node_index(&self, session_id: u64, node: Address) -> Result<u32> {
        self.view("reading node index", self.contract.nodeIndex(session_id, node)).await
    }

    /// The running record of the node at `index`.
    pub async fn node_record_at(&self, session_id: u64, index: u32) -> Result<NodeRecord> {
        self.view("reading record", self.contract.getContributionByIndex(session_id, index)).await
    }

    /// `node`'s scores (reward-math.md §2) as the contract computes them now.
    pub async fn score(&self, session_id: u64, node: Address) -> Result<NodeScore> {
        self.view("reading score", self.contract.getScore(session_id, node)).await
    }
}
