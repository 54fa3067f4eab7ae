// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../contracts/interfaces/IRewardDistributor.sol";
import {ITrainingRegistry} from "../contracts/interfaces/ITrainingRegistry.sol";
import {BaseTest} from "./utils/BaseTest.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice createRewardPool: funding, parameter validation, pool ids and the pool views.
contract RewardPoolsTest is BaseTest {
    /// @dev reward-math.md §6's three nodes, finalized.
    function _finalizedSession(uint64 sessionId) internal {
        _createSession(sessionId, 0, 3);
        uint256[] memory entries = new uint256[](3);
        entries[0] = _entry(0, 150, 27, 3, 9, 10, 8000, 9000, 10_000);
        entries[1] = _entry(1, 100, 10, 10, 5, 10, 5000, 5000, 5000);
        entries[2] = _entry(2, 200, 40, 0, 10, 10, 10_000, 10_000, 10_000);
        _record(sessionId, 0, 0, 10, entries);
        _finalize(sessionId);
    }

    function _deadline() internal view returns (uint40) {
        return uint40(block.timestamp) + CLAIM_WINDOW;
    }

    function _expectCreateRevert(
        address poolToken,
        uint256 amount,
        IRewardDistributor.Strategy strategy,
        IRewardDistributor.PoolParams memory params,
        bytes memory err
    ) internal {
        uint40 deadline = _deadline();
        vm.prank(coordinator);
        vm.expectRevert(err);
        gradpay.createRewardPool{value: poolToken == address(0) ? amount : 0}(
            SESSION, poolToken, amount, strategy, params, deadline
        );
    }

    // ------------------------------------------------------------------ creation

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
            coordinator
        );
        vm.prank(coordinator);
        uint256 poolId = gradpay.createRewardPool{value: 5 ether}(
            SESSION, address(0), 5 ether, IRewardDistributor.Strategy.Proportional, _noParams(), deadline
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
            coordinator
        );
        vm.prank(coordinator);
        uint256 poolId = gradpay.createRewardPool(
            SESSION,
            address(token),
            1000e18,
            IRewardDistributor.Strategy.Tiered,
            _tieredParams(8500),
            deadline
        );

        assertEq(token.balanceOf(address(gradpay)), 1000e18, "tokens pulled in");
        assertEq(funderBefore - token.balanceOf(coordinator), 1000e18, "from the funder");
        assertEq(address(gradpay).balance, 0, "no ETH");
        IRewardDistributor.PoolInfo memory pool = gradpay.getPool(poolId);
        assertEq(pool.token, address(token), "token");
        assertEq(pool.params.tierBaseBps, 8500, "tierBaseBps");
        assertEq(pool.amount, 1000e18, "amount");
        assertEq(pool.remaining, 1000e18, "remaining");
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

    // ------------------------------------------------------------------ validation

    function test_RevertWhen_createRewardPool_unusedStrategyParam() public {
        _finalizedSession(SESSION);
        IRewardDistributor.Strategy proportional = IRewardDistributor.Strategy.Proportional;
        IRewardDistributor.Strategy tiered = IRewardDistributor.Strategy.Tiered;
        IRewardDistributor.Strategy minimum = IRewardDistributor.Strategy.MinimumGuarantee;
        IRewardDistributor.Strategy hybrid = IRewardDistributor.Strategy.Hybrid;
        bytes4 sel = IRewardDistributor.UnusedStrategyParam.selector;

        _expectCreateRevert(
            address(0), 1, proportional, _tieredParams(1), abi.encodeWithSelector(sel, proportional)
        );
        _expectCreateRevert(
            address(0), 1, proportional, _floorParams(1), abi.encodeWithSelector(sel, proportional)
        );
        _expectCreateRevert(
            address(0), 1, proportional, _hybridParams(0, 0, 1), abi.encodeWithSelector(sel, proportional)
        );
        _expectCreateRevert(address(0), 1, tiered, _floorParams(5000), abi.encodeWithSelector(sel, tiered));
        _expectCreateRevert(
            address(0), 1, tiered, _hybridParams(10_000, 0, 0), abi.encodeWithSelector(sel, tiered)
        );
        _expectCreateRevert(address(0), 1, minimum, _tieredParams(8500), abi.encodeWithSelector(sel, minimum));
        _expectCreateRevert(
            address(0), 1, minimum, _hybridParams(0, 1, 0), abi.encodeWithSelector(sel, minimum)
        );
        IRewardDistributor.PoolParams memory hybridWithTier = _hybridParams(7000, 2000, 1000);
        hybridWithTier.tierBaseBps = 1;
        _expectCreateRevert(address(0), 1, hybrid, hybridWithTier, abi.encodeWithSelector(sel, hybrid));
        IRewardDistributor.PoolParams memory hybridWithFloor = _hybridParams(7000, 2000, 1000);
        hybridWithFloor.floorBps = 1;
        _expectCreateRevert(address(0), 1, hybrid, hybridWithFloor, abi.encodeWithSelector(sel, hybrid));
    }

    function test_RevertWhen_createRewardPool_strategyParamOutOfRange() public {
        _finalizedSession(SESSION);
        bytes4 sel = IRewardDistributor.StrategyParamOutOfRange.selector;
        _expectCreateRevert(
            address(0),
            1 ether,
            IRewardDistributor.Strategy.Tiered,
            _tieredParams(10_001),
            abi.encodeWithSelector(sel, IRewardDistributor.Strategy.Tiered, 10_001, 10_000)
        );
        _expectCreateRevert(
            address(0),
            1 ether,
            IRewardDistributor.Strategy.MinimumGuarantee,
            _floorParams(type(uint16).max),
            abi.encodeWithSelector(
                sel, IRewardDistributor.Strategy.MinimumGuarantee, type(uint16).max, 10_000
            )
        );
        // The bound itself is fine.
        _createPool(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.MinimumGuarantee, _floorParams(10_000)
        );
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_RevertWhen_createRewardPool_hybridWeightsInvalid(uint16 s, uint16 q, uint16 r) public {
        uint256 sum = uint256(s) + q + r;
        vm.assume(sum != 10_000);
        _finalizedSession(SESSION);
        _expectCreateRevert(
            address(0),
            1 ether,
            IRewardDistributor.Strategy.Hybrid,
            _hybridParams(s, q, r),
            abi.encodeWithSelector(IRewardDistributor.HybridWeightsInvalid.selector, sum, 10_000)
        );
    }

    function test_RevertWhen_createRewardPool_hybridWeightsOffByOne() public {
        _finalizedSession(SESSION);
        bytes4 sel = IRewardDistributor.HybridWeightsInvalid.selector;
        _expectCreateRevert(
            address(0),
            1,
            IRewardDistributor.Strategy.Hybrid,
            _hybridParams(7000, 2000, 999),
            abi.encodeWithSelector(sel, 9999, 10_000)
        );
        _expectCreateRevert(
            address(0),
            1,
            IRewardDistributor.Strategy.Hybrid,
            _hybridParams(7000, 2000, 1001),
            abi.encodeWithSelector(sel, 10_001, 10_000)
        );
        _expectCreateRevert(
            address(0),
            1,
            IRewardDistributor.Strategy.Hybrid,
            _noParams(),
            abi.encodeWithSelector(sel, 0, 10_000)
        );
    }

    function test_RevertWhen_createRewardPool_zeroAmount() public {
        _finalizedSession(SESSION);
        _expectCreateRevert(
            address(0),
            0,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(IRewardDistributor.ZeroPoolAmount.selector)
        );
        _expectCreateRevert(
            address(token),
            0,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(IRewardDistributor.ZeroPoolAmount.selector)
        );
    }

    function test_RevertWhen_createRewardPool_deadlineNotInFuture() public {
        _finalizedSession(SESSION);
        vm.warp(1_700_000_000);
        uint40 now_ = uint40(block.timestamp);
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimDeadlineNotInFuture.selector, now_, block.timestamp
            )
        );
        gradpay.createRewardPool{value: 1}(
            SESSION, address(0), 1, IRewardDistributor.Strategy.Proportional, _noParams(), now_
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.ClaimDeadlineNotInFuture.selector, now_ - 1, block.timestamp
            )
        );
        gradpay.createRewardPool{value: 1}(
            SESSION, address(0), 1, IRewardDistributor.Strategy.Proportional, _noParams(), now_ - 1
        );
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.ClaimDeadlineNotInFuture.selector, 0, block.timestamp)
        );
        gradpay.createRewardPool{value: 1}(
            SESSION, address(0), 1, IRewardDistributor.Strategy.Proportional, _noParams(), 0
        );
        // One second ahead is enough.
        uint256 poolId = gradpay.createRewardPool{value: 1}(
            SESSION, address(0), 1, IRewardDistributor.Strategy.Proportional, _noParams(), now_ + 1
        );
        vm.stopPrank();
        assertEq(gradpay.getPool(poolId).claimDeadline, now_ + 1, "deadline one second ahead");
    }

    function test_RevertWhen_createRewardPool_wrongEthValue() public {
        _finalizedSession(SESSION);
        uint40 deadline = _deadline();
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.WrongEthValue.selector, 1 ether - 1, 1 ether)
        );
        gradpay.createRewardPool{value: 1 ether - 1}(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams(), deadline
        );
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.WrongEthValue.selector, 2 ether, 1 ether));
        gradpay.createRewardPool{value: 2 ether}(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams(), deadline
        );
        // ETH sent along with a token pool would be stranded.
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.WrongEthValue.selector, 1, 0));
        gradpay.createRewardPool{value: 1}(
            SESSION, address(token), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams(), deadline
        );
        vm.stopPrank();
        assertEq(address(gradpay).balance, 0, "nothing kept");
    }

    function test_RevertWhen_createRewardPool_tokenWithoutCode() public {
        _finalizedSession(SESSION);
        address notAToken = makeAddr("not-a-token");
        _expectCreateRevert(
            notAToken,
            1 ether,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(IRewardDistributor.TokenNotAContract.selector, notAToken)
        );
        assertEq(gradpay.getSession(SESSION).poolCount, 0, "no pool");
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

    function test_RevertWhen_createRewardPool_sessionNotFinalized() public {
        bytes4 sel = IGradPayBase.SessionInWrongState.selector;
        // None
        _expectCreateRevert(
            address(0),
            1,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(
                sel, SESSION, IGradPayBase.SessionState.None, IGradPayBase.SessionState.Finalized
            )
        );
        // Active
        _createSession(SESSION, 0, 3);
        uint256[] memory entries = new uint256[](1);
        entries[0] = _entry(0, 10, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        _record(SESSION, 0, 0, 1, entries);
        _expectCreateRevert(
            address(0),
            1,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(
                sel, SESSION, IGradPayBase.SessionState.Active, IGradPayBase.SessionState.Finalized
            )
        );
        // Completed, finalization in progress
        (uint32[] memory ranked, uint256 sumScore, uint256 sumSquares) = _ranking(SESSION);
        vm.startPrank(coordinator);
        gradpay.completeSession(SESSION);
        gradpay.startFinalization(SESSION, uint32(ranked.length), sumScore, sumSquares);
        vm.stopPrank();
        _expectCreateRevert(
            address(token),
            1,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(
                sel, SESSION, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Finalized
            )
        );
        vm.prank(coordinator);
        gradpay.submitRanking(SESSION, ranked, true);
        uint256 poolId =
            _createPool(SESSION, address(token), 1, IRewardDistributor.Strategy.Proportional, _noParams());
        assertEq(gradpay.getPool(poolId).amount, 1, "created once Finalized");
    }

    function test_RevertWhen_createRewardPool_unauthorized() public {
        _finalizedSession(SESSION);
        bytes32 role = gradpay.COORDINATOR_ROLE();
        uint40 deadline = _deadline();
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, role));
        gradpay.createRewardPool{value: 1 ether}(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams(), deadline
        );
        vm.deal(admin, 1 ether);
        vm.prank(admin);
        vm.expectRevert(_unauthorized(admin, role));
        gradpay.createRewardPool{value: 1 ether}(
            SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams(), deadline
        );
    }

    function test_RevertWhen_createRewardPool_paused() public {
        _finalizedSession(SESSION);
        vm.prank(admin);
        gradpay.pause();
        _expectCreateRevert(
            address(0),
            1 ether,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            abi.encodeWithSelector(Pausable.EnforcedPause.selector)
        );
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
