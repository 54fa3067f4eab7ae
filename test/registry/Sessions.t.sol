// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice The constructor's roles and limits, createSession, getSession, and a coordinator granted later.
contract SessionsTest is RegistryTest {
    function test_constructor_grantsRolesAndPublishesLimits() public view {
        assertTrue(gradpay.hasRole(ADMIN_ROLE, admin), "admin has DEFAULT_ADMIN_ROLE");
        assertTrue(gradpay.hasRole(COORDINATOR_ROLE, coordinator), "coordinator has COORDINATOR_ROLE");
        assertFalse(gradpay.hasRole(COORDINATOR_ROLE, admin), "admin is not coordinator");
        assertFalse(gradpay.hasRole(ADMIN_ROLE, coordinator), "coordinator is not admin");
        assertEq(gradpay.COORDINATOR_ROLE(), COORDINATOR_ROLE, "COORDINATOR_ROLE");
        assertEq(gradpay.MAX_NODES(), type(uint24).max, "MAX_NODES");
        assertEq(gradpay.MAX_EPOCHS(), 8191, "MAX_EPOCHS");
        assertFalse(gradpay.paused(), "not paused");
    }

    function test_createSession_storesActiveSession() public {
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.SessionCreated(SESSION, MODEL, 2e18, coordinator, false);
        _openSession(SESSION, 2e18);

        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SESSION);
        assertEq(uint8(info.state), uint8(IGradPayBase.SessionState.Active), "state");
        assertEq(info.modelHash, MODEL, "modelHash");
        assertEq(info.clipK, 2e18, "clipK");
        assertEq(info.nodeCount, 0, "nodeCount");
        assertEq(info.eligibleCount, 0, "eligibleCount");
        assertEq(info.totalRounds, 0, "totalRounds");
        assertEq(info.currentEpoch, 0, "currentEpoch");
        assertEq(info.epochCount, 0, "epochCount");
        assertEq(info.currentEpochRounds, 0, "currentEpochRounds");
        assertEq(info.poolCount, 0, "poolCount");
    }

    /// forge-config: ci.fuzz.runs = 1000
    function testFuzz_createSession(uint64 sessionId, bytes32 modelHash, uint64 clipK) public {
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.SessionCreated(sessionId, modelHash, clipK, coordinator, false);
        vm.prank(coordinator);
        gradpay.createSession(sessionId, modelHash, clipK);

        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(sessionId);
        assertEq(uint8(info.state), uint8(IGradPayBase.SessionState.Active), "state");
        assertEq(info.modelHash, modelHash, "modelHash");
        assertEq(info.clipK, clipK, "clipK");
        uint64 other = sessionId ^ 1;
        assertEq(uint8(gradpay.getSession(other).state), uint8(IGradPayBase.SessionState.None), "other id");
    }

    function test_getSession_unknownIdIsNone() public view {
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(42);
        assertEq(uint8(info.state), uint8(IGradPayBase.SessionState.None), "state");
        assertEq(info.modelHash, bytes32(0), "modelHash");
        assertEq(info.clipK, 0, "clipK");
        assertEq(info.nodeCount, 0, "nodeCount");
    }

    function test_RevertWhen_createSessionIdTaken() public {
        _openSession(SESSION, 0);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.SessionAlreadyExists.selector, SESSION));
        vm.prank(coordinator);
        gradpay.createSession(SESSION, keccak256("other"), 1);
        assertEq(gradpay.getSession(SESSION).modelHash, MODEL, "model unchanged");
    }

    function test_RevertWhen_createSessionIdTakenByCompletedSession() public {
        _completed(SESSION);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.SessionAlreadyExists.selector, SESSION));
        vm.prank(coordinator);
        gradpay.createSession(SESSION, MODEL, 0);
    }

    function test_RevertWhen_createSessionCallerNotCoordinator() public {
        vm.expectRevert(_unauthorized(stranger, COORDINATOR_ROLE));
        vm.prank(stranger);
        gradpay.createSession(SESSION, MODEL, 0);

        vm.expectRevert(_unauthorized(admin, COORDINATOR_ROLE));
        vm.prank(admin);
        gradpay.createSession(SESSION, MODEL, 0);
    }

    function test_RevertWhen_createSessionPaused() public {
        _pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(coordinator);
        gradpay.createSession(SESSION, MODEL, 0);
    }

    function test_roleGrantedCoordinatorCanCreate() public {
        vm.prank(admin);
        gradpay.grantRole(COORDINATOR_ROLE, stranger);
        vm.prank(stranger);
        gradpay.createSession(SESSION, MODEL, 0);
        assertEq(uint8(gradpay.getSession(SESSION).state), uint8(IGradPayBase.SessionState.Active), "state");
    }
}
