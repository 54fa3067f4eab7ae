// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice registerNode and registerNodesBatch: dense indices per session in call and list order, every refusal
///         (a refused batch rolls back whole), and the lookups they feed (nodeIndex, isRegistered). Node ids:
///         NodeIds.t.sol.
contract RegistrationTest is RegistryTest {
    function _one(address node) internal pure returns (address[] memory nodes) {
        nodes = new address[](1);
        nodes[0] = node;
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
        gradpay.registerNode(SESSION, nodes[0], _idOf(nodes[0]));
        gradpay.registerNode(SESSION, nodes[1], _idOf(nodes[1]));
        // Ids are unique per session: the same node may use the same id elsewhere.
        gradpay.registerNode(OTHER, nodes[1], _idOf(nodes[1]));
        vm.stopPrank();
        assertEq(gradpay.nodeIndex(SESSION, nodes[1]), 1, "index in SESSION");
        assertEq(gradpay.nodeIndex(OTHER, nodes[1]), 0, "index in OTHER");
        assertFalse(gradpay.isRegistered(OTHER, nodes[0]), "node 0 not in OTHER");
        assertEq(gradpay.getSession(OTHER).nodeCount, 1, "OTHER nodeCount");
    }

    function test_registerNode_continuesAfterBatch() public {
        _createSession(SESSION, 0, 4);
        vm.prank(coordinator);
        uint32 index = gradpay.registerNode(SESSION, stranger, _idOf(stranger));
        assertEq(index, 4, "index after a batch of 4");
        assertEq(gradpay.nodeIndex(SESSION, stranger), 4, "nodeIndex");
    }

    function test_RevertWhen_registerNodeZeroAddress() public {
        _openSession(SESSION, 0);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.ZeroAddressNode.selector, 0));
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, address(0), _idOf(address(0)));
    }

    function test_RevertWhen_registerNodeAlreadyRegistered() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        vm.expectRevert(
            abi.encodeWithSelector(ITrainingRegistry.NodeAlreadyRegistered.selector, SESSION, nodes[1])
        );
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, nodes[1], _idOf(nodes[1]));
        assertEq(gradpay.getSession(SESSION).nodeCount, 2, "nodeCount unchanged");
    }

    function test_RevertWhen_registerNodeSessionUnknown() public {
        // An unknown session has no owner: even a coordinator is no operator of it.
        vm.expectRevert(_notOperator(SESSION, coordinator));
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, _idOf(stranger));
    }

    function test_RevertWhen_registerNodeSessionCompleted() public {
        _completed(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, _idOf(stranger));
    }

    function test_RevertWhen_registerNodeSessionFinalized() public {
        _finalized(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, _idOf(stranger));
    }

    function test_RevertWhen_registerNodeCallerNotOperator() public {
        _openSession(SESSION, 0);
        vm.expectRevert(_notOperator(SESSION, stranger));
        vm.prank(stranger);
        gradpay.registerNode(SESSION, stranger, _idOf(stranger));
    }

    function test_RevertWhen_registerNodePaused() public {
        _openSession(SESSION, 0);
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, _idOf(stranger));
    }

    function test_RevertWhen_registerNodeTooManyNodes() public {
        _openSession(SESSION, 0);
        uint32 limit = uint32(gradpay.MAX_NODES());
        _forceNodeCount(SESSION, limit - 1);
        vm.prank(coordinator);
        address last = makeAddr("last");
        assertEq(gradpay.registerNode(SESSION, last, _idOf(last)), limit - 1, "last index");
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.TooManyNodes.selector, SESSION, uint256(limit) + 1, limit
            )
        );
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, _idOf(stranger));
    }

    // ------------------------------------------------------------------ registerNodesBatch

    function test_registerNodesBatch_assignsIndicesInListOrder() public {
        _openSession(SESSION, 0);
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, _idOf(stranger));

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
            address early = makeAddr(string.concat("early-", vm.toString(i)));
            gradpay.registerNode(SESSION, early, _idOf(early));
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
        gradpay.registerNodesBatch(SESSION, nodes, _idsOf(nodes));
        assertFalse(gradpay.isRegistered(SESSION, stranger), "stranger rolled back");
        assertEq(gradpay.getSession(SESSION).nodeCount, 2, "nodeCount unchanged");
    }

    function test_RevertWhen_registerNodesBatchSessionUnknown() public {
        // An unknown session has no owner: even a coordinator is no operator of it.
        vm.expectRevert(_notOperator(SESSION, coordinator));
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

    function test_RevertWhen_registerNodesBatchCallerNotOperator() public {
        _openSession(SESSION, 0);
        vm.expectRevert(_notOperator(SESSION, stranger));
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
}
