//! The harness on a hand-assembled contract, so it is proven before any gradpay code exists.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use alloy_primitives::hex;

/// Runtime: with empty calldata, `revert(0, 0)`; else `sstore(cd[0], cd[32])`, then returns
/// `sload(cd[0])` and logs it (LOG0).
const STORE_RUNTIME: &str = "3615601d57602035600035556000355460005260206000a060206000f35b60006000fd";
/// Init code: copies the 0x23-byte runtime that follows it and returns it.
const STORE_INIT: &str = "6023600c60003960236000f3";

fn word(x: u64) -> [u8; 32] {
    U256::from(x).to_be_bytes()
}

fn store_call(slot: u64, value: u64) -> Bytes {
    [word(slot), word(value)].concat().into()
}

fn deploy_store(chain: &mut Chain, from: Address) -> Address {
    let init = hex::decode(format!("{STORE_INIT}{STORE_RUNTIME}")).unwrap();
    chain.deploy(from, init.into()).unwrap()
}

const ALICE: Address = Address::repeat_byte(0xa1);

#[test]
fn deploys_calls_logs_and_reverts_under_both_rules() {
    for rules in Rules::ALL {
        let mut chain = Chain::new(rules);
        chain.fund(ALICE, U256::from(10u64).pow(U256::from(24u64)));
        let store = deploy_store(&mut chain, ALICE);

        let stored = chain.call(ALICE, store, store_call(7, 42), U256::ZERO, 100_000).unwrap();
        assert!(stored.success, "{rules:?}");
        assert_eq!(stored.output.as_ref(), &word(42), "{rules:?}");
        assert_eq!(stored.logs.len(), 1);
        assert_eq!(stored.logs[0].address, store);
        assert_eq!(stored.logs[0].data.data.as_ref(), &word(42));

        let reverted = chain.call(ALICE, store, Bytes::new(), U256::ZERO, 100_000).unwrap();
        assert!(!reverted.success && reverted.logs.is_empty(), "{rules:?}");

        let read_back = chain.dry_run(ALICE, store, store_call(7, 42)).unwrap();
        assert_eq!(read_back.output.as_ref(), &word(42), "state committed, {rules:?}");
        let changed = chain.dry_run(ALICE, store, store_call(7, 9)).unwrap();
        assert_eq!(changed.output.as_ref(), &word(9));
        let unchanged = chain.dry_run(ALICE, store, store_call(7, 42)).unwrap();
        assert_eq!(unchanged.output.as_ref(), &word(42), "a dry run commits nothing");
    }
}

/// A fresh non-zero slot against rewriting the same value, same calldata shape: the difference
/// is exactly the storage-creation price of each rule set.
fn fresh_slot_premium(rules: Rules) -> u64 {
    let mut chain = Chain::new(rules);
    chain.fund(ALICE, U256::from(10u64).pow(U256::from(24u64)));
    let store = deploy_store(&mut chain, ALICE);
    let fresh = chain.call(ALICE, store, store_call(300, 5), U256::ZERO, 200_000).unwrap();
    let same = chain.call(ALICE, store, store_call(300, 5), U256::ZERO, 200_000).unwrap();
    assert!(fresh.success && same.success);
    fresh.gas_used - same.gas_used
}

#[test]
fn storage_growth_is_priced_by_each_rule_set() {
    // Ethereum: SSTORE_SET 20,000 against a no-op 100.
    assert_eq!(fresh_slot_premium(Rules::Ethereum), 19_900);
    // Monad MIP-8: page write 2,800 + state growth 17,000; a no-op write pays neither.
    assert_eq!(fresh_slot_premium(Rules::Monad), 19_800);
}

/// Clearing a slot against rewriting it to another non-zero value, each on a fresh copy of the
/// same state. Calldata differs by one non-zero byte (12 gas); the rest is the clearing refund.
fn clearing_discount(rules: Rules) -> u64 {
    let gas_after_setup = |value: u64| {
        let mut chain = Chain::new(rules);
        chain.fund(ALICE, U256::from(10u64).pow(U256::from(24u64)));
        let store = deploy_store(&mut chain, ALICE);
        assert!(chain.call(ALICE, store, store_call(9, 5), U256::ZERO, 200_000).unwrap().success);
        let receipt = chain.call(ALICE, store, store_call(9, value), U256::ZERO, 200_000).unwrap();
        assert!(receipt.success);
        receipt.gas_used
    };
    gas_after_setup(6) - gas_after_setup(0)
}

#[test]
fn only_ethereum_refunds_a_cleared_slot() {
    assert_eq!(clearing_discount(Rules::Ethereum), 12 + 4_800);
    assert_eq!(clearing_discount(Rules::Monad), 12);
}
