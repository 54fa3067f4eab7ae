//! The demo's report: per node its metrics, Q, R, score and payout under every pool; gas per
//! operation beside the seed's fixed limit; gas used against gas limit. Written as `report.json`
//! and as `report.html` (an SVG chart of payouts and the tables) to open in a browser.

use std::{collections::BTreeMap, fmt::Write as _, path::Path};

use alloy::primitives::{Address, U256};
use serde::Serialize;

use crate::{
    Coordinator, Error, GasRecord, Result, Strategy,
    bindings::IContributionTracker::{NodeRecord, NodeScore},
    claims::PoolReward,
    demo::DemoOptions,
    record::RecordSummary,
};

/// The seed sent every operation with a fixed 500,000 gas limit (issue #5); Monad charges the
/// whole limit, so this is what the seed paid per transaction.
pub const SEED_GAS_LIMIT: u64 = 500_000;

/// The seed's own gas estimates for the same work, from its documentation: create ~100k, register
/// ~400k for 10 nodes, record ~250k for 10 node-epochs, reward calculation ~300k for 10 nodes,
/// claim ~50k. `units` is what the row's work is counted in (sessions, nodes, node-epochs, claims).
fn seed_estimate(operation: &str, units: u64) -> Option<u64> {
    let per_unit = match operation {
        "createSession" => 100_000,
        "registerNodesBatch" => 40_000,
        "recordContributionsBatch" => 25_000,
        "startFinalization" | "submitRanking" => 15_000,
        "claimReward" | "claimRewardsBatch" => 50_000,
        _ => return None,
    };
    Some(per_unit * units)
}

/// One node's line of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeReport {
    /// Dense index.
    pub index: u32,
    /// Address.
    pub address: Address,
    /// Epochs reported.
    pub epochs: u16,
    /// Compute seconds, summed.
    #[serde(serialize_with = "crate::json::decimal")]
    pub compute_seconds: u64,
    /// Accepted / rejected gradients.
    pub accepted: u32,
    /// Rejected gradients.
    pub rejected: u32,
    /// Rounds ok / joined.
    pub rounds_ok: u32,
    /// Rounds joined.
    pub rounds_joined: u32,
    /// Quality Q, bps (from the contract).
    pub quality: u16,
    /// Reliability R, bps (from the contract).
    pub reliability: u16,
    /// Score (from the contract).
    pub score: String,
    /// Eligible for rewards.
    pub eligible: bool,
    /// Entitlement per pool, in pool order (wei or token units).
    pub payouts: Vec<String>,
    /// Pools claimed in its one `claimRewardsBatch`.
    pub pools_claimed: usize,
    /// Nothing pending after claiming.
    pub fully_claimed: bool,
}

impl NodeReport {
    /// Builds the line from the contract's views.
    pub fn new(
        index: u32,
        address: Address,
        record: &NodeRecord,
        score: &NodeScore,
        rewards: &[PoolReward],
        pools_claimed: usize,
        fully_claimed: bool,
    ) -> Self {
        Self {
            index,
            address,
            epochs: record.epochs,
            compute_seconds: record.computeSeconds,
            accepted: record.accepted,
            rejected: record.rejected,
            rounds_ok: record.roundsOk,
            rounds_joined: record.roundsJoined,
            quality: score.quality,
            reliability: score.reliability,
            score: score.score.to_string(),
            eligible: score.eligible,
            payouts: rewards.iter().map(|r| r.entitled.to_string()).collect(),
            pools_claimed,
            fully_claimed,
        }
    }
}

/// One pool of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolReport {
    /// Pool id.
    pub pool_id: String,
    /// Strategy.
    pub strategy: Strategy,
    /// "ETH" or the token's symbol.
    pub token: String,
    /// Funded amount.
    pub amount: String,
    /// Paid out to nodes.
    pub paid: String,
    /// Left in the pool (rounding dust, swept after the deadline).
    pub left: String,
}

