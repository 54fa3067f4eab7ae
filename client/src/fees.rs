//! Fee quoting and the funding delay, per profile. Ethereum chains get alloy's usual EIP-1559
//! estimate; Monad ("Gas Pricing", docs.monad.xyz/developer-essentials/gas-pricing) has a minimum
//! base fee of 100 MON-gwei and an `eth_maxPriorityFeePerGas` hard-coded to 2 gwei ("Wallet
//! Developers", docs.monad.xyz/developer-essentials/wallet-developers), so its tip is read from
//! what recent blocks actually paid (`eth_feeHistory`). Both quotes are then held under the
//! profile's `max-fee-gwei`. Under Monad's reserve balance ("Reserve Balance",
//! docs.monad.xyz/developer-essentials/reserve-balance) MON just received is spent only once it is
//! `reserve-blocks` blocks old: [`Coordinator::wait_blocks_after`].

use std::{
    fmt,
    str::FromStr,
    time::{Duration, Instant},
};

use alloy::{eips::BlockNumberOrTag, network::BlockResponse, providers::Provider};
use serde::{Deserialize, Serialize};

use crate::{Coordinator, Error, NetworkProfile, Result, tx::Fees};

/// Wei per gwei.
pub const GWEI: u128 = 1_000_000_000;
/// Wei per whole coin (MON, ETH): 18 decimals.
pub const COIN: u128 = 1_000_000_000_000_000_000;
/// Blocks of `eth_feeHistory` a quote looks at (alloy's default window).
const FEE_HISTORY_BLOCKS: u64 = 10;
/// The reward percentile alloy's Ethereum estimate reads.
const ETHEREUM_REWARD_PERCENTILE: f64 = 20.0;
/// The reward percentile of each block the Monad tip is the median of: what a typical
/// transaction of the last blocks paid.
const MONAD_REWARD_PERCENTILE: f64 = 50.0;

/// How fees are quoted: the profile's `fee-quote`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeeQuote {
    /// alloy's EIP-1559 estimate: twice the base fee plus the 20th-percentile tip.
    Ethereum,
    /// The base fee (at least the chain's minimum) plus a quarter, plus the median tip of recent
    /// blocks.
    Monad,
}

impl FeeQuote {
    const fn percentile(self) -> f64 {
        match self {
            Self::Ethereum => ETHEREUM_REWARD_PERCENTILE,
            Self::Monad => MONAD_REWARD_PERCENTILE,
        }
    }
}

impl FromStr for FeeQuote {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "ethereum" => Ok(Self::Ethereum),
            "monad" => Ok(Self::Monad),
            other => Err(format!("fee-quote `{other}` must be `ethereum` or `monad`")),
        }
    }
}

impl fmt::Display for FeeQuote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ethereum => "ethereum",
            Self::Monad => "monad",
        })
    }
}

/// `fee-budget` as written: a whole number (`10`) or text (`"0.5"`, `"unbounded"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AmountText {
    /// A whole number of coins.
    Whole(u64),
    /// A decimal amount of coins, or `unbounded`.
    Text(String),
}

/// The wei of a `fee-budget`: `None` for `unbounded`; an error (for [`Error::Config`]) for zero,
/// a negative or malformed amount, or more than 18 decimals.
pub fn parse_fee_budget(amount: &AmountText) -> Result<Option<u128>, String> {
    let text = match amount {
        AmountText::Whole(coins) => coins.to_string(),
        AmountText::Text(text) => text.trim().to_owned(),
    };
    if text == "unbounded" {
        return Ok(None);
    }
    let bad =
        || format!("fee-budget `{text}` must be an amount of the native coin (`10`, `0.5`) or `unbounded`");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 18 {
        return Err(bad());
    }
    let parse = |s: &str| if s.is_empty() { Ok(0) } else { s.parse::<u128>().map_err(|_| bad()) };
    // At most 18 digits below 10^18, times at most 10^18: no overflow.
    let fraction_wei = parse(fraction)? * 10u128.pow(18 - fraction.len() as u32);
    let wei = parse(whole)?.checked_mul(COIN).and_then(|w| w.checked_add(fraction_wei)).ok_or_else(bad)?;
    if wei == 0 {
        return Err(format!(
            "fee-budget `{text}` is zero: no transaction could be sent; give an amount or `unbounded`"
        ));
    }
    Ok(Some(wei))
}

/// The median of the per-block reward percentiles `eth_feeHistory` returned (0 when there are
/// none): the tip recent transactions paid.
pub fn median_tip(rewards: &[Vec<u128>]) -> u128 {
    let mut tips: Vec<u128> = rewards.iter().filter_map(|block| block.first().copied()).collect();
    tips.sort_unstable();
    match tips.len() {
        0 => 0,
        n if n % 2 == 0 => tips[n / 2 - 1].midpoint(tips[n / 2]),
        n => tips[n / 2],
    }
}

