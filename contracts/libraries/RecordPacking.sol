// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title RecordPacking
/// @notice The one-slot layout of a node's running sums, and the one-word layout of a batch entry.
/// @dev Record, least significant bit first:
///      c 40 | a 27 | j 27 | k 27 | p 27 | cons 27 | net 27 | up 27 | e 13 | lastEpochOrdinal 13 | excluded 1.
///      The widths follow from the session limits: at most 8,191 epochs (so e, the ordinal and each bps
///      sum <= 10,000 * 8,191 < 2^27 cannot overflow), T < 2^27 rounds (so k <= p <= T cannot either);
///      only c, a and j can outgrow their fields, and those are checked on every entry.
library RecordPacking {
    uint256 internal constant C_BITS = 40;
    uint256 internal constant SUM_BITS = 27;
    uint256 internal constant EPOCH_BITS = 13;

    uint256 internal constant A_SHIFT = 40;
    uint256 internal constant J_SHIFT = 67;
    uint256 internal constant K_SHIFT = 94;
    uint256 internal constant P_SHIFT = 121;
    uint256 internal constant CONS_SHIFT = 148;
    uint256 internal constant NET_SHIFT = 175;
    uint256 internal constant UP_SHIFT = 202;
    uint256 internal constant E_SHIFT = 229;
    uint256 internal constant ORDINAL_SHIFT = 242;
    uint256 internal constant EXCLUDED_SHIFT = 255;

    uint256 internal constant C_MASK = type(uint40).max;
    uint256 internal constant SUM_MASK = type(uint256).max >> (256 - SUM_BITS);
    uint256 internal constant EPOCH_MASK = type(uint256).max >> (256 - EPOCH_BITS);
    uint256 internal constant ORDINAL_FIELD = EPOCH_MASK << ORDINAL_SHIFT;
    uint256 internal constant EXCLUDED_BIT = 1 << EXCLUDED_SHIFT;

    /// @dev Largest value each stored sum can reach.
    uint256 internal constant MAX_COMPUTE_SECONDS = C_MASK;
    uint256 internal constant MAX_SUBMISSIONS = SUM_MASK;
    uint256 internal constant MAX_TOTAL_ROUNDS = SUM_MASK;
    uint256 internal constant MAX_EPOCHS = EPOCH_MASK;

    function computeSeconds(uint256 record) internal pure returns (uint256) {
        return record & C_MASK;
    }

    function accepted(uint256 record) internal pure returns (uint256) {
        return (record >> A_SHIFT) & SUM_MASK;
    }

    function rejected(uint256 record) internal pure returns (uint256) {
        return (record >> J_SHIFT) & SUM_MASK;
    }

    function roundsOk(uint256 record) internal pure returns (uint256) {
        return (record >> K_SHIFT) & SUM_MASK;
    }

    function roundsJoined(uint256 record) internal pure returns (uint256) {
        return (record >> P_SHIFT) & SUM_MASK;
    }

    function consistencySum(uint256 record) internal pure returns (uint256) {
        return (record >> CONS_SHIFT) & SUM_MASK;
    }

    function networkSum(uint256 record) internal pure returns (uint256) {
        return (record >> NET_SHIFT) & SUM_MASK;
    }

    function uptimeSum(uint256 record) internal pure returns (uint256) {
        return (record >> UP_SHIFT) & SUM_MASK;
    }

    function epochs(uint256 record) internal pure returns (uint256) {
        return (record >> E_SHIFT) & EPOCH_MASK;
    }

    function lastEpochOrdinal(uint256 record) internal pure returns (uint256) {
        return (record >> ORDINAL_SHIFT) & EPOCH_MASK;
    }

    function isExcluded(uint256 record) internal pure returns (bool) {
        return record & EXCLUDED_BIT != 0;
    }

    /// @dev reward-math.md §2: eligible when c > 0 and not excluded.
    function isEligible(uint256 record) internal pure returns (bool) {
        return record & C_MASK != 0 && record & EXCLUDED_BIT == 0;
    }

    // ---------------------------------------------------------------- entries

    uint256 internal constant U32 = type(uint32).max;
    uint256 internal constant U16 = type(uint16).max;

    /// @dev Entry word, least significant bit first: nodeIndex 32 | computeSeconds 32 | accepted 32 |
    ///      rejected 32 | roundsOk 32 | roundsJoined 32 | consistencyBps 16 | networkBps 16 |
    ///      uptimeBps 16 | reserved 16 (must be zero).
    function entryNodeIndex(uint256 entry) internal pure returns (uint32) {
        return uint32(entry);
    }

    /// @dev The entry's addition to a record: every summed field moved to its place, and e + 1.
    ///      Precondition (checked by the tracker before it adds the word): each field's new sum fits its
    ///      record field, i.e. c, a, j by explicit checks and k, p, the bps sums and e by the session
    ///      limits. An entry outside that (e.g. accepted >= 2^27) spills into the next field: this word
    ///      is only meaningful together with those checks.
    function entryDelta(uint256 entry) internal pure returns (uint256 delta) {
        delta = ((entry >> 32) & U32) | (((entry >> 64) & U32) << A_SHIFT)
            | (((entry >> 96) & U32) << J_SHIFT) | (((entry >> 128) & U32) << K_SHIFT)
            | (((entry >> 160) & U32) << P_SHIFT) | (((entry >> 192) & U16) << CONS_SHIFT)
            | (((entry >> 208) & U16) << NET_SHIFT) | (((entry >> 224) & U16) << UP_SHIFT) | (1 << E_SHIFT);
    }

    function pack(
        uint32 nodeIndex,
        uint32 computeSeconds_,
        uint32 accepted_,
        uint32 rejected_,
        uint32 roundsOk_,
        uint32 roundsJoined_,
        uint16 consistencyBps,
        uint16 networkBps,
        uint16 uptimeBps
    ) internal pure returns (uint256) {
        return uint256(nodeIndex) | (uint256(computeSeconds_) << 32) | (uint256(accepted_) << 64)
            | (uint256(rejected_) << 96) | (uint256(roundsOk_) << 128) | (uint256(roundsJoined_) << 160)
            | (uint256(consistencyBps) << 192) | (uint256(networkBps) << 208) | (uint256(uptimeBps) << 224);
    }
}
