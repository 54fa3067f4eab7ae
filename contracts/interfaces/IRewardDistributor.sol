// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGradPayBase} from "./IGradPayBase.sol";

/// @title IRewardDistributor
/// @notice Turns a completed session's records into rewards exactly as reward-math.md §3-§5 say.
///         Finalization is one verified pass over the eligible nodes in rank order, supplied by the
///         coordinator in chunks (no sorting on-chain); rewards are computed lazily at claim, in O(1).
/// @dev Pool ids encode their session: `poolId = uint256(sessionId) << 8 | poolIndex`.
interface IRewardDistributor is IGradPayBase {
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

    /// @notice A reward pool.
    /// @dev `claimDeadline` is the deadline now, counting the pauses so far: a pause moves it later by
    ///      its length, so it may still grow while paused.
    struct PoolInfo {
        uint64 sessionId;
        address token;
        Strategy strategy;
        PoolParams params;
        uint40 claimDeadline;
        bool swept;
        uint256 amount;
        uint256 remaining;
        address refundTo;
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
    /// @param sessionId The session.
    error FinalizationNotStarted(uint64 sessionId);
    /// @notice Thrown when the ranking lists a node that is not eligible (or not a node at all).
    /// @param position The node's rank in the whole ranking.
    /// @param nodeIndex The index listed.
    error RankedNodeNotEligible(uint256 position, uint32 nodeIndex);
    /// @notice Thrown when a ranked node does not rank strictly below the previous one (score
    ///         descending, index ascending); a duplicated node fails this way too.
    /// @param position The node's rank in the whole ranking.
    /// @param nodeIndex The index listed.
    /// @param previousIndex The index listed just before it.
    error RankingOutOfOrder(uint256 position, uint32 nodeIndex, uint32 previousIndex);
    /// @notice Thrown when the ranking lists more nodes than the session has eligible.
    /// @param sessionId The session.
    /// @param listed Nodes listed so far with this chunk.
    /// @param eligibleCount The session's eligible nodes.
    error RankingTooLong(uint64 sessionId, uint256 listed, uint32 eligibleCount);
    /// @notice Thrown when the chunk marked last leaves eligible nodes unlisted.
    /// @param sessionId The session.
    /// @param listed Nodes listed with this chunk.
    /// @param eligibleCount The session's eligible nodes.
    error RankingIncomplete(uint64 sessionId, uint32 listed, uint32 eligibleCount);
    /// @notice Thrown when the pass's running total passes the claimed one: the claimed total was too low.
    /// @param sessionId The session.
    /// @param which Which total.
    /// @param position The rank at which the ranked nodes' sum exceeded the claim.
    error ClaimedTotalTooLow(uint64 sessionId, ClaimedTotal which, uint256 position);
    /// @notice Thrown when the ranked nodes leave part of a claimed total unaccounted for.
    /// @param sessionId The session.
    /// @param which Which total.
    /// @param excess What is left of the claim after the last eligible node.
    error ClaimedTotalTooHigh(uint64 sessionId, ClaimedTotal which, uint256 excess);
    /// @notice Thrown when a claimed total is above what any session can reach.
    /// @param sessionId The session.
    /// @param which Which total.
    /// @param value The claimed value.
    /// @param max The largest value accepted.
    error ClaimedTotalOutOfRange(uint64 sessionId, ClaimedTotal which, uint256 value, uint256 max);
    /// @notice Thrown when the coordinator's eligible count differs from the contract's.
    /// @param sessionId The session.
    /// @param claimed The count given.
    /// @param actual The session's eligible nodes.
    error EligibleCountMismatch(uint64 sessionId, uint32 claimed, uint32 actual);
    /// @notice Thrown for a pool id that was never created.
    /// @param poolId The id.
    error PoolNotFound(uint256 poolId);
    /// @notice Thrown when a new pool would take the session past its pool limit.
    /// @param sessionId The session.
    /// @param requested Pools the session would have with this one.
    /// @param max `MAX_POOLS`.
    error TooManyPools(uint64 sessionId, uint256 requested, uint256 max);
    /// @notice Thrown for a pool of zero amount.
    error ZeroPoolAmount();
    /// @notice Thrown when a strategy parameter is above its bound.
    /// @param strategy The pool's strategy.
    /// @param value The parameter given.
    /// @param max Its bound (10000 bps).
    error StrategyParamOutOfRange(Strategy strategy, uint256 value, uint256 max);
    /// @notice Thrown when a parameter the chosen strategy does not use is non-zero.
    /// @param strategy The pool's strategy.
    error UnusedStrategyParam(Strategy strategy);
    /// @notice Thrown when hybrid weights do not sum to 100 %.
    /// @param sum `scoreBps + qualityBps + reliabilityBps` as given.
    /// @param required The sum they must have (10000 bps).
    error HybridWeightsInvalid(uint256 sum, uint256 required);
    /// @notice Thrown when the claim deadline leaves nodes less than `MIN_CLAIM_WINDOW` to claim.
    /// @param claimDeadline The deadline given.
    /// @param earliest The earliest deadline accepted now.
    error ClaimWindowTooShort(uint256 claimDeadline, uint256 earliest);
    /// @notice Thrown when `msg.value` does not fit the pool: `amount` for ETH, 0 for a token.
    /// @param sent `msg.value`.
    /// @param expected What it must be.
    error WrongEthValue(uint256 sent, uint256 expected);
    /// @notice Thrown when a pool's token address has no contract code.
    /// @param token The address.
    error TokenNotAContract(address token);
    /// @notice Thrown when funding a pool in a token of which the contract holds less than its pools
    ///         owe (the new pool's funds would make up the others' loss).
    /// @param token The token.
    /// @param balance What the contract holds.
    /// @param owed What unswept pools of the token owe.
    error TokenShortfall(address token, uint256 balance, uint256 owed);
    /// @notice Thrown when a token delivers less than the amount transferred (fee-on-transfer).
    /// @param token The token.
    /// @param expected The amount transferred.
    /// @param received What the contract's balance grew by.
    error TokenTransferShortfall(address token, uint256 expected, uint256 received);
    /// @notice Thrown when claiming after the pool's deadline.
    /// @param poolId The pool.
    /// @param claimDeadline Its deadline, counting the pauses so far.
    error ClaimWindowClosed(uint256 poolId, uint40 claimDeadline);
    /// @notice Thrown when sweeping before the pool's deadline.
    /// @param poolId The pool.
    /// @param claimDeadline Its deadline, counting the pauses so far.
    error ClaimWindowOpen(uint256 poolId, uint40 claimDeadline);
    /// @notice Thrown when a pool is swept a second time.
    /// @param poolId The pool.
    error PoolAlreadySwept(uint256 poolId);
    /// @notice Thrown when a node claims a pool it has already claimed.
    /// @param poolId The pool.
    /// @param node The node.
    error RewardAlreadyClaimed(uint256 poolId, address node);
    /// @notice Thrown when a node is owed nothing by the pool (not eligible, or a zero share).
    /// @param poolId The pool.
    /// @param node The node.
    error NothingToClaim(uint256 poolId, address node);
    /// @notice Thrown when a batch claim finds nothing to pay in any of its pools.
    /// @param node The caller.
    error NothingClaimable(address node);
    /// @notice Thrown when an ETH payment is refused by its recipient.
    /// @param to The recipient.
    /// @param amount The payment.
    error EthTransferFailed(address to, uint256 amount);

