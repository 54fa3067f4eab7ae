//! `gradpay serve` in a real browser (headless Chromium over the DevTools protocol, tests/browser):
//! every page shows what the chain holds and logs no error, and an open page follows a claim live.
//! Without Chromium the tests say SKIPPED and pass, except under CI=true (docs: Makefile `chromium`).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod browser;
mod common;
mod serve_support;

use std::{collections::BTreeMap, path::PathBuf, time::Duration};

use alloy::primitives::{Address, U256, utils::format_units};
use base64::Engine as _;
use browser::Browser;
use gradpay::{
    Coordinator, EpochEntry, PoolDefaults, Strategy,
    claims::PoolSpec,
    demo::MockERC20,
    record::{EpochRecord, SendMode},
};
use serde_json::{Value, json};

const SESSION: u64 = 1;
const NODES: u32 = 6;
/// Nodes that claim before the dashboard starts; `LIVE_CLAIMER` claims while a page is open.
const EARLY_CLAIMERS: [usize; 2] = [0, 1];
const LIVE_CLAIMER: usize = 3;
const TOKEN_DECIMALS: u8 = 6;
const LIVE_TIMEOUT: Duration = Duration::from_secs(20);

fn data_url(html: &str) -> String {
    format!("data:text/html;base64,{}", base64::engine::general_purpose::STANDARD.encode(html))
}

