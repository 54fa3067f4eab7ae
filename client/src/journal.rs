//! A small append-only journal of the batches a coordinator planned, sent and saw mined, one JSON
//! object per line. The chain stays the source of truth (`isBatchRecorded`); the journal lets a
//! restarted coordinator resume with the same batch plan, find its in-flight transactions and
//! skip what is done instead of starting over.

use std::{
    collections::BTreeMap,
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

/// How an epoch was split into batches: fixed at the first attempt so that every retry sends the
/// same `(epoch, batch)` keys with the same entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochPlan {
    /// The epoch.
    pub epoch: u32,
    /// Its rounds.
    pub epoch_rounds: u32,
    /// Entries per batch.
    pub batch_size: u32,
    /// Number of batches.
    pub batches: u32,
    /// keccak256 of the packed entries in order: the same epoch must be re-run with the same data.
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
    },
    /// Recorded on chain.
    Done,
}

/// The journal file and what it says.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    scope: JournalScope,
    file: File,
    plans: BTreeMap<u32, EpochPlan>,
    batches: BTreeMap<(u32, u32), BatchStatus>,
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
                self.plans.insert(plan.epoch, plan);
            }
            JournalEntry::Sent { epoch, batch, tx, nonce, .. } => {
                if self.batches.get(&(epoch, batch)) != Some(&BatchStatus::Done) {
                    self.batches.insert((epoch, batch), BatchStatus::Sent { tx, nonce });
                }
            }
            JournalEntry::Done { epoch, batch, .. } => {
                self.batches.insert((epoch, batch), BatchStatus::Done);
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

    /// The plan recorded for `epoch`, if any.
    pub fn plan(&self, epoch: u32) -> Option<&EpochPlan> {
        self.plans.get(&epoch)
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
        EpochPlan { epoch: 2, epoch_rounds: 10, batch_size: 100, batches: 3, digest: B256::with_last_byte(9) }
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
        })
        .unwrap();
        j.append(&JournalEntry::Sent {
            epoch: 2,
            batch: 1,
            tx: B256::with_last_byte(2),
            nonce: 6,
            gas_limit: 1,
        })
        .unwrap();
        j.append(&JournalEntry::Done {
            epoch: 2,
            batch: 0,
            tx: Some(B256::with_last_byte(1)),
            gas_used: 1,
            gas_limit: 1,
        })
        .unwrap();
        drop(j);
        let j = Journal::open(&path, scope()).unwrap();
        assert_eq!(j.plan(2), Some(&plan()));
        assert_eq!(j.status(2, 0), Some(BatchStatus::Done));
        assert_eq!(j.status(2, 1), Some(BatchStatus::Sent { tx: B256::with_last_byte(2), nonce: 6 }));
        assert_eq!(j.status(2, 2), None);
    }

    #[test]
    fn torn_last_line_is_ignored_and_other_scopes_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let mut j = Journal::open(&path, scope()).unwrap();
        j.append(&JournalEntry::Plan(plan())).unwrap();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"kind":"sent","epoch":2,"ba"#).unwrap();
        drop(f);
        let mut j = Journal::open(&path, scope()).unwrap();
        assert_eq!(j.status(2, 0), None);
        j.append(&JournalEntry::Done { epoch: 2, batch: 0, tx: None, gas_used: 0, gas_limit: 0 }).unwrap();
        drop(j);
        assert_eq!(Journal::open(&path, scope()).unwrap().status(2, 0), Some(BatchStatus::Done));
        let other = JournalScope { session_id: 8, ..scope() };
        let err = Journal::open(&path, other).unwrap_err().to_string();
        assert!(err.contains("session 7") && err.contains("session 8"), "{err}");
    }
}
