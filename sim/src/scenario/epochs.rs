//! The recorded part of a session plan: entries biased to the edges, node profiles (silent,
//! twins), epochs with gaps and revisits, silent epochs in which every node is absent, and the
//! cut of each epoch into batches.

use proptest::collection::vec;
use proptest::prelude::*;

use gradpay_model::EpochEntry;

use super::EpochPlan;
/// Per-entry ceiling of a submission count in a session that stays within the contract's
/// storage (`limits::MAX_SUBMISSIONS` over 20 epochs); wide sessions use all of `u32`.
const NARROW_MAX: u32 = 6_000_000;

/// A `u32` metric biased to its edges; `wide` reaches `u32::MAX`, which overflows the stored sums
/// of accepted and rejected submissions and so makes whole batches revert.
fn metric_u32(wide: bool) -> BoxedStrategy<u32> {
    let top = if wide { u32::MAX } else { NARROW_MAX };
    prop_oneof![
        3 => Just(0u32),
        1 => Just(top),
        8 => 1u32..1_000,
        3 => 1_000u32..1_000_000,
        1 => 0..=top,
    ]
    .boxed()
}

/// A bps value biased to 0 and 10,000.
fn bps() -> impl Strategy<Value = u16> {
    prop_oneof![2 => Just(0u16), 2 => Just(10_000u16), 6 => 0u16..=10_000]
}

/// `epochRounds`: mostly small, sometimes 0, and in wide sessions huge (past the contract's
/// total-rounds limit).
fn epoch_rounds(wide: bool) -> BoxedStrategy<u32> {
    let top = if wide { u32::MAX } else { NARROW_MAX };
    prop_oneof![1 => Just(0u32), 12 => 1u32..=50, 1 => Just(top), 1 => 0..=top].boxed()
}

/// A fraction in thousandths biased to none and all.
fn share() -> impl Strategy<Value = u32> {
    prop_oneof![2 => Just(0u32), 3 => Just(1000u32), 5 => 0u32..=1000]
}

/// What a node reports in one epoch, before `roundsJoined`/`roundsOk` are fitted to the rounds.
#[derive(Clone, Copy, Debug)]
struct RawEntry {
    compute_seconds: u32,
    accepted: u32,
    rejected: u32,
    joined_share: u32,
    ok_share: u32,
    consistency_bps: u16,
    network_bps: u16,
    uptime_bps: u16,
}

fn raw_entry(wide: bool) -> impl Strategy<Value = RawEntry> {
    (metric_u32(true), metric_u32(wide), metric_u32(wide), share(), share(), bps(), bps(), bps()).prop_map(
        |(compute_seconds, accepted, rejected, joined_share, ok_share, c, n, u)| RawEntry {
            compute_seconds,
            accepted,
            rejected,
            joined_share,
            ok_share,
            consistency_bps: c,
            network_bps: n,
            uptime_bps: u,
        },
    )
}

fn fit(raw: RawEntry, node: u32, rounds: u32) -> EpochEntry {
    let part = |whole: u32, thousandths: u32| (u64::from(whole) * u64::from(thousandths) / 1000) as u32;
    let rounds_joined = part(rounds, raw.joined_share);
    EpochEntry {
        node,
        compute_seconds: raw.compute_seconds,
        accepted: raw.accepted,
        rejected: raw.rejected,
        rounds_joined,
        rounds_ok: part(rounds_joined, raw.ok_share),
        consistency_bps: raw.consistency_bps,
        network_bps: raw.network_bps,
        uptime_bps: raw.uptime_bps,
    }
}

/// A node's behaviour over the session.
#[derive(Clone, Copy, Debug)]
enum Profile {
    /// Reports in the epochs its mask says.
    Reports,
    /// Never reports.
    Absent,
    /// Reports exactly what an earlier node reports (a tie in score).
    TwinOf(u32),
}

fn profile(node: u32) -> impl Strategy<Value = Profile> {
    let twin =
        if node == 0 { Just(Profile::Reports).boxed() } else { (0..node).prop_map(Profile::TwinOf).boxed() };
    prop_oneof![12 => Just(Profile::Reports), 1 => Just(Profile::Absent), 2 => twin]
}

/// Chance that an epoch in the middle of a session is silent.
const SILENT_EPOCH: f64 = 0.05;
/// Chance that the first epoch is silent, and (on its own) that the last one is: an outage
/// before training got going, or at its end.
const SILENT_END: f64 = 0.15;

/// Which epochs of the session are silent: every node absent, reported with its rounds and one
/// empty batch (docs/reward-math.md §1).
fn silent_epochs(epoch_count: usize) -> impl Strategy<Value = Vec<bool>> {
    let ends = (prop::bool::weighted(SILENT_END), prop::bool::weighted(SILENT_END));
    (ends, vec(prop::bool::weighted(SILENT_EPOCH), epoch_count)).prop_map(|((first, last), mut silent)| {
        if let Some(flag) = silent.first_mut() {
            *flag |= first;
        }
        if let Some(flag) = silent.last_mut() {
            *flag |= last;
        }
        silent
    })
}

/// The epochs of a session of `node_count` nodes.
pub(super) fn epochs(
    node_count: u32,
    epoch_count: usize,
    wide: bool,
) -> impl Strategy<Value = Vec<EpochPlan>> {
    let profiles = (0..node_count).map(profile).collect::<Vec<_>>();
    let per_epoch = (
        0u32..3,
        epoch_rounds(wide),
        vec(raw_entry(wide), node_count as usize),
        vec(prop::bool::weighted(0.85), node_count as usize),
        vec(1u32..=node_count.max(1), 0..4),
        any::<u64>(),
    );
    let shape = (profiles, silent_epochs(epoch_count));
    (shape, vec(per_epoch, epoch_count)).prop_map(move |((profiles, silent), raw_epochs)| {
        let mut epoch = 0u32;
        raw_epochs
            .into_iter()
            .zip(silent)
            .map(|((gap, rounds, raws, reports, cuts, order_seed), silent)| {
                epoch += gap;
                let mut entries = Vec::new();
                for node in (0..node_count).filter(|_| !silent) {
                    let source = match profiles[node as usize] {
                        Profile::Absent => continue,
                        Profile::Reports => node,
                        Profile::TwinOf(other) => match profiles[other as usize] {
                            Profile::Reports => other,
                            _ => node,
                        },
                    };
                    if reports[source as usize] {
                        entries.push(fit(raws[source as usize], node, rounds));
                    }
                }
                shuffle(&mut entries, order_seed);
                EpochPlan { epoch, rounds, batches: split(entries, &cuts) }
            })
            .collect()
    })
}

/// Deterministic Fisher-Yates from a seed, so the order shrinks with the seed.
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let j = (seed >> 33) as usize % (i + 1);
        items.swap(i, j);
    }
}

/// Most entries in one generated batch: a first-epoch batch this size stays well under the
/// 30M transaction cap under both rule sets.
pub const MAX_BATCH: u32 = 500;

/// Cuts `entries` at the given sizes (cycled, at most [`MAX_BATCH`]); at least one batch,
/// empty for a silent epoch.
fn split(entries: Vec<EpochEntry>, cuts: &[u32]) -> Vec<Vec<EpochEntry>> {
    if entries.is_empty() {
        return vec![entries];
    }
    let cuts = if cuts.is_empty() { &[MAX_BATCH][..] } else { cuts };
    let mut batches = Vec::new();
    let mut rest = entries.as_slice();
    for &cut in cuts.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at((cut.min(MAX_BATCH) as usize).min(rest.len()));
        batches.push(head.to_vec());
        rest = tail;
    }
    batches
}
