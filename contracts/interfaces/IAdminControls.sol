// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IAdminControls
/// @notice What the admin (DEFAULT_ADMIN_ROLE) can do besides roles: pause, bounded in length and
///         spaced by a cooldown so that nodes always get unpaused days to claim, and rescue what was sent
///         to the contract by mistake, never what pools still owe.
/// @dev Claim windows count unpaused time only: a pause never shortens one (IRewardDistributor).
///      Role changes do not check the pause. The pause errors and events have OpenZeppelin `Pausable`'s
///      signatures, so decoders written for it keep working.
interface IAdminControls {
    // ------------------------------------------------------------------ errors

    /// @notice Thrown by a state-changing function while paused.
    error EnforcedPause();
    /// @notice Thrown by `unpause` when not paused (never paused, unpaused, or the pause lapsed).
    error ExpectedPause();
    /// @notice Thrown by `pause` within `PAUSE_COOLDOWN` of the end of the previous pause.
    /// @param availableAt The first timestamp at which `pause` can succeed.
    error PauseCoolingDown(uint256 availableAt);
    /// @notice Thrown by `rescue` when the contract holds no more of the token than its pools owe.
    /// @param token The token (address(0) for ETH).
    error NothingToRescue(address token);

    // ------------------------------------------------------------------ events

    /// @notice Emitted when the admin pauses.
    /// @param account The admin.
    event Paused(address account);
    /// @notice Emitted when the admin ends a pause early (a pause that lapses emits nothing).
    /// @param account The admin.
    event Unpaused(address account);
    /// @notice Emitted when funds above what pools owe are rescued.
    /// @param token The token (address(0) for ETH).
    /// @param to Where they went.
    /// @param amount How much.
    event FundsRescued(address indexed token, address indexed to, uint256 amount);

    // ------------------------------------------------------------------ constants

    /// @notice How long a pause lasts at most: it lapses by itself then, without `unpause`.
    /// @return duration 14 days.
    function MAX_PAUSE_DURATION() external view returns (uint256 duration);

    /// @notice How long after a pause ends the next one can start.
    /// @return duration 2 days.
    function PAUSE_COOLDOWN() external view returns (uint256 duration);

    // ------------------------------------------------------------------ admin

    /// @notice Stops every state-changing function but role changes and `rescue`, for at most
    ///         `MAX_PAUSE_DURATION`. Claim windows stand still meanwhile. Admin only.
    function pause() external;

    /// @notice Ends the pause early. Admin only.
    function unpause() external;

    /// @notice Sends `to` what the contract holds of `token` above what unswept pools still owe (ETH
    ///         or tokens sent by mistake, a positive rebase). Admin only.
    /// @param token The token, or address(0) for ETH.
    /// @param to The recipient (not zero).
    /// @return amount What was sent.
    function rescue(address token, address to) external returns (uint256 amount);

    /// @notice Whether a pause is in effect.
    /// @return isPaused True while paused (false again once the pause lapses).
    function paused() external view returns (bool isPaused);
}
