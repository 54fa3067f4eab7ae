// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BPS} from "./Bps.sol";
import {
    RECORD_A_SHIFT,
    RECORD_CONS_SHIFT,
    RECORD_C_MASK,
    RECORD_EPOCH_MASK,
    RECORD_E_SHIFT,
    RECORD_J_SHIFT,
    RECORD_K_SHIFT,
    RECORD_NET_SHIFT,
    RECORD_P_SHIFT,
    RECORD_SUM_MASK,
    RECORD_UP_SHIFT,
    RecordPacking
} from "./RecordPacking.sol";

/// @title ScoreMath
/// @notice reward-math.md §2: quality Q, reliability R and score from a node's packed sums.
/// @dev Every division rounds down, as the page says. No product can overflow: the inputs are at most
///      40 bits (c) or 27 bits (the other sums), so `unchecked` only drops checks that cannot fire.
///      Everything stays on the stack: finalization calls `scoreOf` once per ranked node.
library ScoreMath {
    using RecordPacking for uint256;

    /// @dev §2's weights, in bps: Q = 50 % A + 30 % C + 20 % S, R = 50 % P + 30 % N + 20 % U, and the
    ///      score's offsets c (5000 + Q) (20000 + R). Literals, so that `scoreOf`'s assembly can name them.
    uint256 internal constant MAJOR_WEIGHT = 5000;
    uint256 internal constant MIDDLE_WEIGHT = 3000;
    uint256 internal constant MINOR_WEIGHT = 2000;
    uint256 internal constant QUALITY_OFFSET = 5000;
    uint256 internal constant RELIABILITY_OFFSET = 20_000;

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
    ///      helpers below (which the views use), the fields unpacked by RecordPacking's layout constants.
    ///      DIV by zero yields 0 in the EVM, which is exactly §2's "0 when the divisor is 0".
    function scoreOf(uint256 record, uint256 totalRounds)
        internal
        pure
        returns (uint256 score, uint256 quality, uint256 reliability)
    {
        assembly ("memory-safe") {
            let e := and(shr(RECORD_E_SHIFT, record), RECORD_EPOCH_MASK)
            let a := and(shr(RECORD_A_SHIFT, record), RECORD_SUM_MASK)
            let p := and(shr(RECORD_P_SHIFT, record), RECORD_SUM_MASK)
            // A = BPS a / (a + j), C = cons / e, S = BPS k / p
            let acceptance := div(mul(BPS, a), add(a, and(shr(RECORD_J_SHIFT, record), RECORD_SUM_MASK)))
            let consistency := div(and(shr(RECORD_CONS_SHIFT, record), RECORD_SUM_MASK), e)
            let success := div(mul(BPS, and(shr(RECORD_K_SHIFT, record), RECORD_SUM_MASK)), p)
            quality := div(
                add(
                    add(mul(MAJOR_WEIGHT, acceptance), mul(MIDDLE_WEIGHT, consistency)),
                    mul(MINOR_WEIGHT, success)
                ),
                BPS
            )
            // P = min(BPS, BPS p / T), N = net / e, U = up / e
            let participation := div(mul(BPS, p), totalRounds)
            if gt(participation, BPS) { participation := BPS }
            let network := div(and(shr(RECORD_NET_SHIFT, record), RECORD_SUM_MASK), e)
            let uptime := div(and(shr(RECORD_UP_SHIFT, record), RECORD_SUM_MASK), e)
            reliability := div(
                add(
                    add(mul(MAJOR_WEIGHT, participation), mul(MIDDLE_WEIGHT, network)),
                    mul(MINOR_WEIGHT, uptime)
                ),
                BPS
            )
            // score = c (QUALITY_OFFSET + Q) (RELIABILITY_OFFSET + R)
            score := mul(
                mul(and(record, RECORD_C_MASK), add(QUALITY_OFFSET, quality)),
                add(RELIABILITY_OFFSET, reliability)
            )
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
            return (MAJOR_WEIGHT * acceptance + MIDDLE_WEIGHT * consistency + MINOR_WEIGHT * success) / BPS;
        }
    }

    /// @notice R = floor((5000 P + 3000 N + 2000 U) / 10000).
    function reliabilityOf(uint256 participation, uint256 network, uint256 uptime)
        internal
        pure
        returns (uint256)
    {
        unchecked {
            return (MAJOR_WEIGHT * participation + MIDDLE_WEIGHT * network + MINOR_WEIGHT * uptime) / BPS;
        }
    }

    /// @notice score = c * (5000 + Q) * (20000 + R).
    function scoreFrom(uint256 computeSeconds, uint256 quality, uint256 reliability)
        internal
        pure
        returns (uint256)
    {
        unchecked {
            return computeSeconds * (QUALITY_OFFSET + quality) * (RELIABILITY_OFFSET + reliability);
        }
    }
}
