//! Reward pools (funded on a finalized session by its owner, a delegate or an approved sponsor;
//! what is left after the window goes back to the funder or the refund address it named) and
//! claims (by nodes): pending rewards per pool come from the contract's `pendingReward` view,
//! never recomputed.

use alloy::{
    network::{ReceiptResponse, TransactionBuilder},
    primitives::{Address, U256},
    providers::Provider,
    rpc::types::TransactionReceipt,
    sol_types::SolEvent,
};
use serde::Serialize;

use crate::{
    Coordinator, Error, PoolDefaults, Result, Strategy, StrategyParams,
    bindings::{
        GradPay, IERC20,
        IRewardDistributor::{PoolInfo, PoolParams},
    },
    session::{NodeStanding, SessionState},
};

/// A pool to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSpec {
    /// ERC20 token, or `None` for the chain's native currency.
    pub token: Option<Address>,
    /// Amount in wei or token units.
    pub amount: U256,
    /// How it is split.
    pub strategy: Strategy,
    /// The strategy's parameters.
    pub params: StrategyParams,
    /// Claim window from now, seconds (at least [`MIN_CLAIM_WINDOW_SECS`]).
    pub claim_window_secs: u64,
    /// Where what is left after the window goes; `None`: back to the sender that funds the pool.
    pub refund_to: Option<Address>,
}

/// The shortest claim window the contract accepts (`MIN_CLAIM_WINDOW`, 7 days).
pub const MIN_CLAIM_WINDOW_SECS: u64 = 7 * 24 * 3600;

/// Added to a pool's deadline beyond its window: the window counts from the latest block's time,
/// and the transaction lands in a later block, which must still see a full window ahead.
pub const INCLUSION_MARGIN_SECS: u64 = 600;

impl PoolSpec {
    /// `amount` (of `token`; `None`: the native currency) split by `strategy`, with the
    /// parameters `defaults` give that strategy and their claim window.
    pub fn new(token: Option<Address>, amount: U256, strategy: Strategy, defaults: &PoolDefaults) -> Self {
        let params = StrategyParams::for_strategy(strategy, defaults);
        Self {
            token,
            amount,
            strategy,
            params,
            claim_window_secs: defaults.claim_window_secs,
            refund_to: None,
        }
    }

    /// The same pool, claimable for `secs` from its creation.
    pub const fn claimable_for(self, secs: u64) -> Self {
        Self { claim_window_secs: secs, ..self }
    }

    /// The same pool, its leftovers refunded to `account` instead of the funder.
    pub const fn refunding_to(self, account: Address) -> Self {
        Self { refund_to: Some(account), ..self }
    }
}

/// Why a node's reward from a pool is what it is (what `gradpay pending` prints per pool).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RewardStatus {
    /// Something to claim now.
    Claimable,
    /// Claimed already.
    Claimed,
    /// The pool's claim deadline has passed (at the latest block's time).
    WindowClosed,
    /// The node is not registered in the session.
    NotRegistered,
    /// The coordinator excluded the node.
    Excluded,
    /// No compute recorded for the node, so it is not eligible (reward-math.md §2).
    NotEligible,
    /// Eligible, but this pool's strategy gives it nothing (e.g. a score of 0).
    ZeroShare,
}

impl RewardStatus {
    /// In words, for people.
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Claimable => "claimable",
            Self::Claimed => "already claimed",
            Self::WindowClosed => "claim window closed",
            Self::NotRegistered => "not registered in this session",
            Self::Excluded => "excluded by the coordinator",
            Self::NotEligible => "not eligible (no compute recorded)",
            Self::ZeroShare => "eligible, but this pool's strategy gives it nothing",
        }
    }

    /// The status from the node's standing, whether it claimed, whether the window is closed and
    /// what is pending: the first reason that applies wins.
    pub fn of(standing: NodeStanding, claimed: bool, window_closed: bool, pending: &U256) -> Self {
        match standing {
            NodeStanding::NotRegistered => Self::NotRegistered,
            NodeStanding::Excluded => Self::Excluded,
            NodeStanding::NotEligible => Self::NotEligible,
            NodeStanding::Eligible if claimed => Self::Claimed,
            NodeStanding::Eligible if window_closed => Self::WindowClosed,
            NodeStanding::Eligible if pending.is_zero() => Self::ZeroShare,
            NodeStanding::Eligible => Self::Claimable,
        }
    }
}

