//! One module per command, each an `XxxArgs` with `async fn run(self, &GlobalArgs)`, plus what
//! they share: the options every command takes, and loading the profile, the key, the connection.

pub(crate) mod access;
pub(crate) mod claim;
pub(crate) mod claim_relay;
pub(crate) mod claim_sign;
pub(crate) mod demo;
pub(crate) mod deploy;
pub(crate) mod explain;
pub(crate) mod node;
pub(crate) mod payout;
pub(crate) mod pending;
pub(crate) mod pool;
pub(crate) mod record;
pub(crate) mod role;
pub(crate) mod serve;
pub(crate) mod session;
pub(crate) mod sessions;
pub(crate) mod status;
pub(crate) mod verify;
pub(crate) mod watch;

use std::path::{Path, PathBuf};

use alloy::{primitives::Address, signers::local::PrivateKeySigner};
use clap::Args;
use gradpay::{
    Coordinator, KeySource, NetworkProfile, Result, bindings::ITrainingRegistry::SessionInfo, config,
};

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// Configuration file with the network profiles.
    /// [default: gradpay.toml, if present; else the built-in profiles]
    #[arg(long, global = true, env = "GRADPAY_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// Network profile: local, monad-testnet, monad, or one defined in the config.
    #[arg(long, short = 'n', global = true, env = "GRADPAY_NETWORK")]
    pub(crate) network: Option<String>,
    /// Encrypted keystore instead of GRADPAY_PRIVATE_KEY: a file, or a directory holding exactly
    /// one (as `cast wallet new DIR` writes it).
    #[arg(long, global = true, env = "GRADPAY_KEYSTORE")]
    pub(crate) keystore: Option<PathBuf>,
    /// File holding the keystore password (else it is asked for on the terminal).
    #[arg(long, global = true, env = "GRADPAY_PASSWORD_FILE")]
    pub(crate) password_file: Option<PathBuf>,
    /// Print one JSON document on stdout instead of text; errors as one JSON object on stderr
    /// (`{"error": {"kind", "message"}}`). Schemas: docs/json.md.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// The most blocks one eth_getLogs request spans (the profile's `max-log-range`; longer
    /// ranges are cut, and a range the RPC refuses is retried in halves).
    #[arg(long, global = true, value_name = "BLOCKS", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) max_log_range: Option<u64>,
}

/// The profile and the directory its relative paths resolve against.
pub(crate) fn profile(g: &GlobalArgs) -> Result<(NetworkProfile, PathBuf)> {
    let (mut profile, base_dir) = match &g.config {
        Some(path) => config::load(path, true, g.network.as_deref())?,
        None => config::load(Path::new("gradpay.toml"), false, g.network.as_deref())?,
    };
    if let Some(blocks) = g.max_log_range {
        profile.max_log_range = blocks;
    }
    Ok((profile, base_dir))
}

/// The signing key (environment or keystore).
pub(crate) fn signer(g: &GlobalArgs) -> Result<PrivateKeySigner> {
    KeySource { keystore: g.keystore.clone(), password_file: g.password_file.clone() }.load()
}

/// Config, key, then connection: each failure names its own fix, and nothing is sent before all pass.
pub(crate) async fn connect(g: &GlobalArgs) -> Result<Coordinator> {
    Ok(connect_with_key(g).await?.0)
}

/// [`connect`], also returning the key, for commands that sign EIP-712 requests besides
/// transactions (`payout sign`, `claim --sign`).
pub(crate) async fn connect_with_key(g: &GlobalArgs) -> Result<(Coordinator, PrivateKeySigner)> {
    let (profile, base_dir) = profile(g)?;
    let deployment = profile.deployment(&base_dir)?;
    let signer = signer(g)?;
    let c = Coordinator::connect(profile, deployment.gradpay, signer.clone()).await?;
    Ok((c.with_deployment_block(deployment.block), signer))
}

/// The session and the node a node command looks at (`status`, `pending`).
#[derive(Debug, Args)]
pub(crate) struct NodeInSession {
    /// The session.
    #[arg(long, short, env = "GRADPAY_SESSION")]
    pub(crate) session: u64,
    /// Look at this node instead of the key's account (no key needed).
    #[arg(long)]
    pub(crate) node: Option<Address>,
}

impl NodeInSession {
    /// Connects for the node (see [`connect_node`]) and reads the session, which must exist.
    pub(crate) async fn open(&self, g: &GlobalArgs) -> Result<(Coordinator, SessionInfo)> {
        let c = connect_node(g, self.node).await?;
        let session = c.existing_session(self.session).await?;
        Ok((c, session))
    }
}

/// Connects for a node command: read-only for `--node` (no key is loaded, nothing can be sent),
/// else as the key's account.
pub(crate) async fn connect_node(g: &GlobalArgs, node: Option<Address>) -> Result<Coordinator> {
    let Some(node) = node else { return connect(g).await };
    let (profile, base_dir) = profile(g)?;
    let deployment = profile.deployment(&base_dir)?;
    let c = Coordinator::connect_read_only(profile, deployment.gradpay, node).await?;
    Ok(c.with_deployment_block(deployment.block))
}

/// Formats wei (or 18-decimal token units) as a decimal with up to 6 fractional digits.
pub(crate) fn format_units(amount: alloy::primitives::U256) -> String {
    alloy::primitives::utils::format_units(amount, 18).map_or_else(
        |_| amount.to_string(),
        |s| {
            let trimmed = s.trim_end_matches('0').trim_end_matches('.');
            trimmed.to_owned()
        },
    )
}
