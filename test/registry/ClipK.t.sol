// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice setClipK: until Finalized, restarting a finalization in progress, by the coordinator only.
contract ClipKTest is RegistryTest {
    function test_setClipK_updatesAndEmits() public {
        _openSession(SESSION, 1e18);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.ClipKUpdated(SESSION, 1e18, 3e18);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 3e18);
        assertEq(gradpay.getSession(SESSION).clipK, 3e18, "clipK");
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_setClipK(uint64 first, uint64 second) public {
        _openSession(SESSION, first);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.ClipKUpdated(SESSION, first, second);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, second);
        assertEq(gradpay.getSession(SESSION).clipK, second, "clipK");
    }

    function test_setClipK_allowedWhenCompleted() public {
        _completed(SESSION);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 5e17);
        assertEq(gradpay.getSession(SESSION).clipK, 5e17, "clipK");
    }

    function test_setClipK_restartsFinalizationInProgress() public {
        _finalizing(SESSION);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.ClipKUpdated(SESSION, 0, 1e18);
        vm.expectEmit(address(gradpay));
        emit IGradPayBase.FinalizationReset(SESSION);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
        assertFalse(gradpay.getFinalization(SESSION).started, "finalization reset");
        assertEq(
            uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Completed), "state"
        );
    }

    function test_setClipK_noResetWithoutFinalization() public {
        _completed(SESSION);
        vm.recordLogs();
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
        assertEq(vm.getRecordedLogs().length, 1, "only ClipKUpdated");
    }

    function test_RevertWhen_setClipKSessionFinalized() public {
        _finalized(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Completed)
        );
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
    }

    function test_RevertWhen_setClipKSessionUnknown() public {
        // An unknown session has no owner: even a coordinator is no operator of it.
        vm.expectRevert(_notOperator(SESSION, coordinator));
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
    }

    function test_RevertWhen_setClipKCallerNotOperator() public {
        _openSession(SESSION, 0);
        vm.expectRevert(_notOperator(SESSION, stranger));
        vm.prank(stranger);
        gradpay.setClipK(SESSION, 1e18);
    }

    function test_RevertWhen_setClipKPaused() public {
        _openSession(SESSION, 0);
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
    }
}
