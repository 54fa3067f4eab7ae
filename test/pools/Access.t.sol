// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAdminControls} from "../../contracts/interfaces/IAdminControls.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {PoolsTest} from "../utils/PoolsTest.sol";

/// @notice Who may create a pool, and when: a funder of the session, a Finalized session, not while paused.
contract PoolAccessTest is PoolsTest {
    function test_RevertWhen_createRewardPool_sessionNotFinalized() public {
        bytes4 sel = IGradPayBase.SessionInWrongState.selector;
        // None: an unknown session has no owner, so nobody may fund it.
        _expectCreateRevert(
            address(0),
            1,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(IGradPayBase.NotSessionFunder.selector, SESSION, coordinator)
        );
        // Active
        _createSession(SESSION, 0, 3);
        uint256[] memory entries = new uint256[](1);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        _record(SESSION, 0, 0, 1, entries);
        _expectCreateRevert(
            address(0),
            1,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(
                sel, SESSION, IGradPayBase.SessionState.Active, IGradPayBase.SessionState.Finalized
            )
        );
        // Completed, finalization in progress
        (uint32[] memory ranked, uint256 sumScore, uint256 sumSquares) = _ranking(SESSION);
        vm.startPrank(coordinator);
        gradpay.completeSession(SESSION);
        gradpay.startFinalization(SESSION, uint32(ranked.length), sumScore, sumSquares);
        vm.stopPrank();
        _expectCreateRevert(
            address(token),
            1,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(
                sel, SESSION, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Finalized
            )
        );
        vm.prank(coordinator);
        gradpay.submitRanking(SESSION, ranked, true);
        uint256 poolId =
            _createPool(SESSION, address(token), 1, IRewardDistributor.Strategy.Proportional, _noParams());
        assertEq(gradpay.getPool(poolId).amount, 1, "created once Finalized");
    }

    /// @dev Gap 5 of issue 11: pool slots cannot be used up by strangers with 1-wei pools. Neither a
    ///      stranger, the admin, nor another coordinator may fund a session's pool.
    function test_RevertWhen_createRewardPool_notAFunder() public {
        _finalizedSession(SESSION);
        address otherCoordinator = makeAddr("other-coordinator");
        bytes32 role = gradpay.COORDINATOR_ROLE();
        vm.prank(admin);
        gradpay.grantRole(role, otherCoordinator);
        uint40 deadline = _deadline();
        address[3] memory callers = [stranger, admin, otherCoordinator];
        for (uint256 i; i < callers.length; ++i) {
            vm.deal(callers[i], 1);
            vm.prank(callers[i]);
            vm.expectRevert(
                abi.encodeWithSelector(IGradPayBase.NotSessionFunder.selector, SESSION, callers[i])
            );
            _proportionalPool(SESSION, address(0), 1, 1, deadline, refund);
        }
        assertEq(gradpay.getSession(SESSION).poolCount, 0, "no pool slot used");
    }

    function test_RevertWhen_createRewardPool_paused() public {
        _finalizedSession(SESSION);
        vm.prank(admin);
        gradpay.pause();
        _expectCreateRevert(
            address(0),
            1 ether,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(IAdminControls.EnforcedPause.selector)
        );
    }
}
