//! `gradpay.Node` (what a node operator does: pending, claim, explain) and `gradpay.verify`.

use std::path::PathBuf;

use alloy::primitives::{Address, U256};
use gradpay::{Coordinator, Error};
use pyo3::{prelude::*, types::PyDict};

use crate::{
    connect::{Connection, block_on, connect, signer},
    convert::{int, serialized},
    errors::IntoPy,
};

/// A node's connection to GradPay, signing as the node: what each pool owes it, claims, and
/// how its reward came about.
#[pyclass(name = "Node", module = "gradpay", frozen)]
#[derive(Debug)]
pub(crate) struct PyNode {
    c: Coordinator,
}

#[pymethods]
impl PyNode {
    /// Connects as the node's key: `private_key` (hex), else `keystore` + `password_file`, else
    /// `GRADPAY_PRIVATE_KEY`; the other options as `Coordinator`'s.
    #[new]
    // Python's keyword arguments: each one a connect option a caller may leave at its default.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (rpc_url=None, contract=None, private_key=None, keystore=None, password_file=None, network="local", config=None))]
    fn new(
        py: Python<'_>,
        rpc_url: Option<String>,
        contract: Option<&str>,
        private_key: Option<&str>,
        keystore: Option<PathBuf>,
        password_file: Option<PathBuf>,
        network: &str,
        config: Option<PathBuf>,
    ) -> PyResult<Self> {
        let connection = Connection::deployed(network, config, rpc_url, contract, None)?;
        let key = signer(private_key, keystore, password_file)?;
        Ok(Self { c: connect(py, &connection, key)? })
    }

    /// The node's address.
    #[getter]
    fn address(&self) -> String {
        self.c.sender().to_checksum(None)
    }

    /// The session and the node's place in it: standing, record, scores, rewards (`gradpay
    /// status --json`).
    fn status<'py>(&self, py: Python<'py>, session_id: u64) -> PyResult<Bound<'py, PyAny>> {
        let status = block_on(py, self.c.node_status(session_id, self.c.sender()))?.py_err()?;
        crate::convert::json(py, &status.value)
    }

    /// Every pool of the session: `poolId`, `token`, `strategy`, `pending` (claimable now),
    /// `entitled` (claimed or not), `claimed`.
    fn pending<'py>(&self, py: Python<'py>, session_id: u64) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let rewards = block_on(py, self.c.rewards(session_id, self.c.sender()))?.py_err()?;
        rewards
            .iter()
            .map(|r| {
                let dict = PyDict::new(py);
                dict.set_item("poolId", int(py, r.pool_id)?)?;
                dict.set_item("token", r.token.to_checksum(None))?;
                dict.set_item("strategy", r.strategy.map(|s| s.label()))?;
                dict.set_item("pending", int(py, r.pending)?)?;
                dict.set_item("entitled", int(py, r.entitled)?)?;
                dict.set_item("claimed", r.claimed)?;
                Ok(dict)
            })
            .collect()
    }

    /// Claims `pool_id`; returns the amount paid (raises `NothingToClaimError` when nothing is due).
    fn claim<'py>(&self, py: Python<'py>, pool_id: u128) -> PyResult<Bound<'py, PyAny>> {
        let paid = block_on(py, self.c.claim(U256::from(pool_id)))?.py_err()?;
        int(py, paid)
    }

    /// Claims every pool of the session with something due; returns `(pool_id, amount)` pairs.
    fn claim_all<'py>(
        &self,
        py: Python<'py>,
        session_id: u64,
    ) -> PyResult<Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
        let paid = block_on(py, self.c.claim_all(session_id))?.py_err()?;
        paid.into_iter().map(|(pool, amount)| Ok((int(py, pool)?, int(py, amount)?))).collect()
    }

    /// How the node's reward came about (`gradpay explain --json`).
    fn explain<'py>(&self, py: Python<'py>, session_id: u64) -> PyResult<Bound<'py, PyAny>> {
        let explanation = block_on(py, self.c.explain(session_id, self.c.sender()))?.py_err()?;
        serialized(py, &explanation)
    }

    fn __repr__(&self) -> String {
        format!("Node({})", self.address())
    }
}

/// Re-checks session `session_id` from chain data alone with gradpay-model (`gradpay verify`);
/// returns the report, or raises `VerificationFailedError` naming the first difference.
#[pyfunction]
#[pyo3(signature = (session_id, rpc_url=None, contract=None, network="local", config=None))]
pub(crate) fn verify<'py>(
    py: Python<'py>,
    session_id: u64,
    rpc_url: Option<String>,
    contract: Option<&str>,
    network: &str,
    config: Option<PathBuf>,
) -> PyResult<Bound<'py, PyAny>> {
    let Connection { profile, contract } = Connection::deployed(network, config, rpc_url, contract, None)?;
    let report = block_on(py, async move {
        let auditor = Coordinator::connect_read_only(profile, contract, Address::ZERO).await?;
        auditor.verify(session_id).await
    })?
    .py_err()?;
    if let Some(first) = report.differences.first() {
        let failed = Error::VerificationFailed {
            session_id,
            count: report.differences.len(),
            first: first.to_string(),
        };
        return Err(crate::errors::to_py(&failed));
    }
    serialized(py, &report)
}
