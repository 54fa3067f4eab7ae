//! What the pages and the JSON API show, read from the index only: one query (or a few point
//! lookups) per table on a page, so a page of a 10,000-node session costs milliseconds.

use alloy::primitives::U256;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    index::Index,
    snapshot::{PoolData, SessionData},
    units::Amount,
};
use crate::Result;

/// Rows per page of the nodes table unless asked otherwise, and the most one page shows.
pub(crate) const PER_PAGE: u32 = 100;
const MAX_PER_PAGE: u32 = 1000;

/// How the nodes table is sorted and cut (query parameters of the session page and its API).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct NodesQuery {
    pub(crate) sort: String,
    pub(crate) order: String,
    pub(crate) page: u32,
    pub(crate) per_page: u32,
    /// Part of the address to look for.
    pub(crate) q: String,
}

impl Default for NodesQuery {
    fn default() -> Self {
        Self { sort: "rank".into(), order: "asc".into(), page: 1, per_page: PER_PAGE, q: String::new() }
    }
}

impl NodesQuery {
    /// The column to sort by, from a fixed list (anything else sorts by rank).
    fn column(&self) -> &'static str {
        match self.sort.as_str() {
            "index" => "m.idx",
            "address" => "m.address",
            "score" => "s.score_key",
            "effective" => "s.effective_key",
            "compute" => "s.compute",
            "quality" => "s.quality",
            "reliability" => "s.reliability",
            _ => "s.rank",
        }
    }

    fn descending(&self) -> bool {
        self.order == "desc"
    }
}

/// Which sessions the sessions page lists.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub(crate) struct SessionsQuery {
    /// `Active`, `Completed`, `Finalized`, or empty for all.
    pub(crate) state: String,
    /// Part of the owner's address or of the id.
    pub(crate) q: String,
}

/// A page of the nodes table.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NodesPage {
    pub(crate) total: u32,
    pub(crate) page: u32,
    pub(crate) per_page: u32,
    pub(crate) pages: u32,
    pub(crate) query: NodesQuery,
    pub(crate) nodes: Vec<NodeRow>,
}

/// One node of a session: its registration, exclusion, standing and rewards.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NodeRow {
    pub(crate) session: u64,
    pub(crate) index: u32,
    pub(crate) address: String,
    pub(crate) node_id: String,
    pub(crate) excluded: Option<String>,
    /// Sums, scores, rank, tier, clip and effective score (`null` before the first snapshot).
    pub(crate) standing: Value,
    pub(crate) score: Option<String>,
    pub(crate) rank: Option<u32>,
    pub(crate) rewards: Vec<RewardCell>,
}

/// A node's reward from one pool.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RewardCell {
    pub(crate) pool_id: String,
    /// rewardOf, base units.
    pub(crate) amount: String,
    pub(crate) display: String,
    pub(crate) claimed: bool,
    pub(crate) claim_tx: Option<String>,
}

/// A pool with its amounts formatted.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PoolView {
    #[serde(flatten)]
    pub(crate) data: PoolData,
    pub(crate) shown: PoolAmounts,
    pub(crate) claim_count: u32,
}

/// A pool's amounts in its token's units.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PoolAmounts {
    pub(crate) amount: Amount,
    pub(crate) paid: Amount,
    pub(crate) remaining: Amount,
    pub(crate) entitled: Amount,
    pub(crate) dust: Amount,
}

/// One claim of a pool.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClaimRow {
    pub(crate) node: String,
    pub(crate) amount: String,
    pub(crate) display: String,
    pub(crate) recipient: String,
    pub(crate) caller: String,
    pub(crate) tx: Option<String>,
    pub(crate) block: u64,
}

/// Gas of one kind of operation, over every transaction of it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CostRow {
    pub(crate) operation: String,
    pub(crate) count: u64,
    pub(crate) mean_gas_used: u64,
    pub(crate) max_gas_used: u64,
    /// What Monad charges: the gas limit, not the gas used.
    pub(crate) mean_gas_limit: u64,
    pub(crate) max_gas_limit: u64,
    /// gas limit / gas used of the whole set, in %.
    pub(crate) limit_over_used_pct: u64,
    /// Σ gas_used × price, in wei.
    pub(crate) fees_used: String,
    /// Σ gas_limit × price, in wei: Monad's charge.
    pub(crate) fees_limit: String,
}

