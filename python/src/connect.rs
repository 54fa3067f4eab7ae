//! What `Coordinator`, `Node` and `verify` share: the profile they connect with, the key, and
//! running the library's futures on one runtime with the GIL released.

use std::{future::Future, path::PathBuf, sync::OnceLock};

use alloy::{primitives::Address, signers::local::PrivateKeySigner};
use gradpay::{Coordinator, Error, KeySource, NetworkProfile, Result, keys::parse_private_key};
use pyo3::prelude::*;

use crate::errors::IntoPy;

/// One multi-threaded runtime for every call.
fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<std::io::Result<tokio::runtime::Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build())
        .as_ref()
        .map_err(|e| Error::Config { origin: "the Python runtime".into(), reason: e.to_string() })
}

/// Runs `future` to its end with the GIL released (other Python threads run meanwhile).
pub(crate) fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = runtime().py_err()?;
    Ok(py.detach(|| runtime.block_on(future)))
}

/// Where to connect.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    pub(crate) profile: NetworkProfile,
    pub(crate) contract: Address,
}

/// The `network` profile (from `config`, a gradpay.toml, else the built-in one, with the
/// `GRADPAY_*` environment overrides the CLI reads), with `rpc_url` and `journal_dir` over it,
/// and the directory its relative paths resolve against.
pub(crate) fn profile(
    network: &str,
    config: Option<PathBuf>,
    rpc_url: Option<String>,
    journal_dir: Option<PathBuf>,
) -> PyResult<(NetworkProfile, PathBuf)> {
    let (mut profile, base_dir) = match config {
        Some(path) => gradpay::config::load(&path, true, Some(network)).py_err()?,
        None => gradpay::config::load(std::path::Path::new("gradpay.toml"), false, Some(network)).py_err()?,
    };
    if let Some(url) = rpc_url {
        profile.rpc_url = url;
    }
    if let Some(dir) = journal_dir {
        profile.journal_dir = dir;
    }
    Ok((profile, base_dir))
}

impl Connection {
    /// [`profile`] and GradPay at `contract`, else the profile's deployments file.
    pub(crate) fn deployed(
        network: &str,
        config: Option<PathBuf>,
        rpc_url: Option<String>,
        contract: Option<&str>,
        journal_dir: Option<PathBuf>,
    ) -> PyResult<Self> {
        let (profile, base_dir) = profile(network, config, rpc_url, journal_dir)?;
        let contract = match contract {
            Some(address) => parse_address(address)?,
            None => profile.deployment(&base_dir).py_err()?.gradpay,
        };
        Ok(Self { profile, contract })
    }
}

/// The key: `private_key` (hex), else a keystore, else `GRADPAY_PRIVATE_KEY`.
pub(crate) fn signer(
    private_key: Option<&str>,
    keystore: Option<PathBuf>,
    password_file: Option<PathBuf>,
) -> PyResult<PrivateKeySigner> {
    match private_key {
        Some(key) => parse_private_key(key).py_err(),
        None => KeySource { keystore, password_file }.load().py_err(),
    }
}

/// Connects as `signer`.
pub(crate) fn connect(
    py: Python<'_>,
    connection: &Connection,
    signer: PrivateKeySigner,
) -> PyResult<Coordinator> {
    let (profile, contract) = (connection.profile.clone(), connection.contract);
    block_on(py, Coordinator::connect(profile, contract, signer))?.py_err()
}

/// `0x…` (40 hex digits) as an address.
pub(crate) fn parse_address(text: &str) -> PyResult<Address> {
    text.parse().map_err(|_| {
        crate::errors::to_py(&Error::Config {
            origin: "address".into(),
            reason: format!("`{text}` is not an address (0x and 40 hex digits)"),
        })
    })
}
