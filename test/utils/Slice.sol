// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @dev `all[from .. to)`: a chunk of a ranking, as a coordinator would submit it.
function slice(uint32[] memory all, uint256 from, uint256 to) pure returns (uint32[] memory out) {
    out = new uint32[](to - from);
    for (uint256 i = from; i < to; ++i) {
        out[i - from] = all[i];
    }
}
