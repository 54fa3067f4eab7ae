//! Pools, claims and sweeps: every payout equal to the model to the wei, nothing paid twice,
//! Σ paid ≤ pool, dust ≤ 3n, and the sweep (by anyone) returning exactly what is left to the
//! pool's refund address.

use alloy_primitives::{Address, U256};

use super::{Driven, SESSION_ID, mismatch, node_address, reverted, succeeded};
use crate::bindings::GradPay::{self, GradPayErrors};
use crate::bindings::IRewardDistributor::PoolParams;
use crate::deployment::{COORDINATOR, REFUND, STRANGER};
use crate::error::SimError;
use crate::scenario::{ClaimRoute, Funding, PoolPlan};
use gradpay_model::{Finalized, Strategy, payout};

/// Claim window given to every pool.
const CLAIM_WINDOW: u64 = 7 * 24 * 3600;

/// A created pool and what the model owes from it.
struct LivePool {
    id: U256,
    token: Address,
    amount: U256,
    owed: Vec<U256>,
    claimed: Vec<bool>,
    paid: U256,
}

/// The ABI form of a strategy: its enum value and its parameters (unused ones zero).
pub fn sol_strategy(strategy: Strategy) -> (u8, PoolParams) {
    let mut params = PoolParams::default();
    let code = match strategy {
        Strategy::Proportional => 0,
        Strategy::Tiered { base_bps } => {
            params.tierBaseBps = base_bps;
            1
        }
        Strategy::MinimumGuarantee { floor_bps } => {
            params.floorBps = floor_bps;
            2
        }
        Strategy::Hybrid { score_bps, quality_bps, reliability_bps } => {
            (params.scoreBps, params.qualityBps, params.reliabilityBps) =
                (score_bps, quality_bps, reliability_bps);
            3
        }
    };
    (code, params)
}

