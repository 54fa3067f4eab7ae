// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ContributionTracker} from "./ContributionTracker.sol";
import {RewardDistributor} from "./RewardDistributor.sol";
import {TrainingRegistry} from "./TrainingRegistry.sol";
import {IGradPay} from "./interfaces/IGradPay.sol";

/// @title GradPay
/// @notice Contribution tracking and reward distribution for decentralized ML training: the registry,
///         the tracker and the distributor behind one address (see GradPayStorage for why).
contract GradPay is IGradPay, TrainingRegistry, ContributionTracker, RewardDistributor {
    /// @param admin Holds DEFAULT_ADMIN_ROLE: roles, pause, treasury, sweeps.
    /// @param coordinator Holds COORDINATOR_ROLE: sessions, records, finalization, pools.
    /// @param treasury_ Receives what pools leave after their deadline.
    constructor(address admin, address coordinator, address treasury_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(COORDINATOR_ROLE, coordinator);
        _setTreasury(treasury_);
    }
}
