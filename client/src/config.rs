//! `gradpay.toml`: network profiles (`local`, `monad-testnet`, `monad`, or your own), each with its
//! RPC URL, contract address (directly or through the deployments file `gradpay deploy` writes),
//! batching and gas settings and pool defaults. `GRADPAY_*` environment variables override the file.
//! The private key is never read from here (see [`crate::keys`]).

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

pub use crate::deploy::Deployments;
use crate::{
    Error, PoolDefaults, Result,
    fees::{AmountText, COIN, FeeQuote, GWEI, parse_fee_budget},
};

/// Chain id of a local anvil.
pub const LOCAL_CHAIN_ID: u64 = 31337;
/// Chain id of Monad testnet.
pub const MONAD_TESTNET_CHAIN_ID: u64 = 10143;
/// Chain id of Monad mainnet.
pub const MONAD_CHAIN_ID: u64 = 143;

/// Default gas margin over the estimate, in bps (5 %). Monad charges the whole limit, so keep it small.
pub const DEFAULT_GAS_MARGIN_BPS: u16 = 500;
/// Most sender keys one `gradpay record` runs (`sender-keys`, `--keys`).
pub const MAX_SENDER_KEYS: u16 = 64;
/// Largest margin accepted: a larger one burns money on Monad for no benefit.
pub const MAX_GAS_MARGIN_BPS: u16 = 5000;

/// The whole file: profiles by name plus which one is the default.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Profile used when neither `--network` nor `GRADPAY_NETWORK` names one.
    pub default_network: Option<String>,
    /// Profiles by name; they complete (and override) the built-in ones.
    #[serde(default)]
    pub networks: BTreeMap<String, ProfileOverrides>,
}

/// A profile as written in the file: every field optional, missing ones come from the built-in
/// profile of the same name (or the local defaults for a new name).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(missing_docs)] // each field documents itself through `NetworkProfile`
pub struct ProfileOverrides {
    pub chain_id: Option<u64>,
    pub rpc_url: Option<String>,
    pub gradpay: Option<Address>,
    pub deployments: Option<PathBuf>,
    pub batch_size: Option<usize>,
    pub gas_margin_bps: Option<u16>,
    pub max_tx_gas: Option<u64>,
    pub finalize_chunk: Option<usize>,
    pub receipt_timeout_secs: Option<u64>,
    pub poll_interval_ms: Option<u64>,
    pub journal_dir: Option<PathBuf>,
    #[serde(alias = "max_log_range")]
    pub max_log_range: Option<u64>,
    #[serde(alias = "ws_url")]
    pub ws_url: Option<String>,
    pub fee_quote: Option<FeeQuote>,
    pub min_base_fee_gwei: Option<u64>,
    pub max_fee_gwei: Option<u64>,
    pub fee_budget: Option<AmountText>,
    pub reserve_blocks: Option<u64>,
    pub sender_keys: Option<u16>,
    pub pool: Option<PoolDefaults>,
}

