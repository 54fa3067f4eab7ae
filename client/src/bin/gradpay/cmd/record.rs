//! `gradpay record --metrics FILE`: per-node epoch metrics from JSON lines, batched and pipelined,
//! exactly once (re-running resumes from the journal and skips what the chain holds).

use std::path::PathBuf;

use clap::Args;
use gradpay::{
    Result, config,
    journal::Journal,
    keys::load_extra_keys,
    metrics::read_metrics_file,
    record::{NodeIndices, RecordSummary, SendMode},
};

use crate::{
    cmd::GlobalArgs,
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
    /// Sender keys to record through, each with its own nonces and fee budget (the profile's
    /// `fee-budget`): the usual key, then GRADPAY_PRIVATE_KEY_2 … _N or --extra-keystore files.
    /// Every key must own the session or be its delegate (`gradpay session delegate`).
    /// [default: the profile's `sender-keys`, 1]
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=i64::from(config::MAX_SENDER_KEYS)))]
    keys: Option<u16>,
    /// A keystore of one more sender key (repeat it: `--keys N` takes N-1); unlocked with
    /// --password-file or a prompt.
    #[arg(long, value_name = "FILE")]
    extra_keystore: Vec<PathBuf>,
}

impl RecordArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        // Parse and validate the whole file before touching the network: bad input sends nothing.
        let epochs = read_metrics_file(&self.metrics)?;
        let (profile, base_dir) = super::profile(g)?;
        let keys = self.keys.unwrap_or(profile.sender_keys);
        let password_file = g.password_file.as_deref();
        let extra =
            load_extra_keys(keys.into(), &self.extra_keystore, password_file, |k| std::env::var(k).ok())?;
        let c = super::connect(g).await?.with_extra_senders(extra)?;
        let scope = c.journal_scope(self.session);
        let path = self
            .journal
            .clone()
            .unwrap_or_else(|| Journal::path_for(&base_dir.join(&c.profile().journal_dir), &scope));
        let mut journal = Journal::open(&path, scope)?;
        let mode = if self.sequential { SendMode::Sequential } else { SendMode::Pipelined };
        // Every epoch resolved and checked before the first is sent: a bad node anywhere in the
        // file sends nothing.
        let mut indices = NodeIndices::default();
        let mut records = Vec::with_capacity(epochs.len());
        for epoch in &epochs {
            records.push(c.epoch_record(self.session, epoch, &mut indices).await?);
        }
        c.check_records(self.session, &records).await?;
        let mut summaries = Vec::new();
        for record in &records {
            let bar = progress(g.json, &format!("epoch {}", record.epoch));
            let summary = c.record_epoch(&mut journal, record, mode, &progress_fn(&bar)).await?;
            bar.finish_and_clear();
            summaries.push(summary);
        }
        emit(g.json, &summaries, || summaries.iter().map(describe).collect::<Vec<_>>().join("\n"));
        Ok(())
    }
}

/// One line per epoch: what was skipped, what was sent, what it cost.
fn describe(s: &RecordSummary) -> String {
    let keys = if s.keys.len() > 1 {
        let each: Vec<String> = s.keys.iter().map(|k| format!("{} {}", k.address, k.transactions)).collect();
        format!(" through {} keys ({})", s.keys.len(), each.join(", "))
    } else {
        String::new()
    };
    let resent = if s.resent > 0 {
        format!(", {} re-sent as the same transaction (the node had dropped them)", s.resent)
    } else {
        String::new()
    };
    let renumbered = if s.renumbered > 0 {
        format!(", {} renumbered (key taken by other entries)", s.renumbered)
    } else {
        String::new()
    };
    format!(
        "epoch {}: {} batch(es) already recorded, {} sent{renumbered}; {} entries in {} batch(es), \
         {} transaction(s){keys}{resent}, gas {} of limit {}; {} ms",
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
