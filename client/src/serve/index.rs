//! The dashboard's SQLite index of one deployment: its events (and what they imply: members,
//! exclusions, claims, per-epoch participation), the gas of their transactions, and a snapshot of
//! the contract's views per session (sums, scores, standings, pools, rewards), so that a page of
//! a 10,000-node session is a few queries, not thousands of RPC calls.
//!
//! The index is a cache of the chain: a file that cannot be opened, fails SQLite's quick check,
//! has another schema or belongs to another chain or contract is deleted and rebuilt from the
//! chain, with a log line. Writes go through one connection (the indexer), reads through another
//! (the pages), in WAL mode, so that a page never waits for a sync.

use std::path::{Path, PathBuf};

use alloy::primitives::{Address, B256};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::{Error, Result};

/// Bumped whenever the tables change: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "1";

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Every GradPay event, decoded; `session` from its sessionId or its poolId's high bits.
CREATE TABLE events (
    block INTEGER NOT NULL, log_index INTEGER NOT NULL, tx TEXT, name TEXT NOT NULL,
    session INTEGER, pool TEXT, fields TEXT NOT NULL, PRIMARY KEY (block, log_index));
CREATE INDEX events_session ON events (session, block);
CREATE INDEX events_pool ON events (pool, name);
-- What the events imply, kept beside them (deleted with them when blocks are re-read).
CREATE TABLE members (
    session INTEGER NOT NULL, idx INTEGER NOT NULL, address TEXT NOT NULL, node_id TEXT NOT NULL,
    block INTEGER NOT NULL, PRIMARY KEY (session, idx));
CREATE INDEX members_address ON members (address);
CREATE TABLE exclusions (session INTEGER NOT NULL, idx INTEGER NOT NULL, reason TEXT NOT NULL,
    block INTEGER NOT NULL, PRIMARY KEY (session, idx));
CREATE TABLE claims (
    pool TEXT NOT NULL, node TEXT NOT NULL, amount TEXT NOT NULL, recipient TEXT NOT NULL,
    caller TEXT NOT NULL, tx TEXT, block INTEGER NOT NULL, log_index INTEGER NOT NULL,
    PRIMARY KEY (pool, node));
CREATE TABLE batches (session INTEGER NOT NULL, epoch INTEGER NOT NULL, batch INTEGER NOT NULL,
    entries INTEGER NOT NULL, rounds INTEGER NOT NULL, block INTEGER NOT NULL,
    PRIMARY KEY (session, epoch, batch));
-- Gas of every transaction that emitted a GradPay event.
CREATE TABLE txs (hash TEXT PRIMARY KEY, block INTEGER NOT NULL, operation TEXT NOT NULL,
    gas_used INTEGER NOT NULL, gas_limit INTEGER NOT NULL, gas_price TEXT NOT NULL);
