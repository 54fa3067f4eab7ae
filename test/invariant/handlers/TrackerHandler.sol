// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../../contracts/interfaces/IContributionTracker.sol";
import {IGradPay} from "../../../contracts/interfaces/IGradPay.sol";
import {ITrainingRegistry} from "../../../contracts/interfaces/ITrainingRegistry.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Drives one session's tracker with random batches: valid ones (new or current epoch, split over
///         batches), silent ones (no entries: an epoch in which no node reported), replays, batches with
///         exactly one bad entry (or a bad epoch), and exclusions. Keeps
///         ghost sums of every accepted entry; every call whose outcome differs from the expected one
///         (success, or exactly the expected custom error) is counted in `unexpected`.
contract TrackerHandler is Test {
    uint256 public constant NODES = 8;
    uint256 internal constant ALL = (1 << NODES) - 1;
    uint32 internal constant MAX_ROUNDS = 50;

    /// @dev reward-math.md §1 sums of one node.
    struct Ghost {
        uint256 c;
        uint256 a;
        uint256 j;
        uint256 k;
        uint256 p;
        uint256 cons;
        uint256 net;
        uint256 up;
        uint256 e;
        bool excluded;
    }

    struct Key {
        uint32 epoch;
        uint32 batch;
    }

    IGradPay internal immutable gradpay;
    address internal immutable coordinator;
    uint64 internal immutable sessionId;
    address[] internal nodes;

    Ghost[NODES] internal ghosts;
    uint256 public epochCount;
    uint32 public currentEpoch;
    uint32 public currentRounds;
    /// @dev Σ epochRounds over distinct epochs, kept per epoch too.
    uint256 public totalRounds;
    mapping(uint32 epoch => uint32) public roundsOfEpoch;
    uint32[] public epochs;
    /// @dev Nodes recorded in the current epoch, one bit per node index.
    uint256 internal currentEpochNodes;
    uint256 public totalCompute;
    uint256 public totalAccepted;
    uint256 public totalRejected;
    uint256 public nodeEpochs;

    Key[] internal recordedKeys;
    Key[] internal rejectedKeys;
    mapping(uint32 epoch => mapping(uint32 batch => bool)) public isRecorded;

    uint256 public unexpected;
    string public lastUnexpected;
    mapping(string action => uint256) public calls;

    constructor(IGradPay gradpay_, address coordinator_, uint64 sessionId_, address[] memory nodes_) {
        gradpay = gradpay_;
        coordinator = coordinator_;
        sessionId = sessionId_;
        nodes = nodes_;
        require(nodes_.length == NODES, "8 nodes");
    }

    // ------------------------------------------------------------------ views for the invariants

    function ghost(uint256 index) external view returns (Ghost memory) {
        return ghosts[index];
    }

    function recordedKeyCount() external view returns (uint256) {
        return recordedKeys.length;
    }

    function recordedKey(uint256 i) external view returns (Key memory) {
        return recordedKeys[i];
    }

    function rejectedKeyCount() external view returns (uint256) {
        return rejectedKeys.length;
    }

    function rejectedKey(uint256 i) external view returns (Key memory) {
        return rejectedKeys[i];
    }

    function epochCountSeen() external view returns (uint256) {
        return epochs.length;
    }

    // ------------------------------------------------------------------ actions

    /// @notice A valid batch: a new epoch or more nodes of the current one.
    function recordValid(uint256 seed, uint256 epochChoice, uint256 roundsSeed, uint256 batchSeed) external {
        ++calls["recordValid"];
        _recordValid(seed, epochChoice, roundsSeed, batchSeed);
    }

    /// @notice A valid batch of the current epoch when it has unrecorded nodes (a later batch of the epoch).
    function recordValidSameEpoch(uint256 seed, uint256 batchSeed) external {
        ++calls["recordValidSameEpoch"];
        _recordValid(seed, 1, 0, batchSeed);
    }

    function _recordValid(uint256 seed, uint256 epochChoice, uint256 roundsSeed, uint256 batchSeed) internal {
        (uint32 epoch, uint32 rounds, bool isNew, uint256 available) = _plan(epochChoice, roundsSeed);
        (uint256[] memory entries, uint256 mask) = _entries(seed, available, rounds);
        uint32 batch = _freshBatch(epoch, batchSeed);

        (bool ok, bytes memory ret) = _record(epoch, batch, rounds, entries);
        if (!ok) return _unexpected("recordValid reverted", ret);

        if (isNew) _openEpoch(epoch, rounds);
        currentEpochNodes |= mask;
        for (uint256 i; i < entries.length; ++i) {
            _apply(entries[i]);
        }
        nodeEpochs += entries.length;
        _markRecorded(epoch, batch);
    }

    /// @notice A batch without entries: a new epoch in which no node reported, whose rounds still count
    ///         towards T (reward-math.md §1), or one more batch of the current epoch.
    function recordSilent(uint256 epochChoice, uint256 roundsSeed, uint256 batchSeed) external {
        ++calls["recordSilent"];
        (uint32 epoch, uint32 rounds, bool isNew,) = _plan(epochChoice, roundsSeed);
        uint32 batch = _freshBatch(epoch, batchSeed);
        (bool ok, bytes memory ret) = _record(epoch, batch, rounds, new uint256[](0));
        if (!ok) return _unexpected("recordSilent reverted", ret);
        if (isNew) _openEpoch(epoch, rounds);
        _markRecorded(epoch, batch);
    }

    /// @notice A replay of a recorded batch (any epoch, any content): `BatchAlreadyRecorded`, nothing changes.
    function replay(uint256 which, uint256 seed, uint256 roundsSeed) external {
        if (recordedKeys.length == 0) return;
        ++calls["replay"];
        Key memory key = recordedKeys[which % recordedKeys.length];
        uint32 rounds = seed % 2 == 0 ? roundsOfEpoch[key.epoch] : uint32(_bound(roundsSeed, 0, MAX_ROUNDS));
        (uint256[] memory entries,) = _entries(seed, ALL, rounds);
        _expectRevert(
            "replay",
            key.epoch,
            key.batch,
            rounds,
            entries,
            abi.encodeWithSelector(
                IContributionTracker.BatchAlreadyRecorded.selector, sessionId, key.epoch, key.batch
            )
        );
    }

    /// @notice A batch that would be valid but for one thing: an entry out of bounds, an unknown or
    ///         duplicate node, an overflowing sum, mismatched rounds or an old epoch.
    function recordBad(uint256 seed, uint256 kind, uint256 position, uint256 epochChoice, uint256 roundsSeed)
        external
    {
        ++calls["recordBad"];
        (uint32 epoch, uint32 rounds, bool isNew, uint256 available) = _plan(epochChoice, roundsSeed);
        (uint256[] memory entries,) = _entries(seed, available, rounds);
        uint32 batch = _freshBatch(epoch, seed >> 128);
        position %= entries.length;
        uint256 entry = entries[position];
        uint32 index = uint32(entry);
        bytes memory err;
        kind %= 11;
        if (kind == 9 && isNew) kind = 0;
        if (kind == 10 && (epochCount == 0 || currentEpoch == 0)) kind = 6;
        if (kind == 7 && isNew && entries.length == 1) {
            entries = _pair(entry);
            position = 1;
        }

        if (kind == 0) {
            uint256 p = (entry >> 160) & type(uint32).max;
            entries[position] = _set(entry, 128, 32, p + 1);
            err = _oob(position, IContributionTracker.EntryField.RoundsOk, p + 1, p);
        } else if (kind == 1) {
            uint256 p = uint256(rounds) + 1 + (seed % 100);
            entries[position] = _set(_set(entry, 128, 32, 0), 160, 32, p);
            err = _oob(position, IContributionTracker.EntryField.RoundsJoined, p, rounds);
        } else if (kind <= 4) {
            uint256 value = 10_001 + (seed % 55_535);
            entries[position] = _set(entry, 192 + 16 * (kind - 2), 16, value);
            err = _oob(
                position,
                IContributionTracker.EntryField(
                    uint8(IContributionTracker.EntryField.ConsistencyBps) + kind - 2
                ),
                value,
                10_000
            );
        } else if (kind == 5) {
            uint256 reserved = 1 + (seed % type(uint16).max);
            entries[position] = entry | (reserved << 240);
            err = _oob(position, IContributionTracker.EntryField.ReservedBits, reserved, 0);
        } else if (kind == 6) {
            uint32 unknown = uint32(NODES + (seed % 1000));
            entries[position] = _set(entry, 0, 32, unknown);
            err = abi.encodeWithSelector(
                IContributionTracker.EntryUnknownNode.selector, position, unknown, NODES
            );
        } else if (kind == 7) {
            // A node already recorded in this epoch: by an earlier batch, or earlier in this one.
            uint32 dup;
            if (!isNew && currentEpochNodes != 0) {
                dup = uint32(_pick(currentEpochNodes, seed));
            } else {
                if (position == 0) position = 1;
                dup = uint32(entries[0]);
            }
            entries[position] = _set(entries[position], 0, 32, dup);
            err = abi.encodeWithSelector(
                IContributionTracker.NodeAlreadyRecordedInEpoch.selector, position, dup, epoch
            );
        } else if (kind == 8) {
            entries[position] = _set(entry, 64, 32, type(uint32).max);
            err = abi.encodeWithSelector(
                IContributionTracker.RecordOverflow.selector,
                position,
                index,
                IContributionTracker.EntryField.Accepted
            );
        } else if (kind == 9) {
            uint32 given = rounds + 1 + uint32(seed % 5);
            err = abi.encodeWithSelector(
                IContributionTracker.EpochRoundsMismatch.selector, sessionId, epoch, given, rounds
            );
            rounds = given;
        } else {
            uint32 old = uint32(seed % currentEpoch);
            batch = _freshBatch(old, seed >> 64);
            err = abi.encodeWithSelector(
                IContributionTracker.EpochOutOfOrder.selector, sessionId, old, currentEpoch
            );
            epoch = old;
        }
        _expectRevert("recordBad", epoch, batch, rounds, entries, err);
        rejectedKeys.push(Key(epoch, batch));
    }

    /// @notice Excludes a node, or expects `NodeAlreadyExcluded` for one already excluded.
    ///         Only one call in four acts, so that most of a run has eligible nodes left.
    function exclude(uint256 index, uint256 chance) external {
        if (chance % 4 != 0) return;
        ++calls["exclude"];
        index %= NODES;
        vm.prank(coordinator);
        (bool ok, bytes memory ret) =
            address(gradpay).call(abi.encodeCall(gradpay.excludeNode, (sessionId, nodes[index], "handler")));
        if (ghosts[index].excluded) {
            bytes memory err = abi.encodeWithSelector(
                ITrainingRegistry.NodeAlreadyExcluded.selector, sessionId, nodes[index]
            );
            if (ok || keccak256(ret) != keccak256(err)) _unexpected("exclude twice", ret);
        } else {
            if (!ok) return _unexpected("exclude reverted", ret);
            ghosts[index].excluded = true;
        }
    }

    // ------------------------------------------------------------------ internals

    function _plan(uint256 epochChoice, uint256 roundsSeed)
        internal
        view
        returns (uint32 epoch, uint32 rounds, bool isNew, uint256 available)
    {
        isNew = epochCount == 0 || currentEpochNodes == ALL || epochChoice % 3 == 0;
        if (isNew) {
            epoch = epochCount == 0
                ? uint32((epochChoice >> 8) % 4)
                : currentEpoch + 1 + uint32((epochChoice >> 8) % 3);
            rounds = uint32(_bound(roundsSeed, 0, MAX_ROUNDS));
            available = ALL;
        } else {
            (epoch, rounds, available) = (currentEpoch, currentRounds, ALL & ~currentEpochNodes);
        }
    }

    /// @dev Valid entries for a random non-empty subset of `available`, in a rotated node order.
    function _entries(uint256 seed, uint256 available, uint32 rounds)
        internal
        pure
        returns (uint256[] memory entries, uint256 mask)
    {
        mask = uint256(keccak256(abi.encode(seed, "mask"))) & available;
        if (mask == 0) mask = 1 << _pick(available, seed);
        entries = new uint256[](NODES);
        uint256 n;
        uint256 start = seed % NODES;
        for (uint256 s; s < NODES; ++s) {
            uint256 i = (start + s) % NODES;
            if (mask & (1 << i) == 0) continue;
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 p = r % (uint256(rounds) + 1);
            uint256 k = (r >> 32) % (p + 1);
            uint256 c = (r >> 64) % 4 == 0 ? 0 : (r >> 72) % 1_000_000;
            entries[n++] = i | (c << 32) | (((r >> 104) % 1000) << 64) | (((r >> 136) % 1000) << 96)
                | (k << 128) | (p << 160) | (((r >> 168) % 10_001) << 192) | (((r >> 184) % 10_001) << 208)
                | (((r >> 200) % 10_001) << 224);
        }
        assembly ("memory-safe") {
            mstore(entries, n)
        }
    }

    function _openEpoch(uint32 epoch, uint32 rounds) internal {
        ++epochCount;
        currentEpoch = epoch;
        currentRounds = rounds;
        totalRounds += rounds;
        roundsOfEpoch[epoch] = rounds;
        epochs.push(epoch);
        currentEpochNodes = 0;
    }

    function _markRecorded(uint32 epoch, uint32 batch) internal {
        isRecorded[epoch][batch] = true;
        recordedKeys.push(Key(epoch, batch));
    }

    function _apply(uint256 entry) internal {
        Ghost storage g = ghosts[uint32(entry)];
        uint256 c = (entry >> 32) & type(uint32).max;
        uint256 a = (entry >> 64) & type(uint32).max;
        uint256 j = (entry >> 96) & type(uint32).max;
        g.c += c;
        g.a += a;
        g.j += j;
        g.k += (entry >> 128) & type(uint32).max;
        g.p += (entry >> 160) & type(uint32).max;
        g.cons += (entry >> 192) & type(uint16).max;
        g.net += (entry >> 208) & type(uint16).max;
        g.up += (entry >> 224) & type(uint16).max;
        g.e += 1;
        totalCompute += c;
        totalAccepted += a;
        totalRejected += j;
    }

    function _freshBatch(uint32 epoch, uint256 seed) internal view returns (uint32 batch) {
        batch = uint32(seed % 600);
        while (isRecorded[epoch][batch]) ++batch;
    }

    function _record(uint32 epoch, uint32 batch, uint32 rounds, uint256[] memory entries)
        internal
        returns (bool ok, bytes memory ret)
    {
        vm.prank(coordinator);
        (ok, ret) = address(gradpay)
            .call(
                abi.encodeCall(gradpay.recordContributionsBatch, (sessionId, epoch, batch, rounds, entries))
            );
    }

    function _expectRevert(
        string memory action,
        uint32 epoch,
        uint32 batch,
        uint32 rounds,
        uint256[] memory entries,
        bytes memory err
    ) internal {
        bytes32 before = _digest();
        (bool ok, bytes memory ret) = _record(epoch, batch, rounds, entries);
        if (ok) return _unexpected(string.concat(action, " succeeded"), ret);
        if (keccak256(ret) != keccak256(err)) {
            return _unexpected(string.concat(action, ": other error"), ret);
        }
        if (_digest() != before) _unexpected(string.concat(action, " changed the state"), ret);
    }

    /// @dev Everything the tracker exposes about the session.
    function _digest() internal view returns (bytes32) {
        bytes memory out = abi.encode(gradpay.getSession(sessionId), gradpay.getSessionTotal(sessionId));
        for (uint32 i; i < NODES; ++i) {
            out = bytes.concat(out, abi.encode(gradpay.getContributionByIndex(sessionId, i)));
        }
        return keccak256(out);
    }

    function _unexpected(string memory what, bytes memory ret) internal {
        ++unexpected;
        lastUnexpected = string.concat(what, " ", vm.toString(ret));
    }

    function _oob(uint256 position, IContributionTracker.EntryField field, uint256 value, uint256 bound_)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            IContributionTracker.EntryOutOfBounds.selector, position, field, value, bound_
        );
    }

    function _set(uint256 word, uint256 shift, uint256 width, uint256 value) internal pure returns (uint256) {
        uint256 mask = ((1 << width) - 1) << shift;
        return (word & ~mask) | (value << shift);
    }

    function _pair(uint256 entry) internal pure returns (uint256[] memory list) {
        list = new uint256[](2);
        (list[0], list[1]) = (entry, entry);
    }

    /// @dev One set bit of `bits` (non-zero), chosen by `seed`.
    function _pick(uint256 bits, uint256 seed) internal pure returns (uint256) {
        uint256 skip = seed % _popcount(bits);
        for (uint256 i; i < NODES; ++i) {
            if (bits & (1 << i) == 0) continue;
            if (skip == 0) return i;
            --skip;
        }
        revert("empty");
    }

    function _popcount(uint256 bits) internal pure returns (uint256 n) {
        for (; bits != 0; bits &= bits - 1) {
            ++n;
        }
    }
}
