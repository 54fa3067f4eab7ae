// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {INodeOperators} from "../../contracts/interfaces/INodeOperators.sol";
import {ClaimsTest} from "./ClaimsTest.sol";
import {ISafe, SafeAdmin} from "./SafeAdmin.sol";

/// @notice The part of Safe 1.4.1's `CompatibilityFallbackHandler` the tests use: served at the Safe's address.
interface ISafeMessages {
    function getMessageHashForSafe(address safe, bytes memory message) external view returns (bytes32);
}

/// @notice A contract that refuses ETH (no receive, no fallback).
contract EthRejecter {}

/// @notice What the node operator tests share: node keys, EIP-712 digests computed here from the spec (not
///         from the contract), signatures by EOAs and by a 2-of-3 Safe 1.4.1.
abstract contract OperatorsTest is ClaimsTest, SafeAdmin {
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant NODE_CONSENT_TYPEHASH = keccak256(
        "NodeConsent(uint64 sessionId,address node,bytes32 nodeId,address payout,uint256 deadline)"
    );
    bytes32 internal constant SET_PAYOUT_TYPEHASH = keccak256(
        "SetPayout(address node,uint64[] sessionIds,address payout,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant CLAIM_REQUEST_TYPEHASH = keccak256(
        "ClaimRequest(address node,uint256[] poolIds,uint16 maxFeeBps,uint256 nonce,uint256 deadline)"
    );

    address internal payout = makeAddr("payout");
    address internal relayer = makeAddr("relayer");
    uint256 internal ownerKey1 = 0xA11CE;
    uint256 internal ownerKey2 = 0xB0B;
    uint256 internal ownerKey3 = 0xCA401;

    /// @dev The key of `_nodes(n)[i]` (`makeAddr` derives the address from the same label).
    function _nodeKey(uint256 i) internal returns (uint256 key) {
        (, key) = makeAddrAndKey(string.concat("node-", vm.toString(i)));
    }

    /// @dev A Finalized session of `members`, in which only `members[0]` reported (so it alone is eligible).
    function _finalizedSessionOf(uint64 sessionId, address[] memory members) internal {
        vm.startPrank(coordinator);
        gradpay.createSession(sessionId, MODEL, 0);
        gradpay.registerNodesBatch(sessionId, members, _nodeIds(members.length));
        vm.stopPrank();
        uint256[] memory entries = new uint256[](1);
        entries[0] = _entry(0, 100, 10, 0, 10, 10, 10_000, 10_000, 10_000);
        _record(sessionId, 0, 0, 10, entries);
        _finalize(sessionId);
    }

    /// @dev A 2-of-3 Safe 1.4.1, the only node of a new Finalized session `sessionId`.
    function _safeNodeSession(uint64 sessionId) internal returns (ISafe safe) {
        safe = _deploySafe(_ownerKeys(), 2);
        address[] memory members = new address[](1);
        members[0] = address(safe);
        _finalizedSessionOf(sessionId, members);
    }

    function _one(uint64 sessionId) internal pure returns (uint64[] memory ids) {
        ids = new uint64[](1);
        ids[0] = sessionId;
    }

    function _onePool(uint256 poolId) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = poolId;
    }

    // ------------------------------------------------------------------ EIP-712

    /// @dev GradPay's domain for `chainId` and `verifyingContract`, built from EIP-712's definition.
    function _domainSeparator(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("GradPay"), keccak256("1"), chainId, verifyingContract)
        );
    }

    function _digest(bytes32 structHash) internal view returns (bytes32) {
        return _digestFor(block.chainid, address(gradpay), structHash);
    }

    function _digestFor(uint256 chainId, address verifyingContract, bytes32 structHash)
        internal
        pure
        returns (bytes32)
    {
        return
            keccak256(abi.encodePacked("\x19\x01", _domainSeparator(chainId, verifyingContract), structHash));
    }

    function _setPayoutHash(
        address node,
        uint64[] memory sessionIds,
        address to,
        uint256 nonce,
        uint256 deadline
    ) internal pure returns (bytes32) {
        bytes32 ids = keccak256(abi.encodePacked(sessionIds));
        return keccak256(abi.encode(SET_PAYOUT_TYPEHASH, node, ids, to, nonce, deadline));
    }

    function _consentHash(uint64 sessionId, INodeOperators.NodeConsent memory consent)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(
            abi.encode(
                NODE_CONSENT_TYPEHASH,
                sessionId,
                consent.node,
                consent.nodeId,
                consent.payout,
                consent.deadline
            )
        );
    }

    function _claimHash(INodeOperators.ClaimRequest memory request) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                CLAIM_REQUEST_TYPEHASH,
                request.node,
                keccak256(abi.encodePacked(request.poolIds)),
                request.maxFeeBps,
                request.nonce,
                request.deadline
            )
        );
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    // ------------------------------------------------------------------ requests

    function _consent(uint256 i, address to, uint64 sessionId)
        internal
        returns (INodeOperators.NodeConsent memory c)
    {
        c = INodeOperators.NodeConsent({
            node: vm.addr(_nodeKey(i)),
            nodeId: bytes32(i + 1),
            payout: to,
            deadline: block.timestamp + 1 hours,
            signature: ""
        });
        c.signature = _sign(_nodeKey(i), _digest(_consentHash(sessionId, c)));
    }

    function _consents(uint256 count, uint64 sessionId, bool withPayout)
        internal
        returns (INodeOperators.NodeConsent[] memory consents)
    {
        consents = new INodeOperators.NodeConsent[](count);
        for (uint256 i; i < count; ++i) {
            address to =
                withPayout ? makeAddr(string.concat("payout-", vm.toString(i))) : vm.addr(_nodeKey(i));
            consents[i] = _consent(i, to, sessionId);
        }
    }

    function _claimRequest(
        uint256 key,
        uint256[] memory poolIds,
        uint16 maxFeeBps,
        uint16 feeBps,
        uint256 nonce
    ) internal view returns (INodeOperators.ClaimRequest memory request) {
        request = INodeOperators.ClaimRequest({
            node: vm.addr(key),
            poolIds: poolIds,
            maxFeeBps: maxFeeBps,
            feeBps: feeBps,
            nonce: nonce,
            deadline: block.timestamp + 1 hours,
            signature: ""
        });
        request.signature = _sign(key, _digest(_claimHash(request)));
    }

    function _requests(INodeOperators.ClaimRequest memory request)
        internal
        pure
        returns (INodeOperators.ClaimRequest[] memory requests)
    {
        requests = new INodeOperators.ClaimRequest[](1);
        requests[0] = request;
    }

    function _relay(INodeOperators.ClaimRequest memory request) internal returns (uint256) {
        vm.prank(relayer);
        return gradpay.claimRewardsBySig(_requests(request))[0];
    }

    // ------------------------------------------------------------------ Safe nodes

    function _ownerKeys() internal view returns (uint256[] memory keys) {
        keys = new uint256[](3);
        (keys[0], keys[1], keys[2]) = (ownerKey1, ownerKey2, ownerKey3);
    }

    function _twoOwners() internal view returns (uint256[] memory keys) {
        keys = new uint256[](2);
        (keys[0], keys[1]) = (ownerKey1, ownerKey3);
    }

    function _oneOwner() internal view returns (uint256[] memory keys) {
        keys = new uint256[](1);
        keys[0] = ownerKey2;
    }

    /// @dev What a Safe's owners sign for an ERC-1271 check of `digest` through CompatibilityFallbackHandler:
    ///      the Safe message hash of `abi.encode(digest)`, each owner's ECDSA signature, ordered by owner.
    function _safeSign(ISafe safe, uint256[] memory keys, bytes32 digest)
        internal
        view
        returns (bytes memory sig)
    {
        bytes32 messageHash =
            ISafeMessages(address(safe)).getMessageHashForSafe(address(safe), abi.encode(digest));
        uint256[] memory sorted = _sortedBySigner(keys);
        for (uint256 i; i < sorted.length; ++i) {
            sig = abi.encodePacked(sig, _sign(sorted[i], messageHash));
        }
    }
}
