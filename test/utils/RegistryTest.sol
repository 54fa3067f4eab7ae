// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {BaseTest} from "./BaseTest.sol";

/// @notice What the registry tests share: the roles, sessions in each state (Active without nodes, Completed,
///         finalizing, Finalized), the pause, and a way to force the node count next to MAX_NODES.
abstract contract RegistryTest is BaseTest {
    bytes32 internal constant COORDINATOR_ROLE = keccak256("COORDINATOR_ROLE");
    bytes32 internal constant ADMIN_ROLE = 0x00;

    uint64 internal constant OTHER = 2;

    /// @dev A node id no fixture uses (they number their nodes 1..n).
    function _idOf(address node) internal pure returns (bytes32) {
        return keccak256(abi.encode(node));
    }

    function _idsOf(address[] memory accounts) internal pure returns (bytes32[] memory ids) {
        ids = new bytes32[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) {
            ids[i] = _idOf(accounts[i]);
        }
    }

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

    /// @dev Two nodes, both eligible: one epoch of one round recorded for each.
    function _twoEligibleNodes(uint64 sessionId) internal returns (address[] memory nodes) {
        nodes = _createSession(sessionId, 0, 2);
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 100, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        entries[1] = _entry(1, 50, 1, 1, 0, 1, 5000, 5000, 5000);
        _record(sessionId, 0, 0, 1, entries);
    }

    /// @dev A Finalized session of two nodes, both eligible.
    function _finalized(uint64 sessionId) internal returns (address[] memory nodes) {
        nodes = _twoEligibleNodes(sessionId);
        _finalize(sessionId);
        assertEq(
            uint8(gradpay.getSession(sessionId).state),
            uint8(IGradPayBase.SessionState.Finalized),
            "fixture finalized"
        );
    }

    /// @dev A Completed session of two eligible nodes whose finalization pass is started, not finished.
    function _finalizing(uint64 sessionId) internal returns (address[] memory nodes) {
        nodes = _twoEligibleNodes(sessionId);
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
        address probe = makeAddr("probe");
        gradpay.registerNode(sessionId, probe, _idOf(probe));
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
}
