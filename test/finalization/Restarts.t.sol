// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {FinalizationTest} from "../utils/FinalizationTest.sol";
import {RewardModel} from "../utils/RewardModel.sol";
import {slice} from "../utils/Slice.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice A pass starts over when what it verifies changes: a second `startFinalization`, an exclusion or a
///         new clip factor discards its progress (`FinalizationReset`); nothing changes once Finalized.
contract RestartsTest is FinalizationTest {
    using RewardModel for RewardModel.Node[];

    function test_startFinalization_restartDiscardsProgress() public {
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _startedFixture(0);
        uint32[] memory all = ranked.indices();
        _submit(SESSION, slice(all, 0, 3), false);
        assertEq(gradpay.getFinalization(SESSION).processed, 3, "processed before restart");

        _start(SESSION);
        IRewardDistributor.FinalizationInfo memory info = gradpay.getFinalization(SESSION);
        assertEq(info.processed, 0, "restart resets processed");
        assertEq(info.sumScoreOutstanding, basis.sumScore, "restart resets the sum");

        // The old progress is gone: the old tail alone leaves the ranking incomplete.
        _expectRankingRevert(
            slice(all, 3, 5),
            true,
            abi.encodeWithSelector(
                IRewardDistributor.RankingIncomplete.selector, SESSION, uint32(2), uint32(5)
            )
        );

        _submit(SESSION, all, true);
        assertEq(gradpay.getRewardBasis(SESSION).sumEffectiveScore, basis.sumEffective, "S' after restart");
    }

    function test_excludeNode_resetsFinalizationInProgress() public {
        (RewardModel.Node[] memory ranked,) = _startedFixture(0);
        _submit(SESSION, slice(ranked.indices(), 0, 2), false);

        vm.expectEmit(address(gradpay));
        emit IGradPayBase.FinalizationReset(SESSION);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[0], "bad gradients");

        IRewardDistributor.FinalizationInfo memory info = gradpay.getFinalization(SESSION);
        assertFalse(info.started, "pass discarded");
        assertEq(info.processed, 0, "progress discarded");
        assertEq(info.eligibleCount, 4, "one fewer eligible");

        uint32[] memory rest = slice(ranked.indices(), 2, 5);
        _expectRankingRevert(
            rest, true, abi.encodeWithSelector(IRewardDistributor.FinalizationNotStarted.selector, SESSION)
        );

        // The stale totals no longer fit the eligible set.
        RewardModel.Basis memory stale = RewardModel.basisOf(ranked, 0);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.EligibleCountMismatch.selector, SESSION, uint32(5), uint32(4)
            )
        );
        gradpay.startFinalization(SESSION, 5, stale.sumScore, stale.sumSquares);

        (RewardModel.Node[] memory fresh, RewardModel.Basis memory basis) = _start(SESSION);
        _submit(SESSION, fresh.indices(), true);
        assertEq(gradpay.getRewardBasis(SESSION).sumEffectiveScore, basis.sumEffective, "S' without node 0");
        assertEq(basis.sumEffective, stale.sumScore - 45_000_000_000, "node 0's score is gone");
    }

    function test_setClipK_resetsFinalizationInProgress() public {
        _startedFixture(0);

        vm.expectEmit(address(gradpay));
        emit IGradPayBase.FinalizationReset(SESSION);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
        assertFalse(gradpay.getFinalization(SESSION).started, "pass discarded");

        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        assertEq(gradpay.getFinalization(SESSION).clipCap, basis.cap, "cap from the new clipK");
        assertLt(basis.cap, ranked[0].score, "the new clipK clips the top node");
        _submit(SESSION, ranked.indices(), true);
        assertEq(gradpay.getRewardBasis(SESSION).clipCap, basis.cap, "cap kept");
    }

    function test_excludeNodeAndSetClipK_noResetEventWhenNotStarted() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        vm.recordLogs();
        vm.startPrank(coordinator);
        gradpay.setClipK(SESSION, 2e18);
        gradpay.excludeNode(SESSION, nodes[4], "late");
        vm.stopPrank();
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            assertTrue(
                logs[i].topics[0] != IGradPayBase.FinalizationReset.selector, "no reset without a pass"
            );
        }
        assertEq(logs.length, 2, "ClipKUpdated and NodeExcluded only");
    }

    function test_RevertWhen_excludeNodeOrSetClipK_afterFinalized() public {
        _recordFixture(SESSION, 0);
        _finalize(SESSION);
        vm.startPrank(coordinator);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Completed)
        );
        gradpay.excludeNode(SESSION, nodes[0], "too late");
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Completed)
        );
        gradpay.setClipK(SESSION, 1e18);
        vm.stopPrank();
    }
}
