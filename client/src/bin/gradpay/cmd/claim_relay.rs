//! `gradpay claim --relay FILE`: a relayer submits nodes' signed payout changes and claims,
//! every line checked first (one bad line sends nothing), claims in as few transactions as fit
//! the gas cap; prints what each node got and the relayer's fees.

use std::path::PathBuf;

use clap::Args;
use gradpay::{
    Result,
    relay::{RelayReport, read_relay_file},
};

use crate::{cmd::GlobalArgs, output::emit};

/// Relay signed requests.
#[derive(Debug, Args)]
pub(crate) struct RelayArgs {
    /// Submit a file of signed requests (the JSON lines `gradpay payout sign` and `gradpay claim
    /// --sign` print), paying the gas: payout changes first, then the claims.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["all", "sign", "pool", "session"])]
    pub(crate) relay: Option<PathBuf>,
    /// With --relay: the fee kept from each claim, basis points (at most each node's signed cap).
    #[arg(long, requires = "relay", default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=10_000))]
    fee_bps: u16,
}

impl RelayArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let Some(path) = self.relay else { return Ok(()) };
        let lines = read_relay_file(&path)?;
        let c = super::connect(g).await?;
        let report = c.relay(&path, &lines, self.fee_bps).await?;
        let value = serde_json::json!({ "relayer": c.sender(), "report": report });
        emit(g.json, &value, || describe(&report, &path));
        Ok(())
    }
}

fn describe(report: &RelayReport, path: &std::path::Path) -> String {
    if report.transactions == 0 {
        return format!("{} holds no signed request: nothing sent", path.display());
    }
    let mut lines: Vec<String> = report
        .payouts
        .iter()
        .map(|p| {
            let sessions = p.session_ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
            format!("payout of {} in session(s) {sessions} set to {}", p.node, p.payout)
        })
        .collect();
    lines.extend(report.claims.iter().map(|c| {
        format!(
            "{} got {} from pool {} (paid to {}), relayer fee {}",
            c.node, c.amount, c.pool_id, c.recipient, c.fee
        )
    }));
    let fees: Vec<String> = report
        .fees
        .iter()
        .map(
            |(token, fee)| {
                if token.is_zero() { format!("{fee} wei") } else { format!("{fee} units of {token}") }
            },
        )
        .collect();
    let fees = if fees.is_empty() { "no fees".to_owned() } else { fees.join(", ") };
    lines.push(format!("relayer: {} transaction(s), fees {fees}", report.transactions));
    lines.join("\n")
}
