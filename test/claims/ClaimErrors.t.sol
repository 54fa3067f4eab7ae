// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";

/// @dev A node address that refuses ETH.
contract EthRefuser {}

/// @notice Every claim that must revert: already claimed, nothing owed, not a node, no pool, window closed,
///         ETH refused to a node that cannot take it.
contract ClaimErrorsTest is ClaimsTest {
    function test_RevertWhen_claimReward_alreadyClaimed() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        uint256 paid = _claim(nodes[0], poolId);
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, poolId, nodes[0])
        );
        gradpay.claimReward(poolId);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, poolId, nodes[0])
        );
        gradpay.claimRewardFor(poolId, nodes[0]);
        assertEq(nodes[0].balance, paid, "paid once");
    }

    function test_RevertWhen_claimReward_neverReported() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        vm.prank(nodes[3]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolId, nodes[3]));
        gradpay.claimReward(poolId);
    }

    function test_RevertWhen_claimReward_excluded() public {
        _recordFixture(SESSION, 0);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[5], "sybil");
        _finalize(SESSION);
        uint256 poolId = _ethPool(1 ether);
        assertEq(gradpay.rewardOf(poolId, nodes[5]), 0, "excluded node owed nothing");
        vm.prank(nodes[5]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolId, nodes[5]));
        gradpay.claimReward(poolId);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolId, nodes[5]));
        gradpay.claimRewardFor(poolId, nodes[5]);

        // The others share the whole pool (up to dust).
        uint32[4] memory others = [uint32(0), 1, 2, 4];
        uint256 paid;
        for (uint256 i; i < 4; ++i) {
            paid += _claim(nodes[others[i]], poolId);
        }
        assertLt(1 ether - paid, 4, "the four eligible nodes share the pool");
    }

    function test_RevertWhen_claimReward_stranger() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, stranger));
        gradpay.claimReward(poolId);
    }

    function test_RevertWhen_claimReward_poolNotFound() public {
        _fixture();
        uint256 missing = (uint256(SESSION) << 8) | 7;
        vm.prank(nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, missing));
        gradpay.claimReward(missing);
    }

    function test_RevertWhen_claimReward_windowClosed() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        uint40 deadline = gradpay.getPool(poolId).claimDeadline;
        vm.warp(uint256(deadline) + 1);
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.ClaimWindowClosed.selector, poolId, deadline)
        );
        gradpay.claimReward(poolId);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.ClaimWindowClosed.selector, poolId, deadline)
        );
        gradpay.claimRewardFor(poolId, nodes[0]);
    }

    function test_RevertWhen_claimReward_zeroShare() public {
        _fixture();
        uint256 poolId = _ethPool(4); // 4 wei among 5 nodes: node 4 (lowest) gets floor(4 * s / S) = 0
        assertEq(gradpay.rewardOf(poolId, nodes[4]), 0, "zero share");
        vm.prank(nodes[4]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolId, nodes[4]));
        gradpay.claimReward(poolId);
    }

    function test_RevertWhen_claimReward_ethRefused() public {
        _createSession(SESSION, 0, 1);
        address refuser = address(new EthRefuser());
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, refuser, bytes32("refuser"));
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        entries[1] = _entry(1, 10, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        _record(SESSION, 0, 0, 1, entries);
        _finalize(SESSION);
        uint256 poolId = _ethPool(1 ether);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.EthTransferFailed.selector, refuser, 0.5 ether)
        );
        gradpay.claimRewardFor(poolId, refuser);
        assertFalse(gradpay.hasClaimed(poolId, refuser), "claim rolled back");
    }
}
