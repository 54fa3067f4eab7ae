// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPay} from "../contracts/interfaces/IGradPay.sol";
import {IRewardDistributor} from "../contracts/interfaces/IRewardDistributor.sol";
import {FeeOnTransferERC20} from "./mocks/FeeOnTransferERC20.sol";
import {NoReturnERC20} from "./mocks/NoReturnERC20.sol";
import {ReentrantERC20} from "./mocks/ReentrantERC20.sol";
import {ReentrantReceiver} from "./mocks/ReentrantReceiver.sol";
import {BaseTest} from "./utils/BaseTest.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @notice Tokens and recipients that fight back: every case ends in no loss or a clear rejection.
contract HostileTokensTest is BaseTest {
    bytes internal constant REENTRANT_CALL =
        abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    /// @dev Registers `members` and gives member i compute 100 * (i + 1), then finalizes.
    function _session(address[] memory members) internal {
        vm.startPrank(coordinator);
        gradpay.createSession(SESSION, MODEL, 0);
        gradpay.registerNodesBatch(SESSION, members, _nodeIds(members.length));
        vm.stopPrank();
        uint256[] memory entries = new uint256[](members.length);
        for (uint256 i; i < members.length; ++i) {
            entries[i] = _entry(uint32(i), uint32(100 * (i + 1)), 1, 0, 1, 1, 10_000, 10_000, 10_000);
        }
        _record(SESSION, 0, 0, 1, entries);
        _finalize(SESSION);
    }

    function _pair(address a, address b) internal pure returns (address[] memory members) {
        members = new address[](2);
        (members[0], members[1]) = (a, b);
    }

    function _fundedPool(address poolToken, uint256 amount) internal returns (uint256) {
        return _createPool(SESSION, poolToken, amount, IRewardDistributor.Strategy.Proportional, _noParams());
    }

    function _afterDeadline() internal {
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
    }

    // ------------------------------------------------------------------ fee on transfer

    function test_RevertWhen_feeOnTransferToken_poolRejected() public {
        _session(_pair(alice, bob));
        FeeOnTransferERC20 fee = new FeeOnTransferERC20(100); // 1 %
        fee.mint(coordinator, 1e18);
        vm.prank(coordinator);
        fee.approve(address(gradpay), type(uint256).max);
        uint40 deadline = uint40(block.timestamp) + CLAIM_WINDOW;

        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.TokenTransferShortfall.selector, address(fee), 1e18, 0.99e18
            )
        );
        gradpay.createRewardPool(
            SESSION,
            address(fee),
            1e18,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            deadline,
            refund
        );
        assertEq(gradpay.getSession(SESSION).poolCount, 0, "no pool");
        assertEq(fee.balanceOf(coordinator), 1e18, "funder keeps the tokens");
    }

    /// @dev A fee switched on after funding costs the recipients, never the pool: each claim takes exactly
    ///      the owed amount out of the contract, so the others are still paid in full.
    function test_feeSwitchedOnAfterFunding_noLossToOtherClaimants() public {
        _session(_pair(alice, bob));
        FeeOnTransferERC20 fee = new FeeOnTransferERC20(0);
        fee.mint(coordinator, 3e18);
        vm.prank(coordinator);
        fee.approve(address(gradpay), type(uint256).max);
        uint256 poolId = _fundedPool(address(fee), 3e18);
        fee.setFeeBps(1000);

        uint256 owedAlice = gradpay.rewardOf(poolId, alice);
        uint256 owedBob = gradpay.rewardOf(poolId, bob);
        assertEq(owedAlice + owedBob, 3e18, "1:2 split is exact");
        vm.prank(alice);
        assertEq(gradpay.claimReward(poolId), owedAlice, "alice's claim");
        assertEq(fee.balanceOf(alice), owedAlice * 9 / 10, "alice bears the fee");
        assertEq(fee.balanceOf(address(gradpay)), owedBob, "exactly bob's share left");
        vm.prank(bob);
        gradpay.claimReward(poolId);
        assertEq(fee.balanceOf(address(gradpay)), 0, "pool emptied, nothing missing");
        assertEq(gradpay.getPool(poolId).remaining, 0, "remaining");
    }

    // ------------------------------------------------------------------ re-entrant token

    function _reentrantToken(uint256 amount) internal returns (ReentrantERC20 rt) {
        rt = new ReentrantERC20();
        rt.mint(coordinator, amount);
        vm.prank(coordinator);
        rt.approve(address(gradpay), type(uint256).max);
    }

    function test_RevertWhen_tokenReentersOnClaim_bubbles() public {
        _session(_pair(alice, bob));
        ReentrantERC20 rt = _reentrantToken(3e18);
        uint256 poolId = _fundedPool(address(rt), 3e18);
        rt.arm(
            address(gradpay),
            abi.encodeCall(IRewardDistributor.claimRewardFor, (poolId, alice)),
            true,
            false,
            false
        );

        vm.prank(alice);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        gradpay.claimReward(poolId);
        assertFalse(gradpay.hasClaimed(poolId, alice), "claim rolled back");
        assertEq(rt.balanceOf(alice), 0, "nothing paid");
        assertEq(rt.balanceOf(address(gradpay)), 3e18, "pool intact");
    }

    function test_tokenReentersOnClaim_swallowed_paysOnce() public {
        _session(_pair(alice, bob));
        ReentrantERC20 rt = _reentrantToken(3e18);
        uint256 poolId = _fundedPool(address(rt), 3e18);
        rt.arm(
            address(gradpay),
            abi.encodeCall(IRewardDistributor.claimRewardFor, (poolId, alice)),
            true,
            false,
            true
        );

        vm.prank(alice);
        assertEq(gradpay.claimReward(poolId), 1e18, "alice's share");
        assertEq(rt.attempts(), 1, "one re-entry attempt");
        assertEq(rt.reentriesSucceeded(), 0, "the re-entry failed");
        assertEq(rt.lastError(), REENTRANT_CALL, "stopped by the reentrancy guard");
        assertEq(rt.balanceOf(alice), 1e18, "paid once");
        assertEq(gradpay.getPool(poolId).remaining, 2e18, "remaining");

        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.RewardAlreadyClaimed.selector, poolId, alice)
        );
        gradpay.claimReward(poolId);
    }

    function test_tokenReentersOnBatchClaim_swallowed_paysOnce() public {
        _session(_pair(alice, bob));
        ReentrantERC20 rt = _reentrantToken(6e18);
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _fundedPool(address(rt), 3e18);
        poolIds[1] = _fundedPool(address(rt), 3e18);
        rt.arm(
            address(gradpay),
            abi.encodeCall(IRewardDistributor.claimRewardsBatch, (poolIds)),
            true,
            false,
            true
        );

        vm.prank(bob);
        uint256[] memory amounts = gradpay.claimRewardsBatch(poolIds);
        assertEq(amounts[0] + amounts[1], 4e18, "bob's two shares");
        assertEq(rt.attempts(), 1, "one transfer for the same-token run");
        assertEq(rt.lastError(), REENTRANT_CALL, "stopped by the reentrancy guard");
        assertEq(rt.balanceOf(bob), 4e18, "paid once");
        assertEq(rt.balanceOf(address(gradpay)), 2e18, "alice's shares remain");
    }

    function test_RevertWhen_tokenReentersOnBatchClaim_bubbles() public {
        _session(_pair(alice, bob));
        ReentrantERC20 rt = _reentrantToken(6e18);
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _fundedPool(address(rt), 3e18);
        poolIds[1] = _fundedPool(address(0), 3e18);
        rt.arm(
            address(gradpay), abi.encodeCall(IRewardDistributor.claimReward, (poolIds[1])), true, false, false
        );
        vm.prank(bob);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        gradpay.claimRewardsBatch(poolIds);
        assertFalse(gradpay.hasClaimed(poolIds[1], bob), "ETH pool claim rolled back too");
        assertEq(bob.balance, 0, "no ETH paid");
    }

    function test_RevertWhen_tokenReentersOnCreate() public {
        _session(_pair(alice, bob));
        ReentrantERC20 rt = _reentrantToken(6e18);
        uint256 first = _fundedPool(address(rt), 3e18);
        rt.arm(
            address(gradpay),
            abi.encodeCall(IRewardDistributor.claimRewardFor, (first, alice)),
            false,
            true,
            false
        );
        uint40 deadline = uint40(block.timestamp) + CLAIM_WINDOW;

        vm.prank(coordinator);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        gradpay.createRewardPool(
            SESSION,
            address(rt),
            3e18,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            deadline,
            refund
        );
        assertEq(gradpay.getSession(SESSION).poolCount, 1, "second pool rolled back");
        assertFalse(gradpay.hasClaimed(first, alice), "no claim slipped in");
    }

    function test_tokenReentersOnSweep() public {
        _session(_pair(alice, bob));
        ReentrantERC20 rt = _reentrantToken(6e18);
        uint256 a = _fundedPool(address(rt), 3e18);
        uint256 b = _fundedPool(address(rt), 3e18);
        // Sweeping needs no role: the reentrancy guard alone has to stop the token.
        rt.arm(address(gradpay), abi.encodeCall(IRewardDistributor.sweepPool, (b)), true, false, false);
        _afterDeadline();

        vm.prank(stranger);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        gradpay.sweepPool(a);
        assertFalse(gradpay.getPool(a).swept, "sweep rolled back");

        rt.arm(address(gradpay), abi.encodeCall(IRewardDistributor.sweepPool, (b)), true, false, true);
        vm.prank(stranger);
        assertEq(gradpay.sweepPool(a), 3e18, "pool a swept");
        assertEq(rt.lastError(), REENTRANT_CALL, "nested sweep stopped by the guard");
        assertFalse(gradpay.getPool(b).swept, "pool b not swept by the re-entry");
        assertEq(rt.balanceOf(refund), 3e18, "refund address got pool a only");

        rt.arm(address(0), "", false, false, false);
        vm.prank(stranger);
        assertEq(gradpay.sweepPool(b), 3e18, "pool b swept once, normally");
        assertEq(rt.balanceOf(refund), 6e18, "refund address got both, once");
    }

    // ------------------------------------------------------------------ re-entrant ETH receiver

    function test_RevertWhen_receiverReentersOnClaim_bubbles() public {
        ReentrantReceiver receiver = new ReentrantReceiver(IGradPay(address(gradpay)));
        _session(_pair(address(receiver), bob));
        uint256 poolId = _fundedPool(address(0), 3 ether);
        receiver.arm(abi.encodeCall(IRewardDistributor.claimReward, (poolId)), false);

        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.EthTransferFailed.selector, address(receiver), 1 ether)
        );
        receiver.claim(poolId);
        assertFalse(gradpay.hasClaimed(poolId, address(receiver)), "claim rolled back");
        assertEq(address(receiver).balance, 0, "nothing paid");
        assertEq(address(gradpay).balance, 3 ether, "pool intact");
    }

    function test_receiverReentersOnClaim_swallowed_paysOnce() public {
        ReentrantReceiver receiver = new ReentrantReceiver(IGradPay(address(gradpay)));
        _session(_pair(address(receiver), bob));
        uint256 poolId = _fundedPool(address(0), 3 ether);
        receiver.arm(abi.encodeCall(IRewardDistributor.claimReward, (poolId)), true);

        assertEq(receiver.claim(poolId), 1 ether, "receiver's share");
        assertEq(receiver.attempts(), 1, "one re-entry attempt");
        assertEq(receiver.reentriesSucceeded(), 0, "re-entry failed");
        assertEq(receiver.lastError(), REENTRANT_CALL, "stopped by the reentrancy guard");
        assertEq(address(receiver).balance, 1 ether, "paid once");
        assertEq(address(gradpay).balance, 2 ether, "bob's share remains");

        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributor.RewardAlreadyClaimed.selector, poolId, address(receiver)
            )
        );
        receiver.claim(poolId);
    }

    function test_receiverReentersOnClaimFor_cannotClaimForOthers() public {
        ReentrantReceiver receiver = new ReentrantReceiver(IGradPay(address(gradpay)));
        _session(_pair(address(receiver), bob));
        uint256 poolId = _fundedPool(address(0), 3 ether);
        receiver.arm(abi.encodeCall(IRewardDistributor.claimRewardFor, (poolId, bob)), true);

        vm.prank(stranger);
        gradpay.claimRewardFor(poolId, address(receiver));
        assertEq(receiver.lastError(), REENTRANT_CALL, "nested claim for bob stopped");
        assertFalse(gradpay.hasClaimed(poolId, bob), "bob untouched");
        vm.prank(bob);
        assertEq(gradpay.claimReward(poolId), 2 ether, "bob claims his own, once");
        assertEq(address(gradpay).balance, 0, "pool fully paid, exactly");
    }

    function test_receiverReentersOnBatch_swallowed_paysOnce() public {
        ReentrantReceiver receiver = new ReentrantReceiver(IGradPay(address(gradpay)));
        _session(_pair(address(receiver), bob));
        uint256[] memory poolIds = new uint256[](3);
        poolIds[0] = _fundedPool(address(0), 3 ether);
        poolIds[1] = _fundedPool(address(0), 6 ether);
        poolIds[2] = _fundedPool(address(token), 9e18);
        receiver.arm(abi.encodeCall(IRewardDistributor.claimRewardsBatch, (poolIds)), true);

        uint256[] memory amounts = receiver.claimBatch(poolIds);
        assertEq(amounts[0], 1 ether, "pool 0");
        assertEq(amounts[1], 2 ether, "pool 1");
        assertEq(amounts[2], 3e18, "pool 2");
        assertEq(receiver.attempts(), 1, "one ETH payment for the two ETH pools");
        assertEq(receiver.lastError(), REENTRANT_CALL, "stopped by the reentrancy guard");
        assertEq(address(receiver).balance, 3 ether, "ETH paid once");
        assertEq(token.balanceOf(address(receiver)), 3e18, "tokens paid once");
    }

    function test_RevertWhen_receiverReentersOnBatch_bubbles() public {
        ReentrantReceiver receiver = new ReentrantReceiver(IGradPay(address(gradpay)));
        _session(_pair(address(receiver), bob));
        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _fundedPool(address(token), 3e18);
        poolIds[1] = _fundedPool(address(0), 3 ether);
        receiver.arm(abi.encodeCall(IRewardDistributor.claimRewardsBatch, (poolIds)), false);

        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.EthTransferFailed.selector, address(receiver), 1 ether)
        );
        receiver.claimBatch(poolIds);
        assertEq(token.balanceOf(address(receiver)), 0, "token payment rolled back too");
        assertFalse(gradpay.hasClaimed(poolIds[0], address(receiver)), "atomic");
    }

    function test_receiverReentersOnSweep() public {
        _session(_pair(alice, bob));
        ReentrantReceiver receiver = new ReentrantReceiver(IGradPay(address(gradpay)));
        refund = address(receiver);
        uint256 a = _fundedPool(address(0), 1 ether);
        uint256 b = _fundedPool(address(0), 2 ether);
        receiver.arm(abi.encodeCall(IRewardDistributor.sweepPool, (b)), false);
        _afterDeadline();

        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.EthTransferFailed.selector, address(receiver), 1 ether)
        );
        gradpay.sweepPool(a);

        receiver.arm(abi.encodeCall(IRewardDistributor.sweepPool, (b)), true);
        vm.prank(stranger);
        assertEq(gradpay.sweepPool(a), 1 ether, "pool a swept");
        assertEq(receiver.lastError(), REENTRANT_CALL, "nested sweep stopped by the guard");
        assertFalse(gradpay.getPool(b).swept, "pool b untouched");
        assertEq(address(receiver).balance, 1 ether, "pool a only");

        receiver.arm("", false);
        assertEq(receiver.sweep(b), 2 ether, "pool b swept normally");
        assertEq(address(receiver).balance, 3 ether, "each pool swept once");
        assertEq(address(gradpay).balance, 0, "nothing left");
    }

    // ------------------------------------------------------------------ USDT-like token

    function test_noReturnToken_poolClaimsBatchAndSweep() public {
        _session(_pair(alice, bob));
        NoReturnERC20 usdt = new NoReturnERC20();
        usdt.mint(coordinator, 1000e6);
        vm.prank(coordinator);
        usdt.approve(address(gradpay), type(uint256).max);

        uint256[] memory poolIds = new uint256[](2);
        poolIds[0] = _fundedPool(address(usdt), 300e6);
        poolIds[1] = _fundedPool(address(usdt), 600e6 + 2);
        assertEq(usdt.balanceOf(address(gradpay)), 900e6 + 2, "pulled");

        vm.prank(alice);
        assertEq(gradpay.claimReward(poolIds[0]), 100e6, "alice pool 0");
        vm.prank(bob);
        uint256[] memory amounts = gradpay.claimRewardsBatch(poolIds);
        assertEq(amounts[0], 200e6, "bob pool 0");
        assertEq(amounts[1], 400e6 + 1, "bob pool 1");
        assertEq(usdt.balanceOf(bob), 600e6 + 1, "bob received");

        _afterDeadline();
        vm.prank(stranger);
        assertEq(gradpay.sweepPool(poolIds[1]), 200e6 + 1, "alice's unclaimed share swept");
        assertEq(usdt.balanceOf(refund), 200e6 + 1, "refund address received");
        assertEq(usdt.balanceOf(address(gradpay)), 0, "nothing left");
    }

    function test_RevertWhen_noReturnToken_insufficientAllowance() public {
        _session(_pair(alice, bob));
        NoReturnERC20 usdt = new NoReturnERC20();
        usdt.mint(coordinator, 1000e6);
        uint40 deadline = uint40(block.timestamp) + CLAIM_WINDOW;
        vm.prank(coordinator);
        vm.expectRevert(bytes("NoReturnERC20: allowance"));
        gradpay.createRewardPool(
            SESSION,
            address(usdt),
            1e6,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            deadline,
            refund
        );
    }
}
