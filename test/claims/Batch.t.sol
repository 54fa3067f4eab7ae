// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";

/// @notice claimRewardsBatch: one call over mixed pools and tokens; a pool already claimed or owing nothing
///         pays 0; atomic when a pool is unknown or closed or the caller is not a node.
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
            emit IRewardDistributor.RewardClaimed(poolIds[i], node, expected[i], node, node);
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

    /// @dev Gap 3 of issue 11: a stranger front-runs the node's batch with `claimRewardFor` on one of its
    ///      pools. That pool pays 0 in the batch; every other pool still pays the node.
    function test_claimRewardsBatch_frontRunByClaimRewardFor_paysTheRest() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](3);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = _tokenPool(1 ether);
        poolIds[2] = _ethPool(2 ether);
        address node = nodes[1];
        uint256 owed0 = gradpay.rewardOf(poolIds[0], node);
        uint256 owed1 = gradpay.rewardOf(poolIds[1], node);
        vm.prank(stranger);
        uint256 frontRun = gradpay.claimRewardFor(poolIds[2], node);
        assertGt(frontRun, 0, "the front-run paid the node");

        vm.prank(node);
        uint256[] memory amounts = gradpay.claimRewardsBatch(poolIds);

        assertEq(amounts[0], owed0, "pool 0 paid");
        assertEq(amounts[1], owed1, "pool 1 paid");
        assertEq(amounts[2], 0, "pool 2 already claimed: skipped");
        assertEq(node.balance, frontRun + owed0, "ETH: the front-run claim plus pool 0, once each");
        assertEq(token.balanceOf(node), owed1, "tokens: pool 1");
        assertEq(gradpay.getPool(poolIds[2]).remaining, 2 ether - frontRun, "pool 2 paid once");
    }

    function test_claimRewardsBatch_duplicatePool_paysOnce() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = poolIds[0];
        uint256 owed = gradpay.rewardOf(poolIds[0], nodes[0]);
        vm.prank(nodes[0]);
        uint256[] memory amounts = gradpay.claimRewardsBatch(poolIds);
        assertEq(amounts[0], owed, "first listing pays");
        assertEq(amounts[1], 0, "second listing skipped");
        assertEq(nodes[0].balance, owed, "paid once");
        assertEq(gradpay.getPool(poolIds[0]).remaining, 1 ether - owed, "pool debited once");
    }

    function test_claimRewardsBatch_skipsPoolOwingNothing() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = _ethPool(1); // 1 wei: floor(1 * s / S) = 0 for everyone
        uint256 owed = gradpay.rewardOf(poolIds[0], nodes[1]);
        vm.prank(nodes[1]);
        uint256[] memory amounts = gradpay.claimRewardsBatch(poolIds);
        assertEq(amounts[0], owed, "pool 0 paid");
        assertEq(amounts[1], 0, "pool 1 owes nothing");
        assertFalse(gradpay.hasClaimed(poolIds[1], nodes[1]), "nothing recorded for pool 1");
        assertEq(gradpay.getPool(poolIds[1]).remaining, 1, "pool 1 untouched");
    }

    function test_RevertWhen_claimRewardsBatch_nothingClaimable() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = _ethPool(1);
        address node = nodes[1];
        uint256 first = _claim(node, poolIds[0]);
        vm.prank(node);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingClaimable.selector, node));
        gradpay.claimRewardsBatch(poolIds);
        // An ineligible node (index 3 never reported) is owed nothing anywhere either.
        vm.prank(nodes[3]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingClaimable.selector, nodes[3]));
        gradpay.claimRewardsBatch(poolIds);
        assertEq(node.balance, first, "only the earlier claim paid");
    }

    function test_RevertWhen_claimRewardsBatch_oneClosed_atomic() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _ethPool(1 ether);
        vm.prank(coordinator);
        poolIds[1] = _proportionalPool(
            SESSION, address(0), 1 ether, 1 ether, uint40(block.timestamp + 8 days), refund
        );
        vm.warp(block.timestamp + 8 days + 1);
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimWindowClosed.selector, poolIds[1], uint40(block.timestamp - 1)
            )
        );
        gradpay.claimRewardsBatch(poolIds);
        assertFalse(gradpay.hasClaimed(poolIds[0], nodes[0]), "open pool not claimed either");
    }

    function test_RevertWhen_claimRewardsBatch_strangerInOne_atomic() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](1);
        poolIds[0] = _ethPool(1 ether);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, stranger));
        gradpay.claimRewardsBatch(poolIds);
    }

    function test_RevertWhen_claimRewardsBatch_empty() public {
        _fixture();
        vm.prank(nodes[0]);
        vm.expectRevert(IGradPayBase.EmptyList.selector);
        gradpay.claimRewardsBatch(new uint256[](0));
    }
}