/// A resolved network profile: everything the client needs to talk to one chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkProfile {
    /// The profile's name.
    pub name: String,
    /// The chain id the RPC must report.
    pub chain_id: u64,
    /// JSON-RPC HTTP endpoint.
    pub rpc_url: String,
    /// The GradPay contract, if set directly.
    pub gradpay: Option<Address>,
    /// A deployments file to read the address from when `gradpay` is not set.
    pub deployments: Option<PathBuf>,
    /// Entries per `recordContributionsBatch` transaction (and nodes per registration batch).
    pub batch_size: usize,
    /// Gas limit = estimate × (1 + margin); bps.
    pub gas_margin_bps: u16,
    /// Largest gas limit one transaction may use (the chain's per-transaction cap).
    pub max_tx_gas: u64,
    /// Ranked indices per `submitRanking` chunk before gas-based splitting.
    pub finalize_chunk: usize,
    /// How long to wait for a receipt before declaring a transaction lost.
    pub receipt_timeout_secs: u64,
    /// How often to poll for receipts.
    pub poll_interval_ms: u64,
    /// Where journals of sent batches live.
    pub journal_dir: PathBuf,
    /// The most blocks one `eth_getLogs` request spans (see [`crate::logs`]).
    pub max_log_range: u64,
    /// A WebSocket endpoint (`ws://`, `wss://`) for `gradpay watch`'s log subscription; `None`:
    /// it polls over `rpc-url`.
    pub ws_url: Option<String>,
    /// How fees are quoted (`fee-quote`: `ethereum` or `monad`; see [`crate::fees`]).
    pub fee_quote: FeeQuote,
    /// The chain's minimum base fee (`min-base-fee-gwei`), in wei: a quote never bids below it.
    pub min_base_fee_wei: u128,
    /// The max fee per gas never exceeded (`max-fee-gwei`), in wei; `None`: no cap.
    pub max_fee_per_gas: Option<u128>,
    /// The fees (gas limit × max fee) one sender key may have in flight (`fee-budget`), in wei;
    /// `None`: unbounded. Monad caps them at min(10 MON, balance) over the last `reserve-blocks`.
    pub fee_budget_wei: Option<u128>,
    /// Blocks received MON must age before it is spent, and the window of in-flight fees
    /// (`reserve-blocks`, Monad's k); 0: no wait.
    pub reserve_blocks: u64,
    /// Sender keys `gradpay record` uses when `--keys` is not given (`sender-keys`, default 1):
    /// more keys, more fee budgets in flight at once.
    pub sender_keys: u16,
    /// Pool defaults.
    pub pool: PoolDefaults,
}

impl NetworkProfile {
    /// The built-in profile called `name`, if there is one.
    pub fn builtin(name: &str) -> Option<Self> {
        // Monad's public RPCs serve eth_getLogs over at most 100 blocks ("RPC Differences",
        // docs.monad.xyz/reference/rpc-differences); anvil has no limit.
        let (chain_id, rpc_url, poll_interval_ms, max_log_range) = match name {
            "local" => (LOCAL_CHAIN_ID, "http://127.0.0.1:8545", 20, 100_000),
            "monad-testnet" => (MONAD_TESTNET_CHAIN_ID, "https://testnet-rpc.monad.xyz", 200, 100),
            "monad" => (MONAD_CHAIN_ID, "https://rpc.monad.xyz", 200, 100),
            _ => return None,
        };
        // Monad ("Gas Pricing", "Reserve Balance" at docs.monad.xyz): a 100 MON-gwei minimum base
        // fee, in-flight fees capped at 10 MON over the last k = 3 blocks.
        let (fee_quote, min_base_fee_wei, fee_budget_wei, reserve_blocks) = match name {
            "local" => (FeeQuote::Ethereum, 0, None, 0),
            _ => (FeeQuote::Monad, 100 * GWEI, Some(10 * COIN), 3),
        };
        Some(Self {
            name: name.to_owned(),
            chain_id,
            rpc_url: rpc_url.to_owned(),
            gradpay: None,
            deployments: Some(PathBuf::from(format!("deployments/{chain_id}.json"))),
            batch_size: 200,
            gas_margin_bps: DEFAULT_GAS_MARGIN_BPS,
            // Monad's per-transaction gas cap; anvil's default block gas limit is the same.
            max_tx_gas: 30_000_000,
            finalize_chunk: 500,
            receipt_timeout_secs: 60,
            poll_interval_ms,
            journal_dir: PathBuf::from(".gradpay"),
            max_log_range,
            ws_url: None,
            fee_quote,
            min_base_fee_wei,
            max_fee_per_gas: None,
            fee_budget_wei,
            reserve_blocks,
            sender_keys: 1,
            pool: PoolDefaults::default(),
        })
    }

