// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {DistributorHandler} from "./handlers/DistributorHandler.sol";
import {console} from "forge-std/console.sol";

/// @notice Money invariants of the distributor over random sessions, pools, claims, time, pauses, sweeps, funds
///         sent by mistake and rescues.
contract DistributorInvariantTest is BaseTest {
    DistributorHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new DistributorHandler(gradpay, token, admin, coordinator, refund);
        // Seed one session and pool so that every run has something to claim.
        handler.createSession(1, 5, 0);
        handler.createPool(0, 0, 10 ether, 1, false);

        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = DistributorHandler.createSession.selector;
        selectors[1] = DistributorHandler.createPool.selector;
        selectors[2] = DistributorHandler.claim.selector;
        selectors[3] = DistributorHandler.claimBatch.selector;
        selectors[4] = DistributorHandler.warp.selector;
        selectors[5] = DistributorHandler.sweep.selector;
        selectors[6] = DistributorHandler.togglePause.selector;
        selectors[7] = DistributorHandler.donate.selector;
        selectors[8] = DistributorHandler.rescue.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// forge-config: ci.invariant.runs = 128
    /// forge-config: ci.invariant.depth = 64
    /// @dev One campaign checks every invariant after each call (one campaign per invariant function would
    ///      multiply the suite's time by their number); CI runs twice the default campaign, not 8x.
    function invariant_distributorBooks() public view {
        _checkPaidNeverExceedsPool();
        _checkNoNodePaidTwice();
        _checkClaimsPayTheModelToTheNode();
        _checkSweepReturnsExactRemainder();
        _checkRescueTakesOnlySurplus();
        _checkOutcomesAsExpected();
        _checkDustBelowThreeN();
        _checkSolvent();
    }

    /// @dev Σ paid + swept never exceeds the pool, and the stored remainder is exactly what is left.
    function _checkPaidNeverExceedsPool() internal view {
        uint256 count = handler.poolCount();
        for (uint256 i; i < count; ++i) {
            DistributorHandler.PoolGhost memory p = handler.pool(i);
            assertLe(p.paid + p.swept, p.amount, "paid + swept <= pool");
            IRewardDistributor.PoolInfo memory info = gradpay.getPool(p.poolId);
            assertEq(info.remaining, p.amount - p.paid - p.swept, "remaining = amount - paid - swept");
            assertEq(info.swept, p.isSwept, "swept flag");
        }
    }

    function _checkNoNodePaidTwice() internal view {
        assertLe(handler.maxTimesPaid(), 1, "a node was paid twice by one pool");
    }

    function _checkClaimsPayTheModelToTheNode() internal view {
        assertEq(handler.claimMismatches(), 0, "a claim paid other than the model's amount to the node");
        assertEq(handler.callerPaid(), 0, "claimRewardFor paid the caller");
    }

    function _checkSweepReturnsExactRemainder() internal view {
        assertEq(handler.sweepMismatches(), 0, "a sweep sent other than the exact remainder");
    }

    function _checkRescueTakesOnlySurplus() internal view {
        assertEq(handler.rescueMismatches(), 0, "a rescue sent other than what was sent by mistake");
    }

    /// @dev Every call succeeded exactly when the books say it must (open window, not yet paid, owed > 0;
    ///      for sweeps: deadline passed, not yet swept).
    function _checkOutcomesAsExpected() internal view {
        assertEq(handler.unexpectedOutcomes(), 0, "a call succeeded or failed unexpectedly");
    }

    /// @dev Once every node owed something has claimed, what is left is rounding dust: < 3 wei per eligible node.
    function _checkDustBelowThreeN() internal view {
        uint256 count = handler.poolCount();
        for (uint256 i; i < count; ++i) {
            DistributorHandler.PoolGhost memory p = handler.pool(i);
            if (p.eligible == 0 || p.claimedCount < p.owedCount) continue;
            assertLt(p.amount - p.paid, 3 * p.eligible, "dust >= 3 n");
        }
    }

    /// @dev The contract's owed books equal the ghost's and the sum of the unswept pools' remainders, and it
    ///         holds exactly that plus what was sent to it by mistake and not yet rescued.
    function _checkSolvent() internal view {
        uint256 ethOwed;
        uint256 tokenOwed;
        uint256 count = handler.poolCount();
        for (uint256 i; i < count; ++i) {
            DistributorHandler.PoolGhost memory p = handler.pool(i);
            uint256 remaining = gradpay.getPool(p.poolId).remaining;
            if (p.token == address(0)) ethOwed += remaining;
            else tokenOwed += remaining;
        }
        assertEq(gradpay.totalOwed(address(0)), ethOwed, "ETH owed = sum of remaining");
        assertEq(gradpay.totalOwed(address(token)), tokenOwed, "tokens owed = sum of remaining");
        assertEq(handler.ethOwed(), ethOwed, "ghost ETH owed = sum of remaining");
        assertEq(handler.tokenOwed(), tokenOwed, "ghost tokens owed = sum of remaining");
        assertGe(address(gradpay).balance, ethOwed, "ETH balance < owed");
        assertGe(token.balanceOf(address(gradpay)), tokenOwed, "token balance < owed");
        assertEq(address(gradpay).balance, ethOwed + handler.ethSurplus(), "ETH balance = owed + surplus");
        assertEq(
            token.balanceOf(address(gradpay)),
            tokenOwed + handler.tokenSurplus(),
            "token balance = owed + surplus"
        );
    }

    /// @dev Every run must really have exercised claims.
    function afterInvariant() public view {
        assertGt(handler.claimsSucceeded() + handler.claimsRejected(), 0, "no claim was attempted");
        console.log("pools", handler.poolCount(), "claims ok", handler.claimsSucceeded());
        console.log("claims rejected", handler.claimsRejected(), "batches ok", handler.batchesSucceeded());
        console.log("sweeps ok", handler.sweepsSucceeded(), "pauses", handler.pauses());
        console.log("rescues", handler.rescues());
    }
}