    // ------------------------------------------------------------------ events

    /// @notice Emitted when the coordinator starts (or restarts) a session's finalization.
    /// @param sessionId The session.
    /// @param eligibleCount n, as claimed.
    /// @param sumScore Σscore, as claimed.
    /// @param sumScoreSquared Σscore², as claimed.
    /// @param clipCap The cap computed from them (reward-math.md §3; type(uint72).max when off).
    event FinalizationStarted(
        uint64 indexed sessionId,
        uint32 eligibleCount,
        uint256 sumScore,
        uint256 sumScoreSquared,
        uint256 clipCap
    );
    /// @notice Emitted when a chunk of the ranking is verified and the ranking is not complete yet.
    /// @param sessionId The session.
    /// @param processed Nodes verified so far.
    /// @param eligibleCount Nodes the ranking must list.
    event RankingVerified(uint64 indexed sessionId, uint32 processed, uint32 eligibleCount);
    /// @notice Emitted for each node whose score is above the clip cap (an outlier), during the pass.
    /// @param sessionId The session.
    /// @param nodeIndex The node.
    /// @param score Its score.
    /// @param clipCap The cap its score counts as.
    event OutlierClipped(uint64 indexed sessionId, uint32 indexed nodeIndex, uint256 score, uint256 clipCap);
    /// @notice Emitted when the pass completes and the session becomes Finalized.
    /// @param sessionId The session.
    /// @param eligibleCount n.
    /// @param sumEffectiveScore S', the sum of the clipped scores.
    /// @param clipCap The cap.
    event SessionFinalized(
        uint64 indexed sessionId, uint32 eligibleCount, uint256 sumEffectiveScore, uint256 clipCap
    );
    /// @notice Emitted when a pool is created and funded.
    /// @param poolId The pool (`sessionId << 8 | poolIndex`).
    /// @param sessionId Its session.
    /// @param token The token (address(0) for ETH).
    /// @param amount The amount funded.
    /// @param strategy How it is split (reward-math.md §5).
    /// @param claimDeadline Last timestamp at which nodes can claim, if no pause comes.
    /// @param funder Who funded it (the session's owner, a delegate or a sponsor).
    /// @param refundTo Where what is left after the deadline goes.
    event RewardPoolCreated(
        uint256 indexed poolId,
        uint64 indexed sessionId,
        address token,
        uint256 amount,
        Strategy strategy,
        uint40 claimDeadline,
        address indexed funder,
        address refundTo
    );
    /// @notice Emitted when a node's reward is claimed: it is paid to the node's payout address for the
    ///         session (the node itself unless it set one), or to the recipient of a `claimRewardTo`,
    ///         whoever called.
    /// @param poolId The pool.
    /// @param node The node whose reward it is.
    /// @param amount The reward owed (a `PaymentShortfall` follows when less could be paid; a relayed claim
    ///        pays part of it to the relayer, see `RelayFeePaid`).
    /// @param caller Who sent the claim (the relayer of a relayed claim).
    /// @param recipient Where the reward went.
    event RewardClaimed(
        uint256 indexed poolId, address indexed node, uint256 amount, address caller, address recipient
    );
    /// @notice Emitted when what is left of a pool goes back to its refund address.
    /// @param poolId The pool.
    /// @param refundTo Where it went (chosen by the funder at creation).
    /// @param amount What was sent.
    event PoolSwept(uint256 indexed poolId, address indexed refundTo, uint256 amount);
    /// @notice Emitted when a payment is cut because the contract holds less of the token than its pools
    ///         owe (a negative rebase, a burn): every payment of the token is cut by the same fraction.
    /// @param token The token.
    /// @param to The payee (a claim's recipient, a sweep's refund address).
    /// @param amount What the pools owed the payee.
    /// @param paid What it was paid.
    event PaymentShortfall(address indexed token, address indexed to, uint256 amount, uint256 paid);

