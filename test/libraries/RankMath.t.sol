// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {RankMath} from "../../contracts/libraries/RankMath.sol";
import {Test} from "forge-std/Test.sol";

/// @dev Exposes `follow` so that its revert can be expected from an external call.
contract RankCursorHarness {
    function follow(RankMath.Cursor memory cursor, uint256 score, uint256 index)
        external
        pure
        returns (RankMath.Cursor memory)
    {
        RankMath.follow(cursor, score, index);
        return cursor;
    }
}

/// @notice reward-math.md §4 as RankMath writes it, against the page's formulas written out here.
contract RankMathTest is Test {
    RankCursorHarness internal harness = new RankCursorHarness();

    /// forge-config: ci.fuzz.runs = 5000
    function testFuzz_ranksAtOrBefore(uint72 score, uint24 index, uint72 lastScore, uint24 lastIndex)
        public
        pure
    {
        bool expected = score > lastScore || (score == lastScore && index <= lastIndex);
        assertEq(RankMath.ranksAtOrBefore(score, index, lastScore, lastIndex), expected, "order");
    }

    function test_ranksAtOrBefore_ties() public pure {
        assertTrue(RankMath.ranksAtOrBefore(7, 2, 7, 2), "the same node");
        assertTrue(RankMath.ranksAtOrBefore(7, 1, 7, 2), "equal score, lower index");
        assertFalse(RankMath.ranksAtOrBefore(7, 3, 7, 2), "equal score, higher index");
        assertTrue(RankMath.ranksAtOrBefore(8, 9, 7, 2), "higher score");
        assertFalse(RankMath.ranksAtOrBefore(6, 0, 7, 2), "lower score");
    }

    /// forge-config: ci.fuzz.runs = 5000
    function testFuzz_tierEnds(uint24 n) public pure {
        (uint256 top, uint256 mid) = RankMath.tierEnds(n);
        // ceil(n / 2) and ceil(4 n / 5), without bps.
        assertEq(top, (uint256(n) + 1) / 2, "top");
        assertEq(mid, (4 * uint256(n) + 4) / 5, "mid");
        for (uint256 rank; rank < 3 && rank < n; ++rank) {
            uint256 w = RankMath.weightAt(rank, top, mid);
            assertEq(w, rank < top ? 3 : rank < mid ? 1 : 0, "weight");
        }
    }

    function test_weightAt_tiers() public pure {
        (uint256 top, uint256 mid) = RankMath.tierEnds(10);
        assertEq(top, 5, "top of 10");
        assertEq(mid, 8, "mid of 10");
        assertEq(RankMath.weightAt(4, top, mid), RankMath.TOP_WEIGHT, "rank 4");
        assertEq(RankMath.weightAt(5, top, mid), RankMath.MID_WEIGHT, "rank 5");
        assertEq(RankMath.weightAt(7, top, mid), 1, "rank 7");
        assertEq(RankMath.weightAt(8, top, mid), 0, "rank 8");
        assertEq(RankMath.TOP_WEIGHT, 3, "3");
    }

    function test_follow_acceptsStrictlyLowerRanks() public view {
        RankMath.Cursor memory cursor = RankMath.Cursor(0, 0, 0, 0, 0);
        cursor = harness.follow(cursor, 100, 4); // any node first
        cursor.rank = 1;
        cursor = harness.follow(cursor, 100, 5); // tie, higher index
        cursor.rank = 2;
        cursor = harness.follow(cursor, 99, 0); // lower score
        assertEq(cursor.lastScore, 99, "last score");
        assertEq(cursor.lastIndex, 0, "last index");
    }

    function test_RevertWhen_followOutOfOrder() public {
        RankMath.Cursor memory cursor = RankMath.Cursor(3, 0, 0, 100, 5);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RankingOutOfOrder.selector, 3, 5, 5));
        harness.follow(cursor, 100, 5); // the same node again
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RankingOutOfOrder.selector, 3, 4, 5));
        harness.follow(cursor, 100, 4);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.RankingOutOfOrder.selector, 3, 9, 5));
        harness.follow(cursor, 101, 9);
    }
}
