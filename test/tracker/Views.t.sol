// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {NodeSums as Sums} from "../utils/NodeSums.sol";
import {TrackerTest} from "../utils/TrackerTest.sol";

/// @notice The tracker's views: the entry packing, the running sums by address and by index, the
///         session totals and the scores of reward-math.md §2.
contract ViewsTest is TrackerTest {
    function testFuzz_packEntry(IContributionTracker.ContributionEntry memory e) public view {
        uint256 word = gradpay.packEntry(e);
        // The interface's layout, written as sums of multiples of powers of two.
        uint256 expected = uint256(e.nodeIndex) + uint256(e.computeSeconds) * 2 ** 32 + uint256(e.accepted)
            * 2 ** 64 + uint256(e.rejected) * 2 ** 96 + uint256(e.roundsOk) * 2 ** 128
            + uint256(e.roundsJoined) * 2 ** 160 + uint256(e.consistencyBps) * 2 ** 192
            + uint256(e.networkBps) * 2 ** 208 + uint256(e.uptimeBps) * 2 ** 224;
        assertEq(word, expected, "packed word");
        assertLt(word, 2 ** 240, "reserved bits zero");
    }

    function test_packEntry_roundTripsThroughRecord() public {
        nodes = _createSession(SESSION, 0, 3);
        uint256 word =
            gradpay.packEntry(IContributionTracker.ContributionEntry(2, 1234, 56, 7, 8, 9, 9999, 1, 10_000));
        _record(SESSION, 0, 0, 9, _list(word));
        _assertRecord(gradpay.getContribution(SESSION, nodes[2]), Sums(1234, 56, 7, 8, 9, 9999, 1, 10_000, 1));
    }

    function test_getContributionByIndex_matchesByAddress() public {
        nodes = _createSession(SESSION, 0, 3);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(2, 3), _e(0, 4)));
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[2], "");
        for (uint32 i; i < 3; ++i) {
            assertEq(
                abi.encode(gradpay.getContributionByIndex(SESSION, i)),
                abi.encode(gradpay.getContribution(SESSION, nodes[i])),
                "by index == by address"
            );
            assertEq(gradpay.getContributionByIndex(SESSION, i).index, i, "index");
        }
        assertTrue(gradpay.getContributionByIndex(SESSION, 2).excluded, "excluded");
    }

    function test_RevertWhen_getContributionByIndexOutOfRange() public {
        _createSession(SESSION, 0, 3);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionTracker.IndexRangeOutOfBounds.selector, SESSION, 3, 1, 3)
        );
        gradpay.getContributionByIndex(SESSION, 3);
        vm.expectRevert(
            abi.encodeWithSelector(IContributionTracker.IndexRangeOutOfBounds.selector, OTHER, 0, 1, 0)
        );
        gradpay.getContributionByIndex(OTHER, 0);
    }

    function test_RevertWhen_getContributionNodeNotRegistered() public {
        _createSession(SESSION, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, stranger));
        gradpay.getContribution(SESSION, stranger);
    }

    function test_getSessionTotal() public {
        _createSession(SESSION, 0, 3);
        IContributionTracker.SessionTotals memory totals = gradpay.getSessionTotal(SESSION);
        assertEq(totals.totalRounds, 0, "empty T");
        assertEq(totals.nodeEpochs, 0, "empty nodeEpochs");
        _record(
            SESSION, 0, 0, 10, _list(_entry(0, 100, 5, 1, 0, 0, 0, 0, 0), _entry(1, 200, 6, 2, 0, 0, 0, 0, 0))
        );
        _record(SESSION, 0, 1, 10, _list(_entry(2, 300, 7, 3, 0, 0, 0, 0, 0)));
        _record(SESSION, 4, 0, 15, _list(_entry(0, 400, 8, 4, 0, 0, 0, 0, 0)));
        totals = gradpay.getSessionTotal(SESSION);
        assertEq(totals.totalRounds, 25, "T");
        assertEq(totals.epochCount, 2, "epochCount");
        assertEq(totals.computeSeconds, 1000, "c");
        assertEq(totals.accepted, 26, "a");
        assertEq(totals.rejected, 10, "j");
        assertEq(totals.nodeEpochs, 4, "nodeEpochs");
    }

    function test_getScore_workedExample() public {
        nodes = _createSession(SESSION, 0, 3);
        _record(
            SESSION,
            0,
            0,
            10,
            _list(
                _entry(0, 150, 27, 3, 9, 10, 8000, 9000, 10_000),
                _entry(1, 100, 10, 10, 5, 10, 5000, 5000, 5000),
                _entry(2, 200, 40, 0, 10, 10, 10_000, 10_000, 10_000)
            )
        );
        IContributionTracker.NodeScore memory s0 = gradpay.getScore(SESSION, nodes[0]);
        assertEq(s0.index, 0, "index");
        assertEq(s0.quality, 8700, "node 0 Q");
        assertEq(s0.reliability, 9700, "node 0 R");
        assertEq(s0.score, 61_033_500_000, "node 0 score");
        assertEq(gradpay.getScore(SESSION, nodes[1]).score, 27_500_000_000, "node 1 score");
        assertEq(gradpay.getScore(SESSION, nodes[2]).score, 90_000_000_000, "node 2 score");
        assertTrue(s0.eligible, "eligible");
    }

    function test_getScore_nodeWithoutRecords() public {
        nodes = _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 0, 10, _list(_e(0, 1)));
        IContributionTracker.NodeScore memory s = gradpay.getScore(SESSION, nodes[1]);
        assertEq(s.index, 1, "index");
        assertFalse(s.eligible, "eligible");
        assertEq(s.quality, 0, "Q");
        assertEq(s.participation, 0, "P");
        assertEq(s.reliability, 0, "R");
        assertEq(s.score, 0, "score");
    }

    function test_RevertWhen_getScoreNodeNotRegistered() public {
        _createSession(SESSION, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, stranger));
        gradpay.getScore(SESSION, stranger);
    }

    function test_getScores_range() public {
        nodes = _createSession(SESSION, 0, 4);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1), _e(1, 2), _e(2, 3), _e(3, 4)));
        IContributionTracker.NodeScore[] memory scores = gradpay.getScores(SESSION, 1, 2);
        assertEq(scores.length, 2, "length");
        for (uint256 i; i < 2; ++i) {
            assertEq(
                abi.encode(scores[i]),
                abi.encode(gradpay.getScore(SESSION, nodes[i + 1])),
                "getScores == getScore"
            );
            assertEq(scores[i].index, i + 1, "index");
        }
        assertEq(gradpay.getScores(SESSION, 0, 4).length, 4, "all");
        assertEq(gradpay.getScores(SESSION, 4, 0).length, 0, "empty range at the end");
    }

    function test_RevertWhen_getScoresRangeOutOfBounds() public {
        _createSession(SESSION, 0, 4);
        _expectRangeRevert(SESSION, 3, 2, 4);
        _expectRangeRevert(SESSION, 5, 0, 4);
        _expectRangeRevert(SESSION, type(uint32).max, type(uint32).max, 4);
    }
}
