// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IContributionTracker} from "./IContributionTracker.sol";
import {IRewardDistributor} from "./IRewardDistributor.sol";
import {ITrainingRegistry} from "./ITrainingRegistry.sol";

/// @title IGradPayViews
/// @notice Every read of gradpay: sessions and nodes, records and scores, finalization and pools.
///         They are served at GradPay's address like every other function; the code behind them lives
///         in `GradPayViews`, which GradPay reaches by DELEGATECALL from its fallback so that the
///         writes keep the whole 24,576-byte EIP-170 budget (see GradPay).
/// @dev The types are those of the concern each read belongs to.
interface IGradPayViews {
    // ------------------------------------------------------------------ sessions and nodes

    /// @notice The session's state and counters.
    /// @param sessionId The session (an unknown one reads as all zero, state `None`).
    /// @return info The session.
    function getSession(uint64 sessionId) external view returns (ITrainingRegistry.SessionInfo memory info);

    /// @notice The dense index of `node`; reverts with `NodeNotRegistered` for a stranger.
    /// @param sessionId The session.
    /// @param node The node.
    /// @return index Its index.
    function nodeIndex(uint64 sessionId, address node) external view returns (uint32 index);

    /// @notice Whether `node` is registered in the session.
    /// @param sessionId The session.
    /// @param node The address.
    /// @return registered True when it is a node of the session.
    function isRegistered(uint64 sessionId, address node) external view returns (bool registered);

    /// @notice The node registered under `nodeId` in the session.
    /// @param sessionId The session.
    /// @param nodeId The id given at registration.
    /// @return node Its address; zero when no node has that id.
    function nodeById(uint64 sessionId, bytes32 nodeId) external view returns (address node);

    /// @notice The account that created the session and alone names its delegates and sponsors.
    /// @param sessionId The session.
    /// @return owner Its owner; zero for an unknown session.
    function sessionOwner(uint64 sessionId) external view returns (address owner);

    /// @notice What the session's owner lets `account` do (the owner itself holds neither flag unless it
    ///         named itself).
    /// @param sessionId The session.
    /// @param account The account.
    /// @return delegate Whether it may run the session as the owner does.
    /// @return sponsor Whether it may fund the session's pools.
    function sessionRights(uint64 sessionId, address account)
        external
        view
        returns (bool delegate, bool sponsor);

    /// @notice Where `node`'s rewards from the session go.
    /// @param sessionId The session.
    /// @param node A node of the session (else `NodeNotRegistered`).
    /// @return payout Its payout address: the node itself unless it set another.
    function payoutOf(uint64 sessionId, address node) external view returns (address payout);

    /// @notice Whether `signer`'s `nonce` was used by a submitted request or burnt.
    /// @param signer The signer.
    /// @param nonce The nonce.
    /// @return used True when no request signed with it can be submitted any more.
    function isNonceUsed(address signer, uint256 nonce) external view returns (bool used);

    /// @notice The nonce `node`'s next signed payout change must carry.
    /// @param node The node.
    /// @return nonce The number of payout changes `node` made so far (by transaction or signature).
    function payoutNonce(address node) external view returns (uint256 nonce);

    // ------------------------------------------------------------------ records and scores

    /// @notice Packs an entry into the word `recordContributionsBatch` takes.
    /// @param entry The entry's fields.
    /// @return word The packed word (bits 240..255 zero).
    function packEntry(IContributionTracker.ContributionEntry calldata entry)
        external
        pure
        returns (uint256 word);

    /// @notice Whether `(sessionId, epoch, batch)` has been recorded.
    /// @param sessionId The session.
    /// @param epoch The epoch.
    /// @param batch The batch number.
    /// @return recorded True once the batch is recorded.
    function isBatchRecorded(uint64 sessionId, uint32 epoch, uint32 batch)
        external
        view
        returns (bool recorded);

    /// @notice 256 batch flags of an epoch at once: bit `i` is batch `256 * word + i`.
    /// @param sessionId The session.
    /// @param epoch The epoch.
    /// @param word Which 256 batch numbers: `batch / 256`.
    /// @return flags Bit `batch % 256` set when that batch is recorded.
    function getRecordedBatches(uint64 sessionId, uint32 epoch, uint256 word)
        external
        view
        returns (uint256 flags);

    /// @notice The totals `startFinalization` asks for, over nodes `from .. from + count - 1`: add the
    ///         results of consecutive ranges to cover a session too large for one call. Lets a client
    ///         without big-integer arithmetic finalize.
    /// @param sessionId The session.
    /// @param from First node index of the range.
    /// @param count Number of nodes in the range.
    /// @return eligibleCount Eligible nodes in the range (reward-math.md §2).
    /// @return sumScore Sum of their scores.
    /// @return sumScoreSquared Sum of their squared scores.
    function getFinalizationTotals(uint64 sessionId, uint32 from, uint32 count)
        external
        view
        returns (uint32 eligibleCount, uint256 sumScore, uint256 sumScoreSquared);

