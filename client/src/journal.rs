//! A small append-only journal of the batches a coordinator planned, sent and saw mined, one JSON
//! object per line. The chain stays the source of truth (a batch is done when the chain holds a
//! batch with the same `entriesDigest`); the journal lets a restarted coordinator resume with the
//! same batch plan, find its in-flight transactions and skip what is done instead of starting over.
//! One epoch may have several plans (several metrics files, runs or processes report it); a batch
//! whose number turned out taken by another batch is renumbered, and the journal says so.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs::{File, OpenOptions},
    io::Write,
    path::{Path, PathBuf},
};

use alloy::primitives::{Address, B256};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Which chain, contract and session a journal belongs to (its first line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalScope {
    /// Chain id.
    pub chain_id: u64,
    /// The GradPay contract.
    pub contract: Address,
    /// The session.
    pub session_id: u64,
}

/// How one set of an epoch's entries was split into batches: fixed at the first attempt so that
/// every retry sends the same batches, each under its own `(epoch, batch)` key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochPlan {
    /// The epoch.
    pub epoch: u32,
    /// Its rounds.
    pub epoch_rounds: u32,
    /// Entries per batch (the last batch may hold fewer).
    pub batch_size: u32,
    /// The batch number of each chunk, in chunk order. Journals written before plans numbered their
    /// batches hold a count `n` here, meaning `0..n`.
    #[serde(deserialize_with = "batch_numbers")]
    pub batches: Vec<u32>,
    /// keccak256 of all the plan's packed entries in order: what identifies the plan on a re-run.
    pub digest: B256,
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum JournalEntry {
    /// The journal's scope; always the first line.
    Scope(JournalScope),
    /// An epoch's batch plan.
    Plan(EpochPlan),
    /// A batch's transaction was handed to the node.
    #[serde(rename_all = "camelCase")]
    Sent {
        /// The epoch.
        epoch: u32,
        /// The batch.
        batch: u32,
        /// The transaction.
        tx: B256,
        /// Its nonce.
        nonce: u64,
        /// Its gas limit.
        gas_limit: u64,
        /// The key that signed it (one of several `--keys`). Absent in journals written before
        /// several keys.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sender: Option<Address>,
    },
    /// A batch is recorded on chain (by `tx`, or by an earlier transaction when `tx` is `None`).
    #[serde(rename_all = "camelCase")]
    Done {
        /// The epoch.
        epoch: u32,
        /// The batch.
        batch: u32,
        /// The transaction that recorded it, if ours and seen.
        tx: Option<B256>,
        /// Gas it used.
        gas_used: u64,
        /// Its gas limit.
        gas_limit: u64,
        /// keccak256 of the batch's entries: another plan's batch under the same key (two
        /// processes sharing a journal) is not this one. Absent in journals written before digests.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        digest: Option<B256>,
    },
    /// A planned batch now goes under another number: its own was taken on chain by a batch with
    /// other entries (e.g. a concurrent process), or its entries were found recorded under `to`.
    #[serde(rename_all = "camelCase")]
    Renumbered {
        /// The epoch.
        epoch: u32,
        /// The plan's digest ([`EpochPlan::digest`]): only that plan's batch moves.
        plan: B256,
        /// The number it had.
        from: u32,
        /// The number it has now.
        to: u32,
    },
}

/// What the journal knows about one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchStatus {
    /// Sent as `tx`, not yet seen mined.
    Sent {
        /// The transaction.
        tx: B256,
        /// Its nonce.
        nonce: u64,
        /// The key that signed it, when the journal says.
        sender: Option<Address>,
    },
    /// Recorded on chain, holding the entries of `digest` (unknown for old journals).
    Done {
        /// keccak256 of the entries recorded under the key.
        digest: Option<B256>,
    },
}

