// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {RecordPacking} from "../../contracts/libraries/RecordPacking.sol";
import {Test} from "forge-std/Test.sol";

/// @dev Exposes the internal library functions to the test.
contract RecordPackingHarness {
    using RecordPacking for uint256;

    function fields(uint256 r) external pure returns (uint256[11] memory f) {
        f = [
            r.computeSeconds(),
            r.accepted(),
            r.rejected(),
            r.roundsOk(),
            r.roundsJoined(),
            r.consistencySum(),
            r.networkSum(),
            r.uptimeSum(),
            r.epochs(),
            r.lastEpochOrdinal(),
            r.isExcluded() ? 1 : 0
        ];
    }

    function isEligible(uint256 r) external pure returns (bool) {
        return r.isEligible();
    }

    function entryNodeIndex(uint256 entry) external pure returns (uint32) {
        return RecordPacking.entryNodeIndex(entry);
    }

    function entryDelta(uint256 entry) external pure returns (uint256) {
        return RecordPacking.entryDelta(entry);
    }

    function pack(
        uint32 nodeIndex,
        uint32 c,
        uint32 a,
        uint32 j,
        uint32 k,
        uint32 p,
        uint16 cons,
        uint16 net,
        uint16 up
    ) external pure returns (uint256) {
        return RecordPacking.pack(nodeIndex, c, a, j, k, p, cons, net, up);
    }
}

