//! Random sessions as proptest strategies: what the coordinator records, who gets excluded, the
//! pools, who claims in which order, and the wrong moves tried along the way.
//!
//! Values lean on the edges (zeros, maxima, ties, absent nodes, silent epochs) because that is
//! where integer formulas and packed storage break; plain random values rarely reach them.

mod epochs;

use alloy_primitives::U256;
use proptest::collection::vec;
use proptest::prelude::*;

use gradpay_model::{EpochEntry, Strategy as PayoutStrategy};

pub use epochs::MAX_BATCH;
use epochs::epochs;

/// How one pool is funded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Funding {
    /// Native currency, sent with the creation.
    Eth,
    /// The session's mock ERC20, pulled from the coordinator.
    Erc20,
}

/// One pool of the session.
#[derive(Clone, Copy, Debug)]
pub struct PoolPlan {
    /// ETH or token.
    pub funding: Funding,
    /// `F`.
    pub amount: U256,
    /// How it is split.
    pub strategy: PayoutStrategy,
}

/// How a claim is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimRoute {
    /// `claimReward` by the node.
    Own,
    /// `claimRewardFor` by an account with no role.
    ForByStranger,
    /// `claimRewardsBatch` by the node over every pool of the session.
    Batch,
}

/// One claim attempt: node `node` (an index, reduced modulo the node count) on pool `pool`
/// (reduced modulo the pool count).
#[derive(Clone, Copy, Debug)]
pub struct ClaimPlan {
    /// Which node (modulo the node count).
    pub node: u32,
    /// Which pool (modulo the pool count).
    pub pool: u8,
    /// How.
    pub route: ClaimRoute,
}

/// One epoch: its `epochRounds` and its entries split into batches.
#[derive(Clone, Debug)]
pub struct EpochPlan {
    /// The epoch number (non-decreasing across the plan, gaps allowed; an equal number revisits
    /// the epoch with more batches).
    pub epoch: u32,
    /// `epochRounds`.
    pub rounds: u32,
    /// Batches of entries, in sending order; a silent epoch has one, empty.
    pub batches: Vec<Vec<EpochEntry>>,
}

impl EpochPlan {
    /// Whether no node reports in this part of the epoch.
    pub fn is_silent(&self) -> bool {
        self.batches.iter().all(Vec::is_empty)
    }
}

/// A way to spoil a batch with one bad entry (page §1 bounds and identities).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spoil {
    /// `roundsOk` above `roundsJoined`.
    RoundsOkAboveJoined,
    /// `roundsJoined` above `epochRounds`.
    JoinedAboveEpochRounds,
    /// A bps field above 10,000 (which field: 0, 1, 2).
    BpsAboveMax(u8),
    /// A node index past the last registered node.
    UnknownNode,
    /// The same node twice.
    DuplicateNode,
    /// A non-zero reserved bit.
    ReservedBits,
}

/// A wrong finalization attempted before the right one (page §4 order, §2-§3 totals).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinalizationFault {
    /// Two neighbours in the ranking swapped.
    Swapped(u32),
    /// One node left out.
    Missing(u32),
    /// One node listed twice.
    Duplicated(u32),
    /// An ineligible node slipped in.
    IneligibleListed,
    /// The claimed Σscore off by `delta` (wrapping, both directions).
    SumOff(i8),
    /// The claimed Σscore² off by `delta`.
    SquaresOff(i8),
    /// The claimed eligible count off by one.
    CountOff,
}

/// A whole random session, from creation to sweep.
#[derive(Clone, Debug)]
pub struct SessionPlan {
    /// Registered nodes.
    pub node_count: u32,
    /// How registration is split into `registerNodesBatch` calls.
    pub registration_chunk: u32,
    /// `clipK` at creation.
    pub clip_k: u64,
    /// A `setClipK` after completion, if any.
    pub clip_k_change: Option<u64>,
    /// What is recorded.
    pub epochs: Vec<EpochPlan>,
    /// Nodes excluded after recording (indices modulo the node count).
    pub excluded: Vec<u32>,
    /// Spoiled copies of batches sent (and rejected) before the real ones: (batch ordinal, spoil).
    pub spoiled: Vec<(u16, Spoil)>,
    /// Whether every batch is sent a second time (a replay).
    pub replay_batches: bool,
    /// Whether an account with no role tries each coordinator and admin call first.
    pub strangers_try: bool,
    /// Whether each write is tried once while the contract is paused.
    pub pause_tries: bool,
    /// Wrong finalizations tried first.
    pub finalization_faults: Vec<FinalizationFault>,
    /// Ranking chunk size (clamped to at least 1).
    pub ranking_chunk: u32,
    /// The pools.
    pub pools: Vec<PoolPlan>,
    /// Claims, in order.
    pub claims: Vec<ClaimPlan>,
    /// Whether every node still owed something claims it after `claims` (else it is swept).
    pub claim_rest: bool,
}

impl SessionPlan {
    /// How many epochs the plan opens with no entry (silent epochs; a later revisit of the
    /// same epoch number may still bring entries).
    pub fn silent_epochs_opened(&self) -> u32 {
        let mut previous = None;
        let opened_silent = self.epochs.iter().filter(|plan| {
            let opens = previous != Some(plan.epoch);
            previous = Some(plan.epoch);
            opens && plan.is_silent()
        });
        opened_silent.count() as u32
    }
}

