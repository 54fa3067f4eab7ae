//! `gradpay verify`: an auditor's independent check of a session from chain data only.
//!
//! The session's history comes from its events and the calldata of the transactions that
//! recorded its batches ([`chain`]); `gradpay-model` recomputes every record, score, clip, rank,
//! tier and payout from it; the contract's views and every `RewardClaimed` are compared with the
//! model's figures ([`compare`]). Nothing of the contract's own arithmetic is trusted.
//!
//! Pools are paid as they were created ([`pools`]): the strategy, amount and refund address of
//! their `RewardPoolCreated`, the parameters of the `createRewardPool` call that emitted it, and
//! every field `getPool` serves is compared with those. Every claim must have paid the node's
//! payout address in force at that moment, or the recipient of the node's own `claimRewardTo`
//! ([`recipients`]).
//!
//! A batch (or a pool's creation, or a `claimRewardTo`) sent through another contract (a Safe's
//! `execTransaction`, a multicall) is found in a `debug_traceTransaction` call trace
//! (`callTracer`, [`calls`]), which anvil and most node RPCs serve; an RPC without one is
//! [`crate::Error::TraceUnavailable`] (a batch) or [`crate::Error::CallUnreadable`], naming the
//! transaction.
//!
//! The alternative, events carrying every entry, costs on chain what tracing costs nothing for.
//! Measured on anvil (Foundry 1.7.1, Ethereum opcode prices) with a contract that only emits a
//! `LOG0` of `n` words of memory (runtime `0x5f3560051b5fa000`: PUSH0 CALLDATALOAD PUSH1 5 SHL
//! PUSH0 LOG0 STOP; `cast estimate ADDRESS <n as a 32-byte word>`): 21,787 gas for one word, 47,447 for 100, 73,406 for 200, i.e.
//! 259 gas per extra 32-byte word (8 gas per byte of LOG data = 256, plus memory expansion).
//! An entry is one word, so a `ContributionsRecorded` carrying its entries would add about 259
//! gas per node-epoch (before copying the calldata to memory, 3 gas per word more): 2.6 M gas
//! per epoch of 10,000 nodes, about 1.1 % of the 237 M gas such an epoch costs today
//! (client/BENCH.md), 26 M gas over the benchmark's 10 epochs. Calldata and traces are free.

mod calls;
mod chain;
mod compare;
mod pools;
mod recipients;

use std::future::Future;

use alloy::primitives::{Address, U256};
use futures::{StreamExt, TryStreamExt, stream};
use gradpay_model::{SessionLedger, Strategy as ModelStrategy};
use serde::Serialize;

use crate::{
    Coordinator, Result, SessionState,
    bindings::IRewardDistributor::{PoolInfo, PoolParams},
};
use compare::{Differences, compare_basis, compare_pool, compare_record, compare_score, compare_session};

/// View calls (or transaction fetches) in flight at once.
const VIEW_CONCURRENCY: usize = 64;

/// One thing the chain and the model disagree on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Difference {
    /// What differs, e.g. `record c (computeSeconds)`, `rewardOf`.
    pub what: String,
    /// Where, e.g. `node 3`, `pool 257 node 0`, `reward basis`.
    pub at: String,
    /// What the chain says.
    pub chain: String,
    /// What the model computes.
    pub model: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {}: chain {}, model {}", self.what, self.at, self.chain, self.model)
    }
}

/// What `verify` checked, and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyReport {
    /// The session.
    #[serde(serialize_with = "crate::json::decimal")]
    pub session: u64,
    /// Its state.
    pub state: SessionState,
    /// Nodes registered (`NodeRegistered` events).
    pub nodes: u32,
    /// Nodes excluded (`NodeExcluded` events).
    pub exclusions: u32,
    /// clipK changes (`ClipKUpdated` events).
    pub clip_k_changes: u32,
    /// Record batches read from their transactions.
    pub batches: u32,
    /// Of those, batches another contract recorded, read from a call trace.
    pub traced_batches: u32,
    /// Entries in them.
    pub entries: u64,
    /// Distinct epochs recorded.
    pub epochs: u32,
    /// Pools checked.
    pub pools: u32,
    /// `RewardClaimed` events checked.
    pub claims: u32,
    /// Every difference between the chain and the model (none: the session verifies).
    pub differences: Vec<Difference>,
}

