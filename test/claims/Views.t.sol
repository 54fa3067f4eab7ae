// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";

/// @notice rewardOf, pendingReward and hasClaimed: before and after a claim and the deadline, and for unknown pools.
contract RewardViewsTest is ClaimsTest {
    function test_views_beforeAndAfterClaimAndDeadline() public {
        _fixture();
        uint256 poolId = _ethPool(3 ether);
        address node = nodes[4];
        uint256 owed = gradpay.rewardOf(poolId, node);
        assertGt(owed, 0, "owed");
        assertEq(gradpay.pendingReward(poolId, node), owed, "pending before claim");
        assertFalse(gradpay.hasClaimed(poolId, node), "not claimed");

        // Never reported, and a stranger: nothing, and never claimed.
        assertEq(gradpay.rewardOf(poolId, nodes[3]), 0, "never-reported node owed nothing");
        assertEq(gradpay.pendingReward(poolId, nodes[3]), 0, "never-reported node pending");
        assertEq(gradpay.rewardOf(poolId, stranger), 0, "stranger owed nothing");
        assertEq(gradpay.pendingReward(poolId, stranger), 0, "stranger pending");
        assertFalse(gradpay.hasClaimed(poolId, stranger), "stranger not claimed");

        uint40 deadline = gradpay.getPool(poolId).claimDeadline;
        vm.warp(deadline);
        assertEq(gradpay.pendingReward(poolId, node), owed, "still pending at the deadline");
        vm.warp(uint256(deadline) + 1);
        assertEq(gradpay.pendingReward(poolId, node), 0, "nothing pending after the deadline");
        assertEq(gradpay.rewardOf(poolId, node), owed, "entitlement unchanged after the deadline");

        vm.warp(deadline);
        _claim(node, poolId);
        assertTrue(gradpay.hasClaimed(poolId, node), "claimed at the deadline");
        assertEq(gradpay.pendingReward(poolId, node), 0, "nothing pending after claim");
    }

    function test_RevertWhen_views_poolNotFound() public {
        _fixture();
        uint256 missing = uint256(SESSION) << 8;
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, missing));
        gradpay.pendingReward(missing, nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, missing));
        gradpay.rewardOf(missing, nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, missing));
        gradpay.hasClaimed(missing, nodes[0]);
    }
}
