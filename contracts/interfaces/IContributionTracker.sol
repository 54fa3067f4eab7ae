// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IContributionTracker
/// @notice Exactly-once records of what each node contributed per epoch (reward-math.md §1), and
///         the scores of reward-math.md §2 computed from them as views.
/// @dev Batches travel as one 32-byte word per entry (see `ContributionEntry` for the bit layout,
///      `packEntry` to build one): a 9-field ABI struct would cost ~4x the calldata.
interface IContributionTracker {
    /// @notice One node's metrics for one epoch (reward-math.md §1).
    /// @dev Packed word, least significant bit first: nodeIndex [0,32), computeSeconds [32,64),
    ///      accepted [64,96), rejected [96,128), roundsOk [128,160), roundsJoined [160,192),
    ///      consistencyBps [192,208), networkBps [208,224), uptimeBps [224,240), bits [240,256) zero.
    struct ContributionEntry {
        uint32 nodeIndex;
        uint32 computeSeconds;
        uint32 accepted;
        uint32 rejected;
        uint32 roundsOk;
        uint32 roundsJoined;
        uint16 consistencyBps;
        uint16 networkBps;
        uint16 uptimeBps;
    }

    /// @notice A node's running sums (reward-math.md §1 names in brackets).
    struct NodeRecord {
        uint32 index;
        bool excluded;
        uint64 computeSeconds; // c
        uint32 accepted; // a
        uint32 rejected; // j
        uint32 roundsOk; // k
        uint32 roundsJoined; // p
        uint32 consistencySum; // cons
        uint32 networkSum; // net
        uint32 uptimeSum; // up
        uint16 epochs; // e
    }

    /// @notice A node's scores (reward-math.md §2), all bps but `score`.
    struct NodeScore {
        uint32 index;
        bool eligible;
        uint16 acceptance; // A
        uint16 consistency; // C
        uint16 success; // S
        uint16 quality; // Q
        uint16 participation; // P
        uint16 network; // N
        uint16 uptime; // U
        uint16 reliability; // R
        uint256 score;
    }

    /// @notice Session-wide sums over every accepted entry.
    struct SessionTotals {
        uint32 totalRounds; // T
        uint16 epochCount;
        uint64 computeSeconds;
        uint64 accepted;
        uint64 rejected;
        uint64 nodeEpochs;
    }

    /// @notice Which field of an entry, or of a node's running sums, an error is about.
    enum EntryField {
        NodeIndex,
        ComputeSeconds,
        Accepted,
        Rejected,
        RoundsOk,
        RoundsJoined,
        ConsistencyBps,
        NetworkBps,
        UptimeBps,
        ReservedBits
    }

    // ------------------------------------------------------------------ errors

    /// @notice Thrown when entry `position` of a batch has `field` = `value` above its bound.
    error EntryOutOfBounds(uint256 position, EntryField field, uint256 value, uint256 bound);
    /// @notice Thrown when entry `position` names a node index the session does not have.
    error EntryUnknownNode(uint256 position, uint32 nodeIndex, uint32 nodeCount);
    /// @notice Thrown when entry `position` names a node already recorded in this epoch.
    error NodeAlreadyRecordedInEpoch(uint256 position, uint32 nodeIndex, uint32 epoch);
    /// @notice Thrown when adding entry `position` would overflow the node's stored sum of `field`.
    error RecordOverflow(uint256 position, uint32 nodeIndex, EntryField field);
    /// @notice Thrown when `(sessionId, epoch, batch)` was already recorded: a replay, safe to treat as done.
    error BatchAlreadyRecorded(uint64 sessionId, uint32 epoch, uint32 batch);
    /// @notice Thrown when `epoch` is older than the session's current epoch.
    error EpochOutOfOrder(uint64 sessionId, uint32 epoch, uint32 currentEpoch);
    /// @notice Thrown when a batch of the current epoch gives another `epochRounds` than the first one did.
    error EpochRoundsMismatch(uint64 sessionId, uint32 epoch, uint32 given, uint32 recorded);
    /// @notice Thrown when a new epoch would exceed the session's `max` epochs.
    error TooManyEpochs(uint64 sessionId, uint256 max);
    /// @notice Thrown when the session's total rounds T would exceed `max`.
    error TotalRoundsOverflow(uint64 sessionId, uint256 total, uint256 max);
    /// @notice Thrown when a score range reaches past the session's nodes.
    error IndexRangeOutOfBounds(uint64 sessionId, uint256 from, uint256 count, uint32 nodeCount);

    // ------------------------------------------------------------------ events

    /// @notice Emitted when a batch of entries is recorded.
    /// @param sessionId The session.
    /// @param epoch The epoch the batch belongs to.
    /// @param batch The batch's number within the epoch (the exactly-once key with `sessionId`, `epoch`).
    /// @param epochRounds The epoch's rounds (counted once towards T, by the epoch's first batch).
    /// @param entries How many entries the batch held (0 for an epoch in which no node reported).
    /// @param entriesDigest keccak256 of the packed entry words as sent, concatenated in order; a client
    ///        compares it with its own batch before treating `(sessionId, epoch, batch)` as done.
    event ContributionsRecorded(
        uint64 indexed sessionId,
        uint32 indexed epoch,
        uint32 indexed batch,
        uint32 epochRounds,
        uint256 entries,
        bytes32 entriesDigest
    );

    // ------------------------------------------------------------------ writes

    /// @notice Records a batch of packed entries for one epoch, all or nothing. Coordinator only,
    ///         Active sessions only. Epochs come in non-decreasing order; the first batch of an epoch
    ///         fixes its `epochRounds`, which counts once towards T. A batch without entries is valid:
    ///         it reports an epoch in which no node took part, whose rounds still count (reward-math.md §1).
    /// @param sessionId The session.
    /// @param epoch The epoch: equal to or above the session's current epoch.
    /// @param batch The batch's number within the epoch: `(sessionId, epoch, batch)` is recorded at
    ///        most once, a replay reverts with `BatchAlreadyRecorded`.
    /// @param epochRounds Rounds the epoch had; the same in every batch of the epoch.
    /// @param entries Packed entries (see `ContributionEntry`), each node at most once per epoch.
    function recordContributionsBatch(
        uint64 sessionId,
        uint32 epoch,
        uint32 batch,
        uint32 epochRounds,
        uint256[] calldata entries
    ) external;

    // ------------------------------------------------------------------ views

    /// @notice Packs an entry into the word `recordContributionsBatch` takes.
    function packEntry(ContributionEntry calldata entry) external pure returns (uint256);

    /// @notice Whether `(sessionId, epoch, batch)` has been recorded.
    function isBatchRecorded(uint64 sessionId, uint32 epoch, uint32 batch) external view returns (bool);

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

    /// @notice `node`'s running sums.
    function getContribution(uint64 sessionId, address node) external view returns (NodeRecord memory);

    /// @notice The running sums of the node at `index`.
    function getContributionByIndex(uint64 sessionId, uint32 index) external view returns (NodeRecord memory);

    /// @notice Session-wide sums.
    function getSessionTotal(uint64 sessionId) external view returns (SessionTotals memory);

    /// @notice `node`'s scores and eligibility (reward-math.md §2).
    function getScore(uint64 sessionId, address node) external view returns (NodeScore memory);

    /// @notice The scores of nodes `from .. from + count - 1`, for ranking off-chain.
    function getScores(uint64 sessionId, uint32 from, uint32 count) external view returns (NodeScore[] memory);
}