impl Coordinator {
    /// Re-derives `session_id` from its events and calldata with `gradpay-model` and compares
    /// the contract's views and claims with it. Differences are in the report (the caller
    /// decides what they mean); only failing to read the chain is an error.
    pub async fn verify(&self, session_id: u64) -> Result<VerifyReport> {
        let info = self.existing_session(session_id).await?;
        let state = SessionState::try_from(info.state)?;
        let history = self.session_history(session_id).await?;
        let mut d = Differences::default();
        let node_count = history.nodes.len() as u32;
        let mut ledger = SessionLedger::new(node_count);
        for batch in &history.batches {
            if let Err(rejection) = ledger.apply_batch(batch.epoch, batch.epoch_rounds, &batch.entries) {
                let at = format!("epoch {} batch {}", batch.epoch, batch.batch);
                d.check("batch", at, "accepted".to_owned(), format!("refused ({rejection})"));
            }
        }
        for &index in &history.exclusions {
            ledger.exclude(index);
        }
        let finalized = match ledger.finalize(history.clip_k()) {
            Ok(finalized) => finalized,
            Err(e) => {
                d.check("finalization", "session", "possible".to_owned(), format!("impossible ({e})"));
                return Ok(self.report(session_id, state, &history, &ledger, d));
            }
        };
        compare_session(&mut d, &info, &history, &ledger, finalized.eligible_count());
        let (records, scores) = futures::try_join!(
            self.records(session_id, info.nodeCount),
            self.score_pages(session_id, info.nodeCount)
        )?;
        for (index, record) in (0u32..).zip(&records) {
            let sums = ledger.sums(index).copied().unwrap_or_default();
            compare_record(&mut d, index, record, &sums, ledger.is_excluded(index));
        }
        for (index, score) in (0u32..).zip(&scores) {
            let model = finalized.scores.get(index as usize).copied().unwrap_or_default();
            compare_score(&mut d, index, score, &model);
        }
        if state == SessionState::Finalized {
            let addresses: Vec<_> = history.nodes.iter().map(|&(_, a)| a).collect();
            let basis = self.view("reading reward basis", self.contract().getRewardBasis(session_id));
            let (basis, pools) = futures::try_join!(basis, self.pools_as_created(&history, &addresses))?;
            compare_basis(&mut d, &basis, &history, &finalized, ledger.total_rounds());
            for (created, info, views) in pools {
                // Paid as created: the strategy and amount its event carries, the parameters its call.
                let e = &created.event;
                pools::compare_creation(&mut d, &created, &info, &history.pauses);
                let paid = match model_strategy_of(e.strategy, &created.params)
                    .map(|s| gradpay_model::payout(&finalized, s, e.amount))
                {
                    Some(Ok(paid)) => paid,
                    _ => vec![U256::ZERO; addresses.len()],
                };
                compare_pool(&mut d, e, &info, &paid, &views, &history);
            }
            self.compare_recipients(&mut d, &history).await?;
        }
        Ok(self.report(session_id, state, &history, &ledger, d))
    }

    /// Every pool's creation with what `getPool` serves for it and every node's `(reward,
    /// claimed)`, pools read concurrently.
    async fn pools_as_created(
        &self,
        history: &chain::History,
        nodes: &[Address],
    ) -> Result<Vec<(pools::CreatedPool, PoolInfo, Vec<(U256, bool)>)>> {
        let creations = self.pool_creations(&history.pools).await?;
        concurrently(creations, |created| async move {
            let id = created.event.poolId;
            let (info, views) = futures::try_join!(self.pool(id), self.pool_rewards(id, nodes))?;
            Ok((created, info, views))
        })
        .await
    }

    fn report(
        &self,
        session_id: u64,
        state: SessionState,
        history: &chain::History,
        ledger: &SessionLedger,
        d: Differences,
    ) -> VerifyReport {
        VerifyReport {
            session: session_id,
            state,
            nodes: history.nodes.len() as u32,
            exclusions: history.exclusions.len() as u32,
            clip_k_changes: history.clip_k_changes.len() as u32,
            batches: history.batches.len() as u32,
            traced_batches: history.batches.iter().filter(|b| b.traced).count() as u32,
            entries: history.batches.iter().map(|b| b.entries.len() as u64).sum(),
            epochs: ledger.epochs_opened(),
            pools: history.pools.len() as u32,
            claims: history.claims.len() as u32,
            differences: d.0,
        }
    }
}

/// The model's strategy for a pool as stored (`None`: a strategy value this client does not know).
pub(crate) fn model_strategy(pool: &PoolInfo) -> Option<ModelStrategy> {
    model_strategy_of(pool.strategy, &pool.params)
}

/// The model's strategy for a strategy value and its parameters (`None`: a value this client
/// does not know).
pub(crate) fn model_strategy_of(strategy: u8, p: &PoolParams) -> Option<ModelStrategy> {
    Some(match crate::Strategy::from_u8(strategy)? {
        crate::Strategy::Proportional => ModelStrategy::Proportional,
        crate::Strategy::Tiered => ModelStrategy::Tiered { base_bps: p.tierBaseBps },
        crate::Strategy::MinimumGuarantee => ModelStrategy::MinimumGuarantee { floor_bps: p.floorBps },
        crate::Strategy::Hybrid => ModelStrategy::Hybrid {
            score_bps: p.scoreBps,
            quality_bps: p.qualityBps,
            reliability_bps: p.reliabilityBps,
        },
    })
}

/// `f` over `items`, at most [`VIEW_CONCURRENCY`] at a time, results in order.
pub(crate) async fn concurrently<I, T, F, Fut>(items: I, f: F) -> Result<Vec<T>>
where
    I: IntoIterator,
    F: Fn(I::Item) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    stream::iter(items).map(f).buffered(VIEW_CONCURRENCY).try_collect().await
}
