// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {FinalizationTest} from "../utils/FinalizationTest.sol";
import {RewardModel} from "../utils/RewardModel.sol";

/// @notice The totals the coordinator claims at start are counted down by the pass and must reach exactly
///         zero: too low fails at the rank where the sum passes the claim, too high at the end, and totals
///         no session can reach are refused at start.
contract ClaimedTotalsTest is FinalizationTest {
    using RewardModel for RewardModel.Node[];

    /// @dev Starts the fixture's pass with the claimed totals, then expects its full ranking to fail with `err`.
    function _expectPassRevert(uint256 sumScore, uint256 sumSquares, bytes memory err) internal {
        vm.prank(coordinator);
        gradpay.startFinalization(SESSION, 5, sumScore, sumSquares);
        _expectRankingRevert(_model(SESSION).indices(), true, err);
    }

    function _totalError(bytes4 selector, IRewardDistributor.ClaimedTotal which, uint256 value)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(selector, SESSION, which, value);
    }

    function test_RevertWhen_claimedSumTooLow() public {
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _completedFixture(0);
        bytes4 tooLow = IRewardDistributor.ClaimedTotalTooLow.selector;
        // Off by one: the last node is where the running total passes the claim.
        _expectPassRevert(
            basis.sumScore - 1,
            basis.sumSquares,
            _totalError(tooLow, IRewardDistributor.ClaimedTotal.SumScore, 4)
        );
        // Short by the top node's score: ranks 2-4 together are below rank 0, so rank 2 passes the claim.
        assertLt(
            ranked[2].score + ranked[3].score + ranked[4].score, ranked[0].score + ranked[2].score, "fixture"
        );
        _expectPassRevert(
            basis.sumScore - ranked[0].score,
            basis.sumSquares,
            _totalError(tooLow, IRewardDistributor.ClaimedTotal.SumScore, 2)
        );
    }

    function test_RevertWhen_claimedSquaresTooLow() public {
        (, RewardModel.Basis memory basis) = _completedFixture(0);
        _expectPassRevert(
            basis.sumScore,
            basis.sumSquares - 1,
            _totalError(
                IRewardDistributor.ClaimedTotalTooLow.selector,
                IRewardDistributor.ClaimedTotal.SumScoreSquared,
                4
            )
        );
    }

    function test_RevertWhen_claimedSumTooHigh() public {
        (, RewardModel.Basis memory basis) = _completedFixture(0);
        _expectPassRevert(
            basis.sumScore + 7,
            basis.sumSquares,
            _totalError(
                IRewardDistributor.ClaimedTotalTooHigh.selector, IRewardDistributor.ClaimedTotal.SumScore, 7
            )
        );
    }

    function test_RevertWhen_claimedSquaresTooHigh() public {
        (, RewardModel.Basis memory basis) = _completedFixture(0);
        _expectPassRevert(
            basis.sumScore,
            basis.sumSquares + 1,
            _totalError(
                IRewardDistributor.ClaimedTotalTooHigh.selector,
                IRewardDistributor.ClaimedTotal.SumScoreSquared,
                1
            )
        );
    }

    function test_RevertWhen_claimedTotalOutOfRange() public {
        (, RewardModel.Basis memory basis) = _completedFixture(0);
        uint256 maxSum = type(uint128).max;
        uint256 maxSquares = type(uint168).max;
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalOutOfRange.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScore,
                maxSum + 1,
                maxSum
            )
        );
        gradpay.startFinalization(SESSION, 5, maxSum + 1, basis.sumSquares);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalOutOfRange.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScoreSquared,
                type(uint256).max,
                maxSquares
            )
        );
        gradpay.startFinalization(SESSION, 5, basis.sumScore, type(uint256).max);
        vm.stopPrank();
    }

    /// @dev The largest claims in range must not overflow the cap computation: they are rejected by the pass.
    function test_RevertWhen_claimedTotalsAtRangeLimitWithClipping() public {
        _recordFixture(SESSION, type(uint64).max);
        _complete(SESSION);
        _expectPassRevert(
            type(uint128).max,
            type(uint168).max,
            _totalError(
                IRewardDistributor.ClaimedTotalTooHigh.selector,
                IRewardDistributor.ClaimedTotal.SumScore,
                type(uint128).max - RewardModel.basisOf(_model(SESSION), 0).sumScore
            )
        );
    }
}
