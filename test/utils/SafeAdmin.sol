// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Enum} from "@safe-global/safe-contracts/contracts/common/Enum.sol";
import {Test} from "forge-std/Test.sol";

/// @notice The part of Safe 1.4.1's ABI (`contracts/Safe.sol`) the tests use.
interface ISafe {
    function setup(
        address[] calldata owners,
        uint256 threshold,
        address to,
        bytes calldata data,
        address fallbackHandler,
        address paymentToken,
        uint256 payment,
        address payable paymentReceiver
    ) external;

    function execTransaction(
        address to,
        uint256 value,
        bytes calldata data,
        Enum.Operation operation,
        uint256 safeTxGas,
        uint256 baseGas,
        uint256 gasPrice,
        address gasToken,
        address payable refundReceiver,
        bytes memory signatures
    ) external payable returns (bool success);

    function getTransactionHash(
        address to,
        uint256 value,
        bytes calldata data,
        Enum.Operation operation,
        uint256 safeTxGas,
        uint256 baseGas,
        uint256 gasPrice,
        address gasToken,
        address refundReceiver,
        uint256 nonce
    ) external view returns (bytes32);

    function nonce() external view returns (uint256);
    function getOwners() external view returns (address[] memory);
    function getThreshold() external view returns (uint256);
    function isOwner(address owner) external view returns (bool);
}

/// @notice The part of Safe 1.4.1's `SafeProxyFactory` ABI the tests use.
interface ISafeProxyFactory {
    function createProxyWithNonce(address singleton, bytes memory initializer, uint256 saltNonce)
        external
        returns (address proxy);
}

