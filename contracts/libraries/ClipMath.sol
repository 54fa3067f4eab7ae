// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ClipMath
/// @notice reward-math.md §3: the outlier cap "mean + clipK * population sigma", exactly in integers.
library ClipMath {
    uint256 internal constant WAD = 1e18;

    /// @notice cap = floor((SUM * 1e18 + clipK * isqrt(n * SQ - SUM^2)) / (n * 1e18)), rounded down.
    /// @dev Callers bound the inputs (SUM < 2^128, SQ < 2^224, n < 2^24) so nothing overflows. A variance
    ///      that would be negative can only come from inconsistent totals; it is taken as 0 here and the
    ///      totals themselves are rejected when the finalization pass re-adds them.
    function capDown(uint256 n, uint256 sumScore, uint256 sumScoreSquared, uint256 clipK)
        internal
        pure
        returns (uint256)
    {
        uint256 spread = n * sumScoreSquared;
        uint256 squaredSum = sumScore * sumScore;
        uint256 variance = spread > squaredSum ? spread - squaredSum : 0;
        return (sumScore * WAD + clipK * Math.sqrt(variance)) / (n * WAD);
    }
}
