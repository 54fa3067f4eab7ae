// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAdminControls} from "../../contracts/interfaces/IAdminControls.sol";
import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ClaimsTest} from "../utils/ClaimsTest.sol";

/// @dev Sends its value to `target` by self-destructing in its constructor: no receive() can refuse it.
contract ForceSend {
    constructor(address payable target) payable {
        selfdestruct(target);
    }
}

/// @notice Gap 7 of issue 11: the admin rescues ETH and tokens sent by mistake, exactly down to what unswept
///         pools owe, and never a wei of what they owe.
contract RescueTest is ClaimsTest {
    address internal rescueTo = makeAddr("rescue-to");

    function setUp() public override {
        super.setUp();
        _fixture();
    }

    function test_rescue_forceSentEth() public {
        uint256 poolId = _ethPool(10 ether);
        vm.deal(address(this), 5 ether);
        new ForceSend{value: 2 ether}(payable(address(gradpay)));
        vm.deal(address(gradpay), address(gradpay).balance + 1 ether);
        assertEq(address(gradpay).balance, 13 ether, "force-sent and dealt");

        vm.expectEmit(address(gradpay));
        emit IAdminControls.FundsRescued(address(0), rescueTo, 3 ether);
        vm.prank(admin);
        assertEq(gradpay.rescue(address(0), rescueTo), 3 ether, "exactly the surplus");
        assertEq(rescueTo.balance, 3 ether, "received");
        assertEq(address(gradpay).balance, 10 ether, "what the pool owes stays");
        _expectNothingToRescue(address(0));
        uint256 owed = gradpay.rewardOf(poolId, nodes[1]);
        assertEq(_claim(nodes[1], poolId), owed, "the pool still pays in full");
    }

    function test_rescue_mistakenTokenTransfer() public {
        uint256 poolId = _tokenPool(5e18);
        uint256 owed = gradpay.rewardOf(poolId, nodes[1]);
        _claim(nodes[1], poolId);
        vm.prank(coordinator);
        assertTrue(token.transfer(address(gradpay), 2e18), "mistaken transfer");

        vm.prank(admin);
        assertEq(gradpay.rescue(address(token), rescueTo), 2e18, "exactly the mistaken transfer");
        assertEq(token.balanceOf(rescueTo), 2e18, "received");
        assertEq(token.balanceOf(address(gradpay)), 5e18 - owed, "what the pool still owes stays");
        assertEq(gradpay.totalOwed(address(token)), 5e18 - owed, "owed");
        _expectNothingToRescue(address(token));
    }

    function test_RevertWhen_rescue_onlyOwedFunds() public {
        _ethPool(10 ether);
        _tokenPool(5e18);
        _expectNothingToRescue(address(0));
        _expectNothingToRescue(address(token));
        _claim(nodes[1], _ethPool(1 ether));
        _expectNothingToRescue(address(0));
        assertEq(address(gradpay).balance, gradpay.totalOwed(address(0)), "all of it still owed");
    }

    function test_RevertWhen_rescue_notAdmin() public {
        vm.deal(address(gradpay), 1 ether);
        bytes32 adminRole = gradpay.DEFAULT_ADMIN_ROLE();
        address[2] memory callers = [coordinator, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(_unauthorized(callers[i], adminRole));
            gradpay.rescue(address(0), callers[i]);
        }
        assertEq(address(gradpay).balance, 1 ether, "nothing moved");
    }

    function test_RevertWhen_rescue_badArguments() public {
        vm.deal(address(gradpay), 1 ether);
        vm.startPrank(admin);
        vm.expectRevert(IGradPayBase.ZeroAddressRecipient.selector);
        gradpay.rescue(address(0), address(0));
        address notAToken = makeAddr("not-a-token");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.TokenNotAContract.selector, notAToken));
        gradpay.rescue(notAToken, rescueTo);
        vm.stopPrank();
    }

    function _expectNothingToRescue(address rescueToken) internal {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IAdminControls.NothingToRescue.selector, rescueToken));
        gradpay.rescue(rescueToken, rescueTo);
    }
}
