// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {NodeSums as Sums} from "../utils/NodeSums.sol";
import {RewardModel} from "../utils/RewardModel.sol";
import {TrackerTest} from "../utils/TrackerTest.sol";

/// @notice An epoch in which no node reported (reward-math.md §1): a batch without entries opens it, its
///         rounds join T exactly once, it follows every rule of any other batch, and the larger T lowers
///         every node's participation P and so its score and payout.
contract SilentEpochsTest is TrackerTest {
    /// @dev Two nodes report in epoch 0 (10 rounds); epoch 1 (10 rounds) is silent, so T = 20.
    ///      Node 0: A = C = S = 10000, Q = 10000, P = 10000 * 10 / 20 = 5000, N = U = 10000,
    ///      R = (5000 * 5000 + 3000 * 10000 + 2000 * 10000) / 10000 = 7500, score = 100 * 15000 * 27500.
    ///      Node 1: A = C = S = 5000, Q = 5000, P = 5000, N = U = 5000, R = 5000, score = 100 * 10000 * 25000.
    uint256 internal constant NODE0_SCORE = 41_250_000_000;
    uint256 internal constant NODE1_SCORE = 25_000_000_000;

    function _reportingEpoch() internal returns (uint256[] memory entries) {
        nodes = _createSession(SESSION, 0, 2);
        entries = _list(
            _entry(0, 100, 10, 0, 10, 10, 10_000, 10_000, 10_000),
            _entry(1, 100, 5, 5, 5, 10, 5000, 5000, 5000)
        );
        _record(SESSION, 0, 0, ROUNDS, entries);
    }

    function _assertEpochs(uint256 totalRounds, uint256 epochCount, uint32 currentEpoch, uint32 currentRounds)
        internal
        view
    {
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(info.totalRounds, totalRounds, "T");
        assertEq(info.epochCount, epochCount, "epochCount");
        assertEq(info.currentEpoch, currentEpoch, "currentEpoch");
        assertEq(info.currentEpochRounds, currentRounds, "currentEpochRounds");
        assertEq(gradpay.getSessionTotal(SESSION).totalRounds, totalRounds, "totals T");
    }

    // ------------------------------------------------------------------ opening an epoch without entries

    function test_recordContributionsBatch_emptyBatchOpensEpoch() public {
        _reportingEpoch();
        bytes memory recordsBefore = abi.encode(
            gradpay.getContributionByIndex(SESSION, 0), gradpay.getContributionByIndex(SESSION, 1)
        );
        IContributionTracker.SessionTotals memory totalsBefore = gradpay.getSessionTotal(SESSION);

        vm.expectEmit(address(gradpay));
        emit IContributionTracker.ContributionsRecorded(SESSION, 1, 0, 20, 0, keccak256(""));
        _record(SESSION, 1, 0, 20, new uint256[](0));

        _assertEpochs(ROUNDS + 20, 2, 1, 20);
        assertTrue(gradpay.isBatchRecorded(SESSION, 1, 0), "batch recorded");
        assertEq(
            abi.encode(
                gradpay.getContributionByIndex(SESSION, 0), gradpay.getContributionByIndex(SESSION, 1)
            ),
            recordsBefore,
            "no node record changes"
        );
        IContributionTracker.SessionTotals memory totals = gradpay.getSessionTotal(SESSION);
        assertEq(totals.nodeEpochs, totalsBefore.nodeEpochs, "no node-epoch added");
        assertEq(totals.computeSeconds, totalsBefore.computeSeconds, "no compute added");
        assertEq(gradpay.getSession(SESSION).eligibleCount, 2, "eligibility unchanged");
    }

    function test_recordContributionsBatch_emptyFirstBatchOfSession() public {
        nodes = _createSession(SESSION, 0, 2);
        _record(SESSION, 3, 9, 7, new uint256[](0));
        _assertEpochs(7, 1, 3, 7);
        assertEq(gradpay.getSession(SESSION).eligibleCount, 0, "nobody eligible");
        // The epoch is open: a later batch of it brings entries and does not count its rounds again.
        _record(SESSION, 3, 10, 7, _list(_entry(1, 5, 1, 0, 7, 7, 10_000, 10_000, 10_000)));
        _assertEpochs(7, 1, 3, 7);
        assertEq(gradpay.getContributionByIndex(SESSION, 1).epochs, 1, "node 1 recorded in epoch 3");
        assertEq(gradpay.getScore(SESSION, nodes[1]).participation, 10_000, "P = 10000 * 7 / 7");
    }

    function test_recordContributionsBatch_emptyBatchOfCurrentEpoch() public {
        _reportingEpoch();
        _record(SESSION, 0, 1, ROUNDS, new uint256[](0));
        _assertEpochs(ROUNDS, 1, 0, ROUNDS);
        assertTrue(gradpay.isBatchRecorded(SESSION, 0, 1), "batch recorded");
        assertEq(gradpay.getSessionTotal(SESSION).nodeEpochs, 2, "nodeEpochs");
    }

    function test_recordContributionsBatch_silentEpochsInARow() public {
        _reportingEpoch();
        _record(SESSION, 1, 0, 20, new uint256[](0));
        _record(SESSION, 4, 0, 0, new uint256[](0));
        _record(SESSION, 5, 0, 30, new uint256[](0));
        _assertEpochs(ROUNDS + 20 + 30, 4, 5, 30);
        _assertScore(
            gradpay.getScore(SESSION, nodes[0]), Sums(100, 10, 0, 10, 10, 10_000, 10_000, 10_000, 1), 60, true
        );
    }

    // ------------------------------------------------------------------ the rules of any batch

    function test_RevertWhen_emptyBatchReplayed() public {
        _reportingEpoch();
        _record(SESSION, 1, 0, 20, new uint256[](0));
        bytes memory err =
            abi.encodeWithSelector(IContributionTracker.BatchAlreadyRecorded.selector, SESSION, 1, 0);
        _expectRecordRevert(SESSION, 1, 0, 20, new uint256[](0), err);
        _expectRecordRevert(SESSION, 1, 0, 99, new uint256[](0), err);
        _expectRecordRevert(SESSION, 1, 0, 20, _list(_e(0, 1)), err);
        _assertEpochs(ROUNDS + 20, 2, 1, 20);
    }

    function test_RevertWhen_batchWithEntriesReplayedEmpty() public {
        _reportingEpoch();
        _expectBatchRevert(
            0,
            0,
            new uint256[](0),
            abi.encodeWithSelector(IContributionTracker.BatchAlreadyRecorded.selector, SESSION, 0, 0)
        );
    }

    function test_RevertWhen_emptyBatchOfOlderEpoch() public {
        _reportingEpoch();
        _record(SESSION, 5, 0, 20, new uint256[](0));
        bytes memory err =
            abi.encodeWithSelector(IContributionTracker.EpochOutOfOrder.selector, SESSION, 4, 5);
        _expectRecordRevert(SESSION, 4, 0, 20, new uint256[](0), err);
        _expectBatchRevert(4, 0, _list(_e(0, 1)), err);
        _expectBatchRevert(
            0,
            1,
            new uint256[](0),
            abi.encodeWithSelector(IContributionTracker.EpochOutOfOrder.selector, SESSION, 0, 5)
        );
    }

    function test_RevertWhen_emptyBatchWithOtherRounds() public {
        _reportingEpoch();
        _expectRecordRevert(
            SESSION,
            0,
            1,
            ROUNDS + 1,
            new uint256[](0),
            abi.encodeWithSelector(
                IContributionTracker.EpochRoundsMismatch.selector, SESSION, 0, ROUNDS + 1, ROUNDS
            )
        );
        // And a silent epoch fixes its rounds for every later batch of it, with entries or without.
        _record(SESSION, 1, 0, 20, new uint256[](0));
        bytes memory err =
            abi.encodeWithSelector(IContributionTracker.EpochRoundsMismatch.selector, SESSION, 1, ROUNDS, 20);
        _expectBatchRevert(1, 1, _list(_e(0, 1)), err);
        _expectBatchRevert(1, 1, new uint256[](0), err);
    }

    function test_recordContributionsBatch_laterBatchOfSilentEpochCarriesEntries() public {
        _reportingEpoch();
        _record(SESSION, 1, 0, 20, new uint256[](0));
        _record(SESSION, 1, 1, 20, _list(_entry(1, 50, 1, 0, 20, 20, 10_000, 10_000, 10_000)));
        _assertEpochs(ROUNDS + 20, 2, 1, 20);
        assertEq(gradpay.getContributionByIndex(SESSION, 1).epochs, 2, "node 1 in both epochs");
        assertEq(gradpay.getContributionByIndex(SESSION, 1).roundsJoined, 30, "p");
        assertEq(gradpay.getScore(SESSION, nodes[1]).participation, 10_000, "P = 10000 * 30 / 30");
        assertEq(gradpay.getScore(SESSION, nodes[0]).participation, 3333, "P = 10000 * 10 / 30");
    }

    function test_RevertWhen_emptyBatchOnInactiveSession() public {
        _expectBatchRevert(0, 0, new uint256[](0), _notOperator(SESSION, coordinator));
        _reportingEpoch();
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        _expectBatchRevert(
            1,
            0,
            new uint256[](0),
            _wrongState(SESSION, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Active)
        );
    }

    // ------------------------------------------------------------------ what a silent epoch pays

    /// @dev §2 with T = 20, against the page's formulas and the numbers worked out above.
    function test_silentEpoch_lowersParticipationAndScore() public {
        _reportingEpoch();
        _record(SESSION, 1, 0, ROUNDS, new uint256[](0));
        Sums memory node0 = Sums(100, 10, 0, 10, 10, 10_000, 10_000, 10_000, 1);
        Sums memory node1 = Sums(100, 5, 5, 5, 10, 5000, 5000, 5000, 1);
        _assertScore(gradpay.getScore(SESSION, nodes[0]), node0, 2 * ROUNDS, true);
        _assertScore(gradpay.getScore(SESSION, nodes[1]), node1, 2 * ROUNDS, true);
        IContributionTracker.NodeScore memory s0 = gradpay.getScore(SESSION, nodes[0]);
        assertEq(s0.participation, 5000, "node 0 P");
        assertEq(s0.reliability, 7500, "node 0 R");
        assertEq(s0.score, NODE0_SCORE, "node 0 score");
        assertEq(gradpay.getScore(SESSION, nodes[1]).score, NODE1_SCORE, "node 1 score");
    }

    /// @dev The proportional pool splits by the T = 20 scores: F * 41.25 / 66.25 and F * 25 / 66.25,
    ///      not the T = 10 split F * 45 / 72.5 and F * 27.5 / 72.5.
    function test_silentEpoch_proportionalPayout() public {
        _reportingEpoch();
        _record(SESSION, 1, 0, ROUNDS, new uint256[](0));
        _finalize(SESSION);
        uint256 amount = 1 ether;
        uint256 poolId =
            _createPool(SESSION, address(0), amount, IRewardDistributor.Strategy.Proportional, _noParams());

        uint256 sum = NODE0_SCORE + NODE1_SCORE;
        uint256[2] memory expected =
            [RewardModel.mulDiv(amount, NODE0_SCORE, sum), RewardModel.mulDiv(amount, NODE1_SCORE, sum)];
        assertEq(expected[0], 622_641_509_433_962_264, "node 0 share, worked out");
        assertEq(expected[1], 377_358_490_566_037_735, "node 1 share, worked out");
        // The independent model over the score views agrees.
        RewardModel.Node[] memory ranked = RewardModel.rankedNodes(gradpay, SESSION);
        uint256[] memory model =
            RewardModel.payouts(ranked, 0, IRewardDistributor.Strategy.Proportional, _noParams(), amount);
        for (uint256 i; i < 2; ++i) {
            assertEq(RewardModel.rewardOfIndex(ranked, model, uint32(i)), expected[i], "model");
            uint256 before = nodes[i].balance;
            vm.prank(nodes[i]);
            assertEq(gradpay.claimReward(poolId), expected[i], "claimed");
            assertEq(nodes[i].balance - before, expected[i], "paid");
        }
    }
}
