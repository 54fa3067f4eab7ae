// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {RecordPacking} from "../../contracts/libraries/RecordPacking.sol";
import {TrackerTest} from "../utils/TrackerTest.sol";

/// @notice Every bound of reward-math.md §1 on an entry, and every packed sum that could overflow: each
///         bad entry reverts with the error naming its position and bound, and changes nothing.
contract BoundsTest is TrackerTest {
    // ------------------------------------------------------------------ entry bounds

    function test_RevertWhen_roundsOkAboveRoundsJoined() public {
        _createSession(SESSION, 0, 2);
        uint256[] memory entries = _list(_e(0, 1), _entry(1, 1, 1, 1, 6, 5, 0, 0, 0));
        _expectBatchRevert(0, 0, entries, _outOfBounds(1, IContributionTracker.EntryField.RoundsOk, 6, 5));
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_roundsOkAboveRoundsJoined(uint32 p, uint32 k) public {
        _createSession(SESSION, 0, 1);
        uint32 rounds = uint32(RecordPacking.MAX_TOTAL_ROUNDS);
        p = uint32(bound(p, 0, rounds));
        k = uint32(bound(k, uint256(p) + 1, type(uint32).max));
        _expectRecordRevert(
            SESSION,
            0,
            0,
            rounds,
            _list(_entry(0, 1, 0, 0, k, p, 0, 0, 0)),
            _outOfBounds(0, IContributionTracker.EntryField.RoundsOk, k, p)
        );
    }

    function test_RevertWhen_roundsJoinedAboveEpochRounds() public {
        _createSession(SESSION, 0, 2);
        uint256[] memory entries = _list(_e(0, 1), _entry(1, 1, 1, 1, 0, ROUNDS + 1, 0, 0, 0));
        _expectBatchRevert(
            0, 0, entries, _outOfBounds(1, IContributionTracker.EntryField.RoundsJoined, 11, 10)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_roundsJoinedAboveEpochRounds(uint32 rounds, uint32 p) public {
        _createSession(SESSION, 0, 1);
        rounds = uint32(bound(rounds, 0, RecordPacking.MAX_TOTAL_ROUNDS));
        p = uint32(bound(p, uint256(rounds) + 1, type(uint32).max));
        _expectRecordRevert(
            SESSION,
            0,
            0,
            rounds,
            _list(_entry(0, 1, 0, 0, 0, p, 0, 0, 0)),
            _outOfBounds(0, IContributionTracker.EntryField.RoundsJoined, p, rounds)
        );
    }

    function test_RevertWhen_roundsJoinedAboveEpochRoundsOfLaterBatch() public {
        _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        _expectBatchRevert(
            0,
            1,
            _list(_entry(1, 1, 0, 0, 0, 11, 0, 0, 0)),
            _outOfBounds(0, IContributionTracker.EntryField.RoundsJoined, 11, 10)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_consistencyBpsAbove10000(uint16 value) public {
        value = uint16(bound(value, 10_001, type(uint16).max));
        _createSession(SESSION, 0, 3);
        _expectBatchRevert(
            0,
            0,
            _list(_e(0, 1), _e(1, 1), _entry(2, 1, 1, 1, 1, 1, value, 0, 0)),
            _outOfBounds(2, IContributionTracker.EntryField.ConsistencyBps, value, 10_000)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_networkBpsAbove10000(uint16 value) public {
        value = uint16(bound(value, 10_001, type(uint16).max));
        _createSession(SESSION, 0, 3);
        _expectBatchRevert(
            0,
            0,
            _list(_e(0, 1), _entry(1, 1, 1, 1, 1, 1, 10_000, value, 10_000), _e(2, 1)),
            _outOfBounds(1, IContributionTracker.EntryField.NetworkBps, value, 10_000)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_uptimeBpsAbove10000(uint16 value) public {
        value = uint16(bound(value, 10_001, type(uint16).max));
        _createSession(SESSION, 0, 3);
        _expectBatchRevert(
            0,
            0,
            _list(_entry(0, 1, 1, 1, 1, 1, 10_000, 10_000, value), _e(1, 1)),
            _outOfBounds(0, IContributionTracker.EntryField.UptimeBps, value, 10_000)
        );
    }

    function test_RevertWhen_bpsJustAbove10000() public {
        _createSession(SESSION, 0, 1);
        _expectBatchRevert(
            0,
            0,
            _list(_entry(0, 1, 1, 1, 1, 1, 10_001, 0, 0)),
            _outOfBounds(0, IContributionTracker.EntryField.ConsistencyBps, 10_001, 10_000)
        );
        _expectBatchRevert(
            0,
            0,
            _list(_entry(0, 1, 1, 1, 1, 1, 0, 10_001, 0)),
            _outOfBounds(0, IContributionTracker.EntryField.NetworkBps, 10_001, 10_000)
        );
        _expectBatchRevert(
            0,
            0,
            _list(_entry(0, 1, 1, 1, 1, 1, 0, 0, 10_001)),
            _outOfBounds(0, IContributionTracker.EntryField.UptimeBps, 10_001, 10_000)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_reservedBitsSet(uint16 reserved) public {
        reserved = uint16(bound(reserved, 1, type(uint16).max));
        _createSession(SESSION, 0, 2);
        uint256 entry = _e(1, 1) | (uint256(reserved) << 240);
        _expectBatchRevert(
            0,
            0,
            _list(_e(0, 1), entry),
            _outOfBounds(1, IContributionTracker.EntryField.ReservedBits, reserved, 0)
        );
    }

    function test_RevertWhen_reservedTopBitSet() public {
        _createSession(SESSION, 0, 1);
        _expectBatchRevert(
            0,
            0,
            _list(_e(0, 1) | (1 << 255)),
            _outOfBounds(0, IContributionTracker.EntryField.ReservedBits, 1 << 15, 0)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_entryUnknownNode(uint32 index) public {
        _createSession(SESSION, 0, 3);
        index = uint32(bound(index, 3, type(uint32).max));
        _expectBatchRevert(
            0,
            0,
            _list(_e(0, 1), _e(index, 1)),
            abi.encodeWithSelector(IContributionTracker.EntryUnknownNode.selector, 1, index, 3)
        );
    }

    function test_RevertWhen_entryUnknownNodeOneAboveLast() public {
        _createSession(SESSION, 0, 3);
        _expectBatchRevert(
            0,
            0,
            _list(_e(3, 1)),
            abi.encodeWithSelector(IContributionTracker.EntryUnknownNode.selector, 0, 3, 3)
        );
    }

    // ------------------------------------------------------------------ record overflow

    function test_RevertWhen_recordOverflowComputeSeconds() public {
        nodes = _createSession(SESSION, 0, 2);
        uint256 max = RecordPacking.MAX_COMPUTE_SECONDS;
        uint256 total;
        uint32 ep;
        vm.startPrank(coordinator);
        while (max - total >= type(uint32).max) {
            gradpay.recordContributionsBatch(
                SESSION, ep++, 0, 0, _list(_entry(0, type(uint32).max, 0, 0, 0, 0, 0, 0, 0))
            );
            total += type(uint32).max;
        }
        gradpay.recordContributionsBatch(
            SESSION, ep++, 0, 0, _list(_entry(0, uint32(max - total), 0, 0, 0, 0, 0, 0, 0))
        );
        vm.stopPrank();
        assertEq(gradpay.getContribution(SESSION, nodes[0]).computeSeconds, max, "c at the limit");

        _expectRecordRevert(
            SESSION,
            ep,
            0,
            0,
            _list(_entry(1, 1, 0, 0, 0, 0, 0, 0, 0), _entry(0, 1, 0, 0, 0, 0, 0, 0, 0)),
            abi.encodeWithSelector(
                IContributionTracker.RecordOverflow.selector,
                1,
                0,
                IContributionTracker.EntryField.ComputeSeconds
            )
        );
        // A zero-compute entry still fits.
        _record(SESSION, ep, 0, 0, _list(_entry(0, 0, 1, 0, 0, 0, 0, 0, 0)));
        assertEq(gradpay.getContribution(SESSION, nodes[0]).computeSeconds, max, "c unchanged");
        assertEq(gradpay.getContribution(SESSION, nodes[0]).accepted, 1, "a added");
    }

    function test_RevertWhen_recordOverflowAccepted() public {
        nodes = _createSession(SESSION, 0, 2);
        uint256 max = RecordPacking.MAX_SUBMISSIONS;
        _expectBatchRevert(
            0,
            0,
            _list(_e(1, 1), _entry(0, 1, uint32(max + 1), 0, 0, 0, 0, 0, 0)),
            abi.encodeWithSelector(
                IContributionTracker.RecordOverflow.selector, 1, 0, IContributionTracker.EntryField.Accepted
            )
        );
        _record(SESSION, 0, 0, ROUNDS, _list(_entry(0, 1, uint32(max - 3), 0, 0, 0, 0, 0, 0)));
        _record(SESSION, 1, 0, ROUNDS, _list(_entry(0, 1, 3, 0, 0, 0, 0, 0, 0)));
        assertEq(gradpay.getContribution(SESSION, nodes[0]).accepted, max, "a at the limit");
        _expectBatchRevert(
            2,
            0,
            _list(_entry(0, 1, 1, 0, 0, 0, 0, 0, 0)),
            abi.encodeWithSelector(
                IContributionTracker.RecordOverflow.selector, 0, 0, IContributionTracker.EntryField.Accepted
            )
        );
        assertEq(gradpay.getContribution(SESSION, nodes[0]).rejected, 0, "no carry into j");
    }

    function test_RevertWhen_recordOverflowRejected() public {
        nodes = _createSession(SESSION, 0, 1);
        uint256 max = RecordPacking.MAX_SUBMISSIONS;
        _expectBatchRevert(
            0,
            0,
            _list(_entry(0, 1, 0, type(uint32).max, 0, 0, 0, 0, 0)),
            abi.encodeWithSelector(
                IContributionTracker.RecordOverflow.selector, 0, 0, IContributionTracker.EntryField.Rejected
            )
        );
        _record(SESSION, 0, 0, ROUNDS, _list(_entry(0, 1, 0, uint32(max), 0, 0, 0, 0, 0)));
        assertEq(gradpay.getContribution(SESSION, nodes[0]).rejected, max, "j at the limit");
        assertEq(gradpay.getContribution(SESSION, nodes[0]).roundsOk, 0, "no carry into k");
        _expectBatchRevert(
            1,
            0,
            _list(_entry(0, 1, 0, 1, 0, 0, 0, 0, 0)),
            abi.encodeWithSelector(
                IContributionTracker.RecordOverflow.selector, 0, 0, IContributionTracker.EntryField.Rejected
            )
        );
    }

    // ------------------------------------------------------------------ a failed batch changes nothing

    function test_revertedBatchChangesNothing() public {
        nodes = _createSession(SESSION, 0, 4);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 10), _e(1, 0)));
        // A new epoch whose last entry is bad: the epoch must not advance, nobody's record change.
        _expectRecordRevert(
            SESSION,
            1,
            0,
            20,
            _list(_e(0, 10), _e(1, 10), _entry(2, 10, 1, 1, 1, 21, 0, 0, 0)),
            _outOfBounds(2, IContributionTracker.EntryField.RoundsJoined, 21, 20)
        );
        assertEq(gradpay.getSession(SESSION).currentEpoch, 0, "epoch not advanced");
        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "node 1 not made eligible");
        // The corrected batch under the same key goes through.
        _record(SESSION, 1, 0, 20, _list(_e(0, 10), _e(1, 10), _entry(2, 10, 1, 1, 1, 20, 0, 0, 0)));
        assertEq(gradpay.getSession(SESSION).totalRounds, 30, "T");
        assertEq(gradpay.getSession(SESSION).eligibleCount, 3, "eligibleCount");
    }
}