/// One epoch's participation: how many node entries its batches recorded.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EpochParticipation {
    pub(crate) epoch: u32,
    pub(crate) entries: u64,
    pub(crate) batches: u32,
    pub(crate) rounds: u32,
}

/// A session a node is in.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Membership {
    pub(crate) session: u64,
    pub(crate) index: u32,
}

impl Index {
    /// The sessions `query` selects, newest first.
    pub(crate) fn sessions(&self, query: &SessionsQuery) -> Result<Vec<SessionData>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT data FROM sessions ORDER BY id DESC")
            .map_err(|e| self.error(&e))?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0)).map_err(|e| self.error(&e))?;
        let needle = query.q.to_lowercase();
        let mut sessions = Vec::new();
        for data in rows {
            let data = data.map_err(|e| self.error(&e))?;
            let Ok(session) = serde_json::from_str::<SessionData>(&data) else { continue };
            let owner = session.owner.to_string().to_lowercase();
            let matches_text =
                needle.is_empty() || owner.contains(&needle) || session.id.to_string() == needle;
            if matches_text && (query.state.is_empty() || query.state == session.state) {
                sessions.push(session);
            }
        }
        Ok(sessions)
    }

    pub(crate) fn session(&self, id: u64) -> Result<Option<SessionData>> {
        let data: Option<String> = self
            .conn
            .prepare_cached("SELECT data FROM sessions WHERE id = ?1")
            .and_then(|mut stmt| stmt.query_row([id as i64], |row| row.get(0)).optional())
            .map_err(|e| self.error(&e))?;
        Ok(data.and_then(|d| serde_json::from_str(&d).ok()))
    }

    /// The pools of `session`, in creation order.
    pub(crate) fn pools_of(&self, session: u64) -> Result<Vec<PoolView>> {
        self.pool_views(
            "SELECT data FROM pools WHERE session = ?1 ORDER BY CAST(id AS REAL)",
            &session.to_string(),
        )
    }

    pub(crate) fn pool(&self, id: &str) -> Result<Option<PoolView>> {
        Ok(self.pool_views("SELECT data FROM pools WHERE id = ?1", id)?.pop())
    }

    fn pool_views(&self, query: &str, key: &str) -> Result<Vec<PoolView>> {
        let mut stmt = self.conn.prepare_cached(query).map_err(|e| self.error(&e))?;
        let rows = stmt.query_map([key], |row| row.get::<_, String>(0)).map_err(|e| self.error(&e))?;
        let mut pools = Vec::new();
        for data in rows {
            let data = data.map_err(|e| self.error(&e))?;
            let Ok(data) = serde_json::from_str::<PoolData>(&data) else { continue };
            let claim_count = self.count("SELECT COUNT(*) FROM claims WHERE pool = ?1", &data.pool_id)?;
            let shown = PoolAmounts::of(&data);
            pools.push(PoolView { data, shown, claim_count });
        }
        Ok(pools)
    }

    fn count(&self, query: &str, key: &str) -> Result<u32> {
        self.conn
            .prepare_cached(query)
            .and_then(|mut stmt| stmt.query_row([key], |row| row.get(0)))
            .map_err(|e| self.error(&e))
    }

    /// One page of `session`'s nodes, sorted, with their rewards from `pools`.
    pub(crate) fn nodes_page(
        &self,
        session: u64,
        query: &NodesQuery,
        pools: &[PoolView],
    ) -> Result<NodesPage> {
        let per_page = query.per_page.clamp(1, MAX_PER_PAGE);
        let pattern = format!("%{}%", query.q.to_lowercase());
        let total: u32 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM members WHERE session = ?1 AND lower(address) LIKE ?2")
            .and_then(|mut stmt| stmt.query_row(params![session as i64, pattern], |row| row.get(0)))
            .map_err(|e| self.error(&e))?;
        let pages = total.div_ceil(per_page).max(1);
        let page = query.page.clamp(1, pages);
        let direction = if query.descending() { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT m.idx, m.address, m.node_id, s.data, x.reason FROM members m \
             LEFT JOIN standings s ON s.session = m.session AND s.idx = m.idx \
             LEFT JOIN exclusions x ON x.session = m.session AND x.idx = m.idx \
             WHERE m.session = ?1 AND lower(m.address) LIKE ?2 \
             ORDER BY {} {direction} NULLS LAST, m.idx ASC LIMIT ?3 OFFSET ?4",
            query.column()
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.error(&e))?;
        let offset = i64::from(page - 1) * i64::from(per_page);
        let rows = stmt
            .query_map(params![session as i64, pattern, per_page, offset], |row| {
                Ok((
                    row.get::<_, u32>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                ))
            })
            .map_err(|e| self.error(&e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.error(&e))?;
        let mut nodes = Vec::with_capacity(rows.len());
        for (index, address, node_id, standing, excluded) in rows {
            let standing: Value = standing.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null);
            let rewards = self.rewards_of(index, &address, pools)?;
            nodes.push(NodeRow {
                session,
                index,
                score: standing["scores"]["score"].as_str().map(str::to_owned),
                rank: standing["rank"].as_u64().map(|r| r as u32),
                address,
                node_id,
                excluded,
                standing,
                rewards,
            });
        }
        let query = NodesQuery { page, per_page, ..query.clone() };
        Ok(NodesPage { total, page, per_page, pages, query, nodes })
    }

    /// The node at `index` of its session, with every pool's reward to it.
    pub(crate) fn rewards_of(
        &self,
        index: u32,
        address: &str,
        pools: &[PoolView],
    ) -> Result<Vec<RewardCell>> {
        let mut reward = self
            .conn
            .prepare_cached("SELECT amount FROM rewards WHERE pool = ?1 AND idx = ?2")
            .map_err(|e| self.error(&e))?;
        let mut claim = self
            .conn
            .prepare_cached("SELECT tx FROM claims WHERE pool = ?1 AND node = ?2")
            .map_err(|e| self.error(&e))?;
        let mut cells = Vec::with_capacity(pools.len());
        for pool in pools {
            let id = &pool.data.pool_id;
            let amount: String = reward
                .query_row(params![id, index], |row| row.get(0))
                .optional()
                .map_err(|e| self.error(&e))?
                .unwrap_or_else(|| "0".into());
            let claim_tx: Option<Option<String>> = claim
                .query_row(params![id, address], |row| row.get(0))
                .optional()
                .map_err(|e| self.error(&e))?;
            cells.push(RewardCell {
                pool_id: id.clone(),
                display: Amount::of_pool(&amount, &pool.data).display,
                amount,
                claimed: claim_tx.is_some(),
                claim_tx: claim_tx.flatten(),
            });
        }
        Ok(cells)
    }

    /// The claims of a pool, in chain order.
    pub(crate) fn claims_of(&self, pool: &PoolView) -> Result<Vec<ClaimRow>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT node, amount, recipient, caller, tx, block FROM claims WHERE pool = ?1 ORDER BY block, log_index")
            .map_err(|e| self.error(&e))?;
        let rows = stmt
            .query_map([&pool.data.pool_id], |row| {
                let amount: String = row.get(1)?;
                Ok(ClaimRow {
                    node: row.get(0)?,
                    display: Amount::of_pool(&amount, &pool.data).display,
                    amount,
                    recipient: row.get(2)?,
                    caller: row.get(3)?,
                    tx: row.get(4)?,
                    block: row.get::<_, i64>(5)? as u64,
                })
            })
            .map_err(|e| self.error(&e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.error(&e))
    }

    /// Every session `address` is a member of.
    pub(crate) fn memberships(&self, address: &str) -> Result<Vec<Membership>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT session, idx FROM members WHERE lower(address) = lower(?1) ORDER BY session",
            )
            .map_err(|e| self.error(&e))?;
        let rows = stmt
            .query_map([address], |row| {
                Ok(Membership { session: row.get::<_, i64>(0)? as u64, index: row.get(1)? })
            })
            .map_err(|e| self.error(&e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.error(&e))
    }

    /// The node at `index` of `session` alone, as the nodes table shows it.
    pub(crate) fn node_row(
        &self,
        session: u64,
        address: &str,
        pools: &[PoolView],
    ) -> Result<Option<NodeRow>> {
        let query = NodesQuery { q: address.to_lowercase(), per_page: 1, ..NodesQuery::default() };
        Ok(self.nodes_page(session, &query, pools)?.nodes.pop())
    }

    /// Every eligible node's score (as a float, for the chart).
    pub(crate) fn scores(&self, session: u64) -> Result<Vec<f64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT score FROM standings WHERE session = ?1 AND eligible")
            .map_err(|e| self.error(&e))?;
        let rows = stmt.query_map([session as i64], |row| row.get(0)).map_err(|e| self.error(&e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.error(&e))
    }

    /// Node entries recorded per epoch.
    pub(crate) fn participation(&self, session: u64) -> Result<Vec<EpochParticipation>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT epoch, SUM(entries), COUNT(*), MAX(rounds) FROM batches WHERE session = ?1 GROUP BY epoch ORDER BY epoch")
            .map_err(|e| self.error(&e))?;
        let rows = stmt
            .query_map([session as i64], |row| {
                Ok(EpochParticipation {
                    epoch: row.get(0)?,
                    entries: row.get::<_, i64>(1)? as u64,
                    batches: row.get(2)?,
                    rounds: row.get(3)?,
                })
            })
            .map_err(|e| self.error(&e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| self.error(&e))
    }

    /// Gas per operation over the transactions of the indexed events.
    pub(crate) fn cost(&self) -> Result<Vec<CostRow>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT operation, gas_used, gas_limit, gas_price FROM txs WHERE hash IN (SELECT tx FROM events) ORDER BY operation")
            .map_err(|e| self.error(&e))?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)? as u64,
                    row.get::<_, i64>(2)? as u64,
                    row.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.error(&e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.error(&e))?;
        let mut table: Vec<CostRow> = Vec::new();
        let mut sums: Vec<(u64, u64, U256, U256)> = Vec::new();
        for (operation, used, limit, price) in rows {
            let price: U256 = price.parse().unwrap_or_default();
            if table.last().is_none_or(|row| row.operation != operation) {
                table.push(CostRow {
                    operation,
                    count: 0,
                    mean_gas_used: 0,
                    max_gas_used: 0,
                    mean_gas_limit: 0,
                    max_gas_limit: 0,
                    limit_over_used_pct: 0,
                    fees_used: String::new(),
                    fees_limit: String::new(),
                });
                sums.push((0, 0, U256::ZERO, U256::ZERO));
            }
            if let (Some(row), Some(sum)) = (table.last_mut(), sums.last_mut()) {
                row.count += 1;
                row.max_gas_used = row.max_gas_used.max(used);
                row.max_gas_limit = row.max_gas_limit.max(limit);
                sum.0 += used;
                sum.1 += limit;
                sum.2 += price * U256::from(used);
                sum.3 += price * U256::from(limit);
            }
        }
        for (row, (used, limit, fees_used, fees_limit)) in table.iter_mut().zip(sums) {
            row.mean_gas_used = used / row.count.max(1);
            row.mean_gas_limit = limit / row.count.max(1);
            row.limit_over_used_pct = (limit * 100).checked_div(used).unwrap_or_default();
            row.fees_used = fees_used.to_string();
            row.fees_limit = fees_limit.to_string();
        }
        Ok(table)
    }
}

impl PoolAmounts {
    fn of(pool: &PoolData) -> Self {
        let paid = pool
            .amount
            .parse::<U256>()
            .unwrap_or_default()
            .saturating_sub(pool.remaining.parse().unwrap_or_default())
            .to_string();
        Self {
            amount: Amount::of_pool(&pool.amount, pool),
            paid: Amount::of_pool(&paid, pool),
            remaining: Amount::of_pool(&pool.remaining, pool),
            entitled: Amount::of_pool(&pool.entitled, pool),
            dust: Amount::of_pool(&pool.dust, pool),
        }
    }
}