    fn apply(&mut self, o: &ProfileOverrides, origin: &str) -> Result<()> {
        macro_rules! take {
            ($($field:ident),*) => { $( if let Some(v) = &o.$field { self.$field = v.clone(); } )* };
        }
        take!(chain_id, rpc_url, batch_size, gas_margin_bps, max_tx_gas, finalize_chunk);
        take!(receipt_timeout_secs, poll_interval_ms, journal_dir, max_log_range, pool);
        take!(fee_quote, reserve_blocks, sender_keys);
        if let Some(gwei) = o.min_base_fee_gwei {
            self.min_base_fee_wei = u128::from(gwei) * GWEI;
        }
        if let Some(gwei) = o.max_fee_gwei {
            self.max_fee_per_gas = Some(u128::from(gwei) * GWEI);
        }
        if let Some(budget) = &o.fee_budget {
            self.fee_budget_wei = parse_fee_budget(budget).map_err(|reason| Error::Config {
                origin: origin.to_owned(),
                reason: format!("profile `{}`: {reason}", self.name),
            })?;
        }
        if o.ws_url.is_some() {
            self.ws_url.clone_from(&o.ws_url);
        }
        if o.gradpay.is_some() {
            self.gradpay = o.gradpay;
        }
        if o.deployments.is_some() {
            self.deployments.clone_from(&o.deployments);
        }
        Ok(())
    }

    fn validate(&self, origin: &str) -> Result<()> {
        let bad = |reason: String| Err(Error::Config { origin: origin.to_owned(), reason });
        if self.batch_size == 0 {
            return bad(format!("profile `{}`: batch-size must be at least 1", self.name));
        }
        if !(1..=MAX_SENDER_KEYS).contains(&self.sender_keys) {
            return bad(format!("profile `{}`: sender-keys must be 1 to {MAX_SENDER_KEYS}", self.name));
        }
        if self.finalize_chunk == 0 {
            return bad(format!("profile `{}`: finalize-chunk must be at least 1", self.name));
        }
        if self.max_fee_per_gas == Some(0) {
            return bad(format!(
                "profile `{}`: max-fee-gwei must be at least 1 (no transaction pays 0)",
                self.name
            ));
        }
        if self.max_fee_per_gas.is_some_and(|cap| cap < self.min_base_fee_wei) {
            return bad(format!(
                "profile `{}`: max-fee-gwei is below min-base-fee-gwei: no transaction could be sent",
                self.name
            ));
        }
        if self.max_log_range == 0 {
            return bad(format!("profile `{}`: max-log-range must be at least 1", self.name));
        }
        if let Some(ws) =
            self.ws_url.as_deref().filter(|u| !(u.starts_with("ws://") || u.starts_with("wss://")))
        {
            return bad(format!("profile `{}`: ws-url `{ws}` must start with ws:// or wss://", self.name));
        }
        if self.gas_margin_bps > MAX_GAS_MARGIN_BPS {
            return bad(format!(
                "profile `{}`: gas-margin-bps {} is above {MAX_GAS_MARGIN_BPS}; Monad charges the whole \
                 gas limit, keep the margin small (default {DEFAULT_GAS_MARGIN_BPS})",
                self.name, self.gas_margin_bps
            ));
        }
        if !(self.rpc_url.starts_with("http://") || self.rpc_url.starts_with("https://")) {
            return bad(format!(
                "profile `{}`: rpc-url `{}` must start with http:// or https://",
                self.name, self.rpc_url
            ));
        }
        let p = &self.pool;
        if p.hybrid_score_bps as u32 + p.hybrid_quality_bps as u32 + p.hybrid_reliability_bps as u32 != 10_000
        {
            return bad(format!("profile `{}`: hybrid weights must sum to 10000 bps", self.name));
        }
        if p.tier_base_bps > 10_000 || p.floor_bps > 10_000 {
            return bad(format!("profile `{}`: tier-base-bps and floor-bps must be <= 10000", self.name));
        }
        Ok(())
    }

    /// The contract address: set directly, or read from the deployments file (relative paths
    /// resolve against `base_dir`, the config file's directory).
    pub fn gradpay_address(&self, base_dir: &Path) -> Result<Address> {
        self.deployment(base_dir).map(|d| d.gradpay)
    }

