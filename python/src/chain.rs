//! `gradpay.LocalChain`: an anvil from node_modules with its dev accounts and deterministic node
//! keys, for the examples and the tests (never for real funds).

use alloy::{primitives::U256, providers::DynProvider};
use gradpay::{
    demo::anvil::{Anvil, AnvilOptions, dev_signer, set_balance, simulated_node_signer},
    provider::build_provider,
};
use pyo3::prelude::*;

use crate::{
    connect::{block_on, parse_address},
    errors::IntoPy,
};

/// A local anvil (stopped by `stop()` or when the object goes away).
#[pyclass(name = "LocalChain", module = "gradpay")]
#[derive(Debug)]
pub(crate) struct PyLocalChain {
    anvil: Option<Anvil>,
    url: String,
    provider: DynProvider,
}

#[pymethods]
impl PyLocalChain {
    /// Starts anvil (`node_modules/.bin/anvil`, or `GRADPAY_ANVIL`) on a free port.
    #[new]
    fn new() -> PyResult<Self> {
        let anvil = Anvil::spawn(&AnvilOptions::default()).py_err()?;
        let url = anvil.url();
        let provider = build_provider(&url, None).py_err()?;
        Ok(Self { anvil: Some(anvil), url, provider })
    }

    /// Its JSON-RPC URL.
    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// The private key (hex) of anvil's dev account `i` (0..9), funded with 10,000 ETH.
    fn dev_key(&self, i: usize) -> PyResult<String> {
        Ok(alloy::primitives::hex::encode_prefixed(dev_signer(i).py_err()?.to_bytes()))
    }

    /// The private key (hex) of simulated node `i` (deterministic, unfunded).
    fn node_key(&self, i: u32) -> PyResult<String> {
        Ok(alloy::primitives::hex::encode_prefixed(simulated_node_signer(i).py_err()?.to_bytes()))
    }

    /// Simulated node `i`'s address.
    fn node_address(&self, i: u32) -> PyResult<String> {
        Ok(simulated_node_signer(i).py_err()?.address().to_checksum(None))
    }

    /// Sets `address`'s balance to `wei`.
    fn fund(&self, py: Python<'_>, address: &str, wei: u128) -> PyResult<()> {
        let address = parse_address(address)?;
        block_on(py, set_balance(&self.provider, address, U256::from(wei)))?.py_err()
    }

    /// Stops anvil.
    fn stop(&mut self) -> PyResult<()> {
        match self.anvil.take() {
            Some(anvil) => anvil.stop().py_err(),
            None => Ok(()),
        }
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &mut self,
        _kind: Option<&Bound<'_, PyAny>>,
        _value: Option<&Bound<'_, PyAny>>,
        _trace: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        self.stop()?;
        Ok(false)
    }
}
