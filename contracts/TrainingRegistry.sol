// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GradPayStorage} from "./base/GradPayStorage.sol";
import {ITrainingRegistry} from "./interfaces/ITrainingRegistry.sol";
import {NodeRecords} from "./libraries/NodeRecords.sol";
import {RecordPacking} from "./libraries/RecordPacking.sol";

/// @title TrainingRegistry
/// @notice Sessions, their nodes (dense indices) and the session state machine.
abstract contract TrainingRegistry is ITrainingRegistry, GradPayStorage {
    using RecordPacking for uint256;

    // ------------------------------------------------------------------ sessions

    /// @inheritdoc ITrainingRegistry
    /// @dev The role only admits coordinators: from here on the session answers to its owner, so revoking the
    ///      role stops new sessions and leaves the ones already created running.
    function createSession(uint64 sessionId, bytes32 modelHash, uint64 clipK)
        external
        onlyRole(COORDINATOR_ROLE)
        whenNotPaused
    {
        _createSession(sessionId, modelHash, clipK, false);
    }

    /// @inheritdoc ITrainingRegistry
    /// @dev Not paused: like a role change, a right can be revoked (a leaked delegate key) during a pause.
    function setDelegate(uint64 sessionId, address account, bool allowed) external {
        _setRight(sessionId, account, RIGHT_DELEGATE, allowed);
        emit DelegateSet(sessionId, account, allowed);
    }

    /// @inheritdoc ITrainingRegistry
    function setSponsor(uint64 sessionId, address account, bool allowed) external {
        _setRight(sessionId, account, RIGHT_SPONSOR, allowed);
        emit SponsorSet(sessionId, account, allowed);
    }

    /// @inheritdoc ITrainingRegistry
    function setClipK(uint64 sessionId, uint64 clipK) external onlyOperator(sessionId) whenNotPaused {
        Session storage session = _sessions[sessionId];
        _requireNotFinalized(sessionId, session);
        uint64 previous = session.clipK;
        session.clipK = clipK;
        emit ClipKUpdated(sessionId, previous, clipK);
        _resetFinalization(sessionId);
    }

    /// @inheritdoc ITrainingRegistry
    function completeSession(uint64 sessionId) external onlyOperator(sessionId) whenNotPaused {
        Session storage session = _sessions[sessionId];
        _requireState(sessionId, session, SessionState.Active);
        session.state = SessionState.Completed;
        emit SessionCompleted(sessionId, session.nodeCount, session.eligibleCount, session.totalRounds);
    }

    // ------------------------------------------------------------------ nodes

    /// @inheritdoc ITrainingRegistry
    function registerNode(uint64 sessionId, address node, bytes32 nodeId)
        external
        onlyOperator(sessionId)
        whenNotPaused
        returns (uint32 index)
    {
        Session storage session = _sessions[sessionId];
        _requireState(sessionId, session, SessionState.Active);
        _requireOperatorRegistration(sessionId);
        index = session.nodeCount;
        _checkCapacity(sessionId, index, 1);
        _register(sessionId, node, nodeId, index, 0, 0);
        session.nodeCount = index + 1;
    }

    /// @inheritdoc ITrainingRegistry
    function registerNodesBatch(uint64 sessionId, address[] calldata nodes, bytes32[] calldata nodeIds)
        external
        onlyOperator(sessionId)
        whenNotPaused
        returns (uint32 firstIndex)
    {
        if (nodes.length != nodeIds.length) revert ArrayLengthMismatch(nodes.length, nodeIds.length);
        if (nodes.length == 0) revert EmptyList();
        Session storage session = _sessions[sessionId];
        _requireState(sessionId, session, SessionState.Active);
        _requireOperatorRegistration(sessionId);
        firstIndex = session.nodeCount;
        _checkCapacity(sessionId, firstIndex, nodes.length);
        for (uint256 i; i < nodes.length; ++i) {
            _register(sessionId, nodes[i], nodeIds[i], uint32(firstIndex + i), i, 0);
        }
        session.nodeCount = uint32(firstIndex + nodes.length);
    }

    /// @inheritdoc ITrainingRegistry
    function excludeNode(uint64 sessionId, address node, string calldata reason)
        external
        onlyOperator(sessionId)
        whenNotPaused
    {
        Session storage session = _sessions[sessionId];
        _requireNotFinalized(sessionId, session);
        uint32 index = _indexOf(_nodeSlotOf(sessionId, node));
        uint256 base = NodeRecords.baseSlot(sessionId);
        uint256 record = NodeRecords.load(base, index);
        if (record.isExcluded()) revert NodeAlreadyExcluded(sessionId, node);
        if (record.isEligible()) session.eligibleCount -= 1;
        NodeRecords.store(base, index, record | RecordPacking.EXCLUDED_BIT);
        emit NodeExcluded(sessionId, node, index, reason);
        _resetFinalization(sessionId);
    }

    // ------------------------------------------------------------------ internals

    /// @dev A node-signed session registers only nodes that signed their consent (`registerSignedNodes`):
    ///      its operators cannot add an address on their own. The slot is warm (the operator check read it).
    function _requireOperatorRegistration(uint64 sessionId) private view {
        if (_sessionOwners[sessionId].nodeSigned) revert NodeSignatureRequired(sessionId);
    }

    /// @dev Grants or revokes one right bit of `account`; the session's owner only (an unknown session has
    ///      none), so a delegate cannot name delegates.
    function _setRight(uint64 sessionId, address account, uint256 right, bool allowed) private {
        if (msg.sender != _sessionOwners[sessionId].owner) revert NotSessionOwner(sessionId, msg.sender);
        if (account == address(0)) revert ZeroAddressAccount(sessionId);
        mapping(address => uint256) storage rights = _sessionRights[sessionId];
        rights[account] = allowed ? rights[account] | right : rights[account] & ~right;
    }
}
