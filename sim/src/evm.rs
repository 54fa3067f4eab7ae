//! An in-memory chain over revm: Ethereum (Prague) or Monad (MonadTen) rules behind one switch.

use alloy_primitives::{Address, Bytes, Log, U256};
use monad_revm::{DefaultMonadEvm, MonadBuilder, MonadContext, MonadHardfork, monad_context_with_db};
use revm::{
    Context, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext, MainnetEvm,
    context::{BlockEnv, TxEnv, result::ExecutionResult, result::Output},
    context_interface::ContextTr,
    database::{CacheDB, EmptyDB},
    handler::MainnetContext,
    primitives::{TxKind, hardfork::SpecId},
    state::AccountInfo,
};

use crate::error::SimError;

/// Both chains cap a transaction here: Monad by protocol, Ethereum by the block limit we model.
pub const TX_GAS_CAP: u64 = 30_000_000;

/// Which chain's execution and gas rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rules {
    /// Ethereum mainnet at Prague.
    Ethereum,
    /// Monad at MonadTen: gas charged on the limit, no refunds, MIP-8 storage pages.
    Monad,
}

impl Rules {
    /// Both rule sets, Ethereum first.
    pub const ALL: [Rules; 2] = [Rules::Ethereum, Rules::Monad];

    /// A short display name.
    pub fn name(self) -> &'static str {
        match self {
            Rules::Ethereum => "Ethereum (Prague)",
            Rules::Monad => "Monad (MonadTen)",
        }
    }
}

type Db = CacheDB<EmptyDB>;

enum Engine {
    Ethereum(Box<MainnetEvm<MainnetContext<Db>>>),
    Monad(Box<DefaultMonadEvm<MonadContext<Db>>>),
}

/// Runs `$body` with `$evm` bound to whichever engine the chain has.
macro_rules! with_engine {
    ($engine:expr, $evm:ident => $body:expr) => {
        match $engine {
            Engine::Ethereum($evm) => $body,
            Engine::Monad($evm) => $body,
        }
    };
}

/// What one transaction did.
#[derive(Clone, Debug)]
pub struct Receipt {
    /// Whether it succeeded (no revert, no halt).
    pub success: bool,
    /// Return data, or revert data.
    pub output: Bytes,
    /// Logs emitted (empty unless it succeeded).
    pub logs: Vec<Log>,
    /// Gas used by execution, after refunds where the rules give them.
    pub gas_used: u64,
    /// The gas limit the transaction carried (what Monad charges).
    pub gas_limit: u64,
    /// The contract a creation deployed.
    pub created: Option<Address>,
}

/// A storage slot a transaction read or wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotTouch {
    /// The slot.
    pub slot: U256,
    /// Its value before the transaction.
    pub before: U256,
    /// Its value after.
    pub after: U256,
}

/// A copy of a chain's state (see [`Chain::snapshot`]).
#[derive(Debug)]
pub struct Snapshot(Db);

/// One in-memory chain.
pub struct Chain {
    rules: Rules,
    engine: Engine,
    timestamp: u64,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain").field("rules", &self.rules).field("timestamp", &self.timestamp).finish()
    }
}

impl Chain {
    /// An empty chain under `rules`, at timestamp 1,700,000,000.
    pub fn new(rules: Rules) -> Self {
        let db = Db::default();
        let engine = match rules {
            Rules::Ethereum => {
                let ctx = Context::mainnet().with_db(db).modify_cfg_chained(|cfg| {
                    cfg.spec = SpecId::PRAGUE;
                    cfg.disable_nonce_check = true;
                });
                Engine::Ethereum(Box::new(ctx.build_mainnet()))
            }
            Rules::Monad => {
                let mut ctx = monad_context_with_db(db);
                ctx.cfg.0.spec = MonadHardfork::MonadTen;
                ctx.cfg.0.disable_nonce_check = true;
                Engine::Monad(Box::new(ctx.build_monad()))
            }
        };
        let mut chain = Self { rules, engine, timestamp: 0 };
        chain.set_timestamp(1_700_000_000);
        chain
    }

