// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {FinalizationTest} from "../utils/FinalizationTest.sol";
import {RewardModel} from "../utils/RewardModel.sol";

/// @notice reward-math.md §4 in the pass: tier ends at ceil(50 %) and ceil(80 %) of the ranking, ties
///         split by index, W summed with weights 3/1/0.
contract TiersTest is FinalizationTest {
    using RewardModel for RewardModel.Node[];

    function test_getRewardBasis_tierBoundariesOfFixture() public {
        _recordFixture(SESSION, 0);
        _finalize(SESSION);
        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        // n = 5: top = 3 (ranks 0-2: nodes 1, 5, 0), mid = 4 (rank 3: node 2).
        assertEq(rb.tier1LastIndex, 0, "tier 1 ends at node 0");
        assertEq(rb.tier1LastScore, 45_000_000_000, "tier 1 last score");
        assertEq(rb.tier2LastIndex, 2, "tier 2 ends at node 2 (ties node 0, higher index)");
        assertEq(rb.tier2LastScore, 45_000_000_000, "tier 2 last score");
    }

    /// forge-config: ci.fuzz.runs = 1000
    /// @dev n nodes of random compute (duplicates allowed, so ties are common): the tier ends match §4.
    function testFuzz_getRewardBasis_tierBoundaries(uint256 n, uint256 seed) public {
        n = bound(n, 1, 12);
        nodes = _createSession(SESSION, 0, n);
        uint256[] memory entries = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint32 c = uint32(bound(uint256(keccak256(abi.encode(seed, i))), 1, 4));
            entries[i] = _entry(uint32(i), c, 1, 0, 1, 1, 10_000, 10_000, 10_000);
        }
        _record(SESSION, 0, 0, 1, entries);
        _complete(SESSION);
        (RewardModel.Node[] memory ranked, RewardModel.Basis memory basis) = _start(SESSION);
        _submit(SESSION, ranked.indices(), true);

        IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(SESSION);
        assertEq(basis.top, (n + 1) / 2, "top = ceil(n / 2)");
        assertEq(rb.tier1LastIndex, ranked[basis.top - 1].index, "tier 1 last index");
        assertEq(rb.tier1LastScore, ranked[basis.top - 1].score, "tier 1 last score");
        assertEq(rb.tier2LastIndex, ranked[basis.mid - 1].index, "tier 2 last index");
        assertEq(rb.tier2LastScore, ranked[basis.mid - 1].score, "tier 2 last score");
        assertEq(rb.sumTierWeighted, basis.sumTierWeighted, "W");
        assertEq(rb.eligibleCount, n, "n");
    }

    function test_getRewardBasis_tierBoundariesSmallSessions() public {
        // n: top, mid = 1: 1, 1 | 2: 1, 2 | 3: 2, 3 | 4: 2, 4 | 10: 5, 8
        uint256[5] memory ns = [uint256(1), 2, 3, 4, 10];
        uint256[5] memory tops = [uint256(1), 1, 2, 2, 5];
        uint256[5] memory mids = [uint256(1), 2, 3, 4, 8];
        for (uint256 k; k < ns.length; ++k) {
            uint64 sessionId = uint64(100 + k);
            uint256 n = ns[k];
            _createSession(sessionId, 0, n);
            uint256[] memory entries = new uint256[](n);
            // Compute decreasing with index: rank = index.
            for (uint256 i; i < n; ++i) {
                entries[i] = _entry(uint32(i), uint32(100 - i), 1, 0, 1, 1, 10_000, 10_000, 10_000);
            }
            _record(sessionId, 0, 0, 1, entries);
            _finalize(sessionId);
            IRewardDistributor.RewardBasis memory rb = gradpay.getRewardBasis(sessionId);
            assertEq(rb.tier1LastIndex, tops[k] - 1, "tier 1 last rank");
            assertEq(rb.tier2LastIndex, mids[k] - 1, "tier 2 last rank");
        }
    }
}
