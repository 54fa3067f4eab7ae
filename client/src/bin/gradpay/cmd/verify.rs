//! `gradpay verify`: re-derive a session from chain data with gradpay-model and compare.

use alloy::primitives::Address;
use clap::Args;
use gradpay::{Error, Result};

use crate::{
    cmd::{GlobalArgs, connect_node},
    output::emit,
};

/// Check a whole session from chain data alone.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The session.
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: u64,
}

impl VerifyArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        // Read-only: an auditor needs no key.
        let c = connect_node(g, Some(Address::ZERO)).await?;
        let report = c.verify(self.session).await?;
        emit(g.json, &report, || {
            let mut lines = vec![format!(
                "session {} ({}): {} nodes, {} exclusion(s), {} clipK change(s), {} batches ({} through another contract, read from call traces; {} entries, {} epochs), {} pool(s), {} claim(s) recomputed with gradpay-model",
                report.session,
                report.state,
                report.nodes,
                report.exclusions,
                report.clip_k_changes,
                report.batches,
                report.traced_batches,
                report.entries,
                report.epochs,
                report.pools,
                report.claims
            )];
            lines.extend(report.differences.iter().map(|d| format!("difference: {d}")));
            if report.differences.is_empty() {
                lines.push("verified: the chain matches the model everywhere".into());
            }
            lines.join("\n")
        });
        match report.differences.first() {
            None => Ok(()),
            Some(first) => Err(Error::VerificationFailed {
                session_id: self.session,
                count: report.differences.len(),
                first: first.to_string(),
            }),
        }
    }
}
