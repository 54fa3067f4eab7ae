//! `import gradpay`: the gradpay coordinator library for Python. Every call goes to the Rust
//! crate (no second implementation); calls block, with the GIL released while they wait on the
//! chain, and every `gradpay::Error` is raised as the exception class of its kind, with the same
//! one-line message (cause and fix).

mod activity;
mod chain;
mod connect;
mod convert;
mod coordinator;
mod errors;
mod node;

use pyo3::prelude::*;

/// The gradpay coordinator library: `Coordinator` (sessions, records, finalization, pools),
/// `EpochActivity` (what a node did in an epoch), `Node` (pending, claim, explain), `verify`,
/// and `LocalChain` (an anvil for examples and tests). Errors are subclasses of `GradpayError`.
#[pymodule]
#[pyo3(name = "gradpay")]
fn gradpay_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<coordinator::PyCoordinator>()?;
    m.add_class::<activity::PyEpochActivity>()?;
    m.add_class::<node::PyNode>()?;
    m.add_class::<chain::PyLocalChain>()?;
    m.add_function(wrap_pyfunction!(node::verify, m)?)?;
    errors::register(m)?;
    Ok(())
}
