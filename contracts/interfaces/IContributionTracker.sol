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
    event ContributionsRecorded(
        uint64 indexed sessionId, uint32 indexed epoch, uint32 batch, uint32 epochRounds, uint256 entries
    );

    // ------------------------------------------------------------------ writes

    /// @notice Records a batch of packed entries for one epoch, all or nothing. Coordinator only,
    ///         Active sessions only. Epochs come in non-decreasing order; the first batch of an epoch
    ///         fixes its `epochRounds`, which counts once towards T.
    /// @param batch The batch's number within the epoch: `(sessionId, epoch, batch)` is recorded at
    ///        most once, a replay reverts with `BatchAlreadyRecorded`.
    function recordContributionsBatch(
        uint64 sessionId,
        uint32 epoch,
        uint32 batch,
        uint32 epochRounds,
        uint256[] calldata entries
    ) external;

    /// @notice Records one node's entry as a batch of one; `entry.nodeIndex` is ignored and taken from `node`.
    function recordContribution(
        uint64 sessionId,
        uint32 epoch,
        uint32 batch,
        uint32 epochRounds,
        address node,
        ContributionEntry calldata entry
    ) external;

    // ------------------------------------------------------------------ views

    /// @notice Packs an entry into the word `recordContributionsBatch` takes.
    function packEntry(ContributionEntry calldata entry) external pure returns (uint256);

    /// @notice Whether `(sessionId, epoch, batch)` has been recorded.
    function isBatchRecorded(uint64 sessionId, uint32 epoch, uint32 batch) external view returns (bool);

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