fn payout_strategy() -> impl Strategy<Value = PayoutStrategy> {
    let hybrid = (0u16..=10_000, 0u16..=10_000).prop_map(|(a, b)| {
        let (low, high) = (a.min(b), a.max(b));
        PayoutStrategy::Hybrid { score_bps: low, quality_bps: high - low, reliability_bps: 10_000 - high }
    });
    prop_oneof![
        Just(PayoutStrategy::Proportional),
        prop_oneof![Just(8500u16), 0u16..=10_000].prop_map(|base_bps| PayoutStrategy::Tiered { base_bps }),
        prop_oneof![Just(5000u16), 0u16..=10_000]
            .prop_map(|floor_bps| PayoutStrategy::MinimumGuarantee { floor_bps }),
        prop_oneof![
            Just(PayoutStrategy::Hybrid { score_bps: 7000, quality_bps: 2000, reliability_bps: 1000 }),
            hybrid
        ],
    ]
}

fn pool_amount(funding: Funding) -> BoxedStrategy<U256> {
    // Tokens can be minted up to any size. What ETH pools owe in total is booked in 96 bits
    // (GradPayStorage's pause slot: more than all the ETH there is), so an ETH pool stays below
    // 2^90 and a session's ETH pools together below 2^96.
    let (huge, wide_shift) = match funding {
        Funding::Eth => ((U256::from(1u8) << 90) - U256::from(1u8), 38),
        Funding::Erc20 => (U256::MAX >> 3, 0),
    };
    prop_oneof![
        3 => (1u64..1_000).prop_map(U256::from),
        4 => Just(U256::from(10u64).pow(U256::from(18u64))),
        4 => any::<u128>().prop_map(move |x| U256::from((x >> wide_shift).max(1))),
        1 => Just(huge),
    ]
    .boxed()
}

fn pool() -> impl Strategy<Value = PoolPlan> {
    prop_oneof![Just(Funding::Eth), Just(Funding::Erc20)].prop_flat_map(|funding| {
        (pool_amount(funding), payout_strategy()).prop_map(move |(amount, strategy)| PoolPlan {
            funding,
            amount,
            strategy,
        })
    })
}

fn claim() -> impl Strategy<Value = ClaimPlan> {
    let route = prop_oneof![4 => Just(ClaimRoute::Own), 2 => Just(ClaimRoute::ForByStranger), 1 => Just(ClaimRoute::Batch)];
    (any::<u32>(), any::<u8>(), route).prop_map(|(node, pool, route)| ClaimPlan { node, pool, route })
}

/// Any spoil.
pub fn spoil() -> impl Strategy<Value = Spoil> {
    prop_oneof![
        Just(Spoil::RoundsOkAboveJoined),
        Just(Spoil::JoinedAboveEpochRounds),
        (0u8..3).prop_map(Spoil::BpsAboveMax),
        Just(Spoil::UnknownNode),
        Just(Spoil::DuplicateNode),
        Just(Spoil::ReservedBits),
    ]
}

fn finalization_fault() -> impl Strategy<Value = FinalizationFault> {
    prop_oneof![
        any::<u32>().prop_map(FinalizationFault::Swapped),
        any::<u32>().prop_map(FinalizationFault::Missing),
        any::<u32>().prop_map(FinalizationFault::Duplicated),
        Just(FinalizationFault::IneligibleListed),
        any::<i8>().prop_filter("non-zero", |d| *d != 0).prop_map(FinalizationFault::SumOff),
        any::<i8>().prop_filter("non-zero", |d| *d != 0).prop_map(FinalizationFault::SquaresOff),
        Just(FinalizationFault::CountOff),
    ]
}

fn clip_k() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => Just(0u64),
        2 => Just(1_000_000_000_000_000_000u64),
        2 => 1u64..=3_000_000_000_000_000_000,
        1 => Just(1u64),
        1 => Just(u64::MAX),
    ]
}

/// Node counts: mostly small (fast, many cases), up to 300, and now and then a large session.
fn node_count(max_nodes: u32) -> impl Strategy<Value = u32> {
    let cap = max_nodes.max(1);
    prop_oneof![
        12 => 1u32..=cap.min(12),
        6 => 1u32..=cap.min(60),
        3 => 1u32..=cap.min(300),
        1 => cap.min(301)..=cap,
    ]
}

/// Whole sessions of at most `max_nodes` nodes and `max_epochs` epochs.
pub fn session_plan(max_nodes: u32, max_epochs: usize) -> impl Strategy<Value = SessionPlan> {
    let wide = prop::bool::weighted(0.1);
    (node_count(max_nodes), 1..=max_epochs.max(1), wide).prop_flat_map(|(node_count, epoch_count, wide)| {
        let shape = (
            epochs(node_count, epoch_count, wide),
            1u32..=node_count.clamp(1, 300),
            clip_k(),
            prop::option::weighted(0.2, clip_k()),
            vec(0..node_count, 0..=node_count.min(3) as usize),
        );
        let faults = (
            vec((any::<u16>(), spoil()), 0..3),
            prop::bool::weighted(0.5),
            prop::bool::weighted(0.3),
            prop::bool::weighted(0.3),
            vec(finalization_fault(), 0..3),
        );
        let payouts = (
            prop_oneof![Just(node_count.min(1_000)), 1u32..=node_count.min(1_000)],
            vec(pool(), 1..=4),
            vec(claim(), 0..=(node_count as usize * 2).min(400)),
            prop::bool::weighted(0.5),
        );
        (shape, faults, payouts).prop_map(
            move |(
                (epochs, registration_chunk, clip_k, clip_k_change, excluded),
                (spoiled, replay_batches, strangers_try, pause_tries, finalization_faults),
                (ranking_chunk, pools, claims, claim_rest),
            )| SessionPlan {
                node_count,
                registration_chunk,
                clip_k,
                clip_k_change,
                epochs,
                excluded,
                spoiled,
                replay_batches,
                strangers_try,
                pause_tries,
                finalization_faults,
                ranking_chunk,
                pools,
                claims,
                claim_rest,
            },
        )
    })
}
