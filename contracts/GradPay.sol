// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AdminControls} from "./AdminControls.sol";
import {ContributionTracker} from "./ContributionTracker.sol";
import {GradPayViews} from "./GradPayViews.sol";
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
/// @dev Every write runs in this contract. The reads (`IGradPayViews`) run in a `GradPayViews` that the
///      constructor creates: the fallback DELEGATECALLs it, so they read this contract's storage. Keeping
///      them out of this bytecode leaves the writes the whole EIP-170 budget (24,576 bytes), and costs a
///      read one warm-up of the views contract, which no write ever pays.
contract GradPay is TrainingRegistry, ContributionTracker, RewardDistributor, AdminControls {
    /// @notice The contract whose code serves `IGradPayViews` on this address.
    address public immutable VIEWS;

    /// @param admin Holds DEFAULT_ADMIN_ROLE: roles, pause, rescue; hands it over in two steps,
    ///        `ADMIN_TRANSFER_DELAY` apart.
    /// @param coordinator Holds COORDINATOR_ROLE: creates sessions, and runs the ones it creates.
    constructor(address admin, address coordinator)
        AccessControlDefaultAdminRules(ADMIN_TRANSFER_DELAY, admin)
    {
        if (coordinator == address(0)) revert IGradPay.ZeroAddressCoordinator();
        _grantRole(COORDINATOR_ROLE, coordinator);
        VIEWS = address(new GradPayViews());
    }

    /// @notice Serves `IGradPayViews`: every selector GradPay does not implement runs the views contract's
    ///         code on this contract's storage, which reverts on any selector it does not know either.
    /// @dev Hand-written rather than OpenZeppelin's `Proxy` so that the assembly can be marked memory-safe
    ///      (it only uses memory past the free-memory pointer), which via-IR needs to keep the finalization
    ///      loop's stack in bounds.
    fallback() external {
        address views = VIEWS;
        assembly ("memory-safe") {
            let data := mload(0x40)
            calldatacopy(data, 0, calldatasize())
            let ok := delegatecall(gas(), views, data, calldatasize(), 0, 0)
            returndatacopy(data, 0, returndatasize())
            if iszero(ok) { revert(data, returndatasize()) }
            return(data, returndatasize())
        }
    }
}
