//! `gradpay.Coordinator`: a session from creation to its pools, through the library's
//! `Coordinator` (batched registration, journaled exactly-once pipelined records, chunked
//! finalization).

use std::path::PathBuf;

use alloy::primitives::{B256, U256};
use gradpay::{
    Coordinator, Error, PoolDefaults, Strategy,
    claims::PoolSpec,
    deploy::{Roles, deploy},
    journal::Journal,
    record::{EpochRecord, SendMode},
};
use pyo3::{prelude::*, types::PyDict};

use crate::{
    activity::PyEpochActivity,
    connect::{self, Connection, block_on, connect, parse_address, signer},
    convert::{int, serialized},
    errors::IntoPy,
};

/// A coordinator's connection to GradPay: create a session, register nodes, record epochs
/// (exactly once, journaled in `journal_dir`), complete, finalize, fund pools. Every call blocks
/// until its transactions are mined; failures raise the `GradpayError` subclass of their kind.
#[pyclass(name = "Coordinator", module = "gradpay", frozen)]
#[derive(Debug)]
pub(crate) struct PyCoordinator {
    c: Coordinator,
}

#[pymethods]
impl PyCoordinator {
    /// Connects to the GradPay at `contract` (else the profile's deployments file) through
    /// `rpc_url` (else the profile's) as `private_key` (hex; else `keystore` + `password_file`;
    /// else the `GRADPAY_PRIVATE_KEY` environment variable). The profile is `network` from
    /// `config` (else ./gradpay.toml if present, else the built-in profiles), with the
    /// `GRADPAY_*` environment overrides of the `gradpay` command.
    #[new]
    // Python's keyword arguments: each one a connect option a caller may leave at its default.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (rpc_url=None, contract=None, private_key=None, keystore=None, password_file=None, network="local", journal_dir=None, config=None))]
    fn new(
        py: Python<'_>,
        rpc_url: Option<String>,
        contract: Option<&str>,
        private_key: Option<&str>,
        keystore: Option<PathBuf>,
        password_file: Option<PathBuf>,
        network: &str,
        journal_dir: Option<PathBuf>,
        config: Option<PathBuf>,
    ) -> PyResult<Self> {
        let connection = Connection::deployed(network, config, rpc_url, contract, journal_dir)?;
        let key = signer(private_key, keystore, password_file)?;
        Ok(Self { c: connect(py, &connection, key)? })
    }

    /// Deploys GradPay through `rpc_url` with the key (admin and coordinator both) and connects
    /// to it.
    #[staticmethod]
    #[pyo3(signature = (rpc_url=None, private_key=None, network="local", journal_dir=None, config=None))]
    fn deploy(
        py: Python<'_>,
        rpc_url: Option<String>,
        private_key: Option<&str>,
        network: &str,
        journal_dir: Option<PathBuf>,
        config: Option<PathBuf>,
    ) -> PyResult<Self> {
        let (profile, _) = connect::profile(network, config, rpc_url, journal_dir)?;
        let key = signer(private_key, None, None)?;
        let roles = Roles { admin: key.address(), coordinator: key.address() };
        let (_, c) = block_on(py, deploy(profile, key, roles))?.py_err()?;
        Ok(Self { c })
    }

    /// GradPay's address.
    #[getter]
    fn address(&self) -> String {
        self.c.address().to_checksum(None)
    }

    /// The coordinator's account.
    #[getter]
    fn sender(&self) -> String {
        self.c.sender().to_checksum(None)
    }

    /// Creates session `session_id` for the model `model_hash` (32 bytes, or 0x and 64 hex
    /// digits) with outlier clip factor `clip_k` (1e18 fixed point; 0 = off).
    #[pyo3(signature = (session_id, model_hash, clip_k=0))]
    fn create_session(
        &self,
        py: Python<'_>,
        session_id: u64,
        model_hash: &Bound<'_, PyAny>,
        clip_k: u64,
    ) -> PyResult<()> {
        let hash = match model_hash.extract::<Vec<u8>>() {
            Ok(bytes) if bytes.len() == 32 => B256::from_slice(&bytes),
            _ => model_hash.extract::<String>()?.parse().map_err(|_| {
                crate::errors::to_py(&Error::Config {
                    origin: "model_hash".into(),
                    reason: "expected 32 bytes or 0x and 64 hex digits".into(),
                })
            })?,
        };
        block_on(py, self.c.create_session(session_id, hash, clip_k))?.py_err().map(drop)
    }

    /// Registers `nodes` (addresses) in batches, each with its default node id; returns their
    /// indices (a node already registered keeps its index).
    // PyO3 extracts a Python list as an owned Vec, not a slice.
    #[allow(clippy::needless_pass_by_value)]
    fn register_nodes(&self, py: Python<'_>, session_id: u64, nodes: Vec<String>) -> PyResult<Vec<u32>> {
        let nodes = nodes
            .iter()
            .map(|n| parse_address(n).map(|a| (a, gradpay::nodes::default_node_id(a))))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(block_on(py, self.c.register_nodes(session_id, &nodes))?.py_err()?.indices())
    }

