//! Printing: JSON for scripts (`--json`), short text for people; progress bars on stderr.

use std::error::Error as _;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

/// The error and its sources on one line.
pub(crate) fn error_chain(error: &gradpay::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
        source = cause_source(source);
    }
    text
}

fn cause_source<'a>(
    error: Option<&'a (dyn std::error::Error + 'static)>,
) -> Option<&'a (dyn std::error::Error + 'static)> {
    error.and_then(|e| e.source())
}

/// Prints `value` as JSON when `json`, else `human()`.
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
