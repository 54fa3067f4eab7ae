// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GradPayStorage} from "./base/GradPayStorage.sol";
import {IContributionTracker} from "./interfaces/IContributionTracker.sol";
import {ITrainingRegistry} from "./interfaces/ITrainingRegistry.sol";
import {NodeRecords} from "./libraries/NodeRecords.sol";
import {RecordPacking} from "./libraries/RecordPacking.sol";
import {ScoreMath} from "./libraries/ScoreMath.sol";

/// @title ContributionTracker
/// @notice Exactly-once, all-or-nothing batches of per-epoch entries (reward-math.md §1), and the
///         score views of §2.
abstract contract ContributionTracker is IContributionTracker, GradPayStorage {
    using RecordPacking for uint256;

    uint256 private constant MAX_BPS = 10_000;

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
    ) external onlyRole(COORDINATOR) whenNotPaused {
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

    // ------------------------------------------------------------------ views

    /// @inheritdoc IContributionTracker
    function packEntry(ContributionEntry calldata entry) external pure returns (uint256) {
        return _pack(entry, entry.nodeIndex);
    }

    /// @inheritdoc IContributionTracker
    function isBatchRecorded(uint64 sessionId, uint32 epoch, uint32 batch) external view returns (bool) {
        return _recordedBatches[sessionId][epoch][batch >> 8] & (1 << (batch & 0xff)) != 0;
    }

    /// @inheritdoc IContributionTracker
    function getRecordedBatches(uint64 sessionId, uint32 epoch, uint256 word)
        external
        view
        returns (uint256)
    {
        return _recordedBatches[sessionId][epoch][word];
    }

    /// @inheritdoc IContributionTracker
    function getFinalizationTotals(uint64 sessionId, uint32 from, uint32 count)
        external
        view
        returns (uint32 eligibleCount, uint256 sumScore, uint256 sumScoreSquared)
    {
        _checkRange(sessionId, from, count);
        uint256 base = NodeRecords.baseSlot(sessionId);
        uint256 totalRounds = _sessions[sessionId].totalRounds;
        uint256 end = uint256(from) + count;
        for (uint256 index = from; index < end; ++index) {
            uint256 record = NodeRecords.load(base, index);
            if (!record.isEligible()) continue;
            (uint256 score,,) = ScoreMath.scoreOf(record, totalRounds);
            // score < 2^69 and at most 2^24 nodes: neither sum can overflow.
            unchecked {
                ++eligibleCount;
                sumScore += score;
                sumScoreSquared += score * score;
            }
        }
    }

    /// @inheritdoc IContributionTracker
    function getContribution(uint64 sessionId, address node) external view returns (NodeRecord memory) {
        return _recordView(sessionId, _indexOf(_nodeSlotOf(sessionId, node)));
    }

    /// @inheritdoc IContributionTracker
    function getContributionByIndex(uint64 sessionId, uint32 index)
        external
        view
        returns (NodeRecord memory)
    {
        _checkRange(sessionId, index, 1);
        return _recordView(sessionId, index);
    }

    /// @inheritdoc IContributionTracker
    function getSessionTotal(uint64 sessionId) external view returns (SessionTotals memory) {
        Totals memory totals = _totals[sessionId];
        Session memory session = _sessions[sessionId];
        return SessionTotals({
            totalRounds: session.totalRounds,
            epochCount: session.epochCount,
            computeSeconds: uint64(totals.computeSeconds),
            accepted: totals.accepted,
            rejected: totals.rejected,
            nodeEpochs: totals.nodeEpochs
        });
    }

    /// @inheritdoc IContributionTracker
    function getScore(uint64 sessionId, address node) external view returns (NodeScore memory) {
        uint32 index = _indexOf(_nodeSlotOf(sessionId, node));
        return _scoreView(NodeRecords.baseSlot(sessionId), index, _sessions[sessionId].totalRounds);
    }

    /// @inheritdoc IContributionTracker
    function getScores(uint64 sessionId, uint32 from, uint32 count)
        external
        view
        returns (NodeScore[] memory scores)
    {
        _checkRange(sessionId, from, count);
        uint256 base = NodeRecords.baseSlot(sessionId);
        uint256 totalRounds = _sessions[sessionId].totalRounds;
        scores = new NodeScore[](count);
        for (uint256 i; i < count; ++i) {
            scores[i] = _scoreView(base, uint32(from + i), totalRounds);
        }
    }

    // ------------------------------------------------------------------ batch internals

    /// @dev Checks the batch key and the epoch rules (§1), and advances the epoch in memory.
    function _openBatch(uint64 sessionId, uint32 epoch, uint32 batch, uint32 epochRounds)
        private
        view
        returns (Session memory session, BatchContext memory ctx)
    {
        session = _sessions[sessionId];
        _requireState(sessionId, session, ITrainingRegistry.SessionState.Active);
        // Checked before the epoch order, so that a replay of an old epoch's batch still reads as "done".
        if (_recordedBatches[sessionId][epoch][batch >> 8] & (1 << (batch & 0xff)) != 0) {
            revert BatchAlreadyRecorded(sessionId, epoch, batch);
        }
        if (session.epochCount == 0 || epoch > session.currentEpoch) {
            if (session.epochCount == RecordPacking.MAX_EPOCHS) {
                revert TooManyEpochs(sessionId, RecordPacking.MAX_EPOCHS);
            }
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
    function _applyEntry(BatchContext memory ctx, uint256 position, uint256 entry) private {
        uint256 nodeCount = ctx.nodeCount;
        uint256 epochRounds = ctx.epochRounds;
        bool outOfBounds;
        assembly ("memory-safe") {
            let joined := and(shr(160, entry), 0xffffffff)
            outOfBounds := or(
                or(
                    or(shr(240, entry), iszero(lt(and(entry, 0xffffffff), nodeCount))),
                    or(gt(joined, epochRounds), gt(and(shr(128, entry), 0xffffffff), joined))
                ),
                or(
                    or(gt(and(shr(192, entry), 0xffff), 10000), gt(and(shr(208, entry), 0xffff), 10000)),
                    gt(and(shr(224, entry), 0xffff), 10000)
                )
            )
        }
        if (outOfBounds) _revertInvalidEntry(ctx, position, entry);

        uint256 index = uint32(entry);
        uint256 record = NodeRecords.load(ctx.recordBase, index);
        uint256 ordinal = ctx.ordinal;
        uint256 computeSeconds = (entry >> 32) & RecordPacking.U32;
        uint256 accepted = (entry >> 64) & RecordPacking.U32;
        uint256 rejected = (entry >> 96) & RecordPacking.U32;
        bool unrecordable;
        bool newlyEligible;
        assembly ("memory-safe") {
            let previousCompute := and(record, 0xffffffffff) // c, 40 bits
            let sumMask := 0x7ffffff // a and j, 27 bits
            unrecordable := or(
                or(
                    eq(and(shr(242, record), 0x1fff), ordinal),
                    gt(add(previousCompute, computeSeconds), 0xffffffffff)
                ),
                or(
                    gt(add(and(shr(40, record), sumMask), accepted), sumMask),
                    gt(add(and(shr(67, record), sumMask), rejected), sumMask)
                )
            )
            newlyEligible := and(
                and(iszero(previousCompute), gt(computeSeconds, 0)),
                iszero(shr(255, record))
            )
        }
        if (unrecordable) _revertUnrecordable(ctx, position, entry, record);

        unchecked {
            if (newlyEligible) ++ctx.newlyEligible;
            // Fields cannot carry into each other: c, a, j were checked above, the rest are bounded by
            // the session limits (see RecordPacking).
            record = ((record + entry.entryDelta()) & ~RecordPacking.ORDINAL_FIELD)
                | (ordinal << RecordPacking.ORDINAL_SHIFT);
            ctx.computeSeconds += computeSeconds;
            ctx.accepted += accepted;
            ctx.rejected += rejected;
        }
        NodeRecords.store(ctx.recordBase, index, record);
    }

    /// @dev Names the first bound of §1 that `entry` breaks, in the order the fields are listed.
    function _revertInvalidEntry(BatchContext memory ctx, uint256 position, uint256 entry) private pure {
        if (entry >> 240 != 0) revert EntryOutOfBounds(position, EntryField.ReservedBits, entry >> 240, 0);
        uint32 index = uint32(entry);
        if (index >= ctx.nodeCount) revert EntryUnknownNode(position, index, uint32(ctx.nodeCount));
        uint256 roundsJoined = (entry >> 160) & RecordPacking.U32;
        if (roundsJoined > ctx.epochRounds) {
            revert EntryOutOfBounds(position, EntryField.RoundsJoined, roundsJoined, ctx.epochRounds);
        }
        uint256 roundsOk = (entry >> 128) & RecordPacking.U32;
        if (roundsOk > roundsJoined) {
            revert EntryOutOfBounds(position, EntryField.RoundsOk, roundsOk, roundsJoined);
        }
        _checkBps(position, EntryField.ConsistencyBps, (entry >> 192) & RecordPacking.U16);
        _checkBps(position, EntryField.NetworkBps, (entry >> 208) & RecordPacking.U16);
        _checkBps(position, EntryField.UptimeBps, (entry >> 224) & RecordPacking.U16);
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
        if (record.computeSeconds() + ((entry >> 32) & RecordPacking.U32) > RecordPacking.MAX_COMPUTE_SECONDS)
        {
            revert RecordOverflow(position, index, EntryField.ComputeSeconds);
        }
        if (record.accepted() + ((entry >> 64) & RecordPacking.U32) > RecordPacking.MAX_SUBMISSIONS) {
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
        _recordedBatches[sessionId][ctx.epoch][batch >> 8] |= 1 << (batch & 0xff);
        session.eligibleCount += uint32(ctx.newlyEligible);
        _sessions[sessionId] = session;
        Totals storage totals = _totals[sessionId];
        totals.computeSeconds += uint88(ctx.computeSeconds);
        totals.accepted += uint64(ctx.accepted);
        totals.rejected += uint64(ctx.rejected);
        totals.nodeEpochs += uint40(entryCount);
        emit ContributionsRecorded(sessionId, ctx.epoch, batch, ctx.epochRounds, entryCount, entriesDigest);
    }

    function _checkBps(uint256 position, EntryField field, uint256 value) private pure {
        if (value > MAX_BPS) revert EntryOutOfBounds(position, field, value, MAX_BPS);
    }

    function _pack(ContributionEntry calldata entry, uint32 index) private pure returns (uint256) {
        return RecordPacking.pack(
            index,
            entry.computeSeconds,
            entry.accepted,
            entry.rejected,
            entry.roundsOk,
            entry.roundsJoined,
            entry.consistencyBps,
            entry.networkBps,
            entry.uptimeBps
        );
    }

    // ------------------------------------------------------------------ view internals

    function _checkRange(uint64 sessionId, uint256 from, uint256 count) private view {
        uint32 nodeCount = _sessions[sessionId].nodeCount;
        if (from + count > nodeCount) revert IndexRangeOutOfBounds(sessionId, from, count, nodeCount);
    }

    function _recordView(uint64 sessionId, uint32 index) private view returns (NodeRecord memory) {
        uint256 record = NodeRecords.load(NodeRecords.baseSlot(sessionId), index);
        return NodeRecord({
            index: index,
            excluded: record.isExcluded(),
            computeSeconds: uint64(record.computeSeconds()),
            accepted: uint32(record.accepted()),
            rejected: uint32(record.rejected()),
            roundsOk: uint32(record.roundsOk()),
            roundsJoined: uint32(record.roundsJoined()),
            consistencySum: uint32(record.consistencySum()),
            networkSum: uint32(record.networkSum()),
            uptimeSum: uint32(record.uptimeSum()),
            epochs: uint16(record.epochs())
        });
    }

    function _scoreView(uint256 base, uint32 index, uint256 totalRounds)
        private
        view
        returns (NodeScore memory)
    {
        uint256 record = NodeRecords.load(base, index);
        ScoreMath.Breakdown memory b = ScoreMath.breakdownOf(record, totalRounds);
        return NodeScore({
            index: index,
            eligible: record.isEligible(),
            acceptance: uint16(b.acceptance),
            consistency: uint16(b.consistency),
            success: uint16(b.success),
            quality: uint16(b.quality),
            participation: uint16(b.participation),
            network: uint16(b.network),
            uptime: uint16(b.uptime),
            reliability: uint16(b.reliability),
            score: b.score
        });
    }
}
