//! Fee quoting and the funding delay on a real anvil: each `fee-quote` against what the node
//! reports, the fee cap refusing before anything is sent, and `wait_blocks_after` on a chain that
//! mines on a timer (it waits `reserve-blocks` blocks) and on one that mines only on transactions
//! (it says the chain stalled).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, Bytes, U256},
    providers::Provider,
};
use gradpay::{
    Coordinator, Error, NetworkProfile,
    demo::anvil::{Anvil, AnvilOptions, dev_signer, set_balance, simulated_node_signer},
    fees::{FeeQuote, GWEI},
    provider::build_provider,
    tx::Fees,
};

/// A coordinator on `anvil` signing as dev account 0, with `profile` changed by `edit`.
fn coordinator(anvil: &Anvil, edit: impl FnOnce(&mut NetworkProfile)) -> Coordinator {
    let mut profile = NetworkProfile {
        rpc_url: anvil.url(),
        poll_interval_ms: 10,
        receipt_timeout_secs: 10,
        ..NetworkProfile::builtin("local").unwrap()
    };
    edit(&mut profile);
    let signer = dev_signer(0).unwrap();
    let provider = build_provider(&profile.rpc_url, None).unwrap();
    Coordinator::from_parts(provider, profile, Address::ZERO, signer.address()).with_signer(signer)
}

#[tokio::test]
async fn the_ethereum_quote_is_alloys_estimate_and_the_monad_quote_bids_the_minimum_base_fee() {
    let anvil = Anvil::spawn(&AnvilOptions::default()).unwrap();
    let ethereum = coordinator(&anvil, |_| {});
    let estimate = ethereum.provider().estimate_eip1559_fees().await.unwrap();
    let fees = ethereum.fees(100).await.unwrap();
    assert_eq!(
        (fees.max_fee_per_gas, fees.max_priority_fee_per_gas),
        (estimate.max_fee_per_gas, estimate.max_priority_fee_per_gas)
    );
    let monad = coordinator(&anvil, |p| (p.fee_quote, p.min_base_fee_wei) = (FeeQuote::Monad, 100 * GWEI));
    let base = ethereum.provider().get_block_by_number(Default::default()).await.unwrap().unwrap();
    assert!(u128::from(base.header.base_fee_per_gas.unwrap()) < 100 * GWEI, "anvil starts below the floor");
    // An empty chain paid no tips: the floor plus a quarter, no tip.
    assert_eq!(
        monad.fees(100).await.unwrap(),
        Fees { max_fee_per_gas: 125 * GWEI, max_priority_fee_per_gas: 0 }
    );
    assert_eq!(monad.fees(200).await.unwrap().max_fee_per_gas, 250 * GWEI, "a replacement bumps it");
    let capped = coordinator(&anvil, |p| {
        (p.fee_quote, p.min_base_fee_wei, p.max_fee_per_gas) =
            (FeeQuote::Monad, 100 * GWEI, Some(110 * GWEI));
    });
    assert_eq!(capped.fees(100).await.unwrap().max_fee_per_gas, 110 * GWEI);
}

#[tokio::test]
async fn a_fee_cap_below_the_base_fee_sends_nothing() {
    let anvil = Anvil::spawn(&AnvilOptions::default()).unwrap();
    let c = coordinator(&anvil, |p| p.max_fee_per_gas = Some(1));
    let nonce = c.pending_nonce().await.unwrap();
    let transfer = c.request(Bytes::new()).with_to(Address::repeat_byte(7)).with_value(U256::from(1));
    let err = c.transact("paying", transfer).await.unwrap_err();
    assert!(matches!(err, Error::FeeCapBelowBaseFee { cap: 1, .. }), "{err}");
    assert_eq!(err.kind(), "feeCapBelowBaseFee");
    assert_eq!(c.pending_nonce().await.unwrap(), nonce, "nothing was sent");
    assert_eq!(c.provider().get_balance(Address::repeat_byte(7)).await.unwrap(), U256::ZERO);
}

#[tokio::test]
async fn received_funds_are_spent_reserve_blocks_later_on_a_chain_that_mines_on_a_timer() {
    let anvil = Anvil::spawn(&AnvilOptions { block_time: Some(0.2), ..Default::default() }).unwrap();
    let c = coordinator(&anvil, |p| p.reserve_blocks = 3);
    let node = simulated_node_signer(0).unwrap();
    set_balance(c.provider(), node.address(), U256::from(10u128.pow(18))).await.unwrap();
    let funded_at = c.latest_block().await.unwrap();
    let started = Instant::now();
    let head = c.wait_blocks_after(funded_at).await.unwrap();
    assert!(head >= funded_at + 3, "head {head}, funded at {funded_at}");
    assert!(started.elapsed() >= Duration::from_millis(400), "at least two more blocks of 0.2 s were mined");
    assert!(c.latest_block().await.unwrap() >= funded_at + 3);
    // Then the node spends what it received.
    let spender = c.signing_as(node.clone()).unwrap();
    let transfer = spender.request(Bytes::new()).with_to(Address::repeat_byte(9)).with_value(U256::from(5));
    assert!(spender.transact("paying", transfer).await.unwrap().status());
    // A block already old enough: no wait.
    let now = Instant::now();
    c.wait_blocks_after(funded_at).await.unwrap();
    assert!(now.elapsed() < Duration::from_millis(150), "{:?}", now.elapsed());
}

#[tokio::test]
async fn no_reserve_blocks_means_no_wait_and_a_chain_that_does_not_mine_is_reported() {
    let anvil = Anvil::spawn(&AnvilOptions::default()).unwrap();
    let head = coordinator(&anvil, |_| {}).latest_block().await.unwrap();
    let started = Instant::now();
    assert_eq!(coordinator(&anvil, |_| {}).wait_blocks_after(head).await.unwrap(), head);
    assert!(started.elapsed() < Duration::from_millis(100));
    // Automine anvil with no traffic never reaches head + 2.
    let c = coordinator(&anvil, |p| (p.reserve_blocks, p.receipt_timeout_secs) = (2, 1));
    let started = Instant::now();
    let err = c.wait_blocks_after(head).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(
        matches!(err, Error::ChainStalled { target, head: h, seconds: 1 } if target == head + 2 && h == head),
        "{err}"
    );
    assert_eq!(err.kind(), "chainStalled");
    assert!(err.to_string().contains("anvil without --block-time"), "{err}");
}
