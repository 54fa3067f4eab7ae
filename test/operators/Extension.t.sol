// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {IGradPay} from "../../contracts/interfaces/IGradPay.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {INodeOperators} from "../../contracts/interfaces/INodeOperators.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {OperatorsTest} from "../utils/OperatorsTest.sol";

/// @notice GradPayExtension behind GradPay's fallback: its only writes are INodeOperators', each gated;
///         called directly it acts on its own empty storage; the auditor's bulk views.
contract ExtensionTest is OperatorsTest {
    /// @dev Every INodeOperators write, called by a stranger with nothing prepared, is refused with the
    ///      gate the interface names, and GradPay's state is unchanged.
    function test_extensionWrites_eachGated() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        INodeOperators.NodeConsent[] memory consents = _consents(1, SESSION, false);
        INodeOperators.ClaimRequest memory request = _claimRequest(_nodeKey(0), _onePool(poolId), 0, 0, 0);
        request.signature = new bytes(65);
        bytes32 coordinatorRole = gradpay.COORDINATOR_ROLE();
        vm.startPrank(stranger);
        vm.expectRevert(_unauthorized(stranger, coordinatorRole));
        gradpay.createNodeSignedSession(50, MODEL, 0);
        vm.expectRevert(_notOperator(SESSION, stranger));
        gradpay.registerSignedNodes(SESSION, consents);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, stranger));
        gradpay.setPayout(_one(SESSION), stranger);
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, nodes[0]));
        gradpay.setPayoutBySig(nodes[0], _one(SESSION), stranger, 0, block.timestamp, new bytes(65));
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, nodes[0]));
        gradpay.claimRewardsBySig(_requests(request));
        // invalidateNonce only ever burns the caller's own nonce.
        gradpay.invalidateNonce(0);
        vm.stopPrank();
        assertTrue(gradpay.isNonceUsed(stranger, 0), "the stranger's own nonce");
        assertFalse(gradpay.isNonceUsed(nodes[0], 0), "nobody else's");
        assertEq(uint8(gradpay.getSession(50).state), 0, "no session created");
        assertEq(gradpay.payoutOf(SESSION, nodes[0]), nodes[0], "no payout set");
        assertFalse(gradpay.hasClaimed(poolId, nodes[0]), "nothing claimed");
    }

    /// @dev The extension's code only acts on GradPay through GradPay's fallback: called directly it reads
    ///      and writes its own storage, where no role is held and no session exists.
    function test_extensionCalledDirectly_touchesNothingOfGradPay() public {
        _fixture();
        IGradPay extension = IGradPay(gradpay.EXTENSION());
        bytes32 coordinatorRole = gradpay.COORDINATOR_ROLE();
        vm.prank(coordinator);
        vm.expectRevert(_unauthorized(coordinator, coordinatorRole));
        extension.createNodeSignedSession(50, MODEL, 0);
        vm.prank(nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, nodes[0]));
        extension.setPayout(_one(SESSION), payout);
        assertEq(gradpay.payoutOf(SESSION, nodes[0]), nodes[0], "GradPay unchanged");
        (,,, uint256 chainId, address verifying,,) = extension.eip712Domain();
        assertEq(verifying, address(extension), "its own domain, which no GradPay signature uses");
        assertEq(chainId, block.chainid, "chain");
    }

    function test_RevertWhen_unknownSelector() public {
        (bool ok,) = address(gradpay).call(abi.encodeWithSignature("notAFunction()"));
        assertFalse(ok, "an unknown selector reverts in the extension too");
    }

    // ------------------------------------------------------------------ bulk views

    function test_rewardsOf_byIndex_matchesRewardOf() public {
        _fixture();
        uint256 poolId = _tokenPool(10 ether);
        _claim(nodes[2], poolId);
        uint256[] memory amounts = gradpay.rewardsOf(poolId, 1, 5);
        assertEq(amounts.length, 5, "count");
        for (uint256 i; i < 5; ++i) {
            assertEq(amounts[i], gradpay.rewardOf(poolId, nodes[i + 1]), "rewardOf, claimed or not");
        }
        assertEq(amounts[2], 0, "node 3 is not eligible");
        assertGt(amounts[1], 0, "claimed node 2 still shows its reward");
        bool[] memory claimed = gradpay.claimedOf(poolId, nodes);
        for (uint256 i; i < 6; ++i) {
            assertEq(claimed[i], i == 2, "only node 2 claimed");
        }
    }

    function test_RevertWhen_rewardsOf_pastTheEnd() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionTracker.IndexRangeOutOfBounds.selector, SESSION, 4, 3, 6)
        );
        gradpay.rewardsOf(poolId, 4, 3);
    }

    function test_RevertWhen_rewardsOf_unknownPool() public {
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, 12_345));
        gradpay.rewardsOf(12_345, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, 12_345));
        gradpay.claimedOf(12_345, nodes);
    }
}
