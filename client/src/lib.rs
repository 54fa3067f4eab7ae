//! gradpay coordinator library: typed access to the GradPay contracts for the coordinator's own
//! Rust code and for the `gradpay` command. The reward math lives on chain; this crate reads the
//! contracts' views and never recomputes rewards.
//!
//! A coordinator's session, in the order the contract wants it:
//!
//! ```text
//! let (profile, dir) = gradpay::config::load("gradpay.toml".as_ref(), false, Some("monad-testnet"))?;
//! let signer = gradpay::KeySource::default().load()?;            // GRADPAY_PRIVATE_KEY or a keystore
//! let c = Coordinator::connect(profile.clone(), profile.gradpay_address(&dir)?, signer).await?;
//! c.create_session(id, model_hash, clip_k).await?;
//! c.register_nodes(id, &nodes).await?;                             // batched, idempotent
//! let mut journal = Journal::open(&path, scope)?;                  // resumes after a crash
//! for epoch in .. {
//!     let entries = activity.aggregate(index, rounds)?;            // reward-math.md §1 fields
//!     let record = EpochRecord { epoch, epoch_rounds: rounds, entries };  // no entries: a silent epoch
//!     c.record_epoch(&mut journal, &record, SendMode::Pipelined, &|_, _| {}).await?;   // session: the journal's
//! }
//! c.complete_session(id).await?;
//! c.finalize(id, &|_, _| {}).await?;                               // ranking from getScores, chunked
//! let pool = c.create_pool(id, spec).await?;
//! // nodes: c.rewards(id, node), c.claim(pool), c.claim_all(id)
//! ```
//!
//! Every failure is one [`Error`] variant that names the cause and the fix.
//!
//! With the `demo` feature (the `gradpay` binary, the benchmark and the tests enable it), the
//! `demo` module adds what only a local chain needs: an anvil from `node_modules`, the simulated
//! session of `gradpay demo`, its report, and a mock ERC20.

pub mod access;
pub mod bindings;
pub mod claims;
pub mod config;
pub mod consent;
pub mod coordinator;
#[cfg(feature = "demo")]
pub mod demo;
pub mod deploy;
pub mod error;
pub mod explain;
pub mod fees;
pub mod finalize;
pub mod journal;
pub mod json;
pub mod keys;
pub mod logs;
pub mod metrics;
pub mod node_ref;
pub mod node_sessions;
pub mod nodes;
pub mod payouts;
pub mod provider;
pub mod record;
pub mod relay;
pub mod revert;
pub mod roles;
#[cfg(feature = "serve")]
pub mod serve;
pub mod session;
pub mod status;
pub mod strategy;
pub mod tx;
pub mod verify;
pub mod watch;

pub use config::NetworkProfile;
pub use coordinator::Coordinator;
pub use error::{Error, Result};
pub use keys::KeySource;
pub use metrics::{EpochActivity, EpochEntry, MetricsLine};
pub use revert::RevertReason;
pub use session::SessionState;
pub use strategy::{PoolDefaults, Strategy, StrategyParams};
pub use tx::GasRecord;
