//! The quoting math without a chain: Monad's floor, headroom and median tip, Ethereum's estimate,
//! bumps, the fee cap; and the `fee-budget` amounts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn rewards(tips: &[u128]) -> Vec<Vec<u128>> {
    tips.iter().map(|&t| vec![t]).collect()
}

fn monad() -> NetworkProfile {
    NetworkProfile::builtin("monad").unwrap()
}

#[test]
fn monad_quote_is_the_floored_base_fee_plus_a_quarter_plus_the_median_tip() {
    let p = monad();
    // A base fee below the chain's 100 gwei minimum bids the minimum; no rewards: no tip.
    let fees = quote(GWEI, &[], &p, 100).unwrap();
    assert_eq!(fees, Fees { max_fee_per_gas: 125 * GWEI, max_priority_fee_per_gas: 0 });
    // Above the floor the latest base fee counts; the tip is the median of the blocks' tips.
    let fees = quote(200 * GWEI, &rewards(&[5, 1, 3, 100, 2]), &p, 100).unwrap();
    assert_eq!(fees, Fees { max_fee_per_gas: 250 * GWEI + 3, max_priority_fee_per_gas: 3 });
    assert_eq!(median_tip(&rewards(&[4, 1, 9, 2])), 3, "even count: the mean of the middle two");
    assert_eq!(median_tip(&[vec![], vec![7]]), 7, "a block without rewards is skipped");
}

#[test]
fn ethereum_quote_is_alloys_estimate() {
    let p = NetworkProfile::builtin("local").unwrap();
    let r = rewards(&[2 * GWEI, 4 * GWEI, 3 * GWEI]);
    let expected = alloy::providers::utils::eip1559_default_estimator(10 * GWEI, &r);
    let fees = quote(10 * GWEI, &r, &p, 100).unwrap();
    assert_eq!(
        (fees.max_fee_per_gas, fees.max_priority_fee_per_gas),
        (expected.max_fee_per_gas, expected.max_priority_fee_per_gas)
    );
    assert_eq!(fees.max_priority_fee_per_gas, 3 * GWEI);
    assert_eq!(fees.max_fee_per_gas, 23 * GWEI, "twice the base fee plus the tip");
}

#[test]
fn a_bump_multiplies_both_caps_and_never_lowers_them() {
    let p = monad();
    let r = rewards(&[2 * GWEI]);
    let plain = quote(100 * GWEI, &r, &p, 100).unwrap();
    let bumped = quote(100 * GWEI, &r, &p, 150).unwrap();
    assert_eq!(bumped.max_fee_per_gas, plain.max_fee_per_gas * 3 / 2);
    assert_eq!(bumped.max_priority_fee_per_gas, 3 * GWEI);
    assert_eq!(quote(100 * GWEI, &r, &p, 50).unwrap(), plain, "a bump below 100 % is 100 %");
}

#[test]
fn the_cap_clamps_the_max_fee_and_the_tip_and_refuses_below_the_base_fee() {
    let p = NetworkProfile { max_fee_per_gas: Some(110 * GWEI), ..monad() };
    let fees = quote(100 * GWEI, &rewards(&[50 * GWEI]), &p, 200).unwrap();
    assert_eq!(fees, Fees { max_fee_per_gas: 110 * GWEI, max_priority_fee_per_gas: 100 * GWEI });
    let tight = NetworkProfile { max_fee_per_gas: Some(100 * GWEI), ..p.clone() };
    let fees = quote(100 * GWEI, &rewards(&[300 * GWEI]), &tight, 100).unwrap();
    assert_eq!(fees, Fees { max_fee_per_gas: 100 * GWEI, max_priority_fee_per_gas: 100 * GWEI });
    let err = quote(111 * GWEI, &[], &p, 100).unwrap_err();
    assert!(
        matches!(err, Error::FeeCapBelowBaseFee { cap, base_fee } if cap == 110 * GWEI && base_fee == 111 * GWEI)
    );
    assert_eq!(err.kind(), "feeCapBelowBaseFee");
    assert!(err.to_string().contains("raise max-fee-gwei"), "{err}");
    // The Ethereum quote is capped the same way.
    let local =
        NetworkProfile { max_fee_per_gas: Some(15 * GWEI), ..NetworkProfile::builtin("local").unwrap() };
    assert_eq!(quote(10 * GWEI, &[], &local, 100).unwrap().max_fee_per_gas, 15 * GWEI);
    assert!(quote(16 * GWEI, &[], &local, 100).is_err());
}

#[test]
fn fee_budgets_are_decimal_coins_or_unbounded() {
    let text = |s: &str| parse_fee_budget(&AmountText::Text(s.into()));
    assert_eq!(parse_fee_budget(&AmountText::Whole(10)), Ok(Some(10 * COIN)));
    assert_eq!(text("10"), Ok(Some(10 * COIN)));
    assert_eq!(text("0.5"), Ok(Some(COIN / 2)));
    assert_eq!(text(".25"), Ok(Some(COIN / 4)));
    assert_eq!(text("1.000000000000000001"), Ok(Some(COIN + 1)));
    assert_eq!(text(" unbounded "), Ok(None));
    for bad in ["0", "0.0", "", ".", "-1", "1e18", "ten", "1.2.3", "1.0000000000000000001", "1 MON"] {
        assert!(text(bad).is_err(), "`{bad}` accepted");
    }
    assert!(text("0").unwrap_err().contains("zero"));
    assert!(text("340282366920938463463374607431768211455").is_err(), "overflow is refused");
}

#[test]
fn fee_quote_names() {
    assert_eq!("monad".parse::<FeeQuote>(), Ok(FeeQuote::Monad));
    assert_eq!(" ethereum".parse::<FeeQuote>(), Ok(FeeQuote::Ethereum));
    assert!("solana".parse::<FeeQuote>().unwrap_err().contains("`ethereum` or `monad`"));
    assert_eq!(FeeQuote::Monad.to_string(), "monad");
}
