// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGradPayBase} from "./IGradPayBase.sol";

/// @title IContributionTracker
/// @notice Exactly-once records of what each node contributed per epoch (reward-math.md §1), and
///         the scores of reward-math.md §2 computed from them as views.
/// @dev Batches travel as one 32-byte word per entry (see `ContributionEntry` for the bit layout,
///      `packEntry` to build one): a 9-field ABI struct would cost ~4x the calldata.
interface IContributionTracker is IGradPayBase {
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

    /// @notice Thrown when an entry of a batch has a field above its bound (reward-math.md §1).
    /// @param position The entry's position in the batch.
    /// @param field The field.
    /// @param value Its value.
    /// @param bound The largest value it may have.
    error EntryOutOfBounds(uint256 position, EntryField field, uint256 value, uint256 bound);
    /// @notice Thrown when an entry names a node index the session does not have.
    /// @param position The entry's position in the batch.
    /// @param nodeIndex The index it names.
    /// @param nodeCount The session's nodes (valid indices are below it).
    error EntryUnknownNode(uint256 position, uint32 nodeIndex, uint32 nodeCount);
    /// @notice Thrown when an entry names a node already recorded in this epoch.
    /// @param position The entry's position in the batch.
    /// @param nodeIndex The node.
    /// @param epoch The epoch.
    error NodeAlreadyRecordedInEpoch(uint256 position, uint32 nodeIndex, uint32 epoch);
    /// @notice Thrown when adding an entry would overflow the node's stored sum of `field`.
    /// @param position The entry's position in the batch.
    /// @param nodeIndex The node.
    /// @param field The sum that would overflow (`ComputeSeconds`, `Accepted` or `Rejected`).
    error RecordOverflow(uint256 position, uint32 nodeIndex, EntryField field);
    /// @notice Thrown when `(sessionId, epoch, batch)` was already recorded: a replay, safe to treat as done
    ///         once the `entriesDigest` of its `ContributionsRecorded` matches the batch.
    /// @param sessionId The session.
    /// @param epoch The epoch.
    /// @param batch The batch number.
    error BatchAlreadyRecorded(uint64 sessionId, uint32 epoch, uint32 batch);
    /// @notice Thrown when a batch's epoch is older than the session's current epoch.
    /// @param sessionId The session.
    /// @param epoch The epoch asked for.
    /// @param currentEpoch The session's current epoch (the oldest one that still takes batches).
    error EpochOutOfOrder(uint64 sessionId, uint32 epoch, uint32 currentEpoch);
    /// @notice Thrown when a batch of the current epoch gives other rounds than the epoch's first batch did.
    /// @param sessionId The session.
    /// @param epoch The epoch.
    /// @param given The rounds the batch gives.
    /// @param recorded The rounds the epoch was opened with.
    error EpochRoundsMismatch(uint64 sessionId, uint32 epoch, uint32 given, uint32 recorded);
    /// @notice Thrown when a new epoch would take the session past its epoch limit.
    /// @param sessionId The session.
    /// @param epoch The epoch that would be one too many.
    /// @param max `MAX_EPOCHS`.
    error TooManyEpochs(uint64 sessionId, uint32 epoch, uint256 max);
    /// @notice Thrown when the session's total rounds T would exceed what a record can hold.
    /// @param sessionId The session.
    /// @param total T with the new epoch's rounds.
    /// @param max The largest T (2^27 - 1).
    error TotalRoundsOverflow(uint64 sessionId, uint256 total, uint256 max);
    /// @notice Thrown when an index range reaches past the session's nodes.
    /// @param sessionId The session.
    /// @param from The range's first index.
    /// @param count The range's length.
    /// @param nodeCount The session's nodes (the range must end at or before it).
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
}
