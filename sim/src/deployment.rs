//! GradPay deployed on a [`Chain`], with its roles funded, and typed calls to it.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolConstructor, SolInterface};

use crate::bindings::{GradPay, MockERC20, creation};
use crate::error::SimError;
use crate::evm::{Chain, Receipt, Rules, TX_GAS_CAP};

/// The admin (roles, pause, rescue).
pub const ADMIN: Address = Address::repeat_byte(0xad);
/// The coordinator: creates the session, so owns it (records, finalization, pools).
pub const COORDINATOR: Address = Address::repeat_byte(0xc0);
/// The refund address every pool names: what a sweep returns goes here.
pub const REFUND: Address = Address::repeat_byte(0x7e);
/// An account with no role.
pub const STRANGER: Address = Address::repeat_byte(0x5a);

/// Balance every funded account starts with: far above any pool the scenarios create.
pub fn rich_balance() -> U256 {
    U256::from(1u8) << 200
}

/// How a reverted call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Revert {
    /// A custom error of GradPay (its own, or one it inherits).
    GradPay(GradPay::GradPayErrors),
    /// Anything else (a panic, a halt, an unknown selector), raw.
    Raw(Bytes),
}

impl Revert {
    fn decode(data: &Bytes) -> Self {
        GradPay::GradPayErrors::abi_decode(data).map_or_else(|_| Revert::Raw(data.clone()), Revert::GradPay)
    }
}

/// A sent transaction: its receipt and its decoded result or revert.
#[derive(Clone, Debug)]
pub struct Sent<R> {
    /// What the chain reported.
    pub receipt: Receipt,
    /// The decoded return value, or why it reverted.
    pub result: Result<R, Revert>,
}

/// GradPay on a fresh chain, with the three roles funded.
#[derive(Debug)]
pub struct Deployment {
    /// The chain it lives on.
    pub chain: Chain,
    /// GradPay's address.
    pub gradpay: Address,
}

impl Deployment {
    /// Deploys GradPay under `rules`.
    pub fn new(rules: Rules) -> Result<Self, SimError> {
        let mut chain = Chain::new(rules);
        for account in [ADMIN, COORDINATOR, REFUND, STRANGER] {
            chain.fund(account, rich_balance());
        }
        let args = creation::GradPay::constructorCall { admin: ADMIN, coordinator: COORDINATOR };
        let init = [creation::GradPay::BYTECODE.as_ref(), &args.abi_encode()].concat();
        let gradpay = chain.deploy(ADMIN, init.into())?;
        Ok(Self { chain, gradpay })
    }

    /// Deploys a mock ERC20 and mints `supply` to the coordinator, approved for GradPay.
    pub fn deploy_token(&mut self, supply: U256) -> Result<Address, SimError> {
        let args =
            MockERC20::constructorCall { name_: "Reward".into(), symbol_: "RWD".into(), decimals_: 18 };
        let init = [MockERC20::BYTECODE.as_ref(), &args.abi_encode()].concat();
        let token = self.chain.deploy(ADMIN, init.into())?;
        self.send_to(
            token,
            COORDINATOR,
            &MockERC20::mintCall { to: COORDINATOR, amount: supply },
            U256::ZERO,
        )?
        .result
        .map_err(|e| SimError::Unexpected(format!("mint reverted: {e:?}")))?;
        let approve = MockERC20::approveCall { spender: self.gradpay, value: U256::MAX };
        self.send_to(token, COORDINATOR, &approve, U256::ZERO)?
            .result
            .map_err(|e| SimError::Unexpected(format!("approve reverted: {e:?}")))?;
        Ok(token)
    }

    /// Sends `call` to GradPay from `from` with `value`, at the transaction gas cap.
    pub fn send<C: SolCall>(
        &mut self,
        from: Address,
        call: &C,
        value: U256,
    ) -> Result<Sent<C::Return>, SimError> {
        self.send_to(self.gradpay, from, call, value)
    }

    /// Sends `call` to `to` from `from` with `value`, at the transaction gas cap.
    pub fn send_to<C: SolCall>(
        &mut self,
        to: Address,
        from: Address,
        call: &C,
        value: U256,
    ) -> Result<Sent<C::Return>, SimError> {
        let receipt = self.chain.call(from, to, call.abi_encode().into(), value, TX_GAS_CAP)?;
        let result = if receipt.success {
            Ok(C::abi_decode_returns(&receipt.output).map_err(|e| SimError::Decode(e.to_string()))?)
        } else {
            Err(Revert::decode(&receipt.output))
        };
        Ok(Sent { receipt, result })
    }

    /// Reads GradPay with a view call (nothing is committed).
    pub fn view<C: SolCall>(&mut self, call: &C) -> Result<C::Return, SimError> {
        self.view_at(self.gradpay, call)
    }

    /// Reads any contract with a view call (nothing is committed).
    pub fn view_at<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return, SimError> {
        let receipt = self.chain.dry_run(STRANGER, to, call.abi_encode().into())?;
        if !receipt.success {
            return Err(SimError::Unexpected(format!(
                "view reverted: {:?}",
                Revert::decode(&receipt.output)
            )));
        }
        C::abi_decode_returns(&receipt.output).map_err(|e| SimError::Decode(e.to_string()))
    }

    /// `account`'s balance of `token` (ETH when `token` is zero).
    pub fn balance_of(&mut self, token: Address, account: Address) -> Result<U256, SimError> {
        if token.is_zero() {
            Ok(self.chain.balance(account))
        } else {
            self.view_at(token, &MockERC20::balanceOfCall { account })
        }
    }
}
