// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AdminControls} from "./AdminControls.sol";
import {ContributionTracker} from "./ContributionTracker.sol";
import {GradPayExtension} from "./GradPayExtension.sol";
import {RewardDistributor} from "./RewardDistributor.sol";
import {TrainingRegistry} from "./TrainingRegistry.sol";
import {IGradPay} from "./interfaces/IGradPay.sol";
import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";

/// @title GradPay
/// @notice Contribution tracking and reward distribution for decentralized ML training: the registry,
///         the tracker and the distributor behind one address (see GradPayStorage for why). Clients bind
///         to `IGradPay`, which lists everything this address serves.
/// @dev The registry, tracker, distributor and admin writes run in this contract. The reads
///      (`IGradPayViews`) and the node operators' functions (`INodeOperators`: payout addresses, signed
///      registration, relayed claims) run in a `GradPayExtension` that the constructor creates: the fallback
///      DELEGATECALLs it, so they run on this contract's storage at this address. Keeping them out of this
///      bytecode leaves the core writes the whole EIP-170 budget (24,576 bytes), and costs a call that
///      reaches the extension one warm-up of its code, which no core write ever pays.
contract GradPay is TrainingRegistry, ContributionTracker, RewardDistributor, AdminControls {
    /// @notice The contract whose code serves `IGradPayViews` and `INodeOperators` on this address.
    address public immutable EXTENSION;

    /// @param admin Holds DEFAULT_ADMIN_ROLE: roles, pause, rescue; hands it over in two steps,
    ///        `ADMIN_TRANSFER_DELAY` apart.
    /// @param coordinator Holds COORDINATOR_ROLE: creates sessions, and runs the ones it creates.
    constructor(address admin, address coordinator)
        AccessControlDefaultAdminRules(ADMIN_TRANSFER_DELAY, admin)
    {
        if (coordinator == address(0)) revert IGradPay.ZeroAddressCoordinator();
        _grantRole(COORDINATOR_ROLE, coordinator);
        EXTENSION = address(new GradPayExtension());
    }

    /// @notice Serves `IGradPayViews` and `INodeOperators`: every selector GradPay does not implement runs
    ///         the extension's code on this contract's storage, which reverts on any selector it does not
    ///         know either.
    /// @dev Hand-written rather than OpenZeppelin's `Proxy` so that the assembly can be marked memory-safe
    ///      (it only uses memory past the free-memory pointer), which via-IR needs to keep the finalization
    ///      loop's stack in bounds.
    fallback() external {
        address extension = EXTENSION;
        assembly ("memory-safe") {
            let data := mload(0x40)
            calldatacopy(data, 0, calldatasize())
            let ok := delegatecall(gas(), extension, data, calldatasize(), 0, 0)
            returndatacopy(data, 0, returndatasize())
            if iszero(ok) { revert(data, returndatasize()) }
            return(data, returndatasize())
        }
    }
}
