//! The mock ERC20 the demo pays its token pools in (and the tests use), bound from forge's artifact.

#![allow(missing_docs, unreachable_pub, clippy::too_many_arguments)]

alloy::sol!(
    #[sol(rpc)]
    MockERC20,
    "../out/MockERC20.sol/MockERC20.json"
);