/// A node's reward from one pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolReward {
    /// The pool.
    #[serde(serialize_with = "crate::json::decimal")]
    pub pool_id: U256,
    /// Its token (zero address = native).
    pub token: Address,
    /// Its strategy.
    pub strategy: Option<Strategy>,
    /// What the node can claim now.
    #[serde(serialize_with = "crate::json::decimal")]
    pub pending: U256,
    /// What it is entitled to, claimed or not.
    #[serde(serialize_with = "crate::json::decimal")]
    pub entitled: U256,
    /// Whether it has claimed.
    pub claimed: bool,
    /// The pool's claim deadline, unix seconds.
    pub claim_deadline: u64,
    /// Why `pending` is what it is.
    pub status: RewardStatus,
}

/// The id of pool `index` of `session_id`.
pub fn pool_id(session_id: u64, index: u8) -> U256 {
    (U256::from(session_id) << 8) | U256::from(index)
}

/// The session a pool id belongs to and its index in it (`None` if the id has bits above 72).
pub fn split_pool_id(pool_id: U256) -> Option<(u64, u8)> {
    let session = u64::try_from(pool_id >> 8_usize).ok()?;
    Some((session, (pool_id & U256::from(0xffu8)).to::<u8>()))
}

impl Coordinator {
    /// Creates and funds a pool; for a token, approves the contract first when needed. The sender
    /// must own the session, be a delegate or an approved sponsor (else the contract's
    /// `NotSessionFunder`, and nothing is sent). A window shorter than [`MIN_CLAIM_WINDOW_SECS`]
    /// is [`Error::ClaimWindowTooShort`], before anything is sent.
    pub async fn create_pool(&self, session_id: u64, spec: PoolSpec) -> Result<U256> {
        if spec.claim_window_secs < MIN_CLAIM_WINDOW_SECS {
            return Err(Error::ClaimWindowTooShort {
                secs: spec.claim_window_secs,
                min_secs: MIN_CLAIM_WINDOW_SECS,
            });
        }
        let hint = "pools are created on a Finalized session (`gradpay session finalize`)";
        self.require_state(session_id, SessionState::Finalized, hint).await?;
        if let Some(token) = spec.token {
            self.approve_token(token, spec.amount).await?;
        }
        let now = self.latest_timestamp().await?;
        let deadline =
            alloy::primitives::aliases::U40::from(now + spec.claim_window_secs + INCLUSION_MARGIN_SECS);
        let call = self.contract().createRewardPool(
            session_id,
            spec.token.unwrap_or_default(),
            spec.amount,
            spec.strategy.as_u8(),
            PoolParams::from(spec.params),
            deadline,
            spec.refund_to.unwrap_or_default(),
        );
        let mut request = self.request(call.calldata().clone());
        if spec.token.is_none() {
            request = request.with_value(spec.amount);
        }
        let receipt = self.transact(&format!("createRewardPool ({})", spec.strategy), request).await?;
        let created: GradPay::RewardPoolCreated =
            event_in(&receipt, "createRewardPool", "RewardPoolCreated event")?;
        Ok(created.poolId)
    }

