// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IContributionTracker} from "./IContributionTracker.sol";
import {IRewardDistributor} from "./IRewardDistributor.sol";
import {ITrainingRegistry} from "./ITrainingRegistry.sol";

/// @title IGradPay
/// @notice The whole gradpay API behind one address: every function, event and custom error of the
///         three concerns, so clients bind to (and decode reverts with) this single interface.
interface IGradPay is ITrainingRegistry, IContributionTracker, IRewardDistributor {
    /// @notice The role that runs sessions: create, register, record, finalize, fund pools.
    function COORDINATOR_ROLE() external view returns (bytes32);

    /// @notice Most nodes a session can hold.
    function MAX_NODES() external view returns (uint256);

    /// @notice Most distinct epochs a session can record.
    function MAX_EPOCHS() external view returns (uint256);

    /// @notice Most pools a session can have.
    function MAX_POOLS() external view returns (uint256);
}
