//! The session the read benchmarks measure on (`gradpay-bench-verify`, `gradpay-bench-serve`):
//! many nodes registered in batches, epochs recorded pipelined, finalized, one ETH pool per
//! strategy, the first nodes claiming from every pool; each phase timed.

use std::{path::Path, time::Instant};

use alloy::primitives::{Address, B256, U256};
use gradpay::{
    Coordinator, EpochEntry, PoolDefaults, Result, Strategy,
    claims::PoolSpec,
    demo::anvil::{set_balance, simulated_node_signer},
    journal::Journal,
    record::{EpochRecord, SendMode},
};

/// The benchmarks' session id.
pub(crate) const SESSION: u64 = 1;

/// How large a session to build (the benchmarks' command-line options).
#[derive(Debug, Clone, Copy, clap::Args)]
pub(crate) struct SessionSize {
    /// Nodes in the session.
    #[arg(long, default_value_t = 10_000)]
    pub(crate) nodes: u32,
    /// Epochs recorded.
    #[arg(long, default_value_t = 10)]
    pub(crate) epochs: u32,
    /// Entries per record batch.
    #[arg(long, default_value_t = 200)]
    pub(crate) batch_size: usize,
    /// Nodes that claim from every pool (the first ones: they sign, so they are simulated keys).
    #[arg(long, default_value_t = 20)]
    pub(crate) claimers: u32,
}

/// Wall time of each phase, in order.
#[derive(Debug, Default)]
pub(crate) struct Phases(pub(crate) Vec<(String, f64)>);

impl Phases {
    /// Ends the phase begun at `started` as `name` and starts the next one.
    pub(crate) fn lap(&mut self, name: impl Into<String>, started: &mut Instant) {
        let name = name.into();
        let seconds = started.elapsed().as_secs_f64();
        eprintln!("  {name}: {seconds:.2} s");
        self.0.push((name, seconds));
        *started = Instant::now();
    }

    /// Every phase's time, added.
    pub(crate) fn total(&self) -> f64 {
        self.0.iter().map(|(_, s)| s).sum()
    }
}

/// Registers, records, finalizes, funds the pools and claims, timing each phase; returns
/// (claimers, nodes).
pub(crate) async fn build_session(
    c: &Coordinator,
    size: SessionSize,
    dir: &Path,
    phases: &mut Phases,
) -> Result<(u32, u32)> {
    let mut started = Instant::now();
    let claimers: Vec<_> =
        (0..size.claimers.min(size.nodes)).map(simulated_node_signer).collect::<Result<_>>()?;
    let nodes: Vec<(Address, B256)> = (0..size.nodes)
        .map(|i| match claimers.get(i as usize) {
            Some(signer) => signer.address(),
            None => Address::left_padding_from(&(u64::from(i) + 1).to_be_bytes()),
        })
        .map(|node| (node, gradpay::nodes::default_node_id(node)))
        .collect();
    c.create_session(SESSION, B256::ZERO, 1_000_000_000_000_000_000).await?;
    c.register_nodes(SESSION, &nodes).await?;
    phases.lap(format!("register {} nodes (batched)", size.nodes), &mut started);
    let scope = c.journal_scope(SESSION);
    let mut journal = Journal::open(&Journal::path_for(dir, &scope), scope)?;
    for epoch in 0..size.epochs {
        let entries = (0..size.nodes).map(|i| entry(i, epoch)).collect();
        let record = EpochRecord { epoch, epoch_rounds: 20, entries };
        c.record_epoch(&mut journal, &record, SendMode::Pipelined, &|_, _| {}).await?;
    }
    phases.lap(format!("record {} epochs (pipelined)", size.epochs), &mut started);
    c.complete_session(SESSION).await?;
    c.finalize(SESSION, &|_, _| {}).await?;
    phases.lap("complete and finalize", &mut started);
    let mut pools = Vec::new();
    for strategy in Strategy::ALL {
        let spec = PoolSpec::new(None, U256::from(10u128.pow(20)), strategy, &PoolDefaults::default());
        pools.push(c.create_pool(SESSION, spec).await?);
    }
    for signer in &claimers {
        set_balance(c.provider(), signer.address(), U256::from(10u128.pow(19))).await?;
        let node = c.signing_as(signer.clone())?;
        for &pool in &pools {
            node.claim(pool).await?;
        }
    }
    phases.lap(format!("4 pools, {} claims", claimers.len() * pools.len()), &mut started);
    Ok((claimers.len() as u32, size.nodes))
}

/// Node `i`'s entry in `epoch`: varied, a few nodes silent now and then.
fn entry(i: u32, epoch: u32) -> EpochEntry {
    let silent = (i + epoch).is_multiple_of(13);
    EpochEntry {
        node_index: i,
        compute_seconds: if silent { 0 } else { 1000 + (i * 7 + epoch * 13) % 977 },
        accepted: 40,
        rejected: (i + epoch) % 7,
        rounds_ok: 18 - (i % 3),
        rounds_joined: 20 - (i % 2),
        consistency_bps: 9000 - (i % 10) as u16 * 50,
        network_bps: 8000 + (epoch % 5) as u16 * 100,
        uptime_bps: 9500,
    }
}
