// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// The record and entry layouts, least significant bit first. File-level literals: inline assembly can
// name only direct number constants, and only ones in its own scope or at file level, so the hot paths
// (`ScoreMath.scoreOf`, the tracker's entry check) import these instead of copying the numbers.

// Record: c 40 | a 27 | j 27 | k 27 | p 27 | cons 27 | net 27 | up 27 | e 13 | lastEpochOrdinal 13 | excluded 1.
uint256 constant RECORD_A_SHIFT = 40;
uint256 constant RECORD_J_SHIFT = 67;
uint256 constant RECORD_K_SHIFT = 94;
uint256 constant RECORD_P_SHIFT = 121;
uint256 constant RECORD_CONS_SHIFT = 148;
uint256 constant RECORD_NET_SHIFT = 175;
uint256 constant RECORD_UP_SHIFT = 202;
uint256 constant RECORD_E_SHIFT = 229;
uint256 constant RECORD_ORDINAL_SHIFT = 242;
uint256 constant RECORD_EXCLUDED_SHIFT = 255;
/// @dev c: 40 bits.
uint256 constant RECORD_C_MASK = 0xffffffffff;
/// @dev a, j, k, p and the bps sums: 27 bits.
uint256 constant RECORD_SUM_MASK = 0x7ffffff;
/// @dev e and the ordinal: 13 bits.
uint256 constant RECORD_EPOCH_MASK = 0x1fff;

// Entry: nodeIndex 32 | computeSeconds 32 | accepted 32 | rejected 32 | roundsOk 32 | roundsJoined 32 |
// consistencyBps 16 | networkBps 16 | uptimeBps 16 | reserved 16 (must be zero).
uint256 constant ENTRY_COMPUTE_SHIFT = 32;
uint256 constant ENTRY_ACCEPTED_SHIFT = 64;
uint256 constant ENTRY_REJECTED_SHIFT = 96;
uint256 constant ENTRY_ROUNDS_OK_SHIFT = 128;
uint256 constant ENTRY_ROUNDS_JOINED_SHIFT = 160;
uint256 constant ENTRY_CONSISTENCY_SHIFT = 192;
uint256 constant ENTRY_NETWORK_SHIFT = 208;
uint256 constant ENTRY_UPTIME_SHIFT = 224;
uint256 constant ENTRY_RESERVED_SHIFT = 240;
/// @dev A 32-bit entry field, once shifted down.
uint256 constant ENTRY_U32_MASK = 0xffffffff;
/// @dev A 16-bit (bps) entry field, once shifted down.
uint256 constant ENTRY_U16_MASK = 0xffff;

