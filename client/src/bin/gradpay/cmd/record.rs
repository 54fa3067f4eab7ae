//! `gradpay record --metrics FILE`: per-node epoch metrics from JSON lines, batched and pipelined,
//! exactly once (re-running resumes from the journal and skips what is on chain).

use std::{collections::BTreeMap, path::PathBuf};

use alloy::primitives::Address;
use clap::Args;
use gradpay::{
    Result,
    journal::{Journal, JournalScope},
    metrics::{NodeRef, read_metrics_file},
    record::SendMode,
};

use crate::{
    cli::GlobalArgs,
    output::{emit, progress, progress_fn},
};

/// Record metrics.
#[derive(Debug, Args)]
pub(crate) struct RecordArgs {
    /// The (active) session.
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: u64,
    /// JSON lines, one per node and epoch: {"epoch", "epochRounds", "node" (index or address),
    /// "computeSeconds", "accepted", "rejected", "roundsOk", "roundsJoined", "consistencyBps",
    /// "networkBps", "uptimeBps"}.
    #[arg(long)]
    metrics: PathBuf,
    /// Send one batch at a time and wait for each (slow; for comparison).
    #[arg(long)]
    sequential: bool,
    /// Journal file [default: in the profile's journal directory, per chain, contract and session].
    #[arg(long)]
    journal: Option<PathBuf>,
}

impl RecordArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        // Parse and validate the whole file before touching the network: bad input sends nothing.
        let epochs = read_metrics_file(&self.metrics)?;
        let (_, base_dir) = super::profile(g)?;
        let c = super::connect(g).await?;
        let scope =
            JournalScope { chain_id: c.profile().chain_id, contract: c.address(), session_id: self.session };
        let path = self
            .journal
            .clone()
            .unwrap_or_else(|| Journal::path_for(&base_dir.join(&c.profile().journal_dir), &scope));
        let mut journal = Journal::open(&path, scope)?;
        let mode = if self.sequential { SendMode::Sequential } else { SendMode::Pipelined };
        let mut indices: BTreeMap<Address, u32> = BTreeMap::new();
        let mut summaries = Vec::new();
        for epoch in epochs {
            let mut entries = Vec::with_capacity(epoch.lines.len());
            for line in &epoch.lines {
                let index = match line.node {
                    NodeRef::Index(i) => i,
                    NodeRef::Address(a) => match indices.get(&a) {
                        Some(i) => *i,
                        None => {
                            let i = c.node_index(self.session, a).await?;
                            indices.insert(a, i);
                            i
                        }
                    },
                };
                entries.push(line.entry(index));
            }
            let bar = progress(g.json, &format!("epoch {}", epoch.epoch));
            let summary = c
                .record_epoch(
                    &mut journal,
                    self.session,
                    epoch.epoch,
                    epoch.epoch_rounds,
                    &entries,
                    mode,
                    &progress_fn(&bar),
                )
                .await?;
            bar.finish_and_clear();
            summaries.push(summary);
        }
        emit(g.json, &summaries, || {
            summaries
                .iter()
                .map(|s| {
                    format!(
                        "epoch {}: {} entries in {} batch(es), {} sent, {} already on chain; gas {} of limit {}; {} ms",
                        s.epoch, s.entries, s.batches, s.transactions_sent, s.already_recorded, s.gas_used, s.gas_limit, s.millis
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
        Ok(())
    }
}
