//! `gradpay.EpochActivity`: what each node did during one epoch, fed by the training loop step
//! by step and turned into reward-math.md §1 entries by the library's `EpochActivity::aggregate`.

use std::collections::BTreeMap;

use gradpay::{EpochActivity, EpochEntry};
use pyo3::prelude::*;

use crate::errors::IntoPy;

/// One node's observations, with times kept fractional until they are aggregated.
#[derive(Debug, Clone, Default)]
struct Observed {
    compute_seconds: f64,
    online_seconds: f64,
    epoch_seconds: f64,
    activity: EpochActivity,
}

/// What each node did during an epoch, as the training loop observes it: compute time,
/// gradients (norm, accepted or not), rounds (joined: ok or failed), uptime and network
/// quality. Pass it to `Coordinator.record_epoch`.
#[pyclass(name = "EpochActivity", module = "gradpay")]
#[derive(Debug, Default)]
pub(crate) struct PyEpochActivity {
    nodes: BTreeMap<u32, Observed>,
}

impl PyEpochActivity {
    fn node(&mut self, index: u32) -> &mut Observed {
        self.nodes.entry(index).or_default()
    }

    /// Every node's entry (reward-math.md §1), in index order; the first out of bounds is an error.
    pub(crate) fn aggregate(&self, epoch_rounds: u32) -> gradpay::Result<Vec<EpochEntry>> {
        self.nodes
            .iter()
            .map(|(&index, o)| {
                let mut activity = o.activity.clone();
                activity.compute_seconds = o.compute_seconds.max(0.0).round() as u64;
                activity.online_seconds = o.online_seconds.max(0.0).round() as u64;
                activity.epoch_seconds = o.epoch_seconds.max(0.0).round() as u64;
                activity.aggregate(index, epoch_rounds)
            })
            .collect()
    }
}

#[pymethods]
impl PyEpochActivity {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Adds `seconds` of compute by node `node_index`.
    fn compute(&mut self, node_index: u32, seconds: f64) {
        self.node(node_index).compute_seconds += seconds;
    }

    /// A gradient node `node_index` sent: its norm, and whether it was accepted.
    fn gradient(&mut self, node_index: u32, norm: f64, accepted: bool) {
        self.node(node_index).activity.gradients.push((norm, accepted));
    }

    /// A round node `node_index` joined, and whether it completed it.
    #[pyo3(name = "round")]
    fn joined_round(&mut self, node_index: u32, ok: bool) {
        self.node(node_index).activity.rounds.push(ok);
    }

    /// Adds `online_seconds` reachable out of `epoch_seconds` for node `node_index`.
    fn uptime(&mut self, node_index: u32, online_seconds: f64, epoch_seconds: f64) {
        let node = self.node(node_index);
        node.online_seconds += online_seconds;
        node.epoch_seconds += epoch_seconds;
    }

    /// Node `node_index`'s network quality as measured, in basis points (0..=10000).
    fn network(&mut self, node_index: u32, bps: u16) {
        self.node(node_index).activity.network_bps = bps;
    }

    /// The entries `record_epoch` would record for an epoch of `epoch_rounds` rounds (dicts in
    /// the camelCase of `gradpay record`'s metrics lines); raises `MetricsError` on a value
    /// out of bounds.
    fn entries<'py>(&self, py: Python<'py>, epoch_rounds: u32) -> PyResult<Bound<'py, PyAny>> {
        let entries = self.aggregate(epoch_rounds).py_err()?;
        crate::convert::serialized(py, &entries)
    }

    fn __len__(&self) -> usize {
        self.nodes.len()
    }

    fn __repr__(&self) -> String {
        format!("EpochActivity({} nodes)", self.nodes.len())
    }
}
