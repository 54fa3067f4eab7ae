// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RecordPacking} from "./RecordPacking.sol";

/// @title ScoreMath
/// @notice reward-math.md §2: quality Q, reliability R and score from a node's packed sums.
/// @dev Every division rounds down, as the page says. No product can overflow: the inputs are at most
///      40 bits (c) or 27 bits (the other sums), so `unchecked` only drops checks that cannot fire.
library ScoreMath {
    using RecordPacking for uint256;

    uint256 internal constant BPS = 10_000;

    /// @notice The nine values of §2 for one node.
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

    /// @notice Q, R and score: what ranking and payouts need.
    function scoreOf(uint256 record, uint256 totalRounds)
        internal
        pure
        returns (uint256 score, uint256 quality, uint256 reliability)
    {
        Breakdown memory b = breakdownOf(record, totalRounds);
        return (b.score, b.quality, b.reliability);
    }

    /// @notice All of §2 for one node.
    function breakdownOf(uint256 record, uint256 totalRounds) internal pure returns (Breakdown memory b) {
        unchecked {
            uint256 a = record.accepted();
            uint256 submissions = a + record.rejected();
            uint256 e = record.epochs();
            uint256 p = record.roundsJoined();

            b.acceptance = submissions > 0 ? (BPS * a) / submissions : 0;
            b.consistency = e > 0 ? record.consistencySum() / e : 0;
            b.success = p > 0 ? (BPS * record.roundsOk()) / p : 0;
            b.quality = (5000 * b.acceptance + 3000 * b.consistency + 2000 * b.success) / BPS;

            if (totalRounds > 0) {
                uint256 participation = (BPS * p) / totalRounds;
                b.participation = participation < BPS ? participation : BPS;
            }
            b.network = e > 0 ? record.networkSum() / e : 0;
            b.uptime = e > 0 ? record.uptimeSum() / e : 0;
            b.reliability = (5000 * b.participation + 3000 * b.network + 2000 * b.uptime) / BPS;

            b.score = record.computeSeconds() * (5000 + b.quality) * (20_000 + b.reliability);
        }
    }
}
