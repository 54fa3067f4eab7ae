// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BPS} from "./Bps.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Payout
/// @notice reward-math.md §5, one function per strategy. Every division rounds down; products go
///         through 512-bit `Math.mulDiv`, so a pool may be any uint256 amount.
library Payout {
    /// @notice Strategy 0: floor(F * s' / S').
    function proportionalDown(uint256 pool, uint256 effectiveScore, uint256 sumEffectiveScore)
        internal
        pure
        returns (uint256)
    {
        return Math.mulDiv(pool, effectiveScore, sumEffectiveScore);
    }

    /// @notice Strategy 1: floor(B * s' / S') + floor(X * w * s' / W), B = floor(F * baseBps / 1e4), X = F - B.
    function tieredDown(
        uint256 pool,
        uint256 baseBps,
        uint256 effectiveScore,
        uint256 sumEffectiveScore,
        uint256 tierWeight,
        uint256 sumTierWeighted
    ) internal pure returns (uint256) {
        uint256 base = Math.mulDiv(pool, baseBps, BPS);
        uint256 reward = Math.mulDiv(base, effectiveScore, sumEffectiveScore);
        if (tierWeight == 0) return reward;
        return reward + Math.mulDiv(pool - base, tierWeight * effectiveScore, sumTierWeighted);
    }

    /// @notice Strategy 2: m + floor((F - n * m) * s' / S'), m = floor(F * floorBps / (1e4 * n)).
    function minimumGuaranteeDown(
        uint256 pool,
        uint256 floorBps,
        uint256 eligibleCount,
        uint256 effectiveScore,
        uint256 sumEffectiveScore
    ) internal pure returns (uint256) {
        uint256 minimum = Math.mulDiv(pool, floorBps, BPS * eligibleCount);
        return minimum + Math.mulDiv(pool - eligibleCount * minimum, effectiveScore, sumEffectiveScore);
    }

    /// @notice The node-independent inputs of strategy 3.
    struct HybridShares {
        uint256 scoreShare; // F1
        uint256 qualityShare; // F2
        uint256 reliabilityShare; // F3
    }

    /// @notice Strategy 3's split of F: a share no node can earn (QS or RS zero) goes to the score share.
    function hybridSharesDown(
        uint256 pool,
        uint256 qualityBps,
        uint256 reliabilityBps,
        uint256 sumQuality,
        uint256 sumReliability
    ) internal pure returns (HybridShares memory shares) {
        shares.qualityShare = sumQuality > 0 ? Math.mulDiv(pool, qualityBps, BPS) : 0;
        shares.reliabilityShare = sumReliability > 0 ? Math.mulDiv(pool, reliabilityBps, BPS) : 0;
        shares.scoreShare = pool - shares.qualityShare - shares.reliabilityShare;
    }

    /// @notice Strategy 3: floor(F1 * s' / S') + floor(F2 * Q / QS) + floor(F3 * R / RS).
    function hybridDown(
        HybridShares memory shares,
        uint256 effectiveScore,
        uint256 sumEffectiveScore,
        uint256 quality,
        uint256 sumQuality,
        uint256 reliability,
        uint256 sumReliability
    ) internal pure returns (uint256 reward) {
        reward = Math.mulDiv(shares.scoreShare, effectiveScore, sumEffectiveScore);
        if (sumQuality > 0) reward += Math.mulDiv(shares.qualityShare, quality, sumQuality);
        if (sumReliability > 0) reward += Math.mulDiv(shares.reliabilityShare, reliability, sumReliability);
    }
}
