// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {GradPay} from "../contracts/GradPay.sol";
import {Script} from "forge-std/Script.sol";

/// @notice Deploys GradPay and writes `deployments/<chainId>.json` ({chain_id, gradpay, block}), the file
///         the `gradpay` client reads. Roles default to the broadcaster; override with GRADPAY_ADMIN and
///         GRADPAY_COORDINATOR. The key comes from forge's own flags
///         (`--private-key`, `--account`, a hardware wallet), never from this script.
/// @dev `forge script script/Deploy.s.sol --rpc-url <url> --broadcast --account <keystore>`
contract Deploy is Script {
    function run() external returns (GradPay gradpay) {
        vm.startBroadcast();
        (, address deployer,) = vm.readCallers();
        address admin = vm.envOr("GRADPAY_ADMIN", deployer);
        address coordinator = vm.envOr("GRADPAY_COORDINATOR", deployer);
        gradpay = new GradPay(admin, coordinator);
        vm.stopBroadcast();

        string memory json = "deployment";
        vm.serializeUint(json, "chain_id", block.chainid);
        vm.serializeUint(json, "block", block.number);
        json = vm.serializeAddress(json, "gradpay", address(gradpay));
        string memory dir = string.concat(vm.projectRoot(), "/deployments");
        vm.createDir(dir, true);
        vm.writeJson(json, string.concat(dir, "/", vm.toString(block.chainid), ".json"));
    }
}
