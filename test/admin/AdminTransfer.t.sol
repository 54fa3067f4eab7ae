// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPay} from "../../contracts/interfaces/IGradPay.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

/// @notice Gap 6 of issue 11: the admin role changes hands in two steps, `ADMIN_TRANSFER_DELAY` (3 days)
///         apart (OpenZeppelin AccessControlDefaultAdminRules): the new admin must accept after the delay, a
///         renounce takes the same two steps, the role cannot be granted or revoked directly, and the
///         constructor refuses zero addresses.
contract AdminTransferTest is BaseTest {
    bytes32 internal constant ADMIN_ROLE = 0x00;
    uint48 internal constant DELAY = 3 days;

    address internal newAdmin = makeAddr("newAdmin");

    function _begin(address to) internal returns (uint48 schedule) {
        vm.prank(admin);
        gradpay.beginDefaultAdminTransfer(to);
        (, schedule) = gradpay.pendingDefaultAdmin();
    }

    function _tooEarly(uint48 schedule) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector, schedule
        );
    }

    function test_constructor_setsAdminAndDelay() public view {
        assertEq(gradpay.ADMIN_TRANSFER_DELAY(), DELAY, "ADMIN_TRANSFER_DELAY");
        assertEq(gradpay.defaultAdminDelay(), DELAY, "defaultAdminDelay");
        assertEq(gradpay.defaultAdmin(), admin, "defaultAdmin");
        assertTrue(gradpay.hasRole(ADMIN_ROLE, admin), "admin holds the role");
        (address pending, uint48 schedule) = gradpay.pendingDefaultAdmin();
        assertEq(pending, address(0), "no transfer pending");
        assertEq(schedule, 0, "no schedule");
    }

    function test_adminTransfer_twoStepsAfterTheDelay() public {
        vm.expectEmit(address(gradpay));
        emit IAccessControlDefaultAdminRules.DefaultAdminTransferScheduled(
            newAdmin, uint48(block.timestamp) + DELAY
        );
        uint48 schedule = _begin(newAdmin);
        assertEq(schedule, block.timestamp + DELAY, "accept schedule");
        (address pending,) = gradpay.pendingDefaultAdmin();
        assertEq(pending, newAdmin, "pending admin");
        assertEq(gradpay.defaultAdmin(), admin, "the old admin stays admin while pending");

        // OpenZeppelin's schedule has passed strictly after it: accepting at it is still too early.
        vm.warp(schedule);
        vm.expectRevert(_tooEarly(schedule));
        vm.prank(newAdmin);
        gradpay.acceptDefaultAdminTransfer();
        assertEq(gradpay.defaultAdmin(), admin, "not handed over early");

        vm.warp(schedule + 1);
        vm.prank(newAdmin);
        gradpay.acceptDefaultAdminTransfer();
        assertEq(gradpay.defaultAdmin(), newAdmin, "handed over");
        assertTrue(gradpay.hasRole(ADMIN_ROLE, newAdmin), "new admin holds the role");
        assertFalse(gradpay.hasRole(ADMIN_ROLE, admin), "old admin lost it");

        // The old admin can no longer pause or manage roles; the new one can.
        bytes32 coordinatorRole = gradpay.COORDINATOR_ROLE();
        vm.expectRevert(_unauthorized(admin, ADMIN_ROLE));
        vm.prank(admin);
        gradpay.pause();
        vm.expectRevert(_unauthorized(admin, ADMIN_ROLE));
        vm.prank(admin);
        gradpay.grantRole(coordinatorRole, stranger);
        vm.startPrank(newAdmin);
        gradpay.pause();
        gradpay.unpause();
        gradpay.grantRole(coordinatorRole, stranger);
        vm.stopPrank();
        assertTrue(gradpay.hasRole(coordinatorRole, stranger), "new admin granted a role");
    }

    function test_RevertWhen_acceptedByAnotherAccount() public {
        uint48 schedule = _begin(newAdmin);
        vm.warp(schedule + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector, stranger
            )
        );
        vm.prank(stranger);
        gradpay.acceptDefaultAdminTransfer();
        assertEq(gradpay.defaultAdmin(), admin, "unchanged");
    }

    function test_RevertWhen_beginTransferNotAdmin() public {
        vm.expectRevert(_unauthorized(coordinator, ADMIN_ROLE));
        vm.prank(coordinator);
        gradpay.beginDefaultAdminTransfer(coordinator);
    }

    function test_cancelTransfer_keepsTheAdmin() public {
        uint48 schedule = _begin(newAdmin);
        vm.prank(admin);
        gradpay.cancelDefaultAdminTransfer();
        vm.warp(schedule + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector, newAdmin
            )
        );
        vm.prank(newAdmin);
        gradpay.acceptDefaultAdminTransfer();
        assertEq(gradpay.defaultAdmin(), admin, "still the admin");
    }

    /// @dev Role changes are not pausable: a hand-over begun and accepted during a pause completes.
    function test_adminTransfer_whilePaused() public {
        vm.prank(admin);
        gradpay.pause();
        uint48 schedule = _begin(newAdmin);
        vm.warp(schedule + 1);
        vm.prank(newAdmin);
        gradpay.acceptDefaultAdminTransfer();
        vm.prank(newAdmin);
        gradpay.unpause();
        assertFalse(gradpay.paused(), "the new admin lifted the pause");
    }

    function test_RevertWhen_grantOrRevokeAdminRoleDirectly() public {
        bytes memory enforced = abi.encodeWithSelector(
            IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector
        );
        vm.startPrank(admin);
        vm.expectRevert(enforced);
        gradpay.grantRole(ADMIN_ROLE, newAdmin);
        vm.expectRevert(enforced);
        gradpay.revokeRole(ADMIN_ROLE, admin);
        vm.stopPrank();
        assertFalse(gradpay.hasRole(ADMIN_ROLE, newAdmin), "not granted");
        assertEq(gradpay.defaultAdmin(), admin, "not revoked");
    }

    /// @dev Renouncing (which leaves no admin) takes the same two steps: a hand-over to address(0), then the
    ///      renounce after the delay.
    function test_renounce_needsTwoSteps() public {
        vm.expectRevert(_tooEarly(0));
        vm.prank(admin);
        gradpay.renounceRole(ADMIN_ROLE, admin);
        assertEq(gradpay.defaultAdmin(), admin, "a one-step renounce is refused");

        uint48 schedule = _begin(address(0));
        vm.warp(schedule);
        vm.expectRevert(_tooEarly(schedule));
        vm.prank(admin);
        gradpay.renounceRole(ADMIN_ROLE, admin);

        vm.warp(schedule + 1);
        vm.prank(admin);
        gradpay.renounceRole(ADMIN_ROLE, admin);
        assertEq(gradpay.defaultAdmin(), address(0), "renounced");
        assertFalse(gradpay.hasRole(ADMIN_ROLE, admin), "role gone");
    }

    /// @dev A compromised admin cannot shorten the delay at once: lowering it waits the difference (3 days).
    function test_delayDecrease_waitsTheOldDelay() public {
        vm.prank(admin);
        gradpay.changeDefaultAdminDelay(0);
        (uint48 pendingDelay, uint48 effect) = gradpay.pendingDefaultAdminDelay();
        assertEq(pendingDelay, 0, "pending delay");
        assertEq(effect, block.timestamp + DELAY, "takes effect after the old delay");
        assertEq(gradpay.defaultAdminDelay(), DELAY, "the delay still holds");
        uint48 schedule = _begin(newAdmin);
        assertEq(schedule, block.timestamp + DELAY, "a transfer begun now still waits 3 days");
    }

    function test_RevertWhen_constructorZeroAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlInvalidDefaultAdmin.selector, address(0)
            )
        );
        _deploy(address(0), coordinator);
    }

    function test_RevertWhen_constructorZeroCoordinator() public {
        vm.expectRevert(IGradPay.ZeroAddressCoordinator.selector);
        _deploy(admin, address(0));
    }
}
