//! The several-keys benchmark: one epoch recorded through the Monad-like test chain
//! (`gradpay::demo::monad_rpc`: each sender's in-flight fees held to its budget over k = 3 blocks)
//! in front of an anvil mining a block a second, once per key count, each on a fresh session.
//! The profile is Monad's (its fee quote with the 100 gwei minimum base fee, a 10-coin budget per
//! key, k = 3), so the budget binds as it would on Monad: about 80M gas of limits in flight per key.

use std::{fmt::Write as _, path::Path, time::Instant};

use alloy::{
    primitives::{Address, B256, U256},
    signers::local::PrivateKeySigner,
};
use gradpay::{
    Coordinator, EpochEntry, NetworkProfile, Result,
    access::SessionRight,
    demo::{
        anvil::{Anvil, AnvilOptions, dev_signer, set_balance, simulated_node_signer},
        monad_rpc::{MonadRpc, MonadRpcOptions, MonadRpcStats},
    },
    fees::FeeQuote,
    journal::Journal,
    record::{EpochRecord, RecordSummary, SendMode},
};

/// Monad's reserve-balance budget per key, wei (10 MON).
const BUDGET_WEI: u128 = 10 * 10u128.pow(18);
/// Monad's minimum base fee, wei per gas.
const MIN_BASE_FEE_WEI: u128 = 100 * 10u128.pow(9);
/// Nodes per registration transaction (about 24M gas: under the 30M cap).
const REGISTRATION_BATCH: usize = 500;

/// One key count measured.
pub(crate) struct KeysRun {
    pub(crate) keys: u16,
    pub(crate) summary: RecordSummary,
    pub(crate) chain: MonadRpcStats,
}

/// Records one epoch of `nodes` nodes with each of `key_counts` sender keys.
pub(crate) async fn measure(
    nodes: u32,
    batch_size: usize,
    key_counts: &[u16],
    dir: &Path,
) -> Result<Vec<KeysRun>> {
    let anvil = Anvil::spawn(&AnvilOptions { gas_limit: Some(200_000_000), ..AnvilOptions::default() })?;
    let (profile, admin) = super::bench_support::deploy_on(&anvil, REGISTRATION_BATCH, dir).await?;
    let proxy = MonadRpc::start(MonadRpcOptions {
        fee_budget_wei: Some(BUDGET_WEI),
        ..MonadRpcOptions::new(anvil.url())
    })
    .await?;
    let node_list: Vec<(Address, B256)> = (0..nodes)
        .map(|i| {
            let node = Address::left_padding_from(&(u64::from(i) + 1).to_be_bytes());
            (node, gradpay::nodes::default_node_id(node))
        })
        .collect();
    let monad = NetworkProfile {
        rpc_url: proxy.url.clone(),
        batch_size,
        fee_quote: FeeQuote::Monad,
        min_base_fee_wei: MIN_BASE_FEE_WEI,
        fee_budget_wei: Some(BUDGET_WEI),
        reserve_blocks: 3,
        ..profile
    };
    let mut runs = Vec::new();
    for (session, &keys) in (1u64..).zip(key_counts) {
        // Set up with a block per transaction, then record with a block a second.
        mine(&admin, "evm_setAutomine", serde_json::json!([true])).await?;
        eprintln!("  session {session}: registering {nodes} nodes, {keys} key(s)");
        admin.create_session(session, B256::ZERO, 0).await?;
        admin.register_nodes(session, &node_list).await?;
        let extra = delegates(&admin, session, keys).await?;
        mine(&admin, "evm_setIntervalMining", serde_json::json!([1])).await?;
        let c = Coordinator::connect(monad.clone(), admin.address(), dev_signer(0)?)
            .await?
            .with_deployment_block(admin.deployment_block())
            .with_extra_senders(extra)?;
        let scope = c.journal_scope(session);
        let mut journal = Journal::open(&Journal::path_for(dir, &scope), scope)?;
        let record = EpochRecord { epoch: 0, epoch_rounds: 20, entries: entries(nodes) };
        let before = proxy.stats();
        eprintln!("  recording through {keys} key(s)");
        let started = Instant::now();
        let mut summary = c.record_epoch(&mut journal, &record, SendMode::Pipelined, &|_, _| {}).await?;
        summary.millis = started.elapsed().as_millis();
        let chain = since(&before, &proxy.stats());
        // The table says every entry went on chain once: check it, on chain.
        let totals = c.session_totals(session).await?;
        let clean = summary.recorded == summary.batches && summary.already_recorded + summary.renumbered == 0;
        if totals.nodeEpochs != u64::from(nodes) || !clean {
            return Err(gradpay::Error::Anvil(format!(
                "session {session} holds {} node-epochs for {nodes} entries: {summary:?}",
                totals.nodeEpochs
            )));
        }
        runs.push(KeysRun { keys, summary, chain });
    }
    anvil.stop()?;
    Ok(runs)
}

