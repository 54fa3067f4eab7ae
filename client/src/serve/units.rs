//! Token amounts as people read them: in the token's own decimals with its symbol, the exact base
//! units kept beside (pages show them on hover), so no page mixes ETH and wei.

use alloy::primitives::{U256, utils::format_units};
use serde::Serialize;

use super::snapshot::PoolData;

/// Fraction digits shown at most: below that an amount is rounded down, and says so with `~`.
const SHOWN_DECIMALS: usize = 6;

/// An amount in base units and as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// Base units, exact.
    pub raw: String,
    /// `1.25 ETH`, `~0.999999 ETH` (digits cut), `<0.000001 ETH` (dust), `12 base units of 0x…`
    /// when the token's decimals are unknown.
    pub display: String,
}

impl Amount {
    /// `raw` (base units, decimal) of `pool`'s token.
    pub(crate) fn of_pool(raw: &str, pool: &PoolData) -> Self {
        Self::new(raw, pool.decimals, &pool.symbol)
    }

    /// `raw` (base units, decimal) of a token with `decimals` (`None`: unknown) and `symbol`.
    pub fn new(raw: &str, decimals: Option<u8>, symbol: &str) -> Self {
        let display = match (raw.parse::<U256>(), decimals) {
            (Ok(value), Some(decimals)) => format!("{} {symbol}", shown(value, decimals)),
            (Ok(_), None) => format!("{raw} base units of {symbol}"),
            (Err(_), _) => raw.to_owned(),
        };
        Self { raw: raw.to_owned(), display }
    }
}

/// `value` of a `decimals`-decimal token: trailing zeros dropped, at most [`SHOWN_DECIMALS`]
/// fraction digits (`~` when digits were cut, `<0.000001` for a dust amount), thousands grouped.
fn shown(value: U256, decimals: u8) -> String {
    let Ok(text) = format_units(value, decimals) else { return value.to_string() };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let kept = &fraction[..fraction.len().min(SHOWN_DECIMALS)];
    let cut = fraction[kept.len()..].bytes().any(|b| b != b'0');
    let kept = kept.trim_end_matches('0');
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if cut && kept.is_empty() && whole == "0" {
        return format!("<0.{}1", "0".repeat(SHOWN_DECIMALS - 1));
    }
    let approx = if cut { "~" } else { "" };
    if kept.is_empty() { format!("{approx}{grouped}") } else { format!("{approx}{grouped}.{kept}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_in_the_tokens_decimals_with_the_exact_value_kept() {
        let eth = |raw: &str| Amount::new(raw, Some(18), "ETH").display;
        assert_eq!(eth("1000000000000000000"), "1 ETH");
        assert_eq!(eth("1250000000000000000"), "1.25 ETH");
        assert_eq!(eth("1234567000000000000000"), "1,234.567 ETH");
        assert_eq!(eth("1"), "<0.000001 ETH", "below a millionth: said so, not rounded to 0");
        assert_eq!(eth("123456789012345678"), "~0.123456 ETH");
        assert_eq!(Amount::new("2500000", Some(6), "USDC").display, "2.5 USDC");
        assert_eq!(Amount::new("0", Some(6), "USDC").display, "0 USDC");
        let unknown = Amount::new("77", None, "0xAbC");
        assert_eq!((unknown.raw.as_str(), unknown.display.as_str()), ("77", "77 base units of 0xAbC"));
    }
}
