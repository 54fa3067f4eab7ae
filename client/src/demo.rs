//! `gradpay demo`: a whole session on a local anvil — deploy, simulated training, batched records,
//! finalization, one pool per strategy in ETH and in an ERC20, every node claiming — and the
//! numbers for the report, all read back from the contract.

use std::time::Instant;

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, B256, U256},
    signers::local::PrivateKeySigner,
};

use crate::{
    Coordinator, EpochActivity, EpochEntry, Error, NetworkProfile, Result, Strategy, StrategyParams,
    anvil::{Anvil, AnvilOptions, dev_signer, set_balance, simulated_node_signer},
    bindings::MockERC20,
    claims::PoolSpec,
    deploy::{Roles, deploy},
    journal::{Journal, JournalScope},
    record::{EpochRecord, SendMode},
    report::{NodeReport, PoolReport, Report},
};

/// The demo's session id.
pub const DEMO_SESSION: u64 = 1;
/// Rounds per simulated epoch.
const EPOCH_ROUNDS: u32 = 20;
/// Each ETH pool: 1 ETH.
const ETH_POOL: u128 = 1_000_000_000_000_000_000;
/// Each token pool: 1,000 tokens of 18 decimals.
const TOKEN_POOL: u128 = 1_000 * ETH_POOL;

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
    pub journal_dir: std::path::PathBuf,
}

/// Progress callback: (stage, done, total).
pub type Progress<'a> = &'a (dyn Fn(&str, u32, u32) + Sync);

/// Runs the demo on a fresh anvil (stopped when done) and returns the report.
pub async fn run_demo(options: &DemoOptions, progress: Progress<'_>) -> Result<Report> {
    if options.nodes == 0 || options.epochs == 0 {
        return Err(Error::Config {
            origin: "demo".into(),
            reason: "--nodes and --epochs must be at least 1".into(),
        });
    }
    let started = Instant::now();
    let anvil = Anvil::spawn(&AnvilOptions::default())?;
    let profile = NetworkProfile {
        rpc_url: anvil.url(),
        batch_size: options.batch_size,
        journal_dir: options.journal_dir.clone(),
        poll_interval_ms: 5,
        ..NetworkProfile::builtin("local").ok_or_else(|| Error::Anvil("no local profile".into()))?
    };
    progress("deploying", 0, 1);
    let admin = dev_signer(0)?;
    let roles =
        Roles { admin: admin.address(), coordinator: admin.address(), treasury: dev_signer(1)?.address() };
    let (_, c) = deploy(profile, admin, roles).await?;
    let nodes: Vec<PrivateKeySigner> =
        (0..options.nodes).map(simulated_node_signer).collect::<Result<_>>()?;

    c.create_session(DEMO_SESSION, B256::repeat_byte(0x42), options.clip_k).await?;
    progress("registering nodes", 0, options.nodes);
    let list: Vec<(Address, B256)> =
        nodes.iter().map(|s| (s.address(), B256::left_padding_from(s.address().as_slice()))).collect();
    c.register_nodes(DEMO_SESSION, &list).await?;

    let scope =
        JournalScope { chain_id: c.profile().chain_id, contract: c.address(), session_id: DEMO_SESSION };
    let mut journal = Journal::open(&Journal::path_for(&options.journal_dir, &scope), scope)?;
    let mut rng = SplitMix64(options.seed);
    let traits: Vec<NodeTraits> = (0..options.nodes).map(|_| NodeTraits::draw(&mut rng)).collect();
    let mut record_summaries = Vec::new();
    for epoch in 0..options.epochs {
        let entries: Vec<EpochEntry> = traits
            .iter()
            .enumerate()
            .map(|(i, t)| t.simulate_epoch(&mut rng).aggregate(i as u32, EPOCH_ROUNDS))
            .collect::<Result<_>>()?;
        let stage = format!("recording epoch {epoch}");
        let record = EpochRecord { epoch, epoch_rounds: EPOCH_ROUNDS, entries };
        let summary = c
            .record_epoch(&mut journal, &record, SendMode::Pipelined, &|d, t| progress(&stage, d, t))
            .await?;
        record_summaries.push(summary);
    }
    c.complete_session(DEMO_SESSION).await?;
    c.finalize(DEMO_SESSION, &|d, t| progress("finalizing", d, t)).await?;

    progress("creating pools", 0, 8);
    let token = MockERC20::deploy(c.provider().clone(), "Gradient Token".into(), "GRAD".into(), 18)
        .await
        .map_err(|e| c.call_error("deploying the demo token", &e))?;
    let mint = token.mint(c.sender(), U256::from(TOKEN_POOL) * U256::from(4u8)).calldata().clone();
    c.transact("mint (demo token)", c.request(mint).with_to(*token.address())).await?;
    let defaults = c.profile().pool;
    let mut pools = Vec::new();
    for strategy in Strategy::ALL {
        for (token_address, amount, label) in
            [(None, ETH_POOL, "ETH"), (Some(*token.address()), TOKEN_POOL, "GRAD")]
        {
            let spec = PoolSpec {
                token: token_address,
                amount: U256::from(amount),
                strategy,
                params: StrategyParams::for_strategy(strategy, &defaults),
                claim_window_secs: 7 * 24 * 3600,
            };
            let id = c.create_pool(DEMO_SESSION, spec).await?;
            pools.push(PoolReport {
                pool_id: id.to_string(),
                strategy,
                token: label.into(),
                amount: amount.to_string(),
                paid: String::new(),
                left: String::new(),
            });
        }
    }

    // Every node claims every pool in one transaction.
    let mut node_reports = Vec::new();
    let scores = c.scores(DEMO_SESSION).await?;
    for (i, signer) in nodes.iter().enumerate() {
        progress("claiming", i as u32, options.nodes);
        set_balance(c.provider(), signer.address(), U256::from(ETH_POOL)).await?;
        let node = Coordinator::from_parts(
            crate::provider::build_provider(&c.profile().rpc_url, Some(signer.clone()))?,
            c.profile().clone(),
            c.address(),
            signer.address(),
        )
        .with_signer(signer.clone());
        let before = node.rewards(DEMO_SESSION, signer.address()).await?;
        let claimed = node.claim_all(DEMO_SESSION).await?;
        for record in node.gas_records() {
            c.record_gas(&record.operation, record.gas_used, record.gas_limit);
        }
        let after = node.rewards(DEMO_SESSION, signer.address()).await?;
        let all_claimed = after.iter().all(|r| r.pending.is_zero() && (r.claimed || r.entitled.is_zero()));
        let record = c
            .contract()
            .getContributionByIndex(DEMO_SESSION, i as u32)
            .call()
            .await
            .map_err(|e| c.call_error("reading record", &e))?;
        let score = scores.get(i).cloned().unwrap_or_default();
        node_reports.push(NodeReport::new(
            i as u32,
            signer.address(),
            &record,
            &score,
            &before,
            claimed.len(),
            all_claimed,
        ));
    }
    for pool in &mut pools {
        let id: U256 = pool.pool_id.parse().unwrap_or_default();
        let info = c.contract().getPool(id).call().await.map_err(|e| c.call_error("reading pool", &e))?;
        pool.paid = (info.amount - info.remaining).to_string();
        pool.left = info.remaining.to_string();
    }
    progress("done", 1, 1);
    let report = Report::new(
        &c,
        options,
        node_reports,
        pools,
        record_summaries,
        &c.gas_records(),
        started.elapsed().as_millis(),
    );
    anvil.stop()?;
    Ok(report)
}

