// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {BaseTest} from "./BaseTest.sol";
import {RewardModel} from "./RewardModel.sol";
import {slice} from "./Slice.sol";

/// @notice What the finalization tests share: the six-node fixture completed (and started) with the totals
///         the independent model computes, chunk builders, and a ranking submission expected to revert.
abstract contract FinalizationTest is BaseTest {
    using RewardModel for RewardModel.Node[];

    function _complete(uint64 sessionId) internal {
        vm.prank(coordinator);
        gradpay.completeSession(sessionId);
    }

    function _model(uint64 sessionId) internal view returns (RewardModel.Node[] memory ranked) {
        ranked = RewardModel.rankedNodes(gradpay, sessionId);
    }

    /// @dev Starts the pass with the model's totals.
    function _start(uint64 sessionId)
        internal
        returns (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis)
    {
        ranked = _model(sessionId);
        basis = RewardModel.basisOf(ranked, gradpay.getSession(sessionId).clipK);
        vm.prank(coordinator);
        gradpay.startFinalization(sessionId, uint32(basis.n), basis.sumScore, basis.sumSquares);
    }

    /// @dev The fixture recorded and completed, not started: its ranking and what the model expects.
    function _completedFixture(uint64 clipK)
        internal
        returns (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis)
    {
        _recordFixture(SESSION, clipK);
        _complete(SESSION);
        ranked = _model(SESSION);
        basis = RewardModel.basisOf(ranked, clipK);
    }

    /// @dev The fixture recorded, completed and its pass started with the model's totals.
    function _startedFixture(uint64 clipK)
        internal
        returns (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis)
    {
        _recordFixture(SESSION, clipK);
        _complete(SESSION);
        return _start(SESSION);
    }

    function _submit(uint64 sessionId, uint32[] memory chunk, bool lastChunk) internal {
        vm.prank(coordinator);
        gradpay.submitRanking(sessionId, chunk, lastChunk);
    }

    /// @dev Expects the coordinator's `submitRanking(SESSION, chunk, lastChunk)` to revert with `err`.
    function _expectRankingRevert(uint32[] memory chunk, bool lastChunk, bytes memory err) internal {
        vm.prank(coordinator);
        vm.expectRevert(err);
        gradpay.submitRanking(SESSION, chunk, lastChunk);
    }

    /// @dev Shorter chunks: the first `n` of a five-node list.
    function _list(uint32 a, uint32 b) internal pure returns (uint32[] memory) {
        return slice(_list(a, b, 0, 0, 0), 0, 2);
    }

    function _list(uint32 a, uint32 b, uint32 c) internal pure returns (uint32[] memory) {
        return slice(_list(a, b, c, 0, 0), 0, 3);
    }

    function _list(uint32 a, uint32 b, uint32 c, uint32 d) internal pure returns (uint32[] memory) {
        return slice(_list(a, b, c, d, 0), 0, 4);
    }

    function _list(uint32 a, uint32 b, uint32 c, uint32 d, uint32 e)
        internal
        pure
        returns (uint32[] memory out)
    {
        out = new uint32[](5);
        (out[0], out[1], out[2], out[3], out[4]) = (a, b, c, d, e);
    }

    function _state(uint64 sessionId) internal view returns (IGradPayBase.SessionState) {
        return gradpay.getSession(sessionId).state;
    }

    function _assertState(uint64 sessionId, IGradPayBase.SessionState expected, string memory what)
        internal
        view
    {
        assertEq(uint8(_state(sessionId)), uint8(expected), what);
    }
}
