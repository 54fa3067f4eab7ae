// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {BaseTest} from "./BaseTest.sol";
import {NodeSums as Sums} from "./NodeSums.sol";

/// @notice What the tracker tests share: entry and list builders, a before/after view of a session for
///         "a reverted batch changes nothing", and reward-math.md §1-§2 written out from the page.
abstract contract TrackerTest is BaseTest {
    bytes32 internal constant COORDINATOR_ROLE = keccak256("COORDINATOR_ROLE");
    uint64 internal constant OTHER = 2;
    uint32 internal constant ROUNDS = 10;

    /// @dev A plain valid entry for a 10-round epoch.
    function _e(uint32 index, uint32 computeSeconds) internal pure returns (uint256) {
        return _entry(index, computeSeconds, 8, 2, 9, 10, 9000, 8000, 7000);
    }

    function _list(uint256 a) internal pure returns (uint256[] memory list) {
        list = new uint256[](1);
        list[0] = a;
    }

    function _list(uint256 a, uint256 b) internal pure returns (uint256[] memory list) {
        list = new uint256[](2);
        (list[0], list[1]) = (a, b);
    }

    function _list(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory list) {
        list = new uint256[](3);
        (list[0], list[1], list[2]) = (a, b, c);
    }

    function _list(uint256 a, uint256 b, uint256 c, uint256 d) internal pure returns (uint256[] memory list) {
        list = new uint256[](4);
        (list[0], list[1], list[2], list[3]) = (a, b, c, d);
    }

    /// @dev Everything the tracker exposes about a session, to compare before / after a call.
    function _state(uint64 sessionId) internal view returns (bytes memory out) {
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(sessionId);
        out = abi.encode(info, gradpay.getSessionTotal(sessionId));
        for (uint32 i; i < info.nodeCount; ++i) {
            out = bytes.concat(out, abi.encode(gradpay.getContributionByIndex(sessionId, i)));
        }
    }

    /// @dev Expects the batch to revert with exactly `err` and to leave every view unchanged.
    function _expectRecordRevert(
        uint64 sessionId,
        uint32 epoch,
        uint32 batch,
        uint32 epochRounds,
        uint256[] memory entries,
        bytes memory err
    ) internal {
        bytes memory before = _state(sessionId);
        bool recordedBefore = gradpay.isBatchRecorded(sessionId, epoch, batch);
        vm.expectRevert(err);
        vm.prank(coordinator);
        gradpay.recordContributionsBatch(sessionId, epoch, batch, epochRounds, entries);
        assertEq(_state(sessionId), before, "a reverted batch changed the state");
        assertEq(gradpay.isBatchRecorded(sessionId, epoch, batch), recordedBefore, "batch flag changed");
    }

    /// @dev `_expectRecordRevert` for a batch of SESSION in a 10-round epoch.
    function _expectBatchRevert(uint32 epoch, uint32 batch, uint256[] memory entries, bytes memory err)
        internal
    {
        _expectRecordRevert(SESSION, epoch, batch, ROUNDS, entries, err);
    }

    /// @dev Both range views, `getScores` and `getFinalizationTotals`, refuse the range with the same error.
    function _expectRangeRevert(uint64 sessionId, uint32 from, uint32 count, uint32 nodeCount) internal {
        bytes memory err = abi.encodeWithSelector(
            IContributionTracker.IndexRangeOutOfBounds.selector, sessionId, from, count, nodeCount
        );
        vm.expectRevert(err);
        gradpay.getScores(sessionId, from, count);
        vm.expectRevert(err);
        gradpay.getFinalizationTotals(sessionId, from, count);
    }

    function _outOfBounds(
        uint256 position,
        IContributionTracker.EntryField field,
        uint256 value,
        uint256 bound_
    ) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            IContributionTracker.EntryOutOfBounds.selector, position, field, value, bound_
        );
    }

    /// @dev reward-math.md §2, written out from the page: A, C, S, Q, P, N, U, R, score.
    function _expected(Sums memory s, uint256 t) internal pure returns (uint256[9] memory v) {
        v[0] = s.a + s.j > 0 ? (10_000 * s.a) / (s.a + s.j) : 0;
        v[1] = s.e > 0 ? s.cons / s.e : 0;
        v[2] = s.p > 0 ? (10_000 * s.k) / s.p : 0;
        v[3] = (5000 * v[0] + 3000 * v[1] + 2000 * v[2]) / 10_000;
        if (t > 0) {
            v[4] = (10_000 * s.p) / t;
            if (v[4] > 10_000) v[4] = 10_000;
        }
        v[5] = s.e > 0 ? s.net / s.e : 0;
        v[6] = s.e > 0 ? s.up / s.e : 0;
        v[7] = (5000 * v[4] + 3000 * v[5] + 2000 * v[6]) / 10_000;
        v[8] = s.c * (5000 + v[3]) * (20_000 + v[7]);
    }

    function _assertScore(IContributionTracker.NodeScore memory got, Sums memory s, uint256 t, bool eligible)
        internal
        pure
    {
        uint256[9] memory v = _expected(s, t);
        assertEq(got.acceptance, v[0], "A");
        assertEq(got.consistency, v[1], "C");
        assertEq(got.success, v[2], "S");
        assertEq(got.quality, v[3], "Q");
        assertEq(got.participation, v[4], "P");
        assertEq(got.network, v[5], "N");
        assertEq(got.uptime, v[6], "U");
        assertEq(got.reliability, v[7], "R");
        assertEq(got.score, v[8], "score");
        assertEq(got.eligible, eligible, "eligible");
    }

    function _assertRecord(IContributionTracker.NodeRecord memory r, Sums memory s) internal pure {
        assertEq(r.computeSeconds, s.c, "c");
        assertEq(r.accepted, s.a, "a");
        assertEq(r.rejected, s.j, "j");
        assertEq(r.roundsOk, s.k, "k");
        assertEq(r.roundsJoined, s.p, "p");
        assertEq(r.consistencySum, s.cons, "cons");
        assertEq(r.networkSum, s.net, "net");
        assertEq(r.uptimeSum, s.up, "up");
        assertEq(r.epochs, s.e, "e");
    }

    function _add(Sums memory s, uint256 entry) internal pure {
        s.c += (entry >> 32) % 2 ** 32;
        s.a += (entry >> 64) % 2 ** 32;
        s.j += (entry >> 96) % 2 ** 32;
        s.k += (entry >> 128) % 2 ** 32;
        s.p += (entry >> 160) % 2 ** 32;
        s.cons += (entry >> 192) % 2 ** 16;
        s.net += (entry >> 208) % 2 ** 16;
        s.up += (entry >> 224) % 2 ** 16;
        s.e += 1;
    }
}