    /// Sends what is left of a pool whose claim window is over to its refund address; anyone may
    /// (no admin is involved). Returns (refund address, amount). A pool still open or already
    /// swept is the contract's refusal (`ClaimWindowOpen`, `PoolAlreadySwept`), nothing sent.
    pub async fn sweep_pool(&self, pool_id: U256) -> Result<(Address, U256)> {
        self.check_pool(pool_id).await?;
        let input = self.contract().sweepPool(pool_id).calldata().clone();
        let receipt = self.transact("sweepPool", self.request(input)).await?;
        let swept: GradPay::PoolSwept = event_in(&receipt, "sweepPool", "PoolSwept event")?;
        Ok((swept.refundTo, swept.amount))
    }

    async fn approve_token(&self, token: Address, amount: U256) -> Result<()> {
        let erc20 = IERC20::new(token, self.provider().clone());
        let balance = self.view("reading token balance", erc20.balanceOf(self.sender())).await?;
        if balance < amount {
            return Err(Error::InsufficientFunds { address: self.sender(), balance, needed: amount });
        }
        let allowance =
            self.view("reading allowance", erc20.allowance(self.sender(), self.address())).await?;
        if allowance < amount {
            let input = erc20.approve(self.address(), amount).calldata().clone();
            let request = self.request(input).with_to(token);
            self.transact("approve", request).await?;
        }
        Ok(())
    }

    /// The pool as stored.
    pub async fn pool(&self, pool_id: U256) -> Result<PoolInfo> {
        self.view("reading pool", self.contract().getPool(pool_id)).await
    }

    /// The pool ids of a session.
    pub async fn pool_ids(&self, session_id: u64) -> Result<Vec<U256>> {
        let count = self.session(session_id).await?.poolCount;
        Ok((0..count).map(|i| pool_id(session_id, i)).collect())
    }

    /// Fails with [`Error::UnknownPool`] unless `pool_id` exists.
    pub async fn check_pool(&self, pool_id: U256) -> Result<u64> {
        let unknown = |session_id, pool_count| Error::UnknownPool { pool_id, session_id, pool_count };
        let Some((session_id, index)) = split_pool_id(pool_id) else { return Err(unknown(0, 0)) };
        let count = self.session(session_id).await?.poolCount;
        if index >= count {
            return Err(unknown(session_id, count));
        }
        Ok(session_id)
    }

    /// `node`'s reward in every pool of the session, each with the reason it is what it is.
    pub async fn rewards(&self, session_id: u64, node: Address) -> Result<Vec<PoolReward>> {
        let standing = NodeStanding::of(self.node_record(session_id, node).await?.as_ref());
        let now = self.latest_timestamp().await?;
        let mut rewards = Vec::new();
        for id in self.pool_ids(session_id).await? {
            rewards.push(self.pool_reward(id, node, standing, now).await?);
        }
        Ok(rewards)
    }

    async fn pool_reward(
        &self,
        id: U256,
        node: Address,
        standing: NodeStanding,
        now: u64,
    ) -> Result<PoolReward> {
        let c = self.contract();
        let pool = self.pool(id).await?;
        let pending = self.view("reading pending reward", c.pendingReward(id, node)).await?;
        let entitled = self.view("reading reward", c.rewardOf(id, node)).await?;
        let claimed = self.view("reading claim", c.hasClaimed(id, node)).await?;
        let claim_deadline = pool.claimDeadline.to::<u64>();
        Ok(PoolReward {
            pool_id: id,
            token: pool.token,
            strategy: Strategy::from_u8(pool.strategy),
            pending,
            entitled,
            claimed,
            claim_deadline,
            status: RewardStatus::of(standing, claimed, now > claim_deadline, &pending),
        })
    }

    /// The latest block's timestamp: the time the contract's claim-window checks see.
    pub async fn latest_timestamp(&self) -> Result<u64> {
        let block = self
            .provider()
            .get_block_by_number(Default::default())
            .await
            .map_err(|e| self.rpc_error("reading the latest block", &e))?;
        Ok(block.map_or(0, |b| b.header.timestamp))
    }

