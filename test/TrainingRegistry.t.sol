// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../contracts/interfaces/IContributionTracker.sol";
import {IGradPayBase} from "../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../contracts/interfaces/IRewardDistributor.sol";
import {ITrainingRegistry} from "../contracts/interfaces/ITrainingRegistry.sol";
import {BaseTest} from "./utils/BaseTest.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice Unit tests of the registry: sessions, nodes, the state machine, exclusion, clipK and pause.
contract TrainingRegistryTest is BaseTest {
    bytes32 internal constant COORDINATOR_ROLE = keccak256("COORDINATOR_ROLE");
    bytes32 internal constant ADMIN_ROLE = 0x00;

    uint64 internal constant OTHER = 2;

    // ------------------------------------------------------------------ local helpers

    /// @dev An Active session without nodes (`_createSession` registers at least one batch).
    function _openSession(uint64 sessionId, uint64 clipK) internal {
        vm.prank(coordinator);
        gradpay.createSession(sessionId, MODEL, clipK);
    }

    function _completed(uint64 sessionId) internal returns (address[] memory nodes) {
        nodes = _createSession(sessionId, 0, 2);
        vm.prank(coordinator);
        gradpay.completeSession(sessionId);
    }

    /// @dev A Finalized session of two nodes, both eligible.
    function _finalized(uint64 sessionId) internal returns (address[] memory nodes) {
        nodes = _createSession(sessionId, 0, 2);
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 100, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        entries[1] = _entry(1, 50, 1, 1, 0, 1, 5000, 5000, 5000);
        _record(sessionId, 0, 0, 1, entries);
        _finalize(sessionId);
        assertEq(
            uint8(gradpay.getSession(sessionId).state),
            uint8(IGradPayBase.SessionState.Finalized),
            "fixture finalized"
        );
    }

    /// @dev A Completed session of two eligible nodes whose finalization pass is started, not finished.
    function _finalizing(uint64 sessionId) internal returns (address[] memory nodes) {
        nodes = _createSession(sessionId, 0, 2);
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 100, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        entries[1] = _entry(1, 50, 1, 1, 0, 1, 5000, 5000, 5000);
        _record(sessionId, 0, 0, 1, entries);
        (, uint256 sumScore, uint256 sumSquares) = _ranking(sessionId);
        vm.startPrank(coordinator);
        gradpay.completeSession(sessionId);
        gradpay.startFinalization(sessionId, 2, sumScore, sumSquares);
        vm.stopPrank();
        assertTrue(gradpay.getFinalization(sessionId).started, "fixture finalization started");
    }

    function _pause() internal {
        vm.prank(admin);
        gradpay.pause();
    }

    function _one(address node) internal pure returns (address[] memory nodes) {
        nodes = new address[](1);
        nodes[0] = node;
    }

    /// @dev Finds the session's packed slot and the bit offset of `nodeCount` in it without assuming a
    ///      storage layout: the slot `getSession` reads that one registration increments by a power of two.
    function _nodeCountSlot(uint64 sessionId) internal returns (bytes32 slot, uint256 shift) {
        vm.record();
        gradpay.getSession(sessionId);
        (bytes32[] memory reads,) = vm.accesses(address(gradpay));
        uint256[] memory before = new uint256[](reads.length);
        for (uint256 i; i < reads.length; ++i) {
            before[i] = uint256(vm.load(address(gradpay), reads[i]));
        }
        vm.prank(coordinator);
        gradpay.registerNode(sessionId, makeAddr("probe"), bytes32(0));
        for (uint256 i; i < reads.length; ++i) {
            uint256 delta = uint256(vm.load(address(gradpay), reads[i])) - before[i];
            if (delta != 0 && delta & (delta - 1) == 0) {
                while (delta > 1) {
                    delta >>= 1;
                    ++shift;
                }
                return (reads[i], shift);
            }
        }
        revert("nodeCount slot not found");
    }

    /// @dev Sets the session's node count to `count` (an Active session with fewer nodes).
    function _forceNodeCount(uint64 sessionId, uint32 count) internal {
        (bytes32 slot, uint256 shift) = _nodeCountSlot(sessionId);
        uint256 current = gradpay.getSession(sessionId).nodeCount;
        uint256 word = uint256(vm.load(address(gradpay), slot));
        vm.store(address(gradpay), slot, bytes32(word + ((uint256(count) - current) << shift)));
        assertEq(gradpay.getSession(sessionId).nodeCount, count, "forced node count");
    }

    // ------------------------------------------------------------------ constructor / constants

    function test_constructor_grantsRolesAndPublishesLimits() public view {
        assertTrue(gradpay.hasRole(ADMIN_ROLE, admin), "admin has DEFAULT_ADMIN_ROLE");
        assertTrue(gradpay.hasRole(COORDINATOR_ROLE, coordinator), "coordinator has COORDINATOR_ROLE");
        assertFalse(gradpay.hasRole(COORDINATOR_ROLE, admin), "admin is not coordinator");
        assertFalse(gradpay.hasRole(ADMIN_ROLE, coordinator), "coordinator is not admin");
        assertEq(gradpay.COORDINATOR_ROLE(), COORDINATOR_ROLE, "COORDINATOR_ROLE");
        assertEq(gradpay.MAX_NODES(), type(uint24).max, "MAX_NODES");
        assertEq(gradpay.MAX_EPOCHS(), 8191, "MAX_EPOCHS");
        assertFalse(gradpay.paused(), "not paused");
    }

    // ------------------------------------------------------------------ createSession

    function test_createSession_storesActiveSession() public {
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.SessionCreated(SESSION, MODEL, 2e18, coordinator);
        _openSession(SESSION, 2e18);

        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(uint8(info.state), uint8(IGradPayBase.SessionState.Active), "state");
        assertEq(info.modelHash, MODEL, "modelHash");
        assertEq(info.clipK, 2e18, "clipK");
        assertEq(info.nodeCount, 0, "nodeCount");
        assertEq(info.eligibleCount, 0, "eligibleCount");
        assertEq(info.totalRounds, 0, "totalRounds");
        assertEq(info.currentEpoch, 0, "currentEpoch");
        assertEq(info.epochCount, 0, "epochCount");
        assertEq(info.currentEpochRounds, 0, "currentEpochRounds");
        assertEq(info.poolCount, 0, "poolCount");
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_createSession(uint64 sessionId, bytes32 modelHash, uint64 clipK) public {
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.SessionCreated(sessionId, modelHash, clipK, coordinator);
        vm.prank(coordinator);
        gradpay.createSession(sessionId, modelHash, clipK);

        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(sessionId);
        assertEq(uint8(info.state), uint8(IGradPayBase.SessionState.Active), "state");
        assertEq(info.modelHash, modelHash, "modelHash");
        assertEq(info.clipK, clipK, "clipK");
        uint64 other = sessionId ^ 1;
        assertEq(uint8(gradpay.getSession(other).state), uint8(IGradPayBase.SessionState.None), "other id");
    }

    function test_getSession_unknownIdIsNone() public view {
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(42);
        assertEq(uint8(info.state), uint8(IGradPayBase.SessionState.None), "state");
        assertEq(info.modelHash, bytes32(0), "modelHash");
        assertEq(info.clipK, 0, "clipK");
        assertEq(info.nodeCount, 0, "nodeCount");
    }

    function test_RevertWhen_createSessionIdTaken() public {
        _openSession(SESSION, 0);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.SessionAlreadyExists.selector, SESSION));
        vm.prank(coordinator);
        gradpay.createSession(SESSION, keccak256("other"), 1);
        assertEq(gradpay.getSession(SESSION).modelHash, MODEL, "model unchanged");
    }

    function test_RevertWhen_createSessionIdTakenByCompletedSession() public {
        _completed(SESSION);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.SessionAlreadyExists.selector, SESSION));
        vm.prank(coordinator);
        gradpay.createSession(SESSION, MODEL, 0);
    }

    function test_RevertWhen_createSessionCallerNotCoordinator() public {
        vm.expectRevert(_unauthorized(stranger, COORDINATOR_ROLE));
        vm.prank(stranger);
        gradpay.createSession(SESSION, MODEL, 0);

        vm.expectRevert(_unauthorized(admin, COORDINATOR_ROLE));
        vm.prank(admin);
        gradpay.createSession(SESSION, MODEL, 0);
    }

    function test_RevertWhen_createSessionPaused() public {
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(coordinator);
        gradpay.createSession(SESSION, MODEL, 0);
    }

    // ------------------------------------------------------------------ setClipK

    function test_setClipK_updatesAndEmits() public {
        _openSession(SESSION, 1e18);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.ClipKUpdated(SESSION, 1e18, 3e18);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 3e18);
        assertEq(gradpay.getSession(SESSION).clipK, 3e18, "clipK");
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_setClipK(uint64 first, uint64 second) public {
        _openSession(SESSION, first);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.ClipKUpdated(SESSION, first, second);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, second);
        assertEq(gradpay.getSession(SESSION).clipK, second, "clipK");
    }

    function test_setClipK_allowedWhenCompleted() public {
        _completed(SESSION);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 5e17);
        assertEq(gradpay.getSession(SESSION).clipK, 5e17, "clipK");
    }

    function test_setClipK_restartsFinalizationInProgress() public {
        _finalizing(SESSION);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.ClipKUpdated(SESSION, 0, 1e18);
        vm.expectEmit(address(gradpay));
        emit IGradPayBase.FinalizationReset(SESSION);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
        assertFalse(gradpay.getFinalization(SESSION).started, "finalization reset");
        assertEq(
            uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Completed), "state"
        );
    }

    function test_setClipK_noResetWithoutFinalization() public {
        _completed(SESSION);
        vm.recordLogs();
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
        assertEq(vm.getRecordedLogs().length, 1, "only ClipKUpdated");
    }

    function test_RevertWhen_setClipKSessionFinalized() public {
        _finalized(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Completed)
        );
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
    }

    function test_RevertWhen_setClipKSessionUnknown() public {
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.None, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
    }

    function test_RevertWhen_setClipKCallerNotCoordinator() public {
        _openSession(SESSION, 0);
        vm.expectRevert(_unauthorized(stranger, COORDINATOR_ROLE));
        vm.prank(stranger);
        gradpay.setClipK(SESSION, 1e18);
    }

    function test_RevertWhen_setClipKPaused() public {
        _openSession(SESSION, 0);
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
    }

    // ------------------------------------------------------------------ registerNode

    function test_registerNode_assignsDenseIndices() public {
        _openSession(SESSION, 0);
        address[] memory nodes = _nodes(3);
        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(address(gradpay));
            emit ITrainingRegistry.NodeRegistered(SESSION, nodes[i], uint32(i), bytes32(i + 100));
            vm.prank(coordinator);
            uint32 index = gradpay.registerNode(SESSION, nodes[i], bytes32(i + 100));
            assertEq(index, i, "returned index");
            assertEq(gradpay.nodeIndex(SESSION, nodes[i]), i, "nodeIndex");
            assertTrue(gradpay.isRegistered(SESSION, nodes[i]), "isRegistered");
            assertEq(gradpay.getSession(SESSION).nodeCount, i + 1, "nodeCount");
        }
        IContributionTracker.NodeRecord memory record = gradpay.getContribution(SESSION, nodes[2]);
        assertEq(record.index, 2, "record index");
        assertEq(record.computeSeconds, 0, "no records yet");
        assertEq(record.epochs, 0, "no epochs yet");
        assertFalse(record.excluded, "not excluded");
    }

    function test_registerNode_sessionsAreIndependent() public {
        _openSession(SESSION, 0);
        _openSession(OTHER, 0);
        address[] memory nodes = _nodes(2);
        vm.startPrank(coordinator);
        gradpay.registerNode(SESSION, nodes[0], 0);
        gradpay.registerNode(SESSION, nodes[1], 0);
        gradpay.registerNode(OTHER, nodes[1], 0);
        vm.stopPrank();
        assertEq(gradpay.nodeIndex(SESSION, nodes[1]), 1, "index in SESSION");
        assertEq(gradpay.nodeIndex(OTHER, nodes[1]), 0, "index in OTHER");
        assertFalse(gradpay.isRegistered(OTHER, nodes[0]), "node 0 not in OTHER");
        assertEq(gradpay.getSession(OTHER).nodeCount, 1, "OTHER nodeCount");
    }

    function test_registerNode_continuesAfterBatch() public {
        _createSession(SESSION, 0, 4);
        vm.prank(coordinator);
        uint32 index = gradpay.registerNode(SESSION, stranger, 0);
        assertEq(index, 4, "index after a batch of 4");
        assertEq(gradpay.nodeIndex(SESSION, stranger), 4, "nodeIndex");
    }

    function test_RevertWhen_registerNodeZeroAddress() public {
        _openSession(SESSION, 0);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.ZeroAddressNode.selector, 0));
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, address(0), 0);
    }

    function test_RevertWhen_registerNodeAlreadyRegistered() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        vm.expectRevert(
            abi.encodeWithSelector(ITrainingRegistry.NodeAlreadyRegistered.selector, SESSION, nodes[1])
        );
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, nodes[1], 0);
        assertEq(gradpay.getSession(SESSION).nodeCount, 2, "nodeCount unchanged");
    }

    function test_RevertWhen_registerNodeSessionUnknown() public {
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.None, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, 0);
    }

    function test_RevertWhen_registerNodeSessionCompleted() public {
        _completed(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, 0);
    }

    function test_RevertWhen_registerNodeSessionFinalized() public {
        _finalized(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, 0);
    }

    function test_RevertWhen_registerNodeCallerNotCoordinator() public {
        _openSession(SESSION, 0);
        vm.expectRevert(_unauthorized(stranger, COORDINATOR_ROLE));
        vm.prank(stranger);
        gradpay.registerNode(SESSION, stranger, 0);
    }

    function test_RevertWhen_registerNodePaused() public {
        _openSession(SESSION, 0);
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, 0);
    }

    function test_RevertWhen_registerNodeTooManyNodes() public {
        _openSession(SESSION, 0);
        uint32 limit = uint32(gradpay.MAX_NODES());
        _forceNodeCount(SESSION, limit - 1);
        vm.prank(coordinator);
        assertEq(gradpay.registerNode(SESSION, makeAddr("last"), 0), limit - 1, "last index");
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.TooManyNodes.selector, SESSION, uint256(limit) + 1, limit
            )
        );
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, 0);
    }

    // ------------------------------------------------------------------ registerNodesBatch

    function test_registerNodesBatch_assignsIndicesInListOrder() public {
        _openSession(SESSION, 0);
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, 0);

        address[] memory nodes = _nodes(3);
        bytes32[] memory ids = _nodeIds(3);
        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(address(gradpay));
            emit ITrainingRegistry.NodeRegistered(SESSION, nodes[i], uint32(i + 1), ids[i]);
        }
        vm.prank(coordinator);
        uint32 first = gradpay.registerNodesBatch(SESSION, nodes, ids);
        assertEq(first, 1, "firstIndex");
        for (uint256 i; i < 3; ++i) {
            assertEq(gradpay.nodeIndex(SESSION, nodes[i]), i + 1, "nodeIndex");
            assertTrue(gradpay.isRegistered(SESSION, nodes[i]), "isRegistered");
        }
        assertEq(gradpay.getSession(SESSION).nodeCount, 4, "nodeCount");
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_registerNodesBatch(uint256 before, uint256 count) public {
        before = bound(before, 0, 5);
        count = bound(count, 1, 40);
        _openSession(SESSION, 0);
        for (uint256 i; i < before; ++i) {
            vm.prank(coordinator);
            gradpay.registerNode(SESSION, makeAddr(string.concat("early-", vm.toString(i))), 0);
        }
        address[] memory nodes = _nodes(count);
        vm.prank(coordinator);
        uint32 first = gradpay.registerNodesBatch(SESSION, nodes, _nodeIds(count));
        assertEq(first, before, "firstIndex");
        assertEq(gradpay.getSession(SESSION).nodeCount, before + count, "nodeCount");
        for (uint256 i; i < count; ++i) {
            assertEq(gradpay.nodeIndex(SESSION, nodes[i]), before + i, "nodeIndex");
        }
    }

    function test_RevertWhen_registerNodesBatchLengthMismatch() public {
        _openSession(SESSION, 0);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.ArrayLengthMismatch.selector, 2, 3));
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, _nodes(2), _nodeIds(3));
    }

    function test_RevertWhen_registerNodesBatchEmpty() public {
        _openSession(SESSION, 0);
        vm.expectRevert(IGradPayBase.EmptyList.selector);
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, new address[](0), new bytes32[](0));
    }

    function test_RevertWhen_registerNodesBatchZeroAddress() public {
        _openSession(SESSION, 0);
        address[] memory nodes = _nodes(4);
        nodes[2] = address(0);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.ZeroAddressNode.selector, 2));
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, nodes, _nodeIds(4));
        assertEq(gradpay.getSession(SESSION).nodeCount, 0, "nothing registered");
        assertFalse(gradpay.isRegistered(SESSION, nodes[0]), "node 0 rolled back");
    }

    function test_RevertWhen_registerNodesBatchDuplicateInBatch() public {
        _openSession(SESSION, 0);
        address[] memory nodes = _nodes(3);
        nodes[2] = nodes[0];
        vm.expectRevert(
            abi.encodeWithSelector(ITrainingRegistry.NodeAlreadyRegistered.selector, SESSION, nodes[0])
        );
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, nodes, _nodeIds(3));
        assertEq(gradpay.getSession(SESSION).nodeCount, 0, "nothing registered");
        assertFalse(gradpay.isRegistered(SESSION, nodes[1]), "node 1 rolled back");
    }

    function test_RevertWhen_registerNodesBatchAlreadyRegistered() public {
        _createSession(SESSION, 0, 2);
        address[] memory nodes = new address[](2);
        nodes[0] = stranger;
        nodes[1] = _nodes(2)[1];
        vm.expectRevert(
            abi.encodeWithSelector(ITrainingRegistry.NodeAlreadyRegistered.selector, SESSION, nodes[1])
        );
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, nodes, _nodeIds(2));
        assertFalse(gradpay.isRegistered(SESSION, stranger), "stranger rolled back");
        assertEq(gradpay.getSession(SESSION).nodeCount, 2, "nodeCount unchanged");
    }

    function test_RevertWhen_registerNodesBatchSessionUnknown() public {
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.None, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, _nodes(1), _nodeIds(1));
    }

    function test_RevertWhen_registerNodesBatchSessionCompleted() public {
        _completed(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, _one(stranger), _nodeIds(1));
    }

    function test_RevertWhen_registerNodesBatchSessionFinalized() public {
        _finalized(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, _one(stranger), _nodeIds(1));
    }

    function test_RevertWhen_registerNodesBatchCallerNotCoordinator() public {
        _openSession(SESSION, 0);
        vm.expectRevert(_unauthorized(stranger, COORDINATOR_ROLE));
        vm.prank(stranger);
        gradpay.registerNodesBatch(SESSION, _nodes(1), _nodeIds(1));
    }

    function test_RevertWhen_registerNodesBatchPaused() public {
        _openSession(SESSION, 0);
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, _nodes(1), _nodeIds(1));
    }

    function test_RevertWhen_registerNodesBatchTooManyNodes() public {
        _openSession(SESSION, 0);
        uint32 limit = uint32(gradpay.MAX_NODES());
        _forceNodeCount(SESSION, limit - 2);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.TooManyNodes.selector, SESSION, uint256(limit) + 1, limit
            )
        );
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, _nodes(3), _nodeIds(3));
        // Exactly up to the limit is fine.
        vm.prank(coordinator);
        assertEq(gradpay.registerNodesBatch(SESSION, _nodes(2), _nodeIds(2)), limit - 2, "firstIndex");
        assertEq(gradpay.getSession(SESSION).nodeCount, limit, "full");
    }

    // ------------------------------------------------------------------ nodeIndex / isRegistered

    function test_RevertWhen_nodeIndexNodeNotRegistered() public {
        _createSession(SESSION, 0, 2);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, stranger));
        gradpay.nodeIndex(SESSION, stranger);
    }

    function test_RevertWhen_nodeIndexSessionUnknown() public {
        address node = _nodes(1)[0];
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, OTHER, node));
        gradpay.nodeIndex(OTHER, node);
    }

    function test_isRegistered() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        assertTrue(gradpay.isRegistered(SESSION, nodes[0]), "node 0");
        assertTrue(gradpay.isRegistered(SESSION, nodes[1]), "node 1");
        assertFalse(gradpay.isRegistered(SESSION, stranger), "stranger");
        assertFalse(gradpay.isRegistered(SESSION, address(0)), "zero address");
        assertFalse(gradpay.isRegistered(OTHER, nodes[0]), "other session");
    }

    // ------------------------------------------------------------------ excludeNode

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
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.None, IGradPayBase.SessionState.Active)
        );
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

    function test_RevertWhen_excludeNodeCallerNotCoordinator() public {
        address[] memory nodes = _createSession(SESSION, 0, 1);
        vm.expectRevert(_unauthorized(stranger, COORDINATOR_ROLE));
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

    // ------------------------------------------------------------------ completeSession

    function test_completeSession() public {
        _createSession(SESSION, 0, 3);
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 1, 1, 1);
        entries[1] = _entry(1, 10, 1, 0, 1, 1, 1, 1, 1);
        _record(SESSION, 0, 0, 7, entries);

        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.SessionCompleted(SESSION, 3, 2, 7);
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        assertEq(
            uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Completed), "state"
        );
    }

    function test_completeSession_withoutNodes() public {
        _openSession(SESSION, 0);
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        assertEq(
            uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Completed), "state"
        );
    }

    function test_RevertWhen_completeSessionSessionUnknown() public {
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.None, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
    }

    function test_RevertWhen_completeSessionSessionCompleted() public {
        _completed(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
    }

    function test_RevertWhen_completeSessionSessionFinalized() public {
        _finalized(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
    }

    function test_RevertWhen_completeSessionCallerNotCoordinator() public {
        _openSession(SESSION, 0);
        vm.expectRevert(_unauthorized(stranger, COORDINATOR_ROLE));
        vm.prank(stranger);
        gradpay.completeSession(SESSION);
    }

    function test_RevertWhen_completeSessionPaused() public {
        _openSession(SESSION, 0);
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
    }

    // ------------------------------------------------------------------ pause / unpause

    function test_pause_unpause() public {
        _openSession(SESSION, 0);
        vm.expectEmit(address(gradpay));
        emit Pausable.Paused(admin);
        vm.prank(admin);
        gradpay.pause();
        assertTrue(gradpay.paused(), "paused");

        // Views keep working while paused.
        assertEq(uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Active), "view");
        assertFalse(gradpay.isRegistered(SESSION, stranger), "view isRegistered");

        vm.expectEmit(address(gradpay));
        emit Pausable.Unpaused(admin);
        vm.prank(admin);
        gradpay.unpause();
        assertFalse(gradpay.paused(), "unpaused");

        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, 0);
        assertTrue(gradpay.isRegistered(SESSION, stranger), "works again");
    }

    function test_RevertWhen_pauseCallerNotAdmin() public {
        vm.expectRevert(_unauthorized(coordinator, ADMIN_ROLE));
        vm.prank(coordinator);
        gradpay.pause();
        vm.expectRevert(_unauthorized(stranger, ADMIN_ROLE));
        vm.prank(stranger);
        gradpay.pause();
        assertFalse(gradpay.paused(), "not paused");
    }

    function test_RevertWhen_pausePaused() public {
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(admin);
        gradpay.pause();
    }

    function test_RevertWhen_unpauseCallerNotAdmin() public {
        _pause();
        vm.expectRevert(_unauthorized(coordinator, ADMIN_ROLE));
        vm.prank(coordinator);
        gradpay.unpause();
        assertTrue(gradpay.paused(), "still paused");
    }

    function test_RevertWhen_unpauseNotPaused() public {
        vm.expectRevert(Pausable.ExpectedPause.selector);
        vm.prank(admin);
        gradpay.unpause();
    }

    function test_roleGrantedCoordinatorCanCreate() public {
        vm.prank(admin);
        gradpay.grantRole(COORDINATOR_ROLE, stranger);
        vm.prank(stranger);
        gradpay.createSession(SESSION, MODEL, 0);
        assertEq(uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Active), "state");
    }
}
