// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {BaseTest} from "./BaseTest.sol";

/// @notice What the claim tests share: the six-node fixture finalized, one-line ETH and token pools, a claim.
abstract contract ClaimsTest is BaseTest {
    function _fixture() internal {
        _recordFixture(SESSION, 0);
        _finalize(SESSION);
    }

    function _ethPool(uint256 amount) internal returns (uint256) {
        return _createPool(SESSION, address(0), amount, IRewardDistributor.Strategy.Proportional, _noParams());
    }

    function _tokenPool(uint256 amount) internal returns (uint256) {
        return
            _createPool(
                SESSION, address(token), amount, IRewardDistributor.Strategy.Proportional, _noParams()
            );
    }

    function _claim(address node, uint256 poolId) internal returns (uint256) {
        vm.prank(node);
        return gradpay.claimReward(poolId);
    }
}
