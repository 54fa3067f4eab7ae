// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGradPayBase} from "./IGradPayBase.sol";

/// @title ITrainingRegistry
/// @notice Training sessions, their nodes and the session state machine
///         (Active -> Completed -> Finalized). Each registered node gets a dense index
///         0..n-1 in its session; contributions and scores are addressed by that index.
///         A coordinator (COORDINATOR_ROLE) creates a session and owns it: only the owner and the
///         delegates it names (its operators) change the session, so one deployment serves many
///         independent training runs. Sponsors the owner names may fund its pools.
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
        /// @dev Created by `createNodeSignedSession`: nodes join only by their own signed consent.
        bool nodeSigned;
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
    /// @notice Thrown when a node id is already taken by a node of the session.
    /// @param sessionId The session.
    /// @param nodeId The id asked for.
    /// @param node The node registered under it.
    error NodeIdAlreadyRegistered(uint64 sessionId, bytes32 nodeId, address node);
    /// @notice Thrown when a node is registered with the id zero.
    /// @param position Its position in the call's list (0 for `registerNode`).
    error ZeroNodeId(uint256 position);
    /// @notice Thrown when someone other than the session's owner names delegates or sponsors.
    /// @param sessionId The session (an unknown one has no owner).
    /// @param account The caller.
    error NotSessionOwner(uint64 sessionId, address account);
    /// @notice Thrown when `registerNode` or `registerNodesBatch` is used in a node-signed session, which
    ///         registers only nodes that signed their consent (`registerSignedNodes`).
    /// @param sessionId The session.
    error NodeSignatureRequired(uint64 sessionId);
    /// @notice Thrown when the zero address is named as a delegate or sponsor.
    /// @param sessionId The session.
    error ZeroAddressAccount(uint64 sessionId);

    // ------------------------------------------------------------------ events

    /// @notice Emitted when a session is created.
    /// @param sessionId The new session.
    /// @param modelHash The model being trained.
    /// @param clipK The clip factor (reward-math.md §3, 1e18 fixed point, 0 = off).
    /// @param creator The coordinator that created it: the session's owner.
    /// @param nodeSigned Whether nodes join only by their signed consent (`createNodeSignedSession`).
    event SessionCreated(
        uint64 indexed sessionId, bytes32 modelHash, uint64 clipK, address indexed creator, bool nodeSigned
    );
    /// @notice Emitted when a node joins a session.
    /// @param sessionId The session.
    /// @param node The node's address.
    /// @param index Its dense index in the session.
    /// @param nodeId The coordinator's identifier for it (opaque, unique in the session, not zero).
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
    /// @notice Emitted when the session's owner names or removes a delegate.
    /// @param sessionId The session.
    /// @param account The delegate.
    /// @param allowed Whether it may now run the session.
    event DelegateSet(uint64 indexed sessionId, address indexed account, bool allowed);
    /// @notice Emitted when the session's owner names or removes a sponsor.
    /// @param sessionId The session.
    /// @param account The sponsor.
    /// @param allowed Whether it may now fund the session's pools.
    event SponsorSet(uint64 indexed sessionId, address indexed account, bool allowed);

    // ------------------------------------------------------------------ writes

    /// @notice Creates an Active session owned by the caller. Coordinator (COORDINATOR_ROLE) only; the
    ///         session keeps running if the role is revoked later.
    /// @param sessionId Caller-chosen id; reusing one reverts, so a retried creation is detectable.
    /// @param modelHash Identifies the model being trained (opaque to the contract).
    /// @param clipK Outlier clip factor of reward-math.md §3 (1e18 fixed point, 0 = off).
    function createSession(uint64 sessionId, bytes32 modelHash, uint64 clipK) external;

    /// @notice Changes the session's clip factor; allowed until finalization completes, and
    ///         restarts a finalization in progress. Session operator (owner or delegate) only.
    /// @param sessionId The session: Active or Completed.
    /// @param clipK The new factor (1e18 fixed point, 0 = off).
    function setClipK(uint64 sessionId, uint64 clipK) external;

    /// @notice Registers one node in an Active session that is not node-signed (else
    ///         `NodeSignatureRequired`). Session operator only.
    /// @param sessionId The session.
    /// @param node The node's address (not zero, not yet registered).
    /// @param nodeId The coordinator's identifier for the node (not zero, not taken in the session), echoed
    ///        in `NodeRegistered` and resolved by `nodeById`.
    /// @return index The node's dense index in the session.
    function registerNode(uint64 sessionId, address node, bytes32 nodeId) external returns (uint32 index);

    /// @notice Registers several nodes; indices are assigned in list order. Not in a node-signed session
    ///         (`NodeSignatureRequired`). Session operator only.
    /// @param sessionId The session.
    /// @param nodes The nodes' addresses (at least one; none zero or registered).
    /// @param nodeIds One identifier per node (none zero, taken or repeated), echoed in `NodeRegistered`.
    /// @return firstIndex The index given to `nodes[0]`.
    function registerNodesBatch(uint64 sessionId, address[] calldata nodes, bytes32[] calldata nodeIds)
        external
        returns (uint32 firstIndex);

    /// @notice Excludes a node from every reward of the session; allowed until finalization
    ///         completes, and restarts a finalization in progress. Session operator only.
    /// @param sessionId The session: Active or Completed.
    /// @param node The node.
    /// @param reason Why, echoed in `NodeExcluded`.
    function excludeNode(uint64 sessionId, address node, string calldata reason) external;

    /// @notice Moves an Active session to Completed: no more nodes or records. Session operator only.
    /// @param sessionId The session.
    function completeSession(uint64 sessionId) external;

    /// @notice Lets `account` run the session as its owner does (register, exclude, record, finalize,
    ///         fund pools), e.g. one of several sender keys, or takes that back. Owner only (a delegate
    ///         cannot name delegates); allowed in every state, and while paused so that a leaked key can
    ///         be revoked at once.
    /// @param sessionId The session.
    /// @param account The delegate (not zero).
    /// @param allowed True to grant, false to revoke.
    function setDelegate(uint64 sessionId, address account, bool allowed) external;

    /// @notice Lets `account` fund the session's pools, or takes that back. Owner only; allowed in every
    ///         state, and while paused.
    /// @param sessionId The session.
    /// @param account The sponsor (not zero).
    /// @param allowed True to grant, false to revoke.
    function setSponsor(uint64 sessionId, address account, bool allowed) external;
}
