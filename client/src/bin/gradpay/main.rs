//! `gradpay`: the command nodes and coordinators use. Parses, dispatches, and on failure prints
//! the error (cause and fix) on one line and exits non-zero.

mod cli;
mod cmd;
mod output;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", output::error_chain(&error));
            std::process::ExitCode::FAILURE
        }
    }
}
