// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {TrackerTest} from "../utils/TrackerTest.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice Who may record, and when: the session's operators only, not while paused, Active sessions only.
contract AccessTest is TrackerTest {
    function test_RevertWhen_recordCallerNotOperator() public {
        _createSession(SESSION, 0, 1);
        bytes memory before = _state(SESSION);
        vm.expectRevert(_notOperator(SESSION, stranger));
        vm.prank(stranger);
        gradpay.recordContributionsBatch(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        vm.expectRevert(_notOperator(SESSION, admin));
        vm.prank(admin);
        gradpay.recordContributionsBatch(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        assertEq(_state(SESSION), before, "unchanged");
    }

    function test_RevertWhen_recordPaused() public {
        _createSession(SESSION, 0, 1);
        vm.prank(admin);
        gradpay.pause();
        _expectBatchRevert(0, 0, _list(_e(0, 1)), abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        vm.prank(admin);
        gradpay.unpause();
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        assertTrue(gradpay.isBatchRecorded(SESSION, 0, 0), "recorded after unpause");
    }

    /// @dev An unknown session has no owner: even a coordinator is no operator of it.
    function test_RevertWhen_recordSessionUnknown() public {
        _expectBatchRevert(0, 0, _list(_e(0, 1)), _notOperator(SESSION, coordinator));
    }

    function test_RevertWhen_recordSessionCompleted() public {
        _createSession(SESSION, 0, 1);
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        _expectBatchRevert(
            0,
            0,
            _list(_e(0, 1)),
            _wrongState(SESSION, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Active)
        );
    }

    function test_RevertWhen_recordSessionFinalized() public {
        _createSession(SESSION, 0, 1);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        _finalize(SESSION);
        _expectBatchRevert(
            1,
            0,
            _list(_e(0, 1)),
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Active)
        );
    }
}
