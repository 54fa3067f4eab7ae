//! Each pool as it was created: its `RewardPoolCreated` and the `createRewardPool` call that
//! emitted it (read from the transaction's input, or from its call trace when a contract, say a
//! sponsor's Safe, created the pool). Payouts are computed from these, and every field `getPool`
//! serves is compared with them, so a parameter altered after creation is a difference.

use std::collections::BTreeMap;

use alloy::primitives::{Address, B256};

use super::{
    calls::FoundCall,
    chain::{LogPosition, Logged},
    compare::Differences,
    concurrently,
};
use crate::{
    Coordinator, Error, Result,
    bindings::{
        GradPay::{RewardPoolCreated, createRewardPoolCall},
        IRewardDistributor::{PoolInfo, PoolParams},
    },
};

/// The longest a pause counts (`GradPayStorage.MAX_PAUSE`): each pause moves a deadline by at most this.
const MAX_PAUSE_SECONDS: u64 = 14 * 86_400;

/// A pool's creation: its event and the strategy parameters its call carried.
#[derive(Debug, Clone)]
pub(crate) struct CreatedPool {
    pub(crate) event: RewardPoolCreated,
    pub(crate) at: LogPosition,
    pub(crate) params: PoolParams,
}

impl Coordinator {
    /// Every pool's creation, each transaction read once, concurrently. A pool whose call cannot
    /// be found is [`Error::CallUnreadable`].
    pub(crate) async fn pool_creations(
        &self,
        pools: &[Logged<RewardPoolCreated>],
    ) -> Result<Vec<CreatedPool>> {
        let mut txs: Vec<(B256, String)> =
            pools.iter().filter_map(|p| Some((p.tx?, creation_of(&p.event)))).collect();
        txs.dedup_by(|a, b| a.0 == b.0);
        let read = |(hash, what): (B256, String)| async move {
            let found = self.named_gradpay_calls(hash, what).await?;
            Ok((hash, found.calls.into_iter().map(Some).collect::<Vec<_>>()))
        };
        let mut calls: BTreeMap<B256, Vec<Option<FoundCall<createRewardPoolCall>>>> =
            concurrently(txs, read).await?.into_iter().collect();
        pools
            .iter()
            .map(|pool| {
                let unreadable = |tx: B256, reason: &str| Error::CallUnreadable {
                    what: creation_of(&pool.event),
                    tx,
                    reason: reason.to_owned(),
                };
                let tx = pool
                    .tx
                    .ok_or_else(|| unreadable(B256::ZERO, "its RewardPoolCreated names no transaction"))?;
                // Calls run in the order their events were emitted: the first unused one that
                // matches is this event's.
                let call = calls
                    .get_mut(&tx)
                    .and_then(|calls| {
                        calls.iter_mut().find(|c| c.as_ref().is_some_and(|c| emitted(c, &pool.event)))
                    })
                    .and_then(Option::take)
                    .ok_or_else(|| {
                        unreadable(tx, "it holds no successful createRewardPool call that emits it")
                    })?;
                Ok(CreatedPool { event: pool.event.clone(), at: pool.at, params: call.call.params })
            })
            .collect()
    }
}

fn creation_of(event: &RewardPoolCreated) -> String {
    format!("pool {}'s createRewardPool", event.poolId)
}

/// Whether `found` is the call that emitted `event` (the contract defaults `refundTo` to the caller).
fn emitted(found: &FoundCall<createRewardPoolCall>, event: &RewardPoolCreated) -> bool {
    let c = &found.call;
    let refund_to = if c.refundTo == Address::ZERO { found.from } else { c.refundTo };
    found.from == event.funder
        && c.sessionId == event.sessionId
        && c.token == event.token
        && c.amount == event.amount
        && c.strategy == event.strategy
        && c.claimDeadline == event.claimDeadline
        && refund_to == event.refundTo
}

/// `getPool` against the pool's creation. The deadline `getPool` serves moves later by each pause
/// since (by at most [`MAX_PAUSE_SECONDS`] each), so with pauses only those bounds are checked.
pub(crate) fn compare_creation(
    d: &mut Differences,
    created: &CreatedPool,
    info: &PoolInfo,
    pauses: &[LogPosition],
) {
    let (e, p, stored) = (&created.event, &created.params, &info.params);
    let at = format!("pool {}", e.poolId);
    d.check("sessionId (getPool vs RewardPoolCreated)", &at, info.sessionId, e.sessionId);
    d.check("amount (getPool vs RewardPoolCreated)", &at, info.amount, e.amount);
    d.check("strategy (getPool vs RewardPoolCreated)", &at, info.strategy, e.strategy);
    d.check("token (getPool vs RewardPoolCreated)", &at, info.token, e.token);
    d.check("refundTo (getPool vs RewardPoolCreated)", &at, info.refundTo, e.refundTo);
    let params = [
        ("tierBaseBps (getPool vs createRewardPool)", stored.tierBaseBps, p.tierBaseBps),
        ("floorBps (getPool vs createRewardPool)", stored.floorBps, p.floorBps),
        ("scoreBps (getPool vs createRewardPool)", stored.scoreBps, p.scoreBps),
        ("qualityBps (getPool vs createRewardPool)", stored.qualityBps, p.qualityBps),
        ("reliabilityBps (getPool vs createRewardPool)", stored.reliabilityBps, p.reliabilityBps),
    ];
    d.check_each(&at, params);
    let pauses_since = pauses.iter().filter(|&&pause| pause > created.at).count() as u64;
    let (earliest, latest) =
        (e.claimDeadline.to::<u64>(), e.claimDeadline.to::<u64>() + pauses_since * MAX_PAUSE_SECONDS);
    let deadline = info.claimDeadline.to::<u64>();
    if pauses_since == 0 {
        d.check("claimDeadline (getPool vs RewardPoolCreated)", &at, deadline, earliest);
    } else if !(earliest..=latest).contains(&deadline) {
        let model = format!("{earliest}..={latest} ({pauses_since} pause(s) since its creation)");
        d.check("claimDeadline (getPool vs RewardPoolCreated)", &at, deadline.to_string(), model);
    }
    if super::model_strategy_of(e.strategy, p).is_none() {
        // The model pays nothing for a strategy it does not know: say why every reward differs.
        d.check("strategy", &at, e.strategy.to_string(), "one of 0-3 (reward-math.md §5)".to_owned());
    }
}
