// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {GradPay} from "../../contracts/GradPay.sol";
import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {IGradPay} from "../../contracts/interfaces/IGradPay.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {RecordPacking} from "../../contracts/libraries/RecordPacking.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Actors, a deployed GradPay and helpers shared by every test.
abstract contract BaseTest is Test {
    address internal admin = makeAddr("admin");
    address internal coordinator = makeAddr("coordinator");
    /// @dev Where the pools `_createPool` makes send what is left after their deadline.
    address internal refund = makeAddr("refund");
    address internal stranger = makeAddr("stranger");

    IGradPay internal gradpay;
    MockERC20 internal token;
    /// @dev The nodes of the session a test set up last (`_createSession` returns them; fixtures keep them).
    address[] internal nodes;

    uint64 internal constant SESSION = 1;
    bytes32 internal constant MODEL = keccak256("model-v1");
    uint40 internal constant CLAIM_WINDOW = 30 days;

    function setUp() public virtual {
        gradpay = _deploy(admin, coordinator);
        token = new MockERC20("Reward", "RWD", 18);
        vm.deal(coordinator, 1_000_000 ether);
        token.mint(coordinator, type(uint128).max);
        vm.prank(coordinator);
        token.approve(address(gradpay), type(uint256).max);
    }

    // ------------------------------------------------------------------ helpers

    /// @dev The one place tests construct GradPay (its constructor's arguments).
    function _deploy(address admin_, address coordinator_) internal returns (IGradPay) {
        return IGradPay(address(new GradPay(admin_, coordinator_)));
    }

    function _nodes(uint256 count) internal returns (address[] memory created) {
        created = new address[](count);
        for (uint256 i; i < count; ++i) {
            created[i] = makeAddr(string.concat("node-", vm.toString(i)));
        }
    }

    function _nodeIds(uint256 count) internal pure returns (bytes32[] memory ids) {
        ids = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            ids[i] = bytes32(i + 1);
        }
    }

    function _createSession(uint64 sessionId, uint64 clipK, uint256 nodeCount)
        internal
        returns (address[] memory created)
    {
        return _createSessionBy(coordinator, sessionId, clipK, nodeCount);
    }

    /// @dev `_createSession` by another coordinator, which then owns the session.
    function _createSessionBy(address owner, uint64 sessionId, uint64 clipK, uint256 nodeCount)
        internal
        returns (address[] memory created)
    {
        created = _nodes(nodeCount);
        vm.startPrank(owner);
        gradpay.createSession(sessionId, MODEL, clipK);
        gradpay.registerNodesBatch(sessionId, created, _nodeIds(nodeCount));
        vm.stopPrank();
    }

    function _entry(
        uint32 nodeIndex,
        uint32 computeSeconds,
        uint32 accepted,
        uint32 rejected,
        uint32 roundsOk,
        uint32 roundsJoined,
        uint16 consistencyBps,
        uint16 networkBps,
        uint16 uptimeBps
    ) internal pure returns (uint256) {
        return RecordPacking.pack(
            nodeIndex,
            computeSeconds,
            accepted,
            rejected,
            roundsOk,
            roundsJoined,
            consistencyBps,
            networkBps,
            uptimeBps
        );
    }

    /// @dev Six nodes, one epoch of 10 rounds. Ranking by score: 1, 5, 0, 2, 4 (0 and 2 tie, so index
    ///      decides); node 3 never reports (c = 0). n = 5: top = 3, mid = 4, so the 0/2 tie straddles
    ///      the tier-1/tier-2 boundary. With clipK = 1e18 node 1 alone is above the cap.
    function _recordFixture(uint64 sessionId, uint64 clipK) internal {
        nodes = _createSession(sessionId, clipK, 6);
        uint256[] memory entries = new uint256[](5);
        entries[0] = _entry(0, 100, 10, 0, 10, 10, 10_000, 10_000, 10_000);
        entries[1] = _entry(1, 300, 20, 10, 6, 8, 6000, 7000, 8000);
        entries[2] = _entry(2, 100, 10, 0, 10, 10, 10_000, 10_000, 10_000);
        entries[3] = _entry(4, 50, 5, 5, 3, 10, 4000, 9000, 9000);
        entries[4] = _entry(5, 200, 30, 2, 9, 10, 9000, 8000, 10_000);
        _record(sessionId, 0, 0, 10, entries);
    }

    function _record(
        uint64 sessionId,
        uint32 epoch,
        uint32 batch,
        uint32 epochRounds,
        uint256[] memory entries
    ) internal {
        vm.prank(coordinator);
        gradpay.recordContributionsBatch(sessionId, epoch, batch, epochRounds, entries);
    }

    /// @dev Ranks the eligible nodes off-chain, as a coordinator would, and runs the verified pass in one chunk.
    function _finalize(uint64 sessionId) internal {
        _finalizeBy(coordinator, sessionId);
    }

    /// @dev `_finalize` sent by `sender`.
    function _finalizeBy(address sender, uint64 sessionId) internal {
        (uint32[] memory ranked, uint256 sumScore, uint256 sumSquares) = _ranking(sessionId);
        vm.startPrank(sender);
        gradpay.completeSession(sessionId);
        gradpay.startFinalization(sessionId, uint32(ranked.length), sumScore, sumSquares);
        if (ranked.length > 0) gradpay.submitRanking(sessionId, ranked, true);
        vm.stopPrank();
    }

    /// @dev Insertion sort by (score desc, index asc) over the score view: test-sized sessions only.
    function _ranking(uint64 sessionId)
        internal
        view
        returns (uint32[] memory ranked, uint256 sumScore, uint256 sumSquares)
    {
        uint32 nodeCount = gradpay.getSession(sessionId).nodeCount;
        IContributionTracker.NodeScore[] memory scores = gradpay.getScores(sessionId, 0, nodeCount);
        uint256 eligible;
        for (uint256 i; i < scores.length; ++i) {
            if (scores[i].eligible) ++eligible;
        }
        ranked = new uint32[](eligible);
        uint256 filled;
        for (uint256 i; i < scores.length; ++i) {
            if (!scores[i].eligible) continue;
            sumScore += scores[i].score;
            sumSquares += scores[i].score * scores[i].score;
            uint256 j = filled++;
            while (j > 0 && scores[ranked[j - 1]].score < scores[i].score) {
                ranked[j] = ranked[j - 1];
                --j;
            }
            ranked[j] = uint32(i);
        }
    }

    /// @dev The revert of a call that needs the session in `required` while it is in `current`.
    function _wrongState(
        uint64 sessionId,
        IGradPayBase.SessionState current,
        IGradPayBase.SessionState required
    ) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IGradPayBase.SessionInWrongState.selector, sessionId, current, required);
    }

    /// @dev The revert of a session function called by `account`, which neither owns nor is a delegate of it.
    function _notOperator(uint64 sessionId, address account) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IGradPayBase.NotSessionOperator.selector, sessionId, account);
    }

    /// @dev The revert of a call by `account`, which lacks `role`.
    function _unauthorized(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }

    function _createPool(
        uint64 sessionId,
        address poolToken,
        uint256 amount,
        IRewardDistributor.Strategy strategy,
        IRewardDistributor.PoolParams memory params
    ) internal returns (uint256 poolId) {
        vm.prank(coordinator);
        poolId = gradpay.createRewardPool{value: poolToken == address(0) ? amount : 0}(
            sessionId, poolToken, amount, strategy, params, uint40(block.timestamp) + CLAIM_WINDOW, refund
        );
    }

    /// @dev A Proportional pool created by whoever the caller pranked (no prank here, so that a test can
    ///      `expectRevert` it), sending `value` along.
    function _proportionalPool(
        uint64 sessionId,
        address poolToken,
        uint256 value,
        uint256 amount,
        uint40 deadline,
        address refundTo
    ) internal returns (uint256 poolId) {
        poolId = gradpay.createRewardPool{value: value}(
            sessionId,
            poolToken,
            amount,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            deadline,
            refundTo
        );
    }

    function _noParams() internal pure returns (IRewardDistributor.PoolParams memory params) {}

    function _tieredParams(uint16 baseBps)
        internal
        pure
        returns (IRewardDistributor.PoolParams memory params)
    {
        params.tierBaseBps = baseBps;
    }

    function _floorParams(uint16 floorBps)
        internal
        pure
        returns (IRewardDistributor.PoolParams memory params)
    {
        params.floorBps = floorBps;
    }

    function _hybridParams(uint16 scoreBps, uint16 qualityBps, uint16 reliabilityBps)
        internal
        pure
        returns (IRewardDistributor.PoolParams memory params)
    {
        (params.scoreBps, params.qualityBps, params.reliabilityBps) = (scoreBps, qualityBps, reliabilityBps);
    }
}
