//! The crate's one error type.

/// Everything that can go wrong in the simulator.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The reference model hit a case the page rules out (a division by zero, a wide result).
    #[error("reference model: {0}")]
    Model(#[from] gradpay_model::ModelError),
    /// The reference model refused a batch the caller built to be valid.
    #[error("reference model refused the batch: {0}")]
    ModelRefused(#[from] gradpay_model::BatchRejection),
    /// The EVM refused a transaction outright (not a revert: an invalid transaction).
    #[error("evm: {0}")]
    Evm(String),
    /// A contract creation reverted or halted; the revert data.
    #[error("deployment failed: {0}")]
    Deploy(alloy_primitives::Bytes),
    /// Return data or revert data that does not decode as the ABI says.
    #[error("abi decode: {0}")]
    Decode(String),
    /// The contract did something the scenario did not expect; the message says what.
    #[error("unexpected: {0}")]
    Unexpected(String),
    /// A node's key could not be made or could not sign (the gas rows of the node operators).
    #[error("signing: {0}")]
    Signing(String),
    /// The JSON-RPC node (anvil) failed or answered with an error.
    #[error("rpc: {0}")]
    Rpc(String),
}