/// @title SafeAdmin
/// @notice Deploys real Safe 1.4.1 multisigs (singleton + SafeProxyFactory + CompatibilityFallbackHandler,
/// the same contracts a chain has) and sends transactions through them signed by owner keys, so a test can
/// make a Safe the admin of a contract and check that a quorum, and only a quorum, can act.
/// @dev Inherit it beside the test's base (`contract X is BaseTest, SafeAdmin`; both are `Test`).
/// API:
/// - `_deploySafe(uint256[] ownerKeys, uint256 threshold) returns (ISafe)`: a new Safe owned by
///   `vm.addr` of each key. The first call deploys the singleton, factory and handler; later Safes reuse them.
/// - `_execAsSafe(ISafe safe, address target, uint256 value, bytes data, uint256[] signerKeys) returns (bool)`:
///   signs the Safe transaction at the Safe's current nonce (CALL, safeTxGas 0, no gas refund) with each key
///   and executes it. With safeTxGas 0 the Safe reverts `GS013` when the inner call fails, so a call that
///   returns has succeeded; use `_expectExecReverted` to assert a failure.
/// - `_expectTooFewSignatures(ISafe, target, value, data, signerKeys)`: asserts the Safe refuses the
///   transaction with `GS020` (fewer signatures than the threshold), e.g. "one owner alone cannot do it".
/// - `_expectExecReverted(ISafe, target, value, data, signerKeys)`: asserts a quorum-signed transaction
///   reaches the target and the target reverts (Safe's `GS013`; the Safe does not pass the inner reason on).
/// - `_signSafeTx(ISafe, target, value, data, signerKeys) returns (bytes)`: the packed signatures alone
///   (r, s, v per signer, ordered by signer address ascending as Safe requires), for custom checks.
/// Keys are test keys (e.g. from `makeAddrAndKey`); nothing here is for a real deployment.
abstract contract SafeAdmin is Test {
    /// @dev Hardhat artifacts the npm package ships: Safe's own 1.4.1 release build (solc 0.7.6). Safe 1.4.1's
    /// sources do not compile under this project's via-IR (stack too deep: its assembly is not marked
    /// memory-safe), and the release bytecode is the one chains run anyway.
    string private constant SAFE_ARTIFACTS =
        "node_modules/@safe-global/safe-contracts/build/artifacts/contracts/";

    /// @dev Runtime code hashes of the canonical Safe 1.4.1 deployments (safe-deployments, v1.4.1 "canonical"):
    /// the deployed helpers must run exactly the code chains run.
    bytes32 private constant SAFE_CODEHASH =
        0x1fe2df852ba3299d6534ef416eefa406e56ced995bca886ab7a553e6d0c5e1c4;
    bytes32 private constant FACTORY_CODEHASH =
        0x50c3cdc4074750a7a974204a716c999edd37482f907608d960b2b025ee0b3317;
    bytes32 private constant HANDLER_CODEHASH =
        0x7c6007a5d711cea8dfd5d91f5940ec29c7f200fe511eb1fc1397b367af3c42f9;

    address private safeSingleton;
    ISafeProxyFactory private safeFactory;
    address private safeFallbackHandler;
    /// @dev Salt of the next proxy, so two Safes with the same owners get different addresses.
    uint256 private safeSaltNonce;

    /// @notice Deploys a Safe owned by the addresses of `ownerKeys` that needs `threshold` of their signatures.
    function _deploySafe(uint256[] memory ownerKeys, uint256 threshold) internal returns (ISafe safe) {
        if (safeSingleton == address(0)) {
            safeSingleton = deployCode(string.concat(SAFE_ARTIFACTS, "Safe.sol/Safe.json"));
            safeFactory = ISafeProxyFactory(
                deployCode(
                    string.concat(SAFE_ARTIFACTS, "proxies/SafeProxyFactory.sol/SafeProxyFactory.json")
                )
            );
            safeFallbackHandler = deployCode(
                string.concat(
                    SAFE_ARTIFACTS,
                    "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json"
                )
            );
            assertEq(safeSingleton.codehash, SAFE_CODEHASH, "Safe singleton is not the 1.4.1 release");
            assertEq(
                address(safeFactory).codehash, FACTORY_CODEHASH, "SafeProxyFactory is not the 1.4.1 release"
            );
            assertEq(
                safeFallbackHandler.codehash, HANDLER_CODEHASH, "fallback handler is not the 1.4.1 release"
            );
        }
        address[] memory owners = new address[](ownerKeys.length);
        for (uint256 i; i < ownerKeys.length; ++i) {
            owners[i] = vm.addr(ownerKeys[i]);
        }
        bytes memory initializer = abi.encodeCall(
            ISafe.setup,
            (owners, threshold, address(0), "", safeFallbackHandler, address(0), 0, payable(address(0)))
        );
        safe = ISafe(safeFactory.createProxyWithNonce(safeSingleton, initializer, safeSaltNonce++));
    }

    /// @notice Executes `target.call{value: value}(data)` from `safe`, signed by `signerKeys`.
    /// @return success What `execTransaction` returned (true whenever it did not revert, see the API above).
    function _execAsSafe(
        ISafe safe,
        address target,
        uint256 value,
        bytes memory data,
        uint256[] memory signerKeys
    ) internal returns (bool success) {
        bytes memory signatures = _signSafeTx(safe, target, value, data, signerKeys);
        return _sendSafeTx(safe, target, value, data, signatures);
    }

    /// @notice Asserts that `safe` refuses the transaction for having fewer signatures than its threshold.
    function _expectTooFewSignatures(
        ISafe safe,
        address target,
        uint256 value,
        bytes memory data,
        uint256[] memory signerKeys
    ) internal {
        _expectSafeRevert(safe, target, value, data, signerKeys, "GS020");
    }

    /// @notice Asserts that a transaction `safe` accepts (enough valid signatures) reverts in the target.
    function _expectExecReverted(
        ISafe safe,
        address target,
        uint256 value,
        bytes memory data,
        uint256[] memory signerKeys
    ) internal {
        _expectSafeRevert(safe, target, value, data, signerKeys, "GS013");
    }

    /// @notice The signatures of `signerKeys` over the Safe transaction at `safe`'s current nonce, packed as
    /// `execTransaction` expects them: r, s, v for each signer, signers ordered by address ascending.
    function _signSafeTx(
        ISafe safe,
        address target,
        uint256 value,
        bytes memory data,
        uint256[] memory signerKeys
    ) internal view returns (bytes memory signatures) {
        bytes32 txHash = safe.getTransactionHash(
            target, value, data, Enum.Operation.Call, 0, 0, 0, address(0), payable(address(0)), safe.nonce()
        );
        uint256[] memory keys = _sortedBySigner(signerKeys);
        for (uint256 i; i < keys.length; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], txHash);
            signatures = abi.encodePacked(signatures, r, s, v);
        }
    }

    /// @dev Signs first: `vm.expectRevert` applies to the next external call, and signing reads the nonce.
    function _expectSafeRevert(
        ISafe safe,
        address target,
        uint256 value,
        bytes memory data,
        uint256[] memory signerKeys,
        bytes memory reason
    ) private {
        bytes memory signatures = _signSafeTx(safe, target, value, data, signerKeys);
        vm.expectRevert(reason);
        _sendSafeTx(safe, target, value, data, signatures);
    }

    function _sendSafeTx(
        ISafe safe,
        address target,
        uint256 value,
        bytes memory data,
        bytes memory signatures
    ) private returns (bool success) {
        return safe.execTransaction(
            target, value, data, Enum.Operation.Call, 0, 0, 0, address(0), payable(address(0)), signatures
        );
    }

    /// @dev A copy of `keys` ordered by `vm.addr(key)` ascending (insertion sort: a Safe has a few owners).
    function _sortedBySigner(uint256[] memory keys) internal pure returns (uint256[] memory sorted) {
        sorted = new uint256[](keys.length);
        for (uint256 i; i < keys.length; ++i) {
            uint256 key = keys[i];
            uint256 j = i;
            while (j > 0 && vm.addr(sorted[j - 1]) > vm.addr(key)) {
                sorted[j] = sorted[j - 1];
                --j;
            }
            sorted[j] = key;
        }
    }
}