    /// Claims the sender's reward from `pool_id`; returns the amount paid. Nothing to claim is
    /// [`Error::NothingToClaim`] with the reason, and nothing is sent.
    pub async fn claim(&self, pool_id: U256) -> Result<U256> {
        let pending = self.claimable(pool_id).await?;
        let input = self.contract().claimReward(pool_id).calldata().clone();
        self.transact("claimReward", self.request(input)).await?;
        Ok(pending)
    }

    /// Claims the sender's reward from `pool_id` to `recipient` this once (`claimRewardTo`: not the
    /// payout address); returns the amount paid. The zero address is [`Error::ZeroRecipient`],
    /// nothing to claim [`Error::NothingToClaim`]; either way nothing is sent.
    pub async fn claim_to(&self, pool_id: U256, recipient: Address) -> Result<U256> {
        if recipient.is_zero() {
            return Err(Error::ZeroRecipient);
        }
        let pending = self.claimable(pool_id).await?;
        let input = self.contract().claimRewardTo(pool_id, recipient).calldata().clone();
        self.transact("claimRewardTo", self.request(input)).await?;
        Ok(pending)
    }

    /// What the sender can claim from `pool_id` now, or [`Error::NothingToClaim`] with the reason.
    async fn claimable(&self, pool_id: U256) -> Result<U256> {
        let session_id = self.check_pool(pool_id).await?;
        let standing = NodeStanding::of(self.node_record(session_id, self.sender()).await?.as_ref());
        let now = self.latest_timestamp().await?;
        let reward = self.pool_reward(pool_id, self.sender(), standing, now).await?;
        if reward.status != RewardStatus::Claimable {
            return Err(Error::NothingToClaim {
                pool_id,
                node: self.sender(),
                why: reward.status.describe(),
            });
        }
        Ok(reward.pending)
    }

    /// Claims every pool of the session with something pending, in one transaction; returns
    /// (pool, amount) pairs (empty when nothing is pending: nothing is sent).
    pub async fn claim_all(&self, session_id: u64) -> Result<Vec<(U256, U256)>> {
        let due: Vec<(U256, U256)> = self
            .rewards(session_id, self.sender())
            .await?
            .into_iter()
            .filter(|r| r.pending > U256::ZERO)
            .map(|r| (r.pool_id, r.pending))
            .collect();
        if due.is_empty() {
            return Ok(due);
        }
        let input =
            self.contract().claimRewardsBatch(due.iter().map(|(id, _)| *id).collect()).calldata().clone();
        let receipt = self.transact("claimRewardsBatch", self.request(input)).await?;
        tracing::debug!(gas = receipt.gas_used(), pools = due.len(), "claimed");
        Ok(due)
    }
}

/// The first `E` that `receipt` logs; its absence (another contract at the address) is
/// [`Error::MissingReceiptData`] for `action`.
fn event_in<E: SolEvent>(receipt: &TransactionReceipt, action: &str, missing: &'static str) -> Result<E> {
    receipt
        .decoded_log::<E>()
        .map(|log| log.data)
        .ok_or_else(|| Error::MissingReceiptData { action: action.into(), missing })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn pool_ids_encode_their_session() {
        let id = pool_id(0x1234, 7);
        assert_eq!(id, U256::from(0x123407u64));
        assert_eq!(split_pool_id(id), Some((0x1234, 7)));
        assert_eq!(split_pool_id(U256::MAX), None);
    }

    #[test]
    fn a_spec_takes_the_strategys_defaults_and_their_window() {
        let defaults = PoolDefaults { claim_window_secs: 99, ..PoolDefaults::default() };
        let spec = PoolSpec::new(None, U256::from(5u8), Strategy::Tiered, &defaults);
        assert_eq!(spec.params, StrategyParams::for_strategy(Strategy::Tiered, &defaults));
        assert_eq!((spec.amount, spec.claim_window_secs), (U256::from(5u8), 99));
        assert_eq!(spec.claimable_for(7).claim_window_secs, 7);
    }
}
