// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice The re-entry both hostile mocks make: one configured call, counted in `attempts` and
///         `reentriesSucceeded`.
/// @dev `swallow = false`: a failed re-entry's revert is bubbled out of the caller (the transfer or the
///      ETH payment fails). `swallow = true`: the failure is recorded in `lastError` and the caller goes on.
abstract contract Reentrant {
    bytes public reentryCall;
    bool public swallow;
    uint256 public attempts;
    uint256 public reentriesSucceeded;
    bytes public lastError;

    function _reenter(address target_) internal {
        ++attempts;
        (bool ok, bytes memory ret) = target_.call(reentryCall);
        if (ok) {
            ++reentriesSucceeded;
            return;
        }
        lastError = ret;
        if (!swallow) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }
}
