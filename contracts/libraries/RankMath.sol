// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {BPS} from "./Bps.sol";

/// @title RankMath
/// @notice reward-math.md §4: the rank order, the tier ends and the tier weights, each written once.
///         Finalization checks the order and weighs nodes by rank; a claim, which has no rank, finds its
///         tier by comparing the node with each tier's last node in the same order.
library RankMath {
    /// @dev Tier 1 is the first ceil(50 %) of the ranking, tiers 1 and 2 the first ceil(80 %).
    uint256 internal constant TOP_BPS = 5000;
    uint256 internal constant MID_BPS = 8000;
    /// @dev Tier weights: 3 in tier 1, 1 in tier 2, 0 below.
    uint256 internal constant TOP_WEIGHT = 3;
    uint256 internal constant MID_WEIGHT = 1;

    /// @notice Where a finalization pass stands in the ranking: the next rank, the tier ends, and the
    ///         last node verified.
    struct Cursor {
        uint256 rank;
        uint256 top;
        uint256 mid;
        uint256 lastScore;
        uint256 lastIndex;
    }

    /// @notice The tier ends for `n` ranked nodes: ranks below `top` are tier 1, ranks in [top, mid) tier 2.
    /// @return top ceil(n * 50 %).
    /// @return mid ceil(n * 80 %).
    function tierEnds(uint256 n) internal pure returns (uint256 top, uint256 mid) {
        top = (n * TOP_BPS + BPS - 1) / BPS;
        mid = (n * MID_BPS + BPS - 1) / BPS;
    }

    /// @notice The weight of rank `rank` given the tier ends.
    function weightAt(uint256 rank, uint256 top, uint256 mid) internal pure returns (uint256) {
        if (rank < top) return TOP_WEIGHT;
        if (rank < mid) return MID_WEIGHT;
        return 0;
    }

    /// @notice The order, (score descending, index ascending): true when (score, index) ranks at or before
    ///         (lastScore, lastIndex). A claim finds its tier with it (at or before the tier's last node);
    ///         the pass refuses with it a node that does not rank strictly after the previous one.
    /// @dev Branch-free, so that it stays small enough to be inlined into the pass's loop.
    function ranksAtOrBefore(uint256 score, uint256 index, uint256 lastScore, uint256 lastIndex)
        internal
        pure
        returns (bool atOrBefore)
    {
        assembly ("memory-safe") {
            atOrBefore := or(gt(score, lastScore), and(eq(score, lastScore), iszero(gt(index, lastIndex))))
        }
    }

    /// @notice Checks that (score, index) ranks strictly after the cursor's last node (any node may come
    ///         first) and makes it the last node; equal pairs, hence duplicates, fail.
    function follow(Cursor memory cursor, uint256 score, uint256 index) internal pure {
        if (cursor.rank != 0 && ranksAtOrBefore(score, index, cursor.lastScore, cursor.lastIndex)) {
            revert IRewardDistributor.RankingOutOfOrder(cursor.rank, uint32(index), uint32(cursor.lastIndex));
        }
        (cursor.lastScore, cursor.lastIndex) = (score, index);
    }
}
