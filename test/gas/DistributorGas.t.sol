// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {console} from "forge-std/console.sol";

/// @notice Gas snapshots of the distributor (snapshots/distributor.json, snapshots/reference_session.json).
/// @dev Run under FOUNDRY_PROFILE=gas: isolate = true makes every call its own transaction, so the numbers
///      include the 21,000 base cost, calldata and cold storage, as on-chain.
contract DistributorGasTest is BaseTest {
    string internal constant GROUP = "distributor";

    /// @dev Realistic, all-distinct metrics for node i of epoch `epoch`.
    function _entries(uint256 n, uint32 epoch) internal pure returns (uint256[] memory entries) {
        entries = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            entries[i] = _entry(
                uint32(i),
                uint32(3600 + i * 37 + epoch * 11),
                uint32(40 + i % 7),
                uint32(i % 3),
                uint32(8 + i % 3),
                10,
                uint16(8000 + i % 2000),
                uint16(9000 + i % 1000),
                uint16(9500 + i % 500)
            );
        }
    }

    /// @dev A Completed session of n nodes with one epoch recorded.
    function _completedSession(uint64 sessionId, uint256 n, uint64 clipK)
        internal
        returns (address[] memory nodes)
    {
        nodes = _createSession(sessionId, clipK, n);
        _record(sessionId, 0, 0, 10, _entries(n, 0));
        vm.prank(coordinator);
        gradpay.completeSession(sessionId);
    }

    function _finalizeMeasured(uint64 sessionId, uint256 n, uint64 clipK)
        internal
        returns (uint256 start, uint256 submit)
    {
        _completedSession(sessionId, n, clipK);
        (uint32[] memory ranked, uint256 sumScore, uint256 sumSquares) = _ranking(sessionId);
        string memory label =
            string.concat("finalize_", vm.toString(n), clipK == 0 ? "_nodes" : "_nodes_clipped");

        vm.prank(coordinator);
        gradpay.startFinalization(sessionId, uint32(n), sumScore, sumSquares);
        start = vm.snapshotGasLastCall(GROUP, string.concat(label, "_start"));

        vm.prank(coordinator);
        gradpay.submitRanking(sessionId, ranked, true);
        submit = vm.snapshotGasLastCall(GROUP, string.concat(label, "_submitRanking"));

        console.log(label);
        console.log("  startFinalization", start);
        console.log("  submitRanking", submit);
        console.log("  per node (start + submit) / n", (start + submit) / n);
    }

    function test_gas_finalize() public {
        (uint256 start10, uint256 submit10) = _finalizeMeasured(10, 10, 0);
        (uint256 start100, uint256 submit100) = _finalizeMeasured(100, 100, 0);
        // With clipK = 1 sigma about 1 node in 6 is an outlier: one OutlierClipped event each.
        _finalizeMeasured(101, 100, 1e18);
        uint256 marginal = (submit100 - submit10) / 90;
        vm.snapshotValue(GROUP, "finalize_per_node_marginal", marginal);
        console.log("marginal cost per ranked node", marginal);
        assertGt(start10 + submit10, 0, "measured");
        assertGt(start100 + submit100, start10 + submit10, "100 nodes cost more than 10");
    }

    // ------------------------------------------------------------------ pools and claims

    function _finalizedSession(uint64 sessionId, uint256 n) internal returns (address[] memory nodes) {
        nodes = _createSession(sessionId, 0, n);
        _record(sessionId, 0, 0, 10, _entries(n, 0));
        _finalize(sessionId);
    }

    function test_gas_createPoolEth() public {
        _finalizedSession(SESSION, 5);
        _createPool(SESSION, address(0), 10 ether, IRewardDistributor.Strategy.Proportional, _noParams());
        vm.snapshotGasLastCall(GROUP, "create_pool_eth");
    }

    function test_gas_createPoolErc20() public {
        _finalizedSession(SESSION, 5);
        _createPool(SESSION, address(token), 10e18, IRewardDistributor.Strategy.Tiered, _tieredParams(8500));
        vm.snapshotGasLastCall(GROUP, "create_pool_erc20");
    }

    function test_gas_claimEth() public {
        address[] memory nodes = _finalizedSession(SESSION, 5);
        uint256 poolId =
            _createPool(SESSION, address(0), 10 ether, IRewardDistributor.Strategy.Proportional, _noParams());
        vm.prank(nodes[2]);
        gradpay.claimReward(poolId);
        vm.snapshotGasLastCall(GROUP, "claim_eth_proportional");
        uint256 hybrid = _createPool(
            SESSION, address(0), 10 ether, IRewardDistributor.Strategy.Hybrid, _hybridParams(7000, 2000, 1000)
        );
        vm.prank(nodes[2]);
        gradpay.claimReward(hybrid);
        vm.snapshotGasLastCall(GROUP, "claim_eth_hybrid");
    }

    function test_gas_claimErc20() public {
        address[] memory nodes = _finalizedSession(SESSION, 5);
        uint256 poolId = _createPool(
            SESSION, address(token), 10e18, IRewardDistributor.Strategy.Tiered, _tieredParams(8500)
        );
        vm.prank(nodes[2]);
        gradpay.claimReward(poolId);
        vm.snapshotGasLastCall(GROUP, "claim_erc20_tiered");
    }

    /// @dev The claims above by a node that set a payout address: the flag in its slot sends the claim to
    ///      read `_payouts` (one cold slot more). The payout account already exists, as the node (the sender)
    ///      does in the rows above: an ETH transfer to an address that is not the sender also pays EIP-2929's
    ///      cold account access (2,600), and a brand-new account the EVM's 25,000 on top.
    function test_gas_claimWithPayout() public {
        address[] memory nodes = _finalizedSession(SESSION, 5);
        uint256 ethPool =
            _createPool(SESSION, address(0), 10 ether, IRewardDistributor.Strategy.Proportional, _noParams());
        uint256 tokenPool = _createPool(
            SESSION, address(token), 10e18, IRewardDistributor.Strategy.Tiered, _tieredParams(8500)
        );
        uint64[] memory sessionIds = new uint64[](1);
        sessionIds[0] = SESSION;
        address payout = makeAddr("payout");
        vm.deal(payout, 1);
        vm.prank(nodes[2]);
        gradpay.setPayout(sessionIds, payout);
        vm.prank(nodes[2]);
        gradpay.claimReward(ethPool);
        vm.snapshotGasLastCall(GROUP, "claim_eth_proportional_withPayout");
        vm.prank(nodes[2]);
        gradpay.claimReward(tokenPool);
        vm.snapshotGasLastCall(GROUP, "claim_erc20_tiered_withPayout");
    }

    function test_gas_claimRewardTo() public {
        address[] memory nodes = _finalizedSession(SESSION, 5);
        uint256 poolId =
            _createPool(SESSION, address(0), 10 ether, IRewardDistributor.Strategy.Proportional, _noParams());
        address elsewhere = makeAddr("elsewhere");
        vm.deal(elsewhere, 1); // an existing account, as for `test_gas_claimWithPayout`
        vm.prank(nodes[2]);
        gradpay.claimRewardTo(poolId, elsewhere);
        vm.snapshotGasLastCall(GROUP, "claimRewardTo_eth_proportional");
    }

    function test_gas_claimBatch5Pools() public {
        address[] memory nodes = _finalizedSession(SESSION, 5);
        uint256[] memory poolIds = new uint256[](5);
        poolIds[0] =
            _createPool(SESSION, address(0), 1 ether, IRewardDistributor.Strategy.Proportional, _noParams());
        poolIds[1] = _createPool(
            SESSION, address(0), 2 ether, IRewardDistributor.Strategy.Tiered, _tieredParams(8500)
        );
        poolIds[2] = _createPool(
            SESSION, address(0), 3 ether, IRewardDistributor.Strategy.MinimumGuarantee, _floorParams(5000)
        );
        poolIds[3] =
            _createPool(SESSION, address(token), 4e18, IRewardDistributor.Strategy.Proportional, _noParams());
        poolIds[4] = _createPool(
            SESSION, address(token), 5e18, IRewardDistributor.Strategy.Hybrid, _hybridParams(7000, 2000, 1000)
        );
        vm.prank(nodes[2]);
        gradpay.claimRewardsBatch(poolIds);
        vm.snapshotGasLastCall(GROUP, "claim_batch_5_pools");
    }

    function test_gas_sweep() public {
        _finalizedSession(SESSION, 5);
        uint256 poolId =
            _createPool(SESSION, address(0), 10 ether, IRewardDistributor.Strategy.Proportional, _noParams());
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        vm.prank(stranger);
        gradpay.sweepPool(poolId);
        vm.snapshotGasLastCall(GROUP, "sweep_pool_eth");
    }

    // ------------------------------------------------------------------ the reference session

    /// @dev The whole life of a 5-node, 3-epoch session, every transaction summed: create, register,
    ///      3 epochs, complete, finalize (start + ranking), one ETH pool, 5 claims.
    function test_gas_referenceSession() public {
        uint256 total;
        address[] memory nodes = _nodes(5);

        vm.prank(coordinator);
        gradpay.createSession(SESSION, MODEL, 1e18);
        total += vm.lastCallGas().gasTotalUsed;
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, nodes, _nodeIds(5));
        total += vm.lastCallGas().gasTotalUsed;
        for (uint32 epoch; epoch < 3; ++epoch) {
            uint256[] memory entries = _entries(5, epoch);
            vm.prank(coordinator);
            gradpay.recordContributionsBatch(SESSION, epoch, 0, 10, entries);
            total += vm.lastCallGas().gasTotalUsed;
        }
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        total += vm.lastCallGas().gasTotalUsed;

        (uint32[] memory ranked, uint256 sumScore, uint256 sumSquares) = _ranking(SESSION);
        vm.prank(coordinator);
        gradpay.startFinalization(SESSION, 5, sumScore, sumSquares);
        total += vm.lastCallGas().gasTotalUsed;
        vm.prank(coordinator);
        gradpay.submitRanking(SESSION, ranked, true);
        total += vm.lastCallGas().gasTotalUsed;

        uint40 deadline = uint40(block.timestamp) + CLAIM_WINDOW;
        vm.prank(coordinator);
        uint256 poolId = gradpay.createRewardPool{value: 10 ether}(
            SESSION,
            address(0),
            10 ether,
            IRewardDistributor.Strategy.Proportional,
            _noParams(),
            deadline,
            refund
        );
        total += vm.lastCallGas().gasTotalUsed;
        for (uint256 i; i < 5; ++i) {
            vm.prank(nodes[i]);
            gradpay.claimReward(poolId);
            total += vm.lastCallGas().gasTotalUsed;
        }

        vm.snapshotValue("reference_session", "total", total);
        console.log("reference session total gas", total);
        assertLt(address(gradpay).balance, 15, "all five paid, dust only");
    }
}
