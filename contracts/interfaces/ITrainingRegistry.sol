// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGradPayBase} from "./IGradPayBase.sol";

/// @title ITrainingRegistry
/// @notice Training sessions, their nodes and the session state machine
///         (Active -> Completed -> Finalized). Each registered node gets a dense index
///         0..n-1 in its session; contributions and scores are addressed by that index.
interface ITrainingRegistry is IGradPayBase {
    /// @notice Everything the contract keeps about a session, as one view.
    struct SessionInfo {
        SessionState state;
        bytes32 modelHash;
        /// @dev reward-math.md §3 clip factor, 1e18 fixed point; 0 = clipping off.
        uint64 clipK;
        uint32 nodeCount;
        /// @dev Nodes with computeSeconds > 0 that are not excluded (reward-math.md §2).
        uint32 eligibleCount;
        /// @dev T of reward-math.md §1: the sum of `epochRounds` over the session's epochs.
        uint32 totalRounds;
        /// @dev The last epoch recorded; meaningless while `epochCount == 0`.
        uint32 currentEpoch;
        /// @dev Number of distinct epochs recorded so far.
        uint16 epochCount;
        uint32 currentEpochRounds;
        uint8 poolCount;
    }

    // ------------------------------------------------------------------ errors

    /// @notice Thrown when creating a session whose id is already taken.
    /// @param sessionId The id asked for.
    error SessionAlreadyExists(uint64 sessionId);
    /// @notice Thrown when a node is registered twice in the same session.
    /// @param sessionId The session.
    /// @param node The node already registered.
    error NodeAlreadyRegistered(uint64 sessionId, address node);
    /// @notice Thrown when a node is excluded a second time.
    /// @param sessionId The session.
    /// @param node The node already excluded.
    error NodeAlreadyExcluded(uint64 sessionId, address node);
    /// @notice Thrown when the zero address is given as a node.
    /// @param position Its position in the call's list (0 for `registerNode`).
    error ZeroAddressNode(uint256 position);
    /// @notice Thrown when two arrays that must pair up have different lengths.
    /// @param first Length of the first array.
    /// @param second Length of the second array.
    error ArrayLengthMismatch(uint256 first, uint256 second);
    /// @notice Thrown when registration would take the session past its node limit.
    /// @param sessionId The session.
    /// @param requested Nodes the session would hold after the call.
    /// @param max `MAX_NODES`.
    error TooManyNodes(uint64 sessionId, uint256 requested, uint256 max);

    // ------------------------------------------------------------------ events

    /// @notice Emitted when a session is created.
    /// @param sessionId The new session.
    /// @param modelHash The model being trained.
    /// @param clipK The clip factor (reward-math.md §3, 1e18 fixed point, 0 = off).
    /// @param creator The coordinator that created it.
    event SessionCreated(uint64 indexed sessionId, bytes32 modelHash, uint64 clipK, address indexed creator);
    /// @notice Emitted when a node joins a session.
    /// @param sessionId The session.
    /// @param node The node's address.
    /// @param index Its dense index in the session.
    /// @param nodeId The coordinator's identifier for it (opaque to the contract).
    event NodeRegistered(uint64 indexed sessionId, address indexed node, uint32 index, bytes32 nodeId);
    /// @notice Emitted when a node is excluded from rewards (its records are kept).
    /// @param sessionId The session.
    /// @param node The node.
    /// @param index Its index.
    /// @param reason Why, in the coordinator's words.
    event NodeExcluded(uint64 indexed sessionId, address indexed node, uint32 index, string reason);
    /// @notice Emitted when the session's clip factor changes.
    /// @param sessionId The session.
    /// @param previousClipK The factor before.
    /// @param clipK The factor now.
    event ClipKUpdated(uint64 indexed sessionId, uint64 previousClipK, uint64 clipK);
    /// @notice Emitted when a session stops taking nodes and records.
    /// @param sessionId The session.
    /// @param nodeCount Nodes registered.
    /// @param eligibleCount Nodes eligible (reward-math.md §2).
    /// @param totalRounds T (reward-math.md §1).
    event SessionCompleted(
        uint64 indexed sessionId, uint32 nodeCount, uint32 eligibleCount, uint32 totalRounds
    );

    // ------------------------------------------------------------------ writes

    /// @notice Creates an Active session. Coordinator only.
    /// @param sessionId Caller-chosen id; reusing one reverts, so a retried creation is detectable.
    /// @param modelHash Identifies the model being trained (opaque to the contract).
    /// @param clipK Outlier clip factor of reward-math.md §3 (1e18 fixed point, 0 = off).
    function createSession(uint64 sessionId, bytes32 modelHash, uint64 clipK) external;

    /// @notice Changes the session's clip factor; allowed until finalization completes, and
    ///         restarts a finalization in progress. Coordinator only.
    /// @param sessionId The session: Active or Completed.
    /// @param clipK The new factor (1e18 fixed point, 0 = off).
    function setClipK(uint64 sessionId, uint64 clipK) external;

    /// @notice Registers one node in an Active session. Coordinator only.
    /// @param sessionId The session.
    /// @param node The node's address (not zero, not yet registered).
    /// @param nodeId The coordinator's identifier for the node, echoed in `NodeRegistered`.
    /// @return index The node's dense index in the session.
    function registerNode(uint64 sessionId, address node, bytes32 nodeId) external returns (uint32 index);

    /// @notice Registers several nodes; indices are assigned in list order. Coordinator only.
    /// @param sessionId The session.
    /// @param nodes The nodes' addresses (at least one; none zero or registered).
    /// @param nodeIds One identifier per node, echoed in `NodeRegistered`.
    /// @return firstIndex The index given to `nodes[0]`.
    function registerNodesBatch(uint64 sessionId, address[] calldata nodes, bytes32[] calldata nodeIds)
        external
        returns (uint32 firstIndex);

    /// @notice Excludes a node from every reward of the session; allowed until finalization
    ///         completes, and restarts a finalization in progress. Coordinator only.
    /// @param sessionId The session: Active or Completed.
    /// @param node The node.
    /// @param reason Why, echoed in `NodeExcluded`.
    function excludeNode(uint64 sessionId, address node, string calldata reason) external;

    /// @notice Moves an Active session to Completed: no more nodes or records. Coordinator only.
    /// @param sessionId The session.
    function completeSession(uint64 sessionId) external;
}
