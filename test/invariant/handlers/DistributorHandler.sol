// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPay} from "../../../contracts/interfaces/IGradPay.sol";
import {IRewardDistributor} from "../../../contracts/interfaces/IRewardDistributor.sol";
import {RecordPacking} from "../../../contracts/libraries/RecordPacking.sol";
import {MockERC20} from "../../mocks/MockERC20.sol";
import {RewardModel} from "../../utils/RewardModel.sol";
import {slice} from "../../utils/Slice.sol";
import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

/// @notice Drives gradpay through random sessions, pools of every strategy, claims (own, for others, in
///         batches, repeated), time, pauses, sweeps, funds sent by mistake and their rescue, and keeps
///         ghost books to judge every outcome against the independent model of reward-math.md.
contract DistributorHandler is CommonBase, StdCheats, StdUtils {
    IGradPay internal immutable gradpay;
    MockERC20 internal immutable token;
    address internal immutable admin;
    address internal immutable coordinator;
    address internal immutable refund;

    uint256 internal constant ACTORS = 10;
    address[ACTORS] internal actors;
    address internal immutable outsider;

    struct PoolGhost {
        uint256 poolId;
        uint64 sessionId;
        address token;
        uint256 amount;
        uint256 paid;
        uint256 swept;
        bool isSwept;
        uint256 eligible; // n
        uint256 owedCount; // nodes with a non-zero share
        uint256 claimedCount;
    }

    uint64 public nextSessionId = 1000;
    uint64[] public finalizedSessions;
    mapping(uint64 sessionId => address[]) internal _sessionNodes;
    PoolGhost[] internal _pools;
    mapping(uint256 poolId => uint256) internal _poolSlot;
    mapping(uint256 poolId => mapping(address node => uint256)) public expectedReward;
    mapping(uint256 poolId => mapping(address node => uint256)) public timesPaid;

    // Ghost verdicts: each must stay 0 (see DistributorInvariant).
    uint256 public maxTimesPaid;
    uint256 public claimMismatches;
    uint256 public sweepMismatches;
    uint256 public unexpectedOutcomes;
    uint256 public callerPaid;
    uint256 public rescueMismatches;

    // Ghost books of what unswept pools owe, and of what was sent to the contract by mistake.
    uint256 public ethOwed;
    uint256 public tokenOwed;
    uint256 public ethSurplus;
    uint256 public tokenSurplus;

    // Coverage counters.
    uint256 public claimsSucceeded;
    uint256 public claimsRejected;
    uint256 public batchesSucceeded;
    uint256 public sweepsSucceeded;
    uint256 public pauses;
    uint256 public rescues;

    constructor(IGradPay gradpay_, MockERC20 token_, address admin_, address coordinator_, address refund_) {
        (gradpay, token, admin, coordinator, refund) = (gradpay_, token_, admin_, coordinator_, refund_);
        for (uint256 i; i < ACTORS; ++i) {
            actors[i] = makeAddr(string.concat("actor-", vm.toString(i)));
        }
        outsider = makeAddr("outsider");
    }

    // ------------------------------------------------------------------ views for the invariants

    function poolCount() external view returns (uint256) {
        return _pools.length;
    }

    function pool(uint256 i) external view returns (PoolGhost memory) {
        return _pools[i];
    }

    // ------------------------------------------------------------------ actions

    /// @notice A session of 1-8 nodes with random metrics (some never report, some are excluded, some are
    ///         outliers), one or two epochs, random clipK, finalized in one or two chunks.
    function createSession(uint256 seed, uint256 nodeCount, uint256 clipSeed) external {
        if (gradpay.paused()) return;
        nodeCount = bound(nodeCount, 1, 8);
        uint64 sessionId = nextSessionId++;
        uint64 clipK = clipSeed % 3 == 0 ? 0 : uint64(bound(clipSeed, 1e17, 3e18));
        address[] memory members = new address[](nodeCount);
        bytes32[] memory ids = new bytes32[](nodeCount);
        uint256 offset = seed % ACTORS;
        for (uint256 i; i < nodeCount; ++i) {
            members[i] = actors[(offset + i) % ACTORS];
            ids[i] = bytes32(i + 1);
        }
        _sessionNodes[sessionId] = members;

        vm.startPrank(coordinator);
        gradpay.createSession(sessionId, keccak256("invariant"), clipK);
        gradpay.registerNodesBatch(sessionId, members, ids);
        uint256 epochs = 1 + (seed >> 8) % 2;
        for (uint32 epoch; epoch < epochs; ++epoch) {
            uint256[] memory entries = new uint256[](nodeCount);
            for (uint256 i; i < nodeCount; ++i) {
                entries[i] = _randomEntry(uint256(keccak256(abi.encode(seed, epoch, i))), uint32(i));
            }
            gradpay.recordContributionsBatch(sessionId, epoch, 0, 10, entries);
        }
        for (uint256 i; i < nodeCount; ++i) {
            if (uint256(keccak256(abi.encode(seed, "exclude", i))) % 8 == 0) {
                gradpay.excludeNode(sessionId, members[i], "invariant");
            }
        }
        gradpay.completeSession(sessionId);

        RewardModel.Node[] memory ranked = RewardModel.rankedNodes(IGradPay(address(gradpay)), sessionId);
        RewardModel.Basis memory basis = RewardModel.basisOf(ranked, clipK);
        gradpay.startFinalization(sessionId, uint32(basis.n), basis.sumScore, basis.sumSquares);
        if (basis.n > 0) {
            uint32[] memory all = RewardModel.indices(ranked);
            uint256 split = bound(seed >> 16, 0, all.length);
            if (split > 0 && split < all.length) {
                gradpay.submitRanking(sessionId, slice(all, 0, split), false);
                gradpay.submitRanking(sessionId, slice(all, split, all.length), true);
            } else {
                gradpay.submitRanking(sessionId, all, true);
            }
        }
        vm.stopPrank();
        finalizedSessions.push(sessionId);
    }

    /// @notice A pool of any strategy, in ETH or the token, on a finalized session.
    function createPool(
        uint256 sessionSeed,
        uint256 strategySeed,
        uint256 amount,
        uint256 paramSeed,
        bool inToken
    ) external {
        if (finalizedSessions.length == 0 || gradpay.paused()) return;
        uint64 sessionId = finalizedSessions[sessionSeed % finalizedSessions.length];
        if (gradpay.getSession(sessionId).poolCount >= 200) return;
        IRewardDistributor.Strategy strategy = IRewardDistributor.Strategy(strategySeed % 4);
        IRewardDistributor.PoolParams memory params = _randomParams(strategy, paramSeed);
        // Tiny pools make zero shares common; large ones exercise the full range.
        amount = paramSeed % 8 == 0 ? bound(amount, 1, 100) : bound(amount, 1, inToken ? 1e30 : 1000 ether);
        address poolToken = inToken ? address(token) : address(0);
        uint40 deadline = uint40(block.timestamp + bound(strategySeed >> 8, 7 days, 30 days));

        if (!inToken) vm.deal(coordinator, coordinator.balance + amount);
        vm.prank(coordinator);
        uint256 poolId = gradpay.createRewardPool{value: inToken ? 0 : amount}(
            sessionId, poolToken, amount, strategy, params, deadline, refund
        );
        if (inToken) tokenOwed += amount;
        else ethOwed += amount;

        RewardModel.Node[] memory ranked = RewardModel.rankedNodes(IGradPay(address(gradpay)), sessionId);
        uint256[] memory rewards =
            RewardModel.payouts(ranked, gradpay.getSession(sessionId).clipK, strategy, params, amount);
        address[] memory members = _sessionNodes[sessionId];
        uint256 owed;
        for (uint256 i; i < ranked.length; ++i) {
            expectedReward[poolId][members[ranked[i].index]] = rewards[i];
            if (rewards[i] > 0) ++owed;
        }
        _poolSlot[poolId] = _pools.length;
        _pools.push(
            PoolGhost({
                poolId: poolId,
                sessionId: sessionId,
                token: poolToken,
                amount: amount,
                paid: 0,
                swept: 0,
                isSwept: false,
                eligible: ranked.length,
                owedCount: owed,
                claimedCount: 0
            })
        );
    }

    /// @notice A claim by the node itself or, by anyone, for it; repeats, ineligible nodes and strangers too.
    function claim(uint256 poolSeed, uint256 nodeSeed, uint256 callerSeed, bool forOther) external {
        if (_pools.length == 0) return;
        PoolGhost storage p = _pools[poolSeed % _pools.length];
        // Mostly a node still owed by the pool (so that claims succeed often); otherwise anyone.
        address node = nodeSeed % 4 == 0 ? _pickNode(p.sessionId, nodeSeed >> 2) : _pickOwed(p, nodeSeed >> 2);
        address caller = forOther ? _pickCaller(callerSeed) : node;
        bool mustSucceed = _claimable(p, node);
        // The views agree with the books: entitlement always, pending only while claimable.
        uint256 expected = expectedReward[p.poolId][node];
        if (gradpay.rewardOf(p.poolId, node) != expected) ++claimMismatches;
        if (gradpay.pendingReward(p.poolId, node) != (_pending(p, node) ? expected : 0)) ++claimMismatches;
        if (gradpay.hasClaimed(p.poolId, node) != (timesPaid[p.poolId][node] > 0)) ++claimMismatches;
        uint256 nodeBefore = _balanceOf(p.token, node);
        uint256 callerBefore = _balanceOf(p.token, caller);

        bool ok;
        uint256 amount;
        vm.prank(caller);
        if (forOther) {
            try gradpay.claimRewardFor(p.poolId, node) returns (uint256 paid) {
                (ok, amount) = (true, paid);
            } catch {}
        } else {
            try gradpay.claimReward(p.poolId) returns (uint256 paid) {
                (ok, amount) = (true, paid);
            } catch {}
        }
        if (ok) {
            _recordPaid(p, node, amount);
            if (_balanceOf(p.token, node) - nodeBefore != amount) ++claimMismatches;
            if (caller != node && _balanceOf(p.token, caller) != callerBefore) ++callerPaid;
            if (!mustSucceed) ++unexpectedOutcomes;
        } else {
            ++claimsRejected;
            if (mustSucceed) ++unexpectedOutcomes;
        }
    }

    /// @notice A node claims a random selection of pools (duplicates possible) in one batch. A pool already
    ///         claimed or owing nothing pays 0; the batch reverts when a pool is closed or of a session the
    ///         node is not in, or when no pool pays anything.
    function claimBatch(uint256 nodeSeed, uint256 pickSeed, uint256 count) external {
        if (_pools.length == 0) return;
        address node = _pickOwed(_pools[nodeSeed % _pools.length], nodeSeed >> 8);
        count = bound(count, 1, 5);
        uint256[] memory poolIds = new uint256[](count);
        uint256[] memory expected = new uint256[](count);
        bool mustRevert = gradpay.paused();
        bool paysAny;
        uint256 ethBefore = node.balance;
        uint256 tokenBefore = token.balanceOf(node);
        // Mostly pools the node can claim now (so that batches pay often); otherwise any pool.
        uint256[] memory open = _claimablePools(node);
        for (uint256 i; i < count; ++i) {
            uint256 h = uint256(keccak256(abi.encode(pickSeed, i)));
            PoolGhost storage p = open.length > 0 && h % 5 != 0
                ? _pools[open[(h >> 8) % open.length]]
                : _pools[(h >> 8) % _pools.length];
            poolIds[i] = p.poolId;
            if (block.timestamp > gradpay.getPool(p.poolId).claimDeadline) mustRevert = true;
            if (!gradpay.isRegistered(p.sessionId, node)) mustRevert = true;
            bool listedBefore;
            for (uint256 j; j < i; ++j) {
                if (poolIds[j] == p.poolId) listedBefore = true;
            }
            if (!listedBefore && _claimable(p, node)) expected[i] = expectedReward[p.poolId][node];
            if (expected[i] > 0) paysAny = true;
        }
        if (!paysAny) mustRevert = true;

        vm.prank(node);
        try gradpay.claimRewardsBatch(poolIds) returns (uint256[] memory amounts) {
            ++batchesSucceeded;
            uint256 ethPaid;
            uint256 tokenPaid;
            for (uint256 i; i < count; ++i) {
                if (amounts[i] != expected[i]) ++claimMismatches;
                if (amounts[i] == 0) continue;
                PoolGhost storage p = _pools[_poolSlot[poolIds[i]]];
                _recordPaid(p, node, amounts[i]);
                if (p.token == address(0)) ethPaid += amounts[i];
                else tokenPaid += amounts[i];
            }
            if (node.balance - ethBefore != ethPaid || token.balanceOf(node) - tokenBefore != tokenPaid) {
                ++claimMismatches;
            }
            if (mustRevert) ++unexpectedOutcomes;
        } catch {
            ++claimsRejected;
            if (!mustRevert) ++unexpectedOutcomes;
        }
    }

    function warp(uint256 seconds_) external {
        // Up to 6 days a step: pools (7-30 day windows) close, get swept and pauses lapse within a run.
        vm.warp(block.timestamp + bound(seconds_, 0, 6 days));
    }

    /// @notice Anyone sweeps a pool: only after its deadline, once, exactly what is left, to the refund address.
    function sweep(uint256 poolSeed, uint256 callerSeed) external {
        if (_pools.length == 0) return;
        PoolGhost storage p = _pools[poolSeed % _pools.length];
        bool mustSucceed =
            !gradpay.paused() && block.timestamp > gradpay.getPool(p.poolId).claimDeadline && !p.isSwept;
        uint256 refundBefore = _balanceOf(p.token, refund);
        vm.prank(_pickCaller(callerSeed));
        try gradpay.sweepPool(p.poolId) returns (uint256 amount) {
            ++sweepsSucceeded;
            if (amount != p.amount - p.paid) ++sweepMismatches;
            if (_balanceOf(p.token, refund) - refundBefore != amount) ++sweepMismatches;
            p.swept = amount;
            p.isSwept = true;
            if (p.token == address(0)) ethOwed -= amount;
            else tokenOwed -= amount;
            if (!mustSucceed) ++unexpectedOutcomes;
        } catch {
            if (mustSucceed) ++unexpectedOutcomes;
        }
    }

    /// @notice The admin pauses (when the cooldown allows) or unpauses.
    function togglePause() external {
        bool isPaused = gradpay.paused();
        vm.prank(admin);
        if (isPaused) {
            gradpay.unpause();
        } else {
            try gradpay.pause() {
                ++pauses;
            } catch {}
        }
    }

    /// @notice Someone sends ETH or tokens to the contract outside any pool (a mistake, a forced send).
    function donate(uint256 amount, bool inToken) external {
        amount = bound(amount, 1, 100 ether);
        if (inToken) {
            token.mint(address(gradpay), amount);
            tokenSurplus += amount;
        } else {
            vm.deal(address(gradpay), address(gradpay).balance + amount);
            ethSurplus += amount;
        }
    }

    /// @notice The admin rescues what is above what pools owe: exactly what was sent by mistake.
    function rescue(bool inToken) external {
        address rescueToken = inToken ? address(token) : address(0);
        uint256 surplus = inToken ? tokenSurplus : ethSurplus;
        address to = makeAddr("rescue-to");
        uint256 before = _balanceOf(rescueToken, to);
        vm.prank(admin);
        try gradpay.rescue(rescueToken, to) returns (uint256 amount) {
            ++rescues;
            if (amount != surplus || _balanceOf(rescueToken, to) - before != amount) ++rescueMismatches;
            if (inToken) tokenSurplus = 0;
            else ethSurplus = 0;
        } catch {
            if (surplus != 0) ++unexpectedOutcomes;
        }
    }

    // ------------------------------------------------------------------ internals

    function _claimable(PoolGhost storage p, address node) internal view returns (bool) {
        return !gradpay.paused() && _pending(p, node);
    }

    /// @dev Owed and unpaid, the window open (pending: claimable once any pause is over).
    function _pending(PoolGhost storage p, address node) internal view returns (bool) {
        return block.timestamp <= gradpay.getPool(p.poolId).claimDeadline && timesPaid[p.poolId][node] == 0
            && expectedReward[p.poolId][node] > 0;
    }

    function _recordPaid(PoolGhost storage p, address node, uint256 amount) internal {
        ++claimsSucceeded;
        if (amount != expectedReward[p.poolId][node]) ++claimMismatches;
        uint256 times = ++timesPaid[p.poolId][node];
        if (times > maxTimesPaid) maxTimesPaid = times;
        p.paid += amount;
        ++p.claimedCount;
        if (p.token == address(0)) ethOwed -= amount;
        else tokenOwed -= amount;
    }

    function _pickNode(uint64 sessionId, uint256 seed) internal view returns (address) {
        address[] storage members = _sessionNodes[sessionId];
        if (seed % 16 == 0) return outsider;
        return members[seed % members.length];
    }

    function _pickOwed(PoolGhost storage p, uint256 seed) internal view returns (address) {
        address[] storage members = _sessionNodes[p.sessionId];
        for (uint256 k; k < members.length; ++k) {
            address node = members[(seed + k) % members.length];
            if (expectedReward[p.poolId][node] > 0 && timesPaid[p.poolId][node] == 0) return node;
        }
        return members[seed % members.length];
    }

    function _claimablePools(address node) internal view returns (uint256[] memory slots) {
        slots = new uint256[](_pools.length);
        uint256 found;
        for (uint256 i; i < _pools.length; ++i) {
            if (_claimable(_pools[i], node)) slots[found++] = i;
        }
        assembly ("memory-safe") {
            mstore(slots, found)
        }
    }

    function _pickCaller(uint256 seed) internal view returns (address) {
        return seed % 3 == 0 ? outsider : actors[seed % ACTORS];
    }

    function _balanceOf(address poolToken, address who) internal view returns (uint256) {
        return poolToken == address(0) ? who.balance : token.balanceOf(who);
    }

    function _randomEntry(uint256 h, uint32 index) internal pure returns (uint256) {
        uint32 c;
        uint256 kind = h % 8;
        if (kind == 0) c = 0; // never computes: not eligible
        else if (kind == 1) c = uint32(_between(h >> 8, 100_000, 1_000_000)); // outlier
        else c = uint32(_between(h >> 8, 1, 10_000));
        uint32 joined = uint32(_between(h >> 40, 0, 10));
        uint32 ok = uint32(_between(h >> 48, 0, joined));
        return RecordPacking.pack(
            index,
            c,
            uint32(_between(h >> 56, 0, 50)),
            uint32(_between(h >> 64, 0, 50)),
            ok,
            joined,
            uint16(_between(h >> 72, 0, 10_000)),
            uint16(_between(h >> 96, 0, 10_000)),
            uint16(_between(h >> 120, 0, 10_000))
        );
    }

    function _randomParams(IRewardDistributor.Strategy strategy, uint256 seed)
        internal
        pure
        returns (IRewardDistributor.PoolParams memory params)
    {
        if (strategy == IRewardDistributor.Strategy.Tiered) {
            params.tierBaseBps = uint16(_between(seed >> 8, 0, 10_000));
        } else if (strategy == IRewardDistributor.Strategy.MinimumGuarantee) {
            params.floorBps = uint16(_between(seed >> 8, 0, 10_000));
        } else if (strategy == IRewardDistributor.Strategy.Hybrid) {
            params.qualityBps = uint16(_between(seed >> 8, 0, 10_000));
            params.reliabilityBps = uint16(_between(seed >> 24, 0, 10_000 - params.qualityBps));
            params.scoreBps = 10_000 - params.qualityBps - params.reliabilityBps;
        }
    }

    /// @dev `bound` without its console log (this runs a dozen times per node per session).
    function _between(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return lo + x % (hi - lo + 1);
    }
}
