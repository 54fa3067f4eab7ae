//! Keeping the index in step with the chain. Each pass reads GradPay's logs from a little before
//! where the last one ended ([`REORG_DEPTH`] blocks are always read again, so a reorg that
//! replaced them is written over) to the latest block, compares them with what the index holds,
//! re-reads the views of every session whose events changed, and writes it all in one SQLite
//! transaction. A reorg deeper than that (the block just before the re-read range changed its
//! hash) starts the index over.

use std::collections::{BTreeSet, HashMap};

use alloy::{
    primitives::{B256, U256},
    providers::Provider,
    rpc::types::Filter,
};
use rusqlite::params;
use serde_json::Value;

use super::{
    index::{Index, Tip, sql, write_tip},
    snapshot::Snapshot,
};
use crate::{
    Coordinator, Result,
    logs::LogRange,
    verify::concurrently,
    watch::{EventDecoder, SessionEvent, gradpay_abi, session_of},
};

/// Blocks read again on every pass: deeper reorgs than this start the index over.
pub(crate) const REORG_DEPTH: u64 = 32;

/// Events that only move a pool (its remaining amount, its claims): the nodes' standings stay.
const POOL_ONLY_EVENTS: &[&str] = &["RewardClaimed", "PoolSwept", "RewardPoolCreated", "PaymentShortfall"];
/// Events of the whole contract that move every pool's deadline.
const CONTRACT_EVENTS: &[&str] = &["Paused", "Unpaused"];

/// What one pass did.
#[derive(Debug, Default)]
pub(crate) struct Pass {
    /// The block the index is synced to now.
    pub(crate) tip: u64,
    /// Events not in the index before, in chain order (none on a first pass).
    pub(crate) new_events: Vec<SessionEvent>,
}

/// Reads the chain into the index.
#[derive(Debug)]
pub(crate) struct Indexer {
    c: Coordinator,
    decoder: EventDecoder,
    /// Function names by selector, for the cost table.
    functions: HashMap<[u8; 4], String>,
}

/// An event's identity in the chain.
type EventKey = (u64, u64, Option<B256>, String);

impl Indexer {
    pub(crate) fn new(c: Coordinator) -> Result<Self> {
        let decoder = EventDecoder::new()?;
        let abi = gradpay_abi()?;
        let functions = abi.functions().map(|f| (f.selector().0, f.name.clone())).collect();
        Ok(Self { c, decoder, functions })
    }

    pub(crate) const fn coordinator(&self) -> &Coordinator {
        &self.c
    }

    /// One pass: from the last tip (less [`REORG_DEPTH`]) to the latest block.
    pub(crate) async fn pass(&self, index: &mut Index) -> Result<Pass> {
        let latest = self.c.latest_block().await?;
        let mut tip = index.tip()?;
        if let Some(Tip { anchor: Some((number, hash)), .. }) = tip
            && self.block_hash(number).await? != Some(hash)
        {
            tracing::warn!(
                block = number,
                "a reorg deeper than {REORG_DEPTH} blocks: indexing again from the start"
            );
            index.clear()?;
            tip = None;
        }
        let first = self.c.deployment_block().unwrap_or(0);
        let from = match tip {
            Some(tip) => (tip.block + 1).saturating_sub(REORG_DEPTH).max(first).min(latest + 1),
            None => first,
        };
        let range = LogRange { from_block: from, to_block: Some(latest), ..self.c.log_range() };
        let logs = if from <= latest {
            self.c.logs(&Filter::new().address(self.c.address()), range).await?
        } else {
            Vec::new()
        };
        let events: Vec<SessionEvent> = logs.iter().filter_map(|log| self.decoder.decode(log)).collect();
        let before = index.event_keys_from(from)?;
        let after: BTreeSet<EventKey> = events.iter().map(key).collect();
        let changed: Vec<&EventKey> = before.symmetric_difference(&after).collect();
        // A first pass (or one after a deep reorg) is history, not news: nothing is pushed live.
        let new_events: Vec<SessionEvent> = match tip {
            Some(_) => events.iter().filter(|e| !before.contains(&key(e))).cloned().collect(),
            None => Vec::new(),
        };
        let dirty = self.dirty_sessions(index, &events, &before, &changed)?;
        let gas = self.gas_of(index.unknown_txs(&events)?).await?;
        let mut snapshots = Vec::with_capacity(dirty.len());
        for (session, nodes) in dirty {
            let known = index.pool_ids(session)?;
            snapshots.push(self.c.session_snapshot(session, nodes, &known).await?);
        }
        let anchor = match latest.checked_sub(REORG_DEPTH) {
            Some(number) => self.block_hash(number).await?.map(|hash| (number, hash)),
            None => None,
        };
        index.write_pass(from, &events, &gas, &snapshots, Tip { block: latest, anchor })?;
        Ok(Pass { tip: latest, new_events })
    }

