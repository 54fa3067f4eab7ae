//! gradpay simulator: the contracts in an in-process EVM, checked against an independent
//! Rust model of reward-math.md, with gas under Ethereum and Monad rules.

pub mod bench;
pub mod bindings;
pub mod breakdown;
pub mod deployment;
pub mod driver;
pub mod error;
pub mod evm;
pub mod gas;
pub mod limits;
pub mod model;
pub mod report;
pub mod rpc;
pub mod scale;
pub mod scenario;
pub mod sessions;
pub mod throughput;

pub use deployment::Deployment;
pub use driver::{Report, run_session};
pub use error::SimError;
pub use evm::{Chain, Receipt, Rules};
pub use model::{EpochEntry, Finalized, SessionLedger, Strategy};
pub use scenario::{SessionPlan, session_plan};
