// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";

/// @notice sweepPool: only after the window, by anyone, to the refund address, exactly the remainder, once, one
///         pool at a time.
contract SweepTest is ClaimsTest {
    function test_RevertWhen_sweepPool_windowOpen() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        uint40 deadline = gradpay.getPool(poolId).claimDeadline;
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.ClaimWindowOpen.selector, poolId, deadline));
        gradpay.sweepPool(poolId);
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.ClaimWindowOpen.selector, poolId, deadline));
        gradpay.sweepPool(poolId);
        vm.stopPrank();
    }

    function test_sweepPool_sendsExactRemainderOnce() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether + 3);
        uint256 paid = _claim(nodes[1], poolId) + _claim(nodes[0], poolId);
        uint256 remainder = 1 ether + 3 - paid;
        uint40 deadline = gradpay.getPool(poolId).claimDeadline;
        vm.warp(uint256(deadline) + 1);

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.PoolSwept(poolId, refund, remainder);
        vm.prank(admin);
        assertEq(gradpay.sweepPool(poolId), remainder, "swept amount");
        assertEq(refund.balance, remainder, "the refund address received the remainder");
        assertEq(address(gradpay).balance, 0, "nothing left");
        IRewardDistributor.PoolInfo memory pool = gradpay.getPool(poolId);
        assertTrue(pool.swept, "swept");
        assertEq(pool.remaining, 0, "remaining");
        assertEq(pool.amount, 1 ether + 3, "amount kept for the record");

        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolAlreadySwept.selector, poolId));
        gradpay.sweepPool(poolId);
    }

    function test_sweepPool_dustAfterEveryoneClaimed() public {
        _fixture();
        uint256 poolId = _tokenPool(1e18 + 1);
        uint32[5] memory eligible = [uint32(1), 5, 0, 2, 4];
        uint256 paid;
        for (uint256 i; i < eligible.length; ++i) {
            paid += _claim(nodes[eligible[i]], poolId);
        }
        vm.warp(uint256(gradpay.getPool(poolId).claimDeadline) + 1);
        vm.prank(admin);
        uint256 swept = gradpay.sweepPool(poolId);
        assertEq(swept, 1e18 + 1 - paid, "sweep = dust");
        assertLt(swept, 5, "dust < n for proportional");
        assertEq(token.balanceOf(refund), swept, "refund got the dust");
        assertEq(token.balanceOf(address(gradpay)), 0, "nothing left");
    }

    function test_sweepPool_wholePoolWhenNoNodeEligible() public {
        nodes = _createSession(SESSION, 0, 2);
        _finalize(SESSION); // nobody reported: finalized at start
        uint256 ethPool = _ethPool(2 ether);
        uint256 tokenPool = _tokenPool(5e18);
        vm.prank(nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, ethPool, nodes[0]));
        gradpay.claimReward(ethPool);

        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.startPrank(admin);
        assertEq(gradpay.sweepPool(ethPool), 2 ether, "whole ETH pool");
        assertEq(gradpay.sweepPool(tokenPool), 5e18, "whole token pool");
        vm.stopPrank();
        assertEq(refund.balance, 2 ether, "refund ETH");
        assertEq(token.balanceOf(refund), 5e18, "refund tokens");
    }

    function test_sweepPool_doesNotTouchOtherPools() public {
        _fixture();
        uint256 a = _ethPool(1 ether);
        vm.prank(coordinator);
        uint256 b = _proportionalPool(
            SESSION, address(0), 2 ether, 2 ether, uint40(block.timestamp) + 2 * CLAIM_WINDOW, refund
        );
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.prank(admin);
        assertEq(gradpay.sweepPool(a), 1 ether, "pool a swept");
        assertEq(address(gradpay).balance, 2 ether, "pool b's ETH stays");
        uint256 owed = gradpay.rewardOf(b, nodes[0]);
        assertEq(_claim(nodes[0], b), owed, "pool b still claimable");
    }

    /// @dev Gap 5 of issue 11: anyone may sweep, and whoever calls, the remainder goes to the refund address
    ///      chosen at creation; the admin and the coordinator cannot send it elsewhere.
    function test_sweepPool_anyCallerPaysRefundTo() public {
        _fixture();
        uint256 a = _ethPool(1 ether);
        uint256 b = _tokenPool(2 ether);
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        uint256 adminBefore = admin.balance;
        vm.prank(admin);
        assertEq(gradpay.sweepPool(a), 1 ether, "the admin's sweep");
        vm.prank(stranger);
        assertEq(gradpay.sweepPool(b), 2 ether, "a stranger's sweep");
        assertEq(refund.balance, 1 ether, "ETH to refundTo");
        assertEq(token.balanceOf(refund), 2 ether, "tokens to refundTo");
        assertEq(admin.balance, adminBefore, "admin got nothing");
        assertEq(token.balanceOf(stranger), 0, "stranger got nothing");
        assertEq(gradpay.totalOwed(address(0)) + gradpay.totalOwed(address(token)), 0, "nothing owed");
    }

    function test_RevertWhen_sweepPool_poolNotFound() public {
        _fixture();
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, 42));
        gradpay.sweepPool(42);
    }
}
