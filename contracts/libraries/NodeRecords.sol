// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title NodeRecords
/// @notice Where a session's node records live: one slot per node, contiguous by node index, from a
///         base aligned to a 128-slot boundary.
/// @dev Monad prices cold storage per 128-slot page (MIP-8): nodes 0..127 of a session share one page,
///      so a batch of neighbouring nodes pays the cold read and the first-write surcharge once per page
///      instead of once per node. On Ethereum the layout costs nothing extra. The base comes from
///      keccak256 like a Solidity dynamic array's, minus its 7 low bits: 2^249 possible bases leave
///      collisions with other storage as unlikely as any Solidity mapping's.
library NodeRecords {
    bytes32 private constant NAMESPACE = keccak256("gradpay.node-records");
    uint256 private constant PAGE_ALIGN = ~uint256(127);

    /// @notice The slot of node 0 of `sessionId`; node i is at `base + i`.
    function baseSlot(uint64 sessionId) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(NAMESPACE, sessionId))) & PAGE_ALIGN;
    }

    function load(uint256 base, uint256 index) internal view returns (uint256 record) {
        assembly ("memory-safe") {
            record := sload(add(base, index))
        }
    }

    function store(uint256 base, uint256 index, uint256 record) internal {
        assembly ("memory-safe") {
            sstore(add(base, index), record)
        }
    }
}
