//! Shared by the model's tests.

#![allow(dead_code, unreachable_pub)]

use alloy_primitives::U256;

/// Decimal wei figures as written on the page.
pub fn wei<const N: usize>(figures: [&str; N]) -> [U256; N] {
    figures.map(|f| f.parse().expect("a decimal literal"))
}

/// 1e18.
pub const ONE_ETHER: u64 = 1_000_000_000_000_000_000;
