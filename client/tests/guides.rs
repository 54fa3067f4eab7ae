//! The guides are tests. Every ```sh block of docs/run-a-session.md and docs/other-clients.md runs
//! with bash, in order, as one script, in a fresh directory against its own anvil, with nothing but
//! the environment variables the guide tells the reader to set. A failing command fails the test
//! (naming the guide's line); afterwards the chain must hold what the guide promised, paid to the
//! wei as the payout table of docs/reward-math.md §6.2 says.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Command,
};

use alloy::primitives::{Address, U256, address};
use gradpay::{
    bindings::GradPay,
    config::Deployments,
    demo::anvil::{Anvil, AnvilOptions, DEV_KEYS},
    provider::build_provider,
};

const BIN: &str = env!("CARGO_BIN_EXE_gradpay");

/// The nodes of both guides (anvil's dev accounts 1-3, as in examples/nodes.txt), in index order.
const NODES: [Address; 3] = [
    address!("70997970C51812dc3A010C7d01b50e0d17dc79C8"),
    address!("3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
    address!("90F79bf6EB2c4f870365E785982E1f101E93b906"),
];
/// Anvil's dev account 0: the guides' deployer.
const DEPLOYER: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const ONE_ETH: u128 = 1_000_000_000_000_000_000;
const FINALIZED: u8 = 3;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn read_doc(name: &str) -> String {
    std::fs::read_to_string(repo().join("docs").join(name)).unwrap()
}

/// The ```sh blocks of a markdown page, each with the line its first command is on.
fn sh_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (number, line) in markdown.lines().enumerate().map(|(i, l)| (i + 1, l)) {
        match open.take() {
            None if line.trim_end() == "```sh" => open = Some((number + 1, String::new())),
            None => {}
            Some(block) if line.trim_end() == "```" => blocks.push(block),
            Some((start, mut text)) => {
                text.push_str(line);
                text.push('\n');
                open = Some((start, text));
            }
        }
    }
    assert!(open.is_none(), "an ```sh block is never closed");
    blocks
}