impl Driven<'_> {
    pub(crate) fn pay(&mut self, finalized: &Finalized) -> Result<(), SimError> {
        let deadline = self.dep.chain.timestamp() + CLAIM_WINDOW;
        let token_supply = self
            .plan
            .pools
            .iter()
            .filter(|p| p.funding == Funding::Erc20)
            .fold(U256::ZERO, |s, p| s.saturating_add(p.amount));
        let token =
            if token_supply.is_zero() { Address::ZERO } else { self.dep.deploy_token(token_supply)? };
        let mut pools = Vec::new();
        for (index, plan) in self.plan.pools.iter().enumerate() {
            pools.push(self.create_pool(index, plan, token, deadline, finalized)?);
        }
        for claim in &self.plan.claims {
            let node = claim.node % self.plan.node_count;
            let pool = usize::from(claim.pool) % pools.len();
            self.claim(&mut pools, node, pool, claim.route)?;
        }
        if self.plan.claim_rest {
            for pool in 0..pools.len() {
                for node in 0..self.plan.node_count {
                    if !pools[pool].claimed[node as usize] && !pools[pool].owed[node as usize].is_zero() {
                        self.claim(&mut pools, node, pool, ClaimRoute::Own)?;
                    }
                }
            }
        }
        self.sweep_all(&mut pools, deadline)
    }

    fn create_pool(
        &mut self,
        index: usize,
        plan: &PoolPlan,
        token: Address,
        deadline: u64,
        finalized: &Finalized,
    ) -> Result<LivePool, SimError> {
        let (strategy, params) = sol_strategy(plan.strategy);
        let (token, value) = match plan.funding {
            Funding::Eth => (Address::ZERO, plan.amount),
            Funding::Erc20 => (token, U256::ZERO),
        };
        self.fund_coordinator(value);
        let create = GradPay::createRewardPoolCall {
            sessionId: SESSION_ID,
            token,
            amount: plan.amount,
            strategy,
            params,
            claimDeadline: deadline.try_into().unwrap_or_default(),
            refundTo: REFUND,
        };
        self.probe_with_value(COORDINATOR, &create, value, "createRewardPool")?;
        let id = succeeded(self.dep.send(COORDINATOR, &create, value)?, "createRewardPool")?;
        let expected_id = (U256::from(SESSION_ID) << 8) | U256::from(index);
        if id != expected_id {
            return Err(mismatch(format!("pool id {id:#x}, expected {expected_id:#x}")));
        }
        let owed = payout(finalized, plan.strategy, plan.amount)?;
        self.report.owed_pairs += owed.iter().filter(|r| !r.is_zero()).count() as u32;
        self.check_dust(plan, &owed, finalized.eligible_count())?;
        for (node, want) in owed.iter().enumerate() {
            let got =
                self.dep.view(&GradPay::rewardOfCall { poolId: id, node: node_address(node as u32) })?;
            if got != *want {
                return Err(mismatch(format!(
                    "rewardOf(pool {index}, node {node}) under {:?}: contract {got}, model {want}",
                    plan.strategy
                )));
            }
        }
        let claimed = vec![false; owed.len()];
        Ok(LivePool { id, token, amount: plan.amount, owed, claimed, paid: U256::ZERO })
    }

    fn check_dust(&mut self, plan: &PoolPlan, owed: &[U256], eligible: u32) -> Result<(), SimError> {
        let total = owed
            .iter()
            .try_fold(U256::ZERO, |s, r| s.checked_add(*r))
            .ok_or_else(|| mismatch("Σ owed overflows"))?;
        if total > plan.amount {
            return Err(mismatch(format!("model owes {total} from a pool of {}", plan.amount)));
        }
        let dust = plan.amount - total;
        if eligible > 0 && dust > U256::from(3 * u64::from(eligible)) {
            return Err(mismatch(format!(
                "dust {dust} above 3n = {} under {:?}",
                3 * eligible,
                plan.strategy
            )));
        }
        self.report.worst_dust = self.report.worst_dust.max(if eligible > 0 { dust } else { U256::ZERO });
        Ok(())
    }

    fn claim(
        &mut self,
        pools: &mut [LivePool],
        node: u32,
        pool: usize,
        route: ClaimRoute,
    ) -> Result<(), SimError> {
        let account = node_address(node);
        let i = node as usize;
        let what = format!("claim of node {node} on pool {pool} ({route:?})");
        let targets: Vec<usize> =
            if route == ClaimRoute::Batch { (0..pools.len()).collect() } else { vec![pool] };
        // What each target pays now: a batch skips pools already claimed or owing nothing, and is
        // refused only when no pool pays; a single claim is refused unless its pool pays.
        let due: Vec<U256> = targets
            .iter()
            .map(|&p| if pools[p].claimed[i] { U256::ZERO } else { pools[p].owed[i] })
            .collect();
        let payable = match route {
            ClaimRoute::Batch => due.iter().any(|d| !d.is_zero()),
            _ => !due[0].is_zero(),
        };
        let balances_before: Vec<U256> = targets
            .iter()
            .map(|&p| self.dep.balance_of(pools[p].token, account))
            .collect::<Result<_, _>>()?;
        let amounts = match route {
            ClaimRoute::Own => {
                let call = GradPay::claimRewardCall { poolId: pools[pool].id };
                self.probe_paused(account, &call, &what)?;
                self.dep.send(account, &call, U256::ZERO)?.result.map(|a| vec![a])
            }
            ClaimRoute::ForByStranger => {
                let call = GradPay::claimRewardForCall { poolId: pools[pool].id, node: account };
                self.dep.send(STRANGER, &call, U256::ZERO)?.result.map(|a| vec![a])
            }
            ClaimRoute::Batch => {
                let call = GradPay::claimRewardsBatchCall { poolIds: pools.iter().map(|p| p.id).collect() };
                self.dep.send(account, &call, U256::ZERO)?.result
            }
        };
        if !payable {
            let refused = matches!(
                (&amounts, route),
                (
                    Err(crate::deployment::Revert::GradPay(GradPayErrors::NothingClaimable(_))),
                    ClaimRoute::Batch
                ) | (
                    Err(crate::deployment::Revert::GradPay(
                        GradPayErrors::NothingToClaim(_) | GradPayErrors::RewardAlreadyClaimed(_)
                    )),
                    ClaimRoute::Own | ClaimRoute::ForByStranger
                )
            );
            if !refused {
                return Err(mismatch(format!(
                    "{what}: model says nothing is payable, contract gave {amounts:?}"
                )));
            }
            self.report.claims_refused += 1;
            return Ok(());
        }
        let amounts = amounts.map_err(|revert| mismatch(format!("{what} reverted: {revert:?}")))?;
        if amounts != due {
            return Err(mismatch(format!("{what}: contract paid {amounts:?}, model {due:?}")));
        }
        for (k, &p) in targets.iter().enumerate() {
            if !due[k].is_zero() {
                pools[p].claimed[i] = true;
                pools[p].paid += due[k];
            }
        }
        self.check_received(pools, &targets, &due, account, &balances_before, &what)?;
        self.report.claims_paid += due.iter().filter(|d| !d.is_zero()).count() as u32;
        Ok(())
    }

    /// The account's balance in each target pool's token grew by exactly what this claim paid
    /// from the pools of that token (`paid`, per target).
    fn check_received(
        &mut self,
        pools: &[LivePool],
        targets: &[usize],
        paid: &[U256],
        account: Address,
        before: &[U256],
        what: &str,
    ) -> Result<(), SimError> {
        for (k, &p) in targets.iter().enumerate() {
            let token = pools[p].token;
            let due: U256 = targets
                .iter()
                .zip(paid)
                .filter(|&(&q, _)| pools[q].token == token)
                .map(|(_, amount)| *amount)
                .sum();
            let after = self.dep.balance_of(token, account)?;
            if after - before[k] != due {
                return Err(mismatch(format!(
                    "{what}: balance of token {token} grew by {}, model {due}",
                    after - before[k]
                )));
            }
        }
        Ok(())
    }

    fn sweep_all(&mut self, pools: &mut [LivePool], deadline: u64) -> Result<(), SimError> {
        if let Some(first) = pools.first() {
            let early = GradPay::sweepPoolCall { poolId: first.id };
            match reverted(self.dep.send(STRANGER, &early, U256::ZERO)?, "sweep before the deadline")? {
                GradPayErrors::ClaimWindowOpen(_) => {}
                other => return Err(mismatch(format!("sweep before the deadline: {other:?}"))),
            }
        }
        self.dep.chain.set_timestamp(deadline + 1);
        for pool in pools.iter() {
            if let Some(node) = (0..self.plan.node_count)
                .find(|&n| !pool.claimed[n as usize] && !pool.owed[n as usize].is_zero())
            {
                let late = GradPay::claimRewardCall { poolId: pool.id };
                match reverted(
                    self.dep.send(node_address(node), &late, U256::ZERO)?,
                    "claim after the deadline",
                )? {
                    GradPayErrors::ClaimWindowClosed(_) => {}
                    other => return Err(mismatch(format!("claim after the deadline: {other:?}"))),
                }
            }
            let sweep = GradPay::sweepPoolCall { poolId: pool.id };
            // Sweeping needs no role: a stranger sends it, and only the refund address gains.
            self.probe_paused(STRANGER, &sweep, "sweepPool")?;
            let before = self.dep.balance_of(pool.token, REFUND)?;
            let swept = succeeded(self.dep.send(STRANGER, &sweep, U256::ZERO)?, "sweepPool")?;
            let remainder = pool.amount - pool.paid;
            let received = self.dep.balance_of(pool.token, REFUND)? - before;
            if swept != remainder || received != remainder {
                return Err(mismatch(format!(
                    "sweep returned {swept}, the refund address received {received}, remainder is {remainder}"
                )));
            }
            match reverted(self.dep.send(STRANGER, &sweep, U256::ZERO)?, "second sweep")? {
                GradPayErrors::PoolAlreadySwept(_) => {}
                other => return Err(mismatch(format!("second sweep: {other:?}"))),
            }
            self.report.pools_swept += 1;
        }
        Ok(())
    }
}
