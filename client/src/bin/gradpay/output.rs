//! Printing: JSON for scripts (`--json`, conventions in docs/json.md), short text for people;
//! errors as one line (text) or one JSON object (`--json`) on stderr; progress bars on stderr.

use std::{error::Error as _, process::ExitCode};

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::json;

/// Exit code of a command that failed.
const FAILED: u8 = 1;
/// Exit code of a command line clap rejected (as clap itself exits).
const USAGE: u8 = 2;

/// Logs go to stderr; with `--json` they are off unless RUST_LOG asks, so that stderr holds
/// nothing but the error object.
pub(crate) fn init_logging(json: bool) {
    let default = if json { "off" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default.into()),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// Prints `error` (one line, or one JSON object with `--json`) on stderr; returns the exit code.
pub(crate) fn fail(json: bool, error: &gradpay::Error) -> ExitCode {
    print_error(json, error.kind(), &error_chain(error));
    ExitCode::from(FAILED)
}

/// A command line clap rejected: help and version print as usual; an error prints like any
/// other (one JSON object with `--json`).
pub(crate) fn usage(error: &clap::Error) -> ExitCode {
    let wants_json = std::env::args_os().any(|a| a == "--json");
    if !error.use_stderr() || !wants_json {
        // `--help`, `--version`, or a person: clap's own rendering and exit code.
        let _ = error.print();
        return ExitCode::from(if error.use_stderr() { USAGE } else { 0 });
    }
    print_error(true, "usage", &usage_message(&error.render().to_string()));
    ExitCode::from(USAGE)
}

/// clap's error on one line: its message and details (e.g. the missing arguments after
/// "the following required arguments were not provided:"), without the usage and help hints.
fn usage_message(rendered: &str) -> String {
    rendered
        .lines()
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error: ")
        .to_owned()
}

fn print_error(json: bool, kind: &str, message: &str) {
    if json {
        eprintln!("{}", json!({ "error": { "kind": kind, "message": message } }));
    } else {
        eprintln!("error: {message}");
    }
}

/// The error and its sources on one line.
pub(crate) fn error_chain(error: &gradpay::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    // One line, whatever a source's message holds.
    text.replace('\n', " ")
}

/// Prints `value` as one JSON document when `json`, else `human()`.
pub(crate) fn emit<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
    } else {
        println!("{}", human());
    }
}

/// A progress bar on stderr (hidden with `--json` or when stderr is not a terminal).
pub(crate) fn progress(json: bool, message: &str) -> ProgressBar {
    let bar = if json { ProgressBar::hidden() } else { ProgressBar::new(0) };
    let style = ProgressStyle::with_template("{msg:>24} [{bar:30}] {pos}/{len} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style.progress_chars("=> "));
    bar.set_message(message.to_owned());
    bar
}

/// A callback `(done, total)` that drives `bar`.
pub(crate) fn progress_fn(bar: &ProgressBar) -> impl Fn(u32, u32) + Sync + '_ {
    move |done, total| {
        bar.set_length(u64::from(total));
        bar.set_position(u64::from(done));
    }
}
