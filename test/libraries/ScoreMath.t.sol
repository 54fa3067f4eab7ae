// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ScoreMath} from "../../contracts/libraries/ScoreMath.sol";
import {NodeSums as Sums} from "../utils/NodeSums.sol";
import {Test} from "forge-std/Test.sol";

/// @dev Exposes the internal library functions to the test.
contract ScoreMathHarness {
    function breakdownOf(uint256 record, uint256 totalRounds)
        external
        pure
        returns (ScoreMath.Breakdown memory)
    {
        return ScoreMath.breakdownOf(record, totalRounds);
    }

    function scoreOf(uint256 record, uint256 totalRounds) external pure returns (uint256, uint256, uint256) {
        return ScoreMath.scoreOf(record, totalRounds);
    }
}

/// @notice ScoreMath against reward-math.md §2 written out here, over records built from the documented
///         layout (c 40 | a 27 | j 27 | k 27 | p 27 | cons 27 | net 27 | up 27 | e 13 | ordinal 13 | excluded 1).
contract ScoreMathTest is Test {
    ScoreMathHarness internal harness;

    function setUp() public {
        harness = new ScoreMathHarness();
    }

    /// @dev The record word from the documented field widths, as a sum of field * 2^offset.
    function _word(Sums memory s, uint256 ordinal, bool excluded) internal pure returns (uint256) {
        return s.c + s.a * 2 ** 40 + s.j * 2 ** 67 + s.k * 2 ** 94 + s.p * 2 ** 121 + s.cons * 2 ** 148
            + s.net * 2 ** 175 + s.up * 2 ** 202 + s.e * 2 ** 229 + ordinal * 2 ** 242
            + (excluded ? 2 ** 255 : 0);
    }

    /// @dev reward-math.md §2, line by line.
    function _spec(Sums memory s, uint256 t) internal pure returns (ScoreMath.Breakdown memory b) {
        b.acceptance = (s.a + s.j) > 0 ? (10_000 * s.a) / (s.a + s.j) : 0;
        b.consistency = s.e > 0 ? s.cons / s.e : 0;
        b.success = s.p > 0 ? (10_000 * s.k) / s.p : 0;
        b.quality = (5000 * b.acceptance + 3000 * b.consistency + 2000 * b.success) / 10_000;
        b.participation = t > 0 ? _min(10_000, (10_000 * s.p) / t) : 0;
        b.network = s.e > 0 ? s.net / s.e : 0;
        b.uptime = s.e > 0 ? s.up / s.e : 0;
        b.reliability = (5000 * b.participation + 3000 * b.network + 2000 * b.uptime) / 10_000;
        b.score = s.c * (5000 + b.quality) * (20_000 + b.reliability);
    }

    function _min(uint256 x, uint256 y) internal pure returns (uint256) {
        return x < y ? x : y;
    }

    function _assertBreakdown(ScoreMath.Breakdown memory got, ScoreMath.Breakdown memory want) internal pure {
        assertEq(got.acceptance, want.acceptance, "A");
        assertEq(got.consistency, want.consistency, "C");
        assertEq(got.success, want.success, "S");
        assertEq(got.quality, want.quality, "Q");
        assertEq(got.participation, want.participation, "P");
        assertEq(got.network, want.network, "N");
        assertEq(got.uptime, want.uptime, "U");
        assertEq(got.reliability, want.reliability, "R");
        assertEq(got.score, want.score, "score");
    }

    /// @dev Sums a session can actually produce: k <= p <= T, bps sums <= 10000 e, e <= 8191.
    function _reachable(Sums memory s, uint256 t) internal pure returns (Sums memory, uint256) {
        t = bound(t, 0, 2 ** 27 - 1);
        s.e = bound(s.e, 0, 8191);
        s.c = s.e == 0 ? 0 : bound(s.c, 0, 2 ** 40 - 1);
        s.a = bound(s.a, 0, 2 ** 27 - 1);
        s.j = bound(s.j, 0, 2 ** 27 - 1);
        s.p = bound(s.p, 0, t);
        s.k = bound(s.k, 0, s.p);
        s.cons = bound(s.cons, 0, 10_000 * s.e);
        s.net = bound(s.net, 0, 10_000 * s.e);
        s.up = bound(s.up, 0, 10_000 * s.e);
        return (s, t);
    }

    // ------------------------------------------------------------------ tests

    function test_workedExample() public view {
        // reward-math.md §6, node 0.
        ScoreMath.Breakdown memory b =
            harness.breakdownOf(_word(Sums(150, 27, 3, 9, 10, 8000, 9000, 10_000, 1), 1, false), 10);
        assertEq(b.acceptance, 9000, "A");
        assertEq(b.consistency, 8000, "C");
        assertEq(b.success, 9000, "S");
        assertEq(b.quality, 8700, "Q");
        assertEq(b.participation, 10_000, "P");
        assertEq(b.network, 9000, "N");
        assertEq(b.uptime, 10_000, "U");
        assertEq(b.reliability, 9700, "R");
        assertEq(b.score, 61_033_500_000, "score");
        (uint256 score1,,) =
            harness.scoreOf(_word(Sums(100, 10, 10, 5, 10, 5000, 5000, 5000, 1), 1, false), 10);
        assertEq(score1, 27_500_000_000, "node 1 score");
        (uint256 score2, uint256 q2, uint256 r2) =
            harness.scoreOf(_word(Sums(200, 40, 0, 10, 10, 10_000, 10_000, 10_000, 1), 1, false), 10);
        assertEq(score2, 90_000_000_000, "node 2 score");
        assertEq(q2, 10_000, "node 2 Q");
        assertEq(r2, 10_000, "node 2 R");
    }

    function test_emptyRecord() public view {
        ScoreMath.Breakdown memory b = harness.breakdownOf(0, 0);
        _assertBreakdown(b, _spec(Sums(0, 0, 0, 0, 0, 0, 0, 0, 0), 0));
        assertEq(b.score, 0, "no compute, no score");
        assertEq(b.quality, 0, "Q");
    }

    function test_roundingDown() public view {
        // a / (a + j) = 2/3 -> 6666; cons / e = 20001 / 3 -> 6667; k / p = 1/3 -> 3333; p / T = 2/3 -> 6666.
        Sums memory s = Sums(7, 2, 1, 1, 3, 20_001, 10_000, 29_999, 3);
        ScoreMath.Breakdown memory b = harness.breakdownOf(_word(s, 3, false), 4);
        assertEq(b.acceptance, 6666, "A floors");
        assertEq(b.consistency, 6667, "C floors");
        assertEq(b.success, 3333, "S floors");
        assertEq(b.quality, uint256(5000 * 6666 + 3000 * 6667 + 2000 * 3333) / 10_000, "Q floors");
        assertEq(b.participation, 7500, "P");
        assertEq(b.uptime, 9999, "U floors");
        _assertBreakdown(b, _spec(s, 4));
    }

    function test_participationCappedAt10000() public view {
        ScoreMath.Breakdown memory b =
            harness.breakdownOf(_word(Sums(1, 0, 0, 0, 30, 0, 0, 0, 1), 0, false), 10);
        assertEq(b.participation, 10_000, "P = min(10000, 30000)");
    }

    /// @dev Any field values that fit the layout, against the page.
    function testFuzz_breakdownOf_anyFields(Sums memory s, uint256 t, uint256 ordinal, bool excluded)
        public
        view
    {
        s.c = bound(s.c, 0, 2 ** 40 - 1);
        s.a = bound(s.a, 0, 2 ** 27 - 1);
        s.j = bound(s.j, 0, 2 ** 27 - 1);
        s.k = bound(s.k, 0, 2 ** 27 - 1);
        s.p = bound(s.p, 0, 2 ** 27 - 1);
        s.cons = bound(s.cons, 0, 2 ** 27 - 1);
        s.net = bound(s.net, 0, 2 ** 27 - 1);
        s.up = bound(s.up, 0, 2 ** 27 - 1);
        s.e = bound(s.e, 0, 2 ** 13 - 1);
        ordinal = bound(ordinal, 0, 2 ** 13 - 1);
        t = bound(t, 0, 2 ** 32 - 1);
        uint256 record = _word(s, ordinal, excluded);
        _assertBreakdown(harness.breakdownOf(record, t), _spec(s, t));
    }

    /// @dev Reachable sums: every bps value within [0, 10000] and the score within its documented range.
    function testFuzz_breakdownOf_reachable(Sums memory s, uint256 t) public view {
        (s, t) = _reachable(s, t);
        ScoreMath.Breakdown memory b = harness.breakdownOf(_word(s, s.e, false), t);
        ScoreMath.Breakdown memory want = _spec(s, t);
        _assertBreakdown(b, want);
        assertLe(b.quality, 10_000, "Q <= 10000");
        assertLe(b.reliability, 10_000, "R <= 10000");
        assertLe(b.score, s.c * 15_000 * 30_000, "score <= c * 15000 * 30000");
        assertGe(b.score, s.c * 5000 * 20_000, "score >= c * 5000 * 20000");
        assertLt(b.score, 2 ** 69, "score fits 69 bits");
    }

    function testFuzz_scoreOf_matchesBreakdown(Sums memory s, uint256 t) public view {
        (s, t) = _reachable(s, t);
        uint256 record = _word(s, 1, false);
        ScoreMath.Breakdown memory want = _spec(s, t);
        (uint256 score, uint256 quality, uint256 reliability) = harness.scoreOf(record, t);
        assertEq(score, want.score, "score");
        assertEq(quality, want.quality, "Q");
        assertEq(reliability, want.reliability, "R");
    }

    /// @dev The bookkeeping bits (last epoch ordinal, excluded) never change a score.
    function testFuzz_scoreIgnoresBookkeepingBits(Sums memory s, uint256 t, uint256 ordinal) public view {
        (s, t) = _reachable(s, t);
        ordinal = bound(ordinal, 0, 2 ** 13 - 1);
        (uint256 plain,,) = harness.scoreOf(_word(s, 0, false), t);
        (uint256 marked,,) = harness.scoreOf(_word(s, ordinal, true), t);
        assertEq(marked, plain, "same score");
    }

    /// @dev More compute, everything else equal, never lowers the score (and scales it exactly).
    function testFuzz_scoreLinearInCompute(Sums memory s, uint256 t, uint256 extra) public view {
        (s, t) = _reachable(s, t);
        s.c = bound(s.c, 0, 2 ** 39);
        extra = bound(extra, 0, 2 ** 39 - 1);
        (uint256 base, uint256 q, uint256 r) = harness.scoreOf(_word(s, 0, false), t);
        s.c += extra;
        (uint256 more,,) = harness.scoreOf(_word(s, 0, false), t);
        assertEq(more - base, extra * (5000 + q) * (20_000 + r), "score is c * factor");
    }
}
