// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";

/// @notice Gap 4 of issue 11: a session answers to the coordinator that created it. Two coordinators, each
///         with a session in the same stage: every session function called by one on the other's session
///         reverts and changes nothing, and the same call by the session's owner then succeeds (so the
///         refusal is the ownership, not the state). The admin is no session's operator either.
contract OwnersTest is RegistryTest {
    address internal rival = makeAddr("rival");
    /// @dev Node 0 of both fixtures (`_nodes` names them the same in every session).
    address internal firstNode = makeAddr("node-0");

    /// @dev How far both sessions are taken before the call under test.
    enum Stage {
        Active,
        Recorded,
        Completed,
        Finalizing
    }

    function setUp() public override {
        super.setUp();
        vm.prank(admin);
        gradpay.grantRole(COORDINATOR_ROLE, rival);
    }

    function test_createSession_callerOwnsSession() public {
        _twoSessions(Stage.Active);
        assertEq(gradpay.sessionOwner(SESSION), coordinator, "SESSION owner");
        assertEq(gradpay.sessionOwner(OTHER), rival, "OTHER owner");
        assertEq(gradpay.sessionOwner(42), address(0), "unknown session has no owner");
    }

    // ------------------------------------------------------------------ one test per session function

    function test_RevertWhen_OtherCoordinatorSetsClipK() public {
        _expectOwnersOnly(Stage.Active, _setClipK, _notOperator);
    }

    function test_RevertWhen_OtherCoordinatorRegistersNode() public {
        _expectOwnersOnly(Stage.Active, _registerNode, _notOperator);
    }

    function test_RevertWhen_OtherCoordinatorRegistersNodesBatch() public {
        _expectOwnersOnly(Stage.Active, _registerNodesBatch, _notOperator);
    }

    function test_RevertWhen_OtherCoordinatorExcludesNode() public {
        _expectOwnersOnly(Stage.Recorded, _excludeNode, _notOperator);
    }

    function test_RevertWhen_OtherCoordinatorCompletesSession() public {
        _expectOwnersOnly(Stage.Recorded, _completeSession, _notOperator);
    }

    function test_RevertWhen_OtherCoordinatorRecords() public {
        _expectOwnersOnly(Stage.Recorded, _recordNextEpoch, _notOperator);
    }

    function test_RevertWhen_OtherCoordinatorStartsFinalization() public {
        _expectOwnersOnly(Stage.Completed, _startFinalization, _notOperator);
    }

    function test_RevertWhen_OtherCoordinatorSubmitsRanking() public {
        _expectOwnersOnly(Stage.Finalizing, _submitRanking, _notOperator);
    }

    function test_RevertWhen_OtherCoordinatorSetsDelegate() public {
        _expectOwnersOnly(Stage.Active, _setDelegate, _notOwner);
    }

    function test_RevertWhen_OtherCoordinatorSetsSponsor() public {
        _expectOwnersOnly(Stage.Active, _setSponsor, _notOwner);
    }

    /// @dev The admin holds every role it likes (here COORDINATOR_ROLE too) and still runs no session it did
    ///      not create: each session function refuses it, in each stage.
    function test_RevertWhen_AdminNotOwnerTouchesSession() public {
        vm.prank(admin);
        gradpay.grantRole(COORDINATOR_ROLE, admin);
        _finalizingFixture(coordinator, SESSION);
        function(uint64) internal view returns (bytes memory)[10] memory calls = [
            _registerNode,
            _setClipK,
            _registerNodesBatch,
            _excludeNode,
            _completeSession,
            _recordNextEpoch,
            _startFinalization,
            _submitRanking,
            _setDelegate,
            _setSponsor
        ];
        bytes memory before = _sessionView(SESSION);
        for (uint256 i; i < calls.length; ++i) {
            bytes memory expected = i < 8 ? _notOperator(SESSION, admin) : _notOwner(SESSION, admin);
            _expectCallReverts(admin, calls[i](SESSION), expected);
        }
        assertEq(_sessionView(SESSION), before, "the admin changed a session it does not own");
    }

    // ------------------------------------------------------------------ the check

    /// @dev Both sessions at `stage`; the rival's call on SESSION and the coordinator's on OTHER revert with
    ///      `err(session, caller)` and change neither session; then each owner's own call succeeds.
    function _expectOwnersOnly(
        Stage stage,
        function(uint64) internal view returns (bytes memory) call,
        function(uint64, address) internal pure returns (bytes memory) err
    ) internal {
        _twoSessions(stage);
        bytes memory mine = _sessionView(SESSION);
        bytes memory theirs = _sessionView(OTHER);
        _expectCallReverts(rival, call(SESSION), err(SESSION, rival));
        _expectCallReverts(coordinator, call(OTHER), err(OTHER, coordinator));
        assertEq(_sessionView(SESSION), mine, "the rival changed SESSION");
        assertEq(_sessionView(OTHER), theirs, "the coordinator changed OTHER");

        _expectCallSucceeds(coordinator, call(SESSION));
        _expectCallSucceeds(rival, call(OTHER));
    }

    function _expectCallReverts(address caller, bytes memory data, bytes memory expected) internal {
        vm.prank(caller);
        (bool ok, bytes memory returned) = address(gradpay).call(data);
        assertFalse(ok, "a stranger to the session was let in");
        assertEq(returned, expected, "revert reason");
    }

    function _expectCallSucceeds(address caller, bytes memory data) internal {
        vm.prank(caller);
        (bool ok, bytes memory returned) = address(gradpay).call(data);
        assertTrue(ok, string.concat("the owner's own call reverted: ", vm.toString(returned)));
    }

    function _notOwner(uint64 sessionId, address account) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ITrainingRegistry.NotSessionOwner.selector, sessionId, account);
    }

    /// @dev Everything the session functions can change about a session, to compare before / after.
    function _sessionView(uint64 sessionId) internal view returns (bytes memory out) {
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(sessionId);
        out = abi.encode(info, gradpay.getSessionTotal(sessionId), gradpay.getFinalization(sessionId));
        for (uint32 i; i < info.nodeCount; ++i) {
            out = bytes.concat(out, abi.encode(gradpay.getContributionByIndex(sessionId, i)));
        }
        (bool delegate, bool sponsor) = gradpay.sessionRights(sessionId, stranger);
        out = bytes.concat(out, abi.encode(delegate, sponsor, gradpay.nodeById(sessionId, _idOf(stranger))));
    }

    // ------------------------------------------------------------------ fixtures

    /// @dev SESSION owned by the coordinator and OTHER by the rival, both taken to `stage`.
    function _twoSessions(Stage stage) internal {
        _sessionAt(coordinator, SESSION, stage);
        _sessionAt(rival, OTHER, stage);
    }

    function _sessionAt(address owner, uint64 sessionId, Stage stage) internal {
        if (stage == Stage.Finalizing) return _finalizingFixture(owner, sessionId);
        _createSessionBy(owner, sessionId, 0, 2);
        if (stage == Stage.Active) return;
        _recordBy(owner, sessionId, 0, 0, 10, _epochEntries());
        if (stage == Stage.Recorded) return;
        vm.prank(owner);
        gradpay.completeSession(sessionId);
    }

    /// @dev Completed, its pass started with the true totals, ranking not yet submitted.
    function _finalizingFixture(address owner, uint64 sessionId) internal {
        _sessionAt(owner, sessionId, Stage.Completed);
        _expectCallSucceeds(owner, _startFinalization(sessionId));
    }

    function _epochEntries() internal pure returns (uint256[] memory entries) {
        entries = new uint256[](2);
        entries[0] = _entry(0, 100, 8, 2, 9, 10, 9000, 8000, 7000);
        entries[1] = _entry(1, 40, 3, 1, 5, 10, 6000, 9000, 9000);
    }

    // ------------------------------------------------------------------ the calls, as calldata for a session

    function _setClipK(uint64 sessionId) internal pure returns (bytes memory) {
        return abi.encodeCall(ITrainingRegistry.setClipK, (sessionId, 2e18));
    }

    function _registerNode(uint64 sessionId) internal view returns (bytes memory) {
        return abi.encodeCall(ITrainingRegistry.registerNode, (sessionId, stranger, _idOf(stranger)));
    }

    function _registerNodesBatch(uint64 sessionId) internal view returns (bytes memory) {
        address[] memory newcomers = new address[](1);
        newcomers[0] = stranger;
        return abi.encodeCall(ITrainingRegistry.registerNodesBatch, (sessionId, newcomers, _idsOf(newcomers)));
    }

    function _excludeNode(uint64 sessionId) internal view returns (bytes memory) {
        return abi.encodeCall(ITrainingRegistry.excludeNode, (sessionId, firstNode, "cheated"));
    }

    function _completeSession(uint64 sessionId) internal pure returns (bytes memory) {
        return abi.encodeCall(ITrainingRegistry.completeSession, (sessionId));
    }

    function _recordNextEpoch(uint64 sessionId) internal pure returns (bytes memory) {
        return
            abi.encodeCall(
                IContributionTracker.recordContributionsBatch, (sessionId, 1, 0, 10, _epochEntries())
            );
    }

    function _startFinalization(uint64 sessionId) internal view returns (bytes memory) {
        (uint32[] memory ranked, uint256 sumScore, uint256 sumSquares) = _ranking(sessionId);
        return abi.encodeCall(
            IRewardDistributor.startFinalization, (sessionId, uint32(ranked.length), sumScore, sumSquares)
        );
    }

    function _submitRanking(uint64 sessionId) internal view returns (bytes memory) {
        (uint32[] memory ranked,,) = _ranking(sessionId);
        return abi.encodeCall(IRewardDistributor.submitRanking, (sessionId, ranked, true));
    }

    function _setDelegate(uint64 sessionId) internal view returns (bytes memory) {
        return abi.encodeCall(ITrainingRegistry.setDelegate, (sessionId, stranger, true));
    }

    function _setSponsor(uint64 sessionId) internal view returns (bytes memory) {
        return abi.encodeCall(ITrainingRegistry.setSponsor, (sessionId, stranger, true));
    }
}
