//! gradpay simulator: the contracts in an in-process EVM, checked against an independent
//! Rust model of reward-math.md, with gas under Ethereum and Monad rules.

pub mod error;
pub mod evm;
pub mod model;

pub use error::SimError;
pub use evm::{Chain, Receipt, Rules};
pub use model::{EpochEntry, Finalized, SessionLedger, Strategy};
