//! `gradpay record --metrics FILE`: per-node epoch metrics from JSON lines, batched and pipelined,
//! exactly once (re-running resumes from the journal and skips what the chain holds).

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use alloy::primitives::Address;
use clap::Args;
use gradpay::{
    Coordinator, NetworkProfile, Result,
    config::Deployments,
    journal::{Journal, JournalScope},
    metrics::{EpochMetrics, NodeRef, read_metrics_file},
    record::{EpochRecord, RecordSummary, SendMode},
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
    /// "networkBps", "uptimeBps"}. A line without "node", {"epoch":3,"epochRounds":10}, declares an
    /// epoch: alone, an epoch in which no node took part (its rounds still count). One epoch may be
    /// split over several files and runs; each node at most once per epoch.
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
        let (profile, base_dir) = super::profile(g)?;
        let c = super::connect(g).await?;
        let block = deployment_block(&profile, &base_dir, c.address());
        let c = c.with_deployment_block(block);
        let scope =
            JournalScope { chain_id: c.profile().chain_id, contract: c.address(), session_id: self.session };
        let path = self
            .journal
            .clone()
            .unwrap_or_else(|| Journal::path_for(&base_dir.join(&c.profile().journal_dir), &scope));
        let mut journal = Journal::open(&path, scope)?;
        let mode = if self.sequential { SendMode::Sequential } else { SendMode::Pipelined };
        let mut indices = BTreeMap::new();
        let mut summaries = Vec::new();
        for epoch in &epochs {
            let record = self.resolve(&c, epoch, &mut indices).await?;
            let bar = progress(g.json, &format!("epoch {}", epoch.epoch));
            let summary = c.record_epoch(&mut journal, &record, mode, &progress_fn(&bar)).await?;
            bar.finish_and_clear();
            summaries.push(summary);
        }
        emit(g.json, &summaries, || summaries.iter().map(describe).collect::<Vec<_>>().join("\n"));
        Ok(())
    }

    /// The epoch's entries, nodes given by address resolved to their index (cached in `indices`).
    async fn resolve(
        &self,
        c: &Coordinator,
        epoch: &EpochMetrics,
        indices: &mut BTreeMap<Address, u32>,
    ) -> Result<EpochRecord> {
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
        Ok(EpochRecord { epoch: epoch.epoch, epoch_rounds: epoch.epoch_rounds, entries })
    }
}

/// GradPay's deployment block from the profile's deployments file, when that file is about this
/// contract: log queries start there instead of at genesis.
fn deployment_block(profile: &NetworkProfile, base_dir: &Path, gradpay: Address) -> Option<u64> {
    let deployments = Deployments::read(&base_dir.join(profile.deployments.as_ref()?)).ok()?;
    if deployments.gradpay == gradpay { deployments.block } else { None }
}

/// One line per epoch: what was skipped, what was sent, what it cost.
fn describe(s: &RecordSummary) -> String {
    let renumbered = if s.renumbered > 0 {
        format!(", {} renumbered (key taken by other entries)", s.renumbered)
    } else {
        String::new()
    };
    format!(
        "epoch {}: {} batch(es) already recorded, {} sent{renumbered}; {} entries in {} batch(es), \
         {} transaction(s), gas {} of limit {}; {} ms",
        s.epoch,
        s.already_recorded,
        s.recorded,
        s.entries,
        s.batches,
        s.transactions_sent,
        s.gas_used,
        s.gas_limit,
        s.millis
    )
}