/// The fee caps for a transaction when the latest base fee is `latest_base_fee` (counted at least
/// at the profile's `min-base-fee-gwei`) and recent blocks paid `rewards` (per block, the
/// profile's quote percentile), multiplied by `bump_percent` / 100 (at least 100) and held under
/// the profile's `max-fee-gwei`. Pure, so that the math is tested without a chain.
pub fn quote(
    latest_base_fee: u128,
    rewards: &[Vec<u128>],
    profile: &NetworkProfile,
    bump_percent: u128,
) -> Result<Fees> {
    let base_fee = latest_base_fee.max(profile.min_base_fee_wei);
    let fees = match profile.fee_quote {
        FeeQuote::Ethereum => {
            let estimate = alloy::providers::utils::eip1559_default_estimator(base_fee, rewards);
            Fees {
                max_fee_per_gas: estimate.max_fee_per_gas,
                max_priority_fee_per_gas: estimate.max_priority_fee_per_gas,
            }
        }
        FeeQuote::Monad => {
            let tip = median_tip(rewards);
            // Headroom for a few blocks of base-fee rise, not Ethereum's 2×: Monad's controller
            // rises slowly, and the reserve balance counts every in-flight transaction at
            // gas_limit × max_fee, so each unit of headroom is in-flight capacity the sender loses.
            Fees {
                max_fee_per_gas: base_fee.saturating_add(base_fee / 4).saturating_add(tip),
                max_priority_fee_per_gas: tip,
            }
        }
    };
    let bump = |fee: u128| fee.saturating_mul(bump_percent.max(100)) / 100;
    let bumped = Fees {
        max_fee_per_gas: bump(fees.max_fee_per_gas),
        max_priority_fee_per_gas: bump(fees.max_priority_fee_per_gas),
    };
    capped(bumped, base_fee, profile.max_fee_per_gas)
}

/// `fees` held under `cap` (the tip never above the max fee), or [`Error::FeeCapBelowBaseFee`]
/// when not even the base fee fits under it.
fn capped(fees: Fees, base_fee: u128, cap: Option<u128>) -> Result<Fees> {
    let Some(cap) = cap else { return Ok(fees) };
    if cap < base_fee {
        return Err(Error::FeeCapBelowBaseFee { cap, base_fee });
    }
    let max_fee_per_gas = fees.max_fee_per_gas.min(cap);
    Ok(Fees { max_fee_per_gas, max_priority_fee_per_gas: fees.max_priority_fee_per_gas.min(max_fee_per_gas) })
}

impl Coordinator {
    /// Current fee caps by the profile's `fee-quote`, multiplied by `bump_percent` / 100 (to
    /// replace a stuck transaction) and held under its `max-fee-gwei` (see [`quote`]).
    pub async fn fees(&self, bump_percent: u128) -> Result<Fees> {
        let percentile = self.profile().fee_quote.percentile();
        let history = self
            .provider()
            .get_fee_history(FEE_HISTORY_BLOCKS, BlockNumberOrTag::Latest, &[percentile])
            .await
            .map_err(|e| self.rpc_error("estimating fees", &e))?;
        let base_fee = match history.latest_block_base_fee() {
            Some(fee) if fee != 0 => fee,
            // An empty history (or a chain without EIP-1559 there): the latest block says.
            _ => self.latest_base_fee().await?,
        };
        quote(base_fee, &history.reward.unwrap_or_default(), self.profile(), bump_percent)
    }

    async fn latest_base_fee(&self) -> Result<u128> {
        let block = self
            .provider()
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await
            .map_err(|e| self.rpc_error("reading the latest block", &e))?;
        Ok(block.and_then(|b| b.header().base_fee_per_gas).map(u128::from).unwrap_or_default())
    }

    /// Waits until the chain head is at least `block` + the profile's `reserve-blocks`: MON
    /// received in `block` may then be spent (Monad's reserve balance: consensus sees balances
    /// `k` blocks late). Returns at once when `reserve-blocks` is 0. Polls every
    /// `poll-interval-ms`; [`Error::ChainStalled`] when the head has not moved for
    /// `receipt-timeout-secs`. Returns the head reached.
    pub async fn wait_blocks_after(&self, block: u64) -> Result<u64> {
        let target = block.saturating_add(self.profile().reserve_blocks);
        let poll = Duration::from_millis(self.profile().poll_interval_ms.max(1));
        let patience = Duration::from_secs(self.profile().receipt_timeout_secs);
        let mut head = self.latest_block().await?;
        let mut moved_at = Instant::now();
        while head < target {
            if moved_at.elapsed() >= patience {
                return Err(Error::ChainStalled { target, head, seconds: patience.as_secs() });
            }
            tokio::time::sleep(poll).await;
            let now = self.latest_block().await?;
            if now > head {
                (head, moved_at) = (now, Instant::now());
            }
        }
        Ok(head)
    }
}

#[cfg(test)]
mod tests;