/// The harness itself: it must see what a page logs and throws, read the DOM, and fail on time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_harness_reads_the_dom_and_reports_page_errors() {
    let Some(mut b) = browser::launch_or_skip("the_harness_reads_the_dom_and_reports_page_errors").await
    else {
        return;
    };
    let page = r#"<title>t</title><p id="answer">42</p>
        <img src="http://127.0.0.1:9/missing.png" onerror="document.body.dataset.imageFailed = 'yes'">
        <script>
          console.error("first failure", 7);
          console.log("not an error");
          setTimeout(() => { document.body.dataset.late = "done"; throw new Error("late failure"); }, 100);
        </script>"#;
    b.navigate(&data_url(page)).await.unwrap();
    assert_eq!(b.eval_json("document.querySelector('#answer').textContent").await.unwrap(), json!("42"));
    assert_eq!(
        b.eval_json("new Promise(r => setTimeout(() => r({n: 6 * 7}), 10))").await.unwrap(),
        json!({"n": 42})
    );
    let thrown = b.eval_json("document.querySelector('#nothing').textContent").await.unwrap_err();
    assert!(thrown.contains("TypeError"), "{thrown}");

    assert_eq!(b.wait_for("document.body.dataset.late", LIVE_TIMEOUT).await.unwrap(), json!("done"));
    b.wait_for("document.body.dataset.imageFailed", LIVE_TIMEOUT).await.unwrap();
    let errors = b.console_errors().await.unwrap();
    assert!(errors.iter().any(|e| e == "console.error: first failure 7"), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("uncaught Error: late failure")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("log: ") && e.contains("missing.png")), "{errors:?}");
    assert!(!errors.iter().any(|e| e.contains("not an error")), "console.log is no error: {errors:?}");
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(b.console_errors().await.unwrap().is_empty(), "errors are reported once");

    let never = b.wait_for("document.title === 'never'", Duration::from_millis(300)).await.unwrap_err();
    assert!(never.contains("waiting for `document.title === 'never'`"), "{never}");
    let dir = tempfile::tempdir().unwrap();
    b.screenshot(&dir.path().join("page.png")).await.unwrap();
    let png = std::fs::read(dir.path().join("page.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1000, "a PNG of {} bytes", png.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_shows_the_chain_without_errors_and_follows_a_claim_live() {
    let Some(mut b) =
        browser::launch_or_skip("every_page_shows_the_chain_without_errors_and_follows_a_claim_live").await
    else {
        return;
    };
    let chain = common::start(Default::default()).await;
    let c = &chain.coordinator;
    let nodes = common::nodes(NODES);
    let addresses: Vec<Address> = nodes.iter().map(|n| n.address()).collect();
    let pools = finalized_session_with_two_pools(&chain).await;
    for &i in &EARLY_CLAIMERS {
        let claimed = common::as_node(c, nodes[i].clone()).await.claim_all(SESSION).await.unwrap();
        assert_eq!(claimed.len(), pools.len(), "node {i} claims from every pool");
    }

    let dashboard = serve_support::serve(chain.profile.clone(), c.address(), chain.dir.path()).await;
    let url = dashboard.url();
    serve_support::wait_indexed(&url, c.latest_block().await.unwrap()).await;
    let shots = screenshot_dir();

    // Each page: loaded, screenshot taken (before the checks, to see what failed), the banner and
    // the live feed every page has. The pages are visited in one tab, as a person would: Chromium
    // opens at most 6 connections to a host, and a page kept in the back/forward cache keeps its
    // EventSource's, so a page that does not close it on `pagehide` hangs the 7th navigation.
    let visit = async |b: &mut Browser, path: &str, name: &str| {
        b.navigate(&format!("{url}{path}")).await.unwrap();
        let shot = shots.join(format!("{name}.png"));
        b.screenshot(&shot).await.unwrap();
        println!("screenshot {}", shot.display());
        let text = b.eval_json("document.body.innerText.slice(0, 2000)").await.unwrap();
        let banner = b.eval_json("document.querySelector('#rpc-status')?.className").await.unwrap();
        assert_eq!(banner, json!("ok"), "{path}: #rpc-status; the page says {text}");
        let feed = b.eval_json("!!document.querySelector('ol#live')").await.unwrap();
        assert_eq!(feed, json!(true), "{path}: ol#live");
    };

    visit(&mut b, "/", "sessions").await;
    let sessions = b.eval_json(
        "[...document.querySelectorAll('table#sessions tr[data-session]')].map(r => r.dataset.session)",
    );
    assert_eq!(sessions.await.unwrap(), json!([SESSION.to_string()]));
    assert_no_errors(&mut b, "/").await;

    visit(&mut b, &format!("/sessions/{SESSION}"), "session").await;
    assert_eq!(reward_cells(&mut b).await, expected_cells(c, &addresses, &pools).await, "reward cells");
    let shown_pools =
        b.eval_json("[...document.querySelectorAll('table#pools tr[data-pool]')].map(r => r.dataset.pool)");
    assert_eq!(shown_pools.await.unwrap(), json!(pools.iter().map(|p| p.id.to_string()).collect::<Vec<_>>()));
    assert_amount_texts(&mut b, &pools).await;
    assert_ne!(
        b.eval_json("document.querySelectorAll('svg.chart').length").await.unwrap(),
        json!(0),
        "charts"
    );
    assert_no_errors(&mut b, "/sessions/1").await;

    let claims = c.contract().RewardClaimed_filter().from_block(0).query().await.unwrap();
    for pool in &pools {
        let path = format!("/pools/{}", pool.id);
        visit(&mut b, &path, &format!("pool-{}", pool.id)).await;
        let mut expected: Vec<String> = claims
            .iter()
            .filter(|(event, _)| event.poolId == pool.id)
            .map(|(_, log)| log.transaction_hash.unwrap().to_string())
            .collect();
        expected.sort();
        assert_eq!(expected.len(), EARLY_CLAIMERS.len());
        let shown = b.eval_json("[...document.querySelectorAll('table#claims tr[data-tx]')].map(r => r.dataset.tx.toLowerCase()).sort()");
        assert_eq!(shown.await.unwrap(), json!(expected), "{path}: one row per claim");
        assert_ne!(
            b.eval_json("document.querySelectorAll('[data-deadline]').length").await.unwrap(),
            json!(0)
        );
        assert_no_errors(&mut b, &path).await;
    }

    let path = format!("/nodes/{}", addresses[LIVE_CLAIMER]);
    visit(&mut b, &path, "node").await;
    let explained = b.eval_json("document.querySelectorAll('section.explain').length").await.unwrap();
    assert_eq!(explained, json!(1), "{path}: one explanation per session");
    assert_no_errors(&mut b, &path).await;

    visit(&mut b, "/cost", "cost").await;
    let rows = b.eval_json("document.querySelectorAll('table#cost tbody tr').length").await.unwrap();
    assert!(rows.as_u64().unwrap() > 0, "/cost: a row per operation, got {rows}");
    assert_no_errors(&mut b, "/cost").await;

    follows_a_claim_live(&mut b, &url, c, nodes[LIVE_CLAIMER].clone(), &pools).await;
    shows_404_for_an_unknown_session(&mut b, &url).await;
    dashboard.stop().await;
}

/// `/sessions/1` open; a node claims; without navigating, the feed shows it and its cells flip.
async fn follows_a_claim_live(
    b: &mut Browser,
    url: &str,
    c: &Coordinator,
    claimer: alloy::signers::local::PrivateKeySigner,
    pools: &[Pool],
) {
    b.navigate(&format!("{url}/sessions/{SESSION}")).await.unwrap();
    b.wait_for("document.body.dataset.live === 'connected'", LIVE_TIMEOUT).await.unwrap();
    // A reload would drop this; a swap of <main> keeps it.
    b.eval_json("window.sameDocument = true").await.unwrap();
    let cells =
        format!("[...document.querySelectorAll('tr[data-node=\"{}\"] td[data-pool]')]", claimer.address());
    let before = b.eval_json(&format!("{cells}.map(td => td.dataset.claimed)")).await.unwrap();
    assert_eq!(before, json!(vec!["false"; pools.len()]), "node {LIVE_CLAIMER} has not claimed yet");

    let claimed = common::as_node(c, claimer).await.claim_all(SESSION).await.unwrap();
    assert_eq!(claimed.len(), pools.len());
    let feed =
        "[...document.querySelectorAll('ol#live li')].some(li => li.textContent.startsWith('RewardClaimed'))";
    b.wait_for(feed, LIVE_TIMEOUT).await.unwrap();
    let flipped =
        format!("{cells}.length === {} && {cells}.every(td => td.dataset.claimed === 'true')", pools.len());
    b.wait_for(&flipped, LIVE_TIMEOUT).await.unwrap();
    assert_eq!(b.eval_json("window.sameDocument").await.unwrap(), json!(true), "updated without navigating");
    let shot = screenshot_dir().join("session-live.png");
    b.screenshot(&shot).await.unwrap();
    println!("screenshot {}", shot.display());
    assert_no_errors(b, "/sessions/1 (live)").await;
}

async fn shows_404_for_an_unknown_session(b: &mut Browser, url: &str) {
    let (status, body) = serve_support::get(url, "/api/sessions/99").await;
    assert_eq!(status, 404, "{body}");
    let message = serde_json::from_str::<Value>(&body).unwrap()["error"].as_str().unwrap().to_owned();
    let (status, _) = serve_support::get(url, "/sessions/99").await;
    assert_eq!(status, 404, "the HTML page of an unknown session");
    b.navigate(&format!("{url}/sessions/99")).await.unwrap();
    let text = b.eval_json("document.querySelector('main').textContent").await.unwrap();
    assert!(text.as_str().unwrap().contains(&message), "the 404 page says {message:?}: {text}");
    let shot = screenshot_dir().join("not-found.png");
    b.screenshot(&shot).await.unwrap();
    println!("screenshot {}", shot.display());
}

struct Pool {
    id: U256,
    symbol: &'static str,
    decimals: u8,
}

/// Session 1: 6 nodes, 2 epochs, finalized; an ETH pool and a 6-decimal token pool.
async fn finalized_session_with_two_pools(chain: &common::Chain) -> Vec<Pool> {
    let c = &chain.coordinator;
    let nodes = common::nodes(NODES);
    common::register(c, SESSION, &nodes).await;
    let mut journal = common::journal(c, chain.dir.path(), SESSION);
    for epoch in 0..2 {
        let entries = (0..NODES).map(|i| entry(i, epoch)).collect();
        let record = EpochRecord { epoch, epoch_rounds: 10, entries };
        c.record_epoch(&mut journal, &record, SendMode::Pipelined, &|_, _| {}).await.unwrap();
    }
    c.complete_session(SESSION).await.unwrap();
    let fin = c.finalize(SESSION, &|_, _| {}).await.unwrap();
    assert_eq!(fin.eligible, NODES, "every node computed");

    let defaults = PoolDefaults::default();
    let eth = c.create_pool(
        SESSION,
        PoolSpec::new(None, U256::from(10u128.pow(18)), Strategy::Proportional, &defaults),
    );
    let eth = eth.await.unwrap();
    let amount = U256::from(1_234_567 * 10u64.pow(u32::from(TOKEN_DECIMALS)));
    let token =
        MockERC20::deploy(c.provider().clone(), "Gradient Token".into(), "GRAD".into(), TOKEN_DECIMALS);
    let token = token.await.unwrap();
    token.mint(c.sender(), amount).send().await.unwrap().get_receipt().await.unwrap();
    let spec = PoolSpec::new(Some(*token.address()), amount, Strategy::Tiered, &defaults);
    let grad = c.create_pool(SESSION, spec).await.unwrap();
    vec![
        Pool { id: eth, symbol: "ETH", decimals: 18 },
        Pool { id: grad, symbol: "GRAD", decimals: TOKEN_DECIMALS },
    ]
}

/// Different work per node, so that scores, ranks and rewards differ.
fn entry(node: u32, epoch: u32) -> EpochEntry {
    EpochEntry {
        node_index: node,
        compute_seconds: 100 + 40 * node + 7 * epoch,
        accepted: 10 + 3 * node,
        rejected: node % 3,
        rounds_ok: 8 + (node + epoch) % 3,
        rounds_joined: 10,
        consistency_bps: 6000 + 700 * node as u16,
        network_bps: 9000,
        uptime_bps: 10_000 - 300 * node as u16,
    }
}

/// `target/screenshots` (of the target directory this test was built in).
fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap(); // target/debug/deps/serve_browser-HASH
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// node -> pool -> (data-raw, data-claimed), and every cell's title starting with data-raw.
type Cells = BTreeMap<String, BTreeMap<String, (String, String)>>;
/// A `td[data-pool]` as read: pool, data-raw, data-claimed, title.
type ShownCell = (String, String, String, String);

async fn reward_cells(b: &mut Browser) -> Cells {
    let rows = b
        .eval_json(
            "[...document.querySelectorAll('table#nodes tr[data-node]')].map(tr => [tr.dataset.node,
              [...tr.querySelectorAll('td[data-pool]')].map(td => [td.dataset.pool, td.dataset.raw,
                td.dataset.claimed, td.title])])",
        )
        .await
        .unwrap();
    let rows: Vec<(String, Vec<ShownCell>)> = serde_json::from_value(rows).unwrap();
    let mut cells = Cells::new();
    for (node, row) in rows {
        for (pool, raw, claimed, title) in row {
            assert_eq!(
                title.split(' ').next(),
                Some(raw.as_str()),
                "node {node} pool {pool}: title {title:?}"
            );
            cells.entry(node.clone()).or_default().insert(pool, (raw, claimed));
        }
    }
    cells
}

