//! gradpay simulator: the contracts in an in-process EVM, checked against the independent
//! reference model of `docs/reward-math.md` (the `gradpay-model` crate), with gas under
//! Ethereum and Monad rules.

pub mod bindings;
pub mod deployment;
pub mod driver;
pub mod error;
pub mod evm;
pub mod limits;
pub mod measure;
pub mod scenario;

pub use deployment::Deployment;
pub use driver::{Report, run_session};
pub use error::SimError;
pub use evm::{Chain, Receipt, Rules};
pub use scenario::{SessionPlan, session_plan};
