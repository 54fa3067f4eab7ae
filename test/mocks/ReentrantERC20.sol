// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Reentrant} from "./Reentrant.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice An ERC20 whose transfer and transferFrom call back into a target (like an ERC777 hook) after
///         moving the tokens.
/// @dev `swallow = false`: a failed callback's revert is bubbled out of the transfer.
///      `swallow = true`: the failure is recorded in `lastError` and the transfer succeeds.
contract ReentrantERC20 is ERC20, Reentrant {
    address public target;
    bool public onTransfer;
    bool public onTransferFrom;

    constructor() ERC20("Reentrant", "RENT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata call_, bool onTransfer_, bool onTransferFrom_, bool swallow_)
        external
    {
        (target, reentryCall, onTransfer, onTransferFrom, swallow) =
        (target_, call_, onTransfer_, onTransferFrom_, swallow_);
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        bool ok = super.transfer(to, value);
        if (onTransfer) _reenter(target);
        return ok;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        bool ok = super.transferFrom(from, to, value);
        if (onTransferFrom) _reenter(target);
        return ok;
    }
}
