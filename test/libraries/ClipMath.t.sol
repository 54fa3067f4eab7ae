// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ClipMath} from "../../contracts/libraries/ClipMath.sol";
import {Test} from "forge-std/Test.sol";

/// @dev Exposes the internal library function to the test.
contract ClipMathHarness {
    function capDown(uint256 n, uint256 sumScore, uint256 sumScoreSquared, uint256 clipK)
        external
        pure
        returns (uint256)
    {
        return ClipMath.capDown(n, sumScore, sumScoreSquared, clipK);
    }
}

/// @notice ClipMath against reward-math.md §3 written out here, with its own integer square root.
contract ClipMathTest is Test {
    ClipMathHarness internal harness;

    /// @dev Largest score §2 allows: c < 2^40 times 15000 * 30000.
    uint256 internal constant MAX_SCORE = (2 ** 40 - 1) * 15_000 * 30_000;

    function setUp() public {
        harness = new ClipMathHarness();
    }

    /// @dev Floor square root, digit by digit (base 4): independent of the library's Newton iteration.
    function _isqrt(uint256 x) internal pure returns (uint256 root) {
        uint256 bit = 1 << 254;
        while (bit > x) bit >>= 2;
        while (bit != 0) {
            if (x >= root + bit) {
                x -= root + bit;
                root = (root >> 1) + bit;
            } else {
                root >>= 1;
            }
            bit >>= 2;
        }
    }

    /// @dev §3: cap = floor((SUM * 1e18 + clipK * isqrt(n * SQ - SUM^2)) / (n * 1e18)).
    function _spec(uint256 n, uint256 sum, uint256 sq, uint256 clipK) internal pure returns (uint256) {
        uint256 v = n * sq - sum * sum;
        return (sum * 1e18 + clipK * _isqrt(v)) / (n * 1e18);
    }

    function _totals(uint256[] memory scores) internal pure returns (uint256 sum, uint256 sq) {
        for (uint256 i; i < scores.length; ++i) {
            sum += scores[i];
            sq += scores[i] * scores[i];
        }
    }

    // ------------------------------------------------------------------ the reference square root

    function testFuzz_isqrtReference(uint256 x) public pure {
        uint256 r = _isqrt(x);
        assertLe(r * r, x, "r^2 <= x");
        if (r < type(uint128).max) assertGt((r + 1) * (r + 1), x, "(r+1)^2 > x");
    }

    // ------------------------------------------------------------------ capDown

    function test_workedExample() public view {
        // reward-math.md §6 scores; clipK = 1e18 caps node 2 (90e9) at mean + sigma.
        uint256[] memory scores = new uint256[](3);
        (scores[0], scores[1], scores[2]) = (61_033_500_000, 27_500_000_000, 90_000_000_000);
        (uint256 sum, uint256 sq) = _totals(scores);
        assertEq(harness.capDown(3, sum, sq, 1e18), 85_049_381_483, "cap at k = 1");
        assertEq(harness.capDown(3, sum, sq, 5e17), 72_280_274_075, "cap at k = 0.5");
        assertEq(harness.capDown(3, sum, sq, 2e18), 110_587_596_300, "cap at k = 2");
        assertEq(harness.capDown(3, sum, sq, 0), sum / 3, "k = 0: the floored mean");
    }

    function test_equalScoresCapAtTheScore() public view {
        assertEq(harness.capDown(5, 5 * 1234, 5 * 1234 * 1234, 3e18), 1234, "no spread");
        assertEq(
            harness.capDown(1, MAX_SCORE, MAX_SCORE * MAX_SCORE, type(uint64).max), MAX_SCORE, "one node"
        );
    }

    /// @dev Totals of an actual list of scores (so n * SQ >= SUM^2), against the page.
    function testFuzz_capDown_fromScores(uint256[] memory scores, uint64 clipK) public view {
        vm.assume(scores.length > 0);
        if (scores.length > 40) {
            assembly ("memory-safe") {
                mstore(scores, 40)
            }
        }
        for (uint256 i; i < scores.length; ++i) {
            scores[i] = bound(scores[i], 1, MAX_SCORE);
        }
        (uint256 sum, uint256 sq) = _totals(scores);
        uint256 n = scores.length;
        uint256 cap = harness.capDown(n, sum, sq, clipK);
        assertEq(cap, _spec(n, sum, sq, clipK), "cap");
        assertGe(cap, sum / n, "cap >= floored mean");
    }

    /// @dev Arbitrary totals inside the documented input bounds (SUM < 2^128, SQ < 2^224, n < 2^24).
    function testFuzz_capDown_anyConsistentTotals(uint256 n, uint256 sum, uint256 sq, uint64 clipK)
        public
        view
    {
        n = bound(n, 1, 2 ** 24 - 1);
        // SUM small enough that some SQ < 2^224 is consistent with it.
        uint256 maxSum = _isqrt(n * (2 ** 224 - 1));
        sum = bound(sum, 0, maxSum < 2 ** 128 - 1 ? maxSum : 2 ** 128 - 1);
        // Cauchy-Schwarz: any real list of n scores has n * SQ >= SUM^2.
        uint256 minSq = (sum * sum + n - 1) / n;
        sq = bound(sq, minSq, 2 ** 224 - 1);
        assertEq(harness.capDown(n, sum, sq, clipK), _spec(n, sum, sq, clipK), "cap");
    }

    /// @dev Inconsistent totals (n * SQ < SUM^2) are taken as zero variance: the cap is the floored mean.
    function testFuzz_capDown_negativeVarianceIsZero(uint256 n, uint256 sum, uint256 sq, uint64 clipK)
        public
        view
    {
        n = bound(n, 1, 2 ** 24 - 1);
        sum = bound(sum, 1, 2 ** 128 - 1);
        uint256 maxSq = (sum * sum - 1) / n; // n * sq < sum^2
        sq = bound(sq, 0, maxSq);
        assertEq(harness.capDown(n, sum, sq, clipK), (sum * 1e18) / (n * 1e18), "floored mean");
    }

    function testFuzz_capDown_monotoneInClipK(uint256[] memory scores, uint64 k1, uint64 k2) public view {
        vm.assume(scores.length > 1);
        if (scores.length > 20) {
            assembly ("memory-safe") {
                mstore(scores, 20)
            }
        }
        for (uint256 i; i < scores.length; ++i) {
            scores[i] = bound(scores[i], 1, MAX_SCORE);
        }
        (uint256 sum, uint256 sq) = _totals(scores);
        if (k1 > k2) (k1, k2) = (k2, k1);
        assertLe(
            harness.capDown(scores.length, sum, sq, k1),
            harness.capDown(scores.length, sum, sq, k2),
            "monotone"
        );
    }
}