/// Gas of one kind of operation.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GasRow {
    /// Operation.
    pub operation: String,
    /// Transactions.
    pub count: u64,
    /// Mean gas used.
    #[serde(serialize_with = "crate::json::decimal")]
    pub mean_used: u64,
    /// Mean gas limit (what Monad charges).
    #[serde(serialize_with = "crate::json::decimal")]
    pub mean_limit: u64,
    /// Total gas used.
    #[serde(serialize_with = "crate::json::decimal")]
    pub total_used: u64,
    /// Total gas limit.
    #[serde(serialize_with = "crate::json::decimal")]
    pub total_limit: u64,
    /// The seed's estimate of the gas for the same work (`None` where it gave none).
    #[serde(serialize_with = "crate::json::decimal_opt")]
    pub seed_estimate: Option<u64>,
    /// What the seed would have been charged for the same work at its fixed limit (`None` for
    /// set-up the seed did not do: deploying, minting the demo token).
    #[serde(serialize_with = "crate::json::decimal_opt")]
    pub seed_charged: Option<u64>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Chain id.
    #[serde(serialize_with = "crate::json::decimal")]
    pub chain_id: u64,
    /// GradPay address.
    pub contract: Address,
    /// Nodes.
    pub node_count: u32,
    /// Epochs.
    pub epochs: u32,
    /// Per node.
    pub nodes: Vec<NodeReport>,
    /// Per pool, in creation order (the order of every node's `payouts`).
    pub pools: Vec<PoolReport>,
    /// Per epoch recorded.
    pub records: Vec<RecordSummary>,
    /// Gas per operation.
    pub gas: Vec<GasRow>,
    /// Σ gas used.
    #[serde(serialize_with = "crate::json::decimal")]
    pub gas_used: u64,
    /// Σ gas limit.
    #[serde(serialize_with = "crate::json::decimal")]
    pub gas_limit: u64,
    /// Wall time of the whole demo, ms.
    pub millis: u128,
}

impl Report {
    /// Assembles the report.
    pub fn new(
        c: &Coordinator,
        options: &DemoOptions,
        nodes: Vec<NodeReport>,
        pools: Vec<PoolReport>,
        records: Vec<RecordSummary>,
        gas: &[GasRecord],
        millis: u128,
    ) -> Self {
        let mut by_op: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
        for g in gas {
            // "createRewardPool (tiered)" and friends group under their function.
            let op = g.operation.split(" (").next().unwrap_or(&g.operation).to_owned();
            let e = by_op.entry(op).or_default();
            *e = (e.0 + 1, e.1 + g.gas_used, e.2 + g.gas_limit);
        }
        let node_epochs = u64::from(options.nodes) * u64::from(options.epochs);
        let rows = by_op
            .into_iter()
            .map(|(operation, (count, used, limit))| {
                // The seed recorded one node per transaction and claimed one pool per transaction.
                let seed_txs = match operation.as_str() {
                    "recordContributionsBatch" => Some(node_epochs),
                    "registerNodesBatch" => Some(u64::from(options.nodes)),
                    "claimRewardsBatch" => Some(u64::from(options.nodes) * pools.len() as u64),
                    "deploy GradPay" | "mint" => None,
                    _ => Some(count),
                };
                let seed_charged = seed_txs.map(|txs| txs * SEED_GAS_LIMIT);
                // Finalization is one reward calculation over the eligible nodes, split over two calls.
                let seed_units = match operation.as_str() {
                    "startFinalization" | "submitRanking" => Some(u64::from(options.nodes)),
                    _ => seed_txs,
                };
                GasRow {
                    seed_estimate: seed_units.and_then(|units| seed_estimate(&operation, units)),
                    mean_used: used / count.max(1),
                    mean_limit: limit / count.max(1),
                    total_used: used,
                    total_limit: limit,
                    seed_charged,
                    operation,
                    count,
                }
            })
            .collect::<Vec<_>>();
        Self {
            chain_id: c.profile().chain_id,
            contract: c.address(),
            node_count: options.nodes,
            epochs: options.epochs,
            gas_used: gas.iter().map(|g| g.gas_used).sum(),
            gas_limit: gas.iter().map(|g| g.gas_limit).sum(),
            nodes,
            pools,
            records,
            gas: rows,
            millis,
        }
    }

