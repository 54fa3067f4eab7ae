// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {IGradPay} from "../../contracts/interfaces/IGradPay.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";

/// @notice An independent transcription of reward-math.md §3-§5 for the tests: its own 512-bit mulDiv
///         (schoolbook long division, not OZ's modular inverse), its own integer square root, its own
///         ranking. Nothing here reads the distributor's aggregates: only the §2 score views.
library RewardModel {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant WAD = 1e18;
    /// @dev The cap the contract reports when clipping is off.
    uint256 internal constant NO_CAP = type(uint72).max;

    /// @notice One eligible node's §2 values.
    struct Node {
        uint32 index;
        uint256 score;
        uint256 quality;
        uint256 reliability;
    }

    /// @notice What finalization should fix, per §3-§4.
    struct Basis {
        uint256 n;
        uint256 cap;
        uint256 sumScore;
        uint256 sumSquares;
        uint256 sumEffective;
        uint256 sumTierWeighted;
        uint256 sumQuality;
        uint256 sumReliability;
        uint256 top;
        uint256 mid;
    }

    // ------------------------------------------------------------------ arithmetic

    /// @notice floor(a * b / d) over the full 512-bit product; reverts when the result exceeds 256 bits.
    function mulDiv(uint256 a, uint256 b, uint256 d) internal pure returns (uint256 q) {
        require(d != 0, "RewardModel: division by zero");
        uint256 lo;
        uint256 hi;
        unchecked {
            lo = a * b;
            uint256 mm = mulmod(a, b, type(uint256).max);
            hi = mm - lo - (mm < lo ? 1 : 0);
        }
        if (hi == 0) return lo / d;
        require(hi < d, "RewardModel: mulDiv overflow");
        if (d <= type(uint128).max) {
            // Schoolbook division in base 2^128: every partial dividend r * 2^128 + limb fits in 256 bits
            // because the remainder r < d < 2^128.
            uint256 x = (hi << 128) | (lo >> 128);
            uint256 q1 = x / d;
            x = ((x % d) << 128) | (lo & type(uint128).max);
            return (q1 << 128) | (x / d);
        }
        // Otherwise long division of (hi, lo) by d, one bit of lo at a time; the remainder starts at hi < d.
        uint256 r = hi;
        for (uint256 i = 256; i > 0;) {
            unchecked {
                --i;
                bool carry = r >> 255 == 1;
                r = (r << 1) | ((lo >> i) & 1);
                q <<= 1;
                if (carry || r >= d) {
                    r -= d;
                    q |= 1;
                }
            }
        }
    }

    /// @notice floor(sqrt(x)), digit by digit.
    function isqrt(uint256 x) internal pure returns (uint256 res) {
        uint256 bit = 1 << 254;
        while (bit > x) bit >>= 2;
        while (bit != 0) {
            if (x >= res + bit) {
                x -= res + bit;
                res = (res >> 1) + bit;
            } else {
                res >>= 1;
            }
            bit >>= 2;
        }
    }

    // ------------------------------------------------------------------ §2 inputs and §4 rank

    /// @notice The session's eligible nodes in rank order (score desc, index asc), from the score views.
    function rankedNodes(IGradPay gradpay, uint64 sessionId) internal view returns (Node[] memory ranked) {
        uint32 nodeCount = gradpay.getSession(sessionId).nodeCount;
        IContributionTracker.NodeScore[] memory scores = gradpay.getScores(sessionId, 0, nodeCount);
        uint256 eligible;
        for (uint256 i; i < scores.length; ++i) {
            if (scores[i].eligible) ++eligible;
        }
        ranked = new Node[](eligible);
        uint256 filled;
        for (uint256 i; i < scores.length; ++i) {
            if (!scores[i].eligible) continue;
            ranked[filled++] =
                Node(scores[i].index, scores[i].score, scores[i].quality, scores[i].reliability);
        }
        sort(ranked);
    }

    /// @notice Sorts by (score desc, index asc).
    function sort(Node[] memory nodes) internal pure {
        for (uint256 i = 1; i < nodes.length; ++i) {
            Node memory current = nodes[i];
            uint256 j = i;
            while (j > 0 && _before(current, nodes[j - 1])) {
                nodes[j] = nodes[j - 1];
                --j;
            }
            nodes[j] = current;
        }
    }

    function _before(Node memory a, Node memory b) private pure returns (bool) {
        return a.score > b.score || (a.score == b.score && a.index < b.index);
    }

    function indices(Node[] memory ranked) internal pure returns (uint32[] memory out) {
        out = new uint32[](ranked.length);
        for (uint256 i; i < ranked.length; ++i) {
            out[i] = ranked[i].index;
        }
    }

    /// @notice Tier weight of rank `rank` among `n` (§4).
    function weightAt(uint256 rank, uint256 n) internal pure returns (uint256) {
        if (rank < (n * 5000 + BPS - 1) / BPS) return 3;
        if (rank < (n * 8000 + BPS - 1) / BPS) return 1;
        return 0;
    }

    // ------------------------------------------------------------------ §3 and the aggregates

    function capOf(uint256 n, uint256 sumScore, uint256 sumSquares, uint256 clipK)
        internal
        pure
        returns (uint256)
    {
        if (clipK == 0 || n == 0) return NO_CAP;
        uint256 variance = n * sumSquares - sumScore * sumScore;
        uint256 cap = (sumScore * WAD + clipK * isqrt(variance)) / (n * WAD);
        return cap > NO_CAP ? NO_CAP : cap;
    }

    function effective(Node memory node, uint256 cap) internal pure returns (uint256) {
        return node.score < cap ? node.score : cap;
    }

    function basisOf(Node[] memory ranked, uint256 clipK) internal pure returns (Basis memory b) {
        b.n = ranked.length;
        for (uint256 i; i < b.n; ++i) {
            b.sumScore += ranked[i].score;
            b.sumSquares += ranked[i].score * ranked[i].score;
            b.sumQuality += ranked[i].quality;
            b.sumReliability += ranked[i].reliability;
        }
        b.cap = capOf(b.n, b.sumScore, b.sumSquares, clipK);
        for (uint256 i; i < b.n; ++i) {
            uint256 s = effective(ranked[i], b.cap);
            b.sumEffective += s;
            b.sumTierWeighted += weightAt(i, b.n) * s;
        }
        b.top = (b.n * 5000 + BPS - 1) / BPS;
        b.mid = (b.n * 8000 + BPS - 1) / BPS;
    }

    // ------------------------------------------------------------------ §5

    /// @notice What each ranked node is paid by a pool of `amount`, in rank order.
    function payouts(
        Node[] memory ranked,
        uint256 clipK,
        IRewardDistributor.Strategy strategy,
        IRewardDistributor.PoolParams memory params,
        uint256 amount
    ) internal pure returns (uint256[] memory r) {
        Basis memory b = basisOf(ranked, clipK);
        r = new uint256[](b.n);
        if (b.n == 0) return r;
        if (strategy == IRewardDistributor.Strategy.Proportional) {
            for (uint256 i; i < b.n; ++i) {
                r[i] = mulDiv(amount, effective(ranked[i], b.cap), b.sumEffective);
            }
        } else if (strategy == IRewardDistributor.Strategy.Tiered) {
            uint256 base = mulDiv(amount, params.tierBaseBps, BPS);
            uint256 extra = amount - base;
            for (uint256 i; i < b.n; ++i) {
                uint256 s = effective(ranked[i], b.cap);
                r[i] =
                    mulDiv(base, s, b.sumEffective) + mulDiv(extra, weightAt(i, b.n) * s, b.sumTierWeighted);
            }
        } else if (strategy == IRewardDistributor.Strategy.MinimumGuarantee) {
            uint256 m = mulDiv(amount, params.floorBps, BPS * b.n);
            for (uint256 i; i < b.n; ++i) {
                r[i] = m + mulDiv(amount - b.n * m, effective(ranked[i], b.cap), b.sumEffective);
            }
        } else {
            uint256 f2 = b.sumQuality > 0 ? mulDiv(amount, params.qualityBps, BPS) : 0;
            uint256 f3 = b.sumReliability > 0 ? mulDiv(amount, params.reliabilityBps, BPS) : 0;
            uint256 f1 = amount - f2 - f3;
            for (uint256 i; i < b.n; ++i) {
                r[i] = mulDiv(f1, effective(ranked[i], b.cap), b.sumEffective);
                if (b.sumQuality > 0) r[i] += mulDiv(f2, ranked[i].quality, b.sumQuality);
                if (b.sumReliability > 0) r[i] += mulDiv(f3, ranked[i].reliability, b.sumReliability);
            }
        }
    }

    /// @notice The reward of the node with session index `index` (0 when it is not ranked).
    function rewardOfIndex(Node[] memory ranked, uint256[] memory rewards, uint32 index)
        internal
        pure
        returns (uint256)
    {
        for (uint256 i; i < ranked.length; ++i) {
            if (ranked[i].index == index) return rewards[i];
        }
        return 0;
    }

    function sum(uint256[] memory values) internal pure returns (uint256 total) {
        for (uint256 i; i < values.length; ++i) {
            total += values[i];
        }
    }
}