/// Runs the page's blocks as one bash script (shell variables carry over from block to block, as
/// in the reader's terminal) in `dir`, with a cleared environment plus `env`.
fn run_guide(page: &str, dir: &Path, env: &[(&str, String)]) {
    let blocks = sh_blocks(&read_doc(page));
    assert!(blocks.len() >= 5, "{page}: only {} sh block(s) found", blocks.len());
    let mut script = String::from("set -euo pipefail\n");
    for (line, text) in &blocks {
        script += &format!("echo '>>> {page}:{line}' >&2\n{text}");
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env_clear()
        .env("HOME", dir)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failed_at = stderr.lines().rev().find_map(|l| l.strip_prefix(">>> ")).unwrap_or("?");
    assert!(
        out.status.success(),
        "the block at {failed_at} failed ({}).\n--- stdout (end):\n{}\n--- stderr (end):\n{}",
        out.status,
        tail(&String::from_utf8_lossy(&out.stdout), 30),
        tail(&stderr, 30)
    );
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// PATH = `first` + the system's (bash, coreutils, node).
fn path_with(first: &Path) -> String {
    format!("{}:{}", first.display(), std::env::var("PATH").unwrap_or_default())
}

/// The payout table of reward-math.md §6.2: strategy row label -> wei for nodes 0, 1, 2.
fn silent_epoch_payouts() -> BTreeMap<String, [U256; 3]> {
    let page = read_doc("reward-math.md");
    let section = page.split("\n### 6.2").nth(1).expect("reward-math.md has a §6.2");
    let section = section.split("\n## ").next().unwrap();
    let mut rows = BTreeMap::new();
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let wei: Vec<U256> = cells.iter().skip(1).take(3).filter_map(|c| c.parse().ok()).collect();
        if let Ok(wei) = <[U256; 3]>::try_from(wei) {
            rows.insert(cells[0].to_owned(), wei);
        }
    }
    assert_eq!(rows.len(), 5, "§6.2's payout table has five rows: {rows:?}");
    rows
}

struct Guide {
    anvil: Anvil,
    dir: tempfile::TempDir,
}

impl Guide {
    fn start() -> Self {
        Self { anvil: Anvil::spawn(&AnvilOptions::default()).unwrap(), dir: tempfile::tempdir().unwrap() }
    }

    fn contract(&self, address: Address) -> GradPay::GradPayInstance<alloy::providers::DynProvider> {
        GradPay::new(address, build_provider(&self.anvil.url(), None).unwrap())
    }
}

/// Checks that the session is the §6.2 example, finalized: three eligible nodes, two epochs, T = 20.
async fn check_session(gradpay: &GradPay::GradPayInstance<alloy::providers::DynProvider>, session: u64) {
    let info = gradpay.getSession(session).call().await.unwrap();
    assert_eq!(
        (info.state, info.nodeCount, info.eligibleCount, info.epochCount, info.totalRounds),
        (FINALIZED, 3, 3, 2, 20),
        "the silent epoch counts: two epochs, T = 20"
    );
}

/// Checks that `pool` owes every node exactly its `row` of the §6.2 table, and who claimed.
async fn check_pool(
    gradpay: &GradPay::GradPayInstance<alloy::providers::DynProvider>,
    pool: U256,
    row: &[U256; 3],
    claimed: [bool; 3],
) {
    for (i, node) in NODES.iter().enumerate() {
        let owed = gradpay.rewardOf(pool, *node).call().await.unwrap();
        assert_eq!(owed, row[i], "pool {pool}, node {i}: rewardOf must equal reward-math.md §6.2");
        let has = gradpay.hasClaimed(pool, *node).call().await.unwrap();
        assert_eq!(has, claimed[i], "pool {pool}, node {i}: claimed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_a_session_guide_runs_as_written() {
    let guide = Guide::start();
    let bin_dir = Path::new(BIN).parent().unwrap();
    run_guide(
        "run-a-session.md",
        guide.dir.path(),
        &[
            ("PATH", path_with(bin_dir)),
            ("REPO", repo().display().to_string()),
            ("GRADPAY_PRIVATE_KEY", format!("0x{}", DEV_KEYS[0])),
            ("NODE_KEY", format!("0x{}", DEV_KEYS[1])),
            ("GRADPAY_RPC_URL", guide.anvil.url()),
        ],
    );

    let deployments = Deployments::read(&guide.dir.path().join("my-session/deployments/31337.json")).unwrap();
    let gradpay = guide.contract(deployments.gradpay);
    check_session(&gradpay, 1).await;
    let table = silent_epoch_payouts();
    let pools = [(256u64, "0 proportional"), (257, "3 hybrid"), (258, "2 minimum guarantee")];
    for (pool, label) in pools {
        let pool = U256::from(pool);
        let row = &table[label];
        check_pool(&gradpay, pool, row, [true, false, false]).await;
        // Exactly rewardOf left the pool: node 0's claim paid what it was owed.
        let info = gradpay.getPool(pool).call().await.unwrap();
        assert_eq!(info.remaining, U256::from(ONE_ETH) - row[0], "pool {pool} ({label})");
        assert_eq!(gradpay.pendingReward(pool, NODES[0]).call().await.unwrap(), U256::ZERO);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_clients_guide_runs_with_cast_alone() {
    let guide = Guide::start();
    run_guide(
        "other-clients.md",
        guide.dir.path(),
        &[
            ("PATH", path_with(&repo().join("node_modules/.bin"))),
            ("REPO", repo().display().to_string()),
            ("ETH_RPC_URL", guide.anvil.url()),
            ("PRIVATE_KEY", format!("0x{}", DEV_KEYS[0])),
            ("NODE_KEY", format!("0x{}", DEV_KEYS[1])),
        ],
    );

    // The guide's first transaction deploys GradPay from account 0 on a fresh chain.
    let gradpay = guide.contract(DEPLOYER.create(0));
    check_session(&gradpay, 7).await;
    let table = silent_epoch_payouts();
    let tiered = &table["1 tiered"];
    let pool = U256::from(7u64 << 8);
    check_pool(&gradpay, pool, tiered, [true, true, false]).await;
    let info = gradpay.getPool(pool).call().await.unwrap();
    assert!(info.swept && info.remaining.is_zero(), "the guide sweeps the pool after its deadline");
    let swept = gradpay.PoolSwept_filter().from_block(0).query().await.unwrap();
    assert_eq!(swept.len(), 1);
    assert_eq!(
        (swept[0].0.refundTo, swept[0].0.amount),
        (DEPLOYER, U256::from(ONE_ETH) - tiered[0] - tiered[1]),
        "the sweep took node 2's unclaimed reward and the rounding dust, no more"
    );
}

#[test]
fn every_guide_block_is_found() {
    // The extractor must see every ```sh block, and nothing else: other fences are not run.
    let page = "text\n```sh\na\nb\n```\n```text\nnot run\n```\n```sh\nc\n```\n";
    assert_eq!(sh_blocks(page), vec![(3, "a\nb\n".to_owned()), (10, "c\n".to_owned())]);
    for name in ["run-a-session.md", "other-clients.md"] {
        let text = read_doc(name);
        let fences = text.lines().filter(|l| l.trim_end() == "```sh").count();
        assert_eq!(sh_blocks(&text).len(), fences, "{name}");
    }
}