    /// @notice `node`'s running sums; reverts with `NodeNotRegistered` for a stranger.
    /// @param sessionId The session.
    /// @param node The node.
    /// @return record Its sums.
    function getContribution(uint64 sessionId, address node)
        external
        view
        returns (IContributionTracker.NodeRecord memory record);

    /// @notice The running sums of the node at `index`.
    /// @param sessionId The session.
    /// @param index The node's index (below the session's node count).
    /// @return record Its sums.
    function getContributionByIndex(uint64 sessionId, uint32 index)
        external
        view
        returns (IContributionTracker.NodeRecord memory record);

    /// @notice Session-wide sums.
    /// @param sessionId The session.
    /// @return totals T, the epoch count and the sums over every accepted entry.
    function getSessionTotal(uint64 sessionId)
        external
        view
        returns (IContributionTracker.SessionTotals memory totals);

    /// @notice `node`'s scores and eligibility (reward-math.md §2); reverts with `NodeNotRegistered`
    ///         for a stranger.
    /// @param sessionId The session.
    /// @param node The node.
    /// @return score Its scores.
    function getScore(uint64 sessionId, address node)
        external
        view
        returns (IContributionTracker.NodeScore memory score);

    /// @notice The scores of nodes `from .. from + count - 1`, for ranking off-chain.
    /// @param sessionId The session.
    /// @param from First node index of the range.
    /// @param count Number of nodes in the range.
    /// @return scores One per node, in index order.
    function getScores(uint64 sessionId, uint32 from, uint32 count)
        external
        view
        returns (IContributionTracker.NodeScore[] memory scores);

    // ------------------------------------------------------------------ finalization and pools

    /// @notice What `node` would be paid by `poolId` now (0 once claimed, after the deadline counting
    ///         unpaused time only, for a stranger or when not eligible), cut like a claim when the
    ///         contract holds less of the pool's token than its pools owe.
    /// @param poolId The pool.
    /// @param node The node.
    /// @return amount The claimable reward.
    function pendingReward(uint256 poolId, address node) external view returns (uint256 amount);

    /// @notice What `node` is entitled to from `poolId`, claimed or not.
    /// @param poolId The pool.
    /// @param node The node.
    /// @return amount Its reward (0 for a stranger or a node that is not eligible).
    function rewardOf(uint256 poolId, address node) external view returns (uint256 amount);

    /// @notice Whether `node` has claimed `poolId`.
    /// @param poolId The pool.
    /// @param node The node.
    /// @return claimed True once claimed.
    function hasClaimed(uint256 poolId, address node) external view returns (bool claimed);

    /// @notice What the pool pays each node of `count` from index `from`, claimed or not (0 for a node not
    ///         eligible): an auditor's bulk read, O(count).
    /// @dev Claim flags live in slots keyed by the node's address, which an index does not give: read them
    ///      with `claimedOf` for the addresses of `NodeRegistered`.
    /// @param poolId The pool (else `PoolNotFound`).
    /// @param from First node index.
    /// @param count Number of nodes (`from + count` past the session's nodes: `IndexRangeOutOfBounds`).
    /// @return amounts The reward of node `from + i`, before any shortfall cut.
    function rewardsOf(uint256 poolId, uint32 from, uint32 count)
        external
        view
        returns (uint256[] memory amounts);

    /// @notice Whether each of `nodes` has claimed the pool (false for an address that is not a node).
    /// @param poolId The pool (else `PoolNotFound`).
    /// @param nodes The addresses.
    /// @return claimed One flag per address, in order.
    function claimedOf(uint256 poolId, address[] calldata nodes) external view returns (bool[] memory claimed);

    /// @notice The pool.
    /// @param poolId The pool.
    /// @return info Its session, token, strategy and parameters, deadline now (counting the pauses so
    ///         far), amounts and refund address.
    function getPool(uint256 poolId) external view returns (IRewardDistributor.PoolInfo memory info);

    /// @notice The finalization pass's progress.
    /// @param sessionId The session.
    /// @return info Whether it started, how many nodes it verified, the claimed totals still unmatched, the cap.
    function getFinalization(uint64 sessionId)
        external
        view
        returns (IRewardDistributor.FinalizationInfo memory info);

    /// @notice The aggregates finalization fixed.
    /// @param sessionId The session: Finalized.
    /// @return basis n, T, the cap and the sums and tier ends the pools pay by.
    function getRewardBasis(uint64 sessionId)
        external
        view
        returns (IRewardDistributor.RewardBasis memory basis);

    /// @notice What unswept pools of `token` still owe: `rescue` never touches it.
    /// @param token The token, or address(0) for ETH.
    /// @return amount The sum of their remaining amounts.
    function totalOwed(address token) external view returns (uint256 amount);
}