    /// Writes `report.json` and `report.html` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        let json = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Rpc { action: "encoding report".into(), reason: e.to_string() })?;
        let path = dir.join("report.json");
        std::fs::write(&path, json + "\n").map_err(|e| Error::io("writing", &path, e))?;
        let path = dir.join("report.html");
        std::fs::write(&path, self.html()).map_err(|e| Error::io("writing", &path, e))
    }

    /// The text summary printed by `gradpay demo`.
    pub fn text(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "gradpay demo: {} nodes × {} epochs on chain {} (GradPay {}), {} ms\n",
            self.node_count, self.epochs, self.chain_id, self.contract, self.millis
        );
        let _ = write!(
            t,
            "{:>4} {:>7} {:>6} {:>9} {:>9} {:>6} {:>6} {:>20}",
            "node", "epochs", "c (s)", "acc/rej", "rounds", "Q", "R", "score"
        );
        for p in &self.pools {
            let _ = write!(t, " {:>14}", format!("{}/{}", short(p.strategy), p.token));
        }
        t.push('\n');
        for n in &self.nodes {
            let _ = write!(
                t,
                "{:>4} {:>7} {:>6} {:>9} {:>9} {:>6} {:>6} {:>20}",
                n.index,
                n.epochs,
                n.compute_seconds,
                format!("{}/{}", n.accepted, n.rejected),
                format!("{}/{}", n.rounds_ok, n.rounds_joined),
                n.quality,
                n.reliability,
                n.score
            );
            for p in &n.payouts {
                let _ = write!(t, " {:>14}", units(p));
            }
            t.push('\n');
        }
        let _ = writeln!(
            t,
            "\n{:<26} {:>5} {:>10} {:>10} {:>12} {:>12} {:>14} {:>14}",
            "operation",
            "txs",
            "mean used",
            "mean limit",
            "total used",
            "total limit",
            "seed estimate",
            "seed charged"
        );
        for g in &self.gas {
            let _ = writeln!(
                t,
                "{:<26} {:>5} {:>10} {:>10} {:>12} {:>12} {:>14} {:>14}",
                g.operation,
                g.count,
                g.mean_used,
                g.mean_limit,
                g.total_used,
                g.total_limit,
                seed_text(g.seed_estimate),
                seed_text(g.seed_charged)
            );
        }
        let seed: u64 = self.gas.iter().filter_map(|g| g.seed_charged).sum();
        let ours: u64 = self.gas.iter().filter(|g| g.seed_charged.is_some()).map(|g| g.total_limit).sum();
        let _ = writeln!(
            t,
            "\ngas used {} of limit {} ({:.1} % of the limit used)\nsession operations charged {ours} gas (limits) where the seed's fixed 500,000 limits would be charged {seed}",
            self.gas_used,
            self.gas_limit,
            percent(self.gas_used, self.gas_limit)
        );
        let all = self.nodes.iter().all(|n| n.fully_claimed);
        let _ = writeln!(t, "every node claimed every pool: {}", if all { "yes" } else { "NO" });
        t
    }

    fn html(&self) -> String {
        let mut h = String::from(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>gradpay demo report</title><style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}caption{text-align:left;font-weight:600;margin-bottom:.4em}</style></head><body>",
        );
        let _ = write!(
            h,
            "<h1>gradpay demo</h1><p>{} nodes × {} epochs on chain {}, GradPay <code>{}</code>. Gas used {} of limit {} ({:.1} %).</p>",
            self.node_count,
            self.epochs,
            self.chain_id,
            self.contract,
            self.gas_used,
            self.gas_limit,
            percent(self.gas_used, self.gas_limit)
        );
        h += &self.svg();
        h += "<table><caption>Nodes (scores from the contract; payouts in ETH or GRAD)</caption><tr><th>node</th><th>epochs</th><th>compute s</th><th>accepted</th><th>rejected</th><th>rounds ok</th><th>joined</th><th>Q</th><th>R</th><th>score</th>";
        for p in &self.pools {
            let _ = write!(h, "<th>{} {}</th>", p.strategy, p.token);
        }
        h += "</tr>";
        for n in &self.nodes {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                n.index,
                n.epochs,
                n.compute_seconds,
                n.accepted,
                n.rejected,
                n.rounds_ok,
                n.rounds_joined,
                n.quality,
                n.reliability,
                n.score
            );
            for p in &n.payouts {
                let _ = write!(h, "<td>{}</td>", units(p));
            }
            h += "</tr>";
        }
        h += "</table><table><caption>Pools</caption><tr><th>pool</th><th>strategy</th><th>token</th><th>amount</th><th>paid</th><th>left (dust)</th></tr>";
        for p in &self.pools {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                p.pool_id,
                p.strategy,
                p.token,
                units(&p.amount),
                units(&p.paid),
                p.left
            );
        }
        h += "</table><table><caption>Gas per operation (the seed used a fixed 500,000 limit per transaction, one node per record and one pool per claim)</caption><tr><th>operation</th><th>txs</th><th>mean used</th><th>mean limit</th><th>total used</th><th>total limit</th><th>seed estimate</th><th>seed charged</th></tr>";
        for g in &self.gas {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                g.operation,
                g.count,
                g.mean_used,
                g.mean_limit,
                g.total_used,
                g.total_limit,
                seed_text(g.seed_estimate),
                seed_text(g.seed_charged)
            );
        }
        h += "</table></body></html>\n";
        h
    }

    /// Grouped bars: per node, its payout under each ETH pool's strategy.
    fn svg(&self) -> String {
        let eth: Vec<(usize, &PoolReport)> =
            self.pools.iter().enumerate().filter(|(_, p)| p.token == "ETH").collect();
        let colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"];
        let value = |n: &NodeReport, i: usize| {
            n.payouts.get(i).and_then(|p| p.parse::<f64>().ok()).unwrap_or(0.0) / 1e18
        };
        let max = self
            .nodes
            .iter()
            .flat_map(|n| eth.iter().map(move |(i, _)| value(n, *i)))
            .fold(0.0_f64, f64::max)
            .max(1e-18);
        let group = 18.0 * eth.len() as f64 + 12.0;
        let (left, top, height) = (60.0, 30.0, 260.0);
        let width = left + group * self.nodes.len() as f64 + 20.0;
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{:.0}\" font-size=\"11\">",
            top + height + 60.0
        );
        let _ = write!(
            s,
            "<text x=\"{left}\" y=\"16\" font-weight=\"600\">Payout per node per strategy (ETH pools of 1 ETH)</text>"
        );
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"#999\"/>",
            top + height
        );
        for tick in 0..=4 {
            let v = max * f64::from(tick) / 4.0;
            let y = top + height - height * f64::from(tick) / 4.0;
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v:.3}</text><line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{width:.0}\" y2=\"{y:.1}\" stroke=\"#eee\"/>",
                left - 4.0,
                y + 4.0
            );
        }
        for (k, n) in self.nodes.iter().enumerate() {
            let x0 = left + 8.0 + group * k as f64;
            for (j, (i, _)) in eth.iter().enumerate() {
                let h = height * value(n, *i) / max;
                let _ = write!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"16\" height=\"{h:.1}\" fill=\"{}\"><title>node {} {}: {:.6} ETH</title></rect>",
                    x0 + 18.0 * j as f64,
                    top + height - h,
                    colors[j % 4],
                    n.index,
                    eth[j].1.strategy,
                    value(n, *i)
                );
            }
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x0 + 9.0 * eth.len() as f64,
                top + height + 14.0,
                n.index
            );
        }
        for (j, (_, p)) in eth.iter().enumerate() {
            let x = left + 130.0 * j as f64;
            let _ = write!(
                s,
                "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
                top + height + 30.0,
                colors[j % 4],
                x + 14.0,
                top + height + 39.0,
                p.strategy
            );
        }
        s + "</svg>"
    }
}

fn short(s: Strategy) -> &'static str {
    match s {
        Strategy::Proportional => "prop",
        Strategy::Tiered => "tier",
        Strategy::MinimumGuarantee => "min",
        Strategy::Hybrid => "hyb",
    }
}

fn seed_text(gas: Option<u64>) -> String {
    gas.map_or_else(|| "—".to_owned(), |g| g.to_string())
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { 100.0 * part as f64 / whole as f64 }
}

/// An 18-decimal amount as a decimal string with 6 fractional digits.
fn units(raw: &str) -> String {
    raw.parse::<U256>()
        .ok()
        .and_then(|v| alloy::primitives::utils::format_units(v, 18).ok())
        .map(|s| match s.split_once('.') {
            Some((int, frac)) => format!("{int}.{:0<6}", &frac[..frac.len().min(6)]),
            None => s,
        })
        .unwrap_or_else(|| raw.to_owned())
}
