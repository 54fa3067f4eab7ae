// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {FinalizationTest} from "../utils/FinalizationTest.sol";
import {RewardModel} from "../utils/RewardModel.sol";
import {slice} from "../utils/Slice.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice `submitRanking`: the verified pass in one chunk or many, and every ranking it refuses (order,
///         ties, duplicates, missing, extra, ineligible nodes), with who may submit and when.
contract RankingTest is FinalizationTest {
    using RewardModel for RewardModel.Node[];

    function _outOfOrder(uint256 position, uint32 index, uint32 previous)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            IRewardDistributor.RankingOutOfOrder.selector, position, index, previous
        );
    }

    // ------------------------------------------------------------------ chunks

    function test_submitRanking_singleChunkFinalizes() public {
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _startedFixture(0);

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.SessionFinalized(SESSION, 5, basis.sumEffective, RewardModel.NO_CAP);
        _submit(SESSION, ranked.indices(), true);

        _assertState(SESSION, IGradPayBase.SessionState.Finalized, "Finalized");
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
        (RewardModel.Node[] memory ranked,) = _startedFixture(0);
        _submit(SESSION, ranked.indices(), false);
        _assertState(SESSION, IGradPayBase.SessionState.Finalized, "Finalized");
    }

    function test_submitRanking_severalChunks() public {
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _startedFixture(0);
        uint32[] memory all = ranked.indices();

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RankingVerified(SESSION, 2, 5);
        _submit(SESSION, slice(all, 0, 2), false);
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
        _submit(SESSION, slice(all, 2, 3), false);

        // An empty chunk changes nothing.
        _submit(SESSION, new uint32[](0), false);
        assertEq(gradpay.getFinalization(SESSION).processed, 3, "empty chunk is a no-op");

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.SessionFinalized(SESSION, 5, basis.sumEffective, RewardModel.NO_CAP);
        _submit(SESSION, slice(all, 3, 5), true);
        _assertState(SESSION, IGradPayBase.SessionState.Finalized, "Finalized");
        assertEq(gradpay.getRewardBasis(SESSION).sumTierWeighted, basis.sumTierWeighted, "W over chunks");
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_submitRanking_chunking(uint256 seed) public {
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _startedFixture(1e18);
        uint32[] memory all = ranked.indices();
        uint256 from;
        while (from < all.length) {
            uint256 size = bound(uint256(keccak256(abi.encode(seed, from))), 1, all.length - from);
            _submit(SESSION, slice(all, from, from + size), from + size == all.length);
            from += size;
        }
        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        assertEq(rb.sumEffectiveScore, basis.sumEffective, "S'");
        assertEq(rb.sumTierWeighted, basis.sumTierWeighted, "W");
        assertEq(rb.clipCap, basis.cap, "cap");
    }

    // ------------------------------------------------------------------ ranking checks

    function test_RevertWhen_submitRanking_outOfOrder() public {
        _startedFixture(0);
        // 5 listed before 1, whose score is higher.
        _expectRankingRevert(_list(5, 1, 0, 2, 4), true, _outOfOrder(1, 1, 5));
    }

    function test_RevertWhen_submitRanking_tieInDescendingIndexOrder() public {
        _startedFixture(0);
        // 0 and 2 have equal scores: 2 before 0 breaks the index-ascending tie rule.
        _expectRankingRevert(_list(1, 5, 2, 0, 4), true, _outOfOrder(3, 0, 2));
    }

    function test_RevertWhen_submitRanking_outOfOrderAcrossChunks() public {
        _startedFixture(0);
        uint32[] memory first = _list(1, 0);
        _submit(SESSION, first, false);
        uint32[] memory second = new uint32[](1);
        second[0] = 5;
        _expectRankingRevert(second, false, _outOfOrder(2, 5, 0));
    }

    function test_RevertWhen_submitRanking_duplicatedNode() public {
        _startedFixture(0);
        _expectRankingRevert(_list(1, 5, 0, 0, 4), true, _outOfOrder(3, 0, 0));
    }

    function test_RevertWhen_submitRanking_duplicatedAcrossChunks() public {
        _startedFixture(0);
        uint32[] memory first = _list(1, 5, 0);
        _submit(SESSION, first, false);
        uint32[] memory second = _list(0, 2);
        _expectRankingRevert(second, true, _outOfOrder(3, 0, 0));
    }

    function test_RevertWhen_submitRanking_missingNodeInLastChunk() public {
        _startedFixture(0);
        uint32[] memory four = _list(1, 5, 0, 2);
        _expectRankingRevert(
            four,
            true,
            abi.encodeWithSelector(
                IRewardDistributor.RankingIncomplete.selector, SESSION, uint32(4), uint32(5)
            )
        );
    }

    function test_RevertWhen_submitRanking_emptyLastChunk() public {
        _startedFixture(0);
        _expectRankingRevert(
            new uint32[](0),
            true,
            abi.encodeWithSelector(
                IRewardDistributor.RankingIncomplete.selector, SESSION, uint32(0), uint32(5)
            )
        );
    }

    function test_RevertWhen_submitRanking_extraNode() public {
        _startedFixture(0);
        uint32[] memory six = new uint32[](6);
        (six[0], six[1], six[2], six[3], six[4], six[5]) = (1, 5, 0, 2, 4, 3);
        _expectRankingRevert(
            six,
            true,
            abi.encodeWithSelector(IRewardDistributor.RankingTooLong.selector, SESSION, 6, uint32(5))
        );
    }

    function test_RevertWhen_submitRanking_extraNodeAfterChunks() public {
        _startedFixture(0);
        uint32[] memory first = _list(1, 5, 0);
        _submit(SESSION, first, false);
        uint32[] memory rest = _list(2, 4, 3);
        _expectRankingRevert(
            rest,
            true,
            abi.encodeWithSelector(IRewardDistributor.RankingTooLong.selector, SESSION, 6, uint32(5))
        );
    }

    function test_RevertWhen_submitRanking_neverReportedNode() public {
        _startedFixture(0);
        // Node 3 has c = 0: listed in node 4's place.
        _expectRankingRevert(
            _list(1, 5, 0, 2, 3),
            true,
            abi.encodeWithSelector(IRewardDistributor.RankedNodeNotEligible.selector, 4, uint32(3))
        );
    }

    function test_RevertWhen_submitRanking_unknownNode() public {
        _startedFixture(0);
        _expectRankingRevert(
            _list(1, 5, 0, 2, 6),
            true,
            abi.encodeWithSelector(IRewardDistributor.RankedNodeNotEligible.selector, 4, uint32(6))
        );
        _expectRankingRevert(
            _list(type(uint32).max, 1, 5, 0, 2),
            true,
            abi.encodeWithSelector(IRewardDistributor.RankedNodeNotEligible.selector, 0, type(uint32).max)
        );
    }

    function test_RevertWhen_submitRanking_excludedNode() public {
        _recordFixture(SESSION, 0);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[5], "sybil");
        _complete(SESSION);
        (RewardModel.Node[] memory ranked,) = _start(SESSION);
        assertEq(ranked.length, 4, "excluded node is not eligible");
        // Node 5 in its old place (rank 1), with node 4 dropped to keep the length.
        uint32[] memory withExcluded = _list(1, 5, 0, 2);
        _expectRankingRevert(
            withExcluded,
            true,
            abi.encodeWithSelector(IRewardDistributor.RankedNodeNotEligible.selector, 1, uint32(5))
        );
    }

    // ------------------------------------------------------------------ access, pause, state

    function test_RevertWhen_submitRanking_finalizationNotStarted() public {
        _recordFixture(SESSION, 0);
        _complete(SESSION);
        uint32[] memory all = _model(SESSION).indices();
        _expectRankingRevert(
            all, true, abi.encodeWithSelector(IRewardDistributor.FinalizationNotStarted.selector, SESSION)
        );
    }

    function test_RevertWhen_submitRanking_unauthorized() public {
        (RewardModel.Node[] memory ranked,) = _startedFixture(0);
        uint32[] memory all = ranked.indices();
        vm.prank(stranger);
        vm.expectRevert(_notOperator(SESSION, stranger));
        gradpay.submitRanking(SESSION, all, true);
    }

    function test_RevertWhen_submitRanking_paused() public {
        (RewardModel.Node[] memory ranked,) = _startedFixture(0);
        uint32[] memory all = ranked.indices();
        vm.prank(admin);
        gradpay.pause();
        _expectRankingRevert(all, true, abi.encodeWithSelector(Pausable.EnforcedPause.selector));

        vm.prank(admin);
        gradpay.unpause();
        _submit(SESSION, all, true);
        _assertState(SESSION, IGradPayBase.SessionState.Finalized, "resumes after unpause");
    }

    function test_RevertWhen_submitRanking_wrongState() public {
        _recordFixture(SESSION, 0);
        uint32[] memory all = _model(SESSION).indices();
        _expectRankingRevert(
            all,
            true,
            _wrongState(SESSION, IGradPayBase.SessionState.Active, IGradPayBase.SessionState.Completed)
        );

        _finalize(SESSION);
        _expectRankingRevert(
            all,
            true,
            _wrongState(SESSION, IGradPayBase.SessionState.Finalized, IGradPayBase.SessionState.Completed)
        );
    }
}
