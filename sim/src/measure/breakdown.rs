//! Where a transaction's gas goes: intrinsic, calldata bytes, storage (cold pages or slots,
//! writes, new slots) and the rest (execution), from the slots it touched and its calldata.
//! The storage part is priced from the rule set's schedule, so it is an attribution, exact for
//! cold reads and new slots, approximate for repeated writes to one slot.

use alloy_primitives::{Address, Bytes, U256};

use crate::error::SimError;
use crate::evm::{Chain, Rules, SlotTouch};

/// What one transaction's gas is spent on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// Gas used in total.
    pub total: u64,
    /// 21,000.
    pub intrinsic: u64,
    /// 4 per zero byte, 16 per other byte of calldata.
    pub calldata: u64,
    /// Cold storage reads: per distinct page (Monad, 8,100) or slot (Ethereum, 2,100).
    pub cold_reads: u64,
    /// Writes: page writes (Monad, 2,800 per page, 100 per slot) or slot writes (Ethereum,
    /// 2,900 per changed slot beyond its cold read).
    pub writes: u64,
    /// New non-zero slots: 17,000 (Monad state growth) or 20,000 (Ethereum SSTORE set, less
    /// the 2,900 counted under writes).
    pub new_slots: u64,
    /// Everything else: opcodes, memory, hashing, warm accesses.
    pub execution: u64,
    /// Distinct storage slots touched.
    pub slots: usize,
    /// Distinct storage pages (128 slots) touched.
    pub pages: usize,
}

fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|&b| if b == 0 { 4 } else { 16 }).sum()
}

/// Dry-runs the call on `chain` and attributes its gas.
pub fn breakdown(chain: &mut Chain, from: Address, to: Address, data: Bytes) -> Result<Breakdown, SimError> {
    let calldata = calldata_gas(&data);
    let (receipt, touches) = chain.dry_run_touches(from, to, data, to)?;
    if !receipt.success {
        return Err(SimError::Unexpected(format!("breakdown of a reverting call: {}", receipt.output)));
    }
    let page = |t: &SlotTouch| t.slot >> 7;
    let mut pages: Vec<U256> = touches.iter().map(page).collect();
    pages.sort_unstable();
    pages.dedup();
    let mut written_pages: Vec<U256> = touches.iter().filter(|t| t.before != t.after).map(page).collect();
    written_pages.sort_unstable();
    written_pages.dedup();
    let written = touches.iter().filter(|t| t.before != t.after).count() as u64;
    let created = touches.iter().filter(|t| t.before.is_zero() && !t.after.is_zero()).count() as u64;
    let (cold_reads, writes, new_slots) = match chain.rules() {
        Rules::Monad => {
            (8_100 * pages.len() as u64, 2_800 * written_pages.len() as u64 + 100 * written, 17_000 * created)
        }
        Rules::Ethereum => (2_100 * touches.len() as u64, 2_900 * written, (20_000 - 2_900) * created),
    };
    let intrinsic = 21_000;
    let accounted = intrinsic + calldata + cold_reads + writes + new_slots;
    Ok(Breakdown {
        total: receipt.gas_used,
        intrinsic,
        calldata,
        cold_reads,
        writes,
        new_slots,
        execution: receipt.gas_used.saturating_sub(accounted),
        slots: touches.len(),
        pages: pages.len(),
    })
}
