//! The one error type of the library. Every variant names the cause and, where there is one, the
//! fix, because the `gradpay` binary prints the message as is and exits non-zero.

use std::path::PathBuf;

use alloy::primitives::{Address, B256, U256};

use crate::{revert::RevertReason, session::SessionState};

mod methods;

use methods::describe_admin_transfer;

/// Everything that can go wrong in gradpay, with enough context to act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("reading", "writing").
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },

    /// The configuration file or an environment override is invalid.
    #[error("invalid configuration ({origin}): {reason}")]
    Config {
        /// Where the bad value came from: a file path or an environment variable.
        origin: String,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// The requested network profile is not in the configuration.
    #[error("unknown network profile `{name}`; known profiles: {known}")]
    UnknownProfile {
        /// The profile asked for.
        name: String,
        /// The profiles that exist, comma separated.
        known: String,
    },

    /// No signing key was configured.
    #[error(
        "no signing key: set GRADPAY_PRIVATE_KEY, or pass --keystore <FILE|DIR> (a `cast wallet` \
         keystore) with --password-file or an interactive prompt; `status` and `pending` take \
         --node ADDRESS instead"
    )]
    MissingKey,

    /// The private key in the environment is malformed (its value is never shown).
    #[error("GRADPAY_PRIVATE_KEY is not a valid secp256k1 private key (expected 32 bytes of hex)")]
    InvalidPrivateKey,

    /// The keystore could not be decrypted.
    #[error("cannot decrypt keystore {path}: {reason}")]
    Keystore {
        /// The keystore file.
        path: PathBuf,
        /// Why, e.g. a wrong password.
        reason: String,
    },

    /// The RPC endpoint did not answer.
    #[error(
        "RPC endpoint {url} is unreachable ({reason}); check that the node is running and the URL in gradpay.toml or GRADPAY_RPC_URL"
    )]
    RpcUnreachable {
        /// The URL tried.
        url: String,
        /// The transport's message.
        reason: String,
    },

    /// The RPC endpoint serves another chain than the profile expects.
    #[error("wrong chain id at {url}: expected {expected}, got {got}; pick the matching --network profile")]
    WrongChainId {
        /// The URL asked.
        url: String,
        /// The profile's chain id.
        expected: u64,
        /// The node's chain id.
        got: u64,
    },

    /// No contract code at a configured address.
    #[error(
        "no contract code at {address} ({name}) on chain {chain_id}; run `gradpay deploy` and point the config at its deployments file"
    )]
    NoCode {
        /// Which contract was expected.
        name: &'static str,
        /// The configured address.
        address: Address,
        /// The chain asked.
        chain_id: u64,
    },

    /// No contract address is configured at all.
    #[error(
        "no GradPay address for profile `{profile}`; run `gradpay deploy` or set `gradpay` / `deployments` in gradpay.toml"
    )]
    NoAddress {
        /// The profile in use.
        profile: String,
    },

    /// The sender cannot pay for what it is about to send.
    #[error("insufficient funds in {address}: balance {balance} wei, needed {needed} wei; fund the account")]
    InsufficientFunds {
        /// The paying account.
        address: Address,
        /// Its balance.
        balance: U256,
        /// What the operation needs (value plus gas limit times fee cap).
        needed: U256,
    },

    /// A call or transaction reverted; `reason` keeps the decoded custom error, for callers to
    /// match on (see [`Error::contract_error`]).
    #[error("{action} reverted: {reason}")]
    Revert {
        /// What was being done.
        action: String,
        /// Why: a GradPay custom error, other revert data, or a failure the replay did not repeat.
        reason: Box<RevertReason>,
    },

    /// The RPC answered with an error, or not at all, where no revert was involved (after the
    /// retry layer gave up on rate limits).
    #[error("{action} failed: {reason}; check the RPC endpoint (gradpay.toml or GRADPAY_RPC_URL) and re-run")]
    Transport {
        /// What was being done.
        action: String,
        /// The RPC's message.
        reason: String,
    },

    /// A transaction could not be signed with the loaded key.
    #[error("cannot sign {action}: {reason}; check the key (GRADPAY_PRIVATE_KEY or --keystore)")]
    Signing {
        /// What was being signed.
        action: String,
        /// The signer's message.
        reason: String,
    },

    /// The contract's answer to a view did not decode: the address holds another contract.
    #[error(
        "{action}: cannot decode the contract's answer ({reason}); check that the configured address is this version of GradPay"
    )]
    Decoding {
        /// What was being read.
        action: String,
        /// The decoder's message.
        reason: String,
    },

    /// A value could not be encoded (a bug: nothing of it was written).
    #[error("cannot encode {what}: {reason}; nothing was written, please report this")]
    Encoding {
        /// What was being encoded.
        what: &'static str,
        /// The encoder's message.
        reason: String,
    },

    /// An operation estimated above the chain's per-transaction gas cap; nothing was sent.
    #[error(
        "{action} needs {needed} gas, above the per-transaction cap of {cap}; lower batch-size in gradpay.toml"
    )]
    GasAboveCap {
        /// What was estimated.
        action: String,
        /// The estimate.
        needed: u64,
        /// The profile's `max-tx-gas`.
        cap: u64,
    },

    /// The profile's fee cap is below the chain's current base fee: no transaction at that cap
    /// can be included, so nothing was sent.
    #[error(
        "the fee cap of {cap} wei per gas is below the current base fee of {base_fee} wei; nothing sent, \
         raise max-fee-gwei in gradpay.toml (or GRADPAY_MAX_FEE_GWEI)"
    )]
    FeeCapBelowBaseFee {
        /// The profile's `max-fee-gwei`, in wei.
        cap: u128,
        /// The base fee the quote used (the latest block's, at least the profile's minimum).
        base_fee: u128,
    },

    /// The chain head did not reach a block we wait for (funds received must age `reserve-blocks`
    /// blocks before they are spent).
    #[error(
        "waited {seconds} s for block {target} but the chain stayed at block {head}; a chain that mines \
         only on transactions (anvil without --block-time) does not advance by itself: set \
         reserve-blocks = 0 for it, or check the RPC"
    )]
    ChainStalled {
        /// The block waited for.
        target: u64,
        /// The last head seen.
        head: u64,
        /// How long we waited.
        seconds: u64,
    },

    /// A mined transaction's receipt lacks what the operation produces (an event, an address).
    #[error(
        "{action} was mined, but its receipt has no {missing}; check that the RPC serves full receipts \
         and that the contract at the configured address is this version of GradPay"
    )]
    MissingReceiptData {
        /// What was done.
        action: String,
        /// What the receipt should hold, e.g. `RewardPoolCreated event`.
        missing: &'static str,
    },

    /// The chain says a batch is recorded, but the RPC returns no `ContributionsRecorded` log for it.
    #[error(
        "epoch {epoch} batch {batch} is recorded but the RPC returns no ContributionsRecorded log for it from block \
         {from_block}; use an RPC that serves logs since the deployment block (and keep `block` in the deployments file)"
    )]
    MissingLog {
        /// The epoch.
        epoch: u32,
        /// The batch key.
        batch: u32,
        /// Where the log query started.
        from_block: u64,
    },

    /// The RPC refuses a log query even for one block (too many logs in it).
    #[error(
        "the RPC refuses eth_getLogs even for block {block} alone ({reason}); use an RPC without a log limit"
    )]
    LogRangeRefused {
        /// The block.
        block: u64,
        /// The RPC's message.
        reason: String,
    },

    /// `gradpay watch` lost its connection and could not re-establish it.
    #[error(
        "lost the connection to {url} ({reason}); check the RPC and re-run with --from-block to catch up"
    )]
    ConnectionLost {
        /// The endpoint.
        url: String,
        /// Why.
        reason: String,
    },

    /// Every retry of an operation failed; re-running resumes.
    #[error("{action}: {last} after {attempts} attempts; re-run to resume (what is on chain is skipped)")]
    RetriesExhausted {
        /// What was being done.
        action: String,
        /// Attempts (or rounds) made.
        attempts: u32,
        /// What was still failing, e.g. `2 batch(es) still unrecorded`.
        last: String,
    },

    /// Every batch number of an epoch is taken on chain or in the journal.
    #[error("every batch number of epoch {epoch} is taken; record the rest in a later epoch")]
    BatchNumbersExhausted {
        /// The epoch.
        epoch: u32,
    },

    /// A transaction was not mined in time; re-running the same command resumes safely.
    #[error(
        "transaction {hash} not mined after {seconds} s; re-run the command: batches already on chain are skipped"
    )]
    NotMined {
        /// The transaction.
        hash: B256,
        /// How long we waited.
        seconds: u64,
    },

    /// The RPC accepted transactions round after round and mined none: without a global mempool a
    /// node can accept and drop them (or never include them).
    #[error(
        "{url} accepted the transactions of {batches} batch(es) but mined none in {rounds} rounds of {seconds} s; \
         the node drops or never includes them: use another RPC node (or raise receipt-timeout-secs) and \
         re-run: the journal resumes and nothing is recorded twice"
    )]
    NeverMined {
        /// The RPC.
        url: String,
        /// Batches still unrecorded.
        batches: usize,
        /// Rounds in a row with nothing mined.
        rounds: u32,
        /// The receipt timeout of each round.
        seconds: u64,
    },

    /// The profile's fee budget cannot hold even one batch's fees in flight.
    #[error(
        "fee-budget of profile `{profile}` is {budget} wei, but one batch needs {needed} wei in flight \
         (gas limit × fee cap); nothing sent: raise fee-budget, or lower batch-size or max-fee-gwei"
    )]
    FeeBudgetTooSmall {
        /// The profile.
        profile: String,
        /// Its budget.
        budget: u128,
        /// The largest batch's fees.
        needed: u128,
    },

    /// A sender key neither owns the session nor is one of its delegates.
    #[error(
        "sender key {account} neither owns session {session_id} nor is one of its delegates; nothing sent: \
         let the owner run `gradpay session delegate --session {session_id} {account}`, or record with fewer --keys"
    )]
    SenderNotOperator {
        /// The session.
        session_id: u64,
        /// The key's address.
        account: Address,
    },

    /// The same key was given twice as a sender.
    #[error("key {account} is given twice as a sender; each sender needs its own key (its own nonces)")]
    DuplicateSender {
        /// The key's address.
        account: Address,
    },

    /// The sender keys together cannot pay an epoch's fees.
    #[error(
        "the {keys} sender keys hold {balance} wei together, but epoch {epoch} needs up to {needed} wei of fees \
         (gas limits × fee cap); nothing sent: fund the keys"
    )]
    SendersUnderfunded {
        /// How many keys.
        keys: usize,
        /// Their balances' sum.
        balance: U256,
        /// What the round's batches may cost.
        needed: U256,
        /// The epoch.
        epoch: u32,
    },

    /// A metrics line or aggregated entry is invalid.
    #[error("invalid metrics ({origin}): {reason}")]
    Metrics {
        /// Where: `file:line` or `node N`.
        origin: String,
        /// What is wrong.
        reason: String,
    },

    /// The journal of sent batches is unreadable or belongs to another deployment.
    #[error("journal {path}: {reason}; move it away to start over (on-chain records stay exact either way)")]
    Journal {
        /// The journal file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// A pool id that does not exist.
    #[error(
        "pool {pool_id} does not exist (session {session_id} has {pool_count} pool(s)); list them with `gradpay pending`"
    )]
    UnknownPool {
        /// The pool asked for.
        pool_id: U256,
        /// Its session (the pool id's high bits).
        session_id: u64,
        /// How many pools the session has.
        pool_count: u8,
    },

    /// A claim that would pay nothing, with the reason; nothing was sent.
    #[error("nothing to claim from pool {pool_id} for {node}: {why}; nothing sent (see `gradpay pending`)")]
    NothingToClaim {
        /// The pool.
        pool_id: U256,
        /// The claiming node.
        node: Address,
        /// Why, e.g. `already claimed`.
        why: &'static str,
    },

    /// The demo's local anvil could not be started or driven.
    #[cfg(feature = "demo")]
    #[error("anvil: {0}")]
    Anvil(String),

    /// The dashboard's SQLite index could not be opened, read or written.
    #[cfg(feature = "serve")]
    #[error("dashboard index {path}: {reason}; it is a cache: delete the file and serve again to rebuild it")]
    Index {
        /// The index file.
        path: PathBuf,
        /// What SQLite said.
        reason: String,
    },

    /// `gradpay serve` could not listen on its address.
    #[cfg(feature = "serve")]
    #[error(
        "cannot listen on {address}: {reason}; pick a free address with --listen (port 0: any free port)"
    )]
    Listen {
        /// The address asked for.
        address: String,
        /// Why the OS refused.
        reason: String,
    },

    /// The session is not in the state the operation needs.
    #[error("session {session_id} is {state}; {hint}")]
    SessionState {
        /// The session.
        session_id: u64,
        /// Its current state.
        state: SessionState,
        /// What to do.
        hint: String,
    },

    /// A node's entry for an epoch is already on chain in a batch with other entries (another
    /// metrics file, or the same entries split into batches differently): recording it again
    /// would count the node twice, so nothing of this batch is sent.
    #[error(
        "node {node_index} already has an entry in epoch {epoch} of session {session_id}, recorded by another batch; \
         remove that node's line for epoch {epoch} from the metrics file (or record it in a later epoch) and re-run"
    )]
    NodeAlreadyRecorded {
        /// The session.
        session_id: u64,
        /// The epoch.
        epoch: u32,
        /// The node's index in the session.
        node_index: u32,
    },

    /// A session id that was never created.
    #[error(
        "session {session_id} does not exist; create it with `gradpay session create --session {session_id}`"
    )]
    UnknownSession {
        /// The session asked for.
        session_id: u64,
    },

    /// `createSession` on an id that is taken by a session that is not the one asked for.
    #[error(
        "session {session_id} already exists and is {state}{differences}; nothing sent, pick an unused --session id"
    )]
    SessionExists {
        /// The session.
        session_id: u64,
        /// Its state.
        state: SessionState,
        /// How its parameters differ from the ones asked for (empty when they match), e.g.
        /// `, with clipK 0 (not 5)`.
        differences: String,
    },

    /// A pool's claim window below the contract's minimum.
    #[error(
        "a claim window of {secs} s is below the minimum of {min_secs} s (7 days); nothing sent, pass a longer --claim-window"
    )]
    ClaimWindowTooShort {
        /// The window asked for.
        secs: u64,
        /// The minimum.
        min_secs: u64,
    },

    /// `gradpay role accept-admin` before the hand-over can complete.
    #[error("{}", describe_admin_transfer(*pending, *schedule, *now, *sender))]
    AdminTransferNotReady {
        /// The account the admin role is being handed to (zero: none).
        pending: Address,
        /// From when it can accept (unix time).
        schedule: u64,
        /// The latest block's time.
        now: u64,
        /// The key that tried.
        sender: Address,
    },

    /// Only a session's owner names its delegates and sponsors.
    #[error(
        "session {session_id} is owned by {owner}, not {sender}; nothing sent, use the owner's key (the account that created the session)"
    )]
    NotSessionOwner {
        /// The session.
        session_id: u64,
        /// Its owner.
        owner: Address,
        /// The key that tried.
        sender: Address,
    },

    /// The contract reported a session state this client does not know.
    #[error("the contract reported session state {value}, which this client does not know; upgrade gradpay")]
    UnknownSessionState {
        /// The raw value.
        value: u8,
    },

    /// A line of an input file (e.g. a nodes file) is malformed.
    #[error("{}:{line}: {reason}", path.display())]
    InputLine {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What is wrong and what was expected.
        reason: String,
    },

    /// A deployments file written for another chain than the profile's.
    #[error(
        "deployments file {} is for chain {file_chain_id}, but profile `{profile}` is chain {profile_chain_id}; \
         pick the matching --network or point `deployments` at that chain's file",
        path.display()
    )]
    DeploymentsChainMismatch {
        /// The deployments file.
        path: PathBuf,
        /// The chain id written in it.
        file_chain_id: u64,
        /// The profile in use.
        profile: String,
        /// The profile's chain id.
        profile_chain_id: u64,
    },

    /// `gradpay verify` found the chain's views or claims disagreeing with the model's figures.
    #[error(
        "session {session_id} does not verify: {count} difference(s) between the chain and gradpay-model, the first: {first}"
    )]
    VerificationFailed {
        /// The session.
        session_id: u64,
        /// How many differences.
        count: usize,
        /// The first, in words.
        first: String,
    },

    /// A record batch whose entries cannot be read from the transaction that recorded it.
    #[error(
        "cannot read session {session_id} epoch {epoch} batch {batch} from its transaction{}: {reason}",
        tx.map(|h| format!(" {h}")).unwrap_or_default()
    )]
    BatchUnreadable {
        /// The session.
        session_id: u64,
        /// The epoch.
        epoch: u32,
        /// The batch key.
        batch: u32,
        /// The transaction its log names.
        tx: Option<B256>,
        /// Why.
        reason: String,
    },

    /// A record batch came through another contract, and the RPC serves no call tracer to find it.
    #[error(
        "cannot read session {session_id} epoch {epoch} batch {batch}: transaction {tx} recorded it through another \
         contract, and the RPC has no call tracer (debug_traceTransaction with callTracer: {reason}); use an RPC \
         that serves it (anvil, geth, reth do)"
    )]
    TraceUnavailable {
        /// The session.
        session_id: u64,
        /// The epoch of the first batch the transaction recorded.
        epoch: u32,
        /// That batch's key.
        batch: u32,
        /// The transaction.
        tx: B256,
        /// The RPC's answer.
        reason: String,
    },

    /// A call `verify` must read (a pool's `createRewardPool`, a node's `claimRewardTo`) is not in
    /// its transaction as the chain serves it, or the RPC has no call tracer to find it.
    #[error("cannot read {what} from transaction {tx}: {reason}")]
    CallUnreadable {
        /// The call, e.g. `pool 257's createRewardPool`.
        what: String,
        /// The transaction.
        tx: B256,
        /// Why, and what to do.
        reason: String,
    },

    /// A node that is not registered in the session.
    #[error(
        "{node} is not registered in session {session_id}; check the address (`gradpay sessions --node ADDRESS` lists its sessions)"
    )]
    NodeNotInSession {
        /// The session.
        session_id: u64,
        /// The node asked about.
        node: Address,
    },

    /// A payout of the zero address (it would burn the rewards).
    #[error(
        "a payout of the zero address for {node} would burn its rewards; nothing sent, pass another address (the node's own clears the payout)"
    )]
    ZeroPayout {
        /// The node.
        node: Address,
    },

    /// The contract's EIP-712 domain names another chain or contract than the profile's.
    #[error(
        "GradPay at {contract} signs for chain {domain_chain_id} and contract {domain_contract}, not chain {chain_id} and {contract}; nothing signed, check the --network profile and the deployments file"
    )]
    ForeignDomain {
        /// The configured GradPay.
        contract: Address,
        /// The profile's chain id.
        chain_id: u64,
        /// The domain's chain id.
        domain_chain_id: U256,
        /// The domain's verifying contract.
        domain_contract: Address,
    },

    /// A nonce the signer has used or invalidated.
    #[error(
        "nonce {nonce} of {signer} is used already; nothing signed, omit --nonce to take the lowest unused one"
    )]
    NonceUsed {
        /// The signer.
        signer: Address,
        /// The nonce.
        nonce: U256,
    },

    /// `gradpay payout cancel` of a nonce that is used already.
    #[error(
        "nonce {nonce} of {signer} is used already (by a submitted request, or cancelled before): nothing to cancel; nothing sent"
    )]
    NonceNotCancellable {
        /// The signer.
        signer: Address,
        /// The nonce.
        nonce: U256,
    },

    /// A claim to the zero address (it would burn the reward).
    #[error(
        "a claim to the zero address would burn the reward; nothing sent, pass another --to (or leave it out to be paid as usual)"
    )]
    ZeroRecipient,

    /// Registering nodes without their consent in a session that takes only signed consents.
    #[error(
        "session {session_id} registers a node only with its signed consent; nothing sent: have each node run \
         `gradpay node consent --session {session_id} --node-id ID` and send you the line, then run \
         `gradpay session register --session {session_id} --consents FILE`"
    )]
    NodeSignatureRequired {
        /// The session.
        session_id: u64,
    },

    /// A node asked to sign its consent to a session it cannot join.
    #[error("{node} cannot join session {session_id}: {reason}; nothing signed")]
    ConsentNotSignable {
        /// The session.
        session_id: u64,
        /// The node.
        node: Address,
        /// Why, and what to do.
        reason: String,
    },

    /// A line of a consents file that cannot be registered; nothing of the file was sent.
    #[error("{}:{line}: {refusal}; nothing sent", path.display())]
    ConsentRefused {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// Why, and what to do.
        refusal: Box<crate::consent::ConsentRefusal>,
    },

    /// Nothing to claim in a session, so nothing to sign.
    #[error("nothing claimable for {node} in {sessions}; nothing signed (see `gradpay pending`)")]
    NothingPending {
        /// The node.
        node: Address,
        /// The sessions looked at, in words (`session(s) 1, 2`).
        sessions: String,
    },

    /// A line of a relayer's file that cannot be relayed; nothing of the file was sent.
    #[error("{}:{line}: {refusal}; nothing sent", path.display())]
    RelayRefused {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// Why, and what to do.
        refusal: Box<crate::relay::RelayRefusal>,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
