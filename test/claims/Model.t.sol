// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";
import {RewardModel} from "../utils/RewardModel.sol";

/// @notice Claims against the independent model: every strategy, ETH or token, clipped or not, pools up to
///         2^256 - 1, ties at a tier boundary and hybrid shares nobody can earn.
contract ClaimModelTest is ClaimsTest {
    function _strategyParams(uint8 strategy, uint16 a, uint16 b)
        internal
        pure
        returns (IRewardDistributor.PoolParams memory params)
    {
        if (strategy == 1) return _tieredParams(uint16(bound(a, 0, 10_000)));
        if (strategy == 2) return _floorParams(uint16(bound(a, 0, 10_000)));
        if (strategy == 3) {
            uint16 q = uint16(bound(a, 0, 10_000));
            uint16 r = uint16(bound(b, 0, 10_000 - q));
            return _hybridParams(10_000 - q - r, q, r);
        }
    }

    /// forge-config: ci.fuzz.runs = 1000
    /// @dev Every strategy, ETH or token, clipping on or off: each eligible node is paid exactly what the
    ///      independent model says, the views agree before and after, and the dust left is < 3 n.
    function testFuzz_claimReward_matchesModel(
        uint8 strategy,
        uint16 paramA,
        uint16 paramB,
        uint256 amount,
        bool inToken,
        bool clipped
    ) public {
        strategy = uint8(bound(strategy, 0, 3));
        amount = bound(amount, 1, inToken ? type(uint128).max : 1_000_000 ether);
        uint64 clipK = clipped ? 5e17 : 0;
        _recordFixture(SESSION, clipK);
        _finalize(SESSION);
        IRewardDistributor.PoolParams memory params = _strategyParams(strategy, paramA, paramB);
        address poolToken = inToken ? address(token) : address(0);
        uint256 poolId =
            _createPool(SESSION, poolToken, amount, IRewardDistributor.Strategy(strategy), params);

        RewardModel.Node[] memory ranked = RewardModel.rankedNodes(gradpay, SESSION);
        uint256[] memory expected =
            RewardModel.payouts(ranked, clipK, IRewardDistributor.Strategy(strategy), params, amount);

        uint256 paid;
        for (uint256 i; i < ranked.length; ++i) {
            address node = nodes[ranked[i].index];
            assertEq(gradpay.rewardOf(poolId, node), expected[i], "rewardOf = model");
            assertEq(gradpay.pendingReward(poolId, node), expected[i], "pendingReward = model");
            if (expected[i] == 0) {
                vm.prank(node);
                vm.expectRevert(
                    abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolId, node)
                );
                gradpay.claimReward(poolId);
                continue;
            }
            uint256 before = inToken ? token.balanceOf(node) : node.balance;
            assertEq(_claim(node, poolId), expected[i], "claimed = model");
            uint256 afterwards = inToken ? token.balanceOf(node) : node.balance;
            assertEq(afterwards - before, expected[i], "received = model");
            assertTrue(gradpay.hasClaimed(poolId, node), "hasClaimed");
            assertEq(gradpay.pendingReward(poolId, node), 0, "nothing pending after claim");
            assertEq(gradpay.rewardOf(poolId, node), expected[i], "rewardOf unchanged after claim");
            paid += expected[i];
        }
        IRewardDistributor.PoolInfo memory pool = gradpay.getPool(poolId);
        assertLe(paid, amount, "sum paid <= F");
        assertEq(pool.remaining, amount - paid, "remaining = F - paid");
        assertLt(pool.remaining, 3 * ranked.length, "dust < 3 n");
        uint256 held = inToken ? token.balanceOf(address(gradpay)) : address(gradpay).balance;
        assertEq(held, pool.remaining, "contract holds exactly what remains");
    }

    /// @dev Nodes 0 and 2 have equal scores but straddle the tier-1/tier-2 boundary (rank 2 / rank 3):
    ///      the lower index is tier 1 and earns the larger bonus.
    function test_claimReward_tiedScoresSplitByTier() public {
        _fixture();
        uint256 poolId =
            _createPool(SESSION, address(0), 1e18, IRewardDistributor.Strategy.Tiered, _tieredParams(8500));
        uint256 tier1 = gradpay.rewardOf(poolId, nodes[0]);
        uint256 tier2 = gradpay.rewardOf(poolId, nodes[2]);
        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        uint256 base = 85e16 * 45_000_000_000 / rb.sumEffectiveScore;
        uint256 bonusUnit = 15e16 * 45_000_000_000 / rb.sumTierWeighted;
        assertEq(tier1, base + 15e16 * 3 * 45_000_000_000 / rb.sumTierWeighted, "tier 1: base + 3x bonus");
        assertEq(tier2, base + bonusUnit, "tier 2: base + 1x bonus");
        assertEq(
            gradpay.rewardOf(poolId, nodes[4]), 85e16 * 13_717_500_000 / rb.sumEffectiveScore, "tier 3: base"
        );
    }

    /// @dev No node has any quality or reliability (QS = RS = 0): the hybrid pool is split by score alone.
    function test_claimReward_hybridUnearnableSharesGoToScore() public {
        nodes = _createSession(SESSION, 0, 2);
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 100, 0, 0, 0, 0, 0, 0, 0);
        entries[1] = _entry(1, 300, 0, 0, 0, 0, 0, 0, 0);
        _record(SESSION, 0, 0, 10, entries);
        _finalize(SESSION);
        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        assertEq(rb.sumQuality, 0, "QS = 0");
        assertEq(rb.sumReliability, 0, "RS = 0");
        uint256 poolId = _createPool(
            SESSION, address(0), 4 ether, IRewardDistributor.Strategy.Hybrid, _hybridParams(7000, 2000, 1000)
        );
        assertEq(_claim(nodes[0], poolId), 1 ether, "a quarter by score");
        assertEq(_claim(nodes[1], poolId), 3 ether, "three quarters by score");
        assertEq(gradpay.getPool(poolId).remaining, 0, "nothing stranded");
    }

    /// forge-config: ci.fuzz.runs = 1000
    /// @dev "A pool may be any uint256 amount" (§5): token pools up to 2^256 - 1, every strategy, pay the model.
    function testFuzz_claimReward_hugeTokenPool(uint8 strategy, uint256 amount, uint16 paramA, uint16 paramB)
        public
    {
        strategy = uint8(bound(strategy, 0, 3));
        amount = bound(amount, 2 ** 200, type(uint256).max);
        _recordFixture(SESSION, 5e17);
        _finalize(SESSION);
        MockERC20 big = new MockERC20("Big", "BIG", 18);
        big.mint(coordinator, amount);
        vm.prank(coordinator);
        big.approve(address(gradpay), type(uint256).max);
        IRewardDistributor.PoolParams memory params = _strategyParams(strategy, paramA, paramB);
        uint256 poolId =
            _createPool(SESSION, address(big), amount, IRewardDistributor.Strategy(strategy), params);

        RewardModel.Node[] memory ranked = RewardModel.rankedNodes(gradpay, SESSION);
        uint256[] memory expected =
            RewardModel.payouts(ranked, 5e17, IRewardDistributor.Strategy(strategy), params, amount);
        uint256 paid;
        for (uint256 i; i < ranked.length; ++i) {
            address node = nodes[ranked[i].index];
            if (expected[i] == 0) continue;
            assertEq(_claim(node, poolId), expected[i], "claimed = model");
            assertEq(big.balanceOf(node), expected[i], "received = model");
            paid += expected[i];
        }
        assertLe(paid, amount, "sum paid <= F");
        assertLt(amount - paid, 3 * ranked.length, "dust < 3 n");
        assertEq(big.balanceOf(address(gradpay)), amount - paid, "held = remaining");
    }
}
