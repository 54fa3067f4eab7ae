// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {INodeOperators} from "../../contracts/interfaces/INodeOperators.sol";
import {IRewardDistributor} from "../../contracts/interfaces/IRewardDistributor.sol";
import {OperatorsTest} from "../utils/OperatorsTest.sol";
import {console} from "forge-std/console.sol";

/// @notice Gas snapshots of the node operators' functions (snapshots/operators.json): payout addresses,
///         node-signed registration (per node, to compare with registerNodesBatch's) and relayed claims.
/// @dev Run under FOUNDRY_PROFILE=gas (one transaction per call). Every signature is an EOA's (one
///      ecrecover: 3,000 gas on Ethereum, 6,000 on Monad).
contract OperatorsGasTest is OperatorsTest {
    string internal constant GROUP = "operators";

    function test_gas_setPayout() public {
        _fixture();
        vm.prank(nodes[1]);
        gradpay.setPayout(_one(SESSION), payout);
        vm.snapshotGasLastCall(GROUP, "setPayout_1_session");
    }

    function test_gas_setPayoutBySig() public {
        _fixture();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory signature =
            _sign(_nodeKey(1), _digest(_setPayoutHash(nodes[1], _one(SESSION), payout, 0, deadline)));
        vm.prank(relayer);
        gradpay.setPayoutBySig(nodes[1], _one(SESSION), payout, 0, deadline, signature);
        vm.snapshotGasLastCall(GROUP, "setPayoutBySig_1_session");
    }

    function _registerSigned(uint256 count, bool withPayout) internal {
        vm.prank(coordinator);
        gradpay.createNodeSignedSession(SESSION, MODEL, 0);
        INodeOperators.NodeConsent[] memory consents = _consents(count, SESSION, withPayout);
        vm.prank(coordinator);
        gradpay.registerSignedNodes(SESSION, consents);
        string memory label =
            string.concat("registerSignedNodes_", vm.toString(count), withPayout ? "_withPayout" : "");
        uint256 gasUsed = vm.snapshotGasLastCall(GROUP, label);
        vm.snapshotValue(GROUP, string.concat(label, "_perNode"), gasUsed / count);
        console.log(label, "per node", gasUsed / count);
    }

    function test_gas_registerSignedNodes_1() public {
        _registerSigned(1, false);
    }

    function test_gas_registerSignedNodes_1_withPayout() public {
        _registerSigned(1, true);
    }

    function test_gas_registerSignedNodes_100() public {
        _registerSigned(100, false);
    }

    function test_gas_registerSignedNodes_100_withPayout() public {
        _registerSigned(100, true);
    }

    /// @dev One node, one ETH pool, a 1 % fee: two transfers (the node and the relayer).
    function test_gas_claimRewardsBySig_1_request() public {
        _fixture();
        uint256 poolId = _ethPool(10 ether);
        INodeOperators.ClaimRequest memory request = _claimRequest(_nodeKey(1), _onePool(poolId), 100, 100, 0);
        vm.prank(relayer);
        gradpay.claimRewardsBySig(_requests(request));
        vm.snapshotGasLastCall(GROUP, "claimRewardsBySig_1_request_1_pool");
    }

    /// @dev Ten nodes, one ETH pool each, a 1 % fee: the per-node figure is what a relayer pays per claim.
    function test_gas_claimRewardsBySig_10_nodes() public {
        _createSession(SESSION, 0, 10);
        uint256[] memory entries = new uint256[](10);
        for (uint256 i; i < 10; ++i) {
            entries[i] = _entry(uint32(i), uint32(3600 + i * 37), 40, 1, 9, 10, 9000, 9500, 9800);
        }
        _record(SESSION, 0, 0, 10, entries);
        _finalize(SESSION);
        uint256 poolId =
            _createPool(SESSION, address(0), 10 ether, IRewardDistributor.Strategy.Proportional, _noParams());
        INodeOperators.ClaimRequest[] memory requests = new INodeOperators.ClaimRequest[](10);
        for (uint256 i; i < 10; ++i) {
            requests[i] = _claimRequest(_nodeKey(i), _onePool(poolId), 100, 100, 0);
        }
        vm.prank(relayer);
        gradpay.claimRewardsBySig(requests);
        uint256 gasUsed = vm.snapshotGasLastCall(GROUP, "claimRewardsBySig_10_requests_1_pool");
        vm.snapshotValue(GROUP, "claimRewardsBySig_10_requests_1_pool_perNode", gasUsed / 10);
    }
}
