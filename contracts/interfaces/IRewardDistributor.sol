// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRewardDistributor
/// @notice Turns a completed session's records into rewards exactly as reward-math.md §3-§5 say.
///         Finalization is one verified pass over the eligible nodes in rank order, supplied by the
///         coordinator in chunks (no sorting on-chain); rewards are computed lazily at claim, in O(1).
/// @dev Pool ids encode their session: `poolId = uint256(sessionId) << 8 | poolIndex`.
interface IRewardDistributor {
    /// @notice How a pool is split among eligible nodes (reward-math.md §5).
    enum Strategy {
        Proportional,
        Tiered,
        MinimumGuarantee,
        Hybrid
    }

    /// @notice Strategy parameters in bps; only the chosen strategy's fields may be non-zero.
    /// @dev Tiered: `tierBaseBps` (<= 10000). MinimumGuarantee: `floorBps` (<= 10000).
    ///      Hybrid: `scoreBps + qualityBps + reliabilityBps == 10000`.
    struct PoolParams {
        uint16 tierBaseBps;
        uint16 floorBps;
        uint16 scoreBps;
        uint16 qualityBps;
        uint16 reliabilityBps;
    }

    /// @notice A reward pool as stored.
    struct PoolInfo {
        uint64 sessionId;
        address token;
        Strategy strategy;
        PoolParams params;
        uint40 claimDeadline;
        bool swept;
        uint256 amount;
        uint256 remaining;
    }

    /// @notice Progress of a session's finalization pass.
    struct FinalizationInfo {
        bool started;
        uint32 processed;
        uint32 eligibleCount;
        /// @dev Claimed Σscore not yet matched by ranked nodes (0 once finalized).
        uint256 sumScoreOutstanding;
        /// @dev Claimed Σscore² not yet matched by ranked nodes (0 once finalized).
        uint256 sumScoreSquaredOutstanding;
        uint256 clipCap;
    }

    /// @notice What finalization fixed for the session's pools (reward-math.md §3-§5 aggregates).
    struct RewardBasis {
        uint32 eligibleCount; // n
        uint32 totalRounds; // T
        uint256 clipCap; // cap (type(uint72).max when clipping is off)
        uint256 sumEffectiveScore; // S'
        uint256 sumTierWeighted; // W
        uint256 sumQuality; // QS
        uint256 sumReliability; // RS
        uint256 tier1LastScore;
        uint32 tier1LastIndex;
        uint256 tier2LastScore;
        uint32 tier2LastIndex;
    }

    /// @notice Which claimed total of `startFinalization` did not match the pass.
    enum ClaimedTotal {
        SumScore,
        SumScoreSquared
    }

    // ------------------------------------------------------------------ errors

    /// @notice Thrown when `submitRanking` comes before `startFinalization`.
    error FinalizationNotStarted(uint64 sessionId);
    /// @notice Thrown when the ranking lists a node at `position` that is not eligible.
    error RankedNodeNotEligible(uint256 position, uint32 nodeIndex);
    /// @notice Thrown when the node at `position` does not rank strictly below the previous one
    ///         (score descending, index ascending); a duplicated node fails this way too.
    error RankingOutOfOrder(uint256 position, uint32 nodeIndex, uint32 previousIndex);
    /// @notice Thrown when the ranking lists more nodes than the session has eligible.
    error RankingTooLong(uint64 sessionId, uint256 listed, uint32 eligibleCount);
    /// @notice Thrown when the chunk marked last leaves eligible nodes unlisted.
    error RankingIncomplete(uint64 sessionId, uint32 listed, uint32 eligibleCount);
    /// @notice Thrown when the pass's running total passes the claimed one at ranked `position`:
    ///         the claimed total was too low.
    error ClaimedTotalTooLow(uint64 sessionId, ClaimedTotal which, uint256 position);
    /// @notice Thrown when the last ranked node leaves `excess` of the claimed total unaccounted for.
    error ClaimedTotalTooHigh(uint64 sessionId, ClaimedTotal which, uint256 excess);
    /// @notice Thrown when a claimed total is above what any session can reach.
    error ClaimedTotalOutOfRange(uint64 sessionId, ClaimedTotal which, uint256 value, uint256 max);
    /// @notice Thrown when the coordinator's eligible count differs from the contract's.
    error EligibleCountMismatch(uint64 sessionId, uint32 claimed, uint32 actual);
    /// @notice Thrown for a pool id that was never created.
    error PoolNotFound(uint256 poolId);
    /// @notice Thrown when a session already has the maximum number of pools.
    error TooManyPools(uint64 sessionId, uint256 max);
    /// @notice Thrown for a pool of zero amount.
    error ZeroPoolAmount();
    /// @notice Thrown when a strategy parameter is above `max`.
    error StrategyParamOutOfRange(Strategy strategy, uint256 value, uint256 max);
    /// @notice Thrown when a parameter the chosen strategy does not use is non-zero.
    error UnusedStrategyParam(Strategy strategy);
    /// @notice Thrown when hybrid weights do not sum to 10000 bps.
    error HybridWeightsInvalid(uint256 sum);
    /// @notice Thrown when the claim deadline is not in the future.
    error ClaimDeadlineNotInFuture(uint40 claimDeadline, uint256 timestamp);
    /// @notice Thrown when `msg.value` does not fit the pool: `amount` for ETH, 0 for a token.
    error WrongEthValue(uint256 sent, uint256 expected);
    /// @notice Thrown when a pool's token address has no contract code.
    error TokenNotAContract(address token);
    /// @notice Thrown when a token delivers less than the amount transferred (fee-on-transfer).
    error TokenTransferShortfall(address token, uint256 expected, uint256 received);
    /// @notice Thrown when claiming after the pool's deadline.
    error ClaimWindowClosed(uint256 poolId, uint40 claimDeadline);
    /// @notice Thrown when sweeping before the pool's deadline.
    error ClaimWindowOpen(uint256 poolId, uint40 claimDeadline);
    /// @notice Thrown when a pool is swept a second time.
    error PoolAlreadySwept(uint256 poolId);
    /// @notice Thrown when a node claims a pool it has already claimed.
    error RewardAlreadyClaimed(uint256 poolId, address node);
    /// @notice Thrown when a node is owed nothing by the pool (not eligible, or a zero share).
    error NothingToClaim(uint256 poolId, address node);
    /// @notice Thrown when an ETH payment is refused by its recipient.
    error EthTransferFailed(address to, uint256 amount);
    /// @notice Thrown when the treasury would be the zero address.
    error ZeroAddressTreasury();

