// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";

/// @notice Gap 4 of issue 11, continued: what a session's owner can hand out. A delegate runs the session
///         (e.g. a second sender key) but cannot name delegates; a revoked delegate is refused; a sponsor is
///         no operator; the owner keeps its sessions when its COORDINATOR_ROLE is revoked.
contract RightsTest is RegistryTest {
    address internal delegate = makeAddr("delegate");
    address internal sponsor = makeAddr("sponsor");

    function _allowDelegate(bool allowed) internal {
        vm.prank(coordinator);
        gradpay.setDelegate(SESSION, delegate, allowed);
    }

    function _assertRights(address account, bool isDelegate, bool isSponsor) internal view {
        (bool delegateRight, bool sponsorRight) = gradpay.sessionRights(SESSION, account);
        assertEq(delegateRight, isDelegate, "delegate right");
        assertEq(sponsorRight, isSponsor, "sponsor right");
    }

    // ------------------------------------------------------------------ delegates

    function test_setDelegate_grantsAndRevokes() public {
        _openSession(SESSION, 0);
        _assertRights(delegate, false, false);

        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.DelegateSet(SESSION, delegate, true);
        _allowDelegate(true);
        _assertRights(delegate, true, false);
        _assertRights(stranger, false, false);

        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.DelegateSet(SESSION, delegate, false);
        _allowDelegate(false);
        _assertRights(delegate, false, false);
    }

    /// @dev Registers, records, completes and finalizes on its own: everything the owner does but naming.
    function test_delegateRunsTheSession() public {
        _openSession(SESSION, 0);
        _allowDelegate(true);
        address[] memory nodes = _nodes(2);
        vm.prank(delegate);
        gradpay.registerNodesBatch(SESSION, nodes, _nodeIds(2));
        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 100, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        entries[1] = _entry(1, 50, 1, 1, 0, 1, 5000, 5000, 5000);
        _recordBy(delegate, SESSION, 0, 0, 1, entries);
        vm.startPrank(delegate);
        gradpay.setClipK(SESSION, 1e18);
        gradpay.excludeNode(SESSION, nodes[1], "delegate's call");
        vm.stopPrank();
        _finalizeBy(delegate, SESSION);

        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(uint8(info.state), uint8(IGradPayBase.SessionState.Finalized), "finalized by the delegate");
        assertEq(info.clipK, 1e18, "clipK");
        assertEq(info.eligibleCount, 1, "node 1 excluded");
        assertEq(gradpay.sessionOwner(SESSION), coordinator, "the owner is still the owner");
    }

    function test_RevertWhen_DelegateNamesDelegate() public {
        _openSession(SESSION, 0);
        _allowDelegate(true);
        bytes memory err =
            abi.encodeWithSelector(ITrainingRegistry.NotSessionOwner.selector, SESSION, delegate);
        vm.startPrank(delegate);
        vm.expectRevert(err);
        gradpay.setDelegate(SESSION, stranger, true);
        vm.expectRevert(err);
        gradpay.setDelegate(SESSION, delegate, false);
        vm.expectRevert(err);
        gradpay.setSponsor(SESSION, stranger, true);
        vm.stopPrank();
        _assertRights(stranger, false, false);
        _assertRights(delegate, true, false);
    }

    function test_RevertWhen_DelegateRevoked() public {
        _createSession(SESSION, 0, 2);
        _allowDelegate(true);
        uint256[] memory entries = new uint256[](1);
        entries[0] = _entry(0, 100, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        _recordBy(delegate, SESSION, 0, 0, 1, entries);
        _allowDelegate(false);

        entries[0] = _entry(1, 100, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        vm.expectRevert(_notOperator(SESSION, delegate));
        _recordBy(delegate, SESSION, 0, 1, 1, entries);
        vm.expectRevert(_notOperator(SESSION, delegate));
        vm.prank(delegate);
        gradpay.completeSession(SESSION);
        assertFalse(gradpay.isBatchRecorded(SESSION, 0, 1), "the revoked delegate's batch is not recorded");
        assertEq(uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Active), "Active");
    }

    /// @dev A delegate of one session is nobody in another session of the same owner.
    function test_RevertWhen_DelegateOfAnotherSession() public {
        _openSession(SESSION, 0);
        _openSession(OTHER, 0);
        _allowDelegate(true);
        vm.expectRevert(_notOperator(OTHER, delegate));
        vm.prank(delegate);
        gradpay.completeSession(OTHER);
    }

    // ------------------------------------------------------------------ sponsors

    function test_setSponsor_grantsAndRevokesIndependentlyOfDelegate() public {
        _openSession(SESSION, 0);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.SponsorSet(SESSION, sponsor, true);
        vm.prank(coordinator);
        gradpay.setSponsor(SESSION, sponsor, true);
        _assertRights(sponsor, false, true);

        vm.prank(coordinator);
        gradpay.setDelegate(SESSION, sponsor, true);
        _assertRights(sponsor, true, true);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.SponsorSet(SESSION, sponsor, false);
        vm.prank(coordinator);
        gradpay.setSponsor(SESSION, sponsor, false);
        _assertRights(sponsor, true, false);
    }

    /// @dev Funding is all a sponsor may do: it runs nothing.
    function test_RevertWhen_SponsorRunsSession() public {
        _openSession(SESSION, 0);
        vm.prank(coordinator);
        gradpay.setSponsor(SESSION, sponsor, true);
        vm.expectRevert(_notOperator(SESSION, sponsor));
        vm.prank(sponsor);
        gradpay.completeSession(SESSION);
        vm.expectRevert(_notOperator(SESSION, sponsor));
        vm.prank(sponsor);
        gradpay.registerNode(SESSION, sponsor, _idOf(sponsor));
    }

    // ------------------------------------------------------------------ refusals, states, pause

    function test_RevertWhen_setRightZeroAddress() public {
        _openSession(SESSION, 0);
        bytes memory err = abi.encodeWithSelector(ITrainingRegistry.ZeroAddressAccount.selector, SESSION);
        vm.startPrank(coordinator);
        vm.expectRevert(err);
        gradpay.setDelegate(SESSION, address(0), true);
        vm.expectRevert(err);
        gradpay.setSponsor(SESSION, address(0), true);
        vm.stopPrank();
        _assertRights(address(0), false, false);
    }

    /// @dev An unknown session has no owner, so nobody (not even a coordinator) can hand out its rights
    ///      ahead of its creation.
    function test_RevertWhen_setRightSessionUnknown() public {
        bytes memory err =
            abi.encodeWithSelector(ITrainingRegistry.NotSessionOwner.selector, SESSION, coordinator);
        vm.startPrank(coordinator);
        vm.expectRevert(err);
        gradpay.setDelegate(SESSION, delegate, true);
        vm.expectRevert(err);
        gradpay.setSponsor(SESSION, sponsor, true);
        vm.stopPrank();
        _assertRights(delegate, false, false);
    }

    /// @dev In every state of an existing session, and while paused (a leaked delegate key can be revoked
    ///      during a pause).
    function test_setRight_everyStateAndWhilePaused() public {
        _openSession(SESSION, 0);
        _allowDelegate(true);
        _finalized(OTHER);
        vm.startPrank(coordinator);
        gradpay.setSponsor(OTHER, sponsor, true);
        gradpay.setDelegate(OTHER, delegate, true);
        vm.stopPrank();
        (bool otherDelegate, bool otherSponsor) = gradpay.sessionRights(OTHER, delegate);
        assertTrue(otherDelegate, "delegate named on a Finalized session");
        (, otherSponsor) = gradpay.sessionRights(OTHER, sponsor);
        assertTrue(otherSponsor, "sponsor named on a Finalized session");

        _pause();
        _allowDelegate(false);
        _assertRights(delegate, false, false);
        vm.prank(coordinator);
        gradpay.setSponsor(SESSION, sponsor, true);
        _assertRights(sponsor, false, true);
    }

    function test_setRight_completedSession() public {
        address[] memory nodes = _twoEligibleNodes(SESSION);
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        _allowDelegate(true);
        _assertRights(delegate, true, false);
        vm.prank(delegate);
        gradpay.excludeNode(SESSION, nodes[0], "named after completion");
        assertEq(gradpay.getSession(SESSION).eligibleCount, 1, "the new delegate excluded a node");
    }

    // ------------------------------------------------------------------ the owner's role

    /// @dev Revoking COORDINATOR_ROLE stops new sessions, and nothing else: the owner and its delegates keep
    ///      running the sessions it created.
    function test_ownerKeepsSessionAfterRoleRevoked() public {
        _createSession(SESSION, 0, 2);
        _allowDelegate(true);
        vm.prank(admin);
        gradpay.revokeRole(COORDINATOR_ROLE, coordinator);

        vm.expectRevert(_unauthorized(coordinator, COORDINATOR_ROLE));
        vm.prank(coordinator);
        gradpay.createSession(OTHER, MODEL, 0);

        uint256[] memory entries = new uint256[](2);
        entries[0] = _entry(0, 100, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        entries[1] = _entry(1, 50, 1, 1, 0, 1, 5000, 5000, 5000);
        _record(SESSION, 0, 0, 1, entries);
        vm.prank(coordinator);
        gradpay.setSponsor(SESSION, sponsor, true);
        vm.prank(delegate);
        gradpay.setClipK(SESSION, 2e18);
        _finalize(SESSION);
        assertEq(
            uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Finalized), "finalized"
        );
        assertEq(
            uint8(gradpay.getSession(OTHER).state), uint8(IGradPayBase.SessionState.None), "no new session"
        );
    }
}
