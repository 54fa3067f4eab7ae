// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {BaseTest} from "./BaseTest.sol";

/// @notice What the pool tests share: reward-math.md §6's three nodes finalized, the default claim deadline,
///         and a createRewardPool expected to revert.
abstract contract PoolsTest is BaseTest {
    /// @dev reward-math.md §6's three nodes, finalized.
    function _finalizedSession(uint64 sessionId) internal {
        _createSession(sessionId, 0, 3);
        uint256[] memory entries = new uint256[](3);
        entries[0] = _entry(0, 150, 27, 3, 9, 10, 8000, 9000, 10_000);
        entries[1] = _entry(1, 100, 10, 10, 5, 10, 5000, 5000, 5000);
        entries[2] = _entry(2, 200, 40, 0, 10, 10, 10_000, 10_000, 10_000);
        _record(sessionId, 0, 0, 10, entries);
        _finalize(sessionId);
    }

    function _deadline() internal view returns (uint40) {
        return uint40(block.timestamp) + CLAIM_WINDOW;
    }

    function _expectCreateRevert(
        address poolToken,
        uint256 amount,
        IRewardDistributor.Strategy strategy,
        IRewardDistributor.PoolParams memory params,
        bytes memory err
    ) internal {
        uint40 deadline = _deadline();
        vm.prank(coordinator);
        vm.expectRevert(err);
        gradpay.createRewardPool{value: poolToken == address(0) ? amount : 0}(
            SESSION, poolToken, amount, strategy, params, deadline, refund
        );
    }
}
