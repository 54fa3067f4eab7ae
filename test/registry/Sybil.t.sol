// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {RegistryTest} from "../utils/RegistryTest.sol";

/// @notice Gap 8 of issue 11: what an operator gains under the minimum guarantee (reward-math.md §5, strategy
///         2, 50 % floor) by splitting its compute over sybil nodes. Unique node ids do not stop it (each
///         sybil brings its own id): the strategy assumes admission that resists sybils. Nine honest nodes
///         with equal metrics (1,000 s of compute each) and one operator with the same 1,000 s:
///         - as one node it receives 10 % of the pool, as every honest node does;
///         - as k = 10 nodes of 100 s each it receives 31.3 %: 10 floors (26.3 %) plus 5 % proportional;
///         - a dust node with 1 s of compute collects the full floor (5 % of the pool).
///         Every node reports the same rates (A = C = S = P = N = U = 10,000), so score = c * 15,000 * 30,000
///         and each node's share of S' is its share of the compute.
contract SybilTest is RegistryTest {
    uint256 internal constant POOL = 1 ether;
    uint16 internal constant FLOOR_BPS = 5000;
    uint32 internal constant HONEST = 9;
    uint32 internal constant HONEST_COMPUTE = 1000;
    /// @dev score / computeSeconds for the rates every node reports: (5000 + Q) * (20000 + R).
    uint256 internal constant SCORE_PER_SECOND = 15_000 * 30_000;

    /// @dev Nine honest nodes, then the operator's `operatorNodes` nodes of `operatorCompute` seconds each;
    ///      finalized, with a MinimumGuarantee pool of `POOL` wei at `FLOOR_BPS`.
    function _session(uint64 sessionId, uint32 operatorNodes, uint32 operatorCompute)
        internal
        returns (uint256 poolId, address[] memory honest, address[] memory operator)
    {
        uint256 n = HONEST + operatorNodes;
        honest = _nodes(HONEST);
        operator = new address[](operatorNodes);
        address[] memory all = new address[](n);
        uint256[] memory entries = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            bool isHonest = i < HONEST;
            if (!isHonest) operator[i - HONEST] = makeAddr(string.concat("sybil-", vm.toString(i - HONEST)));
            all[i] = isHonest ? honest[i] : operator[i - HONEST];
            uint32 compute = isHonest ? HONEST_COMPUTE : operatorCompute;
            entries[i] = _entry(uint32(i), compute, 10, 0, 10, 10, 10_000, 10_000, 10_000);
        }
        _openSession(sessionId, 0);
        vm.prank(coordinator);
        gradpay.registerNodesBatch(sessionId, all, _nodeIds(n));
        _record(sessionId, 0, 0, 10, entries);
        _finalize(sessionId);
        poolId = _floorPool(sessionId);
    }

    /// @dev The one place this file creates a pool (its signature changes with the pool's refund address).
    function _floorPool(uint64 sessionId) internal returns (uint256) {
        return _createPool(
            sessionId, address(0), POOL, IRewardDistributor.Strategy.MinimumGuarantee, _floorParams(FLOOR_BPS)
        );
    }

    /// @dev reward-math.md §5 strategy 2, written out from the page: m = F * floorBps / (10000 * n),
    ///      r = m + (F - n * m) * s' / S'.
    function _expectedReward(uint256 n, uint256 compute, uint256 totalCompute)
        internal
        pure
        returns (uint256 floor, uint256 reward)
    {
        floor = (POOL * FLOOR_BPS) / (10_000 * n);
        reward = floor + ((POOL - n * floor) * compute * SCORE_PER_SECOND) / (totalCompute * SCORE_PER_SECOND);
    }

    /// @dev Claims for every node of `owners` and returns what they received in total.
    function _claimAll(uint256 poolId, address[] memory owners) internal returns (uint256 total) {
        for (uint256 i; i < owners.length; ++i) {
            uint256 before = owners[i].balance;
            vm.prank(owners[i]);
            uint256 amount = gradpay.claimReward(poolId);
            assertEq(owners[i].balance - before, amount, "paid what the claim returned");
            total += amount;
        }
    }

    function test_sybil_oneNodeReceivesItsEqualShare() public {
        (uint256 poolId, address[] memory honest, address[] memory operator) = _session(SESSION, 1, 1000);
        (uint256 floor, uint256 reward) = _expectedReward(10, 1000, 10_000);
        assertEq(floor, 50_000_000_000_000_000, "m = 5 % of the pool");
        assertEq(reward, 100_000_000_000_000_000, "r = 10 % of the pool");
        assertEq(_claimAll(poolId, operator), reward, "the operator's one node");
        assertEq(_claimAll(poolId, honest), HONEST * reward, "each honest node");
    }

    function test_sybil_tenNodesMultiplyTheFloor() public {
        (uint256 poolId, address[] memory honest, address[] memory operator) = _session(SESSION, 10, 100);
        (uint256 floor, uint256 sybilReward) = _expectedReward(19, 100, 10_000);
        (, uint256 honestReward) = _expectedReward(19, 1000, 10_000);
        assertEq(floor, 26_315_789_473_684_210, "m = F / 38");
        assertEq(sybilReward, 31_315_789_473_684_210, "m + 5e17 / 100 (rounded down)");
        assertEq(honestReward, 76_315_789_473_684_211, "m + 5e17 / 10 (rounded down)");

        uint256 operatorTotal = _claimAll(poolId, operator);
        assertEq(operatorTotal, 313_157_894_736_842_100, "the operator's ten nodes");
        assertEq(operatorTotal, 10 * floor + 50_000_000_000_000_000, "10 floors + 5 % proportional");
        assertEq((operatorTotal * 10_000) / POOL, 3131, "31.31 % of the pool");
        // With one node the operator receives 1e17: splitting gains a factor of 3.13.
        assertEq((operatorTotal * 100) / 100_000_000_000_000_000, 313, "3.13x the single node's reward");
        assertEq(_claimAll(poolId, honest), HONEST * honestReward, "each honest node loses 24 %");
        assertEq(gradpay.getPool(poolId).remaining, POOL - operatorTotal - HONEST * honestReward, "left");
        assertEq(gradpay.getPool(poolId).remaining, 1, "rounding leaves 1 wei");
    }

    function test_sybil_dustNodeCollectsTheFullFloor() public {
        (uint256 poolId,, address[] memory operator) = _session(SESSION, 1, 1);
        (uint256 floor, uint256 reward) = _expectedReward(10, 1, 9001);
        assertEq(floor, 50_000_000_000_000_000, "m = 5 % of the pool");
        assertEq(reward, 50_055_549_383_401_844, "m + 5e17 / 9001 (rounded down)");
        uint256 dust = _claimAll(poolId, operator);
        assertEq(dust, reward, "1 s of compute");
        assertGe(dust, floor, "at least the floor");
        // Proportionally, 1 s of 9,001 would be worth 1e18 / 9001 = 111,098,766,803,688 wei: 450x less.
        assertEq(dust / (POOL / 9001), 450, "the floor is worth 450x the dust node's compute share");
    }
}
