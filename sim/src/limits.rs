//! What the contract's storage adds to the page: its running sums live in one packed slot per
//! node (`contracts/libraries/RecordPacking.sol`: c 40 bits, a and j 27 bits, T 27 bits, 13-bit
//! epoch ordinal), so a batch the page's rules accept can still revert with `RecordOverflow`,
//! `TotalRoundsOverflow` or `TooManyEpochs`. The model (`gradpay-model`) puts no cap on the sums,
//! as §1-§6 of docs/reward-math.md put none; these are the capacity limits of its §7.

use gradpay_model::{EpochEntry, SessionLedger};

/// Largest stored compute-seconds sum `c`.
pub const MAX_COMPUTE_SECONDS: u128 = (1 << 40) - 1;
/// Largest stored accepted (`a`) or rejected (`j`) sum.
pub const MAX_SUBMISSIONS: u128 = (1 << 27) - 1;
/// Largest `T`.
pub const MAX_TOTAL_ROUNDS: u128 = (1 << 27) - 1;
/// Most epochs a session can open.
pub const MAX_EPOCHS: u32 = (1 << 13) - 1;

/// Which capacity a batch exceeds first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capacity {
    /// The session's epoch count (checked when the batch opens a new epoch).
    Epochs,
    /// The session's `T` (checked when the batch opens a new epoch).
    TotalRounds,
    /// A node's stored sum, at the entry `position` of the batch.
    Record {
        /// Index of the entry in the batch.
        position: usize,
    },
}

/// The first capacity the batch would exceed, applied entry by entry in order.
pub fn first_overflow(
    ledger: &SessionLedger,
    epoch: u32,
    rounds: u32,
    entries: &[EpochEntry],
) -> Option<Capacity> {
    let opens_epoch = ledger.current_epoch().map(|(current, _)| current) != Some(epoch);
    if opens_epoch && ledger.epochs_opened() >= MAX_EPOCHS {
        return Some(Capacity::Epochs);
    }
    if opens_epoch && ledger.total_rounds() + u128::from(rounds) > MAX_TOTAL_ROUNDS {
        return Some(Capacity::TotalRounds);
    }
    let mut added: std::collections::HashMap<u32, (u128, u128, u128)> = std::collections::HashMap::new();
    for (position, entry) in entries.iter().enumerate() {
        let Some(sums) = ledger.sums(entry.node) else {
            continue;
        };
        let (c, a, j) = added.entry(entry.node).or_default();
        *c += u128::from(entry.compute_seconds);
        *a += u128::from(entry.accepted);
        *j += u128::from(entry.rejected);
        if sums.compute_seconds + *c > MAX_COMPUTE_SECONDS
            || sums.accepted + *a > MAX_SUBMISSIONS
            || sums.rejected + *j > MAX_SUBMISSIONS
        {
            return Some(Capacity::Record { position });
        }
    }
    None
}
