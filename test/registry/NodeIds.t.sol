// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";

/// @notice Gap 8 of issue 11: a node id names one node of its session. Zero and taken ids are refused (a
///         refused batch registers nobody), an excluded node keeps its id, and `nodeById` resolves them.
contract NodeIdsTest is RegistryTest {
    function _idTaken(bytes32 nodeId, address holder) internal pure returns (bytes memory) {
        return
            abi.encodeWithSelector(
                ITrainingRegistry.NodeIdAlreadyRegistered.selector, SESSION, nodeId, holder
            );
    }

    function _zeroId(uint256 position) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ITrainingRegistry.ZeroNodeId.selector, position);
    }

    function test_nodeById_resolvesEveryRegisteredId() public {
        address[] memory nodes = _createSession(SESSION, 0, 3);
        bytes32[] memory ids = _nodeIds(3);
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, _idOf(stranger));
        for (uint256 i; i < 3; ++i) {
            assertEq(gradpay.nodeById(SESSION, ids[i]), nodes[i], "batch id");
        }
        assertEq(gradpay.nodeById(SESSION, _idOf(stranger)), stranger, "single id");
        assertEq(gradpay.nodeById(SESSION, bytes32(uint256(4))), address(0), "unused id");
        assertEq(gradpay.nodeById(SESSION, bytes32(0)), address(0), "zero id");
        assertEq(gradpay.nodeById(OTHER, ids[0]), address(0), "unknown session");
    }

    function test_nodeIds_sessionsAreIndependent() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        _openSession(OTHER, 0);
        vm.prank(coordinator);
        gradpay.registerNode(OTHER, stranger, _nodeIds(1)[0]);
        assertEq(gradpay.nodeById(SESSION, _nodeIds(1)[0]), nodes[0], "SESSION's id 1");
        assertEq(gradpay.nodeById(OTHER, _nodeIds(1)[0]), stranger, "OTHER's id 1");
    }

    function test_RevertWhen_registerNodeZeroNodeId() public {
        _openSession(SESSION, 0);
        vm.expectRevert(_zeroId(0));
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, bytes32(0));
        assertFalse(gradpay.isRegistered(SESSION, stranger), "not registered");
    }

    function test_RevertWhen_registerNodesBatchZeroNodeId() public {
        _openSession(SESSION, 0);
        address[] memory nodes = _nodes(4);
        bytes32[] memory ids = _nodeIds(4);
        ids[2] = bytes32(0);
        vm.expectRevert(_zeroId(2));
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, nodes, ids);
        assertEq(gradpay.getSession(SESSION).nodeCount, 0, "nothing registered");
        assertEq(gradpay.nodeById(SESSION, ids[0]), address(0), "id 0 rolled back");
    }

    function test_RevertWhen_registerNodeIdTaken() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        bytes32 taken = _nodeIds(2)[1];
        vm.expectRevert(_idTaken(taken, nodes[1]));
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, taken);
        assertFalse(gradpay.isRegistered(SESSION, stranger), "not registered");
        assertEq(gradpay.nodeById(SESSION, taken), nodes[1], "the id still names its node");
        assertEq(gradpay.getSession(SESSION).nodeCount, 2, "nodeCount unchanged");
    }

    function test_RevertWhen_registerNodesBatchIdRepeatedInBatch() public {
        _openSession(SESSION, 0);
        address[] memory nodes = _nodes(3);
        bytes32[] memory ids = _nodeIds(3);
        ids[2] = ids[0];
        vm.expectRevert(_idTaken(ids[0], nodes[0]));
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, nodes, ids);
        assertEq(gradpay.getSession(SESSION).nodeCount, 0, "nothing registered");
        assertEq(gradpay.nodeById(SESSION, ids[0]), address(0), "rolled back");
    }

    function test_RevertWhen_registerNodesBatchIdTakenEarlier() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        address[] memory newcomers = new address[](2);
        newcomers[0] = stranger;
        newcomers[1] = makeAddr("newcomer");
        bytes32[] memory ids = _idsOf(newcomers);
        ids[1] = _nodeIds(1)[0];
        vm.expectRevert(_idTaken(ids[1], nodes[0]));
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, newcomers, ids);
        assertFalse(gradpay.isRegistered(SESSION, stranger), "stranger rolled back");
        assertEq(gradpay.nodeById(SESSION, ids[0]), address(0), "stranger's id rolled back");
    }

    /// @dev Exclusion keeps the record and the id: an excluded node cannot come back under its old id.
    function test_RevertWhen_excludedNodeIdReused() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[0], "sybil");
        bytes32 id = _nodeIds(1)[0];
        assertEq(gradpay.nodeById(SESSION, id), nodes[0], "still named");
        vm.expectRevert(_idTaken(id, nodes[0]));
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, id);
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_nodeIdsUnique(bytes32 first, bytes32 second) public {
        vm.assume(first != bytes32(0) && second != bytes32(0));
        _openSession(SESSION, 0);
        address other = makeAddr("other");
        vm.startPrank(coordinator);
        gradpay.registerNode(SESSION, stranger, first);
        if (first == second) vm.expectRevert(_idTaken(first, stranger));
        gradpay.registerNode(SESSION, other, second);
        vm.stopPrank();
        assertEq(gradpay.nodeById(SESSION, first), stranger, "first id");
        assertEq(gradpay.isRegistered(SESSION, other), first != second, "second node");
        assertEq(gradpay.nodeById(SESSION, second), first == second ? stranger : other, "second id");
    }
}
