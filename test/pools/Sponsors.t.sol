// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAdminControls} from "../../contracts/interfaces/IAdminControls.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {PoolsTest} from "../utils/PoolsTest.sol";

/// @notice Gap 5 of issue 11: a sponsor the session's owner approved funds ETH and ERC20 pools, chooses
///         where the leftovers go, and gets them back with no admin action; nobody else can redirect them.
contract SponsorsTest is PoolsTest {
    address internal sponsor = makeAddr("sponsor");
    address internal sponsorVault = makeAddr("sponsor-vault");
    MockERC20 internal usdc;

    function setUp() public override {
        super.setUp();
        _finalizedSession(SESSION);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        usdc.mint(sponsor, 1000e6);
        vm.deal(sponsor, 10 ether);
        vm.prank(sponsor);
        usdc.approve(address(gradpay), type(uint256).max);
        vm.prank(coordinator);
        gradpay.setSponsor(SESSION, sponsor, true);
    }

    function _sponsorPool(address poolToken, uint256 amount, address refundTo) internal returns (uint256) {
        vm.prank(sponsor);
        return _proportionalPool(
            SESSION, poolToken, poolToken == address(0) ? amount : 0, amount, _deadline(), refundTo
        );
    }

    function test_sponsorFundsEthAndErc20Pools_refundsToItsChoice() public {
        uint40 deadline = _deadline();
        vm.expectEmit(address(gradpay));
        emit IRewardDistributor.RewardPoolCreated(
            uint256(SESSION) << 8,
            SESSION,
            address(0),
            3 ether,
            IRewardDistributor.Strategy.Proportional,
            deadline,
            sponsor,
            sponsorVault
        );
        uint256 ethPool = _sponsorPool(address(0), 3 ether, sponsorVault);
        uint256 usdcPool = _sponsorPool(address(usdc), 600e6, address(0));
        assertEq(gradpay.getPool(ethPool).refundTo, sponsorVault, "ETH pool refunds to the vault");
        assertEq(gradpay.getPool(usdcPool).refundTo, sponsor, "USDC pool refunds to the sponsor itself");
        assertEq(usdc.balanceOf(sponsor), 400e6, "USDC pulled from the sponsor");

        // Node 2 (index 2 of reward-math.md §6) claims both; the rest is left for the refund.
        address node = _nodes(3)[2];
        uint256 ethPaid = gradpay.rewardOf(ethPool, node);
        uint256 usdcPaid = gradpay.rewardOf(usdcPool, node);
        vm.startPrank(node);
        gradpay.claimReward(ethPool);
        gradpay.claimReward(usdcPool);
        vm.stopPrank();

        vm.warp(uint256(deadline) + 1);
        vm.startPrank(stranger);
        assertEq(gradpay.sweepPool(ethPool), 3 ether - ethPaid, "ETH remainder");
        assertEq(gradpay.sweepPool(usdcPool), 600e6 - usdcPaid, "USDC remainder");
        vm.stopPrank();
        assertEq(sponsorVault.balance, 3 ether - ethPaid, "the vault got the ETH back");
        assertEq(usdc.balanceOf(sponsor), 400e6 + 600e6 - usdcPaid, "the sponsor got the USDC back");
        assertEq(coordinator.balance, 1_000_000 ether, "the owner got nothing");
    }

    /// @dev No admin function touches a pool's refund: pausing, rescuing and sweeping as the admin all leave
    ///      the sponsor's leftovers on their way to its refund address.
    function test_adminCannotRedirectSponsorRefund() public {
        uint256 poolId = _sponsorPool(address(0), 2 ether, sponsorVault);
        vm.startPrank(admin);
        gradpay.pause();
        vm.expectRevert(abi.encodeWithSelector(IAdminControls.NothingToRescue.selector, address(0)));
        gradpay.rescue(address(0), admin);
        gradpay.unpause();
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        assertEq(gradpay.sweepPool(poolId), 2 ether, "admin's sweep");
        vm.stopPrank();
        assertEq(sponsorVault.balance, 2 ether, "still to the sponsor's vault");
    }

    /// @dev Gap 5/6 of issue 11: the sponsor's refund needs no admin at all, even once the admin role is gone.
    function test_sponsorRefund_worksWithNoAdmin() public {
        uint256 poolId = _sponsorPool(address(usdc), 100e6, address(0));
        // Renouncing takes the two steps of AccessControlDefaultAdminRules: a hand-over to nobody, then the
        // renounce after the delay.
        bytes32 adminRole = gradpay.DEFAULT_ADMIN_ROLE();
        vm.prank(admin);
        gradpay.beginDefaultAdminTransfer(address(0));
        vm.warp(block.timestamp + gradpay.defaultAdminDelay() + 1);
        vm.prank(admin);
        gradpay.renounceRole(adminRole, admin);
        assertEq(gradpay.defaultAdmin(), address(0), "no admin left");
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.prank(sponsor);
        assertEq(gradpay.sweepPool(poolId), 100e6, "swept by the sponsor itself");
        assertEq(usdc.balanceOf(sponsor), 1000e6, "all of it back");
    }

    function test_RevertWhen_revokedSponsorFunds() public {
        vm.prank(coordinator);
        gradpay.setSponsor(SESSION, sponsor, false);
        uint40 deadline = _deadline();
        vm.prank(sponsor);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NotSessionFunder.selector, SESSION, sponsor));
        _proportionalPool(SESSION, address(0), 1 ether, 1 ether, deadline, sponsor);
    }

    /// @dev A sponsor of one session cannot fund (or use up the pool slots of) another.
    function test_RevertWhen_sponsorFundsAnotherSession() public {
        _finalizedSession(SESSION + 1);
        uint40 deadline = _deadline();
        vm.prank(sponsor);
        vm.expectRevert(abi.encodeWithSelector(IGradPayBase.NotSessionFunder.selector, SESSION + 1, sponsor));
        _proportionalPool(SESSION + 1, address(0), 1, 1, deadline, sponsor);
        assertEq(gradpay.getSession(SESSION + 1).poolCount, 0, "no slot used");
    }
}
