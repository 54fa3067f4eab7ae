// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAdminControls} from "../../contracts/interfaces/IAdminControls.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";

/// @notice pause / unpause: the admin only, views keep working, each refuses the state it is already in, a
///         pause lapses after MAX_PAUSE_DURATION, the next one waits PAUSE_COOLDOWN, role changes never stop.
contract PauseTest is RegistryTest {
    function test_pause_unpause() public {
        _openSession(SESSION, 0);
        vm.expectEmit(address(gradpay));
        emit IAdminControls.Paused(admin);
        vm.prank(admin);
        gradpay.pause();
        assertTrue(gradpay.paused(), "paused");

        // Views keep working while paused.
        assertEq(uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Active), "view");
        assertFalse(gradpay.isRegistered(SESSION, stranger), "view isRegistered");

        vm.expectEmit(address(gradpay));
        emit IAdminControls.Unpaused(admin);
        vm.prank(admin);
        gradpay.unpause();
        assertFalse(gradpay.paused(), "unpaused");

        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, bytes32("stranger"));
        assertTrue(gradpay.isRegistered(SESSION, stranger), "works again");
    }

    function test_RevertWhen_pauseCallerNotAdmin() public {
        vm.expectRevert(_unauthorized(coordinator, ADMIN_ROLE));
        vm.prank(coordinator);
        gradpay.pause();
        vm.expectRevert(_unauthorized(stranger, ADMIN_ROLE));
        vm.prank(stranger);
        gradpay.pause();
        assertFalse(gradpay.paused(), "not paused");
    }

    function test_RevertWhen_pausePaused() public {
        _pause();
        vm.expectRevert(IAdminControls.EnforcedPause.selector);
        vm.prank(admin);
        gradpay.pause();
    }

    function test_RevertWhen_unpauseCallerNotAdmin() public {
        _pause();
        vm.expectRevert(_unauthorized(coordinator, ADMIN_ROLE));
        vm.prank(coordinator);
        gradpay.unpause();
        assertTrue(gradpay.paused(), "still paused");
    }

    function test_RevertWhen_unpauseNotPaused() public {
        vm.expectRevert(IAdminControls.ExpectedPause.selector);
        vm.prank(admin);
        gradpay.unpause();
    }

    /// @dev Gap 1 of issue 11: an admin that pauses and disappears cannot lock funds for good.
    function test_pause_lapsesAfterMaxDuration() public {
        _openSession(SESSION, 0);
        uint256 maxPause = gradpay.MAX_PAUSE_DURATION();
        assertEq(maxPause, 14 days, "MAX_PAUSE_DURATION");
        _pause();
        vm.warp(block.timestamp + maxPause - 1);
        assertTrue(gradpay.paused(), "paused one second before the lapse");
        vm.prank(coordinator);
        vm.expectRevert(IAdminControls.EnforcedPause.selector);
        gradpay.registerNode(SESSION, stranger, bytes32("stranger"));

        vm.warp(block.timestamp + 1);
        assertFalse(gradpay.paused(), "lapsed, no unpause needed");
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, bytes32("stranger"));
        vm.expectRevert(IAdminControls.ExpectedPause.selector);
        vm.prank(admin);
        gradpay.unpause();
    }

    /// @dev Gap 1 of issue 11: pauses cannot be chained back to back; nodes always get unpaused days.
    function test_RevertWhen_pauseCoolingDown() public {
        uint256 cooldown = gradpay.PAUSE_COOLDOWN();
        assertEq(cooldown, 2 days, "PAUSE_COOLDOWN");
        _pause();
        vm.warp(block.timestamp + 1 hours);
        vm.prank(admin);
        gradpay.unpause();
        _expectPauseAvailableAt(block.timestamp + cooldown);
    }

    /// @dev After a lapse, the cooldown runs from the moment the pause lapsed, not from an unpause.
    function test_RevertWhen_pauseCoolingDown_afterLapse() public {
        uint256 start = block.timestamp;
        _pause();
        _expectPauseAvailableAt(start + gradpay.MAX_PAUSE_DURATION() + gradpay.PAUSE_COOLDOWN());
    }

    /// @dev `pause` is refused one second before `availableAt`, saying when it can succeed, and works then.
    function _expectPauseAvailableAt(uint256 availableAt) internal {
        vm.warp(availableAt - 1);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IAdminControls.PauseCoolingDown.selector, availableAt));
        gradpay.pause();
        vm.warp(availableAt);
        _pause();
        assertTrue(gradpay.paused(), "paused again once the cooldown is over");
    }

    /// @dev The pause stops sessions, records and pools, never role changes: an admin can still hand over or
    ///      revoke a compromised coordinator while paused.
    function test_roleChangesWorkWhilePaused() public {
        _pause();
        bytes32 role = gradpay.COORDINATOR_ROLE();
        address other = makeAddr("other-coordinator");
        vm.startPrank(admin);
        gradpay.grantRole(role, other);
        gradpay.revokeRole(role, coordinator);
        vm.stopPrank();
        assertTrue(gradpay.hasRole(role, other), "granted while paused");
        assertFalse(gradpay.hasRole(role, coordinator), "revoked while paused");
        vm.prank(other);
        gradpay.renounceRole(role, other);
        assertFalse(gradpay.hasRole(role, other), "renounced while paused");
        assertTrue(gradpay.paused(), "still paused");
    }
}