    /// The deployment: the address set directly, or the deployments file, which must be for this
    /// profile's chain ([`Error::DeploymentsChainMismatch`] otherwise). An address set directly
    /// takes its deployment block from the deployments file when that file is about the same
    /// contract (log queries start there instead of at genesis), else the block is unknown.
    pub fn deployment(&self, base_dir: &Path) -> Result<Deployments> {
        if let Some(gradpay) = self.gradpay {
            let file = self.deployments_path(base_dir).and_then(|path| Deployments::read(&path).ok());
            let block =
                file.filter(|d| d.gradpay == gradpay && d.chain_id == self.chain_id).and_then(|d| d.block);
            return Ok(Deployments { chain_id: self.chain_id, gradpay, block });
        }
        let Some(path) = self.deployments_path(base_dir) else {
            return Err(Error::NoAddress { profile: self.name.clone() });
        };
        if !path.exists() {
            return Err(Error::NoAddress { profile: self.name.clone() });
        }
        let deployments = Deployments::read(&path)?;
        if deployments.chain_id != self.chain_id {
            return Err(Error::DeploymentsChainMismatch {
                path,
                file_chain_id: deployments.chain_id,
                profile: self.name.clone(),
                profile_chain_id: self.chain_id,
            });
        }
        Ok(deployments)
    }

    /// The deployments file, relative paths resolved against `base_dir` (`None` when the profile
    /// names none).
    pub fn deployments_path(&self, base_dir: &Path) -> Option<PathBuf> {
        self.deployments.as_ref().map(|file| base_dir.join(file))
    }

    /// Where `gradpay deploy` writes: the profile's deployments file, else `deployments/CHAIN.json`.
    pub fn deploy_output(&self, base_dir: &Path) -> PathBuf {
        self.deployments_path(base_dir)
            .unwrap_or_else(|| base_dir.join(format!("deployments/{}.json", self.chain_id)))
    }

    /// Whether the profile's chain is Monad (mainnet 143, testnet 10143): it charges the gas limit,
    /// not the gas used, and its native coin is MON.
    pub const fn is_monad_chain(&self) -> bool {
        matches!(self.chain_id, 143 | 10143)
    }

    /// Gas limit for an operation estimated at `estimate`: the estimate plus the margin, capped
    /// at the per-transaction limit.
    pub fn gas_limit(&self, estimate: u64) -> u64 {
        let margin = estimate.saturating_mul(self.gas_margin_bps as u64) / 10_000;
        estimate.saturating_add(margin).min(self.max_tx_gas.max(estimate))
    }
}

