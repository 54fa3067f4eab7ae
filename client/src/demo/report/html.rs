//! `report.html`: the report as one self-contained page (inline CSS, an SVG bar chart of every
//! node's payout under each ETH pool's strategy, and the tables), to open in a browser.

use std::fmt::Write as _;

use super::{GAS_COLUMNS, NodeReport, PoolReport, Report, percent, units};

impl Report {
    /// The page: a summary, the payout chart and the node, pool and gas tables.
    pub(super) fn html(&self) -> String {
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
            h += &row(n.cells().into_iter().chain(n.payouts.iter().map(|p| units(p))));
        }
        h += "</table><table><caption>Pools</caption><tr><th>pool</th><th>strategy</th><th>token</th><th>amount</th><th>paid</th><th>left (dust)</th></tr>";
        for p in &self.pools {
            let (id, strategy, token) = (p.pool_id.to_string(), p.strategy.to_string(), p.token.clone());
            h += &row([id, strategy, token, units(&p.amount), units(&p.paid), p.left.clone()]);
        }
        h += "</table><table><caption>Gas per operation (the seed used a fixed 500,000 limit per transaction, one node per record and one pool per claim)</caption><tr>";
        for title in GAS_COLUMNS {
            let _ = write!(h, "<th>{title}</th>");
        }
        h += "</tr>";
        for g in &self.gas {
            h += &row(g.cells());
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

/// A table row of `cells`.
fn row(cells: impl IntoIterator<Item = String>) -> String {
    let mut tr = String::from("<tr>");
    for cell in cells {
        let _ = write!(tr, "<td>{cell}</td>");
    }
    tr + "</tr>"
}
