// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAdminControls} from "./IAdminControls.sol";
import {IContributionTracker} from "./IContributionTracker.sol";
import {IGradPayViews} from "./IGradPayViews.sol";
import {INodeOperators} from "./INodeOperators.sol";
import {IRewardDistributor} from "./IRewardDistributor.sol";
import {ITrainingRegistry} from "./ITrainingRegistry.sol";
import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

/// @title IGradPay
/// @notice The whole gradpay API behind one address: every function, event and custom error of the
///         three concerns, their reads, the node operators' functions and of `IGradPayBase` (the role, the limits and the errors they
///         share), plus the role functions and the two-step, delayed admin hand-over
///         (OpenZeppelin AccessControlDefaultAdminRules), so clients bind to (and decode reverts with)
///         this single interface.
interface IGradPay is
    ITrainingRegistry,
    IContributionTracker,
    IRewardDistributor,
    IGradPayViews,
    INodeOperators,
    IAdminControls,
    IAccessControlDefaultAdminRules
{
    /// @notice Thrown by the constructor for a zero coordinator (a zero admin is OpenZeppelin's
    ///         `AccessControlInvalidDefaultAdmin(address(0))`).
    error ZeroAddressCoordinator();

    /// @notice The role that administers every other role (OpenZeppelin AccessControl).
    /// @return role `bytes32(0)`.
    function DEFAULT_ADMIN_ROLE() external view returns (bytes32 role);

    /// @notice The contract whose code serves `IGradPayViews` and `INodeOperators` on GradPay's address.
    /// @return extension Its address.
    function EXTENSION() external view returns (address extension);
}
