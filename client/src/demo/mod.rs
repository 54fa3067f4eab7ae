//! `gradpay demo`: a whole session on a local anvil — deploy, simulated training, batched records,
//! finalization, one pool per strategy in ETH and in an ERC20, every node claiming — and the
//! numbers for the report, all read back from the contract.
//!
//! Everything here needs a local chain, so it is behind the `demo` feature: a coordinator linking
//! the library for a real chain does not carry it.

pub mod anvil;
pub mod monad_rpc;
pub mod report;
mod simulation;
mod token;

use std::{path::PathBuf, time::Instant};

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, B256, U256},
    signers::local::PrivateKeySigner,
};

use crate::{
    Coordinator, Error, NetworkProfile, Result, Strategy,
    claims::PoolSpec,
    deploy::{Roles, deploy},
    journal::Journal,
    record::{RecordSummary, SendMode},
};
use anvil::{Anvil, AnvilOptions, dev_signer, set_balance, simulated_node_signer};
use report::{NodeReport, PoolReport, Report, ReportHeader};
pub use simulation::SplitMix64;
use simulation::Training;
pub use token::MockERC20;

/// The demo's session id.
pub const DEMO_SESSION: u64 = 1;
/// Each ETH pool: 1 ETH.
const ETH_POOL: u128 = 1_000_000_000_000_000_000;
/// Each token pool: 1,000 tokens of 18 decimals.
const TOKEN_POOL: u128 = 1_000 * ETH_POOL;
/// How long the demo's nodes may claim.
const CLAIM_WINDOW_SECS: u64 = 7 * 24 * 3600;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Nodes in the session.
    pub nodes: u32,
    /// Epochs to record.
    pub epochs: u32,
    /// Seed of the simulated training (same seed, same report).
    pub seed: u64,
    /// Entries per record batch.
    pub batch_size: usize,
    /// Outlier clip factor (1e18 fixed point; 0 = off).
    pub clip_k: u64,
    /// Where the journal goes.
    pub journal_dir: PathBuf,
}

/// Progress callback: (stage, done, total).
pub type Progress<'a> = &'a (dyn Fn(&str, u32, u32) + Sync);

/// The demo's chain, still running: `gradpay demo --serve` serves the dashboard on it.
#[derive(Debug)]
pub struct DemoChain {
    /// The anvil the session ran on (stopped when dropped).
    pub anvil: Anvil,
    /// The coordinator that ran it (dev account 0).
    pub coordinator: Coordinator,
}

/// Runs the demo on a fresh anvil (stopped when done) and returns the report.
pub async fn run_demo(options: &DemoOptions, progress: Progress<'_>) -> Result<Report> {
    let (report, chain) = run_demo_kept(options, progress).await?;
    chain.anvil.stop()?;
    Ok(report)
}

/// [`run_demo`], leaving the chain running.
pub async fn run_demo_kept(options: &DemoOptions, progress: Progress<'_>) -> Result<(Report, DemoChain)> {
    if options.nodes == 0 || options.epochs == 0 {
        return Err(Error::Config {
            origin: "demo".into(),
            reason: "--nodes and --epochs must be at least 1".into(),
        });
    }
    let started = Instant::now();
    let anvil = Anvil::spawn(&AnvilOptions::default())?;
    progress("deploying", 0, 1);
    let c = deploy_on(&anvil, options).await?;
    let nodes: Vec<PrivateKeySigner> =
        (0..options.nodes).map(simulated_node_signer).collect::<Result<_>>()?;
    let records = train(&c, options, &nodes, progress).await?;
    progress("creating pools", 0, 2 * Strategy::ALL.len() as u32);
    let mut pools = create_pools(&c).await?;
    let node_reports = claim_everything(&c, &nodes, progress).await?;
    for pool in &mut pools {
        let info = c.pool(pool.pool_id).await?;
        pool.paid = (info.amount - info.remaining).to_string();
        pool.left = info.remaining.to_string();
    }
    progress("done", 1, 1);
    let header = ReportHeader {
        chain_id: c.profile().chain_id,
        contract: c.address(),
        node_count: options.nodes,
        epochs: options.epochs,
        millis: started.elapsed().as_millis(),
    };
    let report = Report::new(header, node_reports, pools, records, &c.gas_records());
    Ok((report, DemoChain { anvil, coordinator: c }))
}

