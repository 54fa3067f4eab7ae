//! The session page's charts as inline SVG (no script, no external asset): the score
//! distribution with the clip cap, each pool's payout, and the nodes recorded per epoch.

use std::fmt::Write as _;

use super::views::{EpochParticipation, PoolView};

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 180.0;
const BINS: usize = 24;

/// A histogram of `scores` (eligible nodes) with a line at `clip_cap` when clipping.
pub(crate) fn score_distribution(scores: &[f64], clip_cap: Option<f64>) -> String {
    let max = scores.iter().copied().fold(clip_cap.unwrap_or(0.0), f64::max);
    if scores.is_empty() || max <= 0.0 {
        return empty("no eligible node has a score yet");
    }
    let mut bins = [0usize; BINS];
    for &score in scores {
        let bin = ((score / max) * BINS as f64) as usize;
        bins[bin.min(BINS - 1)] += 1;
    }
    let tallest = bins.iter().copied().max().unwrap_or(1).max(1) as f64;
    let bar = WIDTH / BINS as f64;
    let mut svg = open("Score distribution of the eligible nodes");
    for (i, &count) in bins.iter().enumerate() {
        let h = (count as f64 / tallest) * (HEIGHT - 30.0);
        let (lo, hi) = (max * i as f64 / BINS as f64, max * (i + 1) as f64 / BINS as f64);
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}"><title>{count} node(s) scoring {lo:.3e} to {hi:.3e}</title></rect>"#,
            i as f64 * bar + 1.0,
            HEIGHT - 20.0 - h,
            bar - 2.0
        );
    }
    if let Some(cap) = clip_cap {
        let x = (cap / max) * WIDTH;
        let _ = write!(
            svg,
            r#"<line class="cap" x1="{x:.1}" y1="4" x2="{x:.1}" y2="{:.1}"/><text class="cap" x="{:.1}" y="14">clip cap {cap:.3e}</text>"#,
            HEIGHT - 20.0,
            (x - 4.0).max(60.0),
        );
    }
    let _ = write!(
        svg,
        r#"<text x="0" y="{HEIGHT}">0</text><text x="{WIDTH}" y="{HEIGHT}" text-anchor="end">{max:.3e}</text>"#
    );
    svg + "</svg>"
}

/// One bar per pool: paid (claimed) against the pool's amount, labelled with its strategy.
pub(crate) fn payouts(pools: &[PoolView]) -> String {
    if pools.is_empty() {
        return empty("no pool yet");
    }
    let row = (HEIGHT - 10.0) / pools.len().max(4) as f64;
    let mut svg = open("Payout per pool: paid of the amount");
    for (i, pool) in pools.iter().enumerate() {
        let amount = pool.data.amount.parse::<f64>().unwrap_or(0.0);
        let remaining = pool.data.remaining.parse::<f64>().unwrap_or(0.0);
        let share = if amount > 0.0 { ((amount - remaining) / amount).clamp(0.0, 1.0) } else { 0.0 };
        let y = i as f64 * row + 4.0;
        let _ = write!(
            svg,
            r#"<rect class="track" x="200" y="{y:.1}" width="{:.1}" height="{:.1}"/><rect class="bar" x="200" y="{y:.1}" width="{:.1}" height="{:.1}"><title>{} paid of {}</title></rect><text x="0" y="{:.1}">pool {} {}</text><text x="{:.1}" y="{:.1}" text-anchor="end">{:.0}%</text>"#,
            WIDTH - 200.0,
            row - 6.0,
            (WIDTH - 200.0) * share,
            row - 6.0,
            pool.shown.paid.display,
            pool.shown.amount.display,
            y + row / 2.0,
            pool.data.pool_id,
            pool.data.strategy,
            WIDTH - 2.0,
            y + row / 2.0,
            share * 100.0,
        );
    }
    svg + "</svg>"
}

/// Nodes recorded per epoch against the session's node count.
pub(crate) fn participation(epochs: &[EpochParticipation], node_count: u32) -> String {
    if epochs.is_empty() || node_count == 0 {
        return empty("no epoch recorded yet");
    }
    let bar = WIDTH / epochs.len() as f64;
    let mut svg = open("Nodes recorded per epoch");
    for (i, epoch) in epochs.iter().enumerate() {
        let share = (epoch.entries as f64 / f64::from(node_count)).clamp(0.0, 1.0);
        let h = share * (HEIGHT - 30.0);
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}"><title>epoch {}: {} of {node_count} nodes in {} batch(es), {} rounds</title></rect>"#,
            i as f64 * bar + 1.0,
            HEIGHT - 20.0 - h,
            (bar - 2.0).max(1.0),
            epoch.epoch,
            epoch.entries,
            epoch.batches,
            epoch.rounds,
        );
    }
    let last = epochs.last().map_or(0, |e| e.epoch);
    let first = epochs.first().map_or(0, |e| e.epoch);
    let _ = write!(
        svg,
        r#"<text x="0" y="{HEIGHT}">epoch {first}</text><text x="{WIDTH}" y="{HEIGHT}" text-anchor="end">epoch {last}</text>"#
    );
    svg + "</svg>"
}

fn open(title: &str) -> String {
    format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}"><title>{title}</title>"#
    )
}

fn empty(what: &str) -> String {
    format!(
        r#"{}<text x="{}" y="{}" text-anchor="middle">{what}</text></svg>"#,
        open(what),
        WIDTH / 2.0,
        HEIGHT / 2.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_counts_every_score_and_marks_the_cap() {
        let svg = score_distribution(&[1.0, 2.0, 2.0, 10.0], Some(5.0));
        assert_eq!(svg.matches("<rect").count(), BINS);
        let counted: usize =
            svg.split("<title>").skip(2).filter_map(|t| t.split(' ').next()?.parse::<usize>().ok()).sum();
        assert_eq!(counted, 4, "every score in one bin");
        assert!(svg.contains("clip cap 5.000e0"), "{svg}");
        assert!(score_distribution(&[], None).contains("no eligible node"));
    }
}
