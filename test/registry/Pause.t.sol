// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice pause / unpause: the admin only, views keep working, and each refuses the state it is already in.
contract RegistryPauseTest is RegistryTest {
    function test_pause_unpause() public {
        _openSession(SESSION, 0);
        vm.expectEmit(address(gradpay));
        emit Pausable.Paused(admin);
        vm.prank(admin);
        gradpay.pause();
        assertTrue(gradpay.paused(), "paused");

        // Views keep working while paused.
        assertEq(uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Active), "view");
        assertFalse(gradpay.isRegistered(SESSION, stranger), "view isRegistered");

        vm.expectEmit(address(gradpay));
        emit Pausable.Unpaused(admin);
        vm.prank(admin);
        gradpay.unpause();
        assertFalse(gradpay.paused(), "unpaused");

        vm.prank(coordinator);
        gradpay.registerNode(SESSION, stranger, _idOf(stranger));
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
        vm.expectRevert(Pausable.EnforcedPause.selector);
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
        vm.expectRevert(Pausable.ExpectedPause.selector);
        vm.prank(admin);
        gradpay.unpause();
    }
}
