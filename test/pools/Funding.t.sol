// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {PoolsTest} from "../utils/PoolsTest.sol";

/// @notice What a pool is funded with: a non-zero amount, the exact ETH value, a token with code, a deadline
///         in the future.
contract PoolFundingTest is PoolsTest {
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
}
