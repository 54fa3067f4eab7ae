// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RecordPacking} from "./RecordPacking.sol";

/// @title ScoreMath
/// @notice reward-math.md §2: quality Q, reliability R and score from a node's packed sums.
/// @dev Every division rounds down, as the page says. No product can overflow: the inputs are at most
///      40 bits (c) or 27 bits (the other sums), so `unchecked` only drops checks that cannot fire.
///      Everything stays on the stack: finalization calls `scoreOf` once per ranked node.
library ScoreMath {
    using RecordPacking for uint256;

    uint256 internal constant BPS = 10_000;

    /// @notice The nine values of §2 for one node (for views).
    struct Breakdown {
        uint256 acceptance;
        uint256 consistency;
        uint256 success;
        uint256 quality;
        uint256 participation;
        uint256 network;
        uint256 uptime;
        uint256 reliability;
        uint256 score;
    }

    /// @notice score, Q and R: what ranking and payouts need.
    /// @dev The hot path of finalization and claims, so one assembly block: the same formulas as the
    ///      helpers below (which the views use), with the record fields unpacked by RecordPacking's
    ///      layout. DIV by zero yields 0 in the EVM, which is exactly §2's "0 when the divisor is 0".
    function scoreOf(uint256 record, uint256 totalRounds)
        internal
        pure
        returns (uint256 score, uint256 quality, uint256 reliability)
    {
        assembly ("memory-safe") {
            let sumMask := 0x7ffffff // 27 bits
            let e := and(shr(229, record), 0x1fff)
            let a := and(shr(40, record), sumMask)
            let p := and(shr(121, record), sumMask)
            // A = 10000 a / (a + j), C = cons / e, S = 10000 k / p
            let acceptance := div(mul(10000, a), add(a, and(shr(67, record), sumMask)))
            let consistency := div(and(shr(148, record), sumMask), e)
            let success := div(mul(10000, and(shr(94, record), sumMask)), p)
            quality := div(add(add(mul(5000, acceptance), mul(3000, consistency)), mul(2000, success)), 10000)
            // P = min(10000, 10000 p / T), N = net / e, U = up / e
            let participation := div(mul(10000, p), totalRounds)
            if gt(participation, 10000) { participation := 10000 }
            let network := div(and(shr(175, record), sumMask), e)
            let uptime := div(and(shr(202, record), sumMask), e)
            reliability := div(
                add(add(mul(5000, participation), mul(3000, network)), mul(2000, uptime)),
                10000
            )
            // score = c (5000 + Q) (20000 + R)
            score := mul(mul(and(record, 0xffffffffff), add(5000, quality)), add(20000, reliability))
        }
    }

    /// @notice All of §2 for one node.
    function breakdownOf(uint256 record, uint256 totalRounds) internal pure returns (Breakdown memory b) {
        uint256 e = record.epochs();
        b.acceptance = acceptanceOf(record);
        b.consistency = meanOf(record.consistencySum(), e);
        b.success = successOf(record);
        b.quality = qualityOf(b.acceptance, b.consistency, b.success);
        b.participation = participationOf(record, totalRounds);
        b.network = meanOf(record.networkSum(), e);
        b.uptime = meanOf(record.uptimeSum(), e);
        b.reliability = reliabilityOf(b.participation, b.network, b.uptime);
        b.score = scoreFrom(record.computeSeconds(), b.quality, b.reliability);
    }

    /// @notice A = floor(10000 * a / (a + j)), 0 without submissions.
    function acceptanceOf(uint256 record) internal pure returns (uint256) {
        unchecked {
            uint256 a = record.accepted();
            uint256 submissions = a + record.rejected();
            return submissions > 0 ? (BPS * a) / submissions : 0;
        }
    }

    /// @notice S = floor(10000 * k / p), 0 without rounds joined.
    function successOf(uint256 record) internal pure returns (uint256) {
        unchecked {
            uint256 p = record.roundsJoined();
            return p > 0 ? (BPS * record.roundsOk()) / p : 0;
        }
    }

    /// @notice P = min(10000, floor(10000 * p / T)), 0 when T = 0.
    function participationOf(uint256 record, uint256 totalRounds) internal pure returns (uint256) {
        if (totalRounds == 0) return 0;
        unchecked {
            uint256 participation = (BPS * record.roundsJoined()) / totalRounds;
            return participation < BPS ? participation : BPS;
        }
    }

    /// @notice C, N, U: floor(sum / e), 0 when e = 0.
    function meanOf(uint256 sum, uint256 epochs) internal pure returns (uint256) {
        unchecked {
            return epochs > 0 ? sum / epochs : 0;
        }
    }

    /// @notice Q = floor((5000 A + 3000 C + 2000 S) / 10000).
    function qualityOf(uint256 acceptance, uint256 consistency, uint256 success)
        internal
        pure
        returns (uint256)
    {
        unchecked {
            return (5000 * acceptance + 3000 * consistency + 2000 * success) / BPS;
        }
    }

    /// @notice R = floor((5000 P + 3000 N + 2000 U) / 10000).
    function reliabilityOf(uint256 participation, uint256 network, uint256 uptime)
        internal
        pure
        returns (uint256)
    {
        unchecked {
            return (5000 * participation + 3000 * network + 2000 * uptime) / BPS;
        }
    }

    /// @notice score = c * (5000 + Q) * (20000 + R).
    function scoreFrom(uint256 computeSeconds, uint256 quality, uint256 reliability)
        internal
        pure
        returns (uint256)
    {
        unchecked {
            return computeSeconds * (5000 + quality) * (20_000 + reliability);
        }
    }
}
