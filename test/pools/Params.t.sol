// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {PoolsTest} from "../utils/PoolsTest.sol";

/// @notice Strategy parameters: only the strategy's own, within range, hybrid weights summing to 10,000.
contract PoolParamsTest is PoolsTest {
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
}
