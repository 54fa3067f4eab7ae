// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {PoolsTest} from "../utils/PoolsTest.sol";

/// @notice createRewardPool that succeeds: ETH and ERC-20 funding, pool ids per session up to MAX_POOLS, and
///         getPool.
contract PoolCreationTest is PoolsTest {
    function test_createRewardPool_eth() public {
        _finalizedSession(SESSION);
        uint40 deadline = _deadline();
        uint256 expectedId = uint256(SESSION) << 8;

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardPoolCreated(
            expectedId,
            SESSION,
            address(0),
            5 ether,
            IRewardDistributor.Strategy.Proportional,
            deadline,
            coordinator,
            refund
        );
        vm.prank(coordinator);
        uint256 poolId = gradpay.createRewardPool{value: 5 ether}(
            SESSION,
            address(0),
            5 ether,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            deadline,
            refund
        );

        assertEq(poolId, expectedId, "poolId = sessionId << 8 | 0");
        assertEq(address(gradpay).balance, 5 ether, "ETH held");
        IRewardDistributor.PoolInfo memory pool = gradpay.getPool(poolId);
        assertEq(pool.sessionId, SESSION, "sessionId");
        assertEq(pool.token, address(0), "token");
        assertEq(uint8(pool.strategy), uint8(IRewardDistributor.Strategy.Proportional), "strategy");
        assertEq(pool.claimDeadline, deadline, "deadline");
        assertFalse(pool.swept, "not swept");
        assertEq(pool.amount, 5 ether, "amount");
        assertEq(pool.remaining, 5 ether, "remaining");
        assertEq(pool.refundTo, refund, "refundTo");
        assertEq(gradpay.totalOwed(address(0)), 5 ether, "ETH owed");
        assertEq(gradpay.getSession(SESSION).poolCount, 1, "poolCount");
    }

    function test_createRewardPool_erc20() public {
        _finalizedSession(SESSION);
        uint256 funderBefore = token.balanceOf(coordinator);
        uint40 deadline = _deadline();

        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardPoolCreated(
            uint256(SESSION) << 8,
            SESSION,
            address(token),
            1000e18,
            IRewardDistributor.Strategy.Tiered,
            deadline,
            coordinator,
            coordinator
        );
        vm.prank(coordinator);
        uint256 poolId = gradpay.createRewardPool(
            SESSION,
            address(token),
            1000e18,
            IRewardDistributor.Strategy.Tiered,
            _tieredParams(8500),
            deadline,
            address(0)
        );

        assertEq(token.balanceOf(address(gradpay)), 1000e18, "tokens pulled in");
        assertEq(funderBefore - token.balanceOf(coordinator), 1000e18, "from the funder");
        assertEq(address(gradpay).balance, 0, "no ETH");
        IRewardDistributor.PoolInfo memory pool = gradpay.getPool(poolId);
        assertEq(pool.token, address(token), "token");
        assertEq(pool.params.tierBaseBps, 8500, "tierBaseBps");
        assertEq(pool.amount, 1000e18, "amount");
        assertEq(pool.remaining, 1000e18, "remaining");
        assertEq(pool.refundTo, coordinator, "refundTo defaults to the funder");
        assertEq(gradpay.totalOwed(address(token)), 1000e18, "tokens owed");
    }

    function test_createRewardPool_indicesCountUpPerSession() public {
        _finalizedSession(SESSION);
        _finalizedSession(SESSION + 1);
        uint256 a =
            _createPool(SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams());
        uint256 b = _createPool(
            SESSION, address(token), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams()
        );
        uint256 c = _createPool(
            SESSION + 1, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams()
        );
        assertEq(a, uint256(SESSION) << 8, "session 1 pool 0");
        assertEq(b, (uint256(SESSION) << 8) | 1, "session 1 pool 1");
        assertEq(c, uint256(SESSION + 1) << 8, "session 2 pool 0");
        assertEq(gradpay.getPool(c).sessionId, SESSION + 1, "pool knows its session");
        assertEq(gradpay.getSession(SESSION).poolCount, 2, "session 1 poolCount");
        assertEq(gradpay.getSession(SESSION + 1).poolCount, 1, "session 2 poolCount");
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_createRewardPool_poolIdEncoding(uint64 sessionId, uint8 extraPools) public {
        extraPools = uint8(bound(extraPools, 0, 4));
        _finalizedSession(sessionId);
        for (uint256 i; i <= extraPools; ++i) {
            uint256 poolId = _createPool(
                sessionId, address(0), 1 + i, IRewardDistributor.Strategy.Proportional, _noParams()
            );
            assertEq(poolId, (uint256(sessionId) << 8) | i, "poolId = sessionId << 8 | index");
            assertEq(gradpay.getPool(poolId).sessionId, sessionId, "decoded session");
            assertEq(gradpay.getPool(poolId).amount, 1 + i, "amount");
        }
    }

    function test_RevertWhen_createRewardPool_tooManyPools() public {
        _finalizedSession(SESSION);
        uint256 max = gradpay.MAX_POOLS();
        assertEq(max, 224, "MAX_POOLS");
        uint256 lastId;
        for (uint256 i; i < max; ++i) {
            lastId =
                _createPool(SESSION, address(0), 1, IRewardDistributor.Strategy.Proportional, _noParams());
        }
        assertEq(lastId, (uint256(SESSION) << 8) | 223, "last pool index 223");
        assertEq(gradpay.getSession(SESSION).poolCount, 224, "poolCount");
        _expectCreateRevert(
            address(0),
            1,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(IRewardDistributor.TooManyPools.selector, SESSION, 225, 224)
        );
    }

    function test_getPool_paramsPerStrategy() public {
        _finalizedSession(SESSION);
        uint256 tiered = _createPool(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Tiered, _tieredParams(10_000)
        );
        uint256 floor = _createPool(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.MinimumGuarantee, _floorParams(2500)
        );
        uint256 hybrid = _createPool(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Hybrid, _hybridParams(6000, 3000, 1000)
        );
        uint256 hybridAllScore = _createPool(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Hybrid, _hybridParams(10_000, 0, 0)
        );
        uint256 zeroTier =
            _createPool(SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Tiered, _tieredParams(0));

        IRewardDistributor.PoolInfo memory pool = gradpay.getPool(tiered);
        assertEq(uint8(pool.strategy), uint8(IRewardDistributor.Strategy.Tiered), "tiered strategy");
        assertEq(pool.params.tierBaseBps, 10_000, "tierBaseBps");
        assertEq(pool.params.floorBps, 0, "tiered: no floor");

        pool = gradpay.getPool(floor);
        assertEq(uint8(pool.strategy), uint8(IRewardDistributor.Strategy.MinimumGuarantee), "floor strategy");
        assertEq(pool.params.floorBps, 2500, "floorBps");
        assertEq(pool.params.tierBaseBps, 0, "floor: no tier base");

        pool = gradpay.getPool(hybrid);
        assertEq(uint8(pool.strategy), uint8(IRewardDistributor.Strategy.Hybrid), "hybrid strategy");
        assertEq(pool.params.scoreBps, 6000, "scoreBps");
        assertEq(pool.params.qualityBps, 3000, "qualityBps");
        assertEq(pool.params.reliabilityBps, 1000, "reliabilityBps");

        pool = gradpay.getPool(hybridAllScore);
        assertEq(pool.params.scoreBps, 10_000, "all-score hybrid");
        assertEq(pool.params.qualityBps, 0, "all-score hybrid quality");

        assertEq(gradpay.getPool(zeroTier).params.tierBaseBps, 0, "tier base 0 is allowed");
    }

    function test_RevertWhen_getPool_notFound() public {
        _finalizedSession(SESSION);
        uint256 poolId =
            _createPool(SESSION, address(0), 1, IRewardDistributor.Strategy.Proportional, _noParams());
        uint256[4] memory missing =
            [poolId + 1, uint256(SESSION + 1) << 8, poolId | (1 << 72), type(uint256).max];
        for (uint256 i; i < missing.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.PoolNotFound.selector, missing[i]));
            gradpay.getPool(missing[i]);
        }
    }
}
