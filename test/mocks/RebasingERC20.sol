// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice An ERC20 whose owner can move balances without a transfer: `rebase` scales every balance at once
///         (an elastic-supply token), `burn` takes tokens from a holder (a blacklist or bridge burn).
///         Transfers are exact, so every difference a test sees comes from those two.
/// @dev Rebasing loops over the holders: fine for a test token with a handful of them.
contract RebasingERC20 {
    address public immutable owner = msg.sender;
    address[] private _holders;
    mapping(address => bool) private _known;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    modifier onlyOwner() {
        require(msg.sender == owner, "RebasingERC20: owner");
        _;
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    function mint(address to, uint256 amount) external {
        _credit(to, amount);
        emit Transfer(address(0), to, amount);
    }

    /// @notice Scales every balance by `numerator / denominator`, rounding down.
    function rebase(uint256 numerator, uint256 denominator) external onlyOwner {
        for (uint256 i; i < _holders.length; ++i) {
            address holder = _holders[i];
            balanceOf[holder] = balanceOf[holder] * numerator / denominator;
        }
    }

    function burn(address from, uint256 amount) external onlyOwner {
        balanceOf[from] -= amount;
        emit Transfer(from, address(0), amount);
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        require(allowed >= amount, "RebasingERC20: allowance");
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - amount;
        _move(from, to, amount);
        return true;
    }

    function _move(address from, address to, uint256 amount) private {
        require(balanceOf[from] >= amount, "RebasingERC20: balance");
        balanceOf[from] -= amount;
        _credit(to, amount);
        emit Transfer(from, to, amount);
    }

    function _credit(address to, uint256 amount) private {
        if (!_known[to]) {
            _known[to] = true;
            _holders.push(to);
        }
        balanceOf[to] += amount;
    }
}