    /// Sessions whose views must be read again, and whether their nodes' standings too (not only
    /// their pools): those with a changed event, those the index has no snapshot of, and every
    /// session with pools when the contract was paused or unpaused.
    fn dirty_sessions(
        &self,
        index: &Index,
        events: &[SessionEvent],
        before: &BTreeSet<EventKey>,
        changed: &[&EventKey],
    ) -> Result<Vec<(u64, bool)>> {
        let mut dirty: HashMap<u64, bool> = HashMap::new();
        let changed: BTreeSet<(u64, u64)> = changed.iter().map(|(block, log, _, _)| (*block, *log)).collect();
        let stored = index.event_sessions(before, &changed)?;
        let touched = events
            .iter()
            .filter(|e| changed.contains(&(e.block, e.log_index.unwrap_or_default())))
            .map(|e| (session_of(e), e.event.as_str()))
            .chain(stored.iter().map(|(session, name)| (*session, name.as_str())));
        for (session, name) in touched {
            if CONTRACT_EVENTS.contains(&name) {
                for session in index.sessions_with_pools()? {
                    dirty.entry(session).or_insert(false);
                }
            } else if let Some(session) = session {
                *dirty.entry(session).or_insert(false) |= !POOL_ONLY_EVENTS.contains(&name);
            }
        }
        for e in events.iter().filter(|e| e.event == "SessionCreated") {
            if let Some(session) = session_of(e)
                && !index.has_session(session)?
            {
                dirty.insert(session, true);
            }
        }
        let mut dirty: Vec<_> = dirty.into_iter().collect();
        dirty.sort_unstable();
        Ok(dirty)
    }

    /// Gas of every transaction among `events` the index does not hold yet: (hash, block,
    /// operation, gas used, gas limit, effective gas price).
    async fn gas_of(&self, hashes: Vec<(B256, u64)>) -> Result<Vec<TxGas>> {
        concurrently(hashes, |(hash, block)| async move {
            let provider = self.c.provider();
            let (receipt, tx) = futures::try_join!(
                provider.get_transaction_receipt(hash),
                provider.get_transaction_by_hash(hash)
            )
            .map_err(|e| self.c.rpc_error("reading a transaction's gas", &e))?;
            let (Some(receipt), Some(tx)) = (receipt, tx) else {
                return Ok(TxGas {
                    hash,
                    block,
                    operation: "unknown".into(),
                    used: 0,
                    limit: 0,
                    price: U256::ZERO,
                });
            };
            use alloy::consensus::Transaction as _;
            let selector: Option<[u8; 4]> = tx.input().get(..4).and_then(|s| s.try_into().ok());
            let operation = selector
                .and_then(|s| self.functions.get(&s).cloned())
                .unwrap_or_else(|| "through another contract".to_owned());
            Ok(TxGas {
                hash,
                block,
                operation,
                used: receipt.gas_used,
                limit: tx.gas_limit(),
                price: U256::from(receipt.effective_gas_price),
            })
        })
        .await
    }

    async fn block_hash(&self, number: u64) -> Result<Option<B256>> {
        let block = self
            .c
            .provider()
            .get_block_by_number(number.into())
            .await
            .map_err(|e| self.c.rpc_error("reading a block hash", &e))?;
        Ok(block.map(|b| b.header.hash))
    }
}

/// A transaction's gas, for the cost table.
#[derive(Debug, Clone)]
pub(crate) struct TxGas {
    pub(crate) hash: B256,
    pub(crate) block: u64,
    pub(crate) operation: String,
    pub(crate) used: u64,
    pub(crate) limit: u64,
    pub(crate) price: U256,
}

fn key(e: &SessionEvent) -> EventKey {
    (e.block, e.log_index.unwrap_or_default(), e.tx, e.event.clone())
}

