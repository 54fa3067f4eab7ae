//! Per-epoch metrics (reward-math.md §1): the entry the contract records, its bounds, its packed
//! 32-byte form, the JSON-lines file `gradpay record --metrics` reads, and the aggregation of raw
//! training activity into an entry. A line without `"node"` declares an epoch and its rounds: alone
//! it reports an epoch in which no node took part (its rounds still count towards T).

use std::{collections::BTreeMap, path::Path};

use alloy::primitives::U256;
use serde::{Deserialize, Serialize};

pub use crate::node_ref::NodeRef;
use crate::{Error, Result};

/// Largest bps value.
pub const MAX_BPS: u16 = 10_000;

/// One node's metrics for one epoch, as `IContributionTracker.ContributionEntry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EpochEntry {
    /// The node's dense index in the session.
    pub node_index: u32,
    /// Compute time this epoch, seconds.
    pub compute_seconds: u32,
    /// Gradient submissions accepted.
    pub accepted: u32,
    /// Gradient submissions rejected.
    pub rejected: u32,
    /// Rounds completed successfully.
    pub rounds_ok: u32,
    /// Rounds taken part in.
    pub rounds_joined: u32,
    /// 1 − coefficient of variation of gradient norms, clamped to [0, 1], bps.
    pub consistency_bps: u16,
    /// Network quality, bps.
    pub network_bps: u16,
    /// Uptime, bps.
    pub uptime_bps: u16,
}

impl EpochEntry {
    /// Checks the bounds of reward-math.md §1 for an epoch of `epoch_rounds` rounds.
    pub fn validate(&self, epoch_rounds: u32) -> std::result::Result<(), String> {
        if self.rounds_ok > self.rounds_joined {
            return Err(format!("roundsOk {} > roundsJoined {}", self.rounds_ok, self.rounds_joined));
        }
        if self.rounds_joined > epoch_rounds {
            return Err(format!("roundsJoined {} > epochRounds {epoch_rounds}", self.rounds_joined));
        }
        for (name, value) in [
            ("consistencyBps", self.consistency_bps),
            ("networkBps", self.network_bps),
            ("uptimeBps", self.uptime_bps),
        ] {
            if value > MAX_BPS {
                return Err(format!("{name} {value} > {MAX_BPS}"));
            }
        }
        Ok(())
    }

    /// The packed word `recordContributionsBatch` takes (bit layout of `ContributionEntry`).
    pub fn pack(&self) -> U256 {
        let fields: [(u64, usize); 9] = [
            (self.node_index.into(), 0),
            (self.compute_seconds.into(), 32),
            (self.accepted.into(), 64),
            (self.rejected.into(), 96),
            (self.rounds_ok.into(), 128),
            (self.rounds_joined.into(), 160),
            (self.consistency_bps.into(), 192),
            (self.network_bps.into(), 208),
            (self.uptime_bps.into(), 224),
        ];
        fields.iter().fold(U256::ZERO, |word, &(value, shift)| word | (U256::from(value) << shift))
    }
}

/// A serde_json error without its "at line 1 column N": the file's line number is the only one
/// an error names; the column stays.
fn json_reason(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) if error.line() > 0 => format!("{} (column {})", &text[..at], error.column()),
        _ => text,
    }
}

/// One line of a metrics file: an epoch, its rounds, a node and its metrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricsLine {
    /// The epoch.
    pub epoch: u32,
    /// Rounds in the epoch (the same on every line of the epoch).
    pub epoch_rounds: u32,
    /// The node.
    pub node: NodeRef,
    /// Compute time, seconds.
    pub compute_seconds: u32,
    /// Accepted gradient submissions.
    pub accepted: u32,
    /// Rejected gradient submissions.
    pub rejected: u32,
    /// Rounds completed successfully.
    pub rounds_ok: u32,
    /// Rounds taken part in.
    pub rounds_joined: u32,
    /// Consistency, bps.
    pub consistency_bps: u16,
    /// Network quality, bps.
    pub network_bps: u16,
    /// Uptime, bps.
    pub uptime_bps: u16,
}

/// A line without `"node"`: declares an epoch and its rounds, e.g. `{"epoch":3,"epochRounds":10}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EpochDeclaration {
    /// The epoch.
    pub epoch: u32,
    /// Rounds in the epoch.
    pub epoch_rounds: u32,
}

/// An epoch ready to record: its rounds and one line per node (node not yet resolved); no lines
/// for an epoch in which no node took part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochMetrics {
    /// The epoch.
    pub epoch: u32,
    /// Rounds in the epoch.
    pub epoch_rounds: u32,
    /// Per node, in file order.
    pub lines: Vec<MetricsLine>,
}

