// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {RecordPacking} from "../../contracts/libraries/RecordPacking.sol";
import {NodeSums as Sums} from "../utils/NodeSums.sol";
import {TrackerTest} from "../utils/TrackerTest.sol";

/// @notice The epoch rules of reward-math.md §1: epochs in non-decreasing order, one `epochRounds` per
///         epoch counted once towards T, and the session limits on T and on the number of epochs.
contract EpochsTest is TrackerTest {
    // ------------------------------------------------------------------ order and rounds

    function test_RevertWhen_epochOutOfOrder() public {
        _createSession(SESSION, 0, 2);
        _record(SESSION, 5, 0, ROUNDS, _list(_e(0, 1)));
        _expectBatchRevert(
            4,
            0,
            _list(_e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.EpochOutOfOrder.selector, SESSION, 4, 5)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_epochOutOfOrder(uint32 current, uint32 older, uint32 batch) public {
        current = uint32(bound(current, 1, type(uint32).max));
        older = uint32(bound(older, 0, current - 1));
        _createSession(SESSION, 0, 2);
        _record(SESSION, current, 0, ROUNDS, _list(_e(0, 1)));
        _expectBatchRevert(
            older,
            batch,
            _list(_e(1, 1)),
            abi.encodeWithSelector(IContributionTracker.EpochOutOfOrder.selector, SESSION, older, current)
        );
    }

    /// forge-config: ci.fuzz.runs = 500
    function testFuzz_RevertWhen_epochRoundsMismatch(uint32 rounds, uint32 other) public {
        rounds = uint32(bound(rounds, 0, 1000));
        vm.assume(other != rounds);
        _createSession(SESSION, 0, 2);
        _record(SESSION, 3, 0, rounds, _list(_entry(0, 1, 0, 0, 0, 0, 0, 0, 0)));
        _expectRecordRevert(
            SESSION,
            3,
            1,
            other,
            _list(_entry(1, 1, 0, 0, 0, 0, 0, 0, 0)),
            abi.encodeWithSelector(
                IContributionTracker.EpochRoundsMismatch.selector, SESSION, 3, other, rounds
            )
        );
    }

    /// @dev A rejected first batch of an epoch does not fix the epoch's rounds: the next batch may give others.
    function test_revertedFirstBatchDoesNotFixEpochRounds() public {
        nodes = _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 0, ROUNDS, _list(_e(0, 1)));
        _expectRecordRevert(
            SESSION,
            1,
            0,
            20,
            _list(_e(0, 1), _e(5, 1)),
            abi.encodeWithSelector(IContributionTracker.EntryUnknownNode.selector, 1, 5, 2)
        );
        _record(SESSION, 1, 0, 30, _list(_e(1, 1)));
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(info.currentEpochRounds, 30, "rounds of the accepted batch");
        assertEq(info.totalRounds, ROUNDS + 30, "T");
        assertEq(info.epochCount, 2, "epochCount");
    }

    // ------------------------------------------------------------------ limits

    function test_RevertWhen_totalRoundsOverflowOneEpoch() public {
        _createSession(SESSION, 0, 1);
        uint256 max = RecordPacking.MAX_TOTAL_ROUNDS;
        _expectRecordRevert(
            SESSION,
            0,
            0,
            uint32(max + 1),
            _list(_e(0, 1)),
            abi.encodeWithSelector(IContributionTracker.TotalRoundsOverflow.selector, SESSION, max + 1, max)
        );
        _expectRecordRevert(
            SESSION,
            0,
            0,
            type(uint32).max,
            _list(_e(0, 1)),
            abi.encodeWithSelector(
                IContributionTracker.TotalRoundsOverflow.selector, SESSION, type(uint32).max, max
            )
        );
    }

    function test_RevertWhen_totalRoundsOverflowAcrossEpochs() public {
        nodes = _createSession(SESSION, 0, 1);
        uint256 max = RecordPacking.MAX_TOTAL_ROUNDS;
        _record(SESSION, 0, 0, uint32(max - 5), _list(_entry(0, 1, 0, 0, 0, uint32(max - 5), 0, 0, 0)));
        _expectRecordRevert(
            SESSION,
            1,
            0,
            6,
            _list(_e(0, 1)),
            abi.encodeWithSelector(IContributionTracker.TotalRoundsOverflow.selector, SESSION, max + 1, max)
        );
        // Exactly up to the limit is fine, and the node's p and k reach it.
        _record(SESSION, 1, 0, 5, _list(_entry(0, 1, 0, 0, 5, 5, 0, 0, 0)));
        assertEq(gradpay.getSession(SESSION).totalRounds, max, "T at the limit");
        IContributionTracker.NodeRecord memory r = gradpay.getContribution(SESSION, nodes[0]);
        assertEq(r.roundsJoined, max, "p at the limit");
        assertEq(r.roundsOk, 5, "k");
        // A zero-round epoch still fits, one more round does not.
        _record(SESSION, 2, 0, 0, _list(_entry(0, 1, 0, 0, 0, 0, 0, 0, 0)));
        _expectRecordRevert(
            SESSION,
            3,
            0,
            1,
            _list(_e(0, 1)),
            abi.encodeWithSelector(IContributionTracker.TotalRoundsOverflow.selector, SESSION, max + 1, max)
        );
    }

    /// @dev MAX_EPOCHS epochs with every field near its packing limit: no field carries into another,
    ///      and the epoch after the last one is refused while the last one still takes batches.
    function test_RevertWhen_tooManyEpochs() public {
        nodes = _createSession(SESSION, 0, 2);
        uint256 maxEpochs = gradpay.MAX_EPOCHS();
        uint32 rounds = uint32(RecordPacking.MAX_TOTAL_ROUNDS / maxEpochs);
        uint32 perEpochC = uint32(RecordPacking.MAX_COMPUTE_SECONDS / maxEpochs);
        uint32 perEpochSub = uint32(RecordPacking.MAX_SUBMISSIONS / maxEpochs);
        uint256 entry = _entry(0, perEpochC, perEpochSub, perEpochSub, rounds, rounds, 10_000, 10_000, 10_000);
        uint256[] memory entries = _list(entry);
        vm.startPrank(coordinator);
        for (uint256 ep; ep < maxEpochs; ++ep) {
            gradpay.recordContributionsBatch(SESSION, uint32(ep), 0, rounds, entries);
        }
        vm.stopPrank();

        uint256 n = maxEpochs;
        _assertRecord(
            gradpay.getContribution(SESSION, nodes[0]),
            Sums(
                n * perEpochC,
                n * perEpochSub,
                n * perEpochSub,
                n * rounds,
                n * rounds,
                n * 10_000,
                n * 10_000,
                n * 10_000,
                n
            )
        );
        assertFalse(gradpay.getContribution(SESSION, nodes[0]).excluded, "no carry into the excluded bit");
        assertEq(gradpay.getSession(SESSION).epochCount, maxEpochs, "epochCount");
        assertEq(gradpay.getSession(SESSION).totalRounds, n * rounds, "T");

        _expectRecordRevert(
            SESSION,
            uint32(maxEpochs),
            0,
            rounds,
            _list(_e(1, 1)),
            abi.encodeWithSelector(
                IContributionTracker.TooManyEpochs.selector, SESSION, uint32(maxEpochs), maxEpochs
            )
        );
        // The last epoch still takes new batches, and node 0 is still recorded in it.
        _expectRecordRevert(
            SESSION,
            uint32(maxEpochs - 1),
            1,
            rounds,
            _list(_e(0, 1)),
            abi.encodeWithSelector(
                IContributionTracker.NodeAlreadyRecordedInEpoch.selector, 0, 0, uint32(maxEpochs - 1)
            )
        );
        _record(SESSION, uint32(maxEpochs - 1), 1, rounds, _list(_e(1, 1)));
        assertEq(gradpay.getContribution(SESSION, nodes[1]).epochs, 1, "node 1 in the last epoch");
    }
}
