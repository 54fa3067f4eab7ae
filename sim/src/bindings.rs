//! Typed bindings generated from forge's artifacts (`forge build` runs before cargo), so no ABI
//! is copied by hand: every call, event, custom error and the creation code come from `out/`.

#![allow(missing_docs, unreachable_pub, clippy::too_many_arguments)]

alloy_sol_types::sol!(
    #[sol(all_derives)]
    GradPay,
    "../out/IGradPay.sol/IGradPay.json"
);

/// GradPay's creation code and constructor (its calls, events and errors are [`GradPay`]'s, the
/// interface every read and write of its address is served by).
pub mod creation {
    alloy_sol_types::sol!(
        #[sol(all_derives)]
        GradPay,
        "../out/GradPay.sol/GradPay.json"
    );
}

alloy_sol_types::sol!(
    #[sol(all_derives)]
    MockERC20,
    "../out/MockERC20.sol/MockERC20.json"
);
