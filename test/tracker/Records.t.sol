// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {RecordPacking} from "../../contracts/libraries/RecordPacking.sol";
import {NodeSums as Sums} from "../utils/NodeSums.sol";
import {TrackerTest} from "../utils/TrackerTest.sol";

/// @notice Accepted batches (reward-math.md §1): every entry adds to its node's running sums, T counts
///         each epoch once, eligibility follows compute; sums and scores checked against the page.
contract RecordsTest is TrackerTest {
    // ------------------------------------------------------------------ recordContributionsBatch: what an accepted batch adds

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
}
