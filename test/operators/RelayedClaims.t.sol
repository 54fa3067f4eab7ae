// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {INodeOperators} from "../../contracts/interfaces/INodeOperators.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {OperatorsTest} from "../utils/OperatorsTest.sol";
import {ISafe} from "../utils/SafeAdmin.sol";

/// @notice claimRewardsBySig: a relayer submits several nodes' signed claims in one transaction and keeps
///         a fee within each node's signed cap; the rest goes to each node's payout address (or the node).
contract RelayedClaimsTest is OperatorsTest {
    uint256 internal ethPool;
    uint256 internal tokenPool;

    function setUp() public override {
        super.setUp();
        _fixture();
        ethPool = _ethPool(10 ether);
        tokenPool = _tokenPool(20 ether);
    }

    function _bothPools() internal view returns (uint256[] memory ids) {
        ids = new uint256[](2);
        (ids[0], ids[1]) = (ethPool, tokenPool);
    }

    function test_claimRewardsBySig_paysNodeAndRelayerFee() public {
        address node = nodes[1];
        uint256 reward = gradpay.rewardOf(ethPool, node);
        uint256 fee = reward * 150 / 10_000;
        INodeOperators.ClaimRequest memory request =
            _claimRequest(_nodeKey(1), _onePool(ethPool), 200, 150, 3);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardClaimed(ethPool, node, reward, relayer, node);
        vm.expectEmit(address(gradpay));
        emit INodeOperators.RelayFeePaid(ethPool, node, relayer, fee);
        assertEq(_relay(request), reward - fee, "amount: what the node received");
        assertEq(node.balance, reward - fee, "node paid, fee deducted");
        assertEq(relayer.balance, fee, "relayer paid its fee");
        assertTrue(gradpay.hasClaimed(ethPool, node), "claimed");
        assertTrue(gradpay.isNonceUsed(node, 3), "nonce used");
    }

    /// @dev Several nodes, two pools each (ETH and a token), one with a payout; zero fee pays no relayer.
    function test_claimRewardsBySig_manyNodes_paysPayouts() public {
        vm.prank(nodes[0]);
        gradpay.setPayout(_one(SESSION), payout);
        INodeOperators.ClaimRequest[] memory requests = new INodeOperators.ClaimRequest[](3);
        requests[0] = _claimRequest(_nodeKey(0), _bothPools(), 100, 100, 0);
        requests[1] = _claimRequest(_nodeKey(2), _bothPools(), 0, 0, 0);
        requests[2] = _claimRequest(_nodeKey(5), _bothPools(), 500, 20, 0);
        uint256[4] memory rewards = [
            gradpay.rewardOf(ethPool, nodes[0]),
            gradpay.rewardOf(tokenPool, nodes[0]),
            gradpay.rewardOf(ethPool, nodes[2]),
            gradpay.rewardOf(tokenPool, nodes[2])
        ];
        vm.prank(relayer);
        uint256[] memory amounts = gradpay.claimRewardsBySig(requests);

        assertEq(payout.balance, rewards[0] - rewards[0] / 100, "node 0's payout: ETH");
        assertEq(token.balanceOf(payout), rewards[1] - rewards[1] / 100, "node 0's payout: token");
        assertEq(nodes[0].balance + token.balanceOf(nodes[0]), 0, "node 0 itself not paid");
        assertEq(amounts[0], payout.balance + token.balanceOf(payout), "amounts[0] sums both pools");
        assertEq(nodes[2].balance, rewards[2], "no fee: the whole reward");
        assertEq(token.balanceOf(nodes[2]), rewards[3], "no fee: the whole token reward");
        uint256 ethFee5 = gradpay.rewardOf(ethPool, nodes[5]) * 20 / 10_000;
        assertEq(relayer.balance, rewards[0] / 100 + ethFee5, "relayer ETH fees");
        assertEq(amounts.length, 3, "one amount per request");
    }

    /// @dev A pool already claimed pays 0 in the request; the others still pay.
    function test_claimRewardsBySig_skipsClaimedPools() public {
        _claim(nodes[1], ethPool);
        uint256 tokenReward = gradpay.rewardOf(tokenPool, nodes[1]);
        assertEq(
            _relay(_claimRequest(_nodeKey(1), _bothPools(), 0, 0, 0)), tokenReward, "the token pool only"
        );
        assertEq(token.balanceOf(nodes[1]), tokenReward, "paid");
    }

    function test_claimRewardsBySig_safeNode() public {
        uint64 sessionId = SESSION + 1;
        ISafe safe = _safeNodeSession(sessionId);
        uint256 poolId = _createPool(
            sessionId, address(token), 3 ether, IRewardDistributor.Strategy.Proportional, _noParams()
        );

        INodeOperators.ClaimRequest memory request = INodeOperators.ClaimRequest({
            node: address(safe),
            poolIds: _onePool(poolId),
            maxFeeBps: 0,
            feeBps: 0,
            nonce: 0,
            deadline: block.timestamp + 1 hours,
            signature: ""
        });
        bytes32 digest = _digest(_claimHash(request));
        request.signature = _safeSign(safe, _oneOwner(), digest);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, address(safe)));
        gradpay.claimRewardsBySig(_requests(request));
        assertFalse(gradpay.hasClaimed(poolId, address(safe)), "one owner cannot claim");

        request.signature = _safeSign(safe, _twoOwners(), digest);
        _relay(request);
        assertEq(token.balanceOf(address(safe)), 3 ether, "the Safe is paid");
    }

    /// @dev For any fee within the cap, the node's share and the relayer's fee add up to the reward a claim
    ///      of its own would pay, and the fee rounds down.
    function testFuzz_claimRewardsBySig_sharesSumToReward(uint16 maxFeeBps, uint16 feeBps, uint8 nodeIndex)
        public
    {
        maxFeeBps = uint16(bound(maxFeeBps, 0, 10_000));
        feeBps = uint16(bound(feeBps, 0, maxFeeBps));
        uint256 i = [uint256(0), 1, 2, 4, 5][bound(nodeIndex, 0, 4)];
        address node = nodes[i];
        uint256 ethReward = gradpay.rewardOf(ethPool, node);
        uint256 tokenReward = gradpay.rewardOf(tokenPool, node);
        uint256 received = _relay(_claimRequest(_nodeKey(i), _bothPools(), maxFeeBps, feeBps, 0));
        assertEq(node.balance + relayer.balance, ethReward, "ETH: share + fee = reward");
        assertEq(token.balanceOf(node) + token.balanceOf(relayer), tokenReward, "token: share + fee = reward");
        assertEq(relayer.balance, ethReward * feeBps / 10_000, "ETH fee rounded down");
        assertEq(received, node.balance + token.balanceOf(node), "amount = what the node received");
    }

    function test_RevertWhen_claimRewardsBySig_feeAboveCap() public {
        INodeOperators.ClaimRequest memory request =
            _claimRequest(_nodeKey(1), _onePool(ethPool), 100, 101, 0);
        _expectRelayRefused(
            request, abi.encodeWithSelector(INodeOperators.RelayerFeeAboveCap.selector, nodes[1], 101, 100)
        );
    }

    function test_RevertWhen_claimRewardsBySig_capAbove100Percent() public {
        INodeOperators.ClaimRequest memory request =
            _claimRequest(_nodeKey(1), _onePool(ethPool), 10_001, 0, 0);
        _expectRelayRefused(
            request,
            abi.encodeWithSelector(INodeOperators.RelayerFeeAboveCap.selector, nodes[1], 10_001, 10_000)
        );
    }

    /// @dev The relayer cannot raise its fee by editing the request: feeBps is its own choice, but the cap
    ///      is signed.
    function test_RevertWhen_claimRewardsBySig_capEdited() public {
        INodeOperators.ClaimRequest memory request =
            _claimRequest(_nodeKey(1), _onePool(ethPool), 100, 100, 0);
        request.maxFeeBps = 10_000;
        request.feeBps = 10_000;
        _expectRelayRefused(
            request, abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, nodes[1])
        );
    }

    function test_RevertWhen_claimRewardsBySig_expired() public {
        INodeOperators.ClaimRequest memory request = _claimRequest(_nodeKey(1), _onePool(ethPool), 0, 0, 0);
        vm.warp(request.deadline + 1);
        _expectRelayRefused(
            request, abi.encodeWithSelector(INodeOperators.SignatureExpired.selector, request.deadline)
        );
    }

    function test_RevertWhen_claimRewardsBySig_replayed() public {
        INodeOperators.ClaimRequest memory request = _claimRequest(_nodeKey(1), _bothPools(), 0, 0, 9);
        _relay(request);
        uint256 paid = nodes[1].balance;
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.NonceAlreadyUsed.selector, nodes[1], 9));
        gradpay.claimRewardsBySig(_requests(request));
        assertEq(nodes[1].balance, paid, "nothing more paid");
    }

    function test_RevertWhen_claimRewardsBySig_nonceInvalidated() public {
        INodeOperators.ClaimRequest memory request = _claimRequest(_nodeKey(1), _onePool(ethPool), 0, 0, 9);
        vm.prank(nodes[1]);
        gradpay.invalidateNonce(9);
        _expectRelayRefused(
            request, abi.encodeWithSelector(INodeOperators.NonceAlreadyUsed.selector, nodes[1], 9)
        );
    }

    function test_RevertWhen_claimRewardsBySig_otherChain() public {
        INodeOperators.ClaimRequest memory request = _claimRequest(_nodeKey(1), _onePool(ethPool), 0, 0, 0);
        vm.chainId(10_143);
        _expectRelayRefused(
            request, abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, nodes[1])
        );
    }

    function test_RevertWhen_claimRewardsBySig_wrongKey() public {
        INodeOperators.ClaimRequest memory request = _claimRequest(_nodeKey(1), _onePool(ethPool), 0, 0, 0);
        request.signature = _sign(_nodeKey(2), _digest(_claimHash(request)));
        _expectRelayRefused(
            request, abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, nodes[1])
        );
    }

    /// @dev A bad request anywhere reverts the whole submission: an earlier good request pays nothing.
    function test_RevertWhen_claimRewardsBySig_oneBadRequest_revertsAll() public {
        INodeOperators.ClaimRequest[] memory requests = new INodeOperators.ClaimRequest[](2);
        requests[0] = _claimRequest(_nodeKey(0), _onePool(ethPool), 0, 0, 0);
        requests[1] = _claimRequest(_nodeKey(1), _onePool(ethPool), 0, 0, 0);
        requests[1].deadline -= 1;
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, nodes[1]));
        gradpay.claimRewardsBySig(requests);
        _expectNothingClaimed(0);
        assertFalse(gradpay.isNonceUsed(nodes[0], 0), "the good request's nonce is not used");
    }

    function test_RevertWhen_claimRewardsBySig_nothingClaimable() public {
        // Node 3 reported nothing: no pool owes it anything.
        INodeOperators.ClaimRequest memory request = _claimRequest(_nodeKey(3), _bothPools(), 0, 0, 0);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingClaimable.selector, nodes[3]));
        gradpay.claimRewardsBySig(_requests(request));
        assertFalse(gradpay.isNonceUsed(nodes[3], 0), "nonce not used");
    }

    function test_RevertWhen_claimRewardsBySig_empty() public {
        vm.prank(relayer);
        vm.expectRevert(IGradPayBase.EmptyList.selector);
        gradpay.claimRewardsBySig(new INodeOperators.ClaimRequest[](0));
    }

    function test_RevertWhen_claimRewardsBySig_noPools() public {
        INodeOperators.ClaimRequest memory request = _claimRequest(_nodeKey(1), new uint256[](0), 0, 0, 0);
        vm.prank(relayer);
        vm.expectRevert(IGradPayBase.EmptyList.selector);
        gradpay.claimRewardsBySig(_requests(request));
    }

    function test_RevertWhen_claimRewardsBySig_paused() public {
        INodeOperators.ClaimRequest memory request = _claimRequest(_nodeKey(1), _onePool(ethPool), 0, 0, 0);
        vm.prank(admin);
        gradpay.pause();
        _expectRelayRefused(request, abi.encodeWithSignature("EnforcedPause()"));
    }

    /// @dev Asserts that relaying `request` (node 1's) reverts with `reason` and pays nothing.
    function _expectRelayRefused(INodeOperators.ClaimRequest memory request, bytes memory reason) internal {
        vm.prank(relayer);
        vm.expectRevert(reason);
        gradpay.claimRewardsBySig(_requests(request));
        _expectNothingClaimed(1);
    }

    function _expectNothingClaimed(uint256 i) internal view {
        assertFalse(gradpay.hasClaimed(ethPool, nodes[i]), "not claimed");
        assertEq(nodes[i].balance, 0, "node not paid");
        assertEq(relayer.balance, 0, "relayer not paid");
        assertEq(gradpay.getPool(ethPool).remaining, 10 ether, "pool untouched");
    }
}
