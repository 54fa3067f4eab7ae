//! The conventions of `gradpay --json` (docs/json.md): camelCase keys, and every integer whose
//! type can exceed 2^53 (amounts, scores, pool and session ids, gas, 64-bit counters) as a
//! decimal string, because JSON readers that parse numbers as doubles would round it silently.

use serde::Serializer;

/// Serializes `value` as its decimal `Display` (`#[serde(serialize_with = "gradpay::json::decimal")]`).
pub fn decimal<T: std::fmt::Display, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// [`decimal`] for an optional value (`null` when absent).
pub fn decimal_opt<T: std::fmt::Display, S: Serializer>(
    value: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serializer.collect_str(value),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use alloy::primitives::U256;

    #[derive(serde::Serialize)]
    struct Amount {
        #[serde(serialize_with = "super::decimal")]
        wei: U256,
        #[serde(serialize_with = "super::decimal_opt")]
        gas: Option<u64>,
    }

    #[test]
    fn big_integers_are_decimal_strings() {
        let json =
            serde_json::to_string(&Amount { wei: U256::from(10u128.pow(30)), gas: Some(u64::MAX) }).unwrap();
        assert_eq!(json, r#"{"wei":"1000000000000000000000000000000","gas":"18446744073709551615"}"#);
        let json = serde_json::to_string(&Amount { wei: U256::ZERO, gas: None }).unwrap();
        assert_eq!(json, r#"{"wei":"0","gas":null}"#);
    }
}
