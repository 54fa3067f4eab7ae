// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {PoolsTest} from "../utils/PoolsTest.sol";

/// @notice What a pool is funded with: a non-zero amount, the exact ETH value, a token with code, a deadline
///         at least MIN_CLAIM_WINDOW away.
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

    /// @dev Gap 2 of issue 11: a pool whose window is shorter than 7 days is refused, so a pool cannot be a
    ///      disguised transfer to its refund address; exactly 7 days is accepted.
    function test_RevertWhen_createRewardPool_claimWindowTooShort() public {
        _finalizedSession(SESSION);
        vm.warp(1_700_000_000);
        uint256 minWindow = gradpay.MIN_CLAIM_WINDOW();
        assertEq(minWindow, 7 days, "MIN_CLAIM_WINDOW");
        uint40 earliest = uint40(block.timestamp + minWindow);
        uint40[3] memory tooSoon = [earliest - 1, uint40(block.timestamp + 1), 0];
        vm.startPrank(coordinator);
        for (uint256 i; i < tooSoon.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IRewardDistributor.ClaimWindowTooShort.selector, tooSoon[i], earliest)
            );
            _proportionalPool(SESSION, address(0), 1, 1, tooSoon[i], refund);
        }
        assertEq(gradpay.getSession(SESSION).poolCount, 0, "no pool");
        uint256 poolId = _proportionalPool(SESSION, address(0), 1, 1, earliest, refund);
        vm.stopPrank();
        assertEq(gradpay.getPool(poolId).claimDeadline, earliest, "exactly 7 days is enough");
    }

    function test_RevertWhen_createRewardPool_wrongEthValue() public {
        _finalizedSession(SESSION);
        uint40 deadline = _deadline();
        vm.startPrank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.WrongEthValue.selector, 1 ether - 1, 1 ether)
        );
        _proportionalPool(SESSION, address(0), 1 ether - 1, 1 ether, deadline, refund);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.WrongEthValue.selector, 2 ether, 1 ether));
        _proportionalPool(SESSION, address(0), 2 ether, 1 ether, deadline, refund);
        // ETH sent along with a token pool would be stranded.
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.WrongEthValue.selector, 1, 0));
        _proportionalPool(SESSION, address(token), 1, 1 ether, deadline, refund);
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
