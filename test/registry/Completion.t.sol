// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice completeSession: Active to Completed, with or without nodes, and nothing else.
contract CompletionTest is RegistryTest {
    function test_completeSession() public {
        _createSession(SESSION, 0, 3);
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 1, 1, 1);
        entries[1] = _entry(1, 10, 1, 0, 1, 1, 1, 1, 1);
        _record(SESSION, 0, 0, 7, entries);

        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.SessionCompleted(SESSION, 3, 2, 7);
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        assertEq(
            uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Completed), "state"
        );
    }

    function test_completeSession_withoutNodes() public {
        _openSession(SESSION, 0);
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        assertEq(
            uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Completed), "state"
        );
    }

    function test_RevertWhen_completeSessionSessionUnknown() public {
        // An unknown session has no owner: even a coordinator is no operator of it.
        vm.expectRevert(_notOperator(SESSION, coordinator));
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
    }

    function test_RevertWhen_completeSessionSessionCompleted() public {
        _completed(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
    }

    function test_RevertWhen_completeSessionSessionFinalized() public {
        _finalized(SESSION);
        vm.expectRevert(
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Active)
        );
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
    }

    function test_RevertWhen_completeSessionCallerNotOperator() public {
        _openSession(SESSION, 0);
        vm.expectRevert(_notOperator(SESSION, stranger));
        vm.prank(stranger);
        gradpay.completeSession(SESSION);
    }

    function test_RevertWhen_completeSessionPaused() public {
        _openSession(SESSION, 0);
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
    }
}