/// @title RecordPacking
/// @notice The one-slot layout of a node's running sums, and the one-word layout of a batch entry
///         (the constants above), with their accessors and the session limits they imply.
/// @dev The widths follow from the session limits: at most 8,191 epochs (so e, the ordinal and each bps
///      sum <= 10,000 * 8,191 < 2^27 cannot overflow), T < 2^27 rounds (so k <= p <= T cannot either);
///      only c, a and j can outgrow their fields, and those are checked on every entry.
library RecordPacking {
    uint256 internal constant ORDINAL_FIELD = RECORD_EPOCH_MASK << RECORD_ORDINAL_SHIFT;
    uint256 internal constant EXCLUDED_BIT = 1 << RECORD_EXCLUDED_SHIFT;

    /// @dev Largest value each stored sum can reach.
    uint256 internal constant MAX_COMPUTE_SECONDS = RECORD_C_MASK;
    uint256 internal constant MAX_SUBMISSIONS = RECORD_SUM_MASK;
    uint256 internal constant MAX_TOTAL_ROUNDS = RECORD_SUM_MASK;
    uint256 internal constant MAX_EPOCHS = RECORD_EPOCH_MASK;

    function computeSeconds(uint256 record) internal pure returns (uint256) {
        return record & RECORD_C_MASK;
    }

    function accepted(uint256 record) internal pure returns (uint256) {
        return (record >> RECORD_A_SHIFT) & RECORD_SUM_MASK;
    }

    function rejected(uint256 record) internal pure returns (uint256) {
        return (record >> RECORD_J_SHIFT) & RECORD_SUM_MASK;
    }

    function roundsOk(uint256 record) internal pure returns (uint256) {
        return (record >> RECORD_K_SHIFT) & RECORD_SUM_MASK;
    }

    function roundsJoined(uint256 record) internal pure returns (uint256) {
        return (record >> RECORD_P_SHIFT) & RECORD_SUM_MASK;
    }

    function consistencySum(uint256 record) internal pure returns (uint256) {
        return (record >> RECORD_CONS_SHIFT) & RECORD_SUM_MASK;
    }

    function networkSum(uint256 record) internal pure returns (uint256) {
        return (record >> RECORD_NET_SHIFT) & RECORD_SUM_MASK;
    }

    function uptimeSum(uint256 record) internal pure returns (uint256) {
        return (record >> RECORD_UP_SHIFT) & RECORD_SUM_MASK;
    }

    function epochs(uint256 record) internal pure returns (uint256) {
        return (record >> RECORD_E_SHIFT) & RECORD_EPOCH_MASK;
    }

    function lastEpochOrdinal(uint256 record) internal pure returns (uint256) {
        return (record >> RECORD_ORDINAL_SHIFT) & RECORD_EPOCH_MASK;
    }

    function isExcluded(uint256 record) internal pure returns (bool) {
        return record & EXCLUDED_BIT != 0;
    }

    /// @dev reward-math.md §2: eligible when c > 0 and not excluded.
    function isEligible(uint256 record) internal pure returns (bool) {
        return record & RECORD_C_MASK != 0 && record & EXCLUDED_BIT == 0;
    }

    // ---------------------------------------------------------------- entries

    function entryNodeIndex(uint256 entry) internal pure returns (uint32) {
        return uint32(entry);
    }

    /// @dev The entry's addition to a record: every summed field moved to its place, and e + 1.
    ///      Precondition (checked by the tracker before it adds the word): each field's new sum fits its
    ///      record field, i.e. c, a, j by explicit checks and k, p, the bps sums and e by the session
    ///      limits. An entry outside that (e.g. accepted >= 2^27) spills into the next field: this word
    ///      is only meaningful together with those checks.
    function entryDelta(uint256 entry) internal pure returns (uint256 delta) {
        delta = ((entry >> ENTRY_COMPUTE_SHIFT) & ENTRY_U32_MASK)
            | (((entry >> ENTRY_ACCEPTED_SHIFT) & ENTRY_U32_MASK) << RECORD_A_SHIFT)
            | (((entry >> ENTRY_REJECTED_SHIFT) & ENTRY_U32_MASK) << RECORD_J_SHIFT)
            | (((entry >> ENTRY_ROUNDS_OK_SHIFT) & ENTRY_U32_MASK) << RECORD_K_SHIFT)
            | (((entry >> ENTRY_ROUNDS_JOINED_SHIFT) & ENTRY_U32_MASK) << RECORD_P_SHIFT)
            | (((entry >> ENTRY_CONSISTENCY_SHIFT) & ENTRY_U16_MASK) << RECORD_CONS_SHIFT)
            | (((entry >> ENTRY_NETWORK_SHIFT) & ENTRY_U16_MASK) << RECORD_NET_SHIFT)
            | (((entry >> ENTRY_UPTIME_SHIFT) & ENTRY_U16_MASK) << RECORD_UP_SHIFT) | (1 << RECORD_E_SHIFT);
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
        return uint256(nodeIndex) | (uint256(computeSeconds_) << ENTRY_COMPUTE_SHIFT)
            | (uint256(accepted_) << ENTRY_ACCEPTED_SHIFT) | (uint256(rejected_) << ENTRY_REJECTED_SHIFT)
            | (uint256(roundsOk_) << ENTRY_ROUNDS_OK_SHIFT)
            | (uint256(roundsJoined_) << ENTRY_ROUNDS_JOINED_SHIFT)
            | (uint256(consistencyBps) << ENTRY_CONSISTENCY_SHIFT)
            | (uint256(networkBps) << ENTRY_NETWORK_SHIFT) | (uint256(uptimeBps) << ENTRY_UPTIME_SHIFT);
    }
}