    /// Lifts the per-transaction gas cap (Monad's 30M) so an operation too large for one
    /// transaction can still be measured; only the gas tables do this, and say so.
    pub fn lift_gas_cap(&mut self) {
        match &mut self.engine {
            Engine::Ethereum(evm) => evm.ctx.cfg.tx_gas_limit_cap = Some(u64::MAX),
            Engine::Monad(evm) => evm.0.ctx.cfg.0.tx_gas_limit_cap = Some(u64::MAX),
        }
    }

    /// The rules this chain runs.
    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// The block timestamp every transaction sees.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// Moves the clock (every later transaction runs in a block at `timestamp`).
    pub fn set_timestamp(&mut self, timestamp: u64) {
        self.timestamp = timestamp;
        let block =
            BlockEnv { timestamp: U256::from(timestamp), number: U256::from(1), ..BlockEnv::default() };
        match &mut self.engine {
            Engine::Ethereum(evm) => evm.set_block(block),
            Engine::Monad(evm) => evm.set_block(block),
        }
    }

    fn db_mut(&mut self) -> &mut Db {
        match &mut self.engine {
            Engine::Ethereum(evm) => evm.ctx.db_mut(),
            Engine::Monad(evm) => evm.0.ctx.db_mut(),
        }
    }

    /// The whole state, to put back with [`Self::restore`]: what runs in between leaves no trace
    /// (a pause probe pauses, and a pause moves the pause clock even once lifted).
    pub fn snapshot(&mut self) -> Snapshot {
        Snapshot(self.db_mut().clone())
    }

    /// Puts back the state of `snapshot`.
    pub fn restore(&mut self, snapshot: Snapshot) {
        *self.db_mut() = snapshot.0;
    }

    /// Sets `account`'s balance to `wei`.
    pub fn fund(&mut self, account: Address, wei: U256) {
        let db = self.db_mut();
        let info = db.cache.accounts.get(&account).map(|a| a.info.clone()).unwrap_or_default();
        db.insert_account_info(account, AccountInfo { balance: wei, ..info });
    }

    /// `account`'s balance.
    pub fn balance(&mut self, account: Address) -> U256 {
        self.db_mut().cache.accounts.get(&account).map(|a| a.info.balance).unwrap_or_default()
    }

