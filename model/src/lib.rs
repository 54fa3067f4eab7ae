//! gradpay's reward math (`docs/reward-math.md`) in exact integers, written from the page alone.
//!
//! Nothing here reads the Solidity or the client, so the model can judge both: the simulator
//! checks the contract against it to the wei, and a coordinator or an auditor can re-derive
//! what a session owes from its records. One module per section of the page:
//!
//! | page | module | what |
//! |---|---|---|
//! | §1 | [`record`] | entries, their bounds, the per-node sums, [`SessionLedger::apply_batch`] |
//! | §2 | [`score`] | `A C S Q P N U R` and `score` of one node |
//! | §3 | [`clip`] | `n`, `SUM`, `SQ` and the clipping cap |
//! | §4 | [`rank`] | rank order and tiers |
//! | §3-§4 | [`finalize`](mod@finalize) | everything finalization fixes ([`Finalized`]) |
//! | §5 | [`payout`](mod@payout) | what each strategy pays each node |
//! | §6 | [`worked_examples`] | the page's worked examples as data, to test any implementation |
//!
//! ```
//! use alloy_primitives::U256;
//! use gradpay_model::{EpochEntry, SessionLedger, Strategy, payout};
//!
//! let mut ledger = SessionLedger::new(2);
//! let busy = EpochEntry { node: 0, compute_seconds: 10, rounds_joined: 4, rounds_ok: 4, ..Default::default() };
//! ledger.apply_batch(0, 4, &[busy])?;
//! ledger.apply_batch(1, 4, &[])?; // a silent epoch: nobody reported, its 4 rounds still count
//! assert_eq!(ledger.total_rounds(), 8);
//! let finalized = ledger.finalize(0)?;
//! let paid = payout(&finalized, Strategy::Proportional, U256::from(1000u64))?;
//! assert_eq!(paid, [U256::from(1000u64), U256::ZERO]); // node 1 never computed
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod clip;
pub mod error;
pub mod finalize;
pub mod math;
pub mod payout;
pub mod rank;
pub mod record;
pub mod score;
pub mod worked_examples;

pub use clip::FinalizationTotals;
pub use error::ModelError;
pub use finalize::{Finalized, finalize};
pub use payout::{NodeShare, PoolBasis, PoolSplit, Strategy, payout};
pub use rank::Tier;
pub use record::{BatchRejection, EntryBound, EpochEntry, NodeSums, SessionLedger};
pub use score::{NodeScore, score_node};
