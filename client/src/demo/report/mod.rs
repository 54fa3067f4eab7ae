//! The demo's report: per node its metrics, Q, R, score and payout under every pool; gas per
//! operation beside the seed's fixed limit; gas used against gas limit. Written as `report.json`
//! and as `report.html` (an SVG chart of payouts and the tables, see [`html`]) to open in a browser.

mod html;

use std::{collections::BTreeMap, fmt::Write as _, path::Path};

use alloy::primitives::{Address, U256};
use serde::Serialize;

use crate::{
    Error, GasRecord, Result, Strategy,
    bindings::IContributionTracker::{NodeRecord, NodeScore},
    claims::PoolReward,
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
    /// The line of `address` from the contract's views, its entitlements from `rewards` (before
    /// claiming); nothing claimed yet.
    pub fn new(address: Address, record: &NodeRecord, score: &NodeScore, rewards: &[PoolReward]) -> Self {
        Self {
            index: record.index,
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
            pools_claimed: 0,
            fully_claimed: false,
        }
    }
}

/// One pool of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolReport {
    /// Pool id.
    #[serde(serialize_with = "crate::json::decimal")]
    pub pool_id: U256,
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

impl PoolReport {
    /// Pool `pool_id` funded with `amount` of `token` ("ETH" or a symbol), nothing paid yet.
    pub fn funded(pool_id: U256, strategy: Strategy, token: &str, amount: u128) -> Self {
        Self {
            pool_id,
            strategy,
            token: token.to_owned(),
            amount: amount.to_string(),
            paid: String::new(),
            left: String::new(),
        }
    }
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

impl GasRow {
    /// The row's columns (see [`GAS_COLUMNS`]), as both the text and the HTML table show them.
    fn cells(&self) -> Vec<String> {
        let gas = [self.count, self.mean_used, self.mean_limit, self.total_used, self.total_limit];
        let seed = [self.seed_estimate, self.seed_charged].map(seed_text);
        [self.operation.clone()].into_iter().chain(gas.map(|g| g.to_string())).chain(seed).collect()
    }
}

/// The gas table's column titles.
const GAS_COLUMNS: [&str; 8] = [
    "operation",
    "txs",
    "mean used",
    "mean limit",
    "total used",
    "total limit",
    "seed estimate",
    "seed charged",
];

/// What a report is about: the chain, the contract, the session's size, and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportHeader {
    /// Chain id.
    pub chain_id: u64,
    /// GradPay address.
    pub contract: Address,
    /// Nodes in the session.
    pub node_count: u32,
    /// Epochs recorded.
    pub epochs: u32,
    /// Wall time, ms.
    pub millis: u128,
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
    /// Assembles the report; `gas` is every mined transaction, grouped here by operation.
    pub fn new(
        header: ReportHeader,
        nodes: Vec<NodeReport>,
        pools: Vec<PoolReport>,
        records: Vec<RecordSummary>,
        gas: &[GasRecord],
    ) -> Self {
        let mut by_op: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
        for g in gas {
            // "createRewardPool (tiered)" and friends group under their function.
            let op = g.operation.split(" (").next().unwrap_or(&g.operation).to_owned();
            let e = by_op.entry(op).or_default();
            *e = (e.0 + 1, e.1 + g.gas_used, e.2 + g.gas_limit);
        }
        let node_count = u64::from(header.node_count);
        let node_epochs = node_count * u64::from(header.epochs);
        let rows = by_op
            .into_iter()
            .map(|(operation, (count, used, limit))| {
                // The seed recorded one node per transaction and claimed one pool per transaction.
                let seed_txs = match operation.as_str() {
                    "recordContributionsBatch" => Some(node_epochs),
                    "registerNodesBatch" => Some(node_count),
                    "claimRewardsBatch" => Some(node_count * pools.len() as u64),
                    "deploy GradPay" | "mint" => None,
                    _ => Some(count),
                };
                let seed_charged = seed_txs.map(|txs| txs * SEED_GAS_LIMIT);
                // Finalization is one reward calculation over the eligible nodes, split over two calls.
                let seed_units = match operation.as_str() {
                    "startFinalization" | "submitRanking" => Some(node_count),
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
            chain_id: header.chain_id,
            contract: header.contract,
            node_count: header.node_count,
            epochs: header.epochs,
            gas_used: gas.iter().map(|g| g.gas_used).sum(),
            gas_limit: gas.iter().map(|g| g.gas_limit).sum(),
            nodes,
            pools,
            records,
            gas: rows,
            millis: header.millis,
        }
    }

    /// Writes `report.json` and `report.html` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        let json = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Encoding { what: "the demo report", reason: e.to_string() })?;
        let path = dir.join("report.json");
        std::fs::write(&path, json + "\n").map_err(|e| Error::io("writing", &path, e))?;
        let path = dir.join("report.html");
        std::fs::write(&path, self.html()?).map_err(|e| Error::io("writing", &path, e))
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
        t.push('\n');
        t += &gas_line(&GAS_COLUMNS.map(str::to_owned));
        for g in &self.gas {
            t += &gas_line(&g.cells());
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
}

/// A line of the text gas table: the operation left-aligned, the numbers right-aligned.
fn gas_line(cells: &[String]) -> String {
    const WIDTHS: [usize; 8] = [26, 5, 10, 10, 12, 12, 14, 14];
    let mut line = format!("{:<w$}", cells[0], w = WIDTHS[0]);
    for (cell, width) in cells.iter().zip(WIDTHS).skip(1) {
        let _ = write!(line, " {cell:>width$}");
    }
    line + "\n"
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