/// A node's character in the simulation.
#[derive(Debug, Clone, Copy)]
struct NodeTraits {
    seconds_per_epoch: u64,
    join_probability: f64,
    success_probability: f64,
    accept_probability: f64,
    norm_spread: f64,
    uptime: f64,
    network_bps: u16,
}

impl NodeTraits {
    fn draw(rng: &mut SplitMix64) -> Self {
        Self {
            seconds_per_epoch: 600 + rng.below(3000),
            join_probability: 0.6 + 0.4 * rng.unit(),
            success_probability: 0.7 + 0.3 * rng.unit(),
            accept_probability: 0.5 + 0.5 * rng.unit(),
            norm_spread: 0.05 + 0.6 * rng.unit(),
            uptime: 0.7 + 0.3 * rng.unit(),
            network_bps: 5000 + rng.below(5001) as u16,
        }
    }

    fn simulate_epoch(&self, rng: &mut SplitMix64) -> EpochActivity {
        let mut activity =
            EpochActivity { epoch_seconds: 3600, network_bps: self.network_bps, ..EpochActivity::default() };
        for _ in 0..EPOCH_ROUNDS {
            if rng.unit() >= self.join_probability {
                continue;
            }
            activity.rounds.push(rng.unit() < self.success_probability);
            let norm = 1.0 + self.norm_spread * (2.0 * rng.unit() - 1.0);
            activity.gradients.push((norm, rng.unit() < self.accept_probability));
        }
        activity.compute_seconds =
            self.seconds_per_epoch * activity.rounds.len() as u64 / u64::from(EPOCH_ROUNDS);
        activity.online_seconds = (3600.0 * self.uptime) as u64;
        activity
    }
}

/// A small deterministic generator (SplitMix64): the simulation must not depend on a platform RNG.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub const fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n) (n > 0).
    pub const fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}
