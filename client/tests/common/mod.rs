//! Shared set-up for the integration tests: an anvil from node_modules, a fresh deployment, nodes.

#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::type_complexity
)]

use alloy::{
    primitives::{Address, B256, U256},
    signers::local::PrivateKeySigner,
};
use gradpay::{
    Coordinator, EpochEntry, NetworkProfile,
    demo::anvil::{Anvil, AnvilOptions, dev_signer, set_balance, simulated_node_signer},
    deploy::{Roles, deploy},
    journal::{Journal, JournalScope},
};

pub struct Chain {
    pub anvil: Anvil,
    pub coordinator: Coordinator,
    pub profile: NetworkProfile,
    pub dir: tempfile::TempDir,
}

pub fn profile(url: &str, dir: &std::path::Path) -> NetworkProfile {
    NetworkProfile {
        rpc_url: url.to_owned(),
        journal_dir: dir.join("journal"),
        receipt_timeout_secs: 10,
        poll_interval_ms: 10,
        ..NetworkProfile::builtin("local").unwrap()
    }
}

pub async fn start(options: AnvilOptions) -> Chain {
    let dir = tempfile::tempdir().unwrap();
    let anvil = Anvil::spawn(&options).unwrap();
    let profile = profile(&anvil.url(), dir.path());
    let admin = dev_signer(0).unwrap();
    let roles = Roles { admin: admin.address(), coordinator: admin.address() };
    let (_, coordinator) = deploy(profile.clone(), admin, roles).await.unwrap();
    Chain { anvil, coordinator, profile, dir }
}

pub fn nodes(n: u32) -> Vec<PrivateKeySigner> {
    (0..n).map(|i| simulated_node_signer(i).unwrap()).collect()
}

pub async fn register(c: &Coordinator, session: u64, nodes: &[PrivateKeySigner]) {
    let list: Vec<(Address, B256)> =
        nodes.iter().map(|s| (s.address(), B256::left_padding_from(&s.address().0.0))).collect();
    c.create_session(session, B256::repeat_byte(0x11), 0).await.unwrap();
    let indices = c.register_nodes(session, &list).await.unwrap().indices();
    assert_eq!(indices, (0..nodes.len() as u32).collect::<Vec<_>>(), "dense indices in registration order");
}

pub fn journal(c: &Coordinator, dir: &std::path::Path, session: u64) -> Journal {
    let scope = JournalScope { chain_id: 31337, contract: c.address(), session_id: session };
    Journal::open(&Journal::path_for(dir, &scope), scope).unwrap()
}

/// A coordinator handle signing as `signer` (funded with 10 ETH) on the same deployment.
pub async fn as_node(c: &Coordinator, signer: PrivateKeySigner) -> Coordinator {
    set_balance(c.provider(), signer.address(), U256::from(10u128.pow(19))).await.unwrap();
    Coordinator::connect(c.profile().clone(), c.address(), signer).await.unwrap()
}

/// docs/reward-math.md §6's inputs, (c, a, j, k, p, cons, net, up) per node: one epoch of 10 rounds.
const WORKED_EXAMPLE: [(u32, u32, u32, u32, u32, u16, u16, u16); 3] = [
    (150, 27, 3, 9, 10, 8000, 9000, 10000),
    (100, 10, 10, 5, 10, 5000, 5000, 5000),
    (200, 40, 0, 10, 10, 10000, 10000, 10000),
];

/// docs/reward-math.md §6's epoch: nodes 0, 1, 2 (epochRounds 10).
pub fn worked_example_entries() -> Vec<EpochEntry> {
    WORKED_EXAMPLE
        .iter()
        .enumerate()
        .map(|(i, &(c, a, j, k, p, cons, net, up))| EpochEntry {
            node_index: i as u32,
            compute_seconds: c,
            accepted: a,
            rejected: j,
            rounds_ok: k,
            rounds_joined: p,
            consistency_bps: cons,
            network_bps: net,
            uptime_bps: up,
        })
        .collect()
}
