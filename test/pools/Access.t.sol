// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {PoolsTest} from "../utils/PoolsTest.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice Who may create a pool, and when: the coordinator, a Finalized session, not while paused.
contract PoolAccessTest is PoolsTest {
    function test_RevertWhen_createRewardPool_sessionNotFinalized() public {
        bytes4 sel = IGradPayBase.SessionInWrongState.selector;
        // None
        _expectCreateRevert(
            address(0),
            1,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(
                sel, SESSION, IGradPayBase.SessionState.None, IGradPayBase.SessionState.Finalized
            )
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

    function test_RevertWhen_createRewardPool_unauthorized() public {
        _finalizedSession(SESSION);
        bytes32 role = gradpay.COORDINATOR_ROLE();
        uint40 deadline = _deadline();
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        gradpay.createRewardPool{value: 1 ether}(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams(), deadline
        );
        vm.deal(admin, 1 ether);
        vm.prank(admin);
        vm.expectRevert(_unauthorized(admin, role));
        gradpay.createRewardPool{value: 1 ether}(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams(), deadline
        );
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
            abi.encodeWithSelector(Pausable.EnforcedPause.selector)
        );
    }
}
