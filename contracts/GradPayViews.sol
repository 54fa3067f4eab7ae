// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GradPayStorage} from "./base/GradPayStorage.sol";
import {IContributionTracker} from "./interfaces/IContributionTracker.sol";
import {IGradPayViews} from "./interfaces/IGradPayViews.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {ITrainingRegistry} from "./interfaces/ITrainingRegistry.sol";
import {NodeRecords} from "./libraries/NodeRecords.sol";
import {PoolCodec} from "./libraries/PoolCodec.sol";
import {RecordPacking} from "./libraries/RecordPacking.sol";
import {ScoreMath} from "./libraries/ScoreMath.sol";

/// @title GradPayViews
/// @notice The reads of gradpay, part of the `GradPayExtension` that GradPay creates in its constructor and
///         DELEGATECALLs from its fallback, so these functions run on GradPay's storage at GradPay's address
///         (the pattern of Balancer V3's Vault and VaultExtension). Nothing here writes state: every function
///         is a view or pure; the extension's only writes are `NodeOperators`'.
/// @dev Declares no state of its own: its storage layout is GradPayStorage's, the same as GradPay's.
abstract contract GradPayViews is IGradPayViews, GradPayStorage {
    using RecordPacking for uint256;

    // ------------------------------------------------------------------ sessions and nodes

    /// @inheritdoc IGradPayViews
    function getSession(uint64 sessionId) external view returns (ITrainingRegistry.SessionInfo memory info) {
        Session memory session = _sessions[sessionId];
        info = ITrainingRegistry.SessionInfo({
            state: session.state,
            modelHash: _modelHashes[sessionId],
            clipK: session.clipK,
            nodeCount: session.nodeCount,
            eligibleCount: session.eligibleCount,
            totalRounds: session.totalRounds,
            currentEpoch: session.currentEpoch,
            epochCount: session.epochCount,
            currentEpochRounds: session.currentEpochRounds,
            poolCount: session.poolCount,
            nodeSigned: _sessionOwners[sessionId].nodeSigned
        });
    }

    /// @inheritdoc IGradPayViews
    function nodeIndex(uint64 sessionId, address node) external view returns (uint32) {
        return _indexOf(_nodeSlotOf(sessionId, node));
    }

    /// @inheritdoc IGradPayViews
    function isRegistered(uint64 sessionId, address node) external view returns (bool) {
        return _nodeSlots[sessionId][node] != 0;
    }

    /// @inheritdoc IGradPayViews
    function nodeById(uint64 sessionId, bytes32 nodeId) external view returns (address) {
        return _nodeIds[sessionId][nodeId];
    }

    /// @inheritdoc IGradPayViews
    function sessionOwner(uint64 sessionId) external view returns (address) {
        return _sessionOwners[sessionId].owner;
    }

    /// @inheritdoc IGradPayViews
    function sessionRights(uint64 sessionId, address account) external view returns (bool, bool) {
        uint256 rights = _sessionRights[sessionId][account];
        return (rights & RIGHT_DELEGATE != 0, rights & RIGHT_SPONSOR != 0);
    }

    /// @inheritdoc IGradPayViews
    function payoutOf(uint64 sessionId, address node) external view returns (address) {
        return _nodeSlotOf(sessionId, node) & PAYOUT_BIT == 0 ? node : _payouts[sessionId][node];
    }

    /// @inheritdoc IGradPayViews
    function isNonceUsed(address signer, uint256 nonce) external view returns (bool) {
        return _usedNonces[signer][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IGradPayViews
    function payoutNonce(address node) external view returns (uint256) {
        return _payoutNonces[node];
    }

    // ------------------------------------------------------------------ records and scores

    /// @inheritdoc IGradPayViews
    function packEntry(IContributionTracker.ContributionEntry calldata entry)
        external
        pure
        returns (uint256)
    {
        return _pack(entry, entry.nodeIndex);
    }

    /// @inheritdoc IGradPayViews
    function isBatchRecorded(uint64 sessionId, uint32 epoch, uint32 batch) external view returns (bool) {
        (uint256 word, uint256 bit) = _batchFlag(batch);
        return _recordedBatches[sessionId][epoch][word] & bit != 0;
    }

    /// @inheritdoc IGradPayViews
    function getRecordedBatches(uint64 sessionId, uint32 epoch, uint256 word)
        external
        view
        returns (uint256)
    {
        return _recordedBatches[sessionId][epoch][word];
    }

    /// @inheritdoc IGradPayViews
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

    /// @inheritdoc IGradPayViews
    function getContribution(uint64 sessionId, address node)
        external
        view
        returns (IContributionTracker.NodeRecord memory)
    {
        return _recordView(sessionId, _indexOf(_nodeSlotOf(sessionId, node)));
    }

    /// @inheritdoc IGradPayViews
    function getContributionByIndex(uint64 sessionId, uint32 index)
        external
        view
        returns (IContributionTracker.NodeRecord memory)
    {
        _checkRange(sessionId, index, 1);
        return _recordView(sessionId, index);
    }

    /// @inheritdoc IGradPayViews
    function getSessionTotal(uint64 sessionId)
        external
        view
        returns (IContributionTracker.SessionTotals memory)
    {
        Totals memory totals = _totals[sessionId];
        Session memory session = _sessions[sessionId];
        return IContributionTracker.SessionTotals({
            totalRounds: session.totalRounds,
            epochCount: session.epochCount,
            computeSeconds: uint64(totals.computeSeconds),
            accepted: totals.accepted,
            rejected: totals.rejected,
            nodeEpochs: totals.nodeEpochs
        });
    }

    /// @inheritdoc IGradPayViews
    function getScore(uint64 sessionId, address node)
        external
        view
        returns (IContributionTracker.NodeScore memory)
    {
        uint32 index = _indexOf(_nodeSlotOf(sessionId, node));
        return _scoreView(NodeRecords.baseSlot(sessionId), index, _sessions[sessionId].totalRounds);
    }

    /// @inheritdoc IGradPayViews
    function getScores(uint64 sessionId, uint32 from, uint32 count)
        external
        view
        returns (IContributionTracker.NodeScore[] memory scores)
    {
        _checkRange(sessionId, from, count);
        uint256 base = NodeRecords.baseSlot(sessionId);
        uint256 totalRounds = _sessions[sessionId].totalRounds;
        scores = new IContributionTracker.NodeScore[](count);
        for (uint256 i; i < count; ++i) {
            scores[i] = _scoreView(base, uint32(from + i), totalRounds);
        }
    }

    // ------------------------------------------------------------------ finalization and pools

    /// @inheritdoc IGradPayViews
    function pendingReward(uint256 poolId, address node) external view returns (uint256) {
        Pool storage pool = _existingPool(poolId);
        uint256 nodeSlot = _nodeSlots[PoolCodec.sessionOf(poolId)][node];
        uint256 unpausedNow = block.timestamp - _pausedTime(_pauseState);
        if (nodeSlot == 0 || nodeSlot & _claimBit(poolId) != 0 || unpausedNow > pool.unpausedDeadline) {
            return 0;
        }
        uint256 reward = _rewardOf(pool, PoolCodec.sessionOf(poolId), _indexOf(nodeSlot));
        address token = pool.token;
        return _scaled(reward, _balanceOf(token), _owedOf(token));
    }

    /// @inheritdoc IGradPayViews
    function rewardOf(uint256 poolId, address node) external view returns (uint256) {
        Pool storage pool = _existingPool(poolId);
        uint256 nodeSlot = _nodeSlots[PoolCodec.sessionOf(poolId)][node];
        if (nodeSlot == 0) return 0;
        return _rewardOf(pool, PoolCodec.sessionOf(poolId), _indexOf(nodeSlot));
    }

    /// @inheritdoc IGradPayViews
    function hasClaimed(uint256 poolId, address node) external view returns (bool) {
        _existingPool(poolId);
        return _nodeSlots[PoolCodec.sessionOf(poolId)][node] & _claimBit(poolId) != 0;
    }

    /// @inheritdoc IGradPayViews
    function rewardsOf(uint256 poolId, uint32 from, uint32 count)
        external
        view
        returns (uint256[] memory amounts)
    {
        Pool storage pool = _existingPool(poolId);
        uint64 sessionId = PoolCodec.sessionOf(poolId);
        _checkRange(sessionId, from, count);
        amounts = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            amounts[i] = _rewardOf(pool, sessionId, uint32(from + i));
        }
    }

    /// @inheritdoc IGradPayViews
    function claimedOf(uint256 poolId, address[] calldata nodes)
        external
        view
        returns (bool[] memory claimed)
    {
        _existingPool(poolId);
        mapping(address => uint256) storage slots = _nodeSlots[PoolCodec.sessionOf(poolId)];
        uint256 claimBit = _claimBit(poolId);
        claimed = new bool[](nodes.length);
        for (uint256 i; i < nodes.length; ++i) {
            claimed[i] = slots[nodes[i]] & claimBit != 0;
        }
    }

    /// @inheritdoc IGradPayViews
    function getPool(uint256 poolId) external view returns (IRewardDistributor.PoolInfo memory info) {
        Pool memory pool = _existingPool(poolId);
        info.sessionId = PoolCodec.sessionOf(poolId);
        info.token = pool.token;
        info.strategy = pool.strategy;
        info.claimDeadline = uint40(pool.unpausedDeadline + _pausedTime(_pauseState));
        info.refundTo = pool.refundTo;
        info.swept = pool.swept;
        info.amount = pool.amount;
        info.remaining = pool.remaining;
        info.params = PoolCodec.unpackParams(pool.strategy, pool.paramA, pool.paramB);
    }

    /// @inheritdoc IGradPayViews
    function getFinalization(uint64 sessionId)
        external
        view
        returns (IRewardDistributor.FinalizationInfo memory)
    {
        Finalization memory pass = _finalizations[sessionId];
        return IRewardDistributor.FinalizationInfo({
            started: pass.started,
            processed: pass.processed,
            eligibleCount: _sessions[sessionId].eligibleCount,
            sumScoreOutstanding: pass.sumScoreOutstanding,
            sumScoreSquaredOutstanding: pass.sumScoreSquaredOutstanding,
            clipCap: pass.clipCap
        });
    }

    /// @inheritdoc IGradPayViews
    function getRewardBasis(uint64 sessionId) external view returns (IRewardDistributor.RewardBasis memory) {
        Session memory session = _sessions[sessionId];
        _requireState(sessionId, session, SessionState.Finalized);
        Finalization memory pass = _finalizations[sessionId];
        return IRewardDistributor.RewardBasis({
            eligibleCount: session.eligibleCount,
            totalRounds: session.totalRounds,
            clipCap: pass.clipCap,
            sumEffectiveScore: pass.sumEffectiveScore,
            sumTierWeighted: pass.sumTierWeighted,
            sumQuality: pass.sumQuality,
            sumReliability: pass.sumReliability,
            tier1LastScore: pass.tier1LastScore,
            tier1LastIndex: pass.tier1LastIndex,
            tier2LastScore: pass.tier2LastScore,
            tier2LastIndex: pass.tier2LastIndex
        });
    }

    /// @inheritdoc IGradPayViews
    function totalOwed(address token) external view returns (uint256) {
        return _owedOf(token);
    }

    // ------------------------------------------------------------------ internals

    function _pack(IContributionTracker.ContributionEntry calldata entry, uint32 index)
        private
        pure
        returns (uint256)
    {
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

    function _checkRange(uint64 sessionId, uint256 from, uint256 count) private view {
        uint32 nodeCount = _sessions[sessionId].nodeCount;
        if (from + count > nodeCount) {
            revert IContributionTracker.IndexRangeOutOfBounds(sessionId, from, count, nodeCount);
        }
    }

    function _recordView(uint64 sessionId, uint32 index)
        private
        view
        returns (IContributionTracker.NodeRecord memory)
    {
        uint256 record = NodeRecords.load(NodeRecords.baseSlot(sessionId), index);
        return IContributionTracker.NodeRecord({
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
        returns (IContributionTracker.NodeScore memory)
    {
        uint256 record = NodeRecords.load(base, index);
        ScoreMath.Breakdown memory b = ScoreMath.breakdownOf(record, totalRounds);
        return IContributionTracker.NodeScore({
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