/// The markdown section of `runs` (the first is the one the others are compared with).
pub(crate) fn section(runs: &[KeysRun], nodes: u32, batch_size: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Several sender keys within Monad's fee budget\n");
    let _ = writeln!(
        out,
        "One epoch of {nodes} nodes in batches of {batch_size}, recorded through the Monad-like test chain \
         (`gradpay::demo::monad_rpc`) in front of an anvil mining a block a second with 200M gas per block. \
         The proxy holds any transaction that would put its sender's in-flight fees (gas limit × max fee, \
         pending or mined fewer than k = 3 blocks ago) over 10 coins, as Monad's consensus does \
         (\"Reserve Balance\"); the client runs Monad's profile (fee quote with the 100 gwei minimum base \
         fee, `fee-budget = 10`, `reserve-blocks = 3`), so about 80M gas of limits fit in flight per key. \
         Each key count records a fresh session; the extra keys are the session's delegates.\n"
    );
    let _ = writeln!(
        out,
        "Command: `cargo run -p gradpay-client --release --features demo --bin gradpay-bench -- --keys-nodes {nodes} --keys {}`\n",
        runs.iter().map(|r| r.keys.to_string()).collect::<Vec<_>>().join(",")
    );
    let _ = writeln!(
        out,
        "| keys | wall time | transactions | re-sent | gas used | gas limit | most in flight per key (coins) | held by the chain | speed-up |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let base = runs.first().map_or(1, |r| r.summary.millis.max(1));
    for run in runs {
        let s = &run.summary;
        let peak = s.keys.iter().map(|k| k.max_in_flight_wei).max().unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {:.1} s | {} | {} | {} | {} | {:.2} | {} | {:.1}× |",
            run.keys,
            s.millis as f64 / 1000.0,
            s.transactions_sent,
            s.resent,
            s.gas_used,
            s.gas_limit,
            peak as f64 / 1e18,
            run.chain.held,
            base as f64 / s.millis.max(1) as f64,
        );
    }
    let _ = writeln!(
        out,
        "\nEvery run recorded each of the {nodes} entries exactly once (`recorded` = batches, nothing renumbered \
         or already recorded). \"Held by the chain\" counts transactions the proxy had to hold for their \
         sender's budget: 0 means the client never exceeded it. One key moves at most one budget per k blocks; \
         K keys move K budgets, until the block gas limit binds instead. A delegate's batch costs a cold \
         read of its delegate right (2,100 gas) that the owner's does not, hence the slightly higher gas \
         used with more keys."
    );
    out
}

/// Keys 2 ..= `keys`, funded and named delegates of `session` by the owner.
async fn delegates(owner: &Coordinator, session: u64, keys: u16) -> Result<Vec<PrivateKeySigner>> {
    let mut extra = Vec::new();
    for k in 1..u32::from(keys) {
        let key = simulated_node_signer(1_000_000 + k)?;
        set_balance(owner.provider(), key.address(), U256::from(10u128.pow(21))).await?;
        owner.set_session_right(session, SessionRight::Delegate, key.address(), true).await?;
        extra.push(key);
    }
    Ok(extra)
}

/// One epoch's entries for `nodes` nodes (as the pipelining benchmark's).
pub(crate) fn entries(nodes: u32) -> Vec<EpochEntry> {
    (0..nodes)
        .map(|i| EpochEntry {
            node_index: i,
            compute_seconds: 1000 + i % 977,
            accepted: 40,
            rejected: i % 7,
            rounds_ok: 18,
            rounds_joined: 20,
            consistency_bps: 9000,
            network_bps: 8000,
            uptime_bps: 9500,
        })
        .collect()
}

/// What the chain saw between `before` and `after`, for the counters the table shows.
fn since(before: &MonadRpcStats, after: &MonadRpcStats) -> MonadRpcStats {
    MonadRpcStats {
        held: after.held - before.held,
        refused: after.refused - before.refused,
        accepted: after.accepted - before.accepted,
        ..after.clone()
    }
}

/// An anvil mining-control call.
async fn mine(c: &Coordinator, method: &'static str, params: serde_json::Value) -> Result<()> {
    use alloy::providers::Provider;
    c.provider()
        .raw_request::<_, serde_json::Value>(method.into(), params)
        .await
        .map(drop)
        .map_err(|e| gradpay::Error::Anvil(format!("{method} failed: {e}")))
}
