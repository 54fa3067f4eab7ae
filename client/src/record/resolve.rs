//! From a metrics file's epoch to the record the contract takes: nodes named by address are
//! resolved to their dense index in the session, asked of the chain once per address.

use std::collections::BTreeMap;

use alloy::primitives::Address;

use super::EpochRecord;
use crate::{
    Coordinator, Result,
    metrics::{EpochMetrics, NodeRef},
};

/// Node indices already asked of the chain, by address (one cache per session).
#[derive(Debug, Clone, Default)]
pub struct NodeIndices(BTreeMap<Address, u32>);

impl Coordinator {
    /// `metrics` as the session's record for its epoch: every node given by address resolved to
    /// its index (a stranger is the contract's `NodeNotRegistered`), cached in `indices`.
    pub async fn epoch_record(
        &self,
        session_id: u64,
        metrics: &EpochMetrics,
        indices: &mut NodeIndices,
    ) -> Result<EpochRecord> {
        let mut entries = Vec::with_capacity(metrics.lines.len());
        for line in &metrics.lines {
            let index = match line.node {
                NodeRef::Index(index) => index,
                NodeRef::Address(address) => match indices.0.get(&address) {
                    Some(&index) => index,
                    None => {
                        let index = self.node_index(session_id, address).await?;
                        indices.0.insert(address, index);
                        index
                    }
                },
            };
            entries.push(line.entry(index));
        }
        Ok(EpochRecord { epoch: metrics.epoch, epoch_rounds: metrics.epoch_rounds, entries })
    }
}