/// Resolves the profile to use from the (optional) file text, the requested name and the
/// environment. `env` is a lookup so that tests need not mutate the process environment.
pub fn resolve_profile(
    file: Option<(&Path, &str)>,
    requested: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<NetworkProfile> {
    let origin = file.map(|(p, _)| p.display().to_string()).unwrap_or_else(|| "built-in defaults".into());
    let parsed: ConfigFile = match file {
        Some((_, text)) => toml::from_str(text)
            .map_err(|e| Error::Config { origin: origin.clone(), reason: e.to_string() })?,
        None => ConfigFile::default(),
    };
    let name = requested
        .map(str::to_owned)
        .or_else(|| env("GRADPAY_NETWORK"))
        .or(parsed.default_network.clone())
        .unwrap_or_else(|| "local".to_owned());
    let mut profile = match (NetworkProfile::builtin(&name), parsed.networks.get(&name)) {
        (Some(builtin), _) => builtin,
        (None, Some(_)) => NetworkProfile {
            name: name.clone(),
            ..NetworkProfile::builtin("local").ok_or_else(unreachable_profile)?
        },
        (None, None) => {
            let mut known: Vec<String> = ["local", "monad-testnet", "monad"].map(String::from).to_vec();
            known.extend(parsed.networks.keys().cloned());
            known.dedup();
            return Err(Error::UnknownProfile { name, known: known.join(", ") });
        }
    };
    if let Some(overrides) = parsed.networks.get(&name) {
        profile.apply(overrides, &origin)?;
    }
    apply_env(&mut profile, &env)?;
    profile.validate(&origin)?;
    Ok(profile)
}

fn unreachable_profile() -> Error {
    Error::Config { origin: "built-in defaults".into(), reason: "the local profile is missing".into() }
}

fn apply_env(profile: &mut NetworkProfile, env: &impl Fn(&str) -> Option<String>) -> Result<()> {
    fn parse<T: std::str::FromStr>(var: &str, value: &str) -> Result<T>
    where
        T::Err: std::fmt::Display,
    {
        value
            .trim()
            .parse()
            .map_err(|e: T::Err| Error::Config { origin: var.to_owned(), reason: format!("`{value}`: {e}") })
    }
    if let Some(v) = env("GRADPAY_RPC_URL") {
        profile.rpc_url = v;
    }
    if let Some(v) = env("GRADPAY_CHAIN_ID") {
        profile.chain_id = parse("GRADPAY_CHAIN_ID", &v)?;
    }
    if let Some(v) = env("GRADPAY_CONTRACT") {
        profile.gradpay = Some(parse("GRADPAY_CONTRACT", &v)?);
    }
    if let Some(v) = env("GRADPAY_DEPLOYMENTS") {
        profile.deployments = Some(PathBuf::from(v));
    }
    if let Some(v) = env("GRADPAY_BATCH_SIZE") {
        profile.batch_size = parse("GRADPAY_BATCH_SIZE", &v)?;
    }
    if let Some(v) = env("GRADPAY_GAS_MARGIN_BPS") {
        profile.gas_margin_bps = parse("GRADPAY_GAS_MARGIN_BPS", &v)?;
    }
    if let Some(v) = env("GRADPAY_MAX_LOG_RANGE") {
        profile.max_log_range = parse("GRADPAY_MAX_LOG_RANGE", &v)?;
    }
    if let Some(v) = env("GRADPAY_WS_URL") {
        profile.ws_url = Some(v);
    }
    if let Some(v) = env("GRADPAY_JOURNAL_DIR") {
        profile.journal_dir = PathBuf::from(v);
    }
    if let Some(v) = env("GRADPAY_FEE_QUOTE") {
        profile.fee_quote = parse("GRADPAY_FEE_QUOTE", &v)?;
    }
    if let Some(v) = env("GRADPAY_MIN_BASE_FEE_GWEI") {
        profile.min_base_fee_wei = u128::from(parse::<u64>("GRADPAY_MIN_BASE_FEE_GWEI", &v)?) * GWEI;
    }
    if let Some(v) = env("GRADPAY_MAX_FEE_GWEI") {
        profile.max_fee_per_gas = Some(u128::from(parse::<u64>("GRADPAY_MAX_FEE_GWEI", &v)?) * GWEI);
    }
    if let Some(v) = env("GRADPAY_FEE_BUDGET") {
        profile.fee_budget_wei = parse_fee_budget(&AmountText::Text(v))
            .map_err(|reason| Error::Config { origin: "GRADPAY_FEE_BUDGET".into(), reason })?;
    }
    if let Some(v) = env("GRADPAY_RESERVE_BLOCKS") {
        profile.reserve_blocks = parse("GRADPAY_RESERVE_BLOCKS", &v)?;
    }
    if let Some(v) = env("GRADPAY_KEYS") {
        profile.sender_keys = parse("GRADPAY_KEYS", &v)?;
    }
    Ok(())
}

/// Loads `path` if it exists (a missing default file just means built-in profiles) and resolves
/// the profile against the process environment. Returns the profile and the directory relative
/// paths resolve against.
pub fn load(
    path: &Path,
    path_was_explicit: bool,
    requested: Option<&str>,
) -> Result<(NetworkProfile, PathBuf)> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((resolve_profile(Some((path, &text)), requested, env)?, base_dir)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !path_was_explicit => {
            Ok((resolve_profile(None, requested, env)?, PathBuf::new()))
        }
        Err(e) => Err(Error::io("reading", path, e)),
    }
}

#[cfg(test)]
mod tests;
