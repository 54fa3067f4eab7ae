//! `gradpay verify` catches storage altered behind the contract's back with `anvil_setStorageAt`:
//! a node's record, the reward basis, a pool's amount, a pool's strategy parameter, a node's
//! payout address. Each names the exact difference and exits non-zero with `verificationFailed`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_support;
mod common;
mod verify_support;

use alloy::primitives::{Address, U256, keccak256};
use alloy::sol_types::SolValue;
use verify_support::{
    Audited, ExtraBatch, SESSION, build, mapping_slot, node_records_base, set_storage, storage, verify,
};

/// `_finalizations`, `_pools` and `_payouts` in `forge inspect GradPay storage-layout`.
const FINALIZATIONS_SLOT: u64 = 8;
const POOLS_SLOT: u64 = 9;
const PAYOUTS_SLOT: u64 = 15;

/// Adds 1 to the low `bits` bits of a storage word (a packed field at offset 0).
async fn bump_low_field(audited: &Audited, slot: U256) -> U256 {
    let word = storage(audited, slot).await;
    set_storage(audited, slot, word + U256::from(1u8)).await;
    word
}

/// verify fails with one JSON error of kind verificationFailed and prints `line` among the
/// differences on stdout (text).
fn assert_caught(audited: &Audited, line: &str) {
    let run = verify(audited, &[]);
    assert!(!run.ok, "a tampered session must not verify: {}", run.stdout);
    assert!(
        run.stdout.lines().any(|l| l == format!("difference: {line}")),
        "expected `{line}` in:\n{}",
        run.stdout
    );
    assert!(run.stderr.contains("does not verify"), "{}", run.stderr);
    let (kind, message) = verify(audited, &["--json"]).json_error();
    assert_eq!(kind, "verificationFailed");
    assert!(message.contains(&format!("session {SESSION} does not verify")), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_node_record_is_caught() {
    let audited = build(ExtraBatch::None).await;
    // Node 1's record: c is the low 40 bits of its slot.
    let word = bump_low_field(&audited, node_records_base(SESSION) + U256::from(1u8)).await;
    let c = word & U256::from((1u64 << 40) - 1);
    assert_caught(
        &audited,
        &format!("record c (computeSeconds) of node 1: chain {}, model {c}", c + U256::from(1u8)),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_reward_basis_is_caught() {
    let audited = build(ExtraBatch::None).await;
    // Finalization slot 1: sumEffectiveScore is its low 96 bits.
    let slot = mapping_slot(U256::from(SESSION), FINALIZATIONS_SLOT) + U256::from(1u8);
    let word = bump_low_field(&audited, slot).await;
    let sum = word & ((U256::from(1u8) << 96) - U256::from(1u8));
    assert_caught(
        &audited,
        &format!("S' (sumEffectiveScore) of reward basis: chain {}, model {sum}", sum + U256::from(1u8)),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_pool_amount_is_caught() {
    let audited = build(ExtraBatch::None).await;
    let pool = audited.pools[1];
    // Pool slot 1: amount.
    let amount = bump_low_field(&audited, mapping_slot(pool, POOLS_SLOT) + U256::from(1u8)).await;
    assert_caught(
        &audited,
        &format!(
            "amount (getPool vs RewardPoolCreated) of pool {pool}: chain {}, model {amount}",
            amount + U256::from(1u8)
        ),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_pool_parameter_is_caught() {
    let audited = build(ExtraBatch::None).await;
    let pool = audited.pools[1];
    let c = &audited.chain.coordinator;
    let stored = c.contract().getPool(pool).call().await.unwrap();
    assert_eq!(stored.strategy, 1, "pools[1] is the tiered pool");
    // Pool slot 0 (`GradPayStorage.Pool`, packed from the low bits): token (160 bits),
    // unpausedDeadline (40), strategy (8), paramA (16: Tiered's tierBaseBps), paramB, swept.
    let slot = mapping_slot(pool, POOLS_SLOT);
    let word = storage(&audited, slot).await;
    let field = |shift: usize, bits: usize| (word >> shift) & ((U256::from(1u8) << bits) - U256::from(1u8));
    assert_eq!(field(200, 8), U256::from(1u8), "the strategy byte is where the layout says");
    let base = field(208, 16);
    assert_eq!(base, U256::from(stored.params.tierBaseBps));
    set_storage(&audited, slot, word + (U256::from(1u8) << 208)).await;
    assert_caught(
        &audited,
        &format!(
            "tierBaseBps (getPool vs createRewardPool) of pool {pool}: chain {}, model {base}",
            base + U256::from(1u8)
        ),
    );
    // The contract now pays by the tampered parameter; the model by the one the pool was created with.
    let json = verify(&audited, &["--json"]).stdout;
    assert!(json.contains("reward (rewardsOf)"), "{json}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_payout_address_is_caught() {
    let audited = build(ExtraBatch::None).await;
    let c = &audited.chain.coordinator;
    let node = common::as_node(c, audited.nodes[2].clone()).await;
    let (payout, diverted) = (Address::repeat_byte(0x22), Address::repeat_byte(0x66));
    node.set_payout(&[SESSION], payout).await.unwrap();
    // `_payouts[session][node]`: the address a claim pays, changed behind the PayoutSet it logged.
    let word = |a: Address| U256::from_be_slice(a.as_slice());
    let inner = mapping_slot(U256::from(SESSION), PAYOUTS_SLOT);
    let slot = U256::from_be_bytes(keccak256((word(audited.nodes[2].address()), inner).abi_encode()).0);
    assert_eq!(storage(&audited, slot).await, word(payout), "the payout slot");
    set_storage(&audited, slot, word(diverted)).await;
    node.claim(audited.pools[0]).await.unwrap();
    assert_caught(
        &audited,
        &format!(
            "RewardClaimed recipient (payout in force) of pool {} node 2: chain {diverted}, model {payout}",
            audited.pools[0]
        ),
    );
}
