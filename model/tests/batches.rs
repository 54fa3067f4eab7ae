//! docs/reward-math.md §1 batch rules: a batch is taken whole or not at all.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gradpay_model::{BatchRejection, EntryBound, EpochEntry, NodeSums, SessionLedger};

#[test]
fn a_bad_entry_refuses_the_whole_batch() {
    let mut ledger = SessionLedger::new(2);
    let ok = EpochEntry::from_columns(0, [1, 1, 0, 1, 1], [1, 1, 1]);
    let bad_bps = EpochEntry { network_bps: 10001, node: 1, ..ok };
    let refused = ledger.apply_batch(1, 1, &[ok, bad_bps]);
    assert_eq!(refused, Err(BatchRejection::OutOfBounds { position: 1, bound: EntryBound::NetworkBps }));
    assert_eq!(ledger.sums(0), Some(&NodeSums::default()), "nothing applied");
    assert_eq!(ledger.current_epoch(), None, "the epoch was not opened either");
    let unknown = ledger.apply_batch(1, 1, &[ok, EpochEntry { node: 2, ..ok }]);
    assert_eq!(unknown, Err(BatchRejection::UnknownNode { position: 1, node: 2 }));
    assert_eq!(
        ledger.apply_batch(1, 1, &[ok, ok]),
        Err(BatchRejection::AlreadyRecorded { position: 1, node: 0 })
    );
}

#[test]
fn each_bound_is_named() {
    let ok = EpochEntry::from_columns(0, [1, 1, 0, 2, 3], [1, 1, 1]);
    let cases = [
        (EpochEntry { rounds_ok: 4, ..ok }, EntryBound::RoundsOk),
        (EpochEntry { rounds_joined: 6, ..ok }, EntryBound::RoundsJoined),
        (EpochEntry { consistency_bps: 10_001, ..ok }, EntryBound::ConsistencyBps),
        (EpochEntry { network_bps: 10_001, ..ok }, EntryBound::NetworkBps),
        (EpochEntry { uptime_bps: u16::MAX, ..ok }, EntryBound::UptimeBps),
    ];
    for (bad, bound) in cases {
        assert_eq!(bad.broken_bound(5), Some(bound));
    }
    assert_eq!(EpochEntry { consistency_bps: 10_000, ..ok }.broken_bound(3), None, "bounds are inclusive");
}

#[test]
fn epochs_go_forward_and_keep_their_rounds() {
    let mut ledger = SessionLedger::new(2);
    let ok = EpochEntry::from_columns(0, [1, 1, 0, 1, 1], [1, 1, 1]);
    ledger.apply_batch(1, 1, &[ok]).unwrap();
    assert_eq!(
        ledger.apply_batch(1, 1, &[ok]),
        Err(BatchRejection::AlreadyRecorded { position: 0, node: 0 })
    );
    let mismatch = ledger.apply_batch(1, 2, &[]);
    assert_eq!(mismatch, Err(BatchRejection::EpochRoundsMismatch { epoch: 1, given: 2, recorded: 1 }));
    assert_eq!(ledger.apply_batch(0, 1, &[]), Err(BatchRejection::EpochOutOfOrder { epoch: 0, current: 1 }));
    ledger.apply_batch(1, 1, &[EpochEntry { node: 1, ..ok }]).unwrap();
    ledger.apply_batch(2, 5, &[ok]).unwrap();
    assert_eq!(ledger.total_rounds(), 6, "each epoch's rounds count once");
    assert_eq!(ledger.sums(0).unwrap().epochs, 2);
    assert_eq!(ledger.current_epoch(), Some((2, 5)));
    assert!(ledger.recorded_in_current_epoch(0) && !ledger.recorded_in_current_epoch(1));
}

#[test]
fn excluding_is_once_per_registered_node() {
    let mut ledger = SessionLedger::new(2);
    assert!(ledger.exclude(1));
    assert!(!ledger.exclude(1), "already excluded");
    assert!(!ledger.exclude(2), "not registered");
    assert!(ledger.is_excluded(1) && !ledger.is_excluded(0) && !ledger.is_excluded(2));
}
