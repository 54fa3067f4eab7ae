//! The command line. Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::cmd;

/// gradpay: on-chain contribution tracking and rewards for decentralized ML training.
///
/// Nodes check their status and claim rewards; coordinators deploy, run sessions, record
/// metrics and create reward pools. Settings come from gradpay.toml (network profiles) and
/// GRADPAY_* environment variables; the key from GRADPAY_PRIVATE_KEY or a `cast wallet` keystore.
#[derive(Debug, Parser)]
#[command(name = "gradpay", version, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// Configuration file with the network profiles.
    /// [default: gradpay.toml, if present; else the built-in profiles]
    #[arg(long, global = true, env = "GRADPAY_CONFIG")]
    pub(crate) config: Option<PathBuf>,
    /// Network profile: local, monad-testnet, monad, or one defined in the config.
    #[arg(long, short = 'n', global = true, env = "GRADPAY_NETWORK")]
    pub(crate) network: Option<String>,
    /// Encrypted keystore instead of GRADPAY_PRIVATE_KEY: a file, or a directory holding exactly
    /// one (as `cast wallet new DIR` writes it).
    #[arg(long, global = true, env = "GRADPAY_KEYSTORE")]
    pub(crate) keystore: Option<PathBuf>,
    /// File holding the keystore password (else it is asked for on the terminal).
    #[arg(long, global = true, env = "GRADPAY_PASSWORD_FILE")]
    pub(crate) password_file: Option<PathBuf>,
    /// Print one JSON document on stdout instead of text; errors as one JSON object on stderr
    /// (`{"error": {"kind", "message"}}`). Schemas: docs/json.md.
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show a session, this node's index, running record and scores.
    Status(cmd::status::StatusArgs),
    /// Show this node's pending reward in every pool of a session.
    Pending(cmd::pending::PendingArgs),
    /// Claim a reward: one pool, or every pool with something pending (--all).
    Claim(cmd::claim::ClaimArgs),
    /// Deploy GradPay and write the deployments file the config points at.
    Deploy(cmd::deploy::DeployArgs),
    /// Create, register nodes in, exclude from, complete or finalize a session.
    #[command(subcommand)]
    Session(cmd::session::SessionCommand),
    /// Create a funded reward pool on a finalized session.
    #[command(subcommand)]
    Pool(cmd::pool::PoolCommand),
    /// Grant or revoke a role (admin only).
    #[command(subcommand)]
    Role(cmd::role::RoleCommand),
    /// Record per-node epoch metrics from a JSON-lines file, batched, exactly once.
    Record(cmd::record::RecordArgs),
    /// Run a whole simulated session on a local anvil and write report.json and report.html.
    Demo(cmd::demo::DemoArgs),
}

impl Cli {
    pub(crate) async fn run(self) -> gradpay::Result<()> {
        let g = self.global;
        match self.command {
            Command::Status(args) => args.run(&g).await,
            Command::Pending(args) => args.run(&g).await,
            Command::Claim(args) => args.run(&g).await,
            Command::Deploy(args) => args.run(&g).await,
            Command::Session(command) => command.run(&g).await,
            Command::Pool(command) => command.run(&g).await,
            Command::Role(command) => command.run(&g).await,
            Command::Record(args) => args.run(&g).await,
            Command::Demo(args) => args.run(&g).await,
        }
    }
}