/// Parses and validates a JSON-lines metrics file's text: every line well formed, within
/// bounds, one `epochRounds` per epoch, no node twice in an epoch. A line without `"node"` declares
/// its epoch (with no node lines, an epoch in which no node took part). Epochs come back ascending.
pub fn parse_metrics(origin: &str, text: &str) -> Result<Vec<EpochMetrics>> {
    let mut epochs: BTreeMap<u32, EpochMetrics> = BTreeMap::new();
    let mut seen: BTreeMap<(u32, NodeRef), usize> = BTreeMap::new();
    for (number, raw) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
        if raw.is_empty() || raw.starts_with('#') {
            continue;
        }
        let bad = |reason: String| Error::Metrics { origin: format!("{origin}:{number}"), reason };
        let (declared, line) = parse_line(raw).map_err(bad)?;
        let epoch = epochs.entry(declared.epoch).or_insert_with(|| EpochMetrics {
            epoch: declared.epoch,
            epoch_rounds: declared.epoch_rounds,
            lines: Vec::new(),
        });
        if epoch.epoch_rounds != declared.epoch_rounds {
            return Err(bad(format!(
                "epochRounds {} differs from {} given earlier for epoch {}",
                declared.epoch_rounds, epoch.epoch_rounds, declared.epoch
            )));
        }
        let Some(line) = line else { continue };
        line.entry(0).validate(line.epoch_rounds).map_err(bad)?;
        if let Some(first) = seen.insert((line.epoch, line.node), number) {
            return Err(bad(format!(
                "node {:?} already has a line in epoch {} (line {first})",
                line.node, line.epoch
            )));
        }
        epoch.lines.push(line);
    }
    if epochs.is_empty() {
        return Err(Error::Metrics { origin: origin.to_owned(), reason: "no metrics lines".into() });
    }
    Ok(epochs.into_values().collect())
}

/// One non-empty line: its epoch and rounds, and the node's metrics unless it only declares the epoch.
fn parse_line(raw: &str) -> std::result::Result<(EpochDeclaration, Option<MetricsLine>), String> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(raw).map_err(|e| json_reason(&e))?;
    if object.contains_key("node") {
        let line: MetricsLine = serde_json::from_str(raw).map_err(|e| json_reason(&e))?;
        return Ok((EpochDeclaration { epoch: line.epoch, epoch_rounds: line.epoch_rounds }, Some(line)));
    }
    serde_json::from_value(object.into()).map(|declared| (declared, None)).map_err(|e| {
        format!(
            "{}: a line without \"node\" only declares an epoch, {{\"epoch\":N,\"epochRounds\":R}}; \
             add \"node\" to give a node's metrics",
            json_reason(&e)
        )
    })
}

/// Reads and parses a metrics file.
pub fn read_metrics_file(path: &Path) -> Result<Vec<EpochMetrics>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))?;
    parse_metrics(&path.display().to_string(), &text)
}

impl MetricsLine {
    /// The entry for the node at `node_index`.
    pub const fn entry(&self, node_index: u32) -> EpochEntry {
        EpochEntry {
            node_index,
            compute_seconds: self.compute_seconds,
            accepted: self.accepted,
            rejected: self.rejected,
            rounds_ok: self.rounds_ok,
            rounds_joined: self.rounds_joined,
            consistency_bps: self.consistency_bps,
            network_bps: self.network_bps,
            uptime_bps: self.uptime_bps,
        }
    }
}

/// What a node did during one epoch, as the training loop observes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EpochActivity {
    /// Compute time, seconds.
    pub compute_seconds: u64,
    /// Norm of every gradient the node submitted, and whether it was accepted.
    pub gradients: Vec<(f64, bool)>,
    /// For every round the node joined: whether it completed successfully.
    pub rounds: Vec<bool>,
    /// Seconds the node was reachable, out of `epoch_seconds`.
    pub online_seconds: u64,
    /// Length of the epoch, seconds.
    pub epoch_seconds: u64,
    /// Network quality measured by the coordinator (e.g. from latency and bandwidth), bps.
    pub network_bps: u16,
}