/// GradPay on `anvil`, dev account 0 as admin and coordinator.
async fn deploy_on(anvil: &Anvil, options: &DemoOptions) -> Result<Coordinator> {
    let local = NetworkProfile::builtin("local").ok_or_else(|| Error::Anvil("no local profile".into()))?;
    let profile = NetworkProfile {
        rpc_url: anvil.url(),
        batch_size: options.batch_size,
        journal_dir: options.journal_dir.clone(),
        poll_interval_ms: 5,
        ..local
    };
    let admin = dev_signer(0)?;
    let roles = Roles { admin: admin.address(), coordinator: admin.address() };
    Ok(deploy(profile, admin, roles).await?.1)
}

/// The session from creation to finalization: `nodes` registered, every simulated epoch recorded.
async fn train(
    c: &Coordinator,
    options: &DemoOptions,
    nodes: &[PrivateKeySigner],
    progress: Progress<'_>,
) -> Result<Vec<RecordSummary>> {
    c.create_session(DEMO_SESSION, B256::repeat_byte(0x42), options.clip_k).await?;
    progress("registering nodes", 0, options.nodes);
    let list: Vec<(Address, B256)> =
        nodes.iter().map(|s| (s.address(), crate::nodes::default_node_id(s.address()))).collect();
    c.register_nodes(DEMO_SESSION, &list).await?;
    let scope = c.journal_scope(DEMO_SESSION);
    let mut journal = Journal::open(&Journal::path_for(&options.journal_dir, &scope), scope)?;
    let mut training = Training::new(options.seed, options.nodes);
    let mut summaries = Vec::new();
    for epoch in 0..options.epochs {
        let record = training.epoch(epoch)?;
        let stage = format!("recording epoch {epoch}");
        let on_progress = |done, total| progress(&stage, done, total);
        summaries.push(c.record_epoch(&mut journal, &record, SendMode::Pipelined, &on_progress).await?);
    }
    c.complete_session(DEMO_SESSION).await?;
    c.finalize(DEMO_SESSION, &|done, total| progress("finalizing", done, total)).await?;
    Ok(summaries)
}

/// One pool per strategy in ETH and one in a freshly minted mock token.
async fn create_pools(c: &Coordinator) -> Result<Vec<PoolReport>> {
    let token = MockERC20::deploy(c.provider().clone(), "Gradient Token".into(), "GRAD".into(), 18)
        .await
        .map_err(|e| c.call_error("deploying the demo token", &e))?;
    let pools_per_token = U256::from(Strategy::ALL.len());
    let mint = token.mint(c.sender(), U256::from(TOKEN_POOL) * pools_per_token).calldata().clone();
    c.transact("mint (demo token)", c.request(mint).with_to(*token.address())).await?;
    let defaults = c.profile().pool;
    let mut pools = Vec::new();
    for strategy in Strategy::ALL {
        for (token_address, amount, label) in
            [(None, ETH_POOL, "ETH"), (Some(*token.address()), TOKEN_POOL, "GRAD")]
        {
            let spec = PoolSpec::new(token_address, U256::from(amount), strategy, &defaults)
                .claimable_for(CLAIM_WINDOW_SECS);
            let id = c.create_pool(DEMO_SESSION, spec).await?;
            pools.push(PoolReport::funded(id, strategy, label, amount));
        }
    }
    Ok(pools)
}

/// Every node claims every pool in one transaction; its line of the report, from the contract.
async fn claim_everything(
    c: &Coordinator,
    nodes: &[PrivateKeySigner],
    progress: Progress<'_>,
) -> Result<Vec<NodeReport>> {
    let scores = c.scores(DEMO_SESSION).await?;
    for signer in nodes {
        set_balance(c.provider(), signer.address(), U256::from(ETH_POOL)).await?;
    }
    // Under a profile with reserve-blocks (Monad's k), MON just received waits k blocks before
    // it pays for a claim's gas.
    c.wait_blocks_after(c.latest_block().await?).await?;
    let mut reports = Vec::with_capacity(nodes.len());
    for (i, signer) in nodes.iter().enumerate() {
        let index = i as u32;
        progress("claiming", index, nodes.len() as u32);
        let node = c.signing_as(signer.clone())?;
        let before = node.rewards(DEMO_SESSION, signer.address()).await?;
        let claimed = node.claim_all(DEMO_SESSION).await?;
        for record in node.gas_records() {
            c.record_gas(&record.operation, record.gas_used, record.gas_limit);
        }
        let after = node.rewards(DEMO_SESSION, signer.address()).await?;
        let fully_claimed = after.iter().all(|r| r.pending.is_zero() && (r.claimed || r.entitled.is_zero()));
        let record = c.node_record_at(DEMO_SESSION, index).await?;
        let score = scores.get(i).cloned().unwrap_or_default();
        reports.push(NodeReport {
            pools_claimed: claimed.len(),
            fully_claimed,
            ..NodeReport::new(signer.address(), &record, &score, &before)
        });
    }
    Ok(reports)
}
