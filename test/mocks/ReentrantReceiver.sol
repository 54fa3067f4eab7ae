// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPay} from "../../contracts/interfaces/IGradPay.sol";
import {Reentrant} from "./Reentrant.sol";

/// @notice A node (or refund address) contract whose receive() re-enters gradpay with a configured call.
/// @dev `swallow = false`: the failed re-entry's revert is bubbled, so the ETH payment itself fails.
///      `swallow = true`: the failure is recorded in `lastError` and the ETH is accepted.
contract ReentrantReceiver is Reentrant {
    IGradPay public immutable gradpay;
    uint256 public received;

    constructor(IGradPay gradpay_) {
        gradpay = gradpay_;
    }

    /// @param call_ ABI-encoded gradpay call made from receive(); empty disables the attack.
    function arm(bytes calldata call_, bool swallow_) external {
        reentryCall = call_;
        swallow = swallow_;
    }

    function claim(uint256 poolId) external returns (uint256) {
        return gradpay.claimReward(poolId);
    }

    function claimBatch(uint256[] calldata poolIds) external returns (uint256[] memory) {
        return gradpay.claimRewardsBatch(poolIds);
    }

    function sweep(uint256 poolId) external returns (uint256) {
        return gradpay.sweepPool(poolId);
    }

    receive() external payable {
        received += msg.value;
        if (reentryCall.length == 0) return;
        _reenter(address(gradpay));
    }
}
