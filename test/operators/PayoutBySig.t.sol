// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {GradPay} from "../../contracts/GradPay.sol";
import {IGradPay} from "../../contracts/interfaces/IGradPay.sol";
import {INodeOperators} from "../../contracts/interfaces/INodeOperators.sol";
import {OperatorsTest} from "../utils/OperatorsTest.sol";
import {ISafe} from "../utils/SafeAdmin.sol";

/// @notice setPayoutBySig: an EOA node and a Safe 1.4.1 node (ERC-1271), the EIP-712 domain (GradPay's
///         address and the chain id), nonces and expiry; every bad signature changes nothing.
contract PayoutBySigTest is OperatorsTest {
    uint256 internal nodeKey;
    address internal node;
    uint256 internal deadline;

    function setUp() public override {
        super.setUp();
        _fixture();
        nodeKey = _nodeKey(1);
        node = nodes[1];
        deadline = block.timestamp + 1 hours;
    }

    function _signed(uint256 key, uint256 nonce) internal view returns (bytes memory) {
        return _sign(key, _digest(_setPayoutHash(node, _one(SESSION), payout, nonce, deadline)));
    }

    function _submit(uint256 nonce, bytes memory signature) internal {
        vm.prank(relayer);
        gradpay.setPayoutBySig(node, _one(SESSION), payout, nonce, deadline, signature);
    }

    function _expectUnchanged() internal view {
        assertEq(gradpay.payoutOf(SESSION, node), node, "payout unchanged");
    }

    function test_eip712Domain_isGradPaysOnThisChain() public view {
        (bytes1 fields, string memory name, string memory version, uint256 chainId, address verifying,,) =
            gradpay.eip712Domain();
        assertEq(fields, hex"0f", "name, version, chainId, verifyingContract");
        assertEq(name, "GradPay", "name");
        assertEq(version, "1", "version");
        assertEq(chainId, block.chainid, "chain id");
        assertEq(verifying, address(gradpay), "GradPay's address, not the extension's");
        assertTrue(verifying != gradpay.EXTENSION(), "not the extension");
    }

    function _expectPayoutNonce(uint256 expected) internal view {
        assertEq(gradpay.payoutNonce(node), expected, "payout nonce");
    }

    function _expectMismatch(uint256 nonce, uint256 current) internal {
        vm.expectRevert(
            abi.encodeWithSelector(INodeOperators.PayoutNonceMismatch.selector, node, nonce, current)
        );
    }

    function test_setPayoutBySig_eoa() public {
        vm.expectEmit(address(gradpay));
        emit INodeOperators.PayoutSet(SESSION, node, payout);
        _submit(0, _signed(nodeKey, 0));
        assertEq(gradpay.payoutOf(SESSION, node), payout, "payout set");
        _expectPayoutNonce(1);
        assertFalse(gradpay.isNonceUsed(node, 0), "claim nonces untouched");
    }

    /// @dev Payout changes are ordered: the second signed change carries the next nonce.
    function test_setPayoutBySig_inSequence() public {
        _submit(0, _signed(nodeKey, 0));
        payout = relayer;
        _submit(1, _signed(nodeKey, 1));
        assertEq(gradpay.payoutOf(SESSION, node), relayer, "the later change holds");
        _expectPayoutNonce(2);
    }

    /// @dev The audit's case: a node signs "pay A", then moves its payout to B by its own transaction; the
    ///      old signature must not move it back to A.
    function test_RevertWhen_setPayoutBySig_olderThanDirectChange() public {
        bytes memory stale = _signed(nodeKey, 0);
        vm.prank(node);
        gradpay.setPayout(_one(SESSION), relayer);
        _expectMismatch(0, 1);
        _submit(0, stale);
        assertEq(gradpay.payoutOf(SESSION, node), relayer, "the newer payout holds");
    }

    /// @dev Two changes signed at the same nonce (A, then B after the node changed its mind): once B is
    ///      submitted, A can never be.
    function test_RevertWhen_setPayoutBySig_olderThanNewerSignature() public {
        bytes memory toPayout = _signed(nodeKey, 0);
        address first = payout;
        payout = relayer;
        _submit(0, _signed(nodeKey, 0));
        payout = first;
        _expectMismatch(0, 1);
        _submit(0, toPayout);
        assertEq(gradpay.payoutOf(SESSION, node), relayer, "the newer payout holds");
    }

    function test_RevertWhen_setPayoutBySig_futureNonce() public {
        _expectMismatch(5, 0);
        _submit(5, _signed(nodeKey, 5));
        _expectUnchanged();
        _expectPayoutNonce(0);
    }

    function test_setPayoutBySig_safeNode() public {
        uint64 sessionId = SESSION + 1;
        ISafe safe = _safeNodeSession(sessionId);
        bytes32 digest = _digest(_setPayoutHash(address(safe), _one(sessionId), payout, 0, deadline));

        // One owner of a 2-of-3 Safe is not the Safe.
        bytes memory lone = _safeSign(safe, _oneOwner(), digest);
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, address(safe)));
        gradpay.setPayoutBySig(address(safe), _one(sessionId), payout, 0, deadline, lone);
        assertEq(gradpay.payoutOf(sessionId, address(safe)), address(safe), "unchanged");
        assertEq(gradpay.payoutNonce(address(safe)), 0, "nonce not used");

        gradpay.setPayoutBySig(
            address(safe), _one(sessionId), payout, 0, deadline, _safeSign(safe, _twoOwners(), digest)
        );
        assertEq(gradpay.payoutOf(sessionId, address(safe)), payout, "two owners set it");
    }

    function test_RevertWhen_setPayoutBySig_expired() public {
        bytes memory signature = _signed(nodeKey, 0);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.SignatureExpired.selector, deadline));
        _submit(0, signature);
        _expectUnchanged();
        _expectPayoutNonce(0);
    }

    function test_setPayoutBySig_atDeadline() public {
        bytes memory signature = _signed(nodeKey, 0);
        vm.warp(deadline);
        _submit(0, signature);
        assertEq(gradpay.payoutOf(SESSION, node), payout, "accepted at the deadline itself");
    }

    function test_RevertWhen_setPayoutBySig_replayed() public {
        bytes memory signature = _signed(nodeKey, 0);
        _submit(0, signature);
        vm.prank(node); // the node changes its mind
        gradpay.setPayout(_one(SESSION), node);
        _expectMismatch(0, 2);
        _submit(0, signature);
        _expectUnchanged();
    }

    /// @dev A node voids a payout change it signed and nobody submitted by confirming its payout itself.
    function test_RevertWhen_setPayoutBySig_voidedBySetPayout() public {
        bytes memory signature = _signed(nodeKey, 0);
        vm.prank(node);
        gradpay.setPayout(_one(SESSION), node);
        _expectMismatch(0, 1);
        _submit(0, signature);
        _expectUnchanged();
    }

    function test_RevertWhen_invalidateNonce_twice() public {
        vm.startPrank(node);
        gradpay.invalidateNonce(42);
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.NonceAlreadyUsed.selector, node, 42));
        gradpay.invalidateNonce(42);
        vm.stopPrank();
    }

    function test_RevertWhen_setPayoutBySig_otherChain() public {
        bytes memory signature = _sign(
            nodeKey,
            _digestFor(10_143, address(gradpay), _setPayoutHash(node, _one(SESSION), payout, 0, deadline))
        );
        assertTrue(block.chainid != 10_143, "test runs on another chain");
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, node));
        _submit(0, signature);
        _expectUnchanged();
    }

    /// @dev The same signature, valid here, is refused once the chain id changes (a fork, a replay elsewhere).
    function test_RevertWhen_setPayoutBySig_chainIdChanged() public {
        bytes memory signature = _signed(nodeKey, 0);
        vm.chainId(143);
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, node));
        _submit(0, signature);
        _expectUnchanged();
    }

    function test_RevertWhen_setPayoutBySig_otherDeployment() public {
        IGradPay other = IGradPay(address(new GradPay(admin, coordinator)));
        bytes memory signature = _sign(
            nodeKey,
            _digestFor(
                block.chainid, address(other), _setPayoutHash(node, _one(SESSION), payout, 0, deadline)
            )
        );
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, node));
        _submit(0, signature);
        _expectUnchanged();
    }

    function test_RevertWhen_setPayoutBySig_wrongKey() public {
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, node));
        _submit(0, _signed(_nodeKey(2), 0));
        _expectUnchanged();
    }

    function test_RevertWhen_setPayoutBySig_otherPayout() public {
        bytes memory signature = _signed(nodeKey, 0);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(INodeOperators.InvalidSignature.selector, node));
        gradpay.setPayoutBySig(node, _one(SESSION), relayer, 0, deadline, signature);
        _expectUnchanged();
    }

    function test_RevertWhen_setPayoutBySig_zeroPayout() public {
        bytes memory signature =
            _sign(nodeKey, _digest(_setPayoutHash(node, _one(SESSION), address(0), 0, deadline)));
        vm.expectRevert(INodeOperators.ZeroAddressPayout.selector);
        gradpay.setPayoutBySig(node, _one(SESSION), address(0), 0, deadline, signature);
        _expectUnchanged();
        _expectPayoutNonce(0);
    }
}