/// The journal file and what it says.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    scope: JournalScope,
    file: File,
    plans: BTreeMap<u32, Vec<EpochPlan>>,
    batches: BTreeMap<(u32, u32), BatchStatus>,
    /// Every `(epoch, batch)` a plan ever used: never handed out again as a fresh number.
    used: BTreeSet<(u32, u32)>,
}

impl Journal {
    /// The default journal path for a scope inside `dir`.
    pub fn path_for(dir: &Path, scope: &JournalScope) -> PathBuf {
        dir.join(format!("journal-{}-{:#x}-{}.jsonl", scope.chain_id, scope.contract, scope.session_id))
    }

    /// Opens (or creates) the journal at `path` for `scope`; a journal of another scope is refused.
    pub fn open(path: &Path, scope: JournalScope) -> Result<Self> {
        let bad = |reason: String| Error::Journal { path: path.to_owned(), reason };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::io("reading", path, e)),
        };
        let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut text = text.as_str();
        if journal_is_unscoped(&lines) && lines.len() <= 1 {
            // Empty, or a crash tore the scope line itself: start the file afresh.
            std::fs::write(path, "").map_err(|e| Error::io("writing", path, e))?;
            lines.clear();
            text = "";
        }
        let mut journal = Self {
            path: path.to_owned(),
            scope,
            file: OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| Error::io("opening", path, e))?,
            plans: BTreeMap::new(),
            batches: BTreeMap::new(),
            used: BTreeSet::new(),
        };
        for (i, line) in lines.iter().enumerate() {
            let entry: JournalEntry = match serde_json::from_str(line) {
                Ok(entry) => entry,
                // A crash can tear the last line; everything before it is intact.
                Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => {
                    tracing::warn!(path = %path.display(), "ignoring a torn last journal line");
                    break;
                }
                Err(e) => return Err(bad(format!("line {}: {e}", i + 1))),
            };
            match (i, entry) {
                (0, JournalEntry::Scope(found)) if found == scope => {}
                (0, JournalEntry::Scope(found)) => {
                    return Err(bad(format!(
                        "it belongs to chain {} contract {} session {}, not chain {} contract {} session {}",
                        found.chain_id,
                        found.contract,
                        found.session_id,
                        scope.chain_id,
                        scope.contract,
                        scope.session_id
                    )));
                }
                (0, _) => return Err(bad("first line is not a scope".into())),
                (_, entry) => journal.apply(entry),
            }
        }
        if !text.ends_with('\n') && !text.is_empty() {
            // Cut the torn line off so that the next append starts on a line of its own.
            let intact = text.rfind('\n').map_or(0, |i| i + 1) as u64;
            journal.file.set_len(intact).map_err(|e| Error::io("truncating", path, e))?;
        }
        if lines.is_empty() {
            journal.append(&JournalEntry::Scope(scope))?;
        }
        Ok(journal)
    }

    fn apply(&mut self, entry: JournalEntry) {
        match entry {
            JournalEntry::Scope(_) => {}
            JournalEntry::Plan(plan) => {
                self.used.extend(plan.batches.iter().map(|&b| (plan.epoch, b)));
                self.plans.entry(plan.epoch).or_default().push(plan);
            }
            JournalEntry::Renumbered { epoch, plan, from, to } => {
                self.used.insert((epoch, to));
                let plans = self.plans.get_mut(&epoch).into_iter().flatten().filter(|p| p.digest == plan);
                for batch in plans.flat_map(|p| p.batches.iter_mut()).filter(|b| **b == from) {
                    *batch = to;
                }
            }
            JournalEntry::Sent { epoch, batch, tx, nonce, sender, .. } => {
                self.used.insert((epoch, batch));
                if !matches!(self.batches.get(&(epoch, batch)), Some(BatchStatus::Done { .. })) {
                    self.batches.insert((epoch, batch), BatchStatus::Sent { tx, nonce, sender });
                }
            }
            JournalEntry::Done { epoch, batch, digest, .. } => {
                self.batches.insert((epoch, batch), BatchStatus::Done { digest });
            }
        }
    }

    /// Appends `entry` durably (flushed and synced) and applies it.
    pub fn append(&mut self, entry: &JournalEntry) -> Result<()> {
        let mut line = serde_json::to_string(entry)
            .map_err(|e| Error::Journal { path: self.path.clone(), reason: e.to_string() })?;
        line.push('\n');
        self.file.write_all(line.as_bytes()).map_err(|e| Error::io("writing", &self.path, e))?;
        self.file.sync_data().map_err(|e| Error::io("syncing", &self.path, e))?;
        self.apply(entry.clone());
        Ok(())
    }

    /// The plan made earlier for these entries of `epoch` (same digest and rounds), if any.
    pub fn plan(&self, epoch: u32, digest: B256, epoch_rounds: u32) -> Option<&EpochPlan> {
        self.plans(epoch).iter().find(|p| p.digest == digest && p.epoch_rounds == epoch_rounds)
    }

    /// Every plan made for `epoch`, oldest first.
    pub fn plans(&self, epoch: u32) -> &[EpochPlan] {
        self.plans.get(&epoch).map_or(&[], Vec::as_slice)
    }

    /// Whether a plan of `epoch` ever used batch number `batch`.
    pub fn is_used(&self, epoch: u32, batch: u32) -> bool {
        self.used.contains(&(epoch, batch))
    }

    /// What is known about `(epoch, batch)`.
    pub fn status(&self, epoch: u32, batch: u32) -> Option<BatchStatus> {
        self.batches.get(&(epoch, batch)).copied()
    }

    /// Which chain, contract and session it belongs to.
    pub const fn scope(&self) -> &JournalScope {
        &self.scope
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A plan's batch numbers: a list, or (journals written before plans numbered batches) a count.
fn batch_numbers<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Vec<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Numbers {
        Count(u32),
        List(Vec<u32>),
    }
    Ok(match Numbers::deserialize(deserializer)? {
        Numbers::Count(n) => (0..n).collect(),
        Numbers::List(list) => list,
    })
}

