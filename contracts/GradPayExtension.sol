// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {GradPayViews} from "./GradPayViews.sol";
import {NodeOperators} from "./NodeOperators.sol";
import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title GradPayExtension
/// @notice The code GradPay DELEGATECALLs from its fallback: every read (`GradPayViews`) and the node
///         operators' functions (`NodeOperators`), which do not fit GradPay's bytecode. It only ever runs on
///         GradPay's storage at GradPay's address; called directly it acts on its own empty storage, where
///         no session exists and no role is held.
/// @dev Declares no state of its own: its storage layout is GradPayStorage's, the same as GradPay's. Its
///      only writes are `INodeOperators`', each gated as `NodeOperators` says.
contract GradPayExtension is GradPayViews, NodeOperators {
    /// @dev OpenZeppelin's access control needs a non-zero admin: what it writes lands in this contract's
    ///      own storage, which nothing ever reads, since the extension's code runs by DELEGATECALL on
    ///      GradPay's storage. EIP712 keeps the domain's name and version in immutables (code), so they hold
    ///      in a DELEGATECALL too; its cached separator is for this address and is never used (see
    ///      NodeOperators).
    constructor() AccessControlDefaultAdminRules(0, address(this)) EIP712("GradPay", "1") {}
}
