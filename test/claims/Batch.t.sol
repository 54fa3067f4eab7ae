// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";

/// @notice claimRewardsBatch: one call over mixed pools and tokens, and atomic when any pool fails.
contract ClaimBatchTest is ClaimsTest {
    function test_claimRewardsBatch_mixedTokens() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](5);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = _tokenPool(2 ether);
        poolIds[2] = _createPool(
            SESSION, address(0), 3 ether, IRewardDistributor.Strategy.Tiered, _tieredParams(8500)
        );
        poolIds[3] = _createPool(
            SESSION, address(0), 4 ether, IRewardDistributor.Strategy.Hybrid, _hybridParams(7000, 2000, 1000)
        );
        poolIds[4] = _createPool(
            SESSION, address(token), 5 ether, IRewardDistributor.Strategy.MinimumGuarantee, _floorParams(5000)
        );
        address node = nodes[2];
        uint256[] memory expected = new uint256[](5);
        uint256 expectedEth;
        uint256 expectedToken;
        for (uint256 i; i < 5; ++i) {
            expected[i] = gradpay.rewardOf(poolIds[i], node);
            assertGt(expected[i], 0, "owed by every pool");
            if (i == 1 || i == 4) expectedToken += expected[i];
            else expectedEth += expected[i];
        }

        for (uint256 i; i < 5; ++i) {
            vm.expectEmit(address(gradpay));
            emit IRewardDistributor.RewardClaimed(poolIds[i], node, expected[i], node);
        }
        vm.prank(node);
        uint256[] memory amounts = gradpay.claimRewardsBatch(poolIds);

        assertEq(amounts.length, 5, "one amount per pool");
        for (uint256 i; i < 5; ++i) {
            assertEq(amounts[i], expected[i], "batch amount = rewardOf");
            assertTrue(gradpay.hasClaimed(poolIds[i], node), "claimed");
            assertEq(
                gradpay.getPool(poolIds[i]).remaining,
                gradpay.getPool(poolIds[i]).amount - expected[i],
                "remaining"
            );
        }
        assertEq(node.balance, expectedEth, "ETH received");
        assertEq(token.balanceOf(node), expectedToken, "tokens received");
    }

    function test_RevertWhen_claimRewardsBatch_oneAlreadyClaimed_atomic() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](3);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = _tokenPool(1 ether);
        poolIds[2] = _ethPool(2 ether);
        address node = nodes[1];
        uint256 first = _claim(node, poolIds[2]);

        vm.prank(node);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, poolIds[2], node)
        );
        gradpay.claimRewardsBatch(poolIds);

        assertFalse(gradpay.hasClaimed(poolIds[0], node), "pool 0 not claimed");
        assertFalse(gradpay.hasClaimed(poolIds[1], node), "pool 1 not claimed");
        assertEq(node.balance, first, "only the earlier claim paid");
        assertEq(token.balanceOf(node), 0, "no tokens paid");
        assertEq(gradpay.getPool(poolIds[0]).remaining, 1 ether, "pool 0 untouched");
    }

    function test_RevertWhen_claimRewardsBatch_duplicatePool() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = poolIds[0];
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, poolIds[0], nodes[0])
        );
        gradpay.claimRewardsBatch(poolIds);
        assertEq(nodes[0].balance, 0, "nothing paid");
    }

    function test_RevertWhen_claimRewardsBatch_oneClosed_atomic() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _ethPool(1 ether);
        vm.prank(coordinator);
        poolIds[1] = gradpay.createRewardPool{value: 1 ether}(
            SESSION,
            address(0),
            1 ether,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            uint40(block.timestamp + 1 days)
        );
        vm.warp(block.timestamp + 1 days + 1);
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimWindowClosed.selector, poolIds[1], uint40(block.timestamp - 1)
            )
        );
        gradpay.claimRewardsBatch(poolIds);
        assertFalse(gradpay.hasClaimed(poolIds[0], nodes[0]), "open pool not claimed either");
    }

    function test_RevertWhen_claimRewardsBatch_nothingToClaimInOne() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = _ethPool(1); // 1 wei: floor(1 * s / S) = 0 for everyone
        vm.prank(nodes[1]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolIds[1], nodes[1])
        );
        gradpay.claimRewardsBatch(poolIds);
        assertFalse(gradpay.hasClaimed(poolIds[0], nodes[1]), "atomic");
    }

    function test_RevertWhen_claimRewardsBatch_empty() public {
        _fixture();
        vm.prank(nodes[0]);
        vm.expectRevert(IGradPayBase.EmptyList.selector);
        gradpay.claimRewardsBatch(new uint256[](0));
    }
}
