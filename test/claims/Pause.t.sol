// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAdminControls} from "../../contracts/interfaces/IAdminControls.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";

/// @notice The pause stops claims and sweeps; unpausing gives them back.
contract ClaimPauseTest is ClaimsTest {
    function test_RevertWhen_paused_claimsAndSweep() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        uint256 otherPool = _ethPool(1 ether);
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.prank(admin);
        gradpay.pause();

        vm.prank(nodes[0]);
        vm.expectRevert(IAdminControls.EnforcedPause.selector);
        gradpay.claimReward(poolId);
        vm.prank(stranger);
        vm.expectRevert(IAdminControls.EnforcedPause.selector);
        gradpay.claimRewardFor(poolId, nodes[0]);
        uint256[] memory poolIds = new uint256[](1);
        poolIds[0] = poolId;
        vm.prank(nodes[0]);
        vm.expectRevert(IAdminControls.EnforcedPause.selector);
        gradpay.claimRewardsBatch(poolIds);
        vm.prank(stranger);
        vm.expectRevert(IAdminControls.EnforcedPause.selector);
        gradpay.sweepPool(poolId);

        vm.prank(admin);
        gradpay.unpause();
        vm.prank(stranger);
        assertEq(gradpay.sweepPool(otherPool), 1 ether, "sweep works after unpause");
    }

    function test_claimReward_worksAfterUnpause() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        vm.prank(admin);
        gradpay.pause();
        vm.prank(admin);
        gradpay.unpause();
        uint256 owed = gradpay.rewardOf(poolId, nodes[0]);
        assertEq(_claim(nodes[0], poolId), owed, "claim after unpause");
    }
}
