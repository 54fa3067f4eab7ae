// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice excludeNode: records kept, eligibility and the eligible count, a finalization in progress restarted.
contract ExclusionTest is RegistryTest {
    function test_excludeNode_eligibleNode() public {
        address[] memory nodes = _createSession(SESSION, 0, 3);
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 1, 1, 1);
        entries[1] = _entry(2, 10, 1, 0, 1, 1, 1, 1, 1);
        _record(SESSION, 0, 0, 1, entries);
        assertEq(gradpay.getSession(SESSION).eligibleCount, 2, "eligible before");

        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.NodeExcluded(SESSION, nodes[2], 2, "cheater");
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[2], "cheater");

        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "eligible after");
        IContributionTracker.NodeRecord memory record = gradpay.getContribution(SESSION, nodes[2]);
        assertTrue(record.excluded, "excluded");
        assertEq(record.computeSeconds, 10, "records kept");
        assertEq(record.epochs, 1, "epochs kept");
        assertFalse(gradpay.getScore(SESSION, nodes[2]).eligible, "not eligible");
        assertGt(gradpay.getScore(SESSION, nodes[2]).score, 0, "score still computed");
        assertTrue(gradpay.getScore(SESSION, nodes[0]).eligible, "node 0 still eligible");
    }

    function test_excludeNode_nodeWithoutComputeKeepsEligibleCount() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 1, 1, 1);
        entries[1] = _entry(1, 0, 1, 0, 1, 1, 1, 1, 1);
        _record(SESSION, 0, 0, 1, entries);
        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "eligible before");

        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[1], "");
        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "eligible after");
        assertTrue(gradpay.getContribution(SESSION, nodes[1]).excluded, "excluded");

        // Compute recorded after the exclusion does not make it eligible.
        entries = new uint256[](1);
        entries[0] = _entry(1, 10, 1, 0, 1, 1, 1, 1, 1);
        _record(SESSION, 1, 0, 1, entries);
        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "excluded never becomes eligible");
        assertEq(gradpay.getContribution(SESSION, nodes[1]).computeSeconds, 10, "recorded anyway");
        assertTrue(gradpay.getContribution(SESSION, nodes[1]).excluded, "still excluded");
    }

    function test_excludeNode_allowedWhenCompleted() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        uint256[] memory entries = new uint256[](1);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 1, 1, 1);
        _record(SESSION, 0, 0, 1, entries);
        vm.startPrank(coordinator);
        gradpay.completeSession(SESSION);
        gradpay.excludeNode(SESSION, nodes[0], "late");
        vm.stopPrank();
        assertEq(gradpay.getSession(SESSION).eligibleCount, 0, "eligibleCount");
    }

    function test_excludeNode_restartsFinalizationInProgress() public {
        address[] memory nodes = _finalizing(SESSION);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.NodeExcluded(SESSION, nodes[1], 1, "r");
        vm.expectEmit(address(gradpay));
        emit IGradPayBase.FinalizationReset(SESSION);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[1], "r");
        assertFalse(gradpay.getFinalization(SESSION).started, "finalization reset");
        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "eligibleCount");
    }

    function test_RevertWhen_excludeNodeAlreadyExcluded() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[0], "");
        vm.expectRevert(
            abi.encodeWithSelector(ITrainingRegistry.NodeAlreadyExcluded.selector, SESSION, nodes[0])
        );
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[0], "");
    }

    function test_RevertWhen_excludeNodeNotRegistered() public {
        _createSession(SESSION, 0, 2);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, stranger));
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, stranger, "");
    }

    function test_RevertWhen_excludeNodeSessionUnknown() public {
        // An unknown session has no owner: even a coordinator is no operator of it.
        vm.expectRevert(_notOperator(SESSION, coordinator));
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, stranger, "");
    }

    function test_RevertWhen_excludeNodeSessionFinalized() public {
        address[] memory nodes = _finalized(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Completed)
        );
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[0], "");
        assertFalse(gradpay.getContribution(SESSION, nodes[0]).excluded, "not excluded");
    }

    function test_RevertWhen_excludeNodeCallerNotOperator() public {
        address[] memory nodes = _createSession(SESSION, 0, 1);
        vm.expectRevert(_notOperator(SESSION, stranger));
        vm.prank(stranger);
        gradpay.excludeNode(SESSION, nodes[0], "");
    }

    function test_RevertWhen_excludeNodePaused() public {
        address[] memory nodes = _createSession(SESSION, 0, 1);
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[0], "");
    }
}