-- Snapshots of the contract's views, refreshed when a session's events change.
CREATE TABLE sessions (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE standings (
    session INTEGER NOT NULL, idx INTEGER NOT NULL, data TEXT NOT NULL,
    eligible INTEGER NOT NULL, score_key TEXT NOT NULL, score REAL NOT NULL, rank INTEGER,
    compute INTEGER NOT NULL, quality INTEGER NOT NULL, reliability INTEGER NOT NULL,
    effective_key TEXT NOT NULL, PRIMARY KEY (session, idx));
CREATE TABLE pools (id TEXT PRIMARY KEY, session INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE rewards (pool TEXT NOT NULL, idx INTEGER NOT NULL, amount TEXT NOT NULL,
    PRIMARY KEY (pool, idx));
";

/// A connection to the index file.
#[derive(Debug)]
pub(crate) struct Index {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
}

/// Where the index was synced to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tip {
    /// The last block read.
    pub(crate) block: u64,
    /// The hash of the newest block that is not re-read next time (`None`: every block is).
    pub(crate) anchor: Option<(u64, B256)>,
}

impl Index {
    /// Opens the index of `contract` on `chain_id` at `path` for writing, rebuilding it when it
    /// is unreadable, of another schema, or of another deployment.
    pub(crate) fn open(path: &Path, chain_id: u64, contract: Address) -> Result<Self> {
        let identity = format!("{chain_id}:{}", contract.to_checksum(None));
        if path.exists() {
            match Self::existing(path, &identity) {
                Ok(index) => return Ok(index),
                Err(reason) => {
                    tracing::warn!(path = %path.display(), %reason, "index unusable; rebuilding it from the chain");
                    for suffix in ["", "-wal", "-shm"] {
                        let file = PathBuf::from(format!("{}{suffix}", path.display()));
                        if file.exists() {
                            std::fs::remove_file(&file).map_err(|e| Error::io("deleting", &file, e))?;
                        }
                    }
                }
            }
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        }
        let index = Self { conn: Connection::open(path).map_err(|e| sql(path, &e))?, path: path.to_owned() };
        index.conn.execute_batch(SCHEMA).map_err(|e| index.error(&e))?;
        index.set_meta("schema", SCHEMA_VERSION)?;
        index.set_meta("deployment", &identity)?;
        Ok(index)
    }

    /// The index at `path` when it passes every check, else why not.
    fn existing(path: &Path, identity: &str) -> std::result::Result<Self, String> {
        let conn = Connection::open(path).map_err(|e| e.to_string())?;
        let check: String =
            conn.query_row("PRAGMA quick_check", [], |row| row.get(0)).map_err(|e| e.to_string())?;
        if check != "ok" {
            return Err(format!("SQLite quick_check: {check}"));
        }
        let index = Self { conn, path: path.to_owned() };
        let meta = |key| index.meta(key).map_err(|e| e.to_string());
        match (meta("schema")?, meta("deployment")?) {
            (Some(schema), _) if schema != SCHEMA_VERSION => {
                Err(format!("schema {schema}, not {SCHEMA_VERSION}"))
            }
            (_, Some(found)) if found != identity => Err(format!("an index of {found}, not {identity}")),
            (Some(_), Some(_)) => Ok(index),
            _ => Err("no schema version".into()),
        }
    }

    /// A second, read-only connection to the same file, for the pages.
    pub(crate) fn reader(&self) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).map_err(|e| self.error(&e))?;
        Ok(Self { conn, path: self.path.clone() })
    }

    /// An [`Error::Index`] for a SQLite failure.
    pub(crate) fn error(&self, e: &rusqlite::Error) -> Error {
        sql(&self.path, e)
    }

    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0))
            .optional()
            .map_err(|e| self.error(&e))
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", params![key, value])
            .map(drop)
            .map_err(|e| self.error(&e))
    }

    /// Where the last sync ended (`None`: nothing indexed yet).
    pub(crate) fn tip(&self) -> Result<Option<Tip>> {
        let Some(block) = self.meta("tip")? else { return Ok(None) };
        let block = block.parse().map_err(|_| self.corrupt("tip"))?;
        let anchor = match self.meta("anchor")? {
            Some(text) => {
                let (number, hash) = text.split_once(':').ok_or_else(|| self.corrupt("anchor"))?;
                let number = number.parse().map_err(|_| self.corrupt("anchor"))?;
                Some((number, hash.parse().map_err(|_| self.corrupt("anchor"))?))
            }
            None => None,
        };
        Ok(Some(Tip { block, anchor }))
    }

    #[cfg(test)]
    fn set_tip(&self, tip: Tip) -> Result<()> {
        write_tip(&self.conn, tip).map_err(|e| self.error(&e))
    }

    fn corrupt(&self, key: &str) -> Error {
        Error::Index { path: self.path.clone(), reason: format!("unreadable `{key}` entry") }
    }
}

/// Records `tip` through `conn` (inside the pass's transaction, so that the tip moves with what
/// the pass wrote, or not at all).
pub(super) fn write_tip(conn: &Connection, tip: Tip) -> rusqlite::Result<()> {
    let set = "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)";
    conn.execute(set, params!["tip", tip.block.to_string()])?;
    match tip.anchor {
        Some((number, hash)) => conn.execute(set, params!["anchor", format!("{number}:{hash}")]),
        None => conn.execute("DELETE FROM meta WHERE key = 'anchor'", []),
    }
    .map(drop)
}

pub(super) fn sql(path: &Path, e: &rusqlite::Error) -> Error {
    Error::Index { path: path.to_owned(), reason: e.to_string() }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupt_or_foreign_index_is_rebuilt_and_a_sound_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.sqlite");
        let contract = Address::repeat_byte(7);
        let index = Index::open(&path, 31337, contract).unwrap();
        index.set_tip(Tip { block: 9, anchor: Some((5, B256::repeat_byte(1))) }).unwrap();
        drop(index);
        let reopened = Index::open(&path, 31337, contract).unwrap();
        let tip = reopened.tip().unwrap().unwrap();
        assert_eq!((tip.block, tip.anchor), (9, Some((5, B256::repeat_byte(1)))), "kept");
        drop(reopened);
        let other = Index::open(&path, 31337, Address::repeat_byte(8)).unwrap();
        assert_eq!(other.tip().unwrap(), None, "another contract's index starts over");
        drop(other);
        std::fs::write(&path, b"this is not a database, just bytes that fill a page or two ".repeat(100))
            .unwrap();
        let rebuilt = Index::open(&path, 31337, contract).unwrap();
        assert_eq!(rebuilt.tip().unwrap(), None, "garbage is replaced by an empty index");
        assert_eq!(rebuilt.meta("schema").unwrap().as_deref(), Some(SCHEMA_VERSION));
    }
}
