// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {RebasingERC20} from "../mocks/RebasingERC20.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";

/// @notice Gap 7 of issue 11: when a token's balance falls below what its pools owe (a negative rebase, an
///         external burn), every claim and sweep of it is cut by the same fraction: the loss is shared by all
///         its pools, and the last claimant is not left with nothing.
contract ShortfallTest is ClaimsTest {
    RebasingERC20 internal rt;
    uint256 internal poolA;
    uint256 internal poolB;
    uint32[5] internal eligible = [uint32(1), 5, 0, 2, 4];

    function setUp() public override {
        super.setUp();
        _fixture();
        rt = new RebasingERC20();
        rt.mint(coordinator, 100e18);
        vm.prank(coordinator);
        rt.approve(address(gradpay), type(uint256).max);
        poolA = _rebasingPool(6e18, IRewardDistributor.Strategy.Proportional, _noParams());
        poolB = _rebasingPool(4e18, IRewardDistributor.Strategy.Tiered, _tieredParams(5000));
    }

    function _rebasingPool(
        uint256 amount,
        IRewardDistributor.Strategy strategy,
        IRewardDistributor.PoolParams memory params
    ) internal returns (uint256) {
        return _createPool(SESSION, address(rt), amount, strategy, params);
    }

    /// @dev Claims every eligible node from both pools, alternating, and checks each payment is the same
    ///      fraction (`num / den`) of the reward, within one wei of rounding.
    function _claimAllAt(uint256 num, uint256 den) internal returns (uint256 paid) {
        for (uint256 i; i < eligible.length; ++i) {
            address node = nodes[eligible[i]];
            uint256[2] memory pools = [poolA, poolB];
            for (uint256 k; k < 2; ++k) {
                uint256 reward = gradpay.rewardOf(pools[k], node);
                uint256 before = rt.balanceOf(node);
                uint256 got = _claim(node, pools[k]);
                assertEq(rt.balanceOf(node) - before, got, "paid what the claim returned");
                assertApproxEqAbs(got, reward * num / den, 1, "same fraction for every claimant");
                assertGe(got, reward * num / den, "never below the fair fraction");
                paid += got;
            }
        }
    }

    function test_negativeRebase_lossSharedProRataByBothPools() public {
        rt.rebase(4, 5); // 10e18 held becomes 8e18: 80 % of what the pools owe
        assertEq(rt.balanceOf(address(gradpay)), 8e18, "balance after the rebase");
        // The last claimant (node 4, pool B) is paid its 80 % like the first: checked in the loop.
        uint256 paid = _claimAllAt(4, 5);
        assertLe(paid, 8e18, "never more than the contract held");
        _sweepBoth();
        assertEq(gradpay.totalOwed(address(rt)), 0, "nothing owed");
        assertLe(rt.balanceOf(address(gradpay)), 2, "at most rounding left");
    }

    function test_negativeRebase_pendingAndEventShowTheCut() public {
        rt.rebase(4, 5);
        address node = nodes[eligible[0]];
        uint256 reward = gradpay.rewardOf(poolA, node);
        assertEq(gradpay.pendingReward(poolA, node), reward * 4 / 5, "pending shows the cut");
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.PaymentShortfall(address(rt), node, reward, reward * 4 / 5);
        assertEq(_claim(node, poolA), reward * 4 / 5, "claim pays the cut reward");
        assertEq(gradpay.totalOwed(address(rt)), 10e18 - reward, "owed fell by the full reward");
    }

    function test_externalBurn_lossSharedProRataByBothPools() public {
        rt.burn(address(gradpay), 2.5e18); // a quarter of what the pools hold, taken by the token
        uint256 paid = _claimAllAt(3, 4);
        assertLe(paid, 7.5e18, "never more than the contract held");
        _sweepBoth();
        assertLe(rt.balanceOf(address(gradpay)), 2, "at most rounding left");
    }

    function test_negativeRebase_batchClaimCutsEveryPoolAlike() public {
        rt.rebase(1, 2);
        address node = nodes[eligible[0]];
        uint256[] memory poolIds = new uint256[](2);
        (poolIds[0], poolIds[1]) = (poolA, poolB);
        uint256 rewardA = gradpay.rewardOf(poolA, node);
        uint256 rewardB = gradpay.rewardOf(poolB, node);
        vm.prank(node);
        uint256[] memory amounts = gradpay.claimRewardsBatch(poolIds);
        assertEq(amounts[0], rewardA / 2, "pool A cut by half");
        assertEq(amounts[1], rewardB / 2, "pool B cut by half");
        assertEq(rt.balanceOf(node), amounts[0] + amounts[1], "one transfer of both");
        assertEq(gradpay.totalOwed(address(rt)), 10e18 - rewardA - rewardB, "owed fell by the full rewards");
    }

    function test_RevertWhen_createRewardPool_tokenShort() public {
        rt.rebase(4, 5);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.TokenShortfall.selector, address(rt), 8e18, 10e18)
        );
        _proportionalPool(SESSION, address(rt), 0, 1e18, uint40(block.timestamp + CLAIM_WINDOW), refund);
    }

    function test_positiveRebase_paysInFullAndSurplusIsRescued() public {
        rt.rebase(5, 4); // 10e18 becomes 12.5e18
        uint256 paid = _claimAllAt(1, 1);
        uint256 owed = gradpay.totalOwed(address(rt));
        assertEq(owed, 10e18 - paid, "owed = the unclaimed dust");
        vm.prank(admin);
        assertEq(gradpay.rescue(address(rt), admin), 2.5e18, "exactly the rebase's surplus");
        assertEq(rt.balanceOf(address(gradpay)), owed, "pools keep what they owe");
        _sweepBoth();
    }

    function _sweepBoth() internal {
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.startPrank(stranger);
        gradpay.sweepPool(poolA);
        gradpay.sweepPool(poolB);
        vm.stopPrank();
    }
}
