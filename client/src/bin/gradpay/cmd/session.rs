//! `gradpay session create|register|exclude|complete|finalize`.

use std::path::{Path, PathBuf};

use alloy::primitives::{Address, B256};
use clap::{Args, Subcommand};
use gradpay::{Error, Result};
use serde_json::json;

use crate::{
    cli::GlobalArgs,
    output::{emit, progress, progress_fn},
};

#[derive(Debug, Subcommand)]
pub(crate) enum SessionCommand {
    /// Create an active session (and optionally register nodes).
    Create(CreateArgs),
    /// Register nodes, in batches; nodes already registered are skipped.
    Register(RegisterArgs),
    /// Exclude a node from every reward of the session.
    Exclude(ExcludeArgs),
    /// Stop taking records (Active → Completed).
    Complete(SessionId),
    /// Rank the eligible nodes from the contract's scores and submit the verified ranking.
    Finalize(SessionId),
}

/// The session to act on.
#[derive(Debug, Args)]
pub(crate) struct SessionId {
    /// The session.
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: u64,
}

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    #[command(flatten)]
    id: SessionId,
    /// Identifies the model being trained.
    #[arg(long, default_value_t = B256::ZERO)]
    model_hash: B256,
    /// Outlier clip factor k in 1e18 fixed point (2000000000000000000 = 2σ); 0 disables clipping.
    #[arg(long, default_value_t = 0)]
    clip_k: u64,
    /// Nodes to register: one `ADDRESS [NODE_ID]` per line.
    #[arg(long)]
    nodes: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct RegisterArgs {
    #[command(flatten)]
    id: SessionId,
    /// One `ADDRESS [NODE_ID]` per line.
    #[arg(long)]
    nodes: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct ExcludeArgs {
    #[command(flatten)]
    id: SessionId,
    /// The node.
    #[arg(long)]
    node: Address,
    /// Why (kept in the event log).
    #[arg(long, default_value = "excluded by the coordinator")]
    reason: String,
}

impl SessionCommand {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        match self {
            Self::Create(args) => {
                let nodes = args.nodes.as_deref().map(read_nodes).transpose()?;
                let c = super::connect(g).await?;
                c.create_session(args.id.session, args.model_hash, args.clip_k).await?;
                let indices = match nodes {
                    Some(nodes) => c.register_nodes(args.id.session, &nodes).await?,
                    None => Vec::new(),
                };
                emit(g.json, &json!({ "session": args.id.session, "registered": indices.len() }), || {
                    format!("session {} active; {} node(s) registered", args.id.session, indices.len())
                });
            }
            Self::Register(args) => {
                let nodes = read_nodes(&args.nodes)?;
                let c = super::connect(g).await?;
                let indices = c.register_nodes(args.id.session, &nodes).await?;
                let value: Vec<_> =
                    nodes.iter().zip(&indices).map(|((a, _), i)| json!({ "node": a, "index": i })).collect();
                emit(g.json, &value, || {
                    format!("{} node(s) registered in session {}", indices.len(), args.id.session)
                });
            }
            Self::Exclude(args) => {
                let c = super::connect(g).await?;
                c.exclude_node(args.id.session, args.node, &args.reason).await?;
                emit(g.json, &json!({ "excluded": args.node }), || {
                    format!("node {} excluded from session {}", args.node, args.id.session)
                });
            }
            Self::Complete(id) => {
                let c = super::connect(g).await?;
                c.complete_session(id.session).await?;
                emit(g.json, &json!({ "session": id.session, "state": "completed" }), || {
                    format!("session {} completed", id.session)
                });
            }
            Self::Finalize(id) => {
                let c = super::connect(g).await?;
                let bar = progress(g.json, "finalizing");
                let summary = c.finalize(id.session, &progress_fn(&bar)).await?;
                bar.finish_and_clear();
                let outliers = c.outliers(id.session).await?;
                emit(g.json, &json!({ "summary": summary, "outliers": outliers }), || {
                    let mut text = if summary.already_finalized {
                        format!("session {} was already finalized", id.session)
                    } else {
                        format!(
                            "session {} finalized: {} eligible node(s) ranked in {} chunk(s)",
                            id.session, summary.eligible, summary.chunks
                        )
                    };
                    for o in &outliers {
                        text += &format!(
                            "\noutlier: node {} score {} clipped to {}",
                            o.index, o.score, o.clip_cap
                        );
                    }
                    text
                });
            }
        }
        Ok(())
    }
}

/// Reads `ADDRESS [NODE_ID]` lines (`#` comments and blank lines ignored).
fn read_nodes(path: &Path) -> Result<Vec<(Address, B256)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))?;
    let mut nodes = Vec::new();
    for (i, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |what: &str| Error::Config {
            origin: format!("{}:{i}", path.display()),
            reason: format!("{what}; expected `ADDRESS [NODE_ID]`"),
        };
        let mut words = line.split_whitespace();
        let address =
            words.next().and_then(|w| w.parse::<Address>().ok()).ok_or_else(|| bad("not an address"))?;
        let id = match words.next() {
            Some(w) => w.parse::<B256>().map_err(|_| bad("node id is not 32 bytes of hex"))?,
            None => B256::left_padding_from(address.as_slice()),
        };
        nodes.push((address, id));
    }
    Ok(nodes)
}
