//! `gradpay watch`: spawned against anvil (over WebSocket, anvil serving ws on its HTTP port, and
//! by HTTP polling), it prints one JSON line per event of its session as the session goes on
//! (and none of another session), replays history with --from-block, and exits with one line
//! when the chain goes away, and loses nothing and repeats nothing across a dropped WebSocket; an
//! unknown session is one line and a non-zero exit.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cli_support;
mod tcp_proxy;

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::mpsc::{Receiver, channel},
    time::Duration,
};

use alloy::primitives::U256;
use cli_support::{BIN, Cli, admin_key, assert_conventions, fails, metrics_line, ok};
use gradpay::demo::anvil::{set_balance, simulated_node_signer};
use serde_json::Value;
use tcp_proxy::TcpProxy;

/// A running `gradpay watch` and the lines of its stdout and stderr.
struct Watch {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
}

impl Watch {
    fn spawn(cli: &Cli, args: &[&str]) -> Self {
        let mut cmd = Command::new(BIN);
        cmd.current_dir(cli.path()).args(["watch", "--json"]).args(args).env_remove("RUST_LOG");
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("GRADPAY_")) {
            cmd.env_remove(key);
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let lines = |stream: Box<dyn std::io::Read + Send>| {
            let (send, receive) = channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = send.send(line);
                }
            });
            receive
        };
        let stdout = lines(Box::new(child.stdout.take().unwrap()));
        let stderr = lines(Box::new(child.stderr.take().unwrap()));
        Self { child, stdout, stderr }
    }

    fn stderr_line(&self) -> String {
        self.stderr.recv_timeout(Duration::from_secs(30)).expect("a line on stderr")
    }

    /// The events printed until `last` is, each checked against docs/json.md's conventions.
    fn events_until(&self, last: &str) -> Vec<Value> {
        let mut events = Vec::new();
        loop {
            let line = self
                .stdout
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no `{last}` after {events:?}"));
            let event: Value = serde_json::from_str(&line).unwrap();
            assert_conventions(&event, "");
            let name = event["event"].as_str().unwrap().to_owned();
            events.push(event);
            if name == last {
                return events;
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn names(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["event"].as_str().unwrap()).collect()
}

/// Session 1 from registration to a claim and a sweep, while `watch` follows it, then a replay of
/// it, then the chain going away.
async fn follow_a_session(ws: bool) {
    let cli = Cli::start();
    let d = cli.path();
    let key = admin_key();
    let node = simulated_node_signer(0).unwrap();
    ok(d, &key, &["session", "create", "--session", "1"]);
    let ws_url = cli.anvil.url().replace("http://", "ws://");
    let mut args = vec!["--session", "1"];
    if ws {
        args.extend(["--ws-url", &ws_url]);
    }
    let watch = Watch::spawn(&cli, &args);
    let mode = watch.stderr_line();
    let expected_mode = if ws { "over WebSocket ws://" } else { "by polling http://" };
    assert!(mode.starts_with("watching session 1 ") && mode.contains(expected_mode), "{mode}");

    let others: Vec<_> = (1..3).map(|i| simulated_node_signer(i).unwrap().address().to_string()).collect();
    cli.write("nodes.txt", &format!("{}\n{}\n{}", node.address(), others[0], others[1]));
    ok(d, &key, &["session", "register", "--session", "1", "--nodes", "nodes.txt"]);
    ok(d, &key, &["session", "create", "--session", "2", "--nodes", "nodes.txt"]); // another session
    cli.write("m.jsonl", &[metrics_line(0, "0", 100, 9, 10), metrics_line(0, "1", 100, 9, 10)].join("\n"));
    ok(d, &key, &["record", "--session", "1", "--metrics", "m.jsonl"]);
    ok(d, &key, &["session", "exclude", "--session", "1", "--node", &others[1]]);
    ok(d, &key, &["session", "complete", "--session", "1"]);
    ok(d, &key, &["session", "finalize", "--session", "1"]);
    ok(d, &key, &["pool", "create", "--session", "1", "--amount", "1000", "--claim-window", "604800"]);
    set_balance(&cli.provider, node.address(), U256::from(10u64.pow(18))).await.unwrap();
    let node_key = alloy::hex::encode(node.to_bytes());
    ok(d, &[("GRADPAY_PRIVATE_KEY", node_key.as_str())], &["claim", "256"]);
    // Node 1 never claims: its half goes back to the funder once the window is over.
    cli.advance_time(604_800 + 2000).await;
    ok(d, &key, &["pool", "sweep", "--pool", "256"]);

    let events = watch.events_until("PoolSwept");
    let seen = names(&events);
    let expected = [
        "NodeRegistered",
        "ContributionsRecorded",
        "NodeExcluded",
        "SessionCompleted",
        "SessionFinalized",
        "RewardPoolCreated",
        "RewardClaimed",
    ];
    for name in expected {
        assert!(seen.contains(&name), "{name} missing from {seen:?}");
    }
    assert_eq!(
        seen.iter().filter(|e| **e == "NodeRegistered").count(),
        3,
        "session 2's registrations are not session 1's"
    );
    assert!(!seen.contains(&"SessionCreated"), "session 2's creation is not session 1's: {seen:?}");
    let claim = events.iter().find(|e| e["event"] == "RewardClaimed").unwrap();
    assert_eq!(claim["fields"]["poolId"], "256");
    assert_eq!(
        claim["fields"]["amount"], "500",
        "half of the pool, the other eligible node's half unclaimed"
    );
    assert_eq!(claim["fields"]["node"], node.address().to_checksum(None));
    assert!(claim["block"].as_u64().unwrap() > 0 && claim["tx"].as_str().unwrap().len() == 66);
    assert_eq!(events.last().unwrap()["fields"]["amount"], "500", "the sweep returns the unclaimed half");
    let excluded = events.iter().find(|e| e["event"] == "NodeExcluded").unwrap();
    assert_eq!(excluded["fields"]["node"].as_str().unwrap(), others[1]);

    // --from-block 0 replays the history first, from SessionCreated on.
    let replay = Watch::spawn(&cli, &["--session", "1", "--from-block", "0"]);
    let history = replay.events_until("PoolSwept");
    assert_eq!(names(&history)[0], "SessionCreated");
    assert_eq!(names(&history)[1..], seen[..], "the replay is what was followed live");
    drop(replay);

    // The chain goes away: one line, non-zero exit.
    let Cli { anvil, dir: _dir, .. } = cli;
    let mut watch = watch;
    anvil.kill();
    let status = watch.child.wait().unwrap();
    assert!(!status.success());
    let error = watch.stderr_line();
    assert!(error.contains("connectionLost") && error.contains("--from-block"), "{error}");
    assert!(watch.stderr.recv_timeout(Duration::from_secs(1)).is_err(), "one line");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_follows_a_session_over_websocket() {
    follow_a_session(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_follows_a_session_by_polling_http() {
    follow_a_session(false).await;
}

/// Waits (up to 10 s) until `done` holds.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} never happened");
}

/// An event, the WebSocket cut, two events while it is down (the watch's first attempts to
/// re-subscribe refused), the connection back, one more event: each printed once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_loses_nothing_across_a_dropped_websocket() {
    let cli = Cli::start();
    let d = cli.path();
    let key = admin_key();
    ok(d, &key, &["session", "create", "--session", "1"]);
    let proxy = TcpProxy::start(cli.anvil.url().replace("http://", "")).await;
    let ws_url = format!("ws://{}", proxy.address);
    let watch = Watch::spawn(&cli, &["--session", "1", "--ws-url", &ws_url]);
    assert!(watch.stderr_line().contains(&format!("over WebSocket {ws_url}")));
    let nodes: Vec<_> =
        (0..2).map(|i| simulated_node_signer(i).unwrap().address().to_checksum(None)).collect();
    let register = |i: usize| {
        cli.write("node.txt", &nodes[i]);
        ok(d, &key, &["session", "register", "--session", "1", "--nodes", "node.txt"]);
    };

    register(0);
    let mut events = watch.events_until("NodeRegistered"); // delivered live, before the cut
    proxy.cut();
    register(1);
    cli.write("m.jsonl", &metrics_line(0, "0", 100, 9, 10));
    ok(d, &key, &["record", "--session", "1", "--metrics", "m.jsonl"]);
    eventually("a refused re-subscription", || proxy.refused() >= 1).await;
    proxy.restore();
    eventually("a new subscription", || proxy.forwarded() >= 2).await;
    ok(d, &key, &["session", "complete", "--session", "1"]);
    events.extend(watch.events_until("SessionCompleted"));

    assert_eq!(
        names(&events),
        ["NodeRegistered", "NodeRegistered", "ContributionsRecorded", "SessionCompleted"]
    );
    assert_eq!([&events[0]["fields"]["node"], &events[1]["fields"]["node"]], [&nodes[0], &nodes[1]]);
    let positions: Vec<_> =
        events.iter().map(|e| (e["block"].as_u64().unwrap(), e["logIndex"].as_u64().unwrap())).collect();
    assert!(positions.is_sorted_by(|a, b| a < b), "in chain order, none twice: {positions:?}");
    assert!(
        watch.stdout.recv_timeout(Duration::from_secs(2)).is_err(),
        "nothing printed twice (the catch-up and the new subscription overlap)"
    );
}

#[test]
fn watch_of_an_unknown_session_is_one_line() {
    let cli = Cli::start();
    fails(cli.path(), &[], &["watch", "--session", "77"], &["session 77 does not exist"]);
}
