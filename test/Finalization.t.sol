// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../contracts/interfaces/IRewardDistributor.sol";
import {ITrainingRegistry} from "../contracts/interfaces/ITrainingRegistry.sol";
import {BaseTest} from "./utils/BaseTest.sol";
import {RewardModel} from "./utils/RewardModel.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice startFinalization / submitRanking: the verified pass of reward-math.md §3-§4.
contract FinalizationTest is BaseTest {
    using RewardModel for RewardModel.Node[];

    address[] internal nodes;

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

    function _complete(uint64 sessionId) internal {
        vm.prank(coordinator);
        gradpay.completeSession(sessionId);
    }

    function _model(uint64 sessionId) internal view returns (RewardModel.Node[] memory ranked) {
        ranked = RewardModel.rankedNodes(gradpay, sessionId);
    }

    function _start(uint64 sessionId)
        internal
        returns (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis)
    {
        ranked = _model(sessionId);
        basis = RewardModel.basisOf(ranked, gradpay.getSession(sessionId).clipK);
        vm.prank(coordinator);
        gradpay.startFinalization(sessionId, uint32(basis.n), basis.sumScore, basis.sumSquares);
    }

    function _submit(uint64 sessionId, uint32[] memory chunk, bool lastChunk) internal {
        vm.prank(coordinator);
        gradpay.submitRanking(sessionId, chunk, lastChunk);
    }

    function _slice(uint32[] memory all, uint256 from, uint256 to)
        internal
        pure
        returns (uint32[] memory out)
    {
        out = new uint32[](to - from);
        for (uint256 i = from; i < to; ++i) {
            out[i - from] = all[i];
        }
    }

    function _list(uint32 a, uint32 b, uint32 c, uint32 d, uint32 e)
        internal
        pure
        returns (uint32[] memory out)
    {
        out = new uint32[](5);
        (out[0], out[1], out[2], out[3], out[4]) = (a, b, c, d, e);
    }

    function _state(uint64 sessionId) internal view returns (ITrainingRegistry.SessionState) {
        return gradpay.getSession(sessionId).state;
    }

    // ------------------------------------------------------------------ happy paths

    function test_fixture_rankingIsAsDocumented() public {
        _recordFixture(SESSION, 0);
        uint32[] memory ranked = _model(SESSION).indices();
        assertEq(ranked.length, 5, "eligible nodes");
        assertEq(ranked[0], 1, "rank 0");
        assertEq(ranked[1], 5, "rank 1");
        assertEq(ranked[2], 0, "rank 2");
        assertEq(ranked[3], 2, "rank 3");
        assertEq(ranked[4], 4, "rank 4");
        (uint32[] memory baseRanked,,) = _ranking(SESSION);
        assertEq(keccak256(abi.encode(baseRanked)), keccak256(abi.encode(ranked)), "BaseTest ranking agrees");
    }

    function test_startFinalization_recordsPassAndEmits() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        RewardModel.Basis memory basis = RewardModel.basisOf(_model(SESSION), 0);

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.FinalizationStarted(
            SESSION, 5, basis.sumScore, basis.sumSquares, RewardModel.NO_CAP
        );
        vm.prank(coordinator);
        gradpay.startFinalization(SESSION, 5, basis.sumScore, basis.sumSquares);

        IRewardDistributor.FinalizationInfo memory info = gradpay.getFinalization(SESSION);
        assertTrue(info.started, "started");
        assertEq(info.processed, 0, "processed");
        assertEq(info.eligibleCount, 5, "eligibleCount");
        assertEq(info.sumScoreOutstanding, basis.sumScore, "sum outstanding");
        assertEq(info.sumScoreSquaredOutstanding, basis.sumSquares, "squares outstanding");
        assertEq(info.clipCap, RewardModel.NO_CAP, "no cap when clipK = 0");
        assertEq(uint8(_state(SESSION)), uint8(ITrainingRegistry.SessionState.Completed), "still Completed");
    }

    function test_submitRanking_singleChunkFinalizes() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.SessionFinalized(SESSION, 5, basis.sumEffective, RewardModel.NO_CAP);
        _submit(SESSION, ranked.indices(), true);

        assertEq(uint8(_state(SESSION)), uint8(ITrainingRegistry.SessionState.Finalized), "Finalized");
        IRewardDistributor.FinalizationInfo memory info = gradpay.getFinalization(SESSION);
        assertEq(info.processed, 5, "processed");
        assertEq(info.sumScoreOutstanding, 0, "sum fully matched");
        assertEq(info.sumScoreSquaredOutstanding, 0, "squares fully matched");

        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        assertEq(rb.eligibleCount, 5, "n");
        assertEq(rb.totalRounds, 10, "T");
        assertEq(rb.clipCap, RewardModel.NO_CAP, "cap");
        assertEq(rb.sumEffectiveScore, basis.sumEffective, "S'");
        assertEq(rb.sumEffectiveScore, basis.sumScore, "S' = S without clipping");
        assertEq(rb.sumTierWeighted, basis.sumTierWeighted, "W");
        assertEq(rb.sumQuality, basis.sumQuality, "QS");
        assertEq(rb.sumReliability, basis.sumReliability, "RS");
    }

    function test_submitRanking_lastChunkFlagNotNeededWhenComplete() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked,) = _start(SESSION);
        _submit(SESSION, ranked.indices(), false);
        assertEq(uint8(_state(SESSION)), uint8(ITrainingRegistry.SessionState.Finalized), "Finalized");
    }

    function test_submitRanking_severalChunks() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        uint32[] memory all = ranked.indices();

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RankingVerified(SESSION, 2, 5);
        _submit(SESSION, _slice(all, 0, 2), false);
        IRewardDistributor.FinalizationInfo memory info = gradpay.getFinalization(SESSION);
        assertEq(info.processed, 2, "processed after chunk 1");
        assertEq(
            info.sumScoreOutstanding, basis.sumScore - ranked[0].score - ranked[1].score, "sum counted down"
        );
        assertEq(
            info.sumScoreSquaredOutstanding,
            basis.sumSquares - ranked[0].score * ranked[0].score - ranked[1].score * ranked[1].score,
            "squares counted down"
        );

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RankingVerified(SESSION, 3, 5);
        _submit(SESSION, _slice(all, 2, 3), false);

        // An empty chunk changes nothing.
        _submit(SESSION, new uint32[](0), false);
        assertEq(gradpay.getFinalization(SESSION).processed, 3, "empty chunk is a no-op");

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.SessionFinalized(SESSION, 5, basis.sumEffective, RewardModel.NO_CAP);
        _submit(SESSION, _slice(all, 3, 5), true);
        assertEq(uint8(_state(SESSION)), uint8(ITrainingRegistry.SessionState.Finalized), "Finalized");
        assertEq(gradpay.getRewardBasis(SESSION).sumTierWeighted, basis.sumTierWeighted, "W over chunks");
    }

    function test_startFinalization_restartDiscardsProgress() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        uint32[] memory all = ranked.indices();
        _submit(SESSION, _slice(all, 0, 3), false);
        assertEq(gradpay.getFinalization(SESSION).processed, 3, "processed before restart");

        _start(SESSION);
        IRewardDistributor.FinalizationInfo memory info = gradpay.getFinalization(SESSION);
        assertEq(info.processed, 0, "restart resets processed");
        assertEq(info.sumScoreOutstanding, basis.sumScore, "restart resets the sum");

        // The old progress is gone: the old tail alone leaves the ranking incomplete.
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.RankingIncomplete.selector, SESSION, uint32(2), uint32(5)
            )
        );
        gradpay.submitRanking(SESSION, _slice(all, 3, 5), true);

        _submit(SESSION, all, true);
        assertEq(gradpay.getRewardBasis(SESSION).sumEffectiveScore, basis.sumEffective, "S' after restart");
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_submitRanking_chunking(uint256 seed) public {
        _recordFixture(SESSION, 1e18);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        uint32[] memory all = ranked.indices();
        uint256 from;
        while (from < all.length) {
            uint256 size = bound(uint256(keccak256(abi.encode(seed, from))), 1, all.length - from);
            _submit(SESSION, _slice(all, from, from + size), from + size == all.length);
            from += size;
        }
        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        assertEq(rb.sumEffectiveScore, basis.sumEffective, "S'");
        assertEq(rb.sumTierWeighted, basis.sumTierWeighted, "W");
        assertEq(rb.clipCap, basis.cap, "cap");
    }

    // ------------------------------------------------------------------ ranking checks

    function test_RevertWhen_submitRanking_outOfOrder() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        // 5 listed before 1, whose score is higher.
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankingOutOfOrder.selector, 1, uint32(1), uint32(5))
        );
        gradpay.submitRanking(SESSION, _list(5, 1, 0, 2, 4), true);
    }

    function test_RevertWhen_submitRanking_tieInDescendingIndexOrder() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        // 0 and 2 have equal scores: 2 before 0 breaks the index-ascending tie rule.
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankingOutOfOrder.selector, 3, uint32(0), uint32(2))
        );
        gradpay.submitRanking(SESSION, _list(1, 5, 2, 0, 4), true);
    }

    function test_RevertWhen_submitRanking_outOfOrderAcrossChunks() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        uint32[] memory first = new uint32[](2);
        (first[0], first[1]) = (1, 0);
        _submit(SESSION, first, false);
        uint32[] memory second = new uint32[](1);
        second[0] = 5;
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankingOutOfOrder.selector, 2, uint32(5), uint32(0))
        );
        gradpay.submitRanking(SESSION, second, false);
    }

    function test_RevertWhen_submitRanking_duplicatedNode() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankingOutOfOrder.selector, 3, uint32(0), uint32(0))
        );
        gradpay.submitRanking(SESSION, _list(1, 5, 0, 0, 4), true);
    }

    function test_RevertWhen_submitRanking_duplicatedAcrossChunks() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        uint32[] memory first = new uint32[](3);
        (first[0], first[1], first[2]) = (1, 5, 0);
        _submit(SESSION, first, false);
        uint32[] memory second = new uint32[](2);
        (second[0], second[1]) = (0, 2);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankingOutOfOrder.selector, 3, uint32(0), uint32(0))
        );
        gradpay.submitRanking(SESSION, second, true);
    }

    function test_RevertWhen_submitRanking_missingNodeInLastChunk() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        uint32[] memory four = new uint32[](4);
        (four[0], four[1], four[2], four[3]) = (1, 5, 0, 2);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.RankingIncomplete.selector, SESSION, uint32(4), uint32(5)
            )
        );
        gradpay.submitRanking(SESSION, four, true);
    }

    function test_RevertWhen_submitRanking_emptyLastChunk() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.RankingIncomplete.selector, SESSION, uint32(0), uint32(5)
            )
        );
        gradpay.submitRanking(SESSION, new uint32[](0), true);
    }

    function test_RevertWhen_startFinalization_eligibleCountMismatch() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        RewardModel.Basis memory basis = RewardModel.basisOf(_model(SESSION), 0);
        // A coordinator that missed node 4 (or counted node 3) cannot even start.
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.EligibleCountMismatch.selector, SESSION, uint32(4), uint32(5)
            )
        );
        gradpay.startFinalization(SESSION, 4, basis.sumScore, basis.sumSquares);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.EligibleCountMismatch.selector, SESSION, uint32(6), uint32(5)
            )
        );
        gradpay.startFinalization(SESSION, 6, basis.sumScore, basis.sumSquares);
        vm.stopPrank();
    }

    function test_RevertWhen_submitRanking_extraNode() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        uint32[] memory six = new uint32[](6);
        (six[0], six[1], six[2], six[3], six[4], six[5]) = (1, 5, 0, 2, 4, 3);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankingTooLong.selector, SESSION, 6, uint32(5))
        );
        gradpay.submitRanking(SESSION, six, true);
    }

    function test_RevertWhen_submitRanking_extraNodeAfterChunks() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        uint32[] memory first = new uint32[](3);
        (first[0], first[1], first[2]) = (1, 5, 0);
        _submit(SESSION, first, false);
        uint32[] memory rest = new uint32[](3);
        (rest[0], rest[1], rest[2]) = (2, 4, 3);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankingTooLong.selector, SESSION, 6, uint32(5))
        );
        gradpay.submitRanking(SESSION, rest, true);
    }

    function test_RevertWhen_submitRanking_neverReportedNode() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        // Node 3 has c = 0: listed in node 4's place.
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankedNodeNotEligible.selector, 4, uint32(3))
        );
        gradpay.submitRanking(SESSION, _list(1, 5, 0, 2, 3), true);
    }

    function test_RevertWhen_submitRanking_unknownNode() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankedNodeNotEligible.selector, 4, uint32(6))
        );
        gradpay.submitRanking(SESSION, _list(1, 5, 0, 2, 6), true);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankedNodeNotEligible.selector, 0, type(uint32).max)
        );
        gradpay.submitRanking(SESSION, _list(type(uint32).max, 1, 5, 0, 2), true);
    }

    function test_RevertWhen_submitRanking_excludedNode() public {
        _recordFixture(SESSION, 0);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[5], "sybil");
        _complete(SESSION);
        (RewardModel.Node[] memory ranked,) = _start(SESSION);
        assertEq(ranked.length, 4, "excluded node is not eligible");
        // Node 5 in its old place (rank 1), with node 4 dropped to keep the length.
        uint32[] memory withExcluded = new uint32[](4);
        (withExcluded[0], withExcluded[1], withExcluded[2], withExcluded[3]) = (1, 5, 0, 2);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RankedNodeNotEligible.selector, 1, uint32(5))
        );
        gradpay.submitRanking(SESSION, withExcluded, true);
    }

    // ------------------------------------------------------------------ claimed totals

    function test_RevertWhen_claimedSumTooLow() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        RewardModel.Node[] memory ranked = _model(SESSION);
        RewardModel.Basis memory basis = RewardModel.basisOf(ranked, 0);
        vm.startPrank(coordinator);
        gradpay.startFinalization(SESSION, 5, basis.sumScore - 1, basis.sumSquares);
        // Off by one: the last node is where the running total passes the claim.
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalTooLow.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScore,
                4
            )
        );
        gradpay.submitRanking(SESSION, ranked.indices(), true);

        // Short by the top node's score: ranks 2-4 together are below rank 0, so rank 2 passes the claim.
        assertLt(
            ranked[2].score + ranked[3].score + ranked[4].score, ranked[0].score + ranked[2].score, "fixture"
        );
        gradpay.startFinalization(SESSION, 5, basis.sumScore - ranked[0].score, basis.sumSquares);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalTooLow.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScore,
                2
            )
        );
        gradpay.submitRanking(SESSION, ranked.indices(), true);
        vm.stopPrank();
    }

    function test_RevertWhen_claimedSquaresTooLow() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        RewardModel.Node[] memory ranked = _model(SESSION);
        RewardModel.Basis memory basis = RewardModel.basisOf(ranked, 0);
        vm.startPrank(coordinator);
        gradpay.startFinalization(SESSION, 5, basis.sumScore, basis.sumSquares - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalTooLow.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScoreSquared,
                4
            )
        );
        gradpay.submitRanking(SESSION, ranked.indices(), true);
        vm.stopPrank();
    }

    function test_RevertWhen_claimedSumTooHigh() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        RewardModel.Node[] memory ranked = _model(SESSION);
        RewardModel.Basis memory basis = RewardModel.basisOf(ranked, 0);
        vm.startPrank(coordinator);
        gradpay.startFinalization(SESSION, 5, basis.sumScore + 7, basis.sumSquares);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalTooHigh.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScore,
                7
            )
        );
        gradpay.submitRanking(SESSION, ranked.indices(), true);
        vm.stopPrank();
    }

    function test_RevertWhen_claimedSquaresTooHigh() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        RewardModel.Node[] memory ranked = _model(SESSION);
        RewardModel.Basis memory basis = RewardModel.basisOf(ranked, 0);
        vm.startPrank(coordinator);
        gradpay.startFinalization(SESSION, 5, basis.sumScore, basis.sumSquares + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalTooHigh.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScoreSquared,
                1
            )
        );
        gradpay.submitRanking(SESSION, ranked.indices(), true);
        vm.stopPrank();
    }

    function test_RevertWhen_claimedTotalOutOfRange() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        RewardModel.Basis memory basis = RewardModel.basisOf(_model(SESSION), 0);
        uint256 maxSum = type(uint128).max;
        uint256 maxSquares = type(uint168).max;
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalOutOfRange.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScore,
                maxSum + 1,
                maxSum
            )
        );
        gradpay.startFinalization(SESSION, 5, maxSum + 1, basis.sumSquares);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalOutOfRange.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScoreSquared,
                type(uint256).max,
                maxSquares
            )
        );
        gradpay.startFinalization(SESSION, 5, basis.sumScore, type(uint256).max);
        vm.stopPrank();
    }

    /// @dev The largest claims in range must not overflow the cap computation: they are rejected by the pass.
    function test_RevertWhen_claimedTotalsAtRangeLimitWithClipping() public {
        _recordFixture(SESSION, type(uint64).max);
        _complete(SESSION);
        RewardModel.Node[] memory ranked = _model(SESSION);
        vm.startPrank(coordinator);
        gradpay.startFinalization(SESSION, 5, type(uint128).max, type(uint168).max);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalTooHigh.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScore,
                type(uint128).max - RewardModel.basisOf(ranked, 0).sumScore
            )
        );
        gradpay.submitRanking(SESSION, ranked.indices(), true);
        vm.stopPrank();
    }

    function test_RevertWhen_submitRanking_finalizationNotStarted() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        uint32[] memory all = _model(SESSION).indices();
        vm.prank(coordinator);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.FinalizationNotStarted.selector, SESSION));
        gradpay.submitRanking(SESSION, all, true);
    }

    // ------------------------------------------------------------------ resets

    function test_excludeNode_resetsFinalizationInProgress() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked,) = _start(SESSION);
        _submit(SESSION, _slice(ranked.indices(), 0, 2), false);

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.FinalizationReset(SESSION);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[0], "bad gradients");

        IRewardDistributor.FinalizationInfo memory info = gradpay.getFinalization(SESSION);
        assertFalse(info.started, "pass discarded");
        assertEq(info.processed, 0, "progress discarded");
        assertEq(info.eligibleCount, 4, "one fewer eligible");

        uint32[] memory rest = _slice(ranked.indices(), 2, 5);
        vm.prank(coordinator);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.FinalizationNotStarted.selector, SESSION));
        gradpay.submitRanking(SESSION, rest, true);

        // The stale totals no longer fit the eligible set.
        RewardModel.Basis memory stale = RewardModel.basisOf(ranked, 0);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.EligibleCountMismatch.selector, SESSION, uint32(5), uint32(4)
            )
        );
        gradpay.startFinalization(SESSION, 5, stale.sumScore, stale.sumSquares);

        (RewardModel.Node[] memory fresh, RewardModel.Basis memory basis) = _start(SESSION);
        _submit(SESSION, fresh.indices(), true);
        assertEq(gradpay.getRewardBasis(SESSION).sumEffectiveScore, basis.sumEffective, "S' without node 0");
        assertEq(basis.sumEffective, stale.sumScore - 45_000_000_000, "node 0's score is gone");
    }

    function test_setClipK_resetsFinalizationInProgress() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        _start(SESSION);

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.FinalizationReset(SESSION);
        vm.prank(coordinator);
        gradpay.setClipK(SESSION, 1e18);
        assertFalse(gradpay.getFinalization(SESSION).started, "pass discarded");

        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        assertEq(gradpay.getFinalization(SESSION).clipCap, basis.cap, "cap from the new clipK");
        assertLt(basis.cap, ranked[0].score, "the new clipK clips the top node");
        _submit(SESSION, ranked.indices(), true);
        assertEq(gradpay.getRewardBasis(SESSION).clipCap, basis.cap, "cap kept");
    }

    function test_excludeNodeAndSetClipK_noResetEventWhenNotStarted() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        vm.recordLogs();
        vm.startPrank(coordinator);
        gradpay.setClipK(SESSION, 2e18);
        gradpay.excludeNode(SESSION, nodes[4], "late");
        vm.stopPrank();
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            assertTrue(
                logs[i].topics[0] != IRewardDistributor.FinalizationReset.selector, "no reset without a pass"
            );
        }
        assertEq(logs.length, 2, "ClipKUpdated and NodeExcluded only");
    }

    function test_RevertWhen_excludeNodeOrSetClipK_afterFinalized() public {
        _recordFixture(SESSION, 0);
        _finalize(SESSION);
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.SessionInWrongState.selector,
                SESSION,
                ITrainingRegistry.SessionState.Finalized,
                ITrainingRegistry.SessionState.Completed
            )
        );
        gradpay.excludeNode(SESSION, nodes[0], "too late");
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.SessionInWrongState.selector,
                SESSION,
                ITrainingRegistry.SessionState.Finalized,
                ITrainingRegistry.SessionState.Completed
            )
        );
        gradpay.setClipK(SESSION, 1e18);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ zero eligible

    function test_startFinalization_zeroEligibleFinalizesAtStart() public {
        _createSession(SESSION, 1e18, 3); // nobody reports
        _complete(SESSION);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.FinalizationStarted(SESSION, 0, 0, 0, RewardModel.NO_CAP);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.SessionFinalized(SESSION, 0, 0, RewardModel.NO_CAP);
        vm.prank(coordinator);
        gradpay.startFinalization(SESSION, 0, 0, 0);
        assertEq(uint8(_state(SESSION)), uint8(ITrainingRegistry.SessionState.Finalized), "Finalized");
        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        assertEq(rb.eligibleCount, 0, "n = 0");
        assertEq(rb.sumEffectiveScore, 0, "S' = 0");
    }

    function test_startFinalization_allExcludedFinalizesAtStart() public {
        nodes = _createSession(SESSION, 0, 2);
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        entries[1] = _entry(1, 20, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        _record(SESSION, 0, 0, 1, entries);
        vm.startPrank(coordinator);
        gradpay.excludeNode(SESSION, nodes[0], "a");
        gradpay.excludeNode(SESSION, nodes[1], "b");
        gradpay.completeSession(SESSION);
        gradpay.startFinalization(SESSION, 0, 0, 0);
        vm.stopPrank();
        assertEq(uint8(_state(SESSION)), uint8(ITrainingRegistry.SessionState.Finalized), "Finalized");
    }

    function test_RevertWhen_zeroEligibleWithClaimedTotals() public {
        _createSession(SESSION, 0, 3);
        _complete(SESSION);
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalTooHigh.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScore,
                5
            )
        );
        gradpay.startFinalization(SESSION, 0, 5, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimedTotalTooHigh.selector,
                SESSION,
                IRewardDistributor.ClaimedTotal.SumScoreSquared,
                9
            )
        );
        gradpay.startFinalization(SESSION, 0, 0, 9);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ clipping

    function test_submitRanking_emitsOutlierClippedAboveCapOnly() public {
        _recordFixture(SESSION, 5e17); // half a sigma: nodes 1 and 5 are above the cap
        _complete(SESSION);
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        assertGt(ranked[1].score, basis.cap, "fixture: rank 1 above cap");
        assertLt(ranked[2].score, basis.cap, "fixture: rank 2 below cap");

        vm.recordLogs();
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.OutlierClipped(SESSION, ranked[0].index, ranked[0].score, basis.cap);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.OutlierClipped(SESSION, ranked[1].index, ranked[1].score, basis.cap);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.SessionFinalized(SESSION, 5, basis.sumEffective, basis.cap);
        _submit(SESSION, ranked.indices(), true);

        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 clipped;
        for (uint256 i; i < logs.length; ++i) {
            // The test's own `emit`s for expectEmit are recorded too: count gradpay's only.
            if (
                logs[i].emitter == address(gradpay)
                    && logs[i].topics[0] == IRewardDistributor.OutlierClipped.selector
            ) {
                ++clipped;
            }
        }
        assertEq(clipped, 2, "exactly the two nodes above the cap");
        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        assertEq(rb.clipCap, basis.cap, "cap");
        assertEq(rb.sumEffectiveScore, basis.sumEffective, "S'");
        assertEq(
            rb.sumEffectiveScore,
            2 * basis.cap + ranked[2].score + ranked[3].score + ranked[4].score,
            "S' = 2 cap + the unclipped rest"
        );
    }

    function test_clipCap_matchesFormula() public {
        _recordFixture(SESSION, 1e18);
        _complete(SESSION);
        (, RewardModel.Basis memory basis) = _start(SESSION);
        uint256 variance = 5 * basis.sumSquares - basis.sumScore * basis.sumScore;
        uint256 expected = (basis.sumScore * 1e18 + 1e18 * RewardModel.isqrt(variance)) / (5 * 1e18);
        assertEq(gradpay.getFinalization(SESSION).clipCap, expected, "cap = mean + sigma");
        assertEq(expected, basis.cap, "model agrees");
    }

    function test_clipK_hugeIsNoOp() public {
        _recordFixture(SESSION, type(uint64).max);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        assertGe(basis.cap, ranked[0].score, "an 18-sigma cap clips no one");
        vm.recordLogs();
        _submit(SESSION, ranked.indices(), true);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            assertTrue(logs[i].topics[0] != IRewardDistributor.OutlierClipped.selector, "nothing clipped");
        }
        assertEq(gradpay.getRewardBasis(SESSION).sumEffectiveScore, basis.sumScore, "S' = S");
    }

    // ------------------------------------------------------------------ tiers

    function test_getRewardBasis_tierBoundariesOfFixture() public {
        _recordFixture(SESSION, 0);
        _finalize(SESSION);
        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        // n = 5: top = 3 (ranks 0-2: nodes 1, 5, 0), mid = 4 (rank 3: node 2).
        assertEq(rb.tier1LastIndex, 0, "tier 1 ends at node 0");
        assertEq(rb.tier1LastScore, 45_000_000_000, "tier 1 last score");
        assertEq(rb.tier2LastIndex, 2, "tier 2 ends at node 2 (ties node 0, higher index)");
        assertEq(rb.tier2LastScore, 45_000_000_000, "tier 2 last score");
    }

    /// forge-config: ci.fuzz.runs = 1000
    /// @dev n nodes of random compute (duplicates allowed, so ties are common): the tier ends match §4.
    function testFuzz_getRewardBasis_tierBoundaries(uint256 n, uint256 seed) public {
        n = bound(n, 1, 12);
        nodes = _createSession(SESSION, 0, n);
        uint256[] memory entries = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint32 c = uint32(bound(uint256(keccak256(abi.encode(seed, i))), 1, 4));
            entries[i] = _entry(uint32(i), c, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        }
        _record(SESSION, 0, 0, 1, entries);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        _submit(SESSION, ranked.indices(), true);

        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        assertEq(basis.top, (n + 1) / 2, "top = ceil(n / 2)");
        assertEq(rb.tier1LastIndex, ranked[basis.top - 1].index, "tier 1 last index");
        assertEq(rb.tier1LastScore, ranked[basis.top - 1].score, "tier 1 last score");
        assertEq(rb.tier2LastIndex, ranked[basis.mid - 1].index, "tier 2 last index");
        assertEq(rb.tier2LastScore, ranked[basis.mid - 1].score, "tier 2 last score");
        assertEq(rb.sumTierWeighted, basis.sumTierWeighted, "W");
        assertEq(rb.eligibleCount, n, "n");
    }

    function test_getRewardBasis_tierBoundariesSmallSessions() public {
        // n: top, mid = 1: 1, 1 | 2: 1, 2 | 3: 2, 3 | 4: 2, 4 | 10: 5, 8
        uint256[5] memory ns = [uint256(1), 2, 3, 4, 10];
        uint256[5] memory tops = [uint256(1), 1, 2, 2, 5];
        uint256[5] memory mids = [uint256(1), 2, 3, 4, 8];
        for (uint256 k; k < ns.length; ++k) {
            uint64 sessionId = uint64(100 + k);
            uint256 n = ns[k];
            _createSession(sessionId, 0, n);
            uint256[] memory entries = new uint256[](n);
            // Compute decreasing with index: rank = index.
            for (uint256 i; i < n; ++i) {
                entries[i] = _entry(uint32(i), uint32(100 - i), 1, 0, 1, 1, 10_000, 10_000, 10_000);
            }
            _record(sessionId, 0, 0, 1, entries);
            _finalize(sessionId);
            IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(sessionId);
            assertEq(rb.tier1LastIndex, tops[k] - 1, "tier 1 last rank");
            assertEq(rb.tier2LastIndex, mids[k] - 1, "tier 2 last rank");
        }
    }

    // ------------------------------------------------------------------ access, pause, state

    function test_RevertWhen_startFinalization_unauthorized() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        bytes32 role = gradpay.COORDINATOR_ROLE();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        gradpay.startFinalization(SESSION, 5, 0, 0);
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, role)
        );
        gradpay.startFinalization(SESSION, 5, 0, 0);
    }

    function test_RevertWhen_submitRanking_unauthorized() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked,) = _start(SESSION);
        uint32[] memory all = ranked.indices();
        bytes32 role = gradpay.COORDINATOR_ROLE();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        gradpay.submitRanking(SESSION, all, true);
    }

    function test_RevertWhen_startFinalization_paused() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        vm.prank(admin);
        gradpay.pause();
        vm.prank(coordinator);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        gradpay.startFinalization(SESSION, 5, 0, 0);
    }

    function test_RevertWhen_submitRanking_paused() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked,) = _start(SESSION);
        uint32[] memory all = ranked.indices();
        vm.prank(admin);
        gradpay.pause();
        vm.prank(coordinator);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        gradpay.submitRanking(SESSION, all, true);

        vm.prank(admin);
        gradpay.unpause();
        _submit(SESSION, all, true);
        assertEq(
            uint8(_state(SESSION)), uint8(ITrainingRegistry.SessionState.Finalized), "resumes after unpause"
        );
    }

    function test_RevertWhen_startFinalization_wrongState() public {
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.SessionInWrongState.selector,
                SESSION,
                ITrainingRegistry.SessionState.None,
                ITrainingRegistry.SessionState.Completed
            )
        );
        gradpay.startFinalization(SESSION, 0, 0, 0);
        vm.stopPrank();

        _recordFixture(SESSION, 0);
        RewardModel.Basis memory basis = RewardModel.basisOf(_model(SESSION), 0);
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.SessionInWrongState.selector,
                SESSION,
                ITrainingRegistry.SessionState.Active,
                ITrainingRegistry.SessionState.Completed
            )
        );
        gradpay.startFinalization(SESSION, 5, basis.sumScore, basis.sumSquares);
        vm.stopPrank();

        _finalize(SESSION);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.SessionInWrongState.selector,
                SESSION,
                ITrainingRegistry.SessionState.Finalized,
                ITrainingRegistry.SessionState.Completed
            )
        );
        gradpay.startFinalization(SESSION, 5, basis.sumScore, basis.sumSquares);
    }

    function test_RevertWhen_submitRanking_wrongState() public {
        _recordFixture(SESSION, 0);
        uint32[] memory all = _model(SESSION).indices();
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.SessionInWrongState.selector,
                SESSION,
                ITrainingRegistry.SessionState.Active,
                ITrainingRegistry.SessionState.Completed
            )
        );
        gradpay.submitRanking(SESSION, all, true);

        _finalize(SESSION);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.SessionInWrongState.selector,
                SESSION,
                ITrainingRegistry.SessionState.Finalized,
                ITrainingRegistry.SessionState.Completed
            )
        );
        gradpay.submitRanking(SESSION, all, true);
    }

    function test_RevertWhen_getRewardBasis_notFinalized() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITrainingRegistry.SessionInWrongState.selector,
                SESSION,
                ITrainingRegistry.SessionState.Completed,
                ITrainingRegistry.SessionState.Finalized
            )
        );
        gradpay.getRewardBasis(SESSION);
    }
}
