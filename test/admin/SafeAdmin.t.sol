// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPay} from "../../contracts/interfaces/IGradPay.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {ISafe, SafeAdmin} from "../utils/SafeAdmin.sol";
import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

/// @notice Gap 6 of issue 11: the admin can be a multisig. A real Safe 1.4.1 (2 of 3) is GradPay's admin:
///         pause, unpause and the two-step hand-over (from the Safe to an account, and from an account to the
///         Safe) go through `execTransaction` signed by a quorum, and one owner of the Safe alone cannot do
///         any of them (the Safe refuses with GS020).
contract SafeAdminTest is BaseTest, SafeAdmin {
    bytes32 internal constant ADMIN_ROLE = 0x00;

    uint256[] internal ownerKeys;
    ISafe internal safe;
    /// @dev A GradPay whose admin is `safe` from its construction.
    IGradPay internal safeRun;

    function setUp() public override {
        super.setUp();
        for (uint256 i; i < 3; ++i) {
            (, uint256 key) = makeAddrAndKey(string.concat("safe-owner-", vm.toString(i)));
            ownerKeys.push(key);
        }
        safe = _deploySafe(ownerKeys, 2);
        safeRun = _deploy(address(safe), coordinator);
    }

    /// @dev The keys of the Safe owners at `indices`.
    function _signers(uint256 a) internal view returns (uint256[] memory keys) {
        keys = new uint256[](1);
        keys[0] = ownerKeys[a];
    }

    function _signers(uint256 a, uint256 b) internal view returns (uint256[] memory keys) {
        keys = new uint256[](2);
        (keys[0], keys[1]) = (ownerKeys[a], ownerKeys[b]);
    }

    /// @dev Each owner alone is refused; then owners `a` and `b` together execute the call.
    function _onlyQuorum(address target, bytes memory data, uint256 a, uint256 b) internal {
        for (uint256 i; i < ownerKeys.length; ++i) {
            _expectTooFewSignatures(safe, target, 0, data, _signers(i));
        }
        assertTrue(_execAsSafe(safe, target, 0, data, _signers(a, b)), "quorum executed");
    }

    function test_safe_isTheAdmin() public view {
        assertEq(safe.getThreshold(), 2, "2 of 3");
        assertEq(safe.getOwners().length, 3, "three owners");
        assertEq(safeRun.defaultAdmin(), address(safe), "the Safe is the admin");
        for (uint256 i; i < ownerKeys.length; ++i) {
            assertFalse(safeRun.hasRole(ADMIN_ROLE, vm.addr(ownerKeys[i])), "no owner is admin itself");
        }
    }

    function test_safe_pausesAndUnpausesWithAQuorum() public {
        _onlyQuorum(address(safeRun), abi.encodeCall(safeRun.pause, ()), 0, 1);
        assertTrue(safeRun.paused(), "paused by the Safe");
        _onlyQuorum(address(safeRun), abi.encodeCall(safeRun.unpause, ()), 1, 2);
        assertFalse(safeRun.paused(), "unpaused by the Safe");
    }

    /// @dev An owner of the Safe calling GradPay directly is nobody: the role is the Safe's.
    function test_RevertWhen_safeOwnerPausesDirectly() public {
        address owner0 = vm.addr(ownerKeys[0]);
        vm.expectRevert(_unauthorized(owner0, ADMIN_ROLE));
        vm.prank(owner0);
        safeRun.pause();
    }

    function test_safe_handsAdminOverToAnAccount() public {
        address next = makeAddr("nextAdmin");
        _onlyQuorum(
            address(safeRun),
            abi.encodeCall(IAccessControlDefaultAdminRules.beginDefaultAdminTransfer, (next)),
            0,
            2
        );
        (address pending, uint48 schedule) = safeRun.pendingDefaultAdmin();
        assertEq(pending, next, "pending");
        assertEq(schedule, block.timestamp + safeRun.ADMIN_TRANSFER_DELAY(), "after the delay");

        vm.warp(schedule + 1);
        vm.prank(next);
        safeRun.acceptDefaultAdminTransfer();
        assertEq(safeRun.defaultAdmin(), next, "handed over");
        assertFalse(safeRun.hasRole(ADMIN_ROLE, address(safe)), "the Safe lost the role");
        // A quorum of the Safe still signs, but GradPay refuses the Safe now (GS013: the inner call failed).
        _expectExecReverted(safe, address(safeRun), 0, abi.encodeCall(safeRun.pause, ()), _signers(0, 1));
        assertFalse(safeRun.paused(), "the Safe cannot pause any more");
    }

    function test_account_handsAdminOverToTheSafe() public {
        vm.prank(admin);
        gradpay.beginDefaultAdminTransfer(address(safe));
        (, uint48 schedule) = gradpay.pendingDefaultAdmin();
        bytes memory accept = abi.encodeCall(IAccessControlDefaultAdminRules.acceptDefaultAdminTransfer, ());

        // Too early even with a quorum: GradPay refuses, the Safe reports the inner failure.
        _expectExecReverted(safe, address(gradpay), 0, accept, _signers(0, 1));
        vm.warp(schedule + 1);
        _onlyQuorum(address(gradpay), accept, 1, 2);
        assertEq(gradpay.defaultAdmin(), address(safe), "the Safe is the admin");
        assertFalse(gradpay.hasRole(ADMIN_ROLE, admin), "the account lost the role");

        _onlyQuorum(address(gradpay), abi.encodeCall(safeRun.pause, ()), 0, 2);
        assertTrue(gradpay.paused(), "the Safe pauses");
    }
}
