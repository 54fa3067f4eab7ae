// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GradPayStorage} from "./base/GradPayStorage.sol";
import {IContributionTracker} from "./interfaces/IContributionTracker.sol";
import {BPS} from "./libraries/Bps.sol";
import {NodeRecords} from "./libraries/NodeRecords.sol";
import {
    ENTRY_ACCEPTED_SHIFT,
    ENTRY_COMPUTE_SHIFT,
    ENTRY_CONSISTENCY_SHIFT,
    ENTRY_NETWORK_SHIFT,
    ENTRY_REJECTED_SHIFT,
    ENTRY_RESERVED_SHIFT,
    ENTRY_ROUNDS_JOINED_SHIFT,
    ENTRY_ROUNDS_OK_SHIFT,
    ENTRY_U16_MASK,
    ENTRY_U32_MASK,
    ENTRY_UPTIME_SHIFT,
    RECORD_A_SHIFT,
    RECORD_C_MASK,
    RECORD_EPOCH_MASK,
    RECORD_EXCLUDED_SHIFT,
    RECORD_J_SHIFT,
    RECORD_ORDINAL_SHIFT,
    RECORD_SUM_MASK,
    RecordPacking
} from "./libraries/RecordPacking.sol";
import {ScoreMath} from "./libraries/ScoreMath.sol";

