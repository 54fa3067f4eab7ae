// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../contracts/interfaces/IRewardDistributor.sol";
import {ITrainingRegistry} from "../contracts/interfaces/ITrainingRegistry.sol";
import {MockERC20} from "./mocks/MockERC20.sol";
import {BaseTest} from "./utils/BaseTest.sol";
import {RewardModel} from "./utils/RewardModel.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @dev A node address that refuses ETH.
contract EthRefuser {}

/// @notice claimReward / claimRewardFor / claimRewardsBatch, the reward views, sweepPool and setTreasury.
contract ClaimsTest is BaseTest {
    function _fixture() internal {
        _recordFixture(SESSION, 0);
        _finalize(SESSION);
    }

    function _ethPool(uint256 amount) internal returns (uint256) {
        return _createPool(SESSION, address(0), amount, IRewardDistributor.Strategy.Proportional, _noParams());
    }

    function _tokenPool(uint256 amount) internal returns (uint256) {
        return
            _createPool(
                SESSION, address(token), amount, IRewardDistributor.Strategy.Proportional, _noParams()
            );
    }

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

    function _claim(address node, uint256 poolId) internal returns (uint256) {
        vm.prank(node);
        return gradpay.claimReward(poolId);
    }

    // ------------------------------------------------------------------ claims against the model

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

    /// @dev Pool index 223 uses the last claim bit (bit 255) of the node slot, whose low 32 bits hold the
    ///      node index: claiming it must neither disturb the index nor any other pool's bit.
    function test_claimReward_lastPoolIndexClaimBit() public {
        _fixture();
        uint256 first = _ethPool(1 ether);
        for (uint256 i = 1; i < 223; ++i) {
            _ethPool(1);
        }
        uint256 last = _ethPool(1 ether);
        assertEq(last, (uint256(SESSION) << 8) | 223, "pool index 223");
        uint256 owed = gradpay.rewardOf(first, nodes[1]);
        assertEq(gradpay.rewardOf(last, nodes[1]), owed, "same share in both 1 ether pools");

        assertEq(_claim(nodes[1], last), owed, "last pool claimed");
        assertTrue(gradpay.hasClaimed(last, nodes[1]), "bit 255 set");
        assertFalse(gradpay.hasClaimed(first, nodes[1]), "pool 0 untouched");
        assertFalse(gradpay.hasClaimed(last - 1, nodes[1]), "pool 222 untouched");
        assertEq(gradpay.nodeIndex(SESSION, nodes[1]), 1, "node index intact");
        assertEq(gradpay.rewardOf(first, nodes[1]), owed, "entitlement intact");
        assertEq(_claim(nodes[1], first), owed, "pool 0 still claimable, same amount");
        vm.prank(nodes[1]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, last, nodes[1])
        );
        gradpay.claimReward(last);
    }

    function test_claimReward_emitsAndPaysOnce() public {
        _fixture();
        uint256 poolId = _ethPool(10 ether);
        uint256 expected = gradpay.rewardOf(poolId, nodes[1]);
        assertGt(expected, 0, "node 1 is owed");
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardClaimed(poolId, nodes[1], expected, nodes[1]);
        assertEq(_claim(nodes[1], poolId), expected, "amount returned");
        assertEq(gradpay.getPool(poolId).remaining, 10 ether - expected, "remaining");
    }

    function test_claimReward_token() public {
        _fixture();
        uint256 poolId = _tokenPool(1000e6);
        uint256 expected = gradpay.rewardOf(poolId, nodes[5]);
        assertEq(_claim(nodes[5], poolId), expected, "amount");
        assertEq(token.balanceOf(nodes[5]), expected, "tokens received");
        assertEq(token.balanceOf(address(gradpay)), 1000e6 - expected, "tokens left");
        assertEq(nodes[5].balance, 0, "no ETH");
    }

    function test_claimRewardFor_paysTheNodeNotTheCaller() public {
        _fixture();
        uint256 ethPool = _ethPool(10 ether);
        uint256 tokenPool = _tokenPool(10 ether);
        uint256 expectedEth = gradpay.rewardOf(ethPool, nodes[0]);
        uint256 expectedToken = gradpay.rewardOf(tokenPool, nodes[0]);
        uint256 strangerEth = stranger.balance;

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardClaimed(ethPool, nodes[0], expectedEth, stranger);
        vm.prank(stranger);
        assertEq(gradpay.claimRewardFor(ethPool, nodes[0]), expectedEth, "amount returned");
        assertEq(nodes[0].balance, expectedEth, "node paid");
        assertEq(stranger.balance, strangerEth, "caller not paid");

        // Another node may claim for it too; the claim is the node's.
        vm.prank(nodes[1]);
        assertEq(gradpay.claimRewardFor(tokenPool, nodes[0]), expectedToken, "token amount returned");
        assertEq(token.balanceOf(nodes[0]), expectedToken, "node paid in token");
        assertEq(token.balanceOf(nodes[1]), 0, "other node not paid");
        assertTrue(gradpay.hasClaimed(tokenPool, nodes[0]), "claimed for node 0");
        assertFalse(gradpay.hasClaimed(tokenPool, nodes[1]), "caller's own claim untouched");

        // The node itself cannot claim again.
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, ethPool, nodes[0])
        );
        gradpay.claimReward(ethPool);
    }

    function test_claimRewardsBatch_mixedTokens() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](5);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = _tokenPool(2 ether);
        poolIds[2] = _createPool(
            SESSION, address(0), 3 ether, IRewardDistributor.Strategy.Tiered, _tieredParams(8500)
        );
        poolIds[3] = _createPool(
            SESSION, address(0), 4 ether, IRewardDistributor.Strategy.Hybrid, _hybridParams(7000, 2000, 1000)
        );
        poolIds[4] = _createPool(
            SESSION, address(token), 5 ether, IRewardDistributor.Strategy.MinimumGuarantee, _floorParams(5000)
        );
        address node = nodes[2];
        uint256[] memory expected = new uint256[](5);
        uint256 expectedEth;
        uint256 expectedToken;
        for (uint256 i; i < 5; ++i) {
            expected[i] = gradpay.rewardOf(poolIds[i], node);
            assertGt(expected[i], 0, "owed by every pool");
            if (i == 1 || i == 4) expectedToken += expected[i];
            else expectedEth += expected[i];
        }

        for (uint256 i; i < 5; ++i) {
            vm.expectEmit(address(gradpay));
            emit IRewardDistributor.RewardClaimed(poolIds[i], node, expected[i], node);
        }
        vm.prank(node);
        uint256[] memory amounts = gradpay.claimRewardsBatch(poolIds);

        assertEq(amounts.length, 5, "one amount per pool");
        for (uint256 i; i < 5; ++i) {
            assertEq(amounts[i], expected[i], "batch amount = rewardOf");
            assertTrue(gradpay.hasClaimed(poolIds[i], node), "claimed");
            assertEq(
                gradpay.getPool(poolIds[i]).remaining,
                gradpay.getPool(poolIds[i]).amount - expected[i],
                "remaining"
            );
        }
        assertEq(node.balance, expectedEth, "ETH received");
        assertEq(token.balanceOf(node), expectedToken, "tokens received");
    }

    function test_RevertWhen_claimRewardsBatch_oneAlreadyClaimed_atomic() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](3);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = _tokenPool(1 ether);
        poolIds[2] = _ethPool(2 ether);
        address node = nodes[1];
        uint256 first = _claim(node, poolIds[2]);

        vm.prank(node);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, poolIds[2], node)
        );
        gradpay.claimRewardsBatch(poolIds);

        assertFalse(gradpay.hasClaimed(poolIds[0], node), "pool 0 not claimed");
        assertFalse(gradpay.hasClaimed(poolIds[1], node), "pool 1 not claimed");
        assertEq(node.balance, first, "only the earlier claim paid");
        assertEq(token.balanceOf(node), 0, "no tokens paid");
        assertEq(gradpay.getPool(poolIds[0]).remaining, 1 ether, "pool 0 untouched");
    }

    function test_RevertWhen_claimRewardsBatch_duplicatePool() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = poolIds[0];
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, poolIds[0], nodes[0])
        );
        gradpay.claimRewardsBatch(poolIds);
        assertEq(nodes[0].balance, 0, "nothing paid");
    }

    function test_RevertWhen_claimRewardsBatch_oneClosed_atomic() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _ethPool(1 ether);
        vm.prank(coordinator);
        poolIds[1] = gradpay.createRewardPool{value: 1 ether}(
            SESSION,
            address(0),
            1 ether,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            uint40(block.timestamp + 1 days)
        );
        vm.warp(block.timestamp + 1 days + 1);
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimWindowClosed.selector, poolIds[1], uint40(block.timestamp - 1)
            )
        );
        gradpay.claimRewardsBatch(poolIds);
        assertFalse(gradpay.hasClaimed(poolIds[0], nodes[0]), "open pool not claimed either");
    }

    function test_RevertWhen_claimRewardsBatch_nothingToClaimInOne() public {
        _fixture();
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _ethPool(1 ether);
        poolIds[1] = _ethPool(1); // 1 wei: floor(1 * s / S) = 0 for everyone
        vm.prank(nodes[1]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolIds[1], nodes[1])
        );
        gradpay.claimRewardsBatch(poolIds);
        assertFalse(gradpay.hasClaimed(poolIds[0], nodes[1]), "atomic");
    }

    function test_RevertWhen_claimRewardsBatch_empty() public {
        _fixture();
        vm.prank(nodes[0]);
        vm.expectRevert(IGradPayBase.EmptyList.selector);
        gradpay.claimRewardsBatch(new uint256[](0));
    }

    // ------------------------------------------------------------------ views

    function test_views_beforeAndAfterClaimAndDeadline() public {
        _fixture();
        uint256 poolId = _ethPool(3 ether);
        address node = nodes[4];
        uint256 owed = gradpay.rewardOf(poolId, node);
        assertGt(owed, 0, "owed");
        assertEq(gradpay.pendingReward(poolId, node), owed, "pending before claim");
        assertFalse(gradpay.hasClaimed(poolId, node), "not claimed");

        // Never reported, and a stranger: nothing, and never claimed.
        assertEq(gradpay.rewardOf(poolId, nodes[3]), 0, "never-reported node owed nothing");
        assertEq(gradpay.pendingReward(poolId, nodes[3]), 0, "never-reported node pending");
        assertEq(gradpay.rewardOf(poolId, stranger), 0, "stranger owed nothing");
        assertEq(gradpay.pendingReward(poolId, stranger), 0, "stranger pending");
        assertFalse(gradpay.hasClaimed(poolId, stranger), "stranger not claimed");

        uint40 deadline = gradpay.getPool(poolId).claimDeadline;
        vm.warp(deadline);
        assertEq(gradpay.pendingReward(poolId, node), owed, "still pending at the deadline");
        vm.warp(uint256(deadline) + 1);
        assertEq(gradpay.pendingReward(poolId, node), 0, "nothing pending after the deadline");
        assertEq(gradpay.rewardOf(poolId, node), owed, "entitlement unchanged after the deadline");

        vm.warp(deadline);
        _claim(node, poolId);
        assertTrue(gradpay.hasClaimed(poolId, node), "claimed at the deadline");
        assertEq(gradpay.pendingReward(poolId, node), 0, "nothing pending after claim");
    }

    function test_RevertWhen_views_poolNotFound() public {
        _fixture();
        uint256 missing = uint256(SESSION) << 8;
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, missing));
        gradpay.pendingReward(missing, nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, missing));
        gradpay.rewardOf(missing, nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, missing));
        gradpay.hasClaimed(missing, nodes[0]);
    }

    // ------------------------------------------------------------------ claim errors

    function test_RevertWhen_claimReward_alreadyClaimed() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        uint256 paid = _claim(nodes[0], poolId);
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, poolId, nodes[0])
        );
        gradpay.claimReward(poolId);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, poolId, nodes[0])
        );
        gradpay.claimRewardFor(poolId, nodes[0]);
        assertEq(nodes[0].balance, paid, "paid once");
    }

    function test_claimReward_claimsAreIndependentAcrossPoolsAndSessions() public {
        _fixture();
        _recordFixture(SESSION + 1, 0);
        _finalize(SESSION + 1);
        uint256 a = _ethPool(1 ether);
        uint256 b = _ethPool(1 ether);
        uint256 c = _createPool(
            SESSION + 1, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams()
        );
        _claim(nodes[0], a);
        assertFalse(gradpay.hasClaimed(b, nodes[0]), "other pool of the session");
        assertFalse(gradpay.hasClaimed(c, nodes[0]), "same index, other session");
        _claim(nodes[0], c);
        _claim(nodes[0], b);
        assertEq(nodes[0].balance, 3 * gradpay.rewardOf(a, nodes[0]), "three equal rewards");
    }

    function test_RevertWhen_claimReward_neverReported() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        vm.prank(nodes[3]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolId, nodes[3]));
        gradpay.claimReward(poolId);
    }

    function test_RevertWhen_claimReward_excluded() public {
        _recordFixture(SESSION, 0);
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[5], "sybil");
        _finalize(SESSION);
        uint256 poolId = _ethPool(1 ether);
        assertEq(gradpay.rewardOf(poolId, nodes[5]), 0, "excluded node owed nothing");
        vm.prank(nodes[5]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolId, nodes[5]));
        gradpay.claimReward(poolId);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolId, nodes[5]));
        gradpay.claimRewardFor(poolId, nodes[5]);

        // The others share the whole pool (up to dust).
        uint32[4] memory others = [uint32(0), 1, 2, 4];
        uint256 paid;
        for (uint256 i; i < 4; ++i) {
            paid += _claim(nodes[others[i]], poolId);
        }
        assertLt(1 ether - paid, 4, "the four eligible nodes share the pool");
    }

    function test_RevertWhen_claimReward_stranger() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NodeNotRegistered.selector, SESSION, stranger));
        gradpay.claimReward(poolId);
    }

    function test_RevertWhen_claimReward_poolNotFound() public {
        _fixture();
        uint256 missing = (uint256(SESSION) << 8) | 7;
        vm.prank(nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, missing));
        gradpay.claimReward(missing);
    }

    function test_RevertWhen_claimReward_windowClosed() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        uint40 deadline = gradpay.getPool(poolId).claimDeadline;
        vm.warp(uint256(deadline) + 1);
        vm.prank(nodes[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.ClaimWindowClosed.selector, poolId, deadline)
        );
        gradpay.claimReward(poolId);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.ClaimWindowClosed.selector, poolId, deadline)
        );
        gradpay.claimRewardFor(poolId, nodes[0]);
    }

    function test_RevertWhen_claimReward_zeroShare() public {
        _fixture();
        uint256 poolId = _ethPool(4); // 4 wei among 5 nodes: node 4 (lowest) gets floor(4 * s / S) = 0
        assertEq(gradpay.rewardOf(poolId, nodes[4]), 0, "zero share");
        vm.prank(nodes[4]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, poolId, nodes[4]));
        gradpay.claimReward(poolId);
    }

    function test_RevertWhen_claimReward_ethRefused() public {
        _createSession(SESSION, 0, 1);
        address refuser = address(new EthRefuser());
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, refuser, bytes32("refuser"));
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        entries[1] = _entry(1, 10, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        _record(SESSION, 0, 0, 1, entries);
        _finalize(SESSION);
        uint256 poolId = _ethPool(1 ether);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.EthTransferFailed.selector, refuser, 0.5 ether)
        );
        gradpay.claimRewardFor(poolId, refuser);
        assertFalse(gradpay.hasClaimed(poolId, refuser), "claim rolled back");
    }

    // ------------------------------------------------------------------ sweep

    function test_RevertWhen_sweepPool_windowOpen() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        uint40 deadline = gradpay.getPool(poolId).claimDeadline;
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.ClaimWindowOpen.selector, poolId, deadline));
        gradpay.sweepPool(poolId);
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.ClaimWindowOpen.selector, poolId, deadline));
        gradpay.sweepPool(poolId);
        vm.stopPrank();
    }

    function test_sweepPool_sendsExactRemainderOnce() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether + 3);
        uint256 paid = _claim(nodes[1], poolId) + _claim(nodes[0], poolId);
        uint256 remainder = 1 ether + 3 - paid;
        uint40 deadline = gradpay.getPool(poolId).claimDeadline;
        vm.warp(uint256(deadline) + 1);

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.PoolSwept(poolId, treasury, remainder);
        vm.prank(admin);
        assertEq(gradpay.sweepPool(poolId), remainder, "swept amount");
        assertEq(treasury.balance, remainder, "treasury received the remainder");
        assertEq(address(gradpay).balance, 0, "nothing left");
        IRewardDistributor.PoolInfo memory pool = gradpay.getPool(poolId);
        assertTrue(pool.swept, "swept");
        assertEq(pool.remaining, 0, "remaining");
        assertEq(pool.amount, 1 ether + 3, "amount kept for the record");

        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolAlreadySwept.selector, poolId));
        gradpay.sweepPool(poolId);
    }

    function test_sweepPool_dustAfterEveryoneClaimed() public {
        _fixture();
        uint256 poolId = _tokenPool(1e18 + 1);
        uint32[5] memory eligible = [uint32(1), 5, 0, 2, 4];
        uint256 paid;
        for (uint256 i; i < eligible.length; ++i) {
            paid += _claim(nodes[eligible[i]], poolId);
        }
        vm.warp(uint256(gradpay.getPool(poolId).claimDeadline) + 1);
        vm.prank(admin);
        uint256 swept = gradpay.sweepPool(poolId);
        assertEq(swept, 1e18 + 1 - paid, "sweep = dust");
        assertLt(swept, 5, "dust < n for proportional");
        assertEq(token.balanceOf(treasury), swept, "treasury got the dust");
        assertEq(token.balanceOf(address(gradpay)), 0, "nothing left");
    }

    function test_sweepPool_wholePoolWhenNoNodeEligible() public {
        nodes = _createSession(SESSION, 0, 2);
        _finalize(SESSION); // nobody reported: finalized at start
        uint256 ethPool = _ethPool(2 ether);
        uint256 tokenPool = _tokenPool(5e18);
        vm.prank(nodes[0]);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NothingToClaim.selector, ethPool, nodes[0]));
        gradpay.claimReward(ethPool);

        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.startPrank(admin);
        assertEq(gradpay.sweepPool(ethPool), 2 ether, "whole ETH pool");
        assertEq(gradpay.sweepPool(tokenPool), 5e18, "whole token pool");
        vm.stopPrank();
        assertEq(treasury.balance, 2 ether, "treasury ETH");
        assertEq(token.balanceOf(treasury), 5e18, "treasury tokens");
    }

    function test_sweepPool_doesNotTouchOtherPools() public {
        _fixture();
        uint256 a = _ethPool(1 ether);
        vm.prank(coordinator);
        uint256 b = gradpay.createRewardPool{value: 2 ether}(
            SESSION,
            address(0),
            2 ether,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            uint40(block.timestamp) + 2 * CLAIM_WINDOW
        );
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.prank(admin);
        assertEq(gradpay.sweepPool(a), 1 ether, "pool a swept");
        assertEq(address(gradpay).balance, 2 ether, "pool b's ETH stays");
        uint256 owed = gradpay.rewardOf(b, nodes[0]);
        assertEq(_claim(nodes[0], b), owed, "pool b still claimable");
    }

    function test_RevertWhen_sweepPool_unauthorized() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        bytes32 adminRole = gradpay.DEFAULT_ADMIN_ROLE();
        vm.prank(coordinator);
        vm.expectRevert(_unauthorized(coordinator, adminRole));
        gradpay.sweepPool(poolId);
        vm.prank(treasury);
        vm.expectRevert(_unauthorized(treasury, adminRole));
        gradpay.sweepPool(poolId);
    }

    function test_RevertWhen_sweepPool_poolNotFound() public {
        _fixture();
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, 42));
        gradpay.sweepPool(42);
    }

    // ------------------------------------------------------------------ treasury

    function test_setTreasury_redirectsSweeps() public {
        address newTreasury = makeAddr("new-treasury");
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.TreasuryUpdated(treasury, newTreasury);
        vm.prank(admin);
        gradpay.setTreasury(newTreasury);
        assertEq(gradpay.treasury(), newTreasury, "treasury view");

        _fixture();
        uint256 poolId = _ethPool(1 ether);
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.PoolSwept(poolId, newTreasury, 1 ether);
        vm.prank(admin);
        gradpay.sweepPool(poolId);
        assertEq(newTreasury.balance, 1 ether, "new treasury paid");
        assertEq(treasury.balance, 0, "old treasury not paid");
    }

    function test_RevertWhen_setTreasury_zeroAddress() public {
        vm.prank(admin);
        vm.expectRevert(IRewardDistributor.ZeroAddressTreasury.selector);
        gradpay.setTreasury(address(0));
        assertEq(gradpay.treasury(), treasury, "unchanged");
    }

    function test_RevertWhen_setTreasury_unauthorized() public {
        bytes32 adminRole = gradpay.DEFAULT_ADMIN_ROLE();
        vm.prank(coordinator);
        vm.expectRevert(_unauthorized(coordinator, adminRole));
        gradpay.setTreasury(stranger);
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, adminRole));
        gradpay.setTreasury(stranger);
        assertEq(gradpay.treasury(), treasury, "unchanged");
    }

    /// @dev ITrainingRegistry.pause: "Stops every state-changing function"; the issue lists setTreasury among
    ///      the distributor functions that must respect the pause.
    function test_RevertWhen_setTreasury_paused() public {
        vm.prank(admin);
        gradpay.pause();
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        gradpay.setTreasury(stranger);
        assertEq(gradpay.treasury(), treasury, "unchanged while paused");
    }

    // ------------------------------------------------------------------ pause

    function test_RevertWhen_paused_claimsAndSweep() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        uint256 otherPool = _ethPool(1 ether);
        vm.prank(admin);
        gradpay.pause();

        vm.prank(nodes[0]);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        gradpay.claimReward(poolId);
        vm.prank(stranger);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        gradpay.claimRewardFor(poolId, nodes[0]);
        uint256[] memory poolIds = new uint256[](1);
        poolIds[0] = poolId;
        vm.prank(nodes[0]);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        gradpay.claimRewardsBatch(poolIds);

        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.prank(admin);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        gradpay.sweepPool(poolId);

        vm.prank(admin);
        gradpay.unpause();
        vm.prank(admin);
        assertEq(gradpay.sweepPool(otherPool), 1 ether, "sweep works after unpause");
    }

    function test_claimReward_worksAfterUnpause() public {
        _fixture();
        uint256 poolId = _ethPool(1 ether);
        vm.prank(admin);
        gradpay.pause();
        vm.prank(admin);
        gradpay.unpause();
        uint256 owed = gradpay.rewardOf(poolId, nodes[0]);
        assertEq(_claim(nodes[0], poolId), owed, "claim after unpause");
    }
}
