// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IContributionTracker} from "./IContributionTracker.sol";
import {IRewardDistributor} from "./IRewardDistributor.sol";
import {ITrainingRegistry} from "./ITrainingRegistry.sol";

/// @title IGradPay
/// @notice The whole gradpay API behind one address: every function, event and custom error of the
///         three concerns and of `IGradPayBase` (the role, the limits and the errors they share), so
///         clients bind to (and decode reverts with) this single interface.
interface IGradPay is ITrainingRegistry, IContributionTracker, IRewardDistributor {}
