// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../contracts/interfaces/IContributionTracker.sol";
import {IRewardDistributor} from "../contracts/interfaces/IRewardDistributor.sol";
import {BaseTest} from "./utils/BaseTest.sol";

/// @notice reward-math.md §6 end to end: record -> complete -> finalize -> pools -> claims, to the wei.
contract WorkedExampleTest is BaseTest {
    function _recordExample(uint64 sessionId, uint64 clipK) internal {
        nodes = _createSession(sessionId, clipK, 3);
        uint256[] memory entries = new uint256[](3);
        entries[0] = _entry(0, 150, 27, 3, 9, 10, 8000, 9000, 10_000);
        entries[1] = _entry(1, 100, 10, 10, 5, 10, 5000, 5000, 5000);
        entries[2] = _entry(2, 200, 40, 0, 10, 10, 10_000, 10_000, 10_000);
        _record(sessionId, 0, 0, 10, entries);
    }

    function test_workedExample_scores() public {
        _recordExample(SESSION, 0);
        IContributionTracker.NodeScore[] memory scores = gradpay.getScores(SESSION, 0, 3);
        assertEq(scores[0].acceptance, 9000, "node 0 A");
        assertEq(scores[0].consistency, 8000, "node 0 C");
        assertEq(scores[0].success, 9000, "node 0 S");
        assertEq(scores[0].quality, 8700, "node 0 Q");
        assertEq(scores[0].participation, 10_000, "node 0 P");
        assertEq(scores[0].network, 9000, "node 0 N");
        assertEq(scores[0].uptime, 10_000, "node 0 U");
        assertEq(scores[0].reliability, 9700, "node 0 R");
        assertEq(scores[0].score, 61_033_500_000, "node 0 score");
        assertEq(scores[1].quality, 5000, "node 1 Q");
        assertEq(scores[1].reliability, 7500, "node 1 R");
        assertEq(scores[1].score, 27_500_000_000, "node 1 score");
        assertEq(scores[2].quality, 10_000, "node 2 Q");
        assertEq(scores[2].reliability, 10_000, "node 2 R");
        assertEq(scores[2].score, 90_000_000_000, "node 2 score");
    }

    function _assertPays(
        uint64 clipK,
        IRewardDistributor.Strategy strategy,
        IRewardDistributor.PoolParams memory params,
        uint256[3] memory expected
    ) internal {
        _recordExample(SESSION, clipK);
        _finalize(SESSION);
        uint256 poolId = _createPool(SESSION, address(0), 1e18, strategy, params);
        for (uint256 i; i < 3; ++i) {
            uint256 balanceBefore = nodes[i].balance;
            vm.prank(nodes[i]);
            uint256 paid = gradpay.claimReward(poolId);
            assertEq(paid, expected[i], "claimed amount");
            assertEq(nodes[i].balance - balanceBefore, expected[i], "balance change");
        }
    }

    function test_workedExample_proportional() public {
        _assertPays(
            0,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            [uint256(341_860_211_108_839_517), 154_032_716_548_995_006, 504_107_072_342_165_475]
        );
    }

    function test_workedExample_tiered() public {
        _assertPays(
            0,
            IRewardDistributor.Strategy.Tiered,
            _tieredParams(8500),
            [uint256(347_728_591_898_389_103), 139_510_821_360_640_455, 512_760_586_740_970_439]
        );
    }

    function test_workedExample_minimumGuarantee() public {
        _assertPays(
            0,
            IRewardDistributor.Strategy.MinimumGuarantee,
            _floorParams(5000),
            [uint256(337_596_772_221_086_425), 243_683_024_941_164_169, 418_720_202_837_749_404]
        );
    }

    function test_workedExample_hybrid() public {
        _assertPays(
            0,
            IRewardDistributor.Strategy.Hybrid,
            _hybridParams(7000, 2000, 1000),
            [uint256(348_381_634_001_057_355), 177_590_523_823_065_428, 474_027_842_175_877_212]
        );
    }

    function test_workedExample_proportionalClipped() public {
        _assertPays(
            1e18,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            [uint256(351_610_132_742_135_475), 158_425_760_449_732_123, 489_964_106_808_132_401]
        );
    }
}