/// What the chain says the cells hold: rewardOf, and whether the node claimed (through the library).
async fn expected_cells(c: &Coordinator, nodes: &[Address], pools: &[Pool]) -> Cells {
    let mut cells = Cells::new();
    for &node in nodes {
        let rewards = c.rewards(SESSION, node).await.unwrap();
        for pool in pools {
            let raw = c.contract().rewardOf(pool.id, node).call().await.unwrap();
            assert!(!raw.is_zero(), "node {node} earns from pool {}", pool.id);
            let claimed = rewards.iter().find(|r| r.pool_id == pool.id).unwrap().claimed;
            cells
                .entry(node.to_checksum(None))
                .or_default()
                .insert(pool.id.to_string(), (raw.to_string(), claimed.to_string()));
        }
    }
    cells
}

/// Each cell's text reads its data-raw in the pool token's decimals (rounded down, `~` when cut)
/// and names the token.
async fn assert_amount_texts(b: &mut Browser, pools: &[Pool]) {
    for pool in pools {
        let query = format!(
            "[...document.querySelectorAll('table#nodes td[data-pool=\"{}\"]')].map(td => [td.dataset.raw, td.textContent])",
            pool.id
        );
        let cells: Vec<(String, String)> =
            serde_json::from_value(b.eval_json(&query).await.unwrap()).unwrap();
        assert_eq!(cells.len(), NODES as usize);
        for (raw, text) in cells {
            let exact = format_units(raw.parse::<U256>().unwrap(), pool.decimals).unwrap();
            let (whole, fraction) = exact.split_once('.').unwrap_or((&exact, ""));
            let (number, rest) = text.trim().split_once(' ').unwrap_or((&text, ""));
            assert!(rest.starts_with(pool.symbol), "{text:?} names {}", pool.symbol);
            let cut = number.starts_with('~');
            let number = number.trim_start_matches('~').replace(',', "");
            let (shown_whole, shown_fraction) = number.split_once('.').unwrap_or((&number, ""));
            let dropped = fraction.strip_prefix(shown_fraction).map(|d| d.trim_end_matches('0'));
            assert!(
                shown_whole == whole && dropped.is_some_and(|d| d.is_empty() != cut),
                "{text:?} shows {raw} base units ({exact} {})",
                pool.symbol
            );
        }
    }
}

async fn assert_no_errors(b: &mut Browser, page: &str) {
    let errors = b.console_errors().await.unwrap();
    assert!(errors.is_empty(), "{page}: the browser reported {errors:?}");
}
