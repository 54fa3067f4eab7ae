// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {FinalizationTest} from "../utils/FinalizationTest.sol";
import {RewardModel} from "../utils/RewardModel.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice `startFinalization`: the fixture as documented, the pass it opens, the eligible count it
///         checks, a session with nothing eligible finalized at once, and who may start it when.
contract StartTest is FinalizationTest {
    using RewardModel for RewardModel.Node[];

    // ------------------------------------------------------------------ start

    function test_fixture_rankingIsAsDocumented() public {
        _recordFixture(SESSION, 0);
        uint32[] memory ranked = _model(SESSION).indices();
        assertEq(ranked.length, 5, "eligible nodes");
        assertEq(ranked[0], 1, "rank 0");
        assertEq(ranked[1], 5, "rank 1");
        assertEq(ranked[2], 0, "rank 2");
        assertEq(ranked[3], 2, "rank 3");
        assertEq(ranked[4], 4, "rank 4");
        (uint32[] memory baseRanked,,) = _ranking(SESSION);
        assertEq(keccak256(abi.encode(baseRanked)), keccak256(abi.encode(ranked)), "BaseTest ranking agrees");
    }

    function test_startFinalization_recordsPassAndEmits() public {
        (, RewardModel.Basis memory basis) = _completedFixture(0);

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.FinalizationStarted(
            SESSION, 5, basis.sumScore, basis.sumSquares, RewardModel.NO_CAP
        );
        vm.prank(coordinator);
        gradpay.startFinalization(SESSION, 5, basis.sumScore, basis.sumSquares);

        IRewardDistributor.FinalizationInfo memory info = gradpay.getFinalization(SESSION);
        assertTrue(info.started, "started");
        assertEq(info.processed, 0, "processed");
        assertEq(info.eligibleCount, 5, "eligibleCount");
        assertEq(info.sumScoreOutstanding, basis.sumScore, "sum outstanding");
        assertEq(info.sumScoreSquaredOutstanding, basis.sumSquares, "squares outstanding");
        assertEq(info.clipCap, RewardModel.NO_CAP, "no cap when clipK = 0");
        _assertState(SESSION, IGradPayBase.SessionState.Completed, "still Completed");
    }

    function test_RevertWhen_startFinalization_eligibleCountMismatch() public {
        (, RewardModel.Basis memory basis) = _completedFixture(0);
        // A coordinator that missed node 4 (or counted node 3) cannot even start.
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.EligibleCountMismatch.selector, SESSION, uint32(4), uint32(5)
            )
        );
        gradpay.startFinalization(SESSION, 4, basis.sumScore, basis.sumSquares);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.EligibleCountMismatch.selector, SESSION, uint32(6), uint32(5)
            )
        );
        gradpay.startFinalization(SESSION, 6, basis.sumScore, basis.sumSquares);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ zero eligible

    function test_startFinalization_zeroEligibleFinalizesAtStart() public {
        _createSession(SESSION, 1e18, 3); // nobody reports
        _complete(SESSION);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.FinalizationStarted(SESSION, 0, 0, 0, RewardModel.NO_CAP);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.SessionFinalized(SESSION, 0, 0, RewardModel.NO_CAP);
        vm.prank(coordinator);
        gradpay.startFinalization(SESSION, 0, 0, 0);
        _assertState(SESSION, IGradPayBase.SessionState.Finalized, "Finalized");
        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        assertEq(rb.eligibleCount, 0, "n = 0");
        assertEq(rb.sumEffectiveScore, 0, "S' = 0");
    }

    function test_startFinalization_allExcludedFinalizesAtStart() public {
        nodes = _createSession(SESSION, 0, 2);
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        entries[1] = _entry(1, 20, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        _record(SESSION, 0, 0, 1, entries);
        vm.startPrank(coordinator);
        gradpay.excludeNode(SESSION, nodes[0], "a");
        gradpay.excludeNode(SESSION, nodes[1], "b");
        gradpay.completeSession(SESSION);
        gradpay.startFinalization(SESSION, 0, 0, 0);
        vm.stopPrank();
        _assertState(SESSION, IGradPayBase.SessionState.Finalized, "Finalized");
    }

    function test_RevertWhen_zeroEligibleWithClaimedTotals() public {
        _createSession(SESSION, 0, 3);
        _complete(SESSION);
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalTooHigh.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScore,
                5
            )
        );
        gradpay.startFinalization(SESSION, 0, 5, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalTooHigh.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScoreSquared,
                9
            )
        );
        gradpay.startFinalization(SESSION, 0, 0, 9);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ access, pause, state

    function test_RevertWhen_startFinalization_unauthorized() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        vm.prank(stranger);
        vm.expectRevert(_notOperator(SESSION, stranger));
        gradpay.startFinalization(SESSION, 5, 0, 0);
        vm.prank(admin);
        vm.expectRevert(_notOperator(SESSION, admin));
        gradpay.startFinalization(SESSION, 5, 0, 0);
    }

    function test_RevertWhen_startFinalization_paused() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        vm.prank(admin);
        gradpay.pause();
        vm.prank(coordinator);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        gradpay.startFinalization(SESSION, 5, 0, 0);
    }

    function test_RevertWhen_startFinalization_wrongState() public {
        vm.startPrank(coordinator);
        // An unknown session has no owner: even a coordinator is no operator of it.
        vm.expectRevert(_notOperator(SESSION, coordinator));
        gradpay.startFinalization(SESSION, 0, 0, 0);
        vm.stopPrank();

        _recordFixture(SESSION, 0);
        RewardModel.Basis memory basis = RewardModel.basisOf(_model(SESSION), 0);
        vm.startPrank(coordinator);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Active, IGradPayBase.SessionState.Completed)
        );
        gradpay.startFinalization(SESSION, 5, basis.sumScore, basis.sumSquares);
        vm.stopPrank();

        _finalize(SESSION);
        vm.prank(coordinator);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Completed)
        );
        gradpay.startFinalization(SESSION, 5, basis.sumScore, basis.sumSquares);
    }

    function test_RevertWhen_getRewardBasis_notFinalized() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Finalized)
        );
        gradpay.getRewardBasis(SESSION);
    }
}
