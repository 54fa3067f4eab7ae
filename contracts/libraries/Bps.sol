// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev 100 % in basis points. Every bound, weight, share and tier fraction of reward-math.md is
///      written in bps of this one constant. File-level, so that inline assembly can use it by name.
uint256 constant BPS = 10_000;