/// @notice RecordPacking against the documented layouts, written here as sums of field * 2^offset:
///         record c 40 | a 27 | j 27 | k 27 | p 27 | cons 27 | net 27 | up 27 | e 13 | ordinal 13 | excluded 1;
///         entry nodeIndex 32 | c 32 | a 32 | j 32 | k 32 | p 32 | cons 16 | net 16 | up 16 | reserved 16.
contract RecordPackingTest is Test {
    RecordPackingHarness internal harness;

    /// @dev Record offsets and widths, in field order (the last is the excluded bit).
    uint256[11] internal OFFSETS = [uint256(0), 40, 67, 94, 121, 148, 175, 202, 229, 242, 255];
    uint256[11] internal WIDTHS = [uint256(40), 27, 27, 27, 27, 27, 27, 27, 13, 13, 1];

    /// @dev Entry fields: c, a, j, k, p, cons, net, up.
    struct Entry {
        uint32 index;
        uint32 c;
        uint32 a;
        uint32 j;
        uint32 k;
        uint32 p;
        uint16 cons;
        uint16 net;
        uint16 up;
    }

    function setUp() public {
        harness = new RecordPackingHarness();
    }

    function _boundFields(uint256[11] memory f) internal view {
        for (uint256 i; i < 11; ++i) {
            f[i] = bound(f[i], 0, 2 ** WIDTHS[i] - 1);
        }
    }

    function _word(uint256[11] memory f) internal view returns (uint256 w) {
        for (uint256 i; i < 11; ++i) {
            w += f[i] * 2 ** OFFSETS[i];
        }
    }

    function _entryWord(Entry memory e) internal pure returns (uint256) {
        return uint256(e.index) + uint256(e.c) * 2 ** 32 + uint256(e.a) * 2 ** 64 + uint256(e.j) * 2 ** 96
            + uint256(e.k) * 2 ** 128 + uint256(e.p) * 2 ** 160 + uint256(e.cons) * 2 ** 192 + uint256(e.net)
            * 2 ** 208 + uint256(e.up) * 2 ** 224;
    }

    function _entryValues(Entry memory e) internal pure returns (uint256[8] memory v) {
        v = [uint256(e.c), e.a, e.j, e.k, e.p, e.cons, e.net, e.up];
    }

    // ------------------------------------------------------------------ layout constants

    function test_limits() public pure {
        assertEq(RecordPacking.MAX_COMPUTE_SECONDS, 2 ** 40 - 1, "c limit");
        assertEq(RecordPacking.MAX_SUBMISSIONS, 2 ** 27 - 1, "a, j limit");
        assertEq(RecordPacking.MAX_TOTAL_ROUNDS, 2 ** 27 - 1, "T limit");
        assertEq(RecordPacking.MAX_EPOCHS, 2 ** 13 - 1, "epoch limit");
        // The argument for leaving k, p, cons, net, up and e unchecked: the session limits bound them.
        assertLe(10_000 * RecordPacking.MAX_EPOCHS, 2 ** 27 - 1, "bps sums fit 27 bits");
        assertLe(RecordPacking.MAX_TOTAL_ROUNDS, 2 ** 27 - 1, "k <= p <= T fit 27 bits");
    }

    function test_fieldsTileTheWord() public view {
        uint256 total;
        for (uint256 i; i < 11; ++i) {
            assertEq(OFFSETS[i], total, "contiguous offsets");
            total += WIDTHS[i];
        }
        assertEq(total, 256, "256 bits");
    }

    // ------------------------------------------------------------------ record accessors

    function testFuzz_accessors(uint256[11] memory f) public view {
        _boundFields(f);
        uint256[11] memory got = harness.fields(_word(f));
        for (uint256 i; i < 11; ++i) {
            assertEq(got[i], f[i], string.concat("field ", vm.toString(i)));
        }
    }

    function testFuzz_accessorsOfAnyWord(uint256 w) public view {
        uint256[11] memory got = harness.fields(w);
        for (uint256 i; i < 11; ++i) {
            assertEq(got[i], (w / 2 ** OFFSETS[i]) % 2 ** WIDTHS[i], string.concat("field ", vm.toString(i)));
        }
    }

    function testFuzz_isEligible(uint256[11] memory f) public view {
        _boundFields(f);
        if (f[0] % 3 == 0) f[0] = 0; // hit c == 0 often
        assertEq(harness.isEligible(_word(f)), f[0] > 0 && f[10] == 0, "eligible iff c > 0 and not excluded");
    }

    function test_isEligible_edges() public view {
        assertFalse(harness.isEligible(0), "empty");
        assertTrue(harness.isEligible(1), "c = 1");
        assertFalse(harness.isEligible(1 | (1 << 255)), "excluded");
        assertFalse(harness.isEligible(type(uint256).max << 40), "every field but c");
        assertTrue(harness.isEligible(type(uint256).max >> 1), "everything but excluded");
    }

    // ------------------------------------------------------------------ entries

    function testFuzz_pack(Entry memory e) public view {
        uint256 word = harness.pack(e.index, e.c, e.a, e.j, e.k, e.p, e.cons, e.net, e.up);
        assertEq(word, _entryWord(e), "entry word");
        assertEq(word >> 240, 0, "reserved bits zero");
        assertEq(harness.entryNodeIndex(word), e.index, "entryNodeIndex");
    }

    function testFuzz_entryNodeIndex(uint256 word) public view {
        assertEq(harness.entryNodeIndex(word), word % 2 ** 32, "low 32 bits");
    }

    /// @dev The delta puts each summed field at its record offset and adds one epoch.
    ///      Only for entries the tracker lets through (a, j, k, p < 2^27): wider values would overlap the
    ///      neighbouring field, and the tracker reverts on them before it uses the delta.
    function testFuzz_entryDelta(Entry memory e, uint16 reserved) public view {
        e.a = uint32(bound(e.a, 0, 2 ** 27 - 1));
        e.j = uint32(bound(e.j, 0, 2 ** 27 - 1));
        e.k = uint32(bound(e.k, 0, 2 ** 27 - 1));
        e.p = uint32(bound(e.p, 0, 2 ** 27 - 1));
        uint256[8] memory v = _entryValues(e);
        uint256 expected = 2 ** 229;
        for (uint256 i; i < 8; ++i) {
            expected += v[i] * 2 ** OFFSETS[i];
        }
        uint256 word = _entryWord(e);
        assertEq(harness.entryDelta(word), expected, "delta");
        // The node index and the reserved bits do not enter the delta.
        assertEq(harness.entryDelta(word | (uint256(reserved) << 240)), expected, "reserved bits ignored");
    }

    /// @dev What the tracker relies on: a record plus a delta adds field by field when the sums fit,
    ///      and leaves the ordinal and the excluded bit alone.
    function testFuzz_recordPlusDeltaAddsFieldwise(uint256[11] memory f, Entry memory e) public view {
        _boundFields(f);
        uint256[8] memory v = _entryValues(e);
        // Keep every sum inside its field: the record field leaves room for the entry value.
        for (uint256 i; i < 8; ++i) {
            uint256 max = 2 ** WIDTHS[i] - 1;
            v[i] = bound(v[i], 0, i < 5 ? 2 ** 32 - 1 : 2 ** 16 - 1);
            if (v[i] > max) v[i] = max;
            f[i] = bound(f[i], 0, max - v[i]);
        }
        f[8] = bound(f[8], 0, 2 ** 13 - 2);
        e = Entry(
            e.index,
            uint32(v[0]),
            uint32(v[1]),
            uint32(v[2]),
            uint32(v[3]),
            uint32(v[4]),
            uint16(v[5]),
            uint16(v[6]),
            uint16(v[7])
        );
        uint256 sum = _word(f) + harness.entryDelta(_entryWord(e));
        uint256[11] memory got = harness.fields(sum);
        for (uint256 i; i < 8; ++i) {
            assertEq(got[i], f[i] + v[i], string.concat("sum of field ", vm.toString(i)));
        }
        assertEq(got[8], f[8] + 1, "e + 1");
        assertEq(got[9], f[9], "ordinal unchanged");
        assertEq(got[10], f[10], "excluded unchanged");
    }
}