/// @title ContributionTracker
/// @notice Exactly-once, all-or-nothing batches of per-epoch entries (reward-math.md §1), and the
///         score views of §2.
abstract contract ContributionTracker is IContributionTracker, GradPayStorage {
    using RecordPacking for uint256;

    /// @dev What one batch needs in memory: the session limits it checks against and the sums it
    ///      writes back once at the end instead of once per entry.
    struct BatchContext {
        uint64 sessionId;
        uint32 epoch;
        uint32 epochRounds;
        uint256 ordinal;
        uint256 nodeCount;
        uint256 recordBase;
        uint256 computeSeconds;
        uint256 accepted;
        uint256 rejected;
        uint256 newlyEligible;
    }

    // ------------------------------------------------------------------ writes

    /// @inheritdoc IContributionTracker
    function recordContributionsBatch(
        uint64 sessionId,
        uint32 epoch,
        uint32 batch,
        uint32 epochRounds,
        uint256[] calldata entries
    ) external onlyOperator(sessionId) whenNotPaused {
        // No entries is a valid batch: it opens an epoch in which no node reported, whose rounds still
        // count towards T (reward-math.md §1).
        (Session memory session, BatchContext memory ctx) = _openBatch(sessionId, epoch, batch, epochRounds);
        for (uint256 i; i < entries.length; ++i) {
            _applyEntry(ctx, i, entries[i]);
        }
        bytes32 digest;
        assembly ("memory-safe") {
            // keccak256 of the entries as sent, word after word (scratch memory past the free pointer).
            let ptr := mload(0x40)
            let length := shl(5, entries.length)
            calldatacopy(ptr, entries.offset, length)
            digest := keccak256(ptr, length)
        }
        _closeBatch(session, ctx, batch, entries.length, digest);
    }

    // ------------------------------------------------------------------ batch internals

    /// @dev Checks the batch key and the epoch rules (§1), and advances the epoch in memory.
    function _openBatch(uint64 sessionId, uint32 epoch, uint32 batch, uint32 epochRounds)
        private
        view
        returns (Session memory session, BatchContext memory ctx)
    {
        session = _sessions[sessionId];
        _requireState(sessionId, session, SessionState.Active);
        // Checked before the epoch order, so that a replay of an old epoch's batch still reads as "done".
        (uint256 word, uint256 bit) = _batchFlag(batch);
        if (_recordedBatches[sessionId][epoch][word] & bit != 0) {
            revert BatchAlreadyRecorded(sessionId, epoch, batch);
        }
        if (session.epochCount == 0 || epoch > session.currentEpoch) {
            if (session.epochCount == MAX_EPOCHS) revert TooManyEpochs(sessionId, epoch, MAX_EPOCHS);
            uint256 totalRounds = uint256(session.totalRounds) + epochRounds;
            if (totalRounds > RecordPacking.MAX_TOTAL_ROUNDS) {
                revert TotalRoundsOverflow(sessionId, totalRounds, RecordPacking.MAX_TOTAL_ROUNDS);
            }
            session.epochCount += 1;
            session.currentEpoch = epoch;
            session.currentEpochRounds = epochRounds;
            session.totalRounds = uint32(totalRounds);
        } else if (epoch < session.currentEpoch) {
            revert EpochOutOfOrder(sessionId, epoch, session.currentEpoch);
        } else if (epochRounds != session.currentEpochRounds) {
            revert EpochRoundsMismatch(sessionId, epoch, epochRounds, session.currentEpochRounds);
        }
        ctx.sessionId = sessionId;
        ctx.epoch = epoch;
        ctx.epochRounds = epochRounds;
        ctx.ordinal = session.epochCount;
        ctx.nodeCount = session.nodeCount;
        ctx.recordBase = NodeRecords.baseSlot(sessionId);
    }

    /// @dev Validates one entry against every bound of §1 and adds it to the node's record. The hot path
    ///      tests every bound in one branch-free expression (assembly: Solidity's short-circuit `||`
    ///      costs a jump per bound); only when one fails does `_revertInvalidEntry` /
    ///      `_revertUnrecordable` work out which, so the error still names the position and the bound.
    ///      The assembly reads both layouts through RecordPacking's constants.
    function _applyEntry(BatchContext memory ctx, uint256 position, uint256 entry) private {
        uint256 nodeCount = ctx.nodeCount;
        uint256 epochRounds = ctx.epochRounds;
        bool outOfBounds;
        assembly ("memory-safe") {
            let joined := and(shr(ENTRY_ROUNDS_JOINED_SHIFT, entry), ENTRY_U32_MASK)
            outOfBounds := or(
                or(
                    or(shr(ENTRY_RESERVED_SHIFT, entry), iszero(lt(and(entry, ENTRY_U32_MASK), nodeCount))),
                    or(
                        gt(joined, epochRounds),
                        gt(and(shr(ENTRY_ROUNDS_OK_SHIFT, entry), ENTRY_U32_MASK), joined)
                    )
                ),
                or(
                    or(
                        gt(and(shr(ENTRY_CONSISTENCY_SHIFT, entry), ENTRY_U16_MASK), BPS),
                        gt(and(shr(ENTRY_NETWORK_SHIFT, entry), ENTRY_U16_MASK), BPS)
                    ),
                    gt(and(shr(ENTRY_UPTIME_SHIFT, entry), ENTRY_U16_MASK), BPS)
                )
            )
        }
        if (outOfBounds) _revertInvalidEntry(ctx, position, entry);

        uint256 index = uint32(entry);
        uint256 record = NodeRecords.load(ctx.recordBase, index);
        uint256 ordinal = ctx.ordinal;
        uint256 computeSeconds = (entry >> ENTRY_COMPUTE_SHIFT) & ENTRY_U32_MASK;
        uint256 accepted = (entry >> ENTRY_ACCEPTED_SHIFT) & ENTRY_U32_MASK;
        uint256 rejected = (entry >> ENTRY_REJECTED_SHIFT) & ENTRY_U32_MASK;
        bool unrecordable;
        bool newlyEligible;
        assembly ("memory-safe") {
            let previousCompute := and(record, RECORD_C_MASK)
            unrecordable := or(
                or(
                    eq(and(shr(RECORD_ORDINAL_SHIFT, record), RECORD_EPOCH_MASK), ordinal),
                    gt(add(previousCompute, computeSeconds), RECORD_C_MASK)
                ),
                or(
                    gt(add(and(shr(RECORD_A_SHIFT, record), RECORD_SUM_MASK), accepted), RECORD_SUM_MASK),
                    gt(add(and(shr(RECORD_J_SHIFT, record), RECORD_SUM_MASK), rejected), RECORD_SUM_MASK)
                )
            )
            newlyEligible := and(
                and(iszero(previousCompute), gt(computeSeconds, 0)),
                iszero(shr(RECORD_EXCLUDED_SHIFT, record))
            )
        }
        if (unrecordable) _revertUnrecordable(ctx, position, entry, record);

        unchecked {
            if (newlyEligible) ++ctx.newlyEligible;
            // Fields cannot carry into each other: c, a, j were checked above, the rest are bounded by
            // the session limits (see RecordPacking).
            record = ((record + entry.entryDelta()) & ~RecordPacking.ORDINAL_FIELD)
                | (ordinal << RECORD_ORDINAL_SHIFT);
            ctx.computeSeconds += computeSeconds;
            ctx.accepted += accepted;
            ctx.rejected += rejected;
        }
        NodeRecords.store(ctx.recordBase, index, record);
    }

    /// @dev Names the first bound of §1 that `entry` breaks, in the order the fields are listed.
    function _revertInvalidEntry(BatchContext memory ctx, uint256 position, uint256 entry) private pure {
        uint256 reserved = entry >> ENTRY_RESERVED_SHIFT;
        if (reserved != 0) revert EntryOutOfBounds(position, EntryField.ReservedBits, reserved, 0);
        uint32 index = uint32(entry);
        if (index >= ctx.nodeCount) revert EntryUnknownNode(position, index, uint32(ctx.nodeCount));
        uint256 roundsJoined = (entry >> ENTRY_ROUNDS_JOINED_SHIFT) & ENTRY_U32_MASK;
        if (roundsJoined > ctx.epochRounds) {
            revert EntryOutOfBounds(position, EntryField.RoundsJoined, roundsJoined, ctx.epochRounds);
        }
        uint256 roundsOk = (entry >> ENTRY_ROUNDS_OK_SHIFT) & ENTRY_U32_MASK;
        if (roundsOk > roundsJoined) {
            revert EntryOutOfBounds(position, EntryField.RoundsOk, roundsOk, roundsJoined);
        }
        _checkBps(position, EntryField.ConsistencyBps, entry >> ENTRY_CONSISTENCY_SHIFT);
        _checkBps(position, EntryField.NetworkBps, entry >> ENTRY_NETWORK_SHIFT);
        _checkBps(position, EntryField.UptimeBps, entry >> ENTRY_UPTIME_SHIFT);
    }

    /// @dev Names why a valid entry cannot join the node's record: a second entry this epoch, or a sum
    ///      that would outgrow its packed field.
    function _revertUnrecordable(BatchContext memory ctx, uint256 position, uint256 entry, uint256 record)
        private
        pure
    {
        uint32 index = uint32(entry);
        if (record.lastEpochOrdinal() == ctx.ordinal) {
            revert NodeAlreadyRecordedInEpoch(position, index, ctx.epoch);
        }
        uint256 computeSeconds = (entry >> ENTRY_COMPUTE_SHIFT) & ENTRY_U32_MASK;
        if (record.computeSeconds() + computeSeconds > RecordPacking.MAX_COMPUTE_SECONDS) {
            revert RecordOverflow(position, index, EntryField.ComputeSeconds);
        }
        uint256 accepted = (entry >> ENTRY_ACCEPTED_SHIFT) & ENTRY_U32_MASK;
        if (record.accepted() + accepted > RecordPacking.MAX_SUBMISSIONS) {
            revert RecordOverflow(position, index, EntryField.Accepted);
        }
        revert RecordOverflow(position, index, EntryField.Rejected);
    }

    function _closeBatch(
        Session memory session,
        BatchContext memory ctx,
        uint32 batch,
        uint256 entryCount,
        bytes32 entriesDigest
    ) private {
        uint64 sessionId = ctx.sessionId;
        (uint256 word, uint256 bit) = _batchFlag(batch);
        _recordedBatches[sessionId][ctx.epoch][word] |= bit;
        session.eligibleCount += uint32(ctx.newlyEligible);
        _sessions[sessionId] = session;
        Totals storage totals = _totals[sessionId];
        totals.computeSeconds += uint88(ctx.computeSeconds);
        totals.accepted += uint64(ctx.accepted);
        totals.rejected += uint64(ctx.rejected);
        totals.nodeEpochs += uint40(entryCount);
        emit ContributionsRecorded(sessionId, ctx.epoch, batch, ctx.epochRounds, entryCount, entriesDigest);
    }

    /// @dev `shifted` is the entry moved down to the field: its low 16 bits are the bps value.
    function _checkBps(uint256 position, EntryField field, uint256 shifted) private pure {
        uint256 value = shifted & ENTRY_U16_MASK;
        if (value > BPS) revert EntryOutOfBounds(position, field, value, BPS);
    }
}
