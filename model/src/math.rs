//! The integer tools the page's formulas need: bps constants, a 512-bit `mulDiv` and a floor
//! square root (`docs/reward-math.md` §3, §5).

use alloy_primitives::{U256, U512};

use crate::error::ModelError;

/// 10,000: one in bps.
pub const BPS: u64 = 10_000;
/// 1e18: one in `clipK`'s fixed point (page §3).
pub const WAD: u64 = 1_000_000_000_000_000_000;

/// `floor(a * b / d)` with the product in 512 bits (page §5: "full 512-bit mulDiv").
pub fn mul_div(a: U256, b: U256, d: U256) -> Result<U256, ModelError> {
    if d.is_zero() {
        return Err(ModelError::DivisionByZero { a, b });
    }
    narrow(U512::from(a) * U512::from(b) / U512::from(d))
}

/// `value` as a `U256`, or the error naming it when it is wider.
pub fn narrow(value: U512) -> Result<U256, ModelError> {
    let limbs = value.as_limbs();
    match limbs.split_at(4) {
        (low, high) if high.iter().all(|&limb| limb == 0) => Ok(U256::from_limbs_slice(low)),
        _ => Err(ModelError::WiderThan256Bits { value }),
    }
}

/// Floor square root (page §3 `isqrt`), by Newton's method from a power of two above the root.
pub fn isqrt(value: U512) -> U512 {
    if value < U512::from(2u8) {
        return value;
    }
    let half_bits = value.bit_len().div_ceil(2);
    let mut x = U512::from(1u8) << half_bits;
    loop {
        let next = (x + value / x) >> 1;
        if next >= x {
            return x;
        }
        x = next;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn is_floor_root(root: U512, value: U512) -> bool {
        let next = root + U512::from(1u8);
        root * root <= value && next * next > value
    }

    #[test]
    fn isqrt_is_the_floor_root() {
        for v in [0u64, 1, 2, 3, 4, 15, 16, 17, 99, 100, 101, u64::from(u32::MAX), u64::MAX] {
            assert!(is_floor_root(isqrt(U512::from(v)), U512::from(v)), "{v}");
        }
        let big = U512::MAX >> 2;
        assert!(is_floor_root(isqrt(big), big));
    }

    #[test]
    fn mul_div_keeps_the_512_bit_product() {
        let same = mul_div(U256::MAX, U256::MAX, U256::MAX).unwrap();
        assert_eq!(same, U256::MAX, "MAX * MAX / MAX needs 512 bits in between");
        assert_eq!(mul_div(U256::from(7u8), U256::from(3u8), U256::from(2u8)).unwrap(), U256::from(10u8));
    }

    #[test]
    fn mul_div_names_what_it_cannot_do() {
        let (a, b) = (U256::from(5u8), U256::from(6u8));
        assert_eq!(mul_div(a, b, U256::ZERO), Err(ModelError::DivisionByZero { a, b }));
        let wide = mul_div(U256::MAX, U256::from(2u8), U256::from(1u8));
        assert_eq!(
            wide,
            Err(ModelError::WiderThan256Bits { value: U512::from(U256::MAX) * U512::from(2u8) })
        );
    }
}
