// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGradPayBase} from "./IGradPayBase.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

/// @title INodeOperators
/// @notice What a node does for itself, by its own transaction or by an EIP-712 signature that anyone (a
///         relayer, the coordinator) submits: choose where its rewards go, consent to its registration, and
///         claim without holding gas. Contract-wallet nodes (a Safe) sign through ERC-1271.
/// @dev The EIP-712 domain is `{name: "GradPay", version: "1", chainId, verifyingContract: GradPay}`
///      (`eip712Domain`, ERC-5267), so a signature is good on one chain and one deployment only. Claim
///      requests carry an unordered nonce (`invalidateNonce` burns one); payout changes carry the node's
///      payout nonce, which every payout change advances (a stale signed change can never undo a newer
///      one); every signature carries an expiry (`block.timestamp > deadline` is refused).
interface INodeOperators is IGradPayBase, IERC5267 {
    /// @notice A node's signed consent to join a session, submitted by the session's operator.
    /// @dev EIP-712 type `NodeConsent(uint64 sessionId,address node,bytes32 nodeId,address payout,uint256 deadline)`.
    ///      No nonce on purpose: a node joins a session once, and the session id is signed, so a consent is
    ///      single-use by construction (a replay is `NodeAlreadyRegistered`).
    struct NodeConsent {
        address node;
        bytes32 nodeId;
        /// @dev Where the node's rewards from the session go: the node itself, or another address (not zero).
        address payout;
        uint256 deadline;
        /// @dev 65-byte ECDSA signature for an EOA node; whatever its `isValidSignature` accepts for a contract.
        bytes signature;
    }

    /// @notice A node's signed claim, submitted by a relayer who may keep a fee of at most `maxFeeBps`.
    /// @dev EIP-712 type `ClaimRequest(address node,uint256[] poolIds,uint16 maxFeeBps,uint256 nonce,uint256 deadline)`;
    ///      `feeBps` is the relayer's choice and not signed.
    struct ClaimRequest {
        address node;
        uint256[] poolIds;
        uint16 maxFeeBps;
        uint16 feeBps;
        uint256 nonce;
        uint256 deadline;
        bytes signature;
    }

    // ------------------------------------------------------------------ errors

    /// @notice Thrown when the zero address is given as a payout address.
    error ZeroAddressPayout();
    /// @notice Thrown when a signature is submitted after its deadline.
    /// @param deadline The signed deadline.
    error SignatureExpired(uint256 deadline);
    /// @notice Thrown when a signature is not `signer`'s over the request (a wrong key, another chain or
    ///         deployment, other values, or a contract wallet that refuses it).
    /// @param signer The node that should have signed.
    error InvalidSignature(address signer);
    /// @notice Thrown when a nonce was already used by a submitted request or burnt by `invalidateNonce`.
    /// @param signer Whose nonce.
    /// @param nonce The nonce.
    error NonceAlreadyUsed(address signer, uint256 nonce);

    /// @notice Thrown when a signed payout change does not name the node's current payout nonce: it was
    ///         already applied, or the node changed its payout since it was signed.
    /// @param node The node.
    /// @param nonce The nonce signed.
    /// @param current The node's payout nonce now (`payoutNonce(node)`).
    error PayoutNonceMismatch(address node, uint256 nonce, uint256 current);
    /// @notice Thrown when a relayer's fee is above the node's signed cap, or the cap above 100 %.
    /// @param node The node.
    /// @param feeBps The fee asked (or the cap, when the cap is above 10,000).
    /// @param maxFeeBps The node's cap (or 10,000).
    error RelayerFeeAboveCap(address node, uint256 feeBps, uint256 maxFeeBps);

    // ------------------------------------------------------------------ events

