// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {INodeOperators} from "../../contracts/interfaces/INodeOperators.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {EthRejecter, OperatorsTest} from "../utils/OperatorsTest.sol";

/// @notice setPayout by the node's own transaction, and every claim path paying the payout address:
///         claimReward, claimRewardFor, claimRewardsBatch across sessions, claimRewardTo; clearing it.
contract PayoutTest is OperatorsTest {
    function setUp() public override {
        super.setUp();
        _fixture();
    }

    function _setPayout(address node, uint64 sessionId, address to) internal {
        vm.prank(node);
        gradpay.setPayout(_one(sessionId), to);
    }

    function test_setPayout_storesAndEmits() public {
        assertEq(gradpay.payoutOf(SESSION, nodes[1]), nodes[1], "the node itself by default");
        vm.expectEmit(address(gradpay));
        emit INodeOperators.PayoutSet(SESSION, nodes[1], payout);
        _setPayout(nodes[1], SESSION, payout);
        assertEq(gradpay.payoutOf(SESSION, nodes[1]), payout, "payout set");
        assertEq(gradpay.payoutOf(SESSION, nodes[0]), nodes[0], "other nodes untouched");
    }

    function test_claimReward_paysPayout_eth() public {
        uint256 poolId = _ethPool(10 ether);
        _setPayout(nodes[1], SESSION, payout);
        uint256 expected = gradpay.rewardOf(poolId, nodes[1]);
        assertGt(expected, 0, "owed");
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardClaimed(poolId, nodes[1], expected, nodes[1], payout);
        assertEq(_claim(nodes[1], poolId), expected, "amount");
        assertEq(payout.balance, expected, "payout paid");
        assertEq(nodes[1].balance, 0, "node not paid");
    }

    function test_claimReward_paysPayout_erc20() public {
        uint256 poolId = _tokenPool(10 ether);
        _setPayout(nodes[1], SESSION, payout);
        uint256 expected = gradpay.rewardOf(poolId, nodes[1]);
        _claim(nodes[1], poolId);
        assertEq(token.balanceOf(payout), expected, "payout paid");
        assertEq(token.balanceOf(nodes[1]), 0, "node not paid");
    }

    function test_claimRewardFor_paysPayout() public {
        uint256 poolId = _tokenPool(10 ether);
        _setPayout(nodes[5], SESSION, payout);
        uint256 expected = gradpay.rewardOf(poolId, nodes[5]);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardClaimed(poolId, nodes[5], expected, stranger, payout);
        vm.prank(stranger);
        gradpay.claimRewardFor(poolId, nodes[5]);
        assertEq(token.balanceOf(payout), expected, "payout paid, not the caller");
        assertEq(token.balanceOf(stranger), 0, "caller not paid");
    }

    function test_setPayout_toTheNode_clears() public {
        uint256 poolId = _ethPool(10 ether);
        _setPayout(nodes[1], SESSION, payout);
        vm.expectEmit(address(gradpay));
        emit INodeOperators.PayoutSet(SESSION, nodes[1], nodes[1]);
        _setPayout(nodes[1], SESSION, nodes[1]);
        assertEq(gradpay.payoutOf(SESSION, nodes[1]), nodes[1], "cleared");
        uint256 expected = gradpay.rewardOf(poolId, nodes[1]);
        _claim(nodes[1], poolId);
        assertEq(nodes[1].balance, expected, "the node is paid again");
        assertEq(payout.balance, 0, "old payout not paid");
    }

    /// @dev Two sessions, a different payout in each: the batch pays each pool to its session's payout, and
    ///      consecutive pools of one token to one recipient in one transfer.
    function test_claimRewardsBatch_acrossSessions_paysEachPayout() public {
        uint64 other = SESSION + 1;
        address node = nodes[0];
        address payoutB = makeAddr("payout-b");
        // The same six addresses in a second session, in which node 0 alone reported.
        _finalizedSessionOf(other, nodes);

        uint256[] memory poolIds = new uint256[](3);
        poolIds[0] = _tokenPool(10 ether);
        poolIds[1] = _tokenPool(5 ether);
        poolIds[2] = _createPool(
            other, address(token), 7 ether, IRewardDistributor.Strategy.Proportional, _noParams()
        );
        uint64[] memory both = new uint64[](2);
        (both[0], both[1]) = (SESSION, other);
        vm.prank(node);
        gradpay.setPayout(both, payout);
        _setPayout(node, other, payoutB);

        uint256 expectedA = gradpay.rewardOf(poolIds[0], node) + gradpay.rewardOf(poolIds[1], node);
        uint256 expectedB = gradpay.rewardOf(poolIds[2], node);
        assertEq(expectedB, 7 ether, "the only eligible node of the other session");
        vm.prank(node);
        uint256[] memory amounts = gradpay.claimRewardsBatch(poolIds);
        assertEq(amounts[0] + amounts[1], expectedA, "session 1 amounts");
        assertEq(amounts[2], expectedB, "session 2 amount");
        assertEq(token.balanceOf(payout), expectedA, "session 1's payout");
        assertEq(token.balanceOf(payoutB), expectedB, "session 2's payout");
        assertEq(token.balanceOf(node), 0, "node not paid");
    }

    function test_claimRewardTo_paysRecipientOnce() public {
        uint256 first = _ethPool(10 ether);
        uint256 second = _ethPool(4 ether);
        _setPayout(nodes[1], SESSION, payout);
        address once = makeAddr("once");
        uint256 expected = gradpay.rewardOf(first, nodes[1]);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardClaimed(first, nodes[1], expected, nodes[1], once);
        vm.prank(nodes[1]);
        assertEq(gradpay.claimRewardTo(first, once), expected, "amount");
        assertEq(once.balance, expected, "recipient paid");
        assertEq(payout.balance, 0, "payout not paid by the one-off");
        assertEq(gradpay.payoutOf(SESSION, nodes[1]), payout, "payout unchanged");
        _claim(nodes[1], second);
        assertEq(payout.balance, gradpay.rewardOf(second, nodes[1]), "the next claim pays the payout");
    }

    function test_RevertWhen_claimRewardTo_zeroRecipient() public {
        uint256 poolId = _ethPool(10 ether);
        vm.prank(nodes[1]);
        vm.expectRevert(IGradPayBase.ZeroAddressRecipient.selector);
        gradpay.claimRewardTo(poolId, address(0));
        assertFalse(gradpay.hasClaimed(poolId, nodes[1]), "nothing claimed");
    }

    function test_RevertWhen_payoutRejectsEth() public {
        uint256 poolId = _ethPool(10 ether);
        address rejecter = address(new EthRejecter());
        _setPayout(nodes[1], SESSION, rejecter);
        uint256 expected = gradpay.rewardOf(poolId, nodes[1]);
        vm.prank(nodes[1]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.EthTransferFailed.selector, rejecter, expected)
        );
        gradpay.claimReward(poolId);
        assertFalse(gradpay.hasClaimed(poolId, nodes[1]), "not claimed");
        assertEq(gradpay.getPool(poolId).remaining, 10 ether, "pool untouched");
        assertEq(gradpay.totalOwed(address(0)), 10 ether, "owed untouched");
    }

    function test_RevertWhen_setPayout_zeroAddress() public {
        vm.prank(nodes[1]);
        vm.expectRevert(INodeOperators.ZeroAddressPayout.selector);
        gradpay.setPayout(_one(SESSION), address(0));
        assertEq(gradpay.payoutOf(SESSION, nodes[1]), nodes[1], "unchanged");
    }

    function test_RevertWhen_setPayout_unknownSession() public {
        uint64[] memory ids = new uint64[](2);
        (ids[0], ids[1]) = (SESSION, 999);
        vm.prank(nodes[1]);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, 999, nodes[1]));
        gradpay.setPayout(ids, payout);
        assertEq(gradpay.payoutOf(SESSION, nodes[1]), nodes[1], "the first session unchanged too");
    }

    function test_RevertWhen_setPayout_byStranger() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, stranger));
        gradpay.setPayout(_one(SESSION), payout);
    }

    function test_RevertWhen_setPayout_emptyList() public {
        vm.prank(nodes[1]);
        vm.expectRevert(IGradPayBase.EmptyList.selector);
        gradpay.setPayout(new uint64[](0), payout);
    }

    function test_RevertWhen_setPayout_paused() public {
        vm.prank(admin);
        gradpay.pause();
        vm.prank(nodes[1]);
        vm.expectRevert(abi.encodeWithSignature("EnforcedPause()"));
        gradpay.setPayout(_one(SESSION), payout);
        assertEq(gradpay.payoutOf(SESSION, nodes[1]), nodes[1], "unchanged");
    }

    function test_RevertWhen_payoutOf_stranger() public {
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, stranger));
        gradpay.payoutOf(SESSION, stranger);
    }
}
