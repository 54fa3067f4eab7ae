//! Where every claim was paid. A claim pays the node's payout address in force at that moment
//! (its `PayoutSet` events replayed in log order, from `setPayout`, `setPayoutBySig` or
//! `registerSignedNodes`; a payout equal to the node clears it), unless the node routed that one
//! claim itself with `claimRewardTo(poolId, recipient)`, which its transaction shows.

use std::collections::BTreeMap;

use alloy::primitives::{Address, B256};

use super::{
    chain::{History, LogPosition},
    compare::Differences,
    concurrently,
};
use crate::{
    Coordinator, Result,
    bindings::GradPay::{RewardClaimed, claimRewardToCall},
};

impl Coordinator {
    /// Every `RewardClaimed`'s recipient against where the chain's history says it must go. Only
    /// a claim paid elsewhere than the payout in force, sent by the node itself, costs a
    /// transaction read (it may be a `claimRewardTo`).
    pub(crate) async fn compare_recipients(&self, d: &mut Differences, history: &History) -> Result<()> {
        let expected = payouts_at_claims(history);
        let routed: Vec<(LogPosition, RewardClaimed, B256)> = history
            .claims
            .iter()
            .zip(&expected)
            .filter(|&(c, &payout)| c.event.recipient != payout && c.event.caller == c.event.node)
            .filter_map(|(c, _)| Some((c.at, c.event.clone(), c.tx?)))
            .collect();
        let read = |(at, e, hash): (LogPosition, RewardClaimed, B256)| async move {
            let what = format!("node {}'s claimRewardTo from pool {}", e.node, e.poolId);
            let calls = self.named_gradpay_calls::<claimRewardToCall>(hash, what).await?;
            let own = calls
                .calls
                .iter()
                .any(|f| f.from == e.node && f.call.poolId == e.poolId && f.call.recipient == e.recipient);
            Ok((at, own))
        };
        let routed_by_node: BTreeMap<_, bool> = concurrently(routed, read).await?.into_iter().collect();
        let index_of: BTreeMap<Address, u32> = history.nodes.iter().map(|&(i, a)| (a, i)).collect();
        for (claim, payout) in history.claims.iter().zip(expected) {
            let e = &claim.event;
            if e.recipient == payout || routed_by_node.get(&claim.at).copied().unwrap_or(false) {
                continue;
            }
            let node = index_of.get(&e.node).map_or_else(|| e.node.to_string(), u32::to_string);
            let at = format!("pool {} node {node}", e.poolId);
            d.check("RewardClaimed recipient (payout in force)", at, e.recipient, payout);
        }
        Ok(())
    }
}

/// The payout in force at each claim, in `history.claims`' order: `PayoutSet` events before it
/// (both are in log order) replayed, the node itself when none is set.
fn payouts_at_claims(history: &History) -> Vec<Address> {
    let mut payouts: BTreeMap<Address, Address> = BTreeMap::new();
    let mut sets = history.payouts.iter().peekable();
    history
        .claims
        .iter()
        .map(|claim| {
            while let Some(set) = sets.next_if(|s| s.at < claim.at) {
                let (node, payout) = (set.event.node, set.event.payout);
                if payout == node {
                    payouts.remove(&node);
                } else {
                    payouts.insert(node, payout);
                }
            }
            payouts.get(&claim.event.node).copied().unwrap_or(claim.event.node)
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{bindings::GradPay::PayoutSet, verify::chain::Logged};
    use alloy::primitives::U256;

    fn set(block: u64, node: Address, payout: Address) -> Logged<PayoutSet> {
        Logged { event: PayoutSet { sessionId: 1, node, payout }, tx: None, at: (block, 0) }
    }

    fn claim(block: u64, node: Address) -> Logged<RewardClaimed> {
        let event = RewardClaimed {
            poolId: U256::from(256),
            node,
            amount: U256::ZERO,
            caller: node,
            recipient: node,
        };
        Logged { event, tx: None, at: (block, 1) }
    }

    #[test]
    fn the_payout_in_force_is_the_last_set_before_the_claim_and_the_node_clears_it() {
        let (a, b) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let (pa, pb) = (Address::repeat_byte(0xa), Address::repeat_byte(0xb));
        let history = History {
            payouts: vec![set(1, a, pa), set(2, b, pb), set(4, a, a), set(5, b, pa)],
            // Block 2's claim comes after block 2's set (log index 1 > 0).
            claims: vec![claim(0, a), claim(2, a), claim(2, b), claim(4, a), claim(6, b)],
            ..History::default()
        };
        assert_eq!(payouts_at_claims(&history), vec![a, pa, pb, a, pa]);
    }
}