    // ------------------------------------------------------------------ events

    /// @notice Emitted when the coordinator starts (or restarts) a session's finalization.
    event FinalizationStarted(
        uint64 indexed sessionId,
        uint32 eligibleCount,
        uint256 sumScore,
        uint256 sumScoreSquared,
        uint256 clipCap
    );
    /// @notice Emitted when an in-progress finalization is discarded (exclusion or clipK change).
    event FinalizationReset(uint64 indexed sessionId);
    /// @notice Emitted when a chunk of the ranking is verified.
    event RankingVerified(uint64 indexed sessionId, uint32 processed, uint32 eligibleCount);
    /// @notice Emitted for each node whose score is above the clip cap (an outlier), during the pass.
    event OutlierClipped(uint64 indexed sessionId, uint32 indexed nodeIndex, uint256 score, uint256 clipCap);
    /// @notice Emitted when the pass completes and the session becomes Finalized.
    event SessionFinalized(
        uint64 indexed sessionId, uint32 eligibleCount, uint256 sumEffectiveScore, uint256 clipCap
    );
    /// @notice Emitted when a pool is created and funded.
    event RewardPoolCreated(
        uint256 indexed poolId,
        uint64 indexed sessionId,
        address token,
        uint256 amount,
        Strategy strategy,
        uint40 claimDeadline,
        address indexed funder
    );
    /// @notice Emitted when a node's reward is paid (to the node, whoever called).
    event RewardClaimed(uint256 indexed poolId, address indexed node, uint256 amount, address caller);
    /// @notice Emitted when what is left of a pool goes to the treasury.
    event PoolSwept(uint256 indexed poolId, address indexed treasury, uint256 amount);
    /// @notice Emitted when the treasury changes.
    event TreasuryUpdated(address previousTreasury, address treasury);

    // ------------------------------------------------------------------ finalization

    /// @notice Starts (or restarts) the verified pass on a Completed session with the totals the
    ///         coordinator claims; the clip cap is computed from them now. With no eligible node the
    ///         session is Finalized at once. Coordinator only.
    /// @param eligibleCount n, as the coordinator counted it (must equal the contract's).
    /// @param sumScore Σ score over eligible nodes.
    /// @param sumScoreSquared Σ score² over eligible nodes.
    function startFinalization(
        uint64 sessionId,
        uint32 eligibleCount,
        uint256 sumScore,
        uint256 sumScoreSquared
    ) external;

    /// @notice Verifies the next chunk of eligible node indices in rank order (score descending,
    ///         index ascending). The chunk that lists the last eligible node finalizes the session.
    ///         Coordinator only.
    /// @param lastChunk When true, the chunk must complete the ranking (else `RankingIncomplete`).
    function submitRanking(uint64 sessionId, uint32[] calldata rankedIndices, bool lastChunk) external;

    // ------------------------------------------------------------------ pools

    /// @notice Creates a pool on a Finalized session, funded now: `msg.value == amount` for ETH
    ///         (`token == address(0)`), else `amount` pulled from the caller. Coordinator only.
    function createRewardPool(
        uint64 sessionId,
        address token,
        uint256 amount,
        Strategy strategy,
        PoolParams calldata params,
        uint40 claimDeadline
    ) external payable returns (uint256 poolId);

    /// @notice Pays the caller's reward from `poolId`.
    function claimReward(uint256 poolId) external returns (uint256 amount);

    /// @notice Pays `node`'s reward from `poolId` to `node`; anyone may call.
    function claimRewardFor(uint256 poolId, address node) external returns (uint256 amount);

    /// @notice Claims the caller's reward from each pool, atomically; same-token payouts in a row
    ///         are paid in one transfer.
    function claimRewardsBatch(uint256[] calldata poolIds) external returns (uint256[] memory amounts);

    /// @notice After the deadline, sends what is left of the pool to the treasury, once. Admin only.
    function sweepPool(uint256 poolId) external returns (uint256 amount);

    /// @notice Sets where swept funds go. Admin only.
    function setTreasury(address treasury) external;

    // ------------------------------------------------------------------ views

    /// @notice What `node` would be paid by `poolId` now (0 once claimed or when not eligible).
    function pendingReward(uint256 poolId, address node) external view returns (uint256);

    /// @notice What `node` is entitled to from `poolId`, claimed or not.
    function rewardOf(uint256 poolId, address node) external view returns (uint256);

    /// @notice Whether `node` has claimed `poolId`.
    function hasClaimed(uint256 poolId, address node) external view returns (bool);

    /// @notice The pool as stored.
    function getPool(uint256 poolId) external view returns (PoolInfo memory);

    /// @notice The finalization pass's progress.
    function getFinalization(uint64 sessionId) external view returns (FinalizationInfo memory);

    /// @notice The aggregates finalization fixed.
    function getRewardBasis(uint64 sessionId) external view returns (RewardBasis memory);

    /// @notice Where swept funds go.
    function treasury() external view returns (address);
}