    /// @notice Emitted when a node sets (or clears, `payout == node`) its payout address for a session.
    /// @param sessionId The session.
    /// @param node The node.
    /// @param payout Where the node's rewards from the session now go.
    event PayoutSet(uint64 indexed sessionId, address indexed node, address payout);
    /// @notice Emitted when a signer burns one of its nonces.
    /// @param signer The signer.
    /// @param nonce The nonce, now unusable.
    event NonceInvalidated(address indexed signer, uint256 nonce);
    /// @notice Emitted beside `RewardClaimed` when a relayed claim pays the relayer a fee.
    /// @param poolId The pool.
    /// @param node The node whose reward paid it.
    /// @param relayer Who submitted the claim and got the fee.
    /// @param fee The fee paid.
    event RelayFeePaid(uint256 indexed poolId, address indexed node, address indexed relayer, uint256 fee);

    // ------------------------------------------------------------------ sessions

    /// @notice Creates an Active session owned by the caller, like `createSession`, in which nodes join only
    ///         by their signed consent (`registerSignedNodes`): `registerNode` and `registerNodesBatch` revert
    ///         `NodeSignatureRequired`. Coordinator (COORDINATOR_ROLE) only.
    /// @param sessionId Caller-chosen id (not taken, else `SessionAlreadyExists`).
    /// @param modelHash Identifies the model being trained (opaque to the contract).
    /// @param clipK Outlier clip factor of reward-math.md §3 (1e18 fixed point, 0 = off).
    function createNodeSignedSession(uint64 sessionId, bytes32 modelHash, uint64 clipK) external;

    /// @notice Registers nodes that each signed their consent, with the payout address they chose; indices
    ///         are assigned in list order. Works in any Active session; the only way in a node-signed one.
    ///         Session operator only.
    /// @param sessionId The session: Active.
    /// @param consents The nodes' consents (at least one), each signed by its node over this session.
    /// @return firstIndex The index given to `consents[0].node`.
    function registerSignedNodes(uint64 sessionId, NodeConsent[] calldata consents)
        external
        returns (uint32 firstIndex);

    // ------------------------------------------------------------------ payout addresses

    /// @notice Sets where the caller's rewards from each session go; `payout == msg.sender` clears it.
    ///         Advances the caller's payout nonce, voiding every payout change it signed and nobody submitted.
    /// @param sessionIds Sessions the caller is a node of (at least one; else `NodeNotRegistered`).
    /// @param payout The payout address (not zero).
    function setPayout(uint64[] calldata sessionIds, address payout) external;

    /// @notice `setPayout` on behalf of `node`, by its EIP-712 signature; anyone may submit it.
    /// @dev EIP-712 type `SetPayout(address node,uint64[] sessionIds,address payout,uint256 nonce,uint256 deadline)`.
    /// @param node The node that signed.
    /// @param sessionIds Sessions `node` is a node of (at least one).
    /// @param payout The payout address (not zero; `node` clears it).
    /// @param nonce `node`'s payout nonce (`payoutNonce(node)`, else `PayoutNonceMismatch`); advanced by one.
    /// @param deadline Last timestamp at which the signature is accepted.
    /// @param signature `node`'s signature (ECDSA, or ERC-1271 for a contract).
    function setPayoutBySig(
        address node,
        uint64[] calldata sessionIds,
        address payout,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Burns one of the caller's claim-request nonces, so that a claim signed with it but not yet
    ///         submitted can never be. Allowed while paused. (A signed payout change is voided by any payout
    ///         change: `setPayout`.)
    /// @param nonce The nonce (not used yet, else `NonceAlreadyUsed`).
    function invalidateNonce(uint256 nonce) external;

    // ------------------------------------------------------------------ relayed claims

    /// @notice Claims for several nodes by their signatures, each request's pools at once: every claim is
    ///         recorded before the first payment. Per pool the node's payout address (or the node) gets the
    ///         reward less `fee = paid * feeBps / 10_000` (rounded down: never more than the node signed) and
    ///         the caller the fee. A pool already claimed or owing nothing pays 0; a request claiming nothing
    ///         reverts `NothingClaimable(node)`. Each request consumes its nonce.
    /// @param requests The signed requests (at least one; each with at least one pool).
    /// @return amounts Per request, what the node's payout address (or the node) received, fees deducted.
    function claimRewardsBySig(ClaimRequest[] calldata requests) external returns (uint256[] memory amounts);
}