    /// `account`'s non-zero storage slots, sorted: equal snapshots mean equal storage.
    pub fn storage(&mut self, account: Address) -> Vec<(U256, U256)> {
        let mut slots: Vec<(U256, U256)> = self
            .db_mut()
            .cache
            .accounts
            .get(&account)
            .map(|a| a.storage.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, *v)).collect())
            .unwrap_or_default();
        slots.sort_unstable();
        slots
    }

    /// Deploys `init_code` (constructor arguments appended) from `from`.
    pub fn deploy(&mut self, from: Address, init_code: Bytes) -> Result<Address, SimError> {
        let receipt = self.send(from, TxKind::Create, init_code, U256::ZERO, TX_GAS_CAP)?;
        match (receipt.success, receipt.created) {
            (true, Some(address)) => Ok(address),
            _ => Err(SimError::Deploy(receipt.output)),
        }
    }

    /// Sends a call from `from` and commits its effects.
    pub fn call(
        &mut self,
        from: Address,
        to: Address,
        data: Bytes,
        value: U256,
        gas_limit: u64,
    ) -> Result<Receipt, SimError> {
        self.send(from, TxKind::Call(to), data, value, gas_limit)
    }

    /// Runs a call without committing anything (a view).
    pub fn dry_run(&mut self, from: Address, to: Address, data: Bytes) -> Result<Receipt, SimError> {
        self.dry_run_with(from, to, data, U256::ZERO, TX_GAS_CAP)
    }

    /// The smallest gas limit under which the call succeeds, found the way `eth_estimateGas`
    /// does (bisection over dry runs); `None` if it fails even at the cap.
    pub fn estimate_gas(
        &mut self,
        from: Address,
        to: Address,
        data: &Bytes,
        value: U256,
    ) -> Result<Option<u64>, SimError> {
        let at_cap = self.dry_run_with(from, to, data.clone(), value, TX_GAS_CAP)?;
        if !at_cap.success {
            return Ok(None);
        }
        let (mut low, mut high) = (at_cap.gas_used.saturating_sub(1), TX_GAS_CAP);
        // Most calls need little above what they use (refunds, the 63/64 rule): try there first.
        let near = (at_cap.gas_used + at_cap.gas_used / 8 + 50_000).min(TX_GAS_CAP);
        if self.dry_run_with(from, to, data.clone(), value, near)?.success {
            high = near;
        }
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if self.dry_run_with(from, to, data.clone(), value, mid)?.success {
                high = mid;
            } else {
                low = mid;
            }
        }
        Ok(Some(high))
    }

    /// Runs a call without committing it, and lists every storage slot of `account` it read or
    /// wrote, with the value before and after: the raw material of a gas breakdown.
    pub fn dry_run_touches(
        &mut self,
        from: Address,
        to: Address,
        data: Bytes,
        account: Address,
    ) -> Result<(Receipt, Vec<SlotTouch>), SimError> {
        let tx = transaction(from, TxKind::Call(to), data, U256::ZERO, TX_GAS_CAP);
        let outcome = with_engine!(&mut self.engine, evm => evm.transact(tx).map_err(|e| SimError::Evm(e.to_string())))?;
        let touches = outcome
            .state
            .get(&account)
            .map(|a| {
                a.storage
                    .iter()
                    .map(|(slot, value)| SlotTouch {
                        slot: *slot,
                        before: value.original_value,
                        after: value.present_value,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok((receipt(outcome.result, TX_GAS_CAP), touches))
    }

    fn dry_run_with(
        &mut self,
        from: Address,
        to: Address,
        data: Bytes,
        value: U256,
        gas_limit: u64,
    ) -> Result<Receipt, SimError> {
        let tx = transaction(from, TxKind::Call(to), data, value, gas_limit);
        let result = with_engine!(&mut self.engine, evm => evm.transact(tx).map(|r| r.result).map_err(|e| SimError::Evm(e.to_string())))?;
        Ok(receipt(result, gas_limit))
    }

    fn send(
        &mut self,
        from: Address,
        kind: TxKind,
        data: Bytes,
        value: U256,
        gas_limit: u64,
    ) -> Result<Receipt, SimError> {
        let tx = transaction(from, kind, data, value, gas_limit);
        let result = with_engine!(&mut self.engine, evm => evm.transact_commit(tx).map_err(|e| SimError::Evm(e.to_string())))?;
        Ok(receipt(result, gas_limit))
    }
}

fn transaction(from: Address, kind: TxKind, data: Bytes, value: U256, gas_limit: u64) -> TxEnv {
    TxEnv::builder()
        .caller(from)
        .kind(kind)
        .data(data)
        .value(value)
        .gas_limit(gas_limit)
        .gas_price(0)
        .build_fill()
}

fn receipt(result: ExecutionResult, gas_limit: u64) -> Receipt {
    let gas_used = result.tx_gas_used();
    match result {
        ExecutionResult::Success { logs, output, .. } => {
            let created = match &output {
                Output::Create(_, address) => *address,
                Output::Call(_) => None,
            };
            Receipt { success: true, output: output.into_data(), logs, gas_used, gas_limit, created }
        }
        ExecutionResult::Revert { output, .. } => {
            Receipt { success: false, output, logs: Vec::new(), gas_used, gas_limit, created: None }
        }
        ExecutionResult::Halt { .. } => Receipt {
            success: false,
            output: Bytes::new(),
            logs: Vec::new(),
            gas_used,
            gas_limit,
            created: None,
        },
    }
}

#[cfg(test)]
#[path = "evm_tests.rs"]
mod tests;
