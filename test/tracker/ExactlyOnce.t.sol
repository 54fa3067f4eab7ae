// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {TrackerTest} from "../utils/TrackerTest.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice Exactly once: the key `(session, epoch, batch)` is recorded at most once (a replay reverts
///         `BatchAlreadyRecorded`), each node at most once per epoch, the flags (`isBatchRecorded`,
///         `getRecordedBatches`) say which keys are taken, and `ContributionsRecorded` publishes the digest
///         of the entries so a client can tell "this very batch is on chain" from "another batch took
///         this key".
contract ExactlyOnceTest is TrackerTest {
    /// @dev keccak256 of no bytes: the digest of a batch without entries.
    bytes32 internal constant EMPTY_DIGEST =
        0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470;

    /// @dev The `entriesDigest` of the one `ContributionsRecorded` the batch emits.
    function _recordAndReadDigest(uint64 sessionId, uint32 epoch, uint32 batch, uint256[] memory entries)
        internal
        returns (bytes32 digest)
    {
        vm.recordLogs();
        _record(sessionId, epoch, batch, ROUNDS, entries);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 1, "one event");
        assertEq(logs[0].topics[0], IContributionTracker.ContributionsRecorded.selector, "event");
        (,, digest) = abi.decode(logs[0].data, (uint32, uint256, bytes32));
    }

    // ------------------------------------------------------------------ replays

    function test_RevertWhen_batchAlreadyRecorded() public {
        _createSession(SESSION, 0, 3);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1), _e(1, 1)));
        // The exact replay, and the same key with other content: both are "already done".
        _expectBatchRevert(
            0,
            0,
            _list(_e(0, 1), _e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.BatchAlreadyRecorded.selector, SESSION, 0, 0)
        );
        _expectBatchRevert(
            0,
            0,
            _list(_e(2, 1)),
            abi.encodeWithSelector(IContributionTracker.BatchAlreadyRecorded.selector, SESSION, 0, 0)
        );
    }

    function test_RevertWhen_batchAlreadyRecordedInOldEpoch() public {
        _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 3, ROUNDS, _list(_e(0, 1), _e(1, 1)));
        _record(SESSION, 1, 0, 20, _list(_e(0, 1)));
        _record(SESSION, 2, 0, 30, _list(_e(0, 1)));
        // A replay of epoch 0's batch still reads as done, not as an out-of-order epoch.
        _expectBatchRevert(
            0,
            3,
            _list(_e(0, 1), _e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.BatchAlreadyRecorded.selector, SESSION, 0, 3)
        );
        // An unrecorded batch of the old epoch is out of order.
        _expectBatchRevert(
            0,
            4,
            _list(_e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.EpochOutOfOrder.selector, SESSION, 0, 2)
        );
    }

    function test_RevertWhen_batchAlreadyRecordedWithOtherEpochRounds() public {
        _createSession(SESSION, 0, 1);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        _expectRecordRevert(
            SESSION,
            0,
            0,
            99,
            _list(_e(0, 1)),
            abi.encodeWithSelector(IContributionTracker.BatchAlreadyRecorded.selector, SESSION, 0, 0)
        );
    }

    // ------------------------------------------------------------------ one entry per node and epoch

    function test_RevertWhen_duplicateNodeInBatch() public {
        _createSession(SESSION, 0, 3);
        _expectBatchRevert(
            5,
            0,
            _list(_e(1, 1), _e(0, 1), _e(1, 2)),
            abi.encodeWithSelector(IContributionTracker.NodeAlreadyRecordedInEpoch.selector, 2, 1, 5)
        );
    }

    function test_RevertWhen_duplicateNodeAcrossBatchesOfEpoch() public {
        _createSession(SESSION, 0, 3);
        _record(SESSION, 5, 0, ROUNDS, _list(_e(0, 1), _e(2, 1)));
        _expectBatchRevert(
            5,
            1,
            _list(_e(1, 1), _e(2, 1)),
            abi.encodeWithSelector(IContributionTracker.NodeAlreadyRecordedInEpoch.selector, 1, 2, 5)
        );
        // Node 1 alone in the same batch number is fine: the failed batch left no trace.
        _record(SESSION, 5, 1, ROUNDS, _list(_e(1, 1)));
        assertEq(gradpay.getSessionTotal(SESSION).nodeEpochs, 3, "nodeEpochs");
    }

    function test_RevertWhen_duplicateNodeAfterManyEpochs() public {
        _createSession(SESSION, 0, 2);
        for (uint32 ep; ep < 20; ++ep) {
            _record(SESSION, ep, 0, ROUNDS, _list(_e(0, 1)));
        }
        _expectBatchRevert(
            19,
            1,
            _list(_e(1, 1), _e(0, 1)),
            abi.encodeWithSelector(IContributionTracker.NodeAlreadyRecordedInEpoch.selector, 1, 0, 19)
        );
    }

    // ------------------------------------------------------------------ entriesDigest

    function test_ContributionsRecorded_digestOfBatch() public {
        _createSession(SESSION, 0, 3);
        uint256[] memory entries = _list(_e(2, 5), _e(0, 7), _e(1, 9));
        vm.expectEmit(true, true, true, true, address(gradpay));
        emit IContributionTracker.ContributionsRecorded(
            SESSION, 0, 3, ROUNDS, 3, keccak256(abi.encodePacked(entries))
        );
        _record(SESSION, 0, 3, ROUNDS, entries);
    }

    function test_ContributionsRecorded_digestOfEmptyBatch() public {
        _createSession(SESSION, 0, 1);
        assertEq(keccak256(abi.encodePacked(new uint256[](0))), EMPTY_DIGEST, "keccak256 of nothing");
        vm.expectEmit(true, true, true, true, address(gradpay));
        emit IContributionTracker.ContributionsRecorded(SESSION, 2, 0, ROUNDS, 0, EMPTY_DIGEST);
        _record(SESSION, 2, 0, ROUNDS, new uint256[](0));
    }

    /// @dev A batch of one (what `recordContribution` used to be): the digest of its one 32-byte word.
    function test_ContributionsRecorded_digestOfBatchOfOne() public {
        _createSession(SESSION, 0, 2);
        uint256 word =
            gradpay.packEntry(IContributionTracker.ContributionEntry(1, 30, 4, 1, 9, 10, 9000, 8000, 7000));
        vm.expectEmit(true, true, true, true, address(gradpay));
        emit IContributionTracker.ContributionsRecorded(SESSION, 0, 0, ROUNDS, 1, keccak256(abi.encode(word)));
        _record(SESSION, 0, 0, ROUNDS, _list(word));
    }

    /// @dev The digest names the entries and their order: the same entries in another order, or one
    ///      field changed, give another digest.
    function test_ContributionsRecorded_digestDependsOnOrderAndContent() public {
        _createSession(SESSION, 0, 2);
        _createSession(OTHER, 0, 2);
        _createSession(3, 0, 2);
        bytes32 inOrder = _recordAndReadDigest(SESSION, 0, 0, _list(_e(0, 5), _e(1, 6)));
        bytes32 swapped = _recordAndReadDigest(OTHER, 0, 0, _list(_e(1, 6), _e(0, 5)));
        bytes32 changed = _recordAndReadDigest(3, 0, 0, _list(_e(0, 5), _e(1, 7)));
        assertEq(inOrder, keccak256(abi.encode(_e(0, 5), _e(1, 6))), "in order");
        assertTrue(inOrder != swapped, "order matters");
        assertTrue(inOrder != changed, "content matters");
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_ContributionsRecorded_digest(uint256 seed, uint256 count, uint32 batch) public {
        count = bound(count, 0, 8);
        _createSession(SESSION, 0, 8);
        uint256[] memory entries = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            // Node i, random compute and bps: every word valid, each node once.
            entries[i] = _entry(
                uint32(i), uint32(r), uint32(r >> 32) % 1000, 0, 0, 0, uint16((r >> 64) % 10_001), 0, 0
            );
        }
        vm.expectEmit(true, true, true, true, address(gradpay));
        emit IContributionTracker.ContributionsRecorded(
            SESSION, 1, batch, ROUNDS, count, keccak256(abi.encodePacked(entries))
        );
        _record(SESSION, 1, batch, ROUNDS, entries);
    }

    // ------------------------------------------------------------------ batch flags

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_isBatchRecorded(uint32 epoch, uint32 batch, uint32 probe) public {
        _createSession(SESSION, 0, 1);
        _record(SESSION, epoch, batch, ROUNDS, _list(_e(0, 1)));
        assertTrue(gradpay.isBatchRecorded(SESSION, epoch, batch), "recorded");
        assertEq(gradpay.isBatchRecorded(SESSION, epoch, probe), probe == batch, "other batch of the epoch");
        assertFalse(gradpay.isBatchRecorded(SESSION, epoch ^ 1, batch), "other epoch");
        assertFalse(gradpay.isBatchRecorded(OTHER, epoch, batch), "other session");
    }

    function test_isBatchRecorded_wordBoundaries() public {
        _createSession(SESSION, 0, 5);
        uint32[5] memory batches = [uint32(255), 256, 511, 0, type(uint32).max];
        for (uint256 i; i < batches.length; ++i) {
            _record(SESSION, 0, batches[i], ROUNDS, _list(_e(uint32(i), 1)));
        }
        for (uint256 i; i < batches.length; ++i) {
            assertTrue(gradpay.isBatchRecorded(SESSION, 0, batches[i]), "recorded batch");
        }
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, 1), "batch 1");
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, 254), "batch 254");
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, 257), "batch 257");
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, 512), "batch 512");
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, type(uint32).max - 1), "batch max - 1");
    }

    function test_getRecordedBatches_bits() public {
        _createSession(SESSION, 0, 3);
        _record(SESSION, 2, 0, ROUNDS, _list(_e(0, 1)));
        _record(SESSION, 2, 5, ROUNDS, new uint256[](0));
        _record(SESSION, 2, 255, ROUNDS, _list(_e(1, 1)));
        _record(SESSION, 2, 256, ROUNDS, new uint256[](0));
        _record(SESSION, 2, 300, ROUNDS, _list(_e(2, 1)));
        assertEq(gradpay.getRecordedBatches(SESSION, 2, 0), 1 | (1 << 5) | (1 << 255), "word 0: 0, 5, 255");
        assertEq(gradpay.getRecordedBatches(SESSION, 2, 1), 1 | (1 << 44), "word 1: 256, 300");
        assertEq(gradpay.getRecordedBatches(SESSION, 2, 2), 0, "word 2");
        assertEq(gradpay.getRecordedBatches(SESSION, 1, 0), 0, "other epoch");
        assertEq(gradpay.getRecordedBatches(OTHER, 2, 0), 0, "other session");
    }

    function test_getRecordedBatches_lastWord() public {
        _createSession(SESSION, 0, 1);
        _record(SESSION, 0, type(uint32).max, ROUNDS, new uint256[](0));
        assertEq(
            gradpay.getRecordedBatches(SESSION, 0, type(uint32).max >> 8),
            1 << 255,
            "bit 255 of the last word"
        );
        assertEq(gradpay.getRecordedBatches(SESSION, 0, type(uint256).max), 0, "a word past every batch");
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_getRecordedBatches_agreesWithIsBatchRecorded(uint32[4] memory batches, uint32 probe)
        public
    {
        _createSession(SESSION, 0, 1);
        for (uint256 i; i < batches.length; ++i) {
            if (!gradpay.isBatchRecorded(SESSION, 0, batches[i])) {
                _record(SESSION, 0, batches[i], ROUNDS, new uint256[](0));
            }
        }
        uint32[5] memory probes = [batches[0], batches[1], batches[2], batches[3], probe];
        for (uint256 i; i < probes.length; ++i) {
            uint256 flags = gradpay.getRecordedBatches(SESSION, 0, probes[i] / 256);
            assertEq(
                (flags >> (probes[i] % 256)) & 1 == 1, gradpay.isBatchRecorded(SESSION, 0, probes[i]), "flag"
            );
        }
    }
}
