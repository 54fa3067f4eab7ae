//! The crate's one error type: arithmetic the page rules out.

use alloy_primitives::{U256, U512};

/// A case `docs/reward-math.md` rules out for any session the contract accepts, met anyway.
///
/// A rejected batch is not an error of the model but an answer of the page: see
/// [`crate::BatchRejection`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// `floor(a * b / d)` with `d == 0`.
    #[error("floor({a} * {b} / 0): division by zero")]
    DivisionByZero {
        /// The first factor.
        a: U256,
        /// The second factor.
        b: U256,
    },
    /// A result the page keeps in 256 bits needs more.
    #[error("{value} does not fit in 256 bits")]
    WiderThan256Bits {
        /// The exact result.
        value: U512,
    },
    /// More eligible nodes than a `uint32` counts.
    #[error("{count} eligible nodes: more than a uint32 counts")]
    TooManyNodes {
        /// How many there are.
        count: usize,
    },
}