fn text(e: &SessionEvent, name: &str) -> String {
    match e.field(name) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn number(e: &SessionEvent, name: &str) -> i64 {
    text(e, name).parse().unwrap_or_default()
}

impl Index {
    /// Empties every table but `meta`'s identity: the index starts over.
    pub(crate) fn clear(&mut self) -> Result<()> {
        let tables = [
            "events",
            "members",
            "exclusions",
            "claims",
            "batches",
            "txs",
            "sessions",
            "standings",
            "pools",
            "rewards",
        ];
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sql(&path, &e);
        let tx = self.conn.transaction().map_err(err)?;
        for table in tables {
            tx.execute(&format!("DELETE FROM {table}"), []).map_err(err)?;
        }
        tx.execute("DELETE FROM meta WHERE key IN ('tip', 'anchor')", []).map_err(err)?;
        tx.commit().map_err(err)
    }

    fn event_keys_from(&self, from: u64) -> Result<BTreeSet<EventKey>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT block, log_index, tx, name FROM events WHERE block >= ?1")
            .map_err(|e| self.error(&e))?;
        let rows = stmt
            .query_map([from as i64], |row| {
                let tx: Option<String> = row.get(2)?;
                Ok((
                    row.get::<_, i64>(0)? as u64,
                    row.get::<_, i64>(1)? as u64,
                    tx.and_then(|t| t.parse().ok()),
                    row.get(3)?,
                ))
            })
            .map_err(|e| self.error(&e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.error(&e))
    }

    /// (session, event name) of the stored events at `changed` positions.
    fn event_sessions(
        &self,
        before: &BTreeSet<EventKey>,
        changed: &BTreeSet<(u64, u64)>,
    ) -> Result<Vec<(Option<u64>, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT session, name FROM events WHERE block = ?1 AND log_index = ?2")
            .map_err(|e| self.error(&e))?;
        let mut found = Vec::new();
        for (block, log, _, _) in before.iter().filter(|(b, l, _, _)| changed.contains(&(*b, *l))) {
            let row = stmt
                .query_row([*block as i64, *log as i64], |row| {
                    Ok((row.get::<_, Option<i64>>(0)?.map(|s| s as u64), row.get(1)?))
                })
                .map_err(|e| self.error(&e))?;
            found.push(row);
        }
        Ok(found)
    }

    fn sessions_with_pools(&self) -> Result<Vec<u64>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT DISTINCT session FROM pools").map_err(|e| self.error(&e))?;
        let rows = stmt.query_map([], |row| row.get::<_, i64>(0)).map_err(|e| self.error(&e))?;
        rows.map(|r| r.map(|s| s as u64)).collect::<rusqlite::Result<_>>().map_err(|e| self.error(&e))
    }

    fn has_session(&self, session: u64) -> Result<bool> {
        self.exists("SELECT 1 FROM sessions WHERE id = ?1", &session.to_string())
    }

    /// The transactions of `events` whose gas the index does not hold, with their block.
    fn unknown_txs(&self, events: &[SessionEvent]) -> Result<Vec<(B256, u64)>> {
        let mut hashes: Vec<(B256, u64)> = Vec::new();
        for e in events {
            if let Some(tx) = e.tx
                && hashes.last().is_none_or(|(last, _)| *last != tx)
                && !self.exists("SELECT 1 FROM txs WHERE hash = ?1", &tx.to_string())?
            {
                hashes.push((tx, e.block));
            }
        }
        hashes.dedup_by_key(|(hash, _)| *hash);
        Ok(hashes)
    }

    fn exists(&self, query: &str, value: &str) -> Result<bool> {
        let mut stmt = self.conn.prepare_cached(query).map_err(|e| self.error(&e))?;
        stmt.exists([value]).map_err(|e| self.error(&e))
    }

    /// The pools of `session` whose rewards the index holds.
    fn pool_ids(&self, session: u64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT pool FROM rewards WHERE pool IN (SELECT id FROM pools WHERE session = ?1)",
            )
            .map_err(|e| self.error(&e))?;
        let rows = stmt.query_map([session as i64], |row| row.get(0)).map_err(|e| self.error(&e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.error(&e))
    }

    /// Writes one pass: the events from block `from` on replace those stored, with what they
    /// imply; gas and snapshots are added; the tip moves. All or nothing.
    fn write_pass(
        &mut self,
        from: u64,
        events: &[SessionEvent],
        gas: &[TxGas],
        snapshots: &[Snapshot],
        tip: Tip,
    ) -> Result<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| sql(&path, &e);
        let tx = self.conn.transaction().map_err(err)?;
        for table in ["events", "members", "exclusions", "claims", "batches"] {
            tx.execute(&format!("DELETE FROM {table} WHERE block >= ?1"), [from as i64]).map_err(err)?;
        }
        {
            let mut insert = tx
                .prepare_cached("INSERT OR REPLACE INTO events (block, log_index, tx, name, session, pool, fields) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .map_err(err)?;
            for e in events {
                let fields = serde_json::to_string(&Value::Object(e.fields.iter().cloned().collect()))
                    .unwrap_or_default();
                let pool = e.field("poolId").map(|_| text(e, "poolId"));
                insert
                    .execute(params![
                        e.block as i64,
                        e.log_index.unwrap_or_default() as i64,
                        e.tx.map(|t| t.to_string()),
                        e.event,
                        session_of(e).map(|s| s as i64),
                        pool,
                        fields
                    ])
                    .map_err(err)?;
                implied(&tx, e).map_err(err)?;
            }
            let mut insert = tx
                .prepare_cached("INSERT OR REPLACE INTO txs (hash, block, operation, gas_used, gas_limit, gas_price) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .map_err(err)?;
            for g in gas {
                insert
                    .execute(params![
                        g.hash.to_string(),
                        g.block as i64,
                        g.operation,
                        g.used as i64,
                        g.limit as i64,
                        g.price.to_string()
                    ])
                    .map_err(err)?;
            }
        }
        for snapshot in snapshots {
            write_snapshot(&tx, snapshot).map_err(err)?;
        }
        write_tip(&tx, tip).map_err(err)?;
        tx.commit().map_err(err)
    }
}

/// The rows an event implies besides itself.
fn implied(tx: &rusqlite::Transaction<'_>, e: &SessionEvent) -> rusqlite::Result<()> {
    let session = session_of(e).map(|s| s as i64);
    let block = e.block as i64;
    match e.event.as_str() {
        "NodeRegistered" => tx
            .prepare_cached("INSERT OR REPLACE INTO members (session, idx, address, node_id, block) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![session, number(e, "index"), text(e, "node"), text(e, "nodeId"), block])
            .map(drop),
        "NodeExcluded" => tx
            .prepare_cached("INSERT OR REPLACE INTO exclusions (session, idx, reason, block) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![session, number(e, "index"), text(e, "reason"), block])
            .map(drop),
        "RewardClaimed" => tx
            .prepare_cached("INSERT OR REPLACE INTO claims (pool, node, amount, recipient, caller, tx, block, log_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?
            .execute(params![
                text(e, "poolId"),
                text(e, "node"),
                text(e, "amount"),
                text(e, "recipient"),
                text(e, "caller"),
                e.tx.map(|t| t.to_string()),
                block,
                e.log_index.unwrap_or_default() as i64
            ])
            .map(drop),
        "ContributionsRecorded" => tx
            .prepare_cached("INSERT OR REPLACE INTO batches (session, epoch, batch, entries, rounds, block) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![session, number(e, "epoch"), number(e, "batch"), number(e, "entries"), number(e, "epochRounds"), block])
            .map(drop),
        _ => Ok(()),
    }
}

/// A session's snapshot over the one stored: its standings when read, its pools, new rewards.
fn write_snapshot(tx: &rusqlite::Transaction<'_>, s: &Snapshot) -> rusqlite::Result<()> {
    let id = s.session.id as i64;
    let data = serde_json::to_string(&s.session).unwrap_or_default();
    tx.prepare_cached("INSERT OR REPLACE INTO sessions (id, data) VALUES (?1, ?2)")?
        .execute(params![id, data])?;
    if !s.standings.is_empty() {
        tx.prepare_cached("DELETE FROM standings WHERE session = ?1")?.execute([id])?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO standings (session, idx, data, eligible, score_key, score, rank, compute, quality, reliability, effective_key) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for n in &s.standings {
            let effective: U256 =
                n.effective_score.as_deref().and_then(|e| e.parse().ok()).unwrap_or(n.scores.score);
            insert.execute(params![
                id,
                n.index,
                serde_json::to_string(n).unwrap_or_default(),
                n.scores.eligible,
                sort_key(n.scores.score),
                f64::from(n.scores.score),
                n.rank,
                n.sums.c as i64,
                n.scores.quality,
                n.scores.reliability,
                sort_key(effective),
            ])?;
        }
    }
    for (pool, rewards) in &s.pools {
        let mut pool = pool.clone();
        if let Some(rewards) = rewards {
            let mut insert =
                tx.prepare_cached("INSERT OR REPLACE INTO rewards (pool, idx, amount) VALUES (?1, ?2, ?3)")?;
            for (index, amount) in (0i64..).zip(rewards) {
                insert.execute(params![pool.pool_id, index, amount.to_string()])?;
            }
        } else if let Some(old) = tx
            .prepare_cached("SELECT data FROM pools WHERE id = ?1")?
            .query_row([&pool.pool_id], |row| row.get::<_, String>(0))
            .ok()
            .and_then(|data| serde_json::from_str::<super::snapshot::PoolData>(&data).ok())
        {
            // Rewards are fixed at creation: what they add up to was worked out the first time.
            pool.entitled = old.entitled;
            pool.dust = old.dust;
        }
        let data = serde_json::to_string(&pool).unwrap_or_default();
        tx.prepare_cached("INSERT OR REPLACE INTO pools (id, session, data) VALUES (?1, ?2, ?3)")?
            .execute(params![pool.pool_id, id, data])?;
    }
    Ok(())
}

/// A score as 64 hex digits: text order is number order.
pub(crate) fn sort_key(value: U256) -> String {
    format!("{value:064x}")
}