impl EpochActivity {
    /// Turns the activity into the entry of reward-math.md §1, or says which field is out of bounds.
    pub fn aggregate(&self, node_index: u32, epoch_rounds: u32) -> Result<EpochEntry> {
        let origin = || format!("node {node_index}");
        let too_big = |field: &str, value: usize| Error::Metrics {
            origin: origin(),
            reason: format!("{field} {value} does not fit uint32"),
        };
        let count = |field: &str, n: usize| u32::try_from(n).map_err(|_| too_big(field, n));
        let accepted = self.gradients.iter().filter(|(_, ok)| *ok).count();
        let entry = EpochEntry {
            node_index,
            compute_seconds: u32::try_from(self.compute_seconds)
                .map_err(|_| too_big("computeSeconds", self.compute_seconds as usize))?,
            accepted: count("accepted", accepted)?,
            rejected: count("rejected", self.gradients.len() - accepted)?,
            rounds_ok: count("roundsOk", self.rounds.iter().filter(|ok| **ok).count())?,
            rounds_joined: count("roundsJoined", self.rounds.len())?,
            consistency_bps: consistency_bps(self.gradients.iter().map(|(norm, _)| *norm)),
            network_bps: self.network_bps,
            uptime_bps: if self.epoch_seconds == 0 {
                0
            } else {
                ratio_bps(self.online_seconds.min(self.epoch_seconds), self.epoch_seconds)
            },
        };
        entry.validate(epoch_rounds).map_err(|reason| Error::Metrics { origin: origin(), reason })?;
        Ok(entry)
    }
}

/// 1 − coefficient of variation (population σ / mean) of the gradient norms, clamped to [0, 1],
/// in bps. No gradients, or a non-positive mean, give 0; a single gradient varies by nothing.
pub fn consistency_bps(norms: impl Iterator<Item = f64>) -> u16 {
    let norms: Vec<f64> = norms.filter(|n| n.is_finite()).collect();
    if norms.is_empty() {
        return 0;
    }
    let n = norms.len() as f64;
    let mean = norms.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return 0;
    }
    let variance = norms.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let consistency = (1.0 - variance.sqrt() / mean).clamp(0.0, 1.0);
    (consistency * f64::from(MAX_BPS)).floor() as u16
}

