// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {GradPayStorage} from "./base/GradPayStorage.sol";
import {INodeOperators} from "./interfaces/INodeOperators.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {BPS} from "./libraries/Bps.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title NodeOperators
/// @notice Payout addresses, node-signed registration and relayed claims (`INodeOperators`).
/// @dev Runs by DELEGATECALL from GradPay's fallback (see GradPayExtension), so `address(this)` is GradPay:
///      OpenZeppelin's EIP712 finds it differs from the address it cached at construction (the extension's)
///      and rebuilds the domain separator with GradPay's address and the current chain id on every call,
///      which is what binds a signature to this deployment and chain. The name and version are short
///      strings, kept in immutables (code), so nothing of EIP712 is read from storage.
///      Signatures are checked with `SignatureChecker.isValidSignatureNow`: ECDSA for an EOA (malleable `s`
///      refused), ERC-1271 `isValidSignature` for a contract wallet.
abstract contract NodeOperators is INodeOperators, GradPayStorage, EIP712 {
    bytes32 internal constant NODE_CONSENT_TYPEHASH = keccak256(
        "NodeConsent(uint64 sessionId,address node,bytes32 nodeId,address payout,uint256 deadline)"
    );
    bytes32 internal constant SET_PAYOUT_TYPEHASH = keccak256(
        "SetPayout(address node,uint64[] sessionIds,address payout,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant CLAIM_REQUEST_TYPEHASH = keccak256(
        "ClaimRequest(address node,uint256[] poolIds,uint16 maxFeeBps,uint256 nonce,uint256 deadline)"
    );

    /// @dev One payment of a relayed claim: the recipient's share and the relayer's fee of one pool.
    struct RelayedPayment {
        uint256 poolId;
        address node;
        address token;
        address recipient;
        uint256 amount;
        uint256 feeBps;
        uint256 request;
    }

    // ------------------------------------------------------------------ sessions

    /// @inheritdoc INodeOperators
    function createNodeSignedSession(uint64 sessionId, bytes32 modelHash, uint64 clipK)
        external
        onlyRole(COORDINATOR_ROLE)
        whenNotPaused
    {
        _createSession(sessionId, modelHash, clipK, true);
    }

    /// @inheritdoc INodeOperators
    /// @dev Structural checks (`_register`) come before the signature, so a replayed consent says
    ///      `NodeAlreadyRegistered`; a consent for another session fails the signature.
    function registerSignedNodes(uint64 sessionId, NodeConsent[] calldata consents)
        external
        onlyOperator(sessionId)
        whenNotPaused
        returns (uint32 firstIndex)
    {
        if (consents.length == 0) revert EmptyList();
        Session storage session = _sessions[sessionId];
        _requireState(sessionId, session, SessionState.Active);
        firstIndex = session.nodeCount;
        _checkCapacity(sessionId, firstIndex, consents.length);
        for (uint256 i; i < consents.length; ++i) {
            NodeConsent calldata consent = consents[i];
            (address node, address payout) = (consent.node, consent.payout);
            _requireUnexpired(consent.deadline);
            if (payout == address(0)) revert ZeroAddressPayout();
            uint256 flags = payout == node ? 0 : PAYOUT_BIT;
            _register(sessionId, node, consent.nodeId, uint32(firstIndex + i), i, flags);
            bytes32 structHash = keccak256(
                abi.encode(NODE_CONSENT_TYPEHASH, sessionId, node, consent.nodeId, payout, consent.deadline)
            );
            _requireSignature(node, structHash, consent.signature);
            if (flags != 0) {
                _payouts[sessionId][node] = payout;
                emit PayoutSet(sessionId, node, payout);
            }
        }
        session.nodeCount = uint32(firstIndex + consents.length);
    }

    // ------------------------------------------------------------------ payout addresses

    /// @inheritdoc INodeOperators
    function setPayout(uint64[] calldata sessionIds, address payout) external whenNotPaused {
        ++_payoutNonces[msg.sender];
        _setPayouts(msg.sender, sessionIds, payout);
    }

    /// @inheritdoc INodeOperators
    function setPayoutBySig(
        address node,
        uint64[] calldata sessionIds,
        address payout,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        _requireUnexpired(deadline);
        uint256 current = _payoutNonces[node];
        if (nonce != current) revert PayoutNonceMismatch(node, nonce, current);
        _payoutNonces[node] = current + 1;
        bytes32 structHash = keccak256(
            abi.encode(
                SET_PAYOUT_TYPEHASH, node, keccak256(abi.encodePacked(sessionIds)), payout, nonce, deadline
            )
        );
        _requireSignature(node, structHash, signature);
        _setPayouts(node, sessionIds, payout);
    }

    /// @inheritdoc INodeOperators
    function invalidateNonce(uint256 nonce) external {
        _useNonce(msg.sender, nonce);
        emit NonceInvalidated(msg.sender, nonce);
    }

    // ------------------------------------------------------------------ relayed claims

    /// @inheritdoc INodeOperators
    /// @dev Two passes: the first checks every request and records every claim (claim bits, pool balances,
    ///      `RewardClaimed`); the second settles and pays each pool's claim, in order, so that a token short
    ///      of what its pools owe cuts each payment by the same fraction, as a claim of its own would.
    function claimRewardsBySig(ClaimRequest[] calldata requests)
        external
        nonReentrant
        returns (uint256[] memory amounts)
    {
        if (requests.length == 0) revert EmptyList();
        uint256 unpausedNow = _unpausedNow();
        uint256 poolCount;
        for (uint256 i; i < requests.length; ++i) {
            poolCount += requests[i].poolIds.length;
        }
        RelayedPayment[] memory payments = new RelayedPayment[](poolCount);
        uint256 paymentCount;
        for (uint256 i; i < requests.length; ++i) {
            paymentCount = _recordRequest(requests[i], i, unpausedNow, payments, paymentCount);
        }
        amounts = new uint256[](requests.length);
        for (uint256 k; k < paymentCount; ++k) {
            RelayedPayment memory payment = payments[k];
            uint256 paid = _settle(payment.token, payment.recipient, payment.amount);
            uint256 fee = paid * payment.feeBps / BPS;
            amounts[payment.request] += paid - fee;
            _send(payment.token, payment.recipient, paid - fee);
            if (fee != 0) {
                emit RelayFeePaid(payment.poolId, payment.node, msg.sender, fee);
                _send(payment.token, msg.sender, fee);
            }
        }
    }

    // ------------------------------------------------------------------ internals

    /// @dev Checks one relayed request (fee, expiry, nonce, signature) and records its claims into
    ///      `payments` from `count` on; returns the new count.
    function _recordRequest(
        ClaimRequest calldata request,
        uint256 requestIndex,
        uint256 unpausedNow,
        RelayedPayment[] memory payments,
        uint256 count
    ) private returns (uint256) {
        address node = request.node;
        uint256[] calldata poolIds = request.poolIds;
        if (request.maxFeeBps > BPS) revert RelayerFeeAboveCap(node, request.maxFeeBps, BPS);
        if (request.feeBps > request.maxFeeBps) {
            revert RelayerFeeAboveCap(node, request.feeBps, request.maxFeeBps);
        }
        if (poolIds.length == 0) revert EmptyList();
        _requireUnexpired(request.deadline);
        _useNonce(node, request.nonce);
        bytes32 structHash = keccak256(
            abi.encode(
                CLAIM_REQUEST_TYPEHASH,
                node,
                keccak256(abi.encodePacked(poolIds)),
                request.maxFeeBps,
                request.nonce,
                request.deadline
            )
        );
        _requireSignature(node, structHash, request.signature);
        uint256 first = count;
        for (uint256 j; j < poolIds.length; ++j) {
            (address token, uint256 amount, address recipient) =
                _claim(poolIds[j], node, address(0), unpausedNow);
            if (amount == 0) continue;
            payments[count++] = RelayedPayment({
                poolId: poolIds[j],
                node: node,
                token: token,
                recipient: recipient,
                amount: amount,
                feeBps: request.feeBps,
                request: requestIndex
            });
        }
        if (count == first) revert IRewardDistributor.NothingClaimable(node);
        return count;
    }

    /// @dev Sets `node`'s payout for each session: `payout == node` clears the flag and the stored address.
    function _setPayouts(address node, uint64[] calldata sessionIds, address payout) private {
        if (sessionIds.length == 0) revert EmptyList();
        if (payout == address(0)) revert ZeroAddressPayout();
        for (uint256 i; i < sessionIds.length; ++i) {
            uint64 sessionId = sessionIds[i];
            uint256 nodeSlot = _nodeSlotOf(sessionId, node);
            if (payout == node) {
                _nodeSlots[sessionId][node] = nodeSlot & ~PAYOUT_BIT;
                delete _payouts[sessionId][node];
            } else {
                _nodeSlots[sessionId][node] = nodeSlot | PAYOUT_BIT;
                _payouts[sessionId][node] = payout;
            }
            emit PayoutSet(sessionId, node, payout);
        }
    }

    /// @dev Marks `nonce` of `signer` used, reverting if it already was.
    function _useNonce(address signer, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _usedNonces[signer][nonce >> 8];
        if (bits & bit != 0) revert NonceAlreadyUsed(signer, nonce);
        _usedNonces[signer][nonce >> 8] = bits | bit;
    }

    function _requireUnexpired(uint256 deadline) private view {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
    }

    /// @dev Reverts unless `signer` signed the EIP-712 digest of `structHash` in GradPay's domain.
    function _requireSignature(address signer, bytes32 structHash, bytes calldata signature) private view {
        if (!SignatureChecker.isValidSignatureNow(signer, _hashTypedDataV4(structHash), signature)) {
            revert InvalidSignature(signer);
        }
    }
}