/// True when no complete first line exists yet (a new file, or one torn while writing its scope).
fn journal_is_unscoped(lines: &[&str]) -> bool {
    lines.first().is_none_or(|first| serde_json::from_str::<JournalEntry>(first).is_err())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn scope() -> JournalScope {
        JournalScope { chain_id: 31337, contract: Address::with_last_byte(1), session_id: 7 }
    }

    fn plan() -> EpochPlan {
        EpochPlan {
            epoch: 2,
            epoch_rounds: 10,
            batch_size: 100,
            batches: vec![0, 1, 2],
            digest: B256::with_last_byte(9),
        }
    }

    /// A journal in a temporary directory holding [`plan`].
    fn journal_with_plan() -> (tempfile::TempDir, PathBuf, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let mut j = Journal::open(&path, scope()).unwrap();
        j.append(&JournalEntry::Plan(plan())).unwrap();
        (dir, path, j)
    }

    #[test]
    fn reopened_journal_remembers_plans_and_batches() {
        let dir = tempfile::tempdir().unwrap();
        let path = Journal::path_for(dir.path(), &scope());
        let mut j = Journal::open(&path, scope()).unwrap();
        j.append(&JournalEntry::Plan(plan())).unwrap();
        j.append(&JournalEntry::Sent {
            epoch: 2,
            batch: 0,
            tx: B256::with_last_byte(1),
            nonce: 5,
            gas_limit: 1,
            sender: None,
        })
        .unwrap();
        j.append(&JournalEntry::Sent {
            epoch: 2,
            batch: 1,
            tx: B256::with_last_byte(2),
            nonce: 6,
            gas_limit: 1,
            sender: Some(Address::with_last_byte(4)),
        })
        .unwrap();
        j.append(&JournalEntry::Done {
            epoch: 2,
            batch: 0,
            tx: Some(B256::with_last_byte(1)),
            gas_used: 1,
            gas_limit: 1,
            digest: Some(B256::with_last_byte(3)),
        })
        .unwrap();
        drop(j);
        let j = Journal::open(&path, scope()).unwrap();
        assert_eq!(j.plan(2, plan().digest, 10), Some(&plan()));
        assert_eq!(j.plan(2, plan().digest, 11), None, "other rounds: another plan");
        assert_eq!(j.status(2, 0), Some(BatchStatus::Done { digest: Some(B256::with_last_byte(3)) }));
        assert_eq!(
            j.status(2, 1),
            Some(BatchStatus::Sent {
                tx: B256::with_last_byte(2),
                nonce: 6,
                sender: Some(Address::with_last_byte(4))
            })
        );
        assert_eq!(j.status(2, 2), None);
    }

    #[test]
    fn torn_last_line_is_ignored_and_other_scopes_refused() {
        let (_dir, path, j) = journal_with_plan();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"kind":"sent","epoch":2,"ba"#).unwrap();
        drop(f);
        let mut j = Journal::open(&path, scope()).unwrap();
        assert_eq!(j.status(2, 0), None);
        let done =
            JournalEntry::Done { epoch: 2, batch: 0, tx: None, gas_used: 0, gas_limit: 0, digest: None };
        j.append(&done).unwrap();
        drop(j);
        assert_eq!(
            Journal::open(&path, scope()).unwrap().status(2, 0),
            Some(BatchStatus::Done { digest: None })
        );
        let other = JournalScope { session_id: 8, ..scope() };
        let err = Journal::open(&path, other).unwrap_err().to_string();
        assert!(err.contains("session 7") && err.contains("session 8"), "{err}");
    }

    #[test]
    fn an_epoch_keeps_every_plan_and_renumbered_batches() {
        let (_dir, path, mut j) = journal_with_plan();
        let second = EpochPlan { batches: vec![3, 4], digest: B256::with_last_byte(8), ..plan() };
        j.append(&JournalEntry::Plan(second.clone())).unwrap();
        j.append(&JournalEntry::Renumbered { epoch: 2, plan: second.digest, from: 4, to: 7 }).unwrap();
        // Another plan with the same number (two processes sharing the journal) keeps its own.
        let third = EpochPlan { batches: vec![4], digest: B256::with_last_byte(7), ..plan() };
        j.append(&JournalEntry::Plan(third.clone())).unwrap();
        j.append(&JournalEntry::Renumbered { epoch: 2, plan: third.digest, from: 4, to: 8 }).unwrap();
        drop(j);
        let j = Journal::open(&path, scope()).unwrap();
        assert_eq!(j.plans(2).len(), 3);
        assert_eq!(j.plan(2, second.digest, 10).unwrap().batches, vec![3, 7]);
        assert_eq!(j.plan(2, third.digest, 10).unwrap().batches, vec![8]);
        assert_eq!(j.plan(2, plan().digest, 10).unwrap().batches, vec![0, 1, 2], "other plan untouched");
        for batch in [0, 1, 2, 3, 4, 7] {
            assert!(j.is_used(2, batch), "batch {batch} stays used");
        }
        assert!(!j.is_used(2, 5) && !j.is_used(3, 0));
    }

    #[test]
    fn a_journal_from_before_numbered_plans_still_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        drop(Journal::open(&path, scope()).unwrap());
        let old = format!(
            "{{\"kind\":\"plan\",\"epoch\":2,\"epochRounds\":10,\"batchSize\":100,\"batches\":3,\"digest\":\"{}\"}}\n",
            B256::with_last_byte(9)
        );
        OpenOptions::new().append(true).open(&path).unwrap().write_all(old.as_bytes()).unwrap();
        let j = Journal::open(&path, scope()).unwrap();
        assert_eq!(j.plan(2, B256::with_last_byte(9), 10), Some(&plan()));
    }
}
