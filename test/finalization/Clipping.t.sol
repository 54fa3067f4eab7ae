// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {FinalizationTest} from "../utils/FinalizationTest.sol";
import {RewardModel} from "../utils/RewardModel.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice reward-math.md §3 in the pass: the cap from the claimed totals, `OutlierClipped` for each node
///         above it, S' summing the clipped scores.
contract ClippingTest is FinalizationTest {
    using RewardModel for RewardModel.Node[];

    function test_submitRanking_emitsOutlierClippedAboveCapOnly() public {
        _recordFixture(SESSION, 5e17); // half a sigma: nodes 1 and 5 are above the cap
        _complete(SESSION);
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        assertGt(ranked[1].score, basis.cap, "fixture: rank 1 above cap");
        assertLt(ranked[2].score, basis.cap, "fixture: rank 2 below cap");

        vm.recordLogs();
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.OutlierClipped(SESSION, ranked[0].index, ranked[0].score, basis.cap);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.OutlierClipped(SESSION, ranked[1].index, ranked[1].score, basis.cap);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.SessionFinalized(SESSION, 5, basis.sumEffective, basis.cap);
        _submit(SESSION, ranked.indices(), true);

        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 clipped;
        for (uint256 i; i < logs.length; ++i) {
            // The test's own `emit`s for expectEmit are recorded too: count gradpay's only.
            if (
                logs[i].emitter == address(gradpay)
                    && logs[i].topics[0] == IRewardDistributor.OutlierClipped.selector
            ) {
                ++clipped;
            }
        }
        assertEq(clipped, 2, "exactly the two nodes above the cap");
        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        assertEq(rb.clipCap, basis.cap, "cap");
        assertEq(rb.sumEffectiveScore, basis.sumEffective, "S'");
        assertEq(
            rb.sumEffectiveScore,
            2 * basis.cap + ranked[2].score + ranked[3].score + ranked[4].score,
            "S' = 2 cap + the unclipped rest"
        );
    }

    function test_clipCap_matchesFormula() public {
        (, RewardModel.Basis memory basis) = _startedFixture(1e18);
        uint256 variance = 5 * basis.sumSquares - basis.sumScore * basis.sumScore;
        uint256 expected = (basis.sumScore * 1e18 + 1e18 * RewardModel.isqrt(variance)) / (5 * 1e18);
        assertEq(gradpay.getFinalization(SESSION).clipCap, expected, "cap = mean + sigma");
        assertEq(expected, basis.cap, "model agrees");
    }

    function test_clipK_hugeIsNoOp() public {
        _recordFixture(SESSION, type(uint64).max);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        assertGe(basis.cap, ranked[0].score, "an 18-sigma cap clips no one");
        vm.recordLogs();
        _submit(SESSION, ranked.indices(), true);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            assertTrue(logs[i].topics[0] != IRewardDistributor.OutlierClipped.selector, "nothing clipped");
        }
        assertEq(gradpay.getRewardBasis(SESSION).sumEffectiveScore, basis.sumScore, "S' = S");
    }
}
