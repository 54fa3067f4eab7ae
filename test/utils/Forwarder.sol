// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Forwarder
/// @notice A contract that calls another one with whatever it is given, like a Safe's
///         `execTransaction` or a multicall does: `gradpay verify`'s tests record a batch through it
///         (made a delegate of the session) so that the batch's calldata is only in a call trace.
contract Forwarder {
    /// @notice Calls `target` with `data`, bubbling up a revert.
    /// @param target The contract to call.
    /// @param data The calldata.
    function forward(address target, bytes calldata data) external {
        (bool ok, bytes memory returned) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(returned, 32), mload(returned))
            }
        }
    }
}
