// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAdminControls} from "../interfaces/IAdminControls.sol";
import {IGradPayBase} from "../interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {ITrainingRegistry} from "../interfaces/ITrainingRegistry.sol";
import {NodeRecords} from "../libraries/NodeRecords.sol";
import {PoolCodec} from "../libraries/PoolCodec.sol";
import {PoolReward} from "../libraries/PoolReward.sol";
import {RecordPacking} from "../libraries/RecordPacking.sol";
import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title GradPayStorage
/// @notice The state shared by the three concerns (registry, tracker, distributor), which live behind
///         one address so that a claim or a record batch never pays for a cross-contract call.
/// @dev Every struct is laid out to the bit: what one operation reads sits in as few slots as possible.
abstract contract GradPayStorage is IGradPayBase, AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    using RecordPacking for uint256;
    using SafeERC20 for IERC20;

    /// @inheritdoc IGradPayBase
    bytes32 public constant COORDINATOR_ROLE = keccak256("COORDINATOR_ROLE");
    /// @inheritdoc IGradPayBase
    uint48 public constant ADMIN_TRANSFER_DELAY = 3 days;
    /// @inheritdoc IGradPayBase
    /// @dev Keeps every session-wide sum inside its packed field (see `Totals`, `Finalization`).
    uint256 public constant MAX_NODES = type(uint24).max;
    /// @inheritdoc IGradPayBase
    uint256 public constant MAX_EPOCHS = RecordPacking.MAX_EPOCHS;
    /// @inheritdoc IGradPayBase
    /// @dev One pool per claim bit of a node slot (bits 32..255).
    uint256 public constant MAX_POOLS = 224;

    /// @dev One slot. `epochCount` doubles as the current epoch's ordinal in node records.
    struct Session {
        SessionState state;
        uint32 nodeCount;
        uint32 eligibleCount;
        uint32 totalRounds;
        uint32 currentEpoch;
        uint16 epochCount;
        uint32 currentEpochRounds;
        uint8 poolCount;
        uint64 clipK;
    }

    /// @dev One slot, updated once per batch.
    struct Totals {
        uint88 computeSeconds;
        uint64 accepted;
        uint64 rejected;
        uint40 nodeEpochs;
    }

    /// @dev The finalization pass's running state, which becomes the pools' reward basis once the session
    ///      is Finalized (no copy). Widths follow from < 2^24 nodes and scores < 2^69. Slot 1 holds all a
    ///      proportional or minimum-guarantee claim needs (S', cap, T, n); tiered adds slots 0 and 2, hybrid
    ///      slot 0. T and n are copied from the session at start: neither can change once it is Completed
    ///      (an exclusion restarts the pass).
    struct Finalization {
        // slot 0
        bool started;
        uint24 processed;
        uint24 lastIndex;
        uint72 lastScore;
        uint40 sumQuality;
        uint40 sumReliability;
        uint24 tier2LastIndex;
        // slot 1
        uint96 sumEffectiveScore;
        uint72 clipCap;
        uint32 totalRounds;
        uint24 eligibleCount;
        uint24 tier1LastIndex;
        // slot 2
        uint96 sumTierWeighted;
        uint72 tier1LastScore;
        uint72 tier2LastScore;
        // slots 3, 4: claimed totals not yet matched by ranked nodes
        uint128 sumScoreOutstanding;
        uint256 sumScoreSquaredOutstanding;
    }

    /// @dev Slot 0 holds everything a claim reads but the amounts; `refundTo` (slot 3) only the sweep reads.
    ///      For Tiered `paramA` is the base bps, for MinimumGuarantee the floor bps; for Hybrid
    ///      `paramA`/`paramB` are the quality/reliability bps. `unpausedDeadline` is the claim deadline on the
    ///      unpaused clock (`block.timestamp - _pausedTime`), so time spent paused never shortens a window.
    struct Pool {
        address token;
        uint40 unpausedDeadline;
        IRewardDistributor.Strategy strategy;
        uint16 paramA;
        uint16 paramB;
        bool swept;
        uint256 amount;
        uint256 remaining;
        address refundTo;
    }

    /// @dev One slot, which every claim reads (the pause check): the pause clock and what ETH pools still
    ///      owe. `pausedSince` is 0 when no pause was started since the last one ended (a pause past
    ///      `MAX_PAUSE` has lapsed but is folded into `pausedTotal` only by the next `pause`).
    ///      All the ETH there is (< 2^87 wei) fits `ethOwed`.
    struct PauseState {
        uint40 pausedSince;
        uint40 pausedTotal;
        uint40 lastPauseEnd;
        uint96 ethOwed;
    }

    /// @dev One slot, which every operator check reads: who runs the session, and whether its nodes must
    ///      consent to their registration by signature (`registerSignedNodes`).
    struct SessionOwner {
        address owner;
        bool nodeSigned;
    }

    mapping(uint64 sessionId => Session) internal _sessions;
    mapping(uint64 sessionId => bytes32) internal _modelHashes;
    mapping(uint64 sessionId => Totals) internal _totals;
    /// @dev Bits 0..23: node index + 1 (0 = not registered). Bit 24 (`PAYOUT_BIT`): the node chose a payout
    ///      address other than itself for this session (in `_payouts`), so a claim of a node without one reads
    ///      nothing more. Bit 32 + i: pool i of the session claimed. Keeping the claim bits here lets a claim
    ///      flip a bit in a slot it reads anyway.
    mapping(uint64 sessionId => mapping(address node => uint256)) internal _nodeSlots;
    /// @dev Bit `batch % 256` of word `batch / 256`: that batch of that epoch was recorded.
    mapping(uint64 sessionId => mapping(uint32 epoch => mapping(uint256 word => uint256))) internal
        _recordedBatches;
    mapping(uint64 sessionId => Finalization) internal _finalizations;
    mapping(uint256 poolId => Pool) internal _pools;
    PauseState internal _pauseState;
    /// @dev What unswept pools of each ERC20 still owe (ETH's is `_pauseState.ethOwed`).
    mapping(address token => uint256) internal _owed;
    /// @dev The account that created the session (the only one that names its delegates and sponsors), and
    ///      whether the session takes only node-signed registrations.
    mapping(uint64 sessionId => SessionOwner) internal _sessionOwners;
    /// @dev What the session's owner let `account` do: bit `RIGHT_DELEGATE` (run the session as the
    ///      owner does, e.g. one of several sender keys), bit `RIGHT_SPONSOR` (fund pools).
    mapping(uint64 sessionId => mapping(address account => uint256 rights)) internal _sessionRights;
    /// @dev Which node registered under each id: an id names one node of the session (never zero).
    mapping(uint64 sessionId => mapping(bytes32 nodeId => address node)) internal _nodeIds;

    /// @dev Where a node's rewards from the session go when its slot has `PAYOUT_BIT` (else to the node).
    mapping(uint64 sessionId => mapping(address node => address payout)) internal _payouts;
    /// @dev Unordered nonces of signed requests: bit `nonce % 256` of word `nonce / 256` is set once the
    ///      nonce is used or burnt, so a node can sign several requests and a relayer submit them in any order.
    mapping(address signer => mapping(uint256 word => uint256 bits)) internal _usedNonces;
    /// @dev Payout changes are ordered, unlike claims: a signed change must name the node's current payout
    ///      nonce, and every change (by transaction or signature) advances it, so a change signed before the
    ///      node's latest one can never be applied after it.
    mapping(address node => uint256 nonce) internal _payoutNonces;

    uint256 internal constant RIGHT_DELEGATE = 1;
    uint256 internal constant RIGHT_SPONSOR = 2;

    /// @dev A pause ends by itself after this long, so an absent admin cannot lock funds for good.
    uint256 internal constant MAX_PAUSE = 14 days;

    /// @dev MAX_NODES < 2^24, so index + 1 fits 24 bits.
    uint256 internal constant INDEX_MASK = type(uint24).max;
    uint256 internal constant PAYOUT_BIT = 1 << 24;
    uint256 internal constant CLAIM_BITS_SHIFT = 32;

    modifier whenNotPaused() {
        _requireNotPaused();
        _;
    }

    // ------------------------------------------------------------------ pause clock

    /// @dev The check every state-changing function but claims and sweeps makes: as cheap as a bool.
    function _requireNotPaused() internal view {
        uint256 since = _pauseState.pausedSince;
        if (since != 0 && block.timestamp < since + MAX_PAUSE) revert IAdminControls.EnforcedPause();
    }

    /// @dev Reverts while paused; else the time on the unpaused clock, which stands still while paused.
    ///      Reads the one slot a claim reads anyway.
    function _unpausedNow() internal view returns (uint256) {
        PauseState storage state = _pauseState;
        uint256 since = state.pausedSince;
        uint256 pausedSeconds = state.pausedTotal;
        if (since != 0) {
            if (block.timestamp < since + MAX_PAUSE) revert IAdminControls.EnforcedPause();
            pausedSeconds += MAX_PAUSE; // the last pause lapsed; `pause` folds it in later
        }
        return block.timestamp - pausedSeconds;
    }

    function _isPaused(PauseState memory state) internal view returns (bool) {
        return state.pausedSince != 0 && block.timestamp < uint256(state.pausedSince) + MAX_PAUSE;
    }

    /// @dev Seconds paused so far: the ended pauses, plus the one in progress up to now (a lapsed one at
    ///      its full `MAX_PAUSE`).
    function _pausedTime(PauseState memory state) internal view returns (uint256 total) {
        total = state.pausedTotal;
        if (state.pausedSince != 0) total += Math.min(block.timestamp - state.pausedSince, MAX_PAUSE);
    }

    // ------------------------------------------------------------------ what pools owe

    function _owedOf(address token) internal view returns (uint256) {
        return token == address(0) ? _pauseState.ethOwed : _owed[token];
    }

    function _balanceOf(address token) internal view returns (uint256) {
        return token == address(0) ? address(this).balance : IERC20(token).balanceOf(address(this));
    }

    /// @dev `amount` of what pools owe, scaled down by the share of it the contract holds: when a token's
    ///      balance fell below what its pools owe (a negative rebase, a burn), every payment of it is cut by
    ///      the same fraction, so the loss is shared by all its pools rather than left to the last claimant.
    function _scaled(uint256 amount, uint256 balance, uint256 owed) internal pure returns (uint256) {
        return balance < owed ? Math.mulDiv(amount, balance, owed) : amount;
    }

    function _send(address token, address to, uint256 amount) internal {
        if (amount == 0) return;
        if (token == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert IRewardDistributor.EthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    // ------------------------------------------------------------------ sessions

    /// @dev Reverts unless the session is in `required`.
    function _requireState(uint64 sessionId, Session memory session, SessionState required) internal pure {
        if (session.state != required) {
            revert SessionInWrongState(sessionId, session.state, required);
        }
    }

    /// @dev Reverts unless the session is Active or Completed (the states in which it can still change
    ///      what finalization will see): an unknown session is asked to be Active, a Finalized one Completed.
    function _requireNotFinalized(uint64 sessionId, Session memory session) internal pure {
        SessionState state = session.state;
        if (state == SessionState.None) {
            revert SessionInWrongState(sessionId, state, SessionState.Active);
        }
        if (state == SessionState.Finalized) {
            revert SessionInWrongState(sessionId, state, SessionState.Completed);
        }
    }

    /// @dev Reverts unless the caller runs the session: its owner or one of the owner's delegates. An
    ///      unknown session has no owner, so every caller is refused.
    function _requireOperator(uint64 sessionId) internal view {
        if (msg.sender == _sessionOwners[sessionId].owner) return;
        if (_sessionRights[sessionId][msg.sender] & RIGHT_DELEGATE != 0) return;
        revert NotSessionOperator(sessionId, msg.sender);
    }

    /// @dev `_requireOperator` as a modifier, placed first so that a caller who may not run the session
    ///      learns that before anything about the session's state.
    modifier onlyOperator(uint64 sessionId) {
        _requireOperator(sessionId);
        _;
    }

    /// @dev Reverts unless the caller may fund a pool of the session: an operator or an approved sponsor.
    function _requireFunder(uint64 sessionId) internal view {
        if (msg.sender == _sessionOwners[sessionId].owner) return;
        if (_sessionRights[sessionId][msg.sender] & (RIGHT_DELEGATE | RIGHT_SPONSOR) != 0) return;
        revert NotSessionFunder(sessionId, msg.sender);
    }

    /// @dev The node's slot, reverting for a stranger.
    function _nodeSlotOf(uint64 sessionId, address node) internal view returns (uint256 slot) {
        slot = _nodeSlots[sessionId][node];
        if (slot == 0) revert NodeNotRegistered(sessionId, node);
    }

    /// @dev Creates an Active session owned by the caller.
    function _createSession(uint64 sessionId, bytes32 modelHash, uint64 clipK, bool nodeSigned) internal {
        Session storage session = _sessions[sessionId];
        if (session.state != SessionState.None) revert ITrainingRegistry.SessionAlreadyExists(sessionId);
        session.state = SessionState.Active;
        session.clipK = clipK;
        _modelHashes[sessionId] = modelHash;
        _sessionOwners[sessionId] = SessionOwner({owner: msg.sender, nodeSigned: nodeSigned});
        emit ITrainingRegistry.SessionCreated(sessionId, modelHash, clipK, msg.sender, nodeSigned);
    }

    function _checkCapacity(uint64 sessionId, uint256 nodeCount, uint256 adding) internal pure {
        uint256 requested = nodeCount + adding;
        if (requested > MAX_NODES) revert ITrainingRegistry.TooManyNodes(sessionId, requested, MAX_NODES);
    }

    /// @dev Two new storage slots per node: the node slot (index + 1, with `flags`) and the id's owner. The
    ///      record slot is first written by the node's first entry, so the first epoch pays one slot creation
    ///      more.
    function _register(
        uint64 sessionId,
        address node,
        bytes32 nodeId,
        uint32 index,
        uint256 position,
        uint256 flags
    ) internal {
        if (node == address(0)) revert ITrainingRegistry.ZeroAddressNode(position);
        if (nodeId == bytes32(0)) revert ITrainingRegistry.ZeroNodeId(position);
        mapping(address => uint256) storage slots = _nodeSlots[sessionId];
        if (slots[node] != 0) revert ITrainingRegistry.NodeAlreadyRegistered(sessionId, node);
        mapping(bytes32 => address) storage ids = _nodeIds[sessionId];
        address holder = ids[nodeId];
        if (holder != address(0)) {
            revert ITrainingRegistry.NodeIdAlreadyRegistered(sessionId, nodeId, holder);
        }
        ids[nodeId] = node;
        slots[node] = (uint256(index) + 1) | flags;
        emit ITrainingRegistry.NodeRegistered(sessionId, node, index, nodeId);
    }

    function _indexOf(uint256 nodeSlot) internal pure returns (uint32) {
        return uint32((nodeSlot & INDEX_MASK) - 1);
    }

    /// @dev A changed eligible set or clip factor invalidates a pass in progress: it must start over.
    function _resetFinalization(uint64 sessionId) internal {
        if (_finalizations[sessionId].started) {
            delete _finalizations[sessionId];
            emit FinalizationReset(sessionId);
        }
    }

    /// @dev Where a batch's exactly-once flag lives: bit `batch % 256` of word `batch / 256`.
    function _batchFlag(uint32 batch) internal pure returns (uint256 word, uint256 bit) {
        word = batch >> 8;
        bit = 1 << (batch & 0xff);
    }

    // ------------------------------------------------------------------ pools

    function _existingPool(uint256 poolId) internal view returns (Pool storage pool) {
        pool = _pools[poolId];
        if (pool.amount == 0) revert IRewardDistributor.PoolNotFound(poolId);
    }

    function _claimBit(uint256 poolId) internal pure returns (uint256) {
        return 1 << (CLAIM_BITS_SHIFT + PoolCodec.indexOf(poolId));
    }

    /// @dev Checks and records a claim (the caller pays once all of its claims are recorded). A pool the
    ///      node already claimed or that owes it nothing records nothing and returns 0. The reward goes to
    ///      `to` when it is not zero (a one-off `claimRewardTo`), else to the node's payout for the session,
    ///      which is the node itself unless its slot has `PAYOUT_BIT` (so only then is `_payouts` read).
    function _claim(uint256 poolId, address node, address to, uint256 unpausedNow)
        internal
        returns (address token, uint256 amount, address recipient)
    {
        Pool storage pool = _existingPool(poolId);
        uint256 deadline = pool.unpausedDeadline;
        if (unpausedNow > deadline) {
            revert IRewardDistributor.ClaimWindowClosed(poolId, _wallDeadline(deadline, unpausedNow));
        }
        uint64 sessionId = PoolCodec.sessionOf(poolId);
        uint256 claimBit = _claimBit(poolId);
        uint256 nodeSlot = _nodeSlotOf(sessionId, node);
        token = pool.token;
        if (nodeSlot & claimBit != 0) return (token, 0, node);
        amount = _rewardOf(pool, sessionId, _indexOf(nodeSlot));
        if (amount == 0) return (token, 0, node);

        recipient = to;
        if (recipient == address(0)) {
            recipient = nodeSlot & PAYOUT_BIT == 0 ? node : _payouts[sessionId][node];
        }
        _nodeSlots[sessionId][node] = nodeSlot | claimBit;
        pool.remaining -= amount;
        emit IRewardDistributor.RewardClaimed(poolId, node, amount, msg.sender, recipient);
    }

    /// @dev Takes `amount` off what `token`'s pools owe and returns what `to` is paid for it.
    function _settle(address token, address to, uint256 amount) internal returns (uint256 paid) {
        (uint256 balance, uint256 owed) = _debit(token, amount);
        paid = _scaled(amount, balance, owed);
        if (paid != amount) emit IRewardDistributor.PaymentShortfall(token, to, amount, paid);
    }

    /// @dev Takes `amount` off what `token`'s pools owe; returns the balance and what was owed before.
    function _debit(address token, uint256 amount) internal returns (uint256 balance, uint256 owed) {
        balance = _balanceOf(token);
        if (token == address(0)) {
            owed = _pauseState.ethOwed;
            _pauseState.ethOwed = uint96(owed - amount);
        } else {
            owed = _owed[token];
            _owed[token] = owed - amount;
        }
    }

    /// @dev The wall-clock deadline now of a pool whose deadline on the unpaused clock is `deadline`.
    function _wallDeadline(uint256 deadline, uint256 unpausedNow) internal view returns (uint40) {
        return uint40(deadline + block.timestamp - unpausedNow);
    }

    /// @dev §5 for one node: O(1), from its record and what finalization fixed.
    function _rewardOf(Pool storage pool, uint64 sessionId, uint32 index) internal view returns (uint256) {
        uint256 record = NodeRecords.load(NodeRecords.baseSlot(sessionId), index);
        if (!record.isEligible()) return 0;
        return PoolReward.rewardOf(pool, _finalizations[sessionId], record, index);
    }
}