fn ratio_bps(part: u64, whole: u64) -> u16 {
    ((u128::from(part) * u128::from(MAX_BPS)) / u128::from(whole)) as u16
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use alloy::primitives::Address;

    use super::*;

    #[test]
    fn pack_puts_each_field_at_its_offset() {
        let e = EpochEntry {
            node_index: 1,
            compute_seconds: 2,
            accepted: 3,
            rejected: 4,
            rounds_ok: 5,
            rounds_joined: 6,
            consistency_bps: 7,
            network_bps: 8,
            uptime_bps: 9,
        };
        let w = e.pack();
        for (value, shift, width) in [
            (1u64, 0, 32),
            (2, 32, 32),
            (3, 64, 32),
            (4, 96, 32),
            (5, 128, 32),
            (6, 160, 32),
            (7, 192, 16),
            (8, 208, 16),
            (9, 224, 16),
        ] {
            let mask = (U256::from(1u8) << width) - U256::from(1u8);
            assert_eq!((w >> shift) & mask, U256::from(value), "field at bit {shift}");
        }
        assert_eq!(w >> 240, U256::ZERO, "reserved bits must be zero");
        let max = EpochEntry {
            node_index: u32::MAX,
            compute_seconds: u32::MAX,
            accepted: u32::MAX,
            rejected: u32::MAX,
            rounds_ok: u32::MAX,
            rounds_joined: u32::MAX,
            consistency_bps: u16::MAX,
            network_bps: u16::MAX,
            uptime_bps: u16::MAX,
        };
        assert_eq!(max.pack(), (U256::from(1u8) << 240) - U256::from(1u8));
    }

    #[test]
    fn bounds_are_checked() {
        let ok =
            EpochEntry { rounds_ok: 9, rounds_joined: 10, consistency_bps: 10_000, ..Default::default() };
        assert!(ok.validate(10).is_ok());
        assert!(ok.validate(9).unwrap_err().contains("roundsJoined 10 > epochRounds 9"));
        assert!(
            EpochEntry { rounds_ok: 2, rounds_joined: 1, ..ok }
                .validate(10)
                .unwrap_err()
                .contains("roundsOk")
        );
        assert!(
            EpochEntry { uptime_bps: 10_001, ..ok }.validate(10).unwrap_err().contains("uptimeBps 10001")
        );
    }

    const LINE: &str = r#"{"epoch":0,"epochRounds":10,"node":0,"computeSeconds":150,"accepted":27,"rejected":3,"roundsOk":9,"roundsJoined":10,"consistencyBps":8000,"networkBps":9000,"uptimeBps":10000}"#;

    #[test]
    fn metrics_file_parses_and_groups_by_epoch() {
        let addr = LINE
            .replace(r#""node":0"#, r#""node":"0x00000000000000000000000000000000000000aa""#)
            .replace(r#""epoch":0"#, r#""epoch":1"#);
        let text = format!("# comment\n{addr}\n{LINE}\n");
        let epochs = parse_metrics("m.jsonl", &text).unwrap();
        assert_eq!(epochs.iter().map(|e| e.epoch).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(epochs[1].lines[0].node, NodeRef::Address(Address::with_last_byte(0xaa)));
        assert_eq!(epochs[0].lines[0].entry(0).compute_seconds, 150);
    }

    #[test]
    fn metrics_file_errors_name_the_line() {
        let err = |text: &str| parse_metrics("m.jsonl", text).unwrap_err().to_string();
        assert!(err(&format!("{LINE}\n{{oops")).contains("m.jsonl:2"));
        assert!(err(&format!("{LINE}\n{LINE}")).contains("already has a line"));
        assert!(err(&LINE.replace("10000}", "10001}")).contains("uptimeBps 10001"));
        assert!(
            err(&format!(
                "{LINE}\n{}",
                LINE.replace(r#""node":0"#, r#""node":1"#)
                    .replace("\"epochRounds\":10", "\"epochRounds\":12")
            ))
            .contains("epochRounds 12 differs")
        );
        assert!(err(&LINE.replace("\"accepted\":27", "\"accepted\":-1")).contains("m.jsonl:1"));
        assert!(err(&LINE.replace("\"accepted\"", "\"acepted\"")).contains("unknown field"));
        let address = err(&LINE.replace(r#""node":0"#, r#""node":"0x12345""#));
        assert!(
            address.contains("m.jsonl:1") && address.contains("\"0x12345\" is not an address"),
            "{address}"
        );
        assert!(!address.contains("at line"), "one line number per error: {address}");
        assert!(err("\n").contains("no metrics lines"));
        assert!(err(r#"{"epoch":1,"epochRounds":10,"computeSeconds":5}"#).contains("without \"node\""));
        assert!(err(r#"{"epoch":1}"#).contains("missing field `epochRounds`"));
        let rounds = err(&format!("{LINE}\n{}", r#"{"epoch":0,"epochRounds":9}"#));
        assert!(rounds.contains("(m.jsonl:2)") && rounds.contains("epochRounds 9 differs"), "{rounds}");
    }

    #[test]
    fn a_line_without_node_declares_an_epoch() {
        let text =
            format!("{}\n{LINE}\n{}\n", r#"{"epoch":3,"epochRounds":12}"#, r#"{"epoch":0,"epochRounds":10}"#);
        let epochs = parse_metrics("m.jsonl", &text).unwrap();
        assert_eq!(epochs.len(), 2);
        assert_eq!(
            (epochs[0].epoch, epochs[0].epoch_rounds, epochs[0].lines.len()),
            (0, 10, 1),
            "beside node lines"
        );
        assert_eq!((epochs[1].epoch, epochs[1].epoch_rounds), (3, 12));
        assert!(epochs[1].lines.is_empty(), "a silent epoch");
    }

    #[test]
    fn aggregation_matches_the_definitions() {
        let activity = EpochActivity {
            compute_seconds: 150,
            gradients: vec![(1.0, true), (3.0, true), (2.0, false)],
            rounds: vec![true, true, false],
            online_seconds: 90,
            epoch_seconds: 100,
            network_bps: 9000,
        };
        let e = activity.aggregate(4, 10).unwrap();
        // mean 2, population sigma sqrt(2/3) = 0.8165 -> 1 - 0.40825 = 0.59175
        assert_eq!((e.node_index, e.accepted, e.rejected, e.rounds_ok, e.rounds_joined), (4, 2, 1, 2, 3));
        assert_eq!((e.consistency_bps, e.uptime_bps, e.network_bps), (5917, 9000, 9000));
        assert_eq!(consistency_bps([5.0].into_iter()), 10_000);
        assert_eq!(consistency_bps([0.1, 10.0].into_iter()), 198);
        assert_eq!(consistency_bps([1.0, 100.0, 0.0, 0.0].into_iter()), 0, "clamped at 0");
        assert_eq!(consistency_bps(std::iter::empty()), 0);
        let err = activity.aggregate(4, 2).unwrap_err().to_string();
        assert!(err.contains("node 4") && err.contains("roundsJoined 3 > epochRounds 2"), "{err}");
    }
}
