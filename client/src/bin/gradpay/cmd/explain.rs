//! `gradpay explain`: how a node's reward came about, every figure from the contract's views and
//! each pool's formula evaluated with gradpay-model beside the contract's `rewardOf`.

use alloy::primitives::Address;
use clap::Args;
use gradpay::{Result, explain::Explanation};

use crate::{
    cmd::{GlobalArgs, connect_node},
    output::emit,
};

/// Explain a node's reward.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The session.
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: u64,
    /// The node (no key needed).
    #[arg(long)]
    node: Address,
}

impl ExplainArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let c = connect_node(g, Some(self.node)).await?;
        let explanation = c.explain(self.session, self.node).await?;
        emit(g.json, &explanation, || describe(&explanation));
        Ok(())
    }
}

/// The explanation for people, one figure per line, formulas with their numbers.
fn describe(x: &Explanation) -> String {
    let st = &x.standing;
    let (r, s) = (&st.sums, &st.scores);
    let mut lines = vec![
        format!("session {}, node {} (index {}), session {}", x.session, x.node, x.index, x.state),
        format!(
            "sums: c {} a {} j {} k {} p {} cons {} net {} up {} e {}; T {}{}",
            r.c,
            r.a,
            r.j,
            r.k,
            r.p,
            r.cons,
            r.net,
            r.up,
            r.e,
            st.total_rounds,
            if r.excluded { "; excluded by the coordinator" } else { "" }
        ),
        format!("A = 10000 * a / (a + j) = {}", s.acceptance),
        format!("C = cons / e = {}", s.consistency),
        format!("S = 10000 * k / p = {}", s.success),
        format!("Q = (5000 * A + 3000 * C + 2000 * S) / 10000 = {}", s.quality),
        format!("P = min(10000, 10000 * p / T) = {}", s.participation),
        format!("N = net / e = {}", s.network),
        format!("U = up / e = {}", s.uptime),
        format!("R = (5000 * P + 3000 * N + 2000 * U) / 10000 = {}", s.reliability),
        format!(
            "score = c * (5000 + Q) * (20000 + R) = {} * {} * {} = {}",
            r.c,
            5000 + s.quality as u32,
            20000 + s.reliability as u32,
            s.score
        ),
    ];
    lines.push(match (st.rank, st.tier) {
        (Some(rank), Some(tier)) => {
            format!("rank {rank} of {} eligible (score desc, index asc), tier {tier}", st.eligible_count)
        }
        _ => "not eligible: no rank, no tier, owed nothing".to_owned(),
    });
    if let Some(clip) = &x.clip {
        lines.push(match clip.cap {
            Some(cap) => format!(
                "clip: clipK {}, cap {cap}; effective score s' = min(score, cap) = {}",
                clip.clip_k, clip.effective_score
            ),
            None => format!("clip: off (clipK 0); effective score s' = score = {}", clip.effective_score),
        });
    }
    for pool in &x.pools {
        let strategy = pool.strategy.map_or("?", |s| s.label());
        let token = if pool.token.is_zero() { "native".to_owned() } else { pool.token.to_string() };
        lines.push(format!(
            "pool {} ({strategy}, {token}, F = {}): {}",
            pool.pool_id, pool.amount, pool.formula
        ));
        lines.push(if pool.agrees {
            format!("  contract rewardOf = {} (agrees){}", pool.contract, if pool.claimed { ", claimed" } else { "" })
        } else {
            format!(
                "  WARNING: the contract's rewardOf is {}, but the formula gives {}: they DISAGREE (run `gradpay verify --session {}`)",
                pool.contract, pool.model, x.session
            )
        });
    }
    if x.pools.is_empty() && x.missing.is_none() {
        lines.push(format!("session {} has no pools yet", x.session));
    }
    lines.extend(x.missing.clone());
    lines.join("\n")
}
