// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IContributionTracker} from "../../contracts/interfaces/IContributionTracker.sol";
import {BaseTest} from "../utils/BaseTest.sol";

/// @notice Gas of the registry and tracker writes, one transaction per call (FOUNDRY_PROFILE=gas,
///         isolate = true): cold storage, the 21,000 base and calldata count as on-chain.
///         Per-node and per-node-epoch figures are snapshotted next to the totals for the README.
contract RegistryTrackerGasTest is BaseTest {
    /// @dev A realistic entry: non-zero fields, so calldata is priced like a real batch.
    function _realistic(uint256 index, uint256 epoch) internal pure returns (uint256) {
        return _entry(
            uint32(index),
            uint32(3000 + (index * 7 + epoch) % 1200),
            uint32(40 + index % 20),
            uint32(index % 3),
            9,
            10,
            uint16(8000 + index % 2000),
            uint16(9000 + index % 1000),
            10_000
        );
    }

    function _batch(uint256 count, uint256 epoch) internal pure returns (uint256[] memory entries) {
        entries = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            entries[i] = _realistic(i, epoch);
        }
    }

    // ------------------------------------------------------------------ registry

    function test_gas_createSession() public {
        vm.prank(coordinator);
        gradpay.createSession(SESSION, MODEL, 1e18);
        vm.snapshotGasLastCall("registry", "createSession");
    }

    function test_gas_registerNode() public {
        vm.prank(coordinator);
        gradpay.createSession(SESSION, MODEL, 0);
        vm.prank(coordinator);
        gradpay.registerNode(SESSION, makeAddr("node"), keccak256("node"));
        vm.snapshotGasLastCall("registry", "registerNode");
    }

    function _registerBatch(uint256 count) internal {
        vm.prank(coordinator);
        gradpay.createSession(SESSION, MODEL, 0);
        address[] memory nodes = _nodes(count);
        bytes32[] memory ids = _nodeIds(count);
        vm.prank(coordinator);
        gradpay.registerNodesBatch(SESSION, nodes, ids);
        string memory name = string.concat("registerNodesBatch_", vm.toString(count));
        uint256 gasUsed = vm.snapshotGasLastCall("registry", name);
        vm.snapshotValue("registry", string.concat(name, "_perNode"), gasUsed / count);
        assertEq(gradpay.getSession(SESSION).nodeCount, count, "registered");
    }

    function test_gas_registerNodesBatch_10() public {
        _registerBatch(10);
    }

    function test_gas_registerNodesBatch_100() public {
        _registerBatch(100);
    }

    function test_gas_excludeNode() public {
        address[] memory nodes = _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 0, 10, _batch(2, 0));
        vm.prank(coordinator);
        gradpay.excludeNode(SESSION, nodes[1], "duplicate gradients");
        vm.snapshotGasLastCall("registry", "excludeNode");
    }

    function test_gas_completeSession() public {
        _createSession(SESSION, 0, 2);
        _record(SESSION, 0, 0, 10, _batch(2, 0));
        vm.prank(coordinator);
        gradpay.completeSession(SESSION);
        vm.snapshotGasLastCall("registry", "completeSession");
    }

    // ------------------------------------------------------------------ tracker

    /// @dev One batch of `count` node-epochs, in the session's first epoch or in a later one (records exist).
    function _recordBatch(uint256 count, bool laterEpoch) internal {
        _createSession(SESSION, 0, count);
        uint32 epoch;
        if (laterEpoch) {
            _record(SESSION, 0, 0, 10, _batch(count, 0));
            epoch = 1;
        }
        uint256[] memory entries = _batch(count, epoch);
        vm.prank(coordinator);
        gradpay.recordContributionsBatch(SESSION, epoch, 0, 10, entries);
        string memory name = string.concat(
            "recordContributionsBatch_", vm.toString(count), laterEpoch ? "_laterEpoch" : "_firstEpoch"
        );
        uint256 gasUsed = vm.snapshotGasLastCall("tracker", name);
        vm.snapshotValue("tracker", string.concat(name, "_perNodeEpoch"), gasUsed / count);
        assertEq(gradpay.getSessionTotal(SESSION).nodeEpochs, laterEpoch ? 2 * count : count, "recorded");
    }

    function test_gas_recordContributionsBatch_1_firstEpoch() public {
        _recordBatch(1, false);
    }

    function test_gas_recordContributionsBatch_10_firstEpoch() public {
        _recordBatch(10, false);
    }

    function test_gas_recordContributionsBatch_100_firstEpoch() public {
        _recordBatch(100, false);
    }

    function test_gas_recordContributionsBatch_1_laterEpoch() public {
        _recordBatch(1, true);
    }

    function test_gas_recordContributionsBatch_10_laterEpoch() public {
        _recordBatch(10, true);
    }

    function test_gas_recordContributionsBatch_100_laterEpoch() public {
        _recordBatch(100, true);
    }

    /// @dev A later epoch sent by a delegate of the session's owner: the rights slot is read after the owner's.
    function test_gas_recordContributionsBatch_100_laterEpoch_delegate() public {
        address delegate = makeAddr("delegate");
        _createSession(SESSION, 0, 100);
        vm.prank(coordinator);
        gradpay.setDelegate(SESSION, delegate, true);
        _record(SESSION, 0, 0, 10, _batch(100, 0));
        uint256[] memory entries = _batch(100, 1);
        vm.prank(delegate);
        gradpay.recordContributionsBatch(SESSION, 1, 0, 10, entries);
        uint256 gasUsed =
            vm.snapshotGasLastCall("tracker", "recordContributionsBatch_100_laterEpoch_delegate");
        vm.snapshotValue(
            "tracker", "recordContributionsBatch_100_laterEpoch_delegate_perNodeEpoch", gasUsed / 100
        );
    }

    /// @dev A second batch of the same epoch: the epoch is already open, the records are written first.
    function test_gas_recordContributionsBatch_100_sameEpochSecondBatch() public {
        _createSession(SESSION, 0, 200);
        uint256[] memory first = _batch(100, 0);
        _record(SESSION, 0, 0, 10, first);
        uint256[] memory second = new uint256[](100);
        for (uint256 i; i < 100; ++i) {
            second[i] = _realistic(100 + i, 0);
        }
        vm.prank(coordinator);
        gradpay.recordContributionsBatch(SESSION, 0, 1, 10, second);
        uint256 gasUsed =
            vm.snapshotGasLastCall("tracker", "recordContributionsBatch_100_sameEpochSecondBatch");
        vm.snapshotValue(
            "tracker", "recordContributionsBatch_100_sameEpochSecondBatch_perNodeEpoch", gasUsed / 100
        );
    }
}
