// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";

/// @notice Gap 1 of issue 11: time spent paused never counts against a claim window. A pool is open for
///         exactly its window of unpaused time, however the admin pauses; a sweep needs the whole window.
contract PauseWindowTest is ClaimsTest {
    uint32[5] internal eligible = [uint32(1), 5, 0, 2, 4];

    function _pauseFor(uint256 duration) internal {
        vm.prank(admin);
        gradpay.pause();
        vm.warp(block.timestamp + duration);
        if (gradpay.paused()) {
            vm.prank(admin);
            gradpay.unpause();
        }
    }

    function _expectSweepRefused(uint256 poolId) internal {
        uint40 deadline = gradpay.getPool(poolId).claimDeadline;
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.ClaimWindowOpen.selector, poolId, deadline));
        gradpay.sweepPool(poolId);
    }

    /// @dev Paused from one day before the deadline to nine days after it: once unpaused, every node still
    ///      claims its full reward from both pools, and the sweep waits for the day of window left.
    function test_pauseThroughDeadline_everyNodeClaimsFullReward() public {
        _fixture();
        uint256 ethPool = _ethPool(10 ether);
        uint256 tokenPool = _tokenPool(7e18);
        uint40 deadline = gradpay.getPool(ethPool).claimDeadline;
        vm.warp(deadline - 1 days);
        _pauseFor(10 days);
        assertEq(gradpay.getPool(ethPool).claimDeadline, deadline + 10 days, "deadline moved by the pause");
        assertEq(gradpay.getPool(tokenPool).claimDeadline, deadline + 10 days, "same for every pool");

        _expectSweepRefused(ethPool);
        uint256 paidEth;
        uint256 paidToken;
        for (uint256 i; i < eligible.length; ++i) {
            address node = nodes[eligible[i]];
            uint256 owedEth = gradpay.rewardOf(ethPool, node);
            uint256 owedToken = gradpay.rewardOf(tokenPool, node);
            assertEq(gradpay.pendingReward(ethPool, node), owedEth, "pending = full reward");
            assertEq(_claim(node, ethPool), owedEth, "full ETH reward");
            assertEq(_claim(node, tokenPool), owedToken, "full token reward");
            (paidEth, paidToken) = (paidEth + owedEth, paidToken + owedToken);
        }
        vm.warp(deadline + 10 days);
        _expectSweepRefused(ethPool);
        vm.warp(deadline + 10 days + 1);
        vm.prank(stranger);
        assertEq(gradpay.sweepPool(ethPool), 10 ether - paidEth, "only the dust is swept");
        vm.prank(stranger);
        assertEq(gradpay.sweepPool(tokenPool), 7e18 - paidToken, "only the dust is swept");
    }

    /// @dev The attack of issue 11 on a pool of the shortest window: pause, wait past the deadline, unpause,
    ///      sweep 100 % of the pool. The sweep is refused, also after every further pause the cooldown
    ///      allows, and a node can still claim.
    function test_RevertWhen_pauseWaitUnpauseSweep() public {
        _fixture();
        uint40 deadline = uint40(block.timestamp + gradpay.MIN_CLAIM_WINDOW());
        vm.prank(coordinator);
        uint256 poolId = _proportionalPool(SESSION, address(0), 10 ether, 10 ether, deadline, refund);
        vm.warp(block.timestamp + 1);
        vm.prank(admin);
        gradpay.pause();
        vm.warp(deadline + 1);
        vm.prank(admin);
        gradpay.unpause();
        _expectSweepRefused(poolId);
        // Even with every pause the cooldown allows, the window keeps its unpaused days.
        for (uint256 i; i < 3; ++i) {
            vm.warp(block.timestamp + gradpay.PAUSE_COOLDOWN());
            _pauseFor(gradpay.MAX_PAUSE_DURATION());
            _expectSweepRefused(poolId);
        }
        uint256 owed = gradpay.rewardOf(poolId, nodes[1]);
        assertEq(_claim(nodes[1], poolId), owed, "node claims after the pauses");
        assertEq(address(gradpay).balance, 10 ether - owed, "the rest waits for the other nodes");
    }

    /// @dev A pause nobody ends counts for MAX_PAUSE_DURATION only.
    function test_lapsedPause_countsOnlyMaxDuration() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        uint40 deadline = gradpay.getPool(poolId).claimDeadline;
        vm.prank(admin);
        gradpay.pause();
        vm.warp(block.timestamp + 60 days);
        assertFalse(gradpay.paused(), "lapsed");
        uint40 moved = deadline + uint40(gradpay.MAX_PAUSE_DURATION());
        assertEq(gradpay.getPool(poolId).claimDeadline, moved, "moved by 14 days, not 60");
        vm.prank(nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.ClaimWindowClosed.selector, poolId, moved));
        gradpay.claimReward(poolId);
        vm.prank(stranger);
        assertEq(gradpay.sweepPool(poolId), 1 ether, "swept once the moved deadline passed");
    }

    /// @dev Pauses before a pool exists do not lengthen it; a pause after its deadline does not reopen it.
    function test_pausesOutsideTheWindow_changeNothing() public {
        _fixture();
        _pauseFor(3 days);
        uint40 deadline = uint40(block.timestamp) + CLAIM_WINDOW;
        uint256 poolId = _ethPool(1 ether);
        assertEq(gradpay.getPool(poolId).claimDeadline, deadline, "deadline as given");

        vm.warp(deadline + 1);
        _pauseFor(5 days);
        assertEq(gradpay.getPool(poolId).claimDeadline, deadline + 5 days, "reported later");
        assertEq(gradpay.pendingReward(poolId, nodes[0]), 0, "still closed");
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.ClaimWindowClosed.selector, poolId, deadline + 5 days)
        );
        gradpay.claimReward(poolId);
    }

    /// @dev Any sequence of pauses (ended early, lapsed, refused by the cooldown) and waits: the pool is open
    ///      for exactly CLAIM_WINDOW seconds of unpaused time, and closed one unpaused second later.
    function testFuzz_unpausedOpenTime_equalsWindow(uint256[8] memory steps) public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        address node = nodes[0];
        uint256 unpausedElapsed;
        uint256 pausedAt;
        uint256 lastEnd;
        for (uint256 i; i < steps.length; ++i) {
            bool toggle = steps[i] & 1 == 1;
            uint256 wait = bound(steps[i] >> 1, 0, 20 days);
            if (pausedAt == 0 && toggle && (lastEnd == 0 || block.timestamp >= lastEnd + 2 days)) {
                vm.prank(admin);
                gradpay.pause();
                pausedAt = block.timestamp;
            } else if (pausedAt != 0 && toggle && block.timestamp < pausedAt + 14 days) {
                vm.prank(admin);
                gradpay.unpause();
                (pausedAt, lastEnd) = (0, block.timestamp);
            }
            uint256 unpausedPart = wait;
            if (pausedAt != 0) {
                // Of the wait, only what falls after the pause's lapse is unpaused.
                uint256 lapse = pausedAt + 14 days;
                unpausedPart = block.timestamp + wait > lapse ? block.timestamp + wait - lapse : 0;
                if (block.timestamp + wait >= lapse) (pausedAt, lastEnd) = (0, lapse);
            }
            if (unpausedElapsed + unpausedPart > CLAIM_WINDOW) break;
            unpausedElapsed += unpausedPart;
            vm.warp(block.timestamp + wait);
        }
        if (gradpay.paused()) {
            vm.prank(admin);
            gradpay.unpause();
        }
        vm.warp(block.timestamp + (CLAIM_WINDOW - unpausedElapsed));
        assertEq(gradpay.getPool(poolId).claimDeadline, block.timestamp, "deadline = now");
        assertGt(gradpay.pendingReward(poolId, node), 0, "open at the last unpaused second");
        uint256 snapshot = vm.snapshotState();
        assertEq(_claim(node, poolId), gradpay.rewardOf(poolId, node), "claimable at the last second");
        vm.revertToState(snapshot);
        vm.warp(block.timestamp + 1);
        assertEq(gradpay.pendingReward(poolId, node), 0, "closed one second later");
        vm.prank(stranger);
        assertEq(gradpay.sweepPool(poolId), 1 ether, "sweepable one second later");
    }
}
