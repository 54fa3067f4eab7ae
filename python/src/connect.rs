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

/// Where to connect and as whom.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    pub(crate) profile: NetworkProfile,
    pub(crate) contract: Option<Address>,
}

impl Connection {
    /// The built-in profile `network` with `rpc_url` and `journal_dir` over it.
    pub(crate) fn new(
        network: &str,
        rpc_url: Option<String>,
        contract: Option<&str>,
        journal_dir: Option<PathBuf>,
    ) -> PyResult<Self> {
        let mut profile = NetworkProfile::builtin(network)
            .ok_or_else(|| Error::UnknownProfile {
                name: network.to_owned(),
                known: "local, monad-testnet, monad".into(),
            })
            .py_err()?;
        if let Some(url) = rpc_url {
            profile.rpc_url = url;
        }
        if let Some(dir) = journal_dir {
            profile.journal_dir = dir;
        }
        let contract = contract.map(parse_address).transpose()?;
        Ok(Self { profile, contract })
    }

    /// The GradPay address (given at construction).
    pub(crate) fn contract(&self) -> PyResult<Address> {
        self.contract.ok_or_else(|| Error::NoAddress { profile: self.profile.name.clone() }).py_err()
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
    let (profile, contract) = (connection.profile.clone(), connection.contract()?);
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
