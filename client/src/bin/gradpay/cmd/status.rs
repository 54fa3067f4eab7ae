//! `gradpay status`: the session, this node's index, running record and scores.

use alloy::primitives::Address;
use clap::Args;
use gradpay::{Result, coordinator::state_name};
use serde_json::json;

use crate::{cli::GlobalArgs, output::emit};

/// Show a session and this node's place in it.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The session.
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: u64,
    /// Look at this node instead of the key's account (no key needed).
    #[arg(long)]
    node: Option<Address>,
}

impl StatusArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let c = super::connect_node(g, self.node).await?;
        let me = c.sender();
        let session = c.session(self.session).await?;
        let totals = c.session_totals(self.session).await?;
        let registered = c
            .contract()
            .isRegistered(self.session, me)
            .call()
            .await
            .map_err(|e| c.call_error("reading registration", &e))?;
        let mut node = json!({ "address": me, "registered": registered });
        if registered {
            let record = c
                .contract()
                .getContribution(self.session, me)
                .call()
                .await
                .map_err(|e| c.call_error("reading record", &e))?;
            let score = c
                .contract()
                .getScore(self.session, me)
                .call()
                .await
                .map_err(|e| c.call_error("reading score", &e))?;
            node = json!({
                "address": me, "registered": true, "index": record.index, "excluded": record.excluded,
                "record": { "epochs": record.epochs, "computeSeconds": record.computeSeconds, "accepted": record.accepted,
                    "rejected": record.rejected, "roundsOk": record.roundsOk, "roundsJoined": record.roundsJoined },
                "scores": { "eligible": score.eligible, "quality": score.quality, "reliability": score.reliability,
                    "acceptance": score.acceptance, "consistency": score.consistency, "success": score.success,
                    "participation": score.participation, "network": score.network, "uptime": score.uptime, "score": score.score.to_string() },
            });
        }
        let value = json!({
            "session": self.session, "state": state_name(session.state), "nodes": session.nodeCount,
            "eligible": session.eligibleCount, "epochs": session.epochCount, "totalRounds": session.totalRounds,
            "pools": session.poolCount, "node": node,
            "totals": { "computeSeconds": totals.computeSeconds, "accepted": totals.accepted, "rejected": totals.rejected, "nodeEpochs": totals.nodeEpochs },
        });
        emit(g.json, &value, || {
            let mut text = format!(
                "session {}: {} — {} node(s), {} eligible, {} epoch(s), T = {} rounds, {} pool(s)\n",
                self.session,
                state_name(session.state),
                session.nodeCount,
                session.eligibleCount,
                session.epochCount,
                session.totalRounds,
                session.poolCount
            );
            if registered {
                let n = &value["node"];
                text += &format!(
                    "node {me}: index {}, {} epoch(s), {} s compute, Q {} bps, R {} bps, score {}{}",
                    n["index"],
                    n["record"]["epochs"],
                    n["record"]["computeSeconds"],
                    n["scores"]["quality"],
                    n["scores"]["reliability"],
                    n["scores"]["score"].as_str().unwrap_or_default(),
                    if n["excluded"].as_bool() == Some(true) { " (excluded)" } else { "" }
                );
            } else {
                text += &format!("node {me} is not registered in this session");
            }
            text
        });
        Ok(())
    }
}
