// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice setTreasury: where sweeps go, and who may change it when.
contract TreasuryTest is ClaimsTest {
    function test_setTreasury_redirectsSweeps() public {
        address newTreasury = makeAddr("new-treasury");
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.TreasuryUpdated(treasury, newTreasury);
        vm.prank(admin);
        gradpay.setTreasury(newTreasury);
        assertEq(gradpay.treasury(), newTreasury, "treasury view");

        _fixture();
        uint256 poolId = _ethPool(1 ether);
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.PoolSwept(poolId, newTreasury, 1 ether);
        vm.prank(admin);
        gradpay.sweepPool(poolId);
        assertEq(newTreasury.balance, 1 ether, "new treasury paid");
        assertEq(treasury.balance, 0, "old treasury not paid");
    }

    function test_RevertWhen_setTreasury_zeroAddress() public {
        vm.prank(admin);
        vm.expectRevert(IRewardDistributor.ZeroAddressTreasury.selector);
        gradpay.setTreasury(address(0));
        assertEq(gradpay.treasury(), treasury, "unchanged");
    }

    function test_RevertWhen_setTreasury_unauthorized() public {
        bytes32 adminRole = gradpay.DEFAULT_ADMIN_ROLE();
        vm.prank(coordinator);
        vm.expectRevert(_unauthorized(coordinator, adminRole));
        gradpay.setTreasury(stranger);
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, adminRole));
        gradpay.setTreasury(stranger);
        assertEq(gradpay.treasury(), treasury, "unchanged");
    }

    /// @dev ITrainingRegistry.pause: "Stops every state-changing function"; the issue lists setTreasury among
    ///      the distributor functions that must respect the pause.
    function test_RevertWhen_setTreasury_paused() public {
        vm.prank(admin);
        gradpay.pause();
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        gradpay.setTreasury(stranger);
        assertEq(gradpay.treasury(), treasury, "unchanged while paused");
    }
}
