// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {TrackerHandler} from "./handlers/TrackerHandler.sol";
import {console} from "forge-std/console.sol";

/// @notice Stored sums equal the sums of all accepted entries; replays and rejected batches change nothing;
///         eligibleCount counts (c > 0 and not excluded); T is the sum of epochRounds over distinct epochs.
contract TrackerInvariantTest is BaseTest {
    TrackerHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory nodes = _createSession(SESSION, 0, 8);
        handler = new TrackerHandler(gradpay, coordinator, SESSION, nodes);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](6);
        selectors[0] = TrackerHandler.recordValid.selector;
        selectors[1] = TrackerHandler.recordValidSameEpoch.selector;
        selectors[2] = TrackerHandler.replay.selector;
        selectors[3] = TrackerHandler.recordBad.selector;
        selectors[4] = TrackerHandler.exclude.selector;
        selectors[5] = TrackerHandler.recordSilent.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @dev One campaign checks every property after every call (one campaign per property would cost
    ///      six times the calls for the same coverage).
    /// forge-config: default.invariant.runs = 32
    /// forge-config: default.invariant.depth = 64
    /// forge-config: ci.invariant.runs = 64
    /// forge-config: ci.invariant.depth = 64
    function invariant_tracker() public view {
        _everyOutcomeAsExpected();
        _storedSumsEqualAcceptedEntries();
        _sessionTotalsEqualAcceptedEntries();
        _eligibleCount();
        _totalRoundsOverDistinctEpochs();
    }

    /// @dev Every call ended as expected: valid batches were accepted, the others reverted with exactly
    ///      the expected error and left every view unchanged.
    function _everyOutcomeAsExpected() internal view {
        assertEq(handler.unexpected(), 0, handler.lastUnexpected());
    }

    function _storedSumsEqualAcceptedEntries() internal view {
        for (uint32 i; i < handler.NODES(); ++i) {
            TrackerHandler.Ghost memory g = handler.ghost(i);
            IContributionTracker.NodeRecord memory r = gradpay.getContributionByIndex(SESSION, i);
            assertEq(r.computeSeconds, g.c, "c");
            assertEq(r.accepted, g.a, "a");
            assertEq(r.rejected, g.j, "j");
            assertEq(r.roundsOk, g.k, "k");
            assertEq(r.roundsJoined, g.p, "p");
            assertEq(r.consistencySum, g.cons, "cons");
            assertEq(r.networkSum, g.net, "net");
            assertEq(r.uptimeSum, g.up, "up");
            assertEq(r.epochs, g.e, "e");
            assertEq(r.excluded, g.excluded, "excluded");
        }
    }

    function _sessionTotalsEqualAcceptedEntries() internal view {
        IContributionTracker.SessionTotals memory totals = gradpay.getSessionTotal(SESSION);
        assertEq(totals.computeSeconds, handler.totalCompute(), "total c");
        assertEq(totals.accepted, handler.totalAccepted(), "total a");
        assertEq(totals.rejected, handler.totalRejected(), "total j");
        assertEq(totals.nodeEpochs, handler.nodeEpochs(), "nodeEpochs");
    }

    function _eligibleCount() internal view {
        uint256 fromGhosts;
        uint256 fromRecords;
        IContributionTracker.NodeScore[] memory scores =
            gradpay.getScores(SESSION, 0, uint32(handler.NODES()));
        for (uint32 i; i < handler.NODES(); ++i) {
            TrackerHandler.Ghost memory g = handler.ghost(i);
            if (g.c > 0 && !g.excluded) ++fromGhosts;
            IContributionTracker.NodeRecord memory r = gradpay.getContributionByIndex(SESSION, i);
            bool eligible = r.computeSeconds > 0 && !r.excluded;
            if (eligible) ++fromRecords;
            assertEq(scores[i].eligible, eligible, "score view eligibility");
        }
        uint256 stored = gradpay.getSession(SESSION).eligibleCount;
        assertEq(stored, fromGhosts, "eligibleCount == #(c > 0 && !excluded) over accepted entries");
        assertEq(stored, fromRecords, "eligibleCount == #(c > 0 && !excluded) over stored records");
    }

    function _totalRoundsOverDistinctEpochs() internal view {
        uint256 sum;
        uint256 n = handler.epochCountSeen();
        for (uint256 i; i < n; ++i) {
            sum += handler.roundsOfEpoch(handler.epochs(i));
        }
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(info.totalRounds, sum, "T == sum of epochRounds over distinct epochs");
        assertEq(info.totalRounds, handler.totalRounds(), "T == ghost T");
        assertEq(info.epochCount, n, "epochCount");
        assertEq(gradpay.getSessionTotal(SESSION).totalRounds, sum, "totals T");
        if (n > 0) {
            assertEq(info.currentEpoch, handler.currentEpoch(), "currentEpoch");
            assertEq(info.currentEpochRounds, handler.currentRounds(), "currentEpochRounds");
        }
    }

    function _batchFlags() internal view {
        for (uint256 i; i < handler.recordedKeyCount(); ++i) {
            TrackerHandler.Key memory key = handler.recordedKey(i);
            assertTrue(gradpay.isBatchRecorded(SESSION, key.epoch, key.batch), "accepted batch is recorded");
        }
        for (uint256 i; i < handler.rejectedKeyCount(); ++i) {
            TrackerHandler.Key memory key = handler.rejectedKey(i);
            assertEq(
                gradpay.isBatchRecorded(SESSION, key.epoch, key.batch),
                handler.isRecorded(key.epoch, key.batch),
                "a rejected batch is recorded only if a valid one took its key later"
            );
        }
    }

    /// @dev At the end of each run (the key lists grow with the run, a check per call would cost O(depth^2)).
    function afterInvariant() external view {
        _batchFlags();
        console.log(
            "recordValid", handler.calls("recordValid"), "sameEpoch", handler.calls("recordValidSameEpoch")
        );
        console.log("recordBad", handler.calls("recordBad"), "silent", handler.calls("recordSilent"));
        console.log("replay", handler.calls("replay"), "exclude", handler.calls("exclude"));
        console.log("epochs", handler.epochCountSeen(), "accepted batches", handler.recordedKeyCount());
    }
}
