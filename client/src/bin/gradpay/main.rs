//! `gradpay`: the command nodes and coordinators use. Parses, dispatches, and on failure prints
//! the error (cause and fix) on one line, or as one JSON object with `--json`, and exits non-zero.

mod cli;
mod cmd;
mod output;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return output::usage(&error),
    };
    let json = cli.global.json;
    output::init_logging(json);
    match cli.run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => output::fail(json, &error),
    }
}
