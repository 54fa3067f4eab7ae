// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";

/// @notice claimReward and claimRewardFor that succeed: what they pay, to whom, once, and the claim bits they set.
contract ClaimRewardTest is ClaimsTest {
    /// @dev Pool index 223 uses the last claim bit (bit 255) of the node slot, whose low 32 bits hold the
    ///      node index: claiming it must neither disturb the index nor any other pool's bit.
    function test_claimReward_lastPoolIndexClaimBit() public {
        _fixture();
        uint256 first = _ethPool(1 ether);
        for (uint256 i = 1; i < 223; ++i) {
            _ethPool(1);
        }
        uint256 last = _ethPool(1 ether);
        assertEq(last, (uint256(SESSION) << 8) | 223, "pool index 223");
        uint256 owed = gradpay.rewardOf(first, nodes[1]);
        assertEq(gradpay.rewardOf(last, nodes[1]), owed, "same share in both 1 ether pools");

        assertEq(_claim(nodes[1], last), owed, "last pool claimed");
        assertTrue(gradpay.hasClaimed(last, nodes[1]), "bit 255 set");
        assertFalse(gradpay.hasClaimed(first, nodes[1]), "pool 0 untouched");
        assertFalse(gradpay.hasClaimed(last - 1, nodes[1]), "pool 222 untouched");
        assertEq(gradpay.nodeIndex(SESSION, nodes[1]), 1, "node index intact");
        assertEq(gradpay.rewardOf(first, nodes[1]), owed, "entitlement intact");
        assertEq(_claim(nodes[1], first), owed, "pool 0 still claimable, same amount");
        vm.prank(nodes[1]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, last, nodes[1])
        );
        gradpay.claimReward(last);
    }

    function test_claimReward_emitsAndPaysOnce() public {
        _fixture();
        uint256 poolId = _ethPool(10 ether);
        uint256 expected = gradpay.rewardOf(poolId, nodes[1]);
        assertGt(expected, 0, "node 1 is owed");
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardClaimed(poolId, nodes[1], expected, nodes[1], nodes[1]);
        assertEq(_claim(nodes[1], poolId), expected, "amount returned");
        assertEq(gradpay.getPool(poolId).remaining, 10 ether - expected, "remaining");
    }

    function test_claimReward_token() public {
        _fixture();
        uint256 poolId = _tokenPool(1000e6);
        uint256 expected = gradpay.rewardOf(poolId, nodes[5]);
        assertEq(_claim(nodes[5], poolId), expected, "amount");
        assertEq(token.balanceOf(nodes[5]), expected, "tokens received");
        assertEq(token.balanceOf(address(gradpay)), 1000e6 - expected, "tokens left");
        assertEq(nodes[5].balance, 0, "no ETH");
    }

    function test_claimRewardFor_paysTheNodeNotTheCaller() public {
        _fixture();
        uint256 ethPool = _ethPool(10 ether);
        uint256 tokenPool = _tokenPool(10 ether);
        uint256 expectedEth = gradpay.rewardOf(ethPool, nodes[0]);
        uint256 expectedToken = gradpay.rewardOf(tokenPool, nodes[0]);
        uint256 strangerEth = stranger.balance;

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardClaimed(ethPool, nodes[0], expectedEth, stranger, nodes[0]);
        vm.prank(stranger);
        assertEq(gradpay.claimRewardFor(ethPool, nodes[0]), expectedEth, "amount returned");
        assertEq(nodes[0].balance, expectedEth, "node paid");
        assertEq(stranger.balance, strangerEth, "caller not paid");

        // Another node may claim for it too; the claim is the node's.
        vm.prank(nodes[1]);
        assertEq(gradpay.claimRewardFor(tokenPool, nodes[0]), expectedToken, "token amount returned");
        assertEq(token.balanceOf(nodes[0]), expectedToken, "node paid in token");
        assertEq(token.balanceOf(nodes[1]), 0, "other node not paid");
        assertTrue(gradpay.hasClaimed(tokenPool, nodes[0]), "claimed for node 0");
        assertFalse(gradpay.hasClaimed(tokenPool, nodes[1]), "caller's own claim untouched");

        // The node itself cannot claim again.
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, ethPool, nodes[0])
        );
        gradpay.claimReward(ethPool);
    }

    function test_claimReward_claimsAreIndependentAcrossPoolsAndSessions() public {
        _fixture();
        _recordFixture(SESSION + 1, 0);
        _finalize(SESSION + 1);
        uint256 a = _ethPool(1 ether);
        uint256 b = _ethPool(1 ether);
        uint256 c = _createPool(
            SESSION + 1, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams()
        );
        _claim(nodes[0], a);
        assertFalse(gradpay.hasClaimed(b, nodes[0]), "other pool of the session");
        assertFalse(gradpay.hasClaimed(c, nodes[0]), "same index, other session");
        _claim(nodes[0], c);
        _claim(nodes[0], b);
        assertEq(nodes[0].balance, 3 * gradpay.rewardOf(a, nodes[0]), "three equal rewards");
    }
}
