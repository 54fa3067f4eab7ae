//! Bad input rejected before anything is sent, with a message a newcomer can act on (issue 9 §3):
//! a metrics line whose node is not an index nor an address says so, with the file and its line
//! as the only line number; a command line clap rejects, with `--json`, keeps clap's details; a bad
//! node in a later epoch of a metrics file sends nothing, not even the file's good epochs.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cli_support;

use cli_support::{ADMIN, Cli, OTHER, admin_key, fails, gradpay, metrics_line, ok};
use gradpay::metrics::parse_metrics;

const METRICS: &str = r#""computeSeconds":1,"accepted":1,"rejected":0,"roundsOk":1,"roundsJoined":1,"consistencyBps":1,"networkBps":1,"uptimeBps":1"#;

/// The error for a file whose third line names `node` (two lines before it: a comment and a blank).
fn node_error(node: &str) -> String {
    let text = format!("# header\n\n{{\"epoch\":0,\"epochRounds\":1,\"node\":{node},{METRICS}}}\n");
    parse_metrics("m.jsonl", &text).unwrap_err().to_string()
}

#[test]
fn a_malformed_node_says_what_it_is_not_with_one_line_number() {
    for (node, expected) in [
        (r#""0x1234""#, r#"node "0x1234" is not an address"#),
        (r#""hello""#, r#"node "hello" is not an address"#),
        (r#""0x70997970C51812dc3A010C7d01b50e0d17dc79CZ""#, "is not an address"),
        ("-1", "node index -1 is negative"),
        ("4294967296", "node index 4294967296 does not fit uint32"),
        ("1.5", "expected a node index (an integer) or a node address"),
        (r#"{"a":1}"#, "expected a node index (an integer) or a node address"),
    ] {
        let message = node_error(node);
        assert!(message.contains("(m.jsonl:3)"), "{node}: {message}");
        assert!(message.contains(expected), "{node}: expected `{expected}` in {message}");
        assert!(!message.contains("untagged enum"), "{node}: serde's wording leaked: {message}");
        assert!(!message.contains("at line"), "{node}: a second line number: {message}");
    }
    // Well-formed references still parse, either way.
    assert!(
        parse_metrics("m.jsonl", &format!("{{\"epoch\":0,\"epochRounds\":1,\"node\":7,{METRICS}}}")).is_ok()
    );
    let address = r#""0x70997970C51812dc3A010C7d01b50e0d17dc79C8""#;
    let text = format!("{{\"epoch\":0,\"epochRounds\":1,\"node\":{address},{METRICS}}}");
    assert!(parse_metrics("m.jsonl", &text).is_ok());
}

#[test]
fn any_json_syntax_error_names_only_the_file_line() {
    let message = parse_metrics("m.jsonl", "{\"epoch\":0,\n").unwrap_err().to_string();
    assert!(message.contains("(m.jsonl:1)") && !message.contains("at line"), "{message}");
}

#[test]
fn json_usage_errors_keep_clap_details_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (args, expected) in [
        (
            &["--json", "status"][..],
            "the following required arguments were not provided: --session <SESSION>",
        ),
        (&["--json", "record", "--session", "1"][..], "--metrics <METRICS>"),
        (&["--json", "status", "--sesion", "1"][..], "a similar argument exists: '--session'"),
        (&["--json", "bogus"][..], "unrecognized subcommand 'bogus'"),
    ] {
        let run = gradpay(d, &[], args);
        let (kind, message) = run.json_error();
        assert_eq!(kind, "usage", "{args:?}");
        assert!(message.contains(expected), "{args:?}: expected `{expected}` in {message}");
        assert!(!message.contains("Usage:") && !message.contains("--help"), "{args:?}: {message}");
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_node_in_a_later_epoch_sends_nothing() {
    let cli = Cli::start();
    let d = cli.path();
    let key = admin_key();
    cli.write("nodes.txt", &format!("{OTHER}\n0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC\n"));
    ok(d, &key, &["session", "create", "--session", "1", "--nodes", "nodes.txt"]);
    let good = metrics_line(0, "0", 100, 9, 10);
    let stranger = "\"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc\"";
    let other = format!("\"{OTHER}\"");
    for (later, expected) in [
        (metrics_line(1, stranger, 100, 9, 10), "NodeNotRegistered"),
        (metrics_line(1, "5", 100, 9, 10), "the session has 2 node(s)"),
        (
            format!("{}\n{}", metrics_line(1, "0", 1, 1, 1), metrics_line(1, &other, 1, 1, 1)),
            "node listed twice",
        ),
    ] {
        cli.write("m.jsonl", &format!("{good}\n{later}\n"));
        let before = cli.nonce(ADMIN).await;
        fails(d, &key, &["record", "--session", "1", "--metrics", "m.jsonl"], &[expected]);
        assert_eq!(cli.nonce(ADMIN).await, before, "{expected}: epoch 0 must not have been sent");
        let status = ok(d, &key, &["--json", "status", "--session", "1"]).json();
        assert_eq!(status["epochs"], 0, "{expected}: {status}");
    }
    // The good epoch alone goes through.
    cli.write("m.jsonl", &format!("{good}\n"));
    ok(d, &key, &["record", "--session", "1", "--metrics", "m.jsonl"]);
    assert_eq!(ok(d, &key, &["--json", "status", "--session", "1"]).json()["epochs"], 1);
}