    /// Excludes `node` from the session's rewards, with `reason` on chain.
    fn exclude_node(&self, py: Python<'_>, session_id: u64, node: &str, reason: &str) -> PyResult<()> {
        let node = parse_address(node)?;
        block_on(py, self.c.exclude_node(session_id, node, reason))?.py_err()
    }

    /// Records epoch `epoch` (of `epoch_rounds` rounds) from `activity`: batched, pipelined, and
    /// exactly once (journaled; a repeated call records nothing new). Every entry is checked
    /// before anything is sent. Returns what was done (`gradpay record --json`'s summary).
    fn record_epoch<'py>(
        &self,
        py: Python<'py>,
        session_id: u64,
        epoch: u32,
        epoch_rounds: u32,
        activity: &PyEpochActivity,
    ) -> PyResult<Bound<'py, PyAny>> {
        let entries = activity.aggregate(epoch_rounds).py_err()?;
        let record = EpochRecord { epoch, epoch_rounds, entries };
        let scope = self.c.journal_scope(session_id);
        let path = Journal::path_for(&self.c.profile().journal_dir, &scope);
        let mut journal = Journal::open(&path, scope).py_err()?;
        let summary =
            block_on(py, self.c.record_epoch(&mut journal, &record, SendMode::Pipelined, &|_, _| {}))?
                .py_err()?;
        serialized(py, &summary)
    }

    /// Completes the session: no more records.
    fn complete_session(&self, py: Python<'_>, session_id: u64) -> PyResult<()> {
        block_on(py, self.c.complete_session(session_id))?.py_err()
    }

    /// Finalizes the session (ranking in chunks, clip cap); returns the summary.
    fn finalize<'py>(&self, py: Python<'py>, session_id: u64) -> PyResult<Bound<'py, PyAny>> {
        let summary = block_on(py, self.c.finalize(session_id, &|_, _| {}))?.py_err()?;
        serialized(py, &summary)
    }

    /// Funds a pool of `amount` base units of `token` (None: the native coin) split by
    /// `strategy` (proportional, tiered, minimum-guarantee, hybrid) with the default parameters
    /// and claim window; returns its id.
    #[pyo3(signature = (session_id, amount, strategy="proportional", token=None))]
    fn create_pool<'py>(
        &self,
        py: Python<'py>,
        session_id: u64,
        amount: u128,
        strategy: &str,
        token: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let strategy = Strategy::ALL.into_iter().find(|s| s.label() == strategy).ok_or_else(|| {
            crate::errors::to_py(&Error::Config {
                origin: "strategy".into(),
                reason: format!("`{strategy}`: expected proportional, tiered, minimum-guarantee or hybrid"),
            })
        })?;
        let token = token.map(parse_address).transpose()?;
        let spec = PoolSpec::new(token, U256::from(amount), strategy, &PoolDefaults::default());
        let id = block_on(py, self.c.create_pool(session_id, spec))?.py_err()?;
        int(py, id)
    }

    /// The session as `getSession` returns it.
    fn session<'py>(&self, py: Python<'py>, session_id: u64) -> PyResult<Bound<'py, PyDict>> {
        let info = block_on(py, self.c.existing_session(session_id))?.py_err()?;
        let state = gradpay::session::state_name(info.state);
        let dict = PyDict::new(py);
        dict.set_item("state", state)?;
        dict.set_item("modelHash", info.modelHash.to_string())?;
        dict.set_item("clipK", info.clipK)?;
        dict.set_item("nodeCount", info.nodeCount)?;
        dict.set_item("eligibleCount", info.eligibleCount)?;
        dict.set_item("totalRounds", info.totalRounds)?;
        dict.set_item("epochCount", info.epochCount)?;
        dict.set_item("poolCount", info.poolCount)?;
        Ok(dict)
    }

    /// Every node's scores (reward-math.md §2) as the contract computes them, in index order.
    fn scores<'py>(&self, py: Python<'py>, session_id: u64) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let scores = block_on(py, self.c.scores(session_id))?.py_err()?;
        scores
            .iter()
            .map(|s| {
                let dict = PyDict::new(py);
                dict.set_item("index", s.index)?;
                dict.set_item("eligible", s.eligible)?;
                dict.set_item("score", int(py, s.score)?)?;
                for (name, bps) in [
                    ("acceptance", s.acceptance),
                    ("consistency", s.consistency),
                    ("success", s.success),
                    ("quality", s.quality),
                    ("participation", s.participation),
                    ("network", s.network),
                    ("uptime", s.uptime),
                    ("reliability", s.reliability),
                ] {
                    dict.set_item(name, bps)?;
                }
                Ok(dict)
            })
            .collect()
    }

    fn __repr__(&self) -> String {
        format!("Coordinator(contract={}, sender={})", self.address(), self.sender())
    }
}
