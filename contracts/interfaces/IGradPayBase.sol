// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IGradPayBase
/// @notice What the registry, the tracker and the distributor share: the session lifecycle, the role
///         and the limits they check, the errors any of them raises, and the event any change of the
///         eligible set emits. Each concern's interface extends this one, so reading a concern's
///         interface shows every way its functions revert.
/// @dev Besides these, a function gated by a role reverts with OpenZeppelin's
///      `AccessControlUnauthorizedAccount(account, neededRole)` for a caller without it, and every
///      state-changing function but the role and right changes reverts `EnforcedPause()` while paused.
interface IGradPayBase {
    /// @notice Lifecycle of a session. `None` means the session id was never created.
    enum SessionState {
        None,
        Active,
        Completed,
        Finalized
    }

    // ------------------------------------------------------------------ errors

    /// @notice Thrown when a call needs the session in another state.
    /// @param sessionId The session.
    /// @param current The state it is in.
    /// @param required The state the call needs.
    error SessionInWrongState(uint64 sessionId, SessionState current, SessionState required);

    /// @notice Thrown when an address is not a node of the session.
    /// @param sessionId The session.
    /// @param node The address.
    error NodeNotRegistered(uint64 sessionId, address node);

    /// @notice Thrown when the caller neither owns the session nor is one of its delegates.
    /// @param sessionId The session.
    /// @param account The caller.
    error NotSessionOperator(uint64 sessionId, address account);

    /// @notice Thrown when the caller may not fund the session's pools (not its owner, a delegate or an
    ///         approved sponsor).
    /// @param sessionId The session.
    /// @param account The caller.
    error NotSessionFunder(uint64 sessionId, address account);

    /// @notice Thrown when a list argument that needs at least one element is empty.
    error EmptyList();

    /// @notice Thrown when funds would go to the zero address (a rescue's or a `claimRewardTo`'s recipient).
    error ZeroAddressRecipient();

    // ------------------------------------------------------------------ events

    /// @notice Emitted when an in-progress finalization is discarded because what it verifies changed
    ///         (an exclusion or a new clip factor): the pass must start over.
    /// @param sessionId The session.
    event FinalizationReset(uint64 indexed sessionId);

    // ------------------------------------------------------------------ role and limits

    /// @notice The role that may create sessions; each session is then run by its owner (see
    ///         `ITrainingRegistry`), whether or not the owner still holds the role.
    /// @return role `keccak256("COORDINATOR_ROLE")`.
    function COORDINATOR_ROLE() external view returns (bytes32 role);

    /// @notice How long a new admin waits between `beginDefaultAdminTransfer` and
    ///         `acceptDefaultAdminTransfer` (OpenZeppelin AccessControlDefaultAdminRules), and the
    ///         initial delay of a renounce.
    /// @return delay 3 days, in seconds.
    function ADMIN_TRANSFER_DELAY() external view returns (uint48 delay);

    /// @notice Most nodes a session can hold (2^24 - 1: every session-wide sum then fits its packed field).
    /// @return max The limit.
    function MAX_NODES() external view returns (uint256 max);

    /// @notice Most distinct epochs a session can record (8,191: the record's 13-bit epoch fields).
    /// @return max The limit.
    function MAX_EPOCHS() external view returns (uint256 max);

    /// @notice Most pools a session can have (224: one claim bit per pool in a node's slot).
    /// @return max The limit.
    function MAX_POOLS() external view returns (uint256 max);
}
