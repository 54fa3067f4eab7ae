// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../contracts/interfaces/IContributionTracker.sol";
import {ITrainingRegistry} from "../contracts/interfaces/ITrainingRegistry.sol";
import {RecordPacking} from "../contracts/libraries/RecordPacking.sol";
import {NodeSums as Sums} from "./utils/NodeSums.sol";
import {TrackerTest} from "./utils/TrackerTest.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice Unit and fuzz tests of the tracker: exactly-once, all-or-nothing batches (reward-math.md §1)
///         and the score views (§2), checked against the page's formulas written out here.
contract ContributionTrackerTest is TrackerTest {
    // ------------------------------------------------------------------ recordContributionsBatch: success

    function test_recordContributionsBatch_firstBatch() public {
        nodes = _createSession(SESSION, 0, 3);
        uint256 e0 = _entry(0, 150, 27, 3, 9, 10, 8000, 9000, 10_000);
        uint256 e2 = _entry(2, 200, 40, 0, 10, 10, 10_000, 10_000, 10_000);

        vm.expectEmit(address(gradpay));
        emit IContributionTracker.ContributionsRecorded(
            SESSION, 4, 7, ROUNDS, 2, keccak256(abi.encodePacked(e0, e2))
        );
        _record(SESSION, 4, 7, ROUNDS, _list(e0, e2));

        IContributionTracker.NodeRecord memory r = gradpay.getContribution(SESSION, nodes[0]);
        assertEq(r.index, 0, "index");
        assertFalse(r.excluded, "excluded");
        _assertRecord(r, Sums(150, 27, 3, 9, 10, 8000, 9000, 10_000, 1));
        _assertRecord(
            gradpay.getContribution(SESSION, nodes[2]), Sums(200, 40, 0, 10, 10, 10_000, 10_000, 10_000, 1)
        );
        _assertRecord(gradpay.getContribution(SESSION, nodes[1]), Sums(0, 0, 0, 0, 0, 0, 0, 0, 0));

        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(info.epochCount, 1, "epochCount");
        assertEq(info.currentEpoch, 4, "currentEpoch");
        assertEq(info.currentEpochRounds, ROUNDS, "currentEpochRounds");
        assertEq(info.totalRounds, ROUNDS, "T");
        assertEq(info.eligibleCount, 2, "eligibleCount");

        IContributionTracker.SessionTotals memory totals = gradpay.getSessionTotal(SESSION);
        assertEq(totals.totalRounds, ROUNDS, "totals T");
        assertEq(totals.epochCount, 1, "totals epochCount");
        assertEq(totals.computeSeconds, 350, "totals c");
        assertEq(totals.accepted, 67, "totals a");
        assertEq(totals.rejected, 3, "totals j");
        assertEq(totals.nodeEpochs, 2, "totals nodeEpochs");

        assertTrue(gradpay.isBatchRecorded(SESSION, 4, 7), "batch recorded");
        assertFalse(gradpay.isBatchRecorded(SESSION, 4, 6), "other batch");
        assertFalse(gradpay.isBatchRecorded(SESSION, 3, 7), "other epoch");
        assertFalse(gradpay.isBatchRecorded(OTHER, 4, 7), "other session");
    }

    function test_recordContributionsBatch_accumulatesAcrossEpochs() public {
        nodes = _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 0, 10, _list(_entry(0, 100, 5, 5, 4, 8, 6000, 7000, 8000)));
        _record(SESSION, 1, 0, 20, _list(_entry(0, 50, 3, 1, 20, 20, 10_000, 9000, 0), _e(1, 0)));
        _record(SESSION, 3, 0, 5, _list(_entry(0, 1, 0, 0, 0, 0, 0, 0, 0)));

        _assertRecord(
            gradpay.getContribution(SESSION, nodes[0]), Sums(151, 8, 6, 24, 28, 16_000, 16_000, 8000, 3)
        );
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(info.totalRounds, 35, "T = 10 + 20 + 5");
        assertEq(info.epochCount, 3, "epochCount");
        assertEq(info.currentEpoch, 3, "currentEpoch");
        assertEq(info.currentEpochRounds, 5, "currentEpochRounds");
        assertEq(info.eligibleCount, 1, "node 1 has no compute");
        _assertScore(
            gradpay.getScore(SESSION, nodes[0]), Sums(151, 8, 6, 24, 28, 16_000, 16_000, 8000, 3), 35, true
        );
        _assertScore(
            gradpay.getScore(SESSION, nodes[1]), Sums(0, 8, 2, 9, 10, 9000, 8000, 7000, 1), 35, false
        );
        assertEq(gradpay.getSessionTotal(SESSION).nodeEpochs, 4, "nodeEpochs");
    }

    function test_recordContributionsBatch_batchesOfOneEpochCountRoundsOnce() public {
        nodes = _createSession(SESSION, 0, 3);
        _record(SESSION, 2, 0, ROUNDS, _list(_e(0, 1)));
        _record(SESSION, 2, 1, ROUNDS, _list(_e(2, 1)));
        _record(SESSION, 2, 300, ROUNDS, _list(_e(1, 1)));
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(info.totalRounds, ROUNDS, "T counts the epoch once");
        assertEq(info.epochCount, 1, "one epoch");
        assertEq(info.eligibleCount, 3, "eligibleCount");
        assertEq(gradpay.getSessionTotal(SESSION).nodeEpochs, 3, "nodeEpochs");
        for (uint256 i; i < 3; ++i) {
            assertEq(gradpay.getContribution(SESSION, nodes[i]).epochs, 1, "e");
        }
    }

    function test_recordContributionsBatch_sameNodeNextEpoch() public {
        nodes = _createSession(SESSION, 0, 1);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        _record(SESSION, 1, 0, ROUNDS, _list(_e(0, 1)));
        assertEq(gradpay.getContribution(SESSION, nodes[0]).epochs, 2, "e");
        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "counted once");
    }

    function test_recordContributionsBatch_zeroRoundEpoch() public {
        nodes = _createSession(SESSION, 0, 1);
        _record(SESSION, 0, 0, 0, _list(_entry(0, 10, 1, 0, 0, 0, 5000, 5000, 5000)));
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(info.totalRounds, 0, "T");
        assertEq(info.epochCount, 1, "epochCount");
        _assertScore(gradpay.getScore(SESSION, nodes[0]), Sums(10, 1, 0, 0, 0, 5000, 5000, 5000, 1), 0, true);
        assertEq(gradpay.getScore(SESSION, nodes[0]).participation, 0, "P = 0 when T = 0");
    }

    function test_recordContributionsBatch_boundsAreInclusive() public {
        nodes = _createSession(SESSION, 0, 1);
        uint32 maxSub = uint32(RecordPacking.MAX_SUBMISSIONS);
        _record(
            SESSION,
            0,
            0,
            type(uint32).max >> 5,
            _list(_entry(0, type(uint32).max, maxSub, maxSub, 1 << 26, 1 << 26, 10_000, 10_000, 10_000))
        );
        _assertRecord(
            gradpay.getContribution(SESSION, nodes[0]),
            Sums(type(uint32).max, maxSub, maxSub, 1 << 26, 1 << 26, 10_000, 10_000, 10_000, 1)
        );
    }

    function test_recordContributionsBatch_computeLaterMakesEligible() public {
        nodes = _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 0), _e(1, 0)));
        assertEq(gradpay.getSession(SESSION).eligibleCount, 0, "no compute, none eligible");
        assertFalse(gradpay.getScore(SESSION, nodes[0]).eligible, "node 0 not eligible");
        _record(SESSION, 1, 0, ROUNDS, _list(_e(1, 5)));
        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "node 1 eligible");
        _record(SESSION, 2, 0, ROUNDS, _list(_e(1, 5), _e(0, 0)));
        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "no double count, zero compute not eligible");
        assertTrue(gradpay.getScore(SESSION, nodes[1]).eligible, "node 1 eligible view");
    }

    function test_recordContributionsBatch_excludedNodeIsRecordedNotEligible() public {
        nodes = _createSession(SESSION, 0, 2);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[0], "");
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 10), _e(1, 10)));
        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "only node 1");
        IContributionTracker.NodeRecord memory r = gradpay.getContribution(SESSION, nodes[0]);
        assertTrue(r.excluded, "still excluded");
        assertEq(r.computeSeconds, 10, "recorded");
        assertEq(r.epochs, 1, "e");
        assertEq(gradpay.getSessionTotal(SESSION).computeSeconds, 20, "totals include excluded node");
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_recordContributionsBatch_singleEntry(
        uint32 epoch,
        uint32 batch,
        uint32 epochRounds,
        uint32 c,
        uint32 a,
        uint32 j,
        uint32 k,
        uint32 p,
        uint16 cons,
        uint16 net,
        uint16 up
    ) public {
        nodes = _createSession(SESSION, 0, 2);
        epochRounds = uint32(bound(epochRounds, 0, RecordPacking.MAX_TOTAL_ROUNDS));
        p = uint32(bound(p, 0, epochRounds));
        k = uint32(bound(k, 0, p));
        a = uint32(bound(a, 0, RecordPacking.MAX_SUBMISSIONS));
        j = uint32(bound(j, 0, RecordPacking.MAX_SUBMISSIONS));
        cons = uint16(bound(cons, 0, 10_000));
        net = uint16(bound(net, 0, 10_000));
        up = uint16(bound(up, 0, 10_000));

        _record(SESSION, epoch, batch, epochRounds, _list(_entry(1, c, a, j, k, p, cons, net, up)));

        Sums memory s = Sums(c, a, j, k, p, cons, net, up, 1);
        _assertRecord(gradpay.getContribution(SESSION, nodes[1]), s);
        _assertScore(gradpay.getScore(SESSION, nodes[1]), s, epochRounds, c > 0);
        assertEq(gradpay.getSession(SESSION).eligibleCount, c > 0 ? 1 : 0, "eligibleCount");
        assertEq(gradpay.getSession(SESSION).totalRounds, epochRounds, "T");
        assertEq(gradpay.getSession(SESSION).currentEpoch, epoch, "currentEpoch");
        assertTrue(gradpay.isBatchRecorded(SESSION, epoch, batch), "isBatchRecorded");
    }

    /// @dev Random epochs, batches and entries for 4 nodes; every sum, score and total against the page.
    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_recordContributionsBatch_manyEpochs(uint256 seed, uint256 epochCount) public {
        uint256 nodeCount = 4;
        nodes = _createSession(SESSION, 0, nodeCount);
        epochCount = bound(epochCount, 1, 6);
        Sums[] memory sums = new Sums[](nodeCount);
        for (uint256 i; i < nodeCount; ++i) {
            sums[i] = Sums(0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        uint256 t;
        uint256 nodeEpochs;
        uint32 epoch;
        for (uint256 ep; ep < epochCount; ++ep) {
            seed = uint256(keccak256(abi.encode(seed)));
            epoch += uint32(seed % 3) + (ep == 0 ? 0 : 1);
            uint32 rounds = uint32((seed >> 8) % 1000);
            t += rounds;
            // Split the nodes of the epoch over two batches; the last node joins if nobody else did.
            uint256[] memory first = new uint256[](nodeCount);
            uint256[] memory second = new uint256[](nodeCount);
            uint256 n1;
            uint256 n2;
            for (uint256 i; i < nodeCount; ++i) {
                uint256 r = uint256(keccak256(abi.encode(seed, i)));
                if (r % 4 == 0 && (i + 1 < nodeCount || n1 + n2 > 0)) continue; // skips this epoch
                uint32 p = uint32((r >> 8) % (uint256(rounds) + 1));
                uint32 k = uint32((r >> 40) % (uint256(p) + 1));
                uint256 entry = _entry(
                    uint32(i),
                    uint32(r >> 64) % 5 == 0 ? 0 : uint32(r >> 72),
                    uint32(r >> 104) % 100_000,
                    uint32(r >> 136) % 100_000,
                    k,
                    p,
                    uint16((r >> 168) % 10_001),
                    uint16((r >> 184) % 10_001),
                    uint16((r >> 200) % 10_001)
                );
                _add(sums[i], entry);
                if ((r >> 250) % 2 == 0) first[n1++] = entry;
                else second[n2++] = entry;
            }
            assembly ("memory-safe") {
                mstore(first, n1)
                mstore(second, n2)
            }
            if (n1 > 0) _record(SESSION, epoch, 0, rounds, first);
            if (n2 > 0) _record(SESSION, epoch, 1, rounds, second);
            nodeEpochs += n1 + n2;
        }

        uint256 eligible;
        uint256 totalC;
        for (uint256 i; i < nodeCount; ++i) {
            _assertRecord(gradpay.getContribution(SESSION, nodes[i]), sums[i]);
            _assertScore(gradpay.getScore(SESSION, nodes[i]), sums[i], t, sums[i].c > 0);
            if (sums[i].c > 0) ++eligible;
            totalC += sums[i].c;
        }
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(info.totalRounds, t, "T");
        assertEq(info.epochCount, epochCount, "epochCount");
        assertEq(info.currentEpoch, epoch, "currentEpoch");
        assertEq(info.eligibleCount, eligible, "eligibleCount");
        assertEq(gradpay.getSessionTotal(SESSION).computeSeconds, totalC, "total c");
        assertEq(gradpay.getSessionTotal(SESSION).nodeEpochs, nodeEpochs, "total nodeEpochs");
    }

    // ------------------------------------------------------------------ recordContributionsBatch: entry bounds

    function test_RevertWhen_roundsOkAboveRoundsJoined() public {
        _createSession(SESSION, 0, 2);
        uint256[] memory entries = _list(_e(0, 1), _entry(1, 1, 1, 1, 6, 5, 0, 0, 0));
        _expectRecordRevert(
            SESSION, 0, 0, ROUNDS, entries, _outOfBounds(1, IContributionTracker.EntryField.RoundsOk, 6, 5)
        );
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
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            entries,
            _outOfBounds(1, IContributionTracker.EntryField.RoundsJoined, 11, 10)
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
        _expectRecordRevert(
            SESSION,
            0,
            1,
            ROUNDS,
            _list(_entry(1, 1, 0, 0, 0, 11, 0, 0, 0)),
            _outOfBounds(0, IContributionTracker.EntryField.RoundsJoined, 11, 10)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_consistencyBpsAbove10000(uint16 value) public {
        value = uint16(bound(value, 10_001, type(uint16).max));
        _createSession(SESSION, 0, 3);
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(0, 1), _e(1, 1), _entry(2, 1, 1, 1, 1, 1, value, 0, 0)),
            _outOfBounds(2, IContributionTracker.EntryField.ConsistencyBps, value, 10_000)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_networkBpsAbove10000(uint16 value) public {
        value = uint16(bound(value, 10_001, type(uint16).max));
        _createSession(SESSION, 0, 3);
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(0, 1), _entry(1, 1, 1, 1, 1, 1, 10_000, value, 10_000), _e(2, 1)),
            _outOfBounds(1, IContributionTracker.EntryField.NetworkBps, value, 10_000)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_uptimeBpsAbove10000(uint16 value) public {
        value = uint16(bound(value, 10_001, type(uint16).max));
        _createSession(SESSION, 0, 3);
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_entry(0, 1, 1, 1, 1, 1, 10_000, 10_000, value), _e(1, 1)),
            _outOfBounds(0, IContributionTracker.EntryField.UptimeBps, value, 10_000)
        );
    }

    function test_RevertWhen_bpsJustAbove10000() public {
        _createSession(SESSION, 0, 1);
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_entry(0, 1, 1, 1, 1, 1, 10_001, 0, 0)),
            _outOfBounds(0, IContributionTracker.EntryField.ConsistencyBps, 10_001, 10_000)
        );
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_entry(0, 1, 1, 1, 1, 1, 0, 10_001, 0)),
            _outOfBounds(0, IContributionTracker.EntryField.NetworkBps, 10_001, 10_000)
        );
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_entry(0, 1, 1, 1, 1, 1, 0, 0, 10_001)),
            _outOfBounds(0, IContributionTracker.EntryField.UptimeBps, 10_001, 10_000)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_reservedBitsSet(uint16 reserved) public {
        reserved = uint16(bound(reserved, 1, type(uint16).max));
        _createSession(SESSION, 0, 2);
        uint256 entry = _e(1, 1) | (uint256(reserved) << 240);
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(0, 1), entry),
            _outOfBounds(1, IContributionTracker.EntryField.ReservedBits, reserved, 0)
        );
    }

    function test_RevertWhen_reservedTopBitSet() public {
        _createSession(SESSION, 0, 1);
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(0, 1) | (1 << 255)),
            _outOfBounds(0, IContributionTracker.EntryField.ReservedBits, 1 << 15, 0)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_entryUnknownNode(uint32 index) public {
        _createSession(SESSION, 0, 3);
        index = uint32(bound(index, 3, type(uint32).max));
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(0, 1), _e(index, 1)),
            abi.encodeWithSelector(IContributionTracker.EntryUnknownNode.selector, 1, index, 3)
        );
    }

    function test_RevertWhen_entryUnknownNodeOneAboveLast() public {
        _createSession(SESSION, 0, 3);
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(3, 1)),
            abi.encodeWithSelector(IContributionTracker.EntryUnknownNode.selector, 0, 3, 3)
        );
    }

    function test_RevertWhen_duplicateNodeInBatch() public {
        _createSession(SESSION, 0, 3);
        _expectRecordRevert(
            SESSION,
            5,
            0,
            ROUNDS,
            _list(_e(1, 1), _e(0, 1), _e(1, 2)),
            abi.encodeWithSelector(IContributionTracker.NodeAlreadyRecordedInEpoch.selector, 2, 1, 5)
        );
    }

    function test_RevertWhen_duplicateNodeAcrossBatchesOfEpoch() public {
        _createSession(SESSION, 0, 3);
        _record(SESSION, 5, 0, ROUNDS, _list(_e(0, 1), _e(2, 1)));
        _expectRecordRevert(
            SESSION,
            5,
            1,
            ROUNDS,
            _list(_e(1, 1), _e(2, 1)),
            abi.encodeWithSelector(IContributionTracker.NodeAlreadyRecordedInEpoch.selector, 1, 2, 5)
        );
        // Node 1 alone in the same batch number is fine: the failed batch left no trace.
        _record(SESSION, 5, 1, ROUNDS, _list(_e(1, 1)));
        assertEq(gradpay.getSessionTotal(SESSION).nodeEpochs, 3, "nodeEpochs");
    }

    function test_RevertWhen_duplicateNodeAfterManyEpochs() public {
        _createSession(SESSION, 0, 2);
        for (uint32 ep; ep < 20; ++ep) {
            _record(SESSION, ep, 0, ROUNDS, _list(_e(0, 1)));
        }
        _expectRecordRevert(
            SESSION,
            19,
            1,
            ROUNDS,
            _list(_e(1, 1), _e(0, 1)),
            abi.encodeWithSelector(IContributionTracker.NodeAlreadyRecordedInEpoch.selector, 1, 0, 19)
        );
    }

    // ------------------------------------------------------------------ epochs and batches

    function test_RevertWhen_epochOutOfOrder() public {
        _createSession(SESSION, 0, 2);
        _record(SESSION, 5, 0, ROUNDS, _list(_e(0, 1)));
        _expectRecordRevert(
            SESSION,
            4,
            0,
            ROUNDS,
            _list(_e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.EpochOutOfOrder.selector, SESSION, 4, 5)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_epochOutOfOrder(uint32 current, uint32 older, uint32 batch) public {
        current = uint32(bound(current, 1, type(uint32).max));
        older = uint32(bound(older, 0, current - 1));
        _createSession(SESSION, 0, 2);
        _record(SESSION, current, 0, ROUNDS, _list(_e(0, 1)));
        _expectRecordRevert(
            SESSION,
            older,
            batch,
            ROUNDS,
            _list(_e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.EpochOutOfOrder.selector, SESSION, older, current)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_epochRoundsMismatch(uint32 rounds, uint32 other) public {
        rounds = uint32(bound(rounds, 0, 1000));
        vm.assume(other != rounds);
        _createSession(SESSION, 0, 2);
        _record(SESSION, 3, 0, rounds, _list(_entry(0, 1, 0, 0, 0, 0, 0, 0, 0)));
        _expectRecordRevert(
            SESSION,
            3,
            1,
            other,
            _list(_entry(1, 1, 0, 0, 0, 0, 0, 0, 0)),
            abi.encodeWithSelector(
                IContributionTracker.EpochRoundsMismatch.selector, SESSION, 3, other, rounds
            )
        );
    }

    function test_RevertWhen_batchAlreadyRecorded() public {
        _createSession(SESSION, 0, 3);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1), _e(1, 1)));
        // The exact replay, and the same key with other content: both are "already done".
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(0, 1), _e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.BatchAlreadyRecorded.selector, SESSION, 0, 0)
        );
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(2, 1)),
            abi.encodeWithSelector(IContributionTracker.BatchAlreadyRecorded.selector, SESSION, 0, 0)
        );
    }

    function test_RevertWhen_batchAlreadyRecordedInOldEpoch() public {
        _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 3, ROUNDS, _list(_e(0, 1), _e(1, 1)));
        _record(SESSION, 1, 0, 20, _list(_e(0, 1)));
        _record(SESSION, 2, 0, 30, _list(_e(0, 1)));
        // A replay of epoch 0's batch still reads as done, not as an out-of-order epoch.
        _expectRecordRevert(
            SESSION,
            0,
            3,
            ROUNDS,
            _list(_e(0, 1), _e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.BatchAlreadyRecorded.selector, SESSION, 0, 3)
        );
        // An unrecorded batch of the old epoch is out of order.
        _expectRecordRevert(
            SESSION,
            0,
            4,
            ROUNDS,
            _list(_e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.EpochOutOfOrder.selector, SESSION, 0, 2)
        );
    }

    function test_RevertWhen_batchAlreadyRecordedWithOtherEpochRounds() public {
        _createSession(SESSION, 0, 1);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        _expectRecordRevert(
            SESSION,
            0,
            0,
            99,
            _list(_e(0, 1)),
            abi.encodeWithSelector(IContributionTracker.BatchAlreadyRecorded.selector, SESSION, 0, 0)
        );
    }

    function test_RevertWhen_totalRoundsOverflowOneEpoch() public {
        _createSession(SESSION, 0, 1);
        uint256 max = RecordPacking.MAX_TOTAL_ROUNDS;
        _expectRecordRevert(
            SESSION,
            0,
            0,
            uint32(max + 1),
            _list(_e(0, 1)),
            abi.encodeWithSelector(IContributionTracker.TotalRoundsOverflow.selector, SESSION, max + 1, max)
        );
        _expectRecordRevert(
            SESSION,
            0,
            0,
            type(uint32).max,
            _list(_e(0, 1)),
            abi.encodeWithSelector(
                IContributionTracker.TotalRoundsOverflow.selector, SESSION, type(uint32).max, max
            )
        );
    }

    function test_RevertWhen_totalRoundsOverflowAcrossEpochs() public {
        nodes = _createSession(SESSION, 0, 1);
        uint256 max = RecordPacking.MAX_TOTAL_ROUNDS;
        _record(SESSION, 0, 0, uint32(max - 5), _list(_entry(0, 1, 0, 0, 0, uint32(max - 5), 0, 0, 0)));
        _expectRecordRevert(
            SESSION,
            1,
            0,
            6,
            _list(_e(0, 1)),
            abi.encodeWithSelector(IContributionTracker.TotalRoundsOverflow.selector, SESSION, max + 1, max)
        );
        // Exactly up to the limit is fine, and the node's p and k reach it.
        _record(SESSION, 1, 0, 5, _list(_entry(0, 1, 0, 0, 5, 5, 0, 0, 0)));
        assertEq(gradpay.getSession(SESSION).totalRounds, max, "T at the limit");
        IContributionTracker.NodeRecord memory r = gradpay.getContribution(SESSION, nodes[0]);
        assertEq(r.roundsJoined, max, "p at the limit");
        assertEq(r.roundsOk, 5, "k");
        // A zero-round epoch still fits, one more round does not.
        _record(SESSION, 2, 0, 0, _list(_entry(0, 1, 0, 0, 0, 0, 0, 0, 0)));
        _expectRecordRevert(
            SESSION,
            3,
            0,
            1,
            _list(_e(0, 1)),
            abi.encodeWithSelector(IContributionTracker.TotalRoundsOverflow.selector, SESSION, max + 1, max)
        );
    }

    /// @dev MAX_EPOCHS epochs with every field near its packing limit: no field carries into another,
    ///      and the epoch after the last one is refused while the last one still takes batches.
    function test_RevertWhen_tooManyEpochs() public {
        nodes = _createSession(SESSION, 0, 2);
        uint256 maxEpochs = gradpay.MAX_EPOCHS();
        uint32 rounds = uint32(RecordPacking.MAX_TOTAL_ROUNDS / maxEpochs);
        uint32 perEpochC = uint32(RecordPacking.MAX_COMPUTE_SECONDS / maxEpochs);
        uint32 perEpochSub = uint32(RecordPacking.MAX_SUBMISSIONS / maxEpochs);
        uint256 entry = _entry(0, perEpochC, perEpochSub, perEpochSub, rounds, rounds, 10_000, 10_000, 10_000);
        uint256[] memory entries = _list(entry);
        vm.startPrank(coordinator);
        for (uint256 ep; ep < maxEpochs; ++ep) {
            gradpay.recordContributionsBatch(SESSION, uint32(ep), 0, rounds, entries);
        }
        vm.stopPrank();

        uint256 n = maxEpochs;
        _assertRecord(
            gradpay.getContribution(SESSION, nodes[0]),
            Sums(
                n * perEpochC,
                n * perEpochSub,
                n * perEpochSub,
                n * rounds,
                n * rounds,
                n * 10_000,
                n * 10_000,
                n * 10_000,
                n
            )
        );
        assertFalse(gradpay.getContribution(SESSION, nodes[0]).excluded, "no carry into the excluded bit");
        assertEq(gradpay.getSession(SESSION).epochCount, maxEpochs, "epochCount");
        assertEq(gradpay.getSession(SESSION).totalRounds, n * rounds, "T");

        _expectRecordRevert(
            SESSION,
            uint32(maxEpochs),
            0,
            rounds,
            _list(_e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.TooManyEpochs.selector, SESSION, maxEpochs)
        );
        // The last epoch still takes new batches, and node 0 is still recorded in it.
        _expectRecordRevert(
            SESSION,
            uint32(maxEpochs - 1),
            1,
            rounds,
            _list(_e(0, 1)),
            abi.encodeWithSelector(
                IContributionTracker.NodeAlreadyRecordedInEpoch.selector, 0, 0, uint32(maxEpochs - 1)
            )
        );
        _record(SESSION, uint32(maxEpochs - 1), 1, rounds, _list(_e(1, 1)));
        assertEq(gradpay.getContribution(SESSION, nodes[1]).epochs, 1, "node 1 in the last epoch");
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
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(1, 1), _entry(0, 1, uint32(max + 1), 0, 0, 0, 0, 0, 0)),
            abi.encodeWithSelector(
                IContributionTracker.RecordOverflow.selector, 1, 0, IContributionTracker.EntryField.Accepted
            )
        );
        _record(SESSION, 0, 0, ROUNDS, _list(_entry(0, 1, uint32(max - 3), 0, 0, 0, 0, 0, 0)));
        _record(SESSION, 1, 0, ROUNDS, _list(_entry(0, 1, 3, 0, 0, 0, 0, 0, 0)));
        assertEq(gradpay.getContribution(SESSION, nodes[0]).accepted, max, "a at the limit");
        _expectRecordRevert(
            SESSION,
            2,
            0,
            ROUNDS,
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
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_entry(0, 1, 0, type(uint32).max, 0, 0, 0, 0, 0)),
            abi.encodeWithSelector(
                IContributionTracker.RecordOverflow.selector, 0, 0, IContributionTracker.EntryField.Rejected
            )
        );
        _record(SESSION, 0, 0, ROUNDS, _list(_entry(0, 1, 0, uint32(max), 0, 0, 0, 0, 0)));
        assertEq(gradpay.getContribution(SESSION, nodes[0]).rejected, max, "j at the limit");
        assertEq(gradpay.getContribution(SESSION, nodes[0]).roundsOk, 0, "no carry into k");
        _expectRecordRevert(
            SESSION,
            1,
            0,
            ROUNDS,
            _list(_entry(0, 1, 0, 1, 0, 0, 0, 0, 0)),
            abi.encodeWithSelector(
                IContributionTracker.RecordOverflow.selector, 0, 0, IContributionTracker.EntryField.Rejected
            )
        );
    }

    // ------------------------------------------------------------------ access, pause, state

    function test_RevertWhen_recordCallerNotCoordinator() public {
        _createSession(SESSION, 0, 1);
        bytes memory before = _state(SESSION);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, COORDINATOR_ROLE
            )
        );
        vm.prank(stranger);
        gradpay.recordContributionsBatch(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, admin, COORDINATOR_ROLE
            )
        );
        vm.prank(admin);
        gradpay.recordContributionsBatch(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        assertEq(_state(SESSION), before, "unchanged");
    }

    function test_RevertWhen_recordPaused() public {
        _createSession(SESSION, 0, 1);
        vm.prank(admin);
        gradpay.pause();
        _expectRecordRevert(
            SESSION, 0, 0, ROUNDS, _list(_e(0, 1)), abi.encodeWithSelector(Pausable.EnforcedPause.selector)
        );
        vm.prank(admin);
        gradpay.unpause();
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        assertTrue(gradpay.isBatchRecorded(SESSION, 0, 0), "recorded after unpause");
    }

    function test_RevertWhen_recordSessionUnknown() public {
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(0, 1)),
            _wrongState(SESSION, ITrainingRegistry.SessionState.None, ITrainingRegistry.SessionState.Active)
        );
    }

    function test_RevertWhen_recordSessionCompleted() public {
        _createSession(SESSION, 0, 1);
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        _expectRecordRevert(
            SESSION,
            0,
            0,
            ROUNDS,
            _list(_e(0, 1)),
            _wrongState(
                SESSION, ITrainingRegistry.SessionState.Completed, ITrainingRegistry.SessionState.Active
            )
        );
    }

    function test_RevertWhen_recordSessionFinalized() public {
        _createSession(SESSION, 0, 1);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        _finalize(SESSION);
        _expectRecordRevert(
            SESSION,
            1,
            0,
            ROUNDS,
            _list(_e(0, 1)),
            _wrongState(
                SESSION, ITrainingRegistry.SessionState.Finalized, ITrainingRegistry.SessionState.Active
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

    /// @dev A rejected first batch of an epoch does not fix the epoch's rounds: the next batch may give others.
    function test_revertedFirstBatchDoesNotFixEpochRounds() public {
        nodes = _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        _expectRecordRevert(
            SESSION,
            1,
            0,
            20,
            _list(_e(0, 1), _e(5, 1)),
            abi.encodeWithSelector(IContributionTracker.EntryUnknownNode.selector, 1, 5, 2)
        );
        _record(SESSION, 1, 0, 30, _list(_e(1, 1)));
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(info.currentEpochRounds, 30, "rounds of the accepted batch");
        assertEq(info.totalRounds, ROUNDS + 30, "T");
        assertEq(info.epochCount, 2, "epochCount");
    }

    // ------------------------------------------------------------------ views

    function testFuzz_packEntry(
        uint32 index,
        uint32 c,
        uint32 a,
        uint32 j,
        uint32 k,
        uint32 p,
        uint16 cons,
        uint16 net,
        uint16 up
    ) public view {
        uint256 word = gradpay.packEntry(_struct(index, c, a, j, k, p, cons, net, up));
        // The interface's layout, written as sums of multiples of powers of two.
        uint256 expected = uint256(index) + uint256(c) * 2 ** 32 + uint256(a) * 2 ** 64 + uint256(j) * 2 ** 96
            + uint256(k) * 2 ** 128 + uint256(p) * 2 ** 160 + uint256(cons) * 2 ** 192 + uint256(net) * 2
            ** 208 + uint256(up) * 2 ** 224;
        assertEq(word, expected, "packed word");
        assertLt(word, 2 ** 240, "reserved bits zero");
    }

    function test_packEntry_roundTripsThroughRecord() public {
        nodes = _createSession(SESSION, 0, 3);
        uint256 word = gradpay.packEntry(_struct(2, 1234, 56, 7, 8, 9, 9999, 1, 10_000));
        _record(SESSION, 0, 0, 9, _list(word));
        _assertRecord(gradpay.getContribution(SESSION, nodes[2]), Sums(1234, 56, 7, 8, 9, 9999, 1, 10_000, 1));
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_isBatchRecorded(uint32 epoch, uint32 batch, uint32 probe) public {
        _createSession(SESSION, 0, 1);
        _record(SESSION, epoch, batch, ROUNDS, _list(_e(0, 1)));
        assertTrue(gradpay.isBatchRecorded(SESSION, epoch, batch), "recorded");
        assertEq(gradpay.isBatchRecorded(SESSION, epoch, probe), probe == batch, "other batch of the epoch");
        assertFalse(gradpay.isBatchRecorded(SESSION, epoch ^ 1, batch), "other epoch");
        assertFalse(gradpay.isBatchRecorded(OTHER, epoch, batch), "other session");
    }

    function test_isBatchRecorded_wordBoundaries() public {
        _createSession(SESSION, 0, 5);
        uint32[5] memory batches = [uint32(255), 256, 511, 0, type(uint32).max];
        for (uint256 i; i < batches.length; ++i) {
            _record(SESSION, 0, batches[i], ROUNDS, _list(_e(uint32(i), 1)));
        }
        for (uint256 i; i < batches.length; ++i) {
            assertTrue(gradpay.isBatchRecorded(SESSION, 0, batches[i]), "recorded batch");
        }
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, 1), "batch 1");
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, 254), "batch 254");
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, 257), "batch 257");
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, 512), "batch 512");
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, type(uint32).max - 1), "batch max - 1");
    }

    function test_getContributionByIndex_matchesByAddress() public {
        nodes = _createSession(SESSION, 0, 3);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(2, 3), _e(0, 4)));
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[2], "");
        for (uint32 i; i < 3; ++i) {
            assertEq(
                abi.encode(gradpay.getContributionByIndex(SESSION, i)),
                abi.encode(gradpay.getContribution(SESSION, nodes[i])),
                "by index == by address"
            );
            assertEq(gradpay.getContributionByIndex(SESSION, i).index, i, "index");
        }
        assertTrue(gradpay.getContributionByIndex(SESSION, 2).excluded, "excluded");
    }

    function test_RevertWhen_getContributionByIndexOutOfRange() public {
        _createSession(SESSION, 0, 3);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionTracker.IndexRangeOutOfBounds.selector, SESSION, 3, 1, 3)
        );
        gradpay.getContributionByIndex(SESSION, 3);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionTracker.IndexRangeOutOfBounds.selector, OTHER, 0, 1, 0)
        );
        gradpay.getContributionByIndex(OTHER, 0);
    }

    function test_RevertWhen_getContributionNodeNotRegistered() public {
        _createSession(SESSION, 0, 1);
        vm.expectRevert(
            abi.encodeWithSelector(ITrainingRegistry.NodeNotRegistered.selector, SESSION, stranger)
        );
        gradpay.getContribution(SESSION, stranger);
    }

    function test_getSessionTotal() public {
        _createSession(SESSION, 0, 3);
        IContributionTracker.SessionTotals memory totals = gradpay.getSessionTotal(SESSION);
        assertEq(totals.totalRounds, 0, "empty T");
        assertEq(totals.nodeEpochs, 0, "empty nodeEpochs");
        _record(
            SESSION, 0, 0, 10, _list(_entry(0, 100, 5, 1, 0, 0, 0, 0, 0), _entry(1, 200, 6, 2, 0, 0, 0, 0, 0))
        );
        _record(SESSION, 0, 1, 10, _list(_entry(2, 300, 7, 3, 0, 0, 0, 0, 0)));
        _record(SESSION, 4, 0, 15, _list(_entry(0, 400, 8, 4, 0, 0, 0, 0, 0)));
        totals = gradpay.getSessionTotal(SESSION);
        assertEq(totals.totalRounds, 25, "T");
        assertEq(totals.epochCount, 2, "epochCount");
        assertEq(totals.computeSeconds, 1000, "c");
        assertEq(totals.accepted, 26, "a");
        assertEq(totals.rejected, 10, "j");
        assertEq(totals.nodeEpochs, 4, "nodeEpochs");
    }

    function test_getScore_workedExample() public {
        nodes = _createSession(SESSION, 0, 3);
        _record(
            SESSION,
            0,
            0,
            10,
            _list(
                _entry(0, 150, 27, 3, 9, 10, 8000, 9000, 10_000),
                _entry(1, 100, 10, 10, 5, 10, 5000, 5000, 5000),
                _entry(2, 200, 40, 0, 10, 10, 10_000, 10_000, 10_000)
            )
        );
        IContributionTracker.NodeScore memory s0 = gradpay.getScore(SESSION, nodes[0]);
        assertEq(s0.index, 0, "index");
        assertEq(s0.quality, 8700, "node 0 Q");
        assertEq(s0.reliability, 9700, "node 0 R");
        assertEq(s0.score, 61_033_500_000, "node 0 score");
        assertEq(gradpay.getScore(SESSION, nodes[1]).score, 27_500_000_000, "node 1 score");
        assertEq(gradpay.getScore(SESSION, nodes[2]).score, 90_000_000_000, "node 2 score");
        assertTrue(s0.eligible, "eligible");
    }

    function test_getScore_nodeWithoutRecords() public {
        nodes = _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 0, 10, _list(_e(0, 1)));
        IContributionTracker.NodeScore memory s = gradpay.getScore(SESSION, nodes[1]);
        assertEq(s.index, 1, "index");
        assertFalse(s.eligible, "eligible");
        assertEq(s.quality, 0, "Q");
        assertEq(s.participation, 0, "P");
        assertEq(s.reliability, 0, "R");
        assertEq(s.score, 0, "score");
    }

    function test_RevertWhen_getScoreNodeNotRegistered() public {
        _createSession(SESSION, 0, 1);
        vm.expectRevert(
            abi.encodeWithSelector(ITrainingRegistry.NodeNotRegistered.selector, SESSION, stranger)
        );
        gradpay.getScore(SESSION, stranger);
    }

    function test_getScores_range() public {
        nodes = _createSession(SESSION, 0, 4);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1), _e(1, 2), _e(2, 3), _e(3, 4)));
        IContributionTracker.NodeScore[] memory scores = gradpay.getScores(SESSION, 1, 2);
        assertEq(scores.length, 2, "length");
        for (uint256 i; i < 2; ++i) {
            assertEq(
                abi.encode(scores[i]),
                abi.encode(gradpay.getScore(SESSION, nodes[i + 1])),
                "getScores == getScore"
            );
            assertEq(scores[i].index, i + 1, "index");
        }
        assertEq(gradpay.getScores(SESSION, 0, 4).length, 4, "all");
        assertEq(gradpay.getScores(SESSION, 4, 0).length, 0, "empty range at the end");
    }

    function test_RevertWhen_getScoresRangeOutOfBounds() public {
        _createSession(SESSION, 0, 4);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionTracker.IndexRangeOutOfBounds.selector, SESSION, 3, 2, 4)
        );
        gradpay.getScores(SESSION, 3, 2);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionTracker.IndexRangeOutOfBounds.selector, SESSION, 5, 0, 4)
        );
        gradpay.getScores(SESSION, 5, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContributionTracker.IndexRangeOutOfBounds.selector,
                SESSION,
                type(uint32).max,
                type(uint32).max,
                4
            )
        );
        gradpay.getScores(SESSION, type(uint32).max, type(uint32).max);
    }
}
