// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPayBase} from "../../contracts/interfaces/IGradPayBase.sol";
import {INodeOperators} from "../../contracts/interfaces/INodeOperators.sol";
import {ITrainingRegistry} from "../../contracts/interfaces/ITrainingRegistry.sol";
import {OperatorsTest} from "../utils/OperatorsTest.sol";
import {ISafe} from "../utils/SafeAdmin.sol";

/// @notice Node-signed sessions: created as such, closed to operator-only registration, open to
///         registerSignedNodes with each node's EIP-712 consent (EOA or Safe), which may name a payout.
contract SignedRegistrationTest is OperatorsTest {
    uint64 internal constant SIGNED = 7;

    function setUp() public override {
        super.setUp();
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.SessionCreated(SIGNED, MODEL, 0, coordinator, true);
        vm.prank(coordinator);
        gradpay.createNodeSignedSession(SIGNED, MODEL, 0);
    }

    function _registerSigned(uint64 sessionId, INodeOperators.NodeConsent[] memory consents)
        internal
        returns (uint32)
    {
        vm.prank(coordinator);
        return gradpay.registerSignedNodes(sessionId, consents);
    }

    /// @dev Asserts that the operator's `registerSignedNodes(SIGNED, consents)` reverts with `reason` and
    ///      registers nothing.
    function _expectRefused(INodeOperators.NodeConsent[] memory consents, bytes memory reason) internal {
        vm.prank(coordinator);
        vm.expectRevert(reason);
        gradpay.registerSignedNodes(SIGNED, consents);
        _expectNoNode(consents[0]);
    }

    function _expectNoNode(INodeOperators.NodeConsent memory consent) internal view {
        assertFalse(gradpay.isRegistered(SIGNED, consent.node), "not registered");
        assertEq(gradpay.getSession(SIGNED).nodeCount, 0, "no node");
    }

    function test_createNodeSignedSession_isNodeSigned() public view {
        ITrainingRegistry.SessionInfo memory info = gradpay.getSession(SIGNED);
        assertTrue(info.nodeSigned, "node-signed");
        assertEq(uint8(info.state), uint8(IGradPayBase.SessionState.Active), "active");
        assertEq(gradpay.sessionOwner(SIGNED), coordinator, "owned by its creator");
        assertFalse(gradpay.getSession(SESSION + 100).nodeSigned, "an unknown session is not");
    }

    function test_registerSignedNodes_eoaNodesWithAndWithoutPayout() public {
        INodeOperators.NodeConsent[] memory consents = new INodeOperators.NodeConsent[](2);
        consents[0] = _consent(0, payout, SIGNED);
        consents[1] = _consent(1, vm.addr(_nodeKey(1)), SIGNED);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.NodeRegistered(SIGNED, consents[0].node, 0, consents[0].nodeId);
        vm.expectEmit(address(gradpay));
        emit INodeOperators.PayoutSet(SIGNED, consents[0].node, payout);
        vm.expectEmit(address(gradpay));
        emit ITrainingRegistry.NodeRegistered(SIGNED, consents[1].node, 1, consents[1].nodeId);
        assertEq(_registerSigned(SIGNED, consents), 0, "first index");
        assertEq(gradpay.nodeIndex(SIGNED, consents[1].node), 1, "second index");
        assertEq(gradpay.nodeById(SIGNED, consents[0].nodeId), consents[0].node, "id");
        assertEq(gradpay.payoutOf(SIGNED, consents[0].node), payout, "payout stored");
        assertEq(gradpay.payoutOf(SIGNED, consents[1].node), consents[1].node, "no payout");
        assertEq(gradpay.getSession(SIGNED).nodeCount, 2, "count");
    }

    /// @dev Works in an ordinary session too.
    function test_registerSignedNodes_inOrdinarySession() public {
        vm.prank(coordinator);
        gradpay.createSession(SESSION, MODEL, 0);
        _registerSigned(SESSION, _consents(3, SESSION, true));
        assertEq(gradpay.getSession(SESSION).nodeCount, 3, "registered");
    }

    function test_registerSignedNodes_safeNode() public {
        ISafe safe = _deploySafe(_ownerKeys(), 2);
        INodeOperators.NodeConsent memory consent = INodeOperators.NodeConsent({
            node: address(safe),
            nodeId: bytes32("safe"),
            payout: payout,
            deadline: block.timestamp + 1 hours,
            signature: ""
        });
        bytes32 digest = _digest(_consentHash(SIGNED, consent));
        INodeOperators.NodeConsent[] memory consents = new INodeOperators.NodeConsent[](1);

        consent.signature = _safeSign(safe, _oneOwner(), digest);
        consents[0] = consent;
        _expectRefused(
            consents, abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, address(safe))
        );

        consents[0].signature = _safeSign(safe, _twoOwners(), digest);
        _registerSigned(SIGNED, consents);
        assertTrue(gradpay.isRegistered(SIGNED, address(safe)), "the Safe joined");
        assertEq(gradpay.payoutOf(SIGNED, address(safe)), payout, "with its payout");
    }

    function test_RevertWhen_registerNode_nodeSignedSession() public {
        vm.prank(coordinator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.NodeSignatureRequired.selector, SIGNED));
        gradpay.registerNode(SIGNED, stranger, bytes32(uint256(1)));
        assertFalse(gradpay.isRegistered(SIGNED, stranger), "not registered");
    }

    function test_RevertWhen_registerNodesBatch_nodeSignedSession() public {
        vm.prank(coordinator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.NodeSignatureRequired.selector, SIGNED));
        gradpay.registerNodesBatch(SIGNED, _nodes(2), _nodeIds(2));
        assertEq(gradpay.getSession(SIGNED).nodeCount, 0, "no node");
    }

    /// @dev A consent is single-use by construction: the node is then registered.
    function test_RevertWhen_registerSignedNodes_replayed() public {
        INodeOperators.NodeConsent[] memory consents = _consents(1, SIGNED, false);
        _registerSigned(SIGNED, consents);
        vm.prank(coordinator);
        vm.expectRevert(
            abi.encodeWithSelector(ITrainingRegistry.NodeAlreadyRegistered.selector, SIGNED, consents[0].node)
        );
        gradpay.registerSignedNodes(SIGNED, consents);
        assertEq(gradpay.getSession(SIGNED).nodeCount, 1, "still one node");
    }

    function test_RevertWhen_registerSignedNodes_consentForAnotherSession() public {
        vm.prank(coordinator);
        gradpay.createNodeSignedSession(SIGNED + 1, MODEL, 0);
        INodeOperators.NodeConsent[] memory consents = _consents(1, SIGNED + 1, false);
        _expectRefused(
            consents, abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, consents[0].node)
        );
    }

    function test_RevertWhen_registerSignedNodes_wrongKey() public {
        INodeOperators.NodeConsent[] memory consents = _consents(1, SIGNED, false);
        consents[0].signature = _sign(_nodeKey(5), _digest(_consentHash(SIGNED, consents[0])));
        _expectRefused(
            consents, abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, consents[0].node)
        );
    }

    /// @dev The operator cannot swap the payout the node signed for its own.
    function test_RevertWhen_registerSignedNodes_payoutChanged() public {
        INodeOperators.NodeConsent[] memory consents = _consents(1, SIGNED, true);
        consents[0].payout = coordinator;
        _expectRefused(
            consents, abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, consents[0].node)
        );
    }

    function test_RevertWhen_registerSignedNodes_expired() public {
        INodeOperators.NodeConsent[] memory consents = _consents(1, SIGNED, false);
        vm.warp(consents[0].deadline + 1);
        _expectRefused(
            consents, abi.encodeWithSelector(INodeOperators.SignatureExpired.selector, consents[0].deadline)
        );
    }

    function test_RevertWhen_registerSignedNodes_zeroPayout() public {
        INodeOperators.NodeConsent[] memory consents = new INodeOperators.NodeConsent[](1);
        consents[0] = _consent(0, address(0), SIGNED);
        _expectRefused(consents, abi.encodeWithSelector(INodeOperators.ZeroAddressPayout.selector));
    }

    function test_RevertWhen_registerSignedNodes_byStranger() public {
        INodeOperators.NodeConsent[] memory consents = _consents(1, SIGNED, false);
        vm.prank(stranger);
        vm.expectRevert(_notOperator(SIGNED, stranger));
        gradpay.registerSignedNodes(SIGNED, consents);
        _expectNoNode(consents[0]);
    }

    function test_RevertWhen_registerSignedNodes_unknownSession() public {
        INodeOperators.NodeConsent[] memory consents = _consents(1, 99, false);
        vm.prank(coordinator);
        vm.expectRevert(_notOperator(99, coordinator));
        gradpay.registerSignedNodes(99, consents);
        assertFalse(gradpay.isRegistered(99, consents[0].node), "not registered");
    }

    function test_RevertWhen_registerSignedNodes_empty() public {
        vm.prank(coordinator);
        vm.expectRevert(IGradPayBase.EmptyList.selector);
        gradpay.registerSignedNodes(SIGNED, new INodeOperators.NodeConsent[](0));
    }

    function test_RevertWhen_registerSignedNodes_completedSession() public {
        vm.prank(coordinator);
        gradpay.completeSession(SIGNED);
        INodeOperators.NodeConsent[] memory consents = _consents(1, SIGNED, false);
        vm.prank(coordinator);
        vm.expectRevert(
            _wrongState(SIGNED, IGradPayBase.SessionState.Completed, IGradPayBase.SessionState.Active)
        );
        gradpay.registerSignedNodes(SIGNED, consents);
    }

    function test_RevertWhen_createNodeSignedSession_byStranger() public {
        bytes32 coordinatorRole = gradpay.COORDINATOR_ROLE();
        vm.prank(stranger);
        vm.expectRevert(_unauthorized(stranger, coordinatorRole));
        gradpay.createNodeSignedSession(SIGNED + 1, MODEL, 0);
        assertEq(uint8(gradpay.getSession(SIGNED + 1).state), 0, "not created");
    }

    function test_RevertWhen_createNodeSignedSession_idTaken() public {
        vm.prank(coordinator);
        vm.expectRevert(abi.encodeWithSelector(ITrainingRegistry.SessionAlreadyExists.selector, SIGNED));
        gradpay.createNodeSignedSession(SIGNED, MODEL, 0);
    }

    function test_RevertWhen_registerSignedNodes_paused() public {
        vm.prank(admin);
        gradpay.pause();
        INodeOperators.NodeConsent[] memory consents = _consents(1, SIGNED, false);
        _expectRefused(consents, abi.encodeWithSignature("EnforcedPause()"));
    }
}
