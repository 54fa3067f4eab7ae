// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {NodeSums as Sums} from "../utils/NodeSums.sol";
import {RewardModel} from "../utils/RewardModel.sol";
import {TrackerTest} from "../utils/TrackerTest.sol";

/// @notice `getFinalizationTotals`: the (n, Σscore, Σscore²) that `startFinalization` asks for, over a
///         range of node indices, for clients without big integers.
contract FinalizationTotalsTest is TrackerTest {
    using RewardModel for RewardModel.Node[];

    /// @dev A random session: its node count, T, and each node's sums and exclusion as the test tracked them.
    struct Fixture {
        uint256 nodeCount;
        uint256 totalRounds;
        Sums[] sums;
        bool[] excluded;
    }

    /// @dev 1..10 nodes over 1..4 epochs (silent ones included), random entries; some nodes never report
    ///      (c = 0) and some are excluded.
    function _randomSession(uint256 seed) internal returns (Fixture memory f) {
        f.nodeCount = bound(seed, 1, 10);
        nodes = _createSession(SESSION, 0, f.nodeCount);
        f.sums = new Sums[](f.nodeCount);
        f.excluded = new bool[](f.nodeCount);
        for (uint256 i; i < f.nodeCount; ++i) {
            f.sums[i] = Sums(0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        uint256 epochCount = bound(seed >> 8, 1, 4);
        for (uint256 ep; ep < epochCount; ++ep) {
            uint256 r = uint256(keccak256(abi.encode(seed, ep)));
            uint32 rounds = uint32(r % 50);
            f.totalRounds += rounds;
            uint256[] memory entries = new uint256[](f.nodeCount);
            uint256 count;
            // One epoch in four is silent; otherwise each node reports with probability 3/4.
            for (uint256 i; i < f.nodeCount && (r >> 8) % 4 != 0; ++i) {
                uint256 q = uint256(keccak256(abi.encode(r, i)));
                if (q % 4 == 0) continue;
                uint32 p = uint32((q >> 8) % (uint256(rounds) + 1));
                uint256 entry = _entry(
                    uint32(i),
                    uint32((q >> 16) % 5 == 0 ? 0 : (q >> 24) % 100_000),
                    uint32((q >> 56) % 1000),
                    uint32((q >> 72) % 1000),
                    uint32((q >> 88) % (uint256(p) + 1)),
                    p,
                    uint16((q >> 120) % 10_001),
                    uint16((q >> 136) % 10_001),
                    uint16((q >> 152) % 10_001)
                );
                _add(f.sums[i], entry);
                entries[count++] = entry;
            }
            assembly ("memory-safe") {
                mstore(entries, count)
            }
            _record(SESSION, uint32(ep), 0, rounds, entries);
        }
        for (uint256 i; i < f.nodeCount; ++i) {
            if (uint256(keccak256(abi.encode(seed, "exclude", i))) % 5 == 0) {
                vm.prank(coordinator);
                gradpay.excludeNode(SESSION, nodes[i], "fuzz");
                f.excluded[i] = true;
            }
        }
    }

    /// @dev The totals over nodes [from, from + count), from the tracked sums and the page's formulas.
    function _expectedTotals(Fixture memory f, uint256 from, uint256 count)
        internal
        pure
        returns (uint256 n, uint256 sumScore, uint256 sumSquares)
    {
        for (uint256 i = from; i < from + count; ++i) {
            if (f.sums[i].c == 0 || f.excluded[i]) continue;
            uint256 score = _expected(f.sums[i], f.totalRounds)[8];
            ++n;
            sumScore += score;
            sumSquares += score * score;
        }
    }

    function _assertTotals(uint32 from, uint32 count, uint256 n, uint256 sumScore, uint256 sumSquares)
        internal
        view
    {
        (uint32 gotN, uint256 gotSum, uint256 gotSquares) =
            gradpay.getFinalizationTotals(SESSION, from, count);
        assertEq(gotN, n, "eligibleCount");
        assertEq(gotSum, sumScore, "sumScore");
        assertEq(gotSquares, sumSquares, "sumScoreSquared");
    }

    // ------------------------------------------------------------------ values

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_getFinalizationTotals_equalsSumsOverScores(uint256 seed, uint256 from, uint256 count)
        public
    {
        Fixture memory f = _randomSession(seed);
        from = bound(from, 0, f.nodeCount);
        count = bound(count, 0, f.nodeCount - from);
        IContributionTracker.NodeScore[] memory scores =
            gradpay.getScores(SESSION, uint32(from), uint32(count));
        uint256 n;
        uint256 sumScore;
        uint256 sumSquares;
        for (uint256 i; i < scores.length; ++i) {
            if (!scores[i].eligible) continue;
            ++n;
            sumScore += scores[i].score;
            sumSquares += scores[i].score * scores[i].score;
        }
        _assertTotals(uint32(from), uint32(count), n, sumScore, sumSquares);
        (uint256 n2, uint256 sumScore2, uint256 sumSquares2) = _expectedTotals(f, from, count);
        _assertTotals(uint32(from), uint32(count), n2, sumScore2, sumSquares2);
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_getFinalizationTotals_consecutiveRangesAdd(
        uint256 seed,
        uint256 from,
        uint256 mid,
        uint256 end
    ) public {
        Fixture memory f = _randomSession(seed);
        from = bound(from, 0, f.nodeCount);
        end = bound(end, from, f.nodeCount);
        mid = bound(mid, from, end);
        (uint32 n1, uint256 s1, uint256 q1) =
            gradpay.getFinalizationTotals(SESSION, uint32(from), uint32(mid - from));
        (uint32 n2, uint256 s2, uint256 q2) =
            gradpay.getFinalizationTotals(SESSION, uint32(mid), uint32(end - mid));
        _assertTotals(uint32(from), uint32(end - from), n1 + n2, s1 + s2, q1 + q2);
    }

    function test_getFinalizationTotals_emptyRangesAndSession() public {
        _createSession(SESSION, 0, 3);
        _assertTotals(0, 0, 0, 0, 0);
        _assertTotals(3, 0, 0, 0, 0);
        _assertTotals(0, 3, 0, 0, 0);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(1, 4)));
        _assertTotals(0, 1, 0, 0, 0);
        _assertTotals(2, 1, 0, 0, 0);
        uint256 score = gradpay.getScores(SESSION, 1, 1)[0].score;
        assertGt(score, 0, "fixture");
        _assertTotals(1, 1, 1, score, score * score);
    }

    function test_RevertWhen_getFinalizationTotalsPastNodeCount() public {
        _createSession(SESSION, 0, 4);
        _expectRangeRevert(SESSION, 4, 1, 4);
        _expectRangeRevert(SESSION, 0, 5, 4);
        _expectRangeRevert(SESSION, 5, 0, 4);
        _expectRangeRevert(SESSION, type(uint32).max, type(uint32).max, 4);
        _expectRangeRevert(OTHER, 0, 1, 0);
    }

    // ------------------------------------------------------------------ the totals finalize

    /// @dev A client that adds the totals of two ranges (as one too large for a call would) and ranks by
    ///      the score views starts and completes the verified pass.
    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_getFinalizationTotals_startFinalization(uint256 seed, uint256 split) public {
        Fixture memory f = _randomSession(seed);
        split = bound(split, 0, f.nodeCount);
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        (uint32 n1, uint256 s1, uint256 q1) = gradpay.getFinalizationTotals(SESSION, 0, uint32(split));
        (uint32 n2, uint256 s2, uint256 q2) =
            gradpay.getFinalizationTotals(SESSION, uint32(split), uint32(f.nodeCount - split));

        vm.prank(coordinator);
        gradpay.startFinalization(SESSION, n1 + n2, s1 + s2, q1 + q2);
        uint32[] memory ranked = RewardModel.rankedNodes(gradpay, SESSION).indices();
        assertEq(ranked.length, n1 + n2, "n");
        if (ranked.length > 0) {
            vm.prank(coordinator);
            gradpay.submitRanking(SESSION, ranked, true);
        }
        assertEq(
            uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Finalized), "Finalized"
        );
        assertEq(gradpay.getFinalization(SESSION).sumScoreOutstanding, 0, "sum matched");
        assertEq(gradpay.getFinalization(SESSION).sumScoreSquaredOutstanding, 0, "squares matched");
    }
}
