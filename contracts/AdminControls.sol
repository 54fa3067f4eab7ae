// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GradPayStorage} from "./base/GradPayStorage.sol";
import {IAdminControls} from "./interfaces/IAdminControls.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";

/// @title AdminControls
/// @notice The pause clock (bounded pauses, a cooldown between them) and the rescue of funds above
///         what pools owe.
abstract contract AdminControls is IAdminControls, GradPayStorage {
    /// @inheritdoc IAdminControls
    uint256 public constant MAX_PAUSE_DURATION = MAX_PAUSE;
    /// @inheritdoc IAdminControls
    uint256 public constant PAUSE_COOLDOWN = 2 days;

    /// @inheritdoc IAdminControls
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        PauseState memory state = _pauseState;
        if (_isPaused(state)) revert EnforcedPause();
        if (state.pausedSince != 0) {
            // The previous pause lapsed: it ended MAX_PAUSE after it began, and counts that long.
            state.lastPauseEnd = uint40(state.pausedSince + MAX_PAUSE);
            state.pausedTotal = uint40(_pausedTime(state));
        }
        uint256 availableAt = uint256(state.lastPauseEnd) + PAUSE_COOLDOWN;
        if (state.lastPauseEnd != 0 && block.timestamp < availableAt) revert PauseCoolingDown(availableAt);
        state.pausedSince = uint40(block.timestamp);
        _pauseState = state;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IAdminControls
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        PauseState memory state = _pauseState;
        if (!_isPaused(state)) revert ExpectedPause();
        state.pausedTotal = uint40(_pausedTime(state));
        state.lastPauseEnd = uint40(block.timestamp);
        state.pausedSince = 0;
        _pauseState = state;
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc IAdminControls
    function rescue(address token, address to)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        nonReentrant
        returns (uint256 amount)
    {
        if (to == address(0)) revert ZeroAddressRecipient();
        if (token != address(0) && token.code.length == 0) {
            revert IRewardDistributor.TokenNotAContract(token);
        }
        uint256 balance = _balanceOf(token);
        uint256 owed = _owedOf(token);
        if (balance <= owed) revert NothingToRescue(token);
        amount = balance - owed;
        emit FundsRescued(token, to, amount);
        _send(token, to, amount);
    }

    /// @inheritdoc IAdminControls
    function paused() external view returns (bool) {
        return _isPaused(_pauseState);
    }
}
