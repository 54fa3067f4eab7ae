// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GradPayStorage} from "./base/GradPayStorage.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {ClipMath} from "./libraries/ClipMath.sol";
import {NodeRecords} from "./libraries/NodeRecords.sol";
import {PoolCodec} from "./libraries/PoolCodec.sol";
import {PoolReward} from "./libraries/PoolReward.sol";
import {RankMath} from "./libraries/RankMath.sol";
import {RecordPacking} from "./libraries/RecordPacking.sol";
import {ScoreMath} from "./libraries/ScoreMath.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title RewardDistributor
/// @notice Verified single-pass finalization (reward-math.md §3-§4), pools in ETH or ERC20, lazy O(1)
///         claims (§5), and the sweep of what is left after the deadline.
abstract contract RewardDistributor is IRewardDistributor, GradPayStorage {
    using RecordPacking for uint256;
    using SafeERC20 for IERC20;

    /// @inheritdoc IRewardDistributor
    uint256 public constant MIN_CLAIM_WINDOW = 7 days;

    /// @dev Scores are below 2^69 (c < 2^40, factors <= 15,000 and 30,000), so this cap never clips.
    uint256 private constant NO_CAP = type(uint72).max;
    /// @dev Σscore < 2^93 and Σscore² < 2^162 for any real session (< 2^24 nodes): larger claims are wrong.
    uint256 private constant MAX_CLAIMED_SUM = type(uint128).max;
    uint256 private constant MAX_CLAIMED_SQUARES = type(uint168).max;

    // ------------------------------------------------------------------ finalization

    /// @inheritdoc IRewardDistributor
    function startFinalization(
        uint64 sessionId,
        uint32 eligibleCount,
        uint256 sumScore,
        uint256 sumScoreSquared
    ) external onlyOperator(sessionId) whenNotPaused {
        Session memory session = _sessions[sessionId];
        _requireState(sessionId, session, SessionState.Completed);
        if (eligibleCount != session.eligibleCount) {
            revert EligibleCountMismatch(sessionId, eligibleCount, session.eligibleCount);
        }
        if (sumScore > MAX_CLAIMED_SUM) {
            revert ClaimedTotalOutOfRange(sessionId, ClaimedTotal.SumScore, sumScore, MAX_CLAIMED_SUM);
        }
        if (sumScoreSquared > MAX_CLAIMED_SQUARES) {
            revert ClaimedTotalOutOfRange(
                sessionId, ClaimedTotal.SumScoreSquared, sumScoreSquared, MAX_CLAIMED_SQUARES
            );
        }
        uint256 cap = NO_CAP;
        if (session.clipK != 0 && eligibleCount != 0) {
            cap = ClipMath.capDown(eligibleCount, sumScore, sumScoreSquared, session.clipK);
            if (cap > NO_CAP) cap = NO_CAP;
        }

        Finalization storage pass = _finalizations[sessionId];
        delete _finalizations[sessionId];
        pass.started = true;
        pass.clipCap = uint72(cap);
        pass.totalRounds = session.totalRounds;
        pass.eligibleCount = uint24(eligibleCount);
        pass.sumScoreOutstanding = uint128(sumScore);
        pass.sumScoreSquaredOutstanding = sumScoreSquared;
        emit FinalizationStarted(sessionId, eligibleCount, sumScore, sumScoreSquared, cap);

        if (eligibleCount == 0) {
            _checkNothingOutstanding(sessionId, pass.sumScoreOutstanding, sumScoreSquared);
            _completeFinalization(sessionId, session, 0);
        }
    }

    /// @inheritdoc IRewardDistributor
    function submitRanking(uint64 sessionId, uint32[] calldata rankedIndices, bool lastChunk)
        external
        onlyOperator(sessionId)
        whenNotPaused
    {
        Session memory session = _sessions[sessionId];
        _requireState(sessionId, session, SessionState.Completed);
        Finalization memory pass = _finalizations[sessionId];
        if (!pass.started) revert FinalizationNotStarted(sessionId);
        uint256 eligibleCount = session.eligibleCount;
        uint256 listed = pass.processed + rankedIndices.length;
        if (listed > eligibleCount) revert RankingTooLong(sessionId, listed, session.eligibleCount);

        _verifyChunk(sessionId, session, pass, rankedIndices);

        if (listed == eligibleCount) {
            _checkNothingOutstanding(sessionId, pass.sumScoreOutstanding, pass.sumScoreSquaredOutstanding);
            _finalizations[sessionId] = pass;
            _completeFinalization(sessionId, session, pass.sumEffectiveScore);
        } else {
            if (lastChunk) revert RankingIncomplete(sessionId, uint32(listed), session.eligibleCount);
            _finalizations[sessionId] = pass;
            emit RankingVerified(sessionId, uint32(listed), session.eligibleCount);
        }
    }

    // ------------------------------------------------------------------ pools

    /// @inheritdoc IRewardDistributor
    function createRewardPool(
        uint64 sessionId,
        address token,
        uint256 amount,
        Strategy strategy,
        PoolParams calldata params,
        uint40 claimDeadline,
        address refundTo
    ) external payable nonReentrant returns (uint256 poolId) {
        _requireFunder(sessionId);
        uint256 unpausedNow = _unpausedNow();
        Session storage session = _sessions[sessionId];
        _requireState(sessionId, session, SessionState.Finalized);
        uint8 poolIndex = session.poolCount;
        if (poolIndex == MAX_POOLS) revert TooManyPools(sessionId, uint256(poolIndex) + 1, MAX_POOLS);
        if (amount == 0) revert ZeroPoolAmount();
        uint256 earliest = block.timestamp + MIN_CLAIM_WINDOW;
        if (claimDeadline < earliest) revert ClaimWindowTooShort(claimDeadline, earliest);
        (uint16 paramA, uint16 paramB) = PoolCodec.packParams(strategy, params);
        uint256 expectedValue = token == address(0) ? amount : 0;
        if (msg.value != expectedValue) revert WrongEthValue(msg.value, expectedValue);
        if (refundTo == address(0)) refundTo = msg.sender;

        poolId = PoolCodec.poolId(sessionId, poolIndex);
        session.poolCount = poolIndex + 1;
        _pools[poolId] = Pool({
            token: token,
            unpausedDeadline: uint40(claimDeadline - (block.timestamp - unpausedNow)),
            strategy: strategy,
            paramA: paramA,
            paramB: paramB,
            swept: false,
            amount: amount,
            remaining: amount,
            refundTo: refundTo
        });
        emit RewardPoolCreated(
            poolId, sessionId, token, amount, strategy, claimDeadline, msg.sender, refundTo
        );

        if (token == address(0)) {
            _pauseState.ethOwed = SafeCast.toUint96(_pauseState.ethOwed + amount);
        } else {
            _pullExactly(IERC20(token), amount);
        }
    }

    /// @inheritdoc IRewardDistributor
    function claimReward(uint256 poolId) external nonReentrant returns (uint256 amount) {
        amount = _claimAndPay(poolId, msg.sender, address(0));
    }

    /// @inheritdoc IRewardDistributor
    function claimRewardFor(uint256 poolId, address node) external nonReentrant returns (uint256 amount) {
        amount = _claimAndPay(poolId, node, address(0));
    }

    /// @inheritdoc IRewardDistributor
    function claimRewardTo(uint256 poolId, address recipient) external nonReentrant returns (uint256 amount) {
        if (recipient == address(0)) revert ZeroAddressRecipient();
        amount = _claimAndPay(poolId, msg.sender, recipient);
    }

    /// @inheritdoc IRewardDistributor
    function claimRewardsBatch(uint256[] calldata poolIds)
        external
        nonReentrant
        returns (uint256[] memory amounts)
    {
        if (poolIds.length == 0) revert EmptyList();
        uint256 unpausedNow = _unpausedNow();
        amounts = new uint256[](poolIds.length);
        address[] memory tokens = new address[](poolIds.length);
        address[] memory recipients = new address[](poolIds.length);
        bool claimedAny;
        for (uint256 i; i < poolIds.length; ++i) {
            // A pool already claimed (say by a front-running `claimRewardFor`) or owing nothing pays 0.
            (tokens[i], amounts[i], recipients[i]) = _claim(poolIds[i], msg.sender, address(0), unpausedNow);
            claimedAny = claimedAny || amounts[i] != 0;
        }
        if (!claimedAny) revert NothingClaimable(msg.sender);
        // Every claim is recorded before the first payment; consecutive claims of one token to one recipient
        // share a transfer (a pool paying 0 names the node: it ends a run but adds no transfer).
        uint256 first;
        for (uint256 i; i < poolIds.length; ++i) {
            if (i + 1 == poolIds.length || tokens[i + 1] != tokens[i] || recipients[i + 1] != recipients[i]) {
                _payRun(tokens[i], recipients[i], amounts, first, i + 1);
                first = i + 1;
            }
        }
    }

    /// @inheritdoc IRewardDistributor
    function sweepPool(uint256 poolId) external nonReentrant returns (uint256 amount) {
        uint256 unpausedNow = _unpausedNow();
        Pool storage pool = _existingPool(poolId);
        uint256 deadline = pool.unpausedDeadline;
        if (unpausedNow <= deadline) revert ClaimWindowOpen(poolId, _wallDeadline(deadline, unpausedNow));
        if (pool.swept) revert PoolAlreadySwept(poolId);
        uint256 owed = pool.remaining;
        pool.remaining = 0;
        pool.swept = true;
        (address token, address to) = (pool.token, pool.refundTo);
        amount = _settle(token, to, owed);
        emit PoolSwept(poolId, to, amount);
        _send(token, to, amount);
    }

    // ------------------------------------------------------------------ finalization internals

    /// @dev The pass over one chunk: eligibility, strict (score desc, index asc) order, the claimed totals
    ///      counted down, clipping against the cap fixed at start, tiers by rank (§4), and the sums S', W,
    ///      QS, RS that the pools need. Nothing per node is written.
    function _verifyChunk(
        uint64 sessionId,
        Session memory session,
        Finalization memory pass,
        uint32[] calldata rankedIndices
    ) private {
        (uint256 top, uint256 mid) = RankMath.tierEnds(session.eligibleCount);
        RankMath.Cursor memory cursor = RankMath.Cursor({
            rank: pass.processed, top: top, mid: mid, lastScore: pass.lastScore, lastIndex: pass.lastIndex
        });
        uint256 base = NodeRecords.baseSlot(sessionId);
        uint256 nodeCount = session.nodeCount;
        uint256 totalRounds = session.totalRounds;
        uint256 cap = pass.clipCap;
        // The running sums live on the stack for the loop and go back into `pass` once at the end.
        uint256 scoreLeft = pass.sumScoreOutstanding;
        uint256 squaresLeft = pass.sumScoreSquaredOutstanding;
        uint256 sumEffective = pass.sumEffectiveScore;
        uint256 sumWeighted = pass.sumTierWeighted;
        uint256 sumQuality = pass.sumQuality;
        uint256 sumReliability = pass.sumReliability;
        for (uint256 i; i < rankedIndices.length; ++i) {
            uint256 index = rankedIndices[i];
            uint256 record = index < nodeCount ? NodeRecords.load(base, index) : 0;
            if (!record.isEligible()) revert RankedNodeNotEligible(cursor.rank, uint32(index));
            (uint256 score, uint256 quality, uint256 reliability) = ScoreMath.scoreOf(record, totalRounds);
            RankMath.follow(cursor, score, index);
            uint256 square = score * score;
            if (score > scoreLeft) revert ClaimedTotalTooLow(sessionId, ClaimedTotal.SumScore, cursor.rank);
            if (square > squaresLeft) {
                revert ClaimedTotalTooLow(sessionId, ClaimedTotal.SumScoreSquared, cursor.rank);
            }
            uint256 effective = score;
            if (score > cap) {
                effective = cap;
                emit OutlierClipped(sessionId, uint32(index), score, cap);
            }
            unchecked {
                scoreLeft -= score;
                squaresLeft -= square;
                sumEffective += effective;
                sumQuality += quality;
                sumReliability += reliability;
                sumWeighted += _recordTier(cursor, pass, score, index) * effective;
            }
        }
        pass.processed = uint24(cursor.rank);
        (pass.lastScore, pass.lastIndex) = (uint72(cursor.lastScore), uint24(cursor.lastIndex));
        pass.sumScoreOutstanding = uint128(scoreLeft);
        pass.sumScoreSquaredOutstanding = squaresLeft;
        pass.sumEffectiveScore = uint96(sumEffective);
        pass.sumTierWeighted = uint96(sumWeighted);
        pass.sumQuality = uint40(sumQuality);
        pass.sumReliability = uint40(sumReliability);
    }

    /// @dev §4: the node's tier weight (3, 1, 0) by rank, noting each tier's last node; advances the rank.
    function _recordTier(
        RankMath.Cursor memory cursor,
        Finalization memory pass,
        uint256 score,
        uint256 index
    ) private pure returns (uint256 weight) {
        uint256 rank = cursor.rank;
        unchecked {
            cursor.rank = rank + 1;
            if (rank + 1 == cursor.top) {
                (pass.tier1LastScore, pass.tier1LastIndex) = (uint72(score), uint24(index));
            }
            if (rank + 1 == cursor.mid) {
                (pass.tier2LastScore, pass.tier2LastIndex) = (uint72(score), uint24(index));
            }
        }
        return RankMath.weightAt(rank, cursor.top, cursor.mid);
    }

    function _checkNothingOutstanding(uint64 sessionId, uint256 sumScoreLeft, uint256 sumSquaresLeft)
        private
        pure
    {
        if (sumScoreLeft != 0) {
            revert ClaimedTotalTooHigh(sessionId, ClaimedTotal.SumScore, sumScoreLeft);
        }
        if (sumSquaresLeft != 0) {
            revert ClaimedTotalTooHigh(sessionId, ClaimedTotal.SumScoreSquared, sumSquaresLeft);
        }
    }

    function _completeFinalization(uint64 sessionId, Session memory session, uint256 sumEffectiveScore)
        private
    {
        _sessions[sessionId].state = SessionState.Finalized;
        emit SessionFinalized(
            sessionId, session.eligibleCount, sumEffectiveScore, _finalizations[sessionId].clipCap
        );
    }

    // ------------------------------------------------------------------ pool internals

    /// @dev Pulls `amount` and rejects tokens that deliver anything else (fee-on-transfer) or that already
    ///      hold less than their pools owe (a new pool would make up the old pools' loss).
    function _pullExactly(IERC20 token, uint256 amount) private {
        if (address(token).code.length == 0) revert TokenNotAContract(address(token));
        uint256 before = token.balanceOf(address(this));
        uint256 owed = _owed[address(token)];
        if (before < owed) revert TokenShortfall(address(token), before, owed);
        _owed[address(token)] = owed + amount;
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 balance = token.balanceOf(address(this));
        uint256 received = balance > before ? balance - before : 0;
        if (received != amount) revert TokenTransferShortfall(address(token), amount, received);
    }

    /// @dev One claim, paid at once to `to` (zero: the node's payout); a pool already claimed or owing
    ///      nothing reverts, saying which.
    function _claimAndPay(uint256 poolId, address node, address to) private returns (uint256 amount) {
        address token;
        address recipient;
        (token, amount, recipient) = _claim(poolId, node, to, _unpausedNow());
        if (amount == 0) {
            if (_nodeSlots[PoolCodec.sessionOf(poolId)][node] & _claimBit(poolId) != 0) {
                revert RewardAlreadyClaimed(poolId, node);
            }
            revert NothingToClaim(poolId, node);
        }
        amount = _settle(token, recipient, amount);
        _send(token, recipient, amount);
    }

    /// @dev Pays `amounts[from..to)` (one token, one recipient, one transfer), each scaled alike if the token
    ///      is short.
    function _payRun(address token, address recipient, uint256[] memory amounts, uint256 from, uint256 to)
        private
    {
        uint256 run;
        for (uint256 i = from; i < to; ++i) {
            run += amounts[i];
        }
        if (run == 0) return;
        (uint256 balance, uint256 owed) = _debit(token, run);
        if (balance < owed) {
            uint256 paid;
            for (uint256 i = from; i < to; ++i) {
                amounts[i] = _scaled(amounts[i], balance, owed);
                paid += amounts[i];
            }
            emit PaymentShortfall(token, recipient, run, paid);
            run = paid;
        }
        _send(token, recipient, run);
    }
}
