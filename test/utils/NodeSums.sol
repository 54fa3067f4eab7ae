// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @dev One node's running sums as reward-math.md §1 names them, as the tests track them.
struct NodeSums {
    uint256 c;
    uint256 a;
    uint256 j;
    uint256 k;
    uint256 p;
    uint256 cons;
    uint256 net;
    uint256 up;
    uint256 e;
}
