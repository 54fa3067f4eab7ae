//! gradpay coordinator library: typed access to the GradPay contracts for the coordinator's own
//! Rust code and for the `gradpay` command. The reward math lives on chain; this crate reads the
//! contracts' views and never recomputes rewards.

pub mod anvil;
pub mod bindings;
pub mod claims;
pub mod config;
pub mod coordinator;
pub mod demo;
pub mod deploy;
pub mod error;
pub mod finalize;
pub mod journal;
pub mod keys;
pub mod metrics;
pub mod provider;
pub mod record;
pub mod report;
pub mod strategy;

pub use config::{NetworkProfile, PoolDefaults};
pub use coordinator::{Coordinator, GasRecord};
pub use error::{Error, Result};
pub use keys::KeySource;
pub use metrics::{EpochActivity, EpochEntry, MetricsLine};
pub use strategy::{Strategy, StrategyParams};
