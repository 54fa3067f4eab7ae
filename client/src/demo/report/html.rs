//! `report.html`: the report as one self-contained page (the dashboard's templates and style, an
//! SVG bar chart of every node's payout under each ETH pool's strategy, and the tables), to open
//! in a browser: the static export of what `gradpay demo --serve` shows live.

use std::fmt::Write as _;

use minijinja::context;

use super::{GAS_COLUMNS, NodeReport, PoolReport, Report, percent};
use crate::{Result, serve::Amount};

/// Every amount of the demo is of an 18-decimal coin or token.
const DECIMALS: u8 = 18;

impl Report {
    /// The page, rendered from the dashboard's templates (its style inlined, its `amount` macro):
    /// a summary, the payout chart and the node, pool and gas tables.
    pub(super) fn html(&self) -> Result<String> {
        let amount = |raw: &str, token: &str| Amount::new(raw, Some(DECIMALS), token);
        let pools: Vec<_> = self
            .pools
            .iter()
            .map(|p| {
                let (paid, left) = (amount(&p.paid, &p.token), amount(&p.left, &p.token));
                context! { pool => p, amount => amount(&p.amount, &p.token), paid, left }
            })
            .collect();
        let nodes: Vec<_> = self
            .nodes
            .iter()
            .map(|n| {
                let payouts: Vec<_> =
                    n.payouts.iter().zip(&self.pools).map(|(raw, p)| amount(raw, &p.token)).collect();
                context! { node => n, payouts }
            })
            .collect();
        let gas_rows: Vec<Vec<String>> = self.gas.iter().map(|g| g.cells()).collect();
        let ctx = context! {
            report => self,
            pools,
            nodes,
            gas_rows,
            gas_columns => GAS_COLUMNS,
            gas_percent => format!("{:.1}", percent(self.gas_used, self.gas_limit)),
            chart => self.svg(),
        };
        crate::serve::render_report(ctx)
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
