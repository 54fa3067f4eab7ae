// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {BPS} from "./Bps.sol";

/// @title PoolCodec
/// @notice How a pool is named and stored: its id (`sessionId << 8 | poolIndex`) and its strategy
///         parameters (reward-math.md §5) checked and packed into two bps fields, and back.
/// @dev Packed fields: Tiered keeps `tierBaseBps` in A, MinimumGuarantee `floorBps` in A, Hybrid
///      `qualityBps` in A and `reliabilityBps` in B (its `scoreBps` is what they leave of 100 %).
library PoolCodec {
    uint256 private constant INDEX_BITS = 8;
    uint256 private constant INDEX_MASK = 0xff;

    // ------------------------------------------------------------------ ids

    function poolId(uint64 sessionId, uint256 poolIndex) internal pure returns (uint256) {
        return (uint256(sessionId) << INDEX_BITS) | poolIndex;
    }

    function sessionOf(uint256 id) internal pure returns (uint64) {
        return uint64(id >> INDEX_BITS);
    }

    function indexOf(uint256 id) internal pure returns (uint256) {
        return id & INDEX_MASK;
    }

    // ------------------------------------------------------------------ parameters

    /// @notice Checks a strategy's parameters and packs them: only the strategy's own fields may be
    ///         non-zero, each bps at most 100 %, hybrid weights summing to exactly 100 %.
    function packParams(IRewardDistributor.Strategy strategy, IRewardDistributor.PoolParams calldata params)
        internal
        pure
        returns (uint16 paramA, uint16 paramB)
    {
        uint256 tierBase = params.tierBaseBps;
        uint256 floor = params.floorBps;
        uint256 hybridSum = uint256(params.scoreBps) + params.qualityBps + params.reliabilityBps;
        if (strategy == IRewardDistributor.Strategy.Proportional) {
            if (tierBase != 0 || floor != 0 || hybridSum != 0) _revertUnused(strategy);
        } else if (strategy == IRewardDistributor.Strategy.Tiered) {
            if (floor != 0 || hybridSum != 0) _revertUnused(strategy);
            paramA = _bps(strategy, tierBase);
        } else if (strategy == IRewardDistributor.Strategy.MinimumGuarantee) {
            if (tierBase != 0 || hybridSum != 0) _revertUnused(strategy);
            paramA = _bps(strategy, floor);
        } else {
            if (tierBase != 0 || floor != 0) _revertUnused(strategy);
            if (hybridSum != BPS) revert IRewardDistributor.HybridWeightsInvalid(hybridSum, BPS);
            (paramA, paramB) = (params.qualityBps, params.reliabilityBps);
        }
    }

    /// @notice The parameters `packParams` was given, from the two packed fields.
    function unpackParams(IRewardDistributor.Strategy strategy, uint16 paramA, uint16 paramB)
        internal
        pure
        returns (IRewardDistributor.PoolParams memory params)
    {
        if (strategy == IRewardDistributor.Strategy.Tiered) {
            params.tierBaseBps = paramA;
        } else if (strategy == IRewardDistributor.Strategy.MinimumGuarantee) {
            params.floorBps = paramA;
        } else if (strategy == IRewardDistributor.Strategy.Hybrid) {
            params.qualityBps = paramA;
            params.reliabilityBps = paramB;
            params.scoreBps = uint16(BPS - paramA - paramB);
        }
    }

    function _bps(IRewardDistributor.Strategy strategy, uint256 value) private pure returns (uint16) {
        if (value > BPS) revert IRewardDistributor.StrategyParamOutOfRange(strategy, value, BPS);
        return uint16(value);
    }

    function _revertUnused(IRewardDistributor.Strategy strategy) private pure {
        revert IRewardDistributor.UnusedStrategyParam(strategy);
    }
}
