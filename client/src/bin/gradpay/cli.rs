//! The command line. Doc comments here are the `--help` text.

use clap::{Parser, Subcommand};

use crate::cmd::{self, GlobalArgs};

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

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Show a session, this node's index, running record and scores.
    Status(cmd::status::StatusArgs),
    /// Show this node's pending reward in every pool of a session (or of every session).
    Pending(cmd::pending::PendingArgs),
    /// List every session a node is in, with its state and the node's pending rewards.
    Sessions(cmd::sessions::SessionsArgs),
    /// Follow a session live: registrations, records, exclusions, finalization, pools, claims.
    Watch(cmd::watch::WatchArgs),
    /// Claim a reward: one pool, or every pool with something pending (--all); or sign a claim
    /// for a relayer (--sign), or relay signed requests (--relay FILE).
    Claim(cmd::claim::ClaimArgs),
    /// Route this node's rewards to another address, per session (set, sign for a relayer, show).
    #[command(subcommand)]
    Payout(cmd::payout::PayoutCommand),
    /// What a node signs for its coordinator: its consent to join a node-signed session.
    #[command(subcommand)]
    Node(cmd::node::NodeCommand),
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
    /// How a node's reward came about: sums, scores, rank, tier, clip and each pool's formula.
    Explain(cmd::explain::ExplainArgs),
    /// Re-check a whole session from chain data alone with gradpay-model (an auditor's check).
    Verify(cmd::verify::VerifyArgs),
    /// Serve the dashboard: sessions, nodes, scores, pools, claims and gas, live (read-only).
    Serve(cmd::serve::ServeArgs),
    /// Run a whole simulated session on a local anvil and write report.json and report.html.
    Demo(cmd::demo::DemoArgs),
}

impl Cli {
    pub(crate) async fn run(self) -> gradpay::Result<()> {
        let g = self.global;
        match self.command {
            Command::Status(args) => args.run(&g).await,
            Command::Pending(args) => args.run(&g).await,
            Command::Sessions(args) => args.run(&g).await,
            Command::Watch(args) => args.run(&g).await,
            Command::Claim(args) => args.run(&g).await,
            Command::Payout(command) => command.run(&g).await,
            Command::Node(command) => command.run(&g).await,
            Command::Deploy(args) => args.run(&g).await,
            Command::Session(command) => command.run(&g).await,
            Command::Pool(command) => command.run(&g).await,
            Command::Role(command) => command.run(&g).await,
            Command::Record(args) => args.run(&g).await,
            Command::Explain(args) => args.run(&g).await,
            Command::Verify(args) => args.run(&g).await,
            Command::Serve(args) => args.run(&g).await,
            Command::Demo(args) => args.run(&g).await,
        }
    }
}
