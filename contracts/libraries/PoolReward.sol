// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GradPayStorage} from "../base/GradPayStorage.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {Payout} from "./Payout.sol";
import {RankMath} from "./RankMath.sol";
import {ScoreMath} from "./ScoreMath.sol";

/// @title PoolReward
/// @notice reward-math.md §5 for one eligible node of one pool, in O(1): its score (§2), clipped by the
///         cap finalization fixed (§3), its tier found from the tier ends (§4), paid by the pool's
///         strategy (`Payout`). Reads only the pool and the session's finalization slots it needs.
library PoolReward {
    /// @dev One eligible node's inputs to §5.
    struct NodeShare {
        uint32 index;
        uint256 score;
        uint256 effectiveScore;
        uint256 quality;
        uint256 reliability;
    }

    /// @notice What `pool` pays the eligible node at `index`, whose packed record is `record`.
    function rewardOf(
        GradPayStorage.Pool storage pool,
        GradPayStorage.Finalization storage pass,
        uint256 record,
        uint32 index
    ) internal view returns (uint256) {
        NodeShare memory node;
        node.index = index;
        (node.score, node.quality, node.reliability) = ScoreMath.scoreOf(record, pass.totalRounds);
        uint256 cap = pass.clipCap;
        node.effectiveScore = node.score < cap ? node.score : cap;

        IRewardDistributor.Strategy strategy = pool.strategy;
        if (strategy == IRewardDistributor.Strategy.Proportional) {
            return Payout.proportionalDown(pool.amount, node.effectiveScore, pass.sumEffectiveScore);
        }
        if (strategy == IRewardDistributor.Strategy.Tiered) return _tiered(pool, pass, node);
        if (strategy == IRewardDistributor.Strategy.MinimumGuarantee) {
            return Payout.minimumGuaranteeDown(
                pool.amount, pool.paramA, pass.eligibleCount, node.effectiveScore, pass.sumEffectiveScore
            );
        }
        return _hybrid(pool, pass, node);
    }

    function _tiered(
        GradPayStorage.Pool storage pool,
        GradPayStorage.Finalization storage pass,
        NodeShare memory node
    ) private view returns (uint256) {
        return Payout.tieredDown(
            pool.amount,
            pool.paramA,
            node.effectiveScore,
            pass.sumEffectiveScore,
            _tierWeight(pass, node.score, node.index),
            pass.sumTierWeighted
        );
    }

    function _hybrid(
        GradPayStorage.Pool storage pool,
        GradPayStorage.Finalization storage pass,
        NodeShare memory node
    ) private view returns (uint256) {
        uint256 sumQuality = pass.sumQuality;
        uint256 sumReliability = pass.sumReliability;
        Payout.HybridShares memory shares =
            Payout.hybridSharesDown(pool.amount, pool.paramA, pool.paramB, sumQuality, sumReliability);
        return Payout.hybridDown(
            shares,
            node.effectiveScore,
            pass.sumEffectiveScore,
            node.quality,
            sumQuality,
            node.reliability,
            sumReliability
        );
    }

    /// @dev §4 without stored ranks: a node is in a tier when it ranks at or before the tier's last node.
    ///      Tier 2's end is read only for a node outside tier 1: its index sits in the pass's slot 0,
    ///      which a tier-1 node's claim never reads.
    function _tierWeight(GradPayStorage.Finalization storage pass, uint256 score, uint32 index)
        private
        view
        returns (uint256)
    {
        if (RankMath.ranksAtOrBefore(score, index, pass.tier1LastScore, pass.tier1LastIndex)) {
            return RankMath.TOP_WEIGHT;
        }
        if (RankMath.ranksAtOrBefore(score, index, pass.tier2LastScore, pass.tier2LastIndex)) {
            return RankMath.MID_WEIGHT;
        }
        return 0;
    }
}