    // ------------------------------------------------------------------ constants

    /// @notice The shortest claim window a pool can be created with.
    /// @return window 7 days.
    function MIN_CLAIM_WINDOW() external view returns (uint256 window);

    // ------------------------------------------------------------------ finalization

    /// @notice Starts (or restarts) the verified pass on a Completed session with the totals the
    ///         coordinator claims (`getFinalizationTotals` computes them); the clip cap is computed
    ///         from them now. With no eligible node the session is Finalized at once. Coordinator only.
    /// @param sessionId The session: Completed.
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
    /// @param sessionId The session: Completed, its pass started.
    /// @param rankedIndices The next nodes of the ranking (may be empty when `lastChunk` is false).
    /// @param lastChunk When true, the chunk must complete the ranking (else `RankingIncomplete`).
    function submitRanking(uint64 sessionId, uint32[] calldata rankedIndices, bool lastChunk) external;

    // ------------------------------------------------------------------ pools

    /// @notice Creates a pool on a Finalized session, funded now: `msg.value == amount` for ETH
    ///         (`token == address(0)`), else `amount` pulled from the caller. The session's owner, its
    ///         delegates and the sponsors it approved only (so strangers cannot use up its pool slots).
    /// @param sessionId The session: Finalized.
    /// @param token The token, or address(0) for ETH.
    /// @param amount What the pool pays out in total (non-zero).
    /// @param strategy How it is split (reward-math.md §5).
    /// @param params The strategy's parameters; the others must be zero.
    /// @param claimDeadline Last timestamp at which nodes can claim, at least `MIN_CLAIM_WINDOW` away;
    ///        time spent paused moves it later.
    /// @param refundTo Where `sweepPool` sends what is left after the deadline; address(0) for the caller.
    ///        Nobody can change it later.
    /// @return poolId The new pool: `sessionId << 8 | poolIndex`.
    function createRewardPool(
        uint64 sessionId,
        address token,
        uint256 amount,
        Strategy strategy,
        PoolParams calldata params,
        uint40 claimDeadline,
        address refundTo
    ) external payable returns (uint256 poolId);

    /// @notice Pays the caller's reward from `poolId` to its payout address for the pool's session (the
    ///         caller itself unless it set one with `setPayout`).
    /// @param poolId The pool.
    /// @return amount What was paid.
    function claimReward(uint256 poolId) external returns (uint256 amount);

    /// @notice Pays `node`'s reward from `poolId` to the node's payout address (the node itself unless it
    ///         set one); anyone may call.
    /// @param poolId The pool.
    /// @param node The node to pay.
    /// @return amount What was paid.
    function claimRewardFor(uint256 poolId, address node) external returns (uint256 amount);

    /// @notice Pays the caller's reward from `poolId` to `recipient` this once, whatever payout address the
    ///         caller set.
    /// @param poolId The pool.
    /// @param recipient Where the reward goes (not zero, else `ZeroAddressRecipient`).
    /// @return amount What was paid.
    function claimRewardTo(uint256 poolId, address recipient) external returns (uint256 amount);

    /// @notice Claims the caller's reward from each pool, atomically, each paid to the caller's payout
    ///         address for that pool's session; consecutive payouts of the same token to the same address
    ///         are paid in one transfer. A pool already claimed or owing the caller nothing pays 0
    ///         (so a front-running `claimRewardFor` cannot make the batch revert); the batch reverts
    ///         with `NothingClaimable` only when no pool pays anything.
    /// @param poolIds The pools (at least one).
    /// @return amounts What each pool paid, in the order given.
    function claimRewardsBatch(uint256[] calldata poolIds) external returns (uint256[] memory amounts);

    /// @notice After the deadline (counting unpaused time only), sends what is left of the pool to the
    ///         refund address its funder chose, once. Anyone may call: no role is needed.
    /// @param poolId The pool.
    /// @return amount What was sent.
    function sweepPool(uint256 poolId) external returns (uint256 amount);
}
