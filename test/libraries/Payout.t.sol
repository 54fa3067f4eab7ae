// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ClipMath} from "../../contracts/libraries/ClipMath.sol";
import {Payout} from "../../contracts/libraries/Payout.sol";
import {RewardModel} from "../utils/RewardModel.sol";
import {Test} from "forge-std/Test.sol";

/// @notice reward-math.md §5, strategy by strategy, against formulas written here: plain integer math where
///         no product can reach 2^256 (pools below 2^128, scores below 2^69 as §2 bounds them), and the
///         test-side 512-bit mulDiv of RewardModel for pools up to 2^256 - 1.
contract PayoutTest is Test {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant MAX_SCORE = 2 ** 69 - 1;

    struct Set {
        uint256 n;
        uint256[] s; // effective scores, rank order
        uint256[] w; // tier weights
        uint256[] q;
        uint256[] r;
        uint256 sumS;
        uint256 sumW;
        uint256 sumQ;
        uint256 sumR;
    }

    /// @dev n eligible nodes with random scores in [1, maxScore], sorted into rank order, tier weights by rank.
    function _set(uint256 seed, uint256 n, uint256 maxScore) internal pure returns (Set memory set) {
        set.n = n;
        RewardModel.Node[] memory nodes = new RewardModel.Node[](n);
        for (uint256 i; i < n; ++i) {
            uint256 h = uint256(keccak256(abi.encode(seed, i)));
            // Mix small and large magnitudes so that both extremes are common.
            uint256 magnitude = (h >> 200) % 69;
            uint256 cap = maxScore >> (68 - magnitude);
            nodes[i] = RewardModel.Node(
                uint32(i), 1 + h % (cap == 0 ? 1 : cap), (h >> 80) % (BPS + 1), (h >> 120) % (BPS + 1)
            );
            if (h & 7 == 0) (nodes[i].quality, nodes[i].reliability) = (0, 0);
        }
        RewardModel.sort(nodes);
        set.s = new uint256[](n);
        set.w = new uint256[](n);
        set.q = new uint256[](n);
        set.r = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            set.s[i] = nodes[i].score;
            set.w[i] = RewardModel.weightAt(i, n);
            set.q[i] = nodes[i].quality;
            set.r[i] = nodes[i].reliability;
            set.sumS += set.s[i];
            set.sumW += set.w[i] * set.s[i];
            set.sumQ += set.q[i];
            set.sumR += set.r[i];
        }
    }

    function _checkTotals(uint256[] memory paid, uint256 pool, uint256 maxDustPerNode) internal pure {
        uint256 total = RewardModel.sum(paid);
        assertLe(total, pool, "sum paid <= F");
        assertLt(pool - total, maxDustPerNode * paid.length, "dust below its bound");
        assertLt(pool - total, 3 * paid.length, "dust < 3 n");
    }

    // ------------------------------------------------------------------ proportional

    function testFuzz_proportional_plainMath(uint256 pool, uint256 seed, uint256 n) public pure {
        pool = bound(pool, 1, type(uint128).max);
        Set memory set = _set(seed, bound(n, 1, 16), MAX_SCORE);
        uint256[] memory paid = new uint256[](set.n);
        for (uint256 i; i < set.n; ++i) {
            paid[i] = Payout.proportionalDown(pool, set.s[i], set.sumS);
            assertEq(paid[i], pool * set.s[i] / set.sumS, "floor(F * s' / S')");
        }
        _checkTotals(paid, pool, 1);
    }

    function testFuzz_proportional_hugePools(uint256 pool, uint256 seed, uint256 n) public pure {
        pool = bound(pool, 2 ** 200, type(uint256).max);
        Set memory set = _set(seed, bound(n, 1, 16), MAX_SCORE);
        uint256[] memory paid = new uint256[](set.n);
        for (uint256 i; i < set.n; ++i) {
            paid[i] = Payout.proportionalDown(pool, set.s[i], set.sumS);
            assertEq(paid[i], RewardModel.mulDiv(pool, set.s[i], set.sumS), "512-bit floor(F * s' / S')");
        }
        _checkTotals(paid, pool, 1);
    }

    function test_proportional_maxPool_exactThirds() public pure {
        uint256 pool = type(uint256).max; // 2^256 - 1 is divisible by 3
        assertEq(Payout.proportionalDown(pool, 1, 3), pool / 3, "one third");
        assertEq(Payout.proportionalDown(pool, 2, 3), pool / 3 * 2, "two thirds");
        assertEq(Payout.proportionalDown(pool, 1, 2), 2 ** 255 - 1, "half, rounded down");
        assertEq(Payout.proportionalDown(pool, MAX_SCORE, MAX_SCORE), pool, "sole node takes all");
    }

    // ------------------------------------------------------------------ tiered

    function _tiered(Set memory set, uint256 pool, uint256 baseBps)
        internal
        pure
        returns (uint256[] memory paid)
    {
        paid = new uint256[](set.n);
        for (uint256 i; i < set.n; ++i) {
            paid[i] = Payout.tieredDown(pool, baseBps, set.s[i], set.sumS, set.w[i], set.sumW);
        }
    }

    function testFuzz_tiered_plainMath(uint256 pool, uint256 baseBps, uint256 seed, uint256 n) public pure {
        pool = bound(pool, 1, type(uint128).max);
        baseBps = bound(baseBps, 0, BPS);
        Set memory set = _set(seed, bound(n, 1, 16), MAX_SCORE);
        uint256[] memory paid = _tiered(set, pool, baseBps);
        uint256 b = pool * baseBps / BPS;
        uint256 x = pool - b;
        for (uint256 i; i < set.n; ++i) {
            assertEq(paid[i], b * set.s[i] / set.sumS + x * set.w[i] * set.s[i] / set.sumW, "tiered");
        }
        _checkTotals(paid, pool, 2);
    }

    function testFuzz_tiered_hugePools(uint256 pool, uint256 baseBps, uint256 seed, uint256 n) public pure {
        pool = bound(pool, 2 ** 200, type(uint256).max);
        baseBps = bound(baseBps, 0, BPS);
        Set memory set = _set(seed, bound(n, 1, 16), MAX_SCORE);
        uint256[] memory paid = _tiered(set, pool, baseBps);
        uint256 b = RewardModel.mulDiv(pool, baseBps, BPS);
        uint256 x = pool - b;
        for (uint256 i; i < set.n; ++i) {
            uint256 expected = RewardModel.mulDiv(b, set.s[i], set.sumS)
                + RewardModel.mulDiv(x, set.w[i] * set.s[i], set.sumW);
            assertEq(paid[i], expected, "tiered, 512-bit");
        }
        _checkTotals(paid, pool, 2);
    }

    function test_tiered_weightsThreeOneZero() public pure {
        // Five equal scores: ranks 0-2 weight 3, rank 3 weight 1, rank 4 weight 0; W = 10 s.
        uint256 s = 7;
        uint256 pool = 10_000;
        // B = 8500, X = 1500: base share 1700 each, bonus 1500 * w / 10.
        assertEq(Payout.tieredDown(pool, 8500, s, 5 * s, 3, 10 * s), 1700 + 450, "tier 1");
        assertEq(Payout.tieredDown(pool, 8500, s, 5 * s, 1, 10 * s), 1700 + 150, "tier 2");
        assertEq(Payout.tieredDown(pool, 8500, s, 5 * s, 0, 10 * s), 1700, "tier 3");
    }

    // ------------------------------------------------------------------ minimum guarantee

    function _minimum(Set memory set, uint256 pool, uint256 floorBps)
        internal
        pure
        returns (uint256[] memory paid)
    {
        paid = new uint256[](set.n);
        for (uint256 i; i < set.n; ++i) {
            paid[i] = Payout.minimumGuaranteeDown(pool, floorBps, set.n, set.s[i], set.sumS);
        }
    }

    function testFuzz_minimumGuarantee_plainMath(uint256 pool, uint256 floorBps, uint256 seed, uint256 n)
        public
        pure
    {
        pool = bound(pool, 1, type(uint128).max);
        floorBps = bound(floorBps, 0, BPS);
        Set memory set = _set(seed, bound(n, 1, 16), MAX_SCORE);
        uint256[] memory paid = _minimum(set, pool, floorBps);
        uint256 m = pool * floorBps / (BPS * set.n);
        for (uint256 i; i < set.n; ++i) {
            assertEq(paid[i], m + (pool - set.n * m) * set.s[i] / set.sumS, "minimum guarantee");
            assertGe(paid[i], m, "everyone gets the floor");
        }
        _checkTotals(paid, pool, 1);
    }

    function testFuzz_minimumGuarantee_hugePools(uint256 pool, uint256 floorBps, uint256 seed, uint256 n)
        public
        pure
    {
        pool = bound(pool, 2 ** 200, type(uint256).max);
        floorBps = bound(floorBps, 0, BPS);
        Set memory set = _set(seed, bound(n, 1, 16), MAX_SCORE);
        uint256[] memory paid = _minimum(set, pool, floorBps);
        uint256 m = RewardModel.mulDiv(pool, floorBps, BPS * set.n);
        for (uint256 i; i < set.n; ++i) {
            assertEq(
                paid[i], m + RewardModel.mulDiv(pool - set.n * m, set.s[i], set.sumS), "minimum, 512-bit"
            );
        }
        _checkTotals(paid, pool, 1);
    }

    function test_minimumGuarantee_fullFloorIsEqualSplit() public pure {
        // floorBps = 10000: m = floor(F / n), the rest (< n) by score.
        assertEq(Payout.minimumGuaranteeDown(1000, BPS, 3, 1, 100), 333, "333 + floor(1 * 1 / 100)");
        assertEq(Payout.minimumGuaranteeDown(1000, BPS, 3, 99, 100), 333, "333 + floor(1 * 99 / 100)");
        assertEq(Payout.minimumGuaranteeDown(1000, BPS, 1, 5, 5), 1000, "a single node takes all");
    }

    // ------------------------------------------------------------------ hybrid

    function _hybrid(Set memory set, uint256 pool, uint256 qBps, uint256 rBps)
        internal
        pure
        returns (uint256[] memory paid)
    {
        Payout.HybridShares memory shares = Payout.hybridSharesDown(pool, qBps, rBps, set.sumQ, set.sumR);
        assertEq(shares.scoreShare + shares.qualityShare + shares.reliabilityShare, pool, "F1 + F2 + F3 = F");
        paid = new uint256[](set.n);
        for (uint256 i; i < set.n; ++i) {
            paid[i] = Payout.hybridDown(shares, set.s[i], set.sumS, set.q[i], set.sumQ, set.r[i], set.sumR);
        }
    }

    function _hybridWeights(uint256 qBps, uint256 rBps) internal pure returns (uint256, uint256) {
        qBps = bound(qBps, 0, BPS);
        rBps = bound(rBps, 0, BPS - qBps);
        return (qBps, rBps);
    }

    function testFuzz_hybrid_plainMath(uint256 pool, uint256 qBps, uint256 rBps, uint256 seed, uint256 n)
        public
        pure
    {
        pool = bound(pool, 1, type(uint128).max);
        (qBps, rBps) = _hybridWeights(qBps, rBps);
        Set memory set = _set(seed, bound(n, 1, 16), MAX_SCORE);
        uint256[] memory paid = _hybrid(set, pool, qBps, rBps);
        uint256 f2 = set.sumQ > 0 ? pool * qBps / BPS : 0;
        uint256 f3 = set.sumR > 0 ? pool * rBps / BPS : 0;
        uint256 f1 = pool - f2 - f3;
        for (uint256 i; i < set.n; ++i) {
            uint256 expected = f1 * set.s[i] / set.sumS;
            if (set.sumQ > 0) expected += f2 * set.q[i] / set.sumQ;
            if (set.sumR > 0) expected += f3 * set.r[i] / set.sumR;
            assertEq(paid[i], expected, "hybrid");
        }
        _checkTotals(paid, pool, 3);
    }

    function testFuzz_hybrid_hugePools(uint256 pool, uint256 qBps, uint256 rBps, uint256 seed, uint256 n)
        public
        pure
    {
        pool = bound(pool, 2 ** 200, type(uint256).max);
        (qBps, rBps) = _hybridWeights(qBps, rBps);
        Set memory set = _set(seed, bound(n, 1, 16), MAX_SCORE);
        uint256[] memory paid = _hybrid(set, pool, qBps, rBps);
        uint256 f2 = set.sumQ > 0 ? RewardModel.mulDiv(pool, qBps, BPS) : 0;
        uint256 f3 = set.sumR > 0 ? RewardModel.mulDiv(pool, rBps, BPS) : 0;
        uint256 f1 = pool - f2 - f3;
        for (uint256 i; i < set.n; ++i) {
            uint256 expected = RewardModel.mulDiv(f1, set.s[i], set.sumS);
            if (set.sumQ > 0) expected += RewardModel.mulDiv(f2, set.q[i], set.sumQ);
            if (set.sumR > 0) expected += RewardModel.mulDiv(f3, set.r[i], set.sumR);
            assertEq(paid[i], expected, "hybrid, 512-bit");
        }
        _checkTotals(paid, pool, 3);
    }

    function test_hybrid_unearnableSharesGoToScore() public pure {
        // QS = RS = 0: F2 = F3 = 0, the whole pool is split by score.
        Payout.HybridShares memory shares = Payout.hybridSharesDown(1000, 2000, 1000, 0, 0);
        assertEq(shares.scoreShare, 1000, "F1 = F");
        assertEq(shares.qualityShare, 0, "F2 = 0");
        assertEq(shares.reliabilityShare, 0, "F3 = 0");
        assertEq(Payout.hybridDown(shares, 1, 4, 0, 0, 0, 0), 250, "score share only");
        // QS > 0 only.
        shares = Payout.hybridSharesDown(1000, 2000, 1000, 5, 0);
        assertEq(shares.qualityShare, 200, "F2");
        assertEq(shares.reliabilityShare, 0, "F3 unearnable");
        assertEq(shares.scoreShare, 800, "F1 takes F3");
    }

    // ------------------------------------------------------------------ the test-side model itself

    function testFuzz_modelMulDiv_matchesPlainMath(uint128 a, uint128 b, uint256 d) public pure {
        d = bound(d, 1, type(uint256).max);
        assertEq(RewardModel.mulDiv(a, b, d), uint256(a) * b / d, "model mulDiv = plain math");
    }

    function testFuzz_modelMulDiv_inverts(uint256 a, uint256 b) public pure {
        b = bound(b, 1, type(uint256).max);
        // floor(a * b / b) = a for any a, b: the 512-bit path must be exact.
        assertEq(RewardModel.mulDiv(a, b, b), a, "a * b / b");
        assertEq(RewardModel.mulDiv(b, a, b), a, "b * a / b");
    }

    /// @dev The base-2^128 path (d < 2^128) and the bit-by-bit path agree with the defining identity
    ///      q * d + r = a * b, r < d, checked in 512 bits with mulmod.
    function testFuzz_modelMulDiv_identity(uint256 a, uint256 b, uint256 d, bool smallDivisor) public pure {
        d = bound(d, 1, smallDivisor ? type(uint128).max : type(uint256).max);
        // a < d keeps the quotient within 256 bits (a * b < d * 2^256).
        a = bound(a, 0, d - 1);
        uint256 lo;
        uint256 hi;
        unchecked {
            lo = a * b;
            uint256 mm = mulmod(a, b, type(uint256).max);
            hi = mm - lo - (mm < lo ? 1 : 0);
        }
        uint256 q = RewardModel.mulDiv(a, b, d);
        uint256 r = mulmod(a, b, d);
        // q * d + r == a * b (mod 2^256) and the high halves match too.
        unchecked {
            assertEq(q * d + r, lo, "low half of q * d + r");
        }
        uint256 qdLo;
        uint256 qdHi;
        unchecked {
            qdLo = q * d;
            uint256 mm = mulmod(q, d, type(uint256).max);
            qdHi = mm - qdLo - (mm < qdLo ? 1 : 0);
        }
        uint256 carry;
        unchecked {
            carry = qdLo + r < qdLo ? 1 : 0;
        }
        assertEq(qdHi + carry, hi, "high half of q * d + r");
    }

    function test_modelMulDiv_knownValues() public pure {
        uint256 max = type(uint256).max;
        assertEq(RewardModel.mulDiv(max, max, max), max, "max * max / max");
        assertEq(RewardModel.mulDiv(max, 2, 4), max / 2, "(2^256 - 1) / 2");
        assertEq(RewardModel.mulDiv(2 ** 255, 2 ** 255, 2 ** 255), 2 ** 255, "2^510 / 2^255");
        assertEq(RewardModel.mulDiv(max, max - 1, max), max - 1, "max * (max - 1) / max");
    }

    function testFuzz_modelIsqrt(uint256 x) public pure {
        uint256 r = RewardModel.isqrt(x);
        assertLe(r * r, x, "r^2 <= x");
        if (r < type(uint128).max) assertGt((r + 1) * (r + 1), x, "(r + 1)^2 > x");
    }

    // ------------------------------------------------------------------ clip cap (§3)

    function testFuzz_clipCap_matchesFormula(uint256 seed, uint256 n, uint64 clipK) public pure {
        Set memory set = _set(seed, bound(n, 1, 16), MAX_SCORE);
        uint256 sq;
        for (uint256 i; i < set.n; ++i) {
            sq += set.s[i] * set.s[i];
        }
        uint256 expected =
            (set.sumS * 1e18 + uint256(clipK) * RewardModel.isqrt(set.n * sq - set.sumS * set.sumS))
                / (set.n * 1e18);
        assertEq(ClipMath.capDown(set.n, set.sumS, sq, clipK), expected, "cap = mean + clipK sigma");
        assertGe(expected, set.sumS / set.n, "cap >= mean");
    }
}
