//! Bad input rejected before anything is sent, with a message a newcomer can act on (issue 9 §3):
//! a metrics line whose node is not an index nor an address says so, with the file and its line
//! as the only line number; a command line clap rejects, with `--json`, keeps clap's details.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cli_support;

use cli_support::gradpay;
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
