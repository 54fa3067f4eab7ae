// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGradPay} from "../../contracts/interfaces/IGradPay.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {Test} from "forge-std/Test.sol";

contract DeployScriptTest is Test {
    function test_run_deploysWithRolesAndWritesTheDeploymentsFile() public {
        address admin = makeAddr("admin");
        address coordinator = makeAddr("coordinator");
        vm.setEnv("GRADPAY_ADMIN", vm.toString(admin));
        vm.setEnv("GRADPAY_COORDINATOR", vm.toString(coordinator));

        IGradPay gradpay = IGradPay(address(new Deploy().run()));

        assertTrue(gradpay.hasRole(gradpay.DEFAULT_ADMIN_ROLE(), admin), "admin role");
        assertTrue(gradpay.hasRole(gradpay.COORDINATOR_ROLE(), coordinator), "coordinator role");
        string memory path =
            string.concat(vm.projectRoot(), "/deployments/", vm.toString(block.chainid), ".json");
        string memory json = vm.readFile(path);
        assertEq(vm.parseJsonAddress(json, ".gradpay"), address(gradpay), "deployments file address");
        assertEq(vm.parseJsonUint(json, ".chain_id"), block.chainid, "deployments file chain id");
        vm.removeFile(path);
    }
}
