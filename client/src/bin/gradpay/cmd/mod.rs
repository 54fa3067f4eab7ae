//! One module per command, each an `XxxArgs` with `async fn run(self, &GlobalArgs)`, plus the
//! steps they share: load the profile, load the key, connect.

pub(crate) mod claim;
pub(crate) mod demo;
pub(crate) mod deploy;
pub(crate) mod pending;
pub(crate) mod pool;
pub(crate) mod record;
pub(crate) mod role;
pub(crate) mod session;
pub(crate) mod status;

use std::path::{Path, PathBuf};

use alloy::{primitives::Address, signers::local::PrivateKeySigner};
use gradpay::{Coordinator, KeySource, NetworkProfile, Result, config, provider};

use crate::cli::GlobalArgs;

/// The profile and the directory its relative paths resolve against.
pub(crate) fn profile(g: &GlobalArgs) -> Result<(NetworkProfile, PathBuf)> {
    match &g.config {
        Some(path) => config::load(path, true, g.network.as_deref()),
        None => config::load(Path::new("gradpay.toml"), false, g.network.as_deref()),
    }
}

/// The signing key (environment or keystore).
pub(crate) fn signer(g: &GlobalArgs) -> Result<PrivateKeySigner> {
    KeySource { keystore: g.keystore.clone(), password_file: g.password_file.clone() }.load()
}

/// Config, key, then connection: each failure names its own fix, and nothing is sent before all pass.
pub(crate) async fn connect(g: &GlobalArgs) -> Result<Coordinator> {
    let (profile, base_dir) = profile(g)?;
    let deployment = profile.deployment(&base_dir)?;
    let signer = signer(g)?;
    let c = Coordinator::connect(profile, deployment.gradpay, signer).await?;
    Ok(c.with_deployment_block(deployment.block))
}

/// A read-only connection acting for `node`: no key is loaded, nothing can be sent.
pub(crate) async fn connect_as(g: &GlobalArgs, node: Address) -> Result<Coordinator> {
    let (profile, base_dir) = profile(g)?;
    let deployment = profile.deployment(&base_dir)?;
    let rpc = provider::build_provider(&profile.rpc_url, None)?;
    provider::check_chain(&rpc, &profile.rpc_url, profile.chain_id).await?;
    provider::check_code(&rpc, "GradPay", deployment.gradpay, profile.chain_id).await?;
    Ok(Coordinator::from_parts(rpc, profile, deployment.gradpay, node)
        .with_deployment_block(deployment.block))
}

/// Connects for a node command: read-only for `--node`, else as the key's account.
pub(crate) async fn connect_node(g: &GlobalArgs, node: Option<Address>) -> Result<Coordinator> {
    match node {
        Some(node) => connect_as(g, node).await,
        None => connect(g).await,
    }
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
