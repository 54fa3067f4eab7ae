//! `gradpay session create|register|exclude|complete|finalize|delegate|sponsor`.

use std::path::PathBuf;

use alloy::primitives::{Address, B256};
use clap::{Args, Subcommand};
use gradpay::{
    Result,
    access::SessionRight,
    consent::{ConsentRegistration, read_consent_file},
    nodes::read_nodes_file,
    session::{RegisteredNode, Registration, SessionCreation},
};
use serde_json::{Value, json};

use crate::{
    cmd::{GlobalArgs, access::RightArgs},
    output::{emit, progress, progress_fn},
};

#[derive(Debug, Subcommand)]
pub(crate) enum SessionCommand {
    /// Create an Active session (and optionally register nodes). An existing id is an error
    /// naming its state, unless it is Active with the same parameters (then nothing is sent).
    Create(CreateArgs),
    /// Register nodes, in batches: from a nodes file (nodes already registered are reported and
    /// skipped), or from the nodes' signed consents (--consents; the only way into a node-signed
    /// session).
    Register(RegisterArgs),
    /// Exclude a node from every reward of the session.
    Exclude(ExcludeArgs),
    /// Stop taking records (Active → Completed); any other state is an error.
    Complete(SessionId),
    /// Rank the eligible nodes from the contract's scores and submit the verified ranking.
    Finalize(SessionId),
    /// Let another key run the session as its owner does (register, record, finalize, fund
    /// pools), e.g. one of several sender keys; --revoke takes it back. Owner only.
    Delegate(RightArgs),
    /// Let an account fund the session's pools (its leftovers go back to it, or to the refund
    /// address it names); --revoke takes it back. Owner only.
    Sponsor(RightArgs),
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
    /// Nodes to register: one `ADDRESS [NODE_ID]` per line (`#` comments).
    #[arg(long)]
    nodes: Option<PathBuf>,
    /// Nodes join only by their own signed consent (`gradpay node consent`, registered with
    /// `gradpay session register --consents FILE`): proof that each node holds its key and
    /// chose its payout. Plain registration is refused in such a session.
    #[arg(long, conflicts_with = "nodes")]
    node_signed: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("list").required(true).args(["nodes", "consents"]))]
pub(crate) struct RegisterArgs {
    #[command(flatten)]
    id: SessionId,
    /// One `ADDRESS [NODE_ID]` per line (`#` comments).
    #[arg(long)]
    nodes: Option<PathBuf>,
    /// The nodes' consents: one line of `gradpay node consent` per node, each checked before
    /// anything is sent (the node's signature, unexpired, for this session, node and id not yet
    /// registered); registered with registerSignedNodes in batches of batch-size under max-tx-gas.
    #[arg(long, value_name = "FILE")]
    consents: Option<PathBuf>,
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
            Self::Create(args) => create(g, args).await,
            Self::Register(RegisterArgs { id, consents: Some(path), .. }) => {
                let lines = read_consent_file(&path)?;
                let c = super::connect(g).await?;
                let registration = c.register_consents(id.session, &path, &lines).await?;
                let value = json!({ "session": id.session.to_string(), "registration": registration });
                emit(g.json, &value, || describe_consents(id.session, &registration));
                Ok(())
            }
            Self::Register(args) => {
                let Some(path) = &args.nodes else { return Ok(()) };
                let nodes = read_nodes_file(path)?;
                let c = super::connect(g).await?;
                let registration = c.register_nodes(args.id.session, &nodes).await?;
                let session = args.id.session;
                let mut value = json!({ "session": session.to_string() });
                add_registration(&mut value, &registration);
                emit(g.json, &value, || format!("session {session}: {}", describe(&registration)));
                Ok(())
            }
            Self::Exclude(args) => {
                let c = super::connect(g).await?;
                c.exclude_node(args.id.session, args.node, &args.reason).await?;
                let value = json!({ "session": args.id.session.to_string(), "excluded": args.node });
                emit(g.json, &value, || {
                    format!("node {} excluded from session {}", args.node, args.id.session)
                });
                Ok(())
            }
            Self::Complete(id) => {
                let c = super::connect(g).await?;
                c.complete_session(id.session).await?;
                emit(g.json, &json!({ "session": id.session.to_string(), "state": "Completed" }), || {
                    format!("session {} completed: it takes no more records", id.session)
                });
                Ok(())
            }
            Self::Finalize(id) => finalize(g, id.session).await,
            Self::Delegate(args) => args.run(g, SessionRight::Delegate).await,
            Self::Sponsor(args) => args.run(g, SessionRight::Sponsor).await,
        }
    }
}

async fn create(g: &GlobalArgs, args: CreateArgs) -> Result<()> {
    // Read the whole nodes file before touching the network: a bad line sends nothing.
    let nodes = args.nodes.as_deref().map(read_nodes_file).transpose()?;
    let c = super::connect(g).await?;
    let session = args.id.session;
    let creation = if args.node_signed {
        c.create_node_signed_session(session, args.model_hash, args.clip_k).await?
    } else {
        c.create_session(session, args.model_hash, args.clip_k).await?
    };
    let registration = match nodes {
        Some(nodes) => Some(c.register_nodes(session, &nodes).await?),
        None => None,
    };
    let created = creation == SessionCreation::Created;
    let mut value = json!({
        "session": session.to_string(), "created": created, "state": "Active", "nodeSigned": args.node_signed,
    });
    if let Some(registration) = &registration {
        add_registration(&mut value, registration);
    }
    emit(g.json, &value, || {
        let signed = if args.node_signed { ", node-signed: register with --consents" } else { "" };
        let mut text = if created {
            format!("session {session} created (Active{signed})")
        } else {
            format!("session {session} exists with the same parameters; nothing sent")
        };
        if let Some(registration) = &registration {
            text += &format!("; {}", describe(registration));
        }
        text
    });
    Ok(())
}

/// `registered` (new) and `alreadyRegistered` node lists of the JSON output.
fn add_registration(value: &mut Value, registration: &Registration) {
    let list = |nodes: Vec<&RegisteredNode>| -> Vec<Value> {
        nodes.iter().map(|n| json!({ "address": n.address, "index": n.index })).collect()
    };
    value["registered"] = list(registration.added().collect()).into();
    value["alreadyRegistered"] = list(registration.existing().collect()).into();
}

/// `2 node(s) registered, 1 already registered (nothing sent for it)`.
fn describe(registration: &Registration) -> String {
    let (added, existing) = (registration.added().count(), registration.existing().count());
    match existing {
        0 => format!("{added} node(s) registered"),
        _ => format!("{added} node(s) registered, {existing} already registered (nothing sent for those)"),
    }
}

/// `3 node(s) registered from their consents in 2 transaction(s)`, then one line per node.
fn describe_consents(session: u64, registration: &ConsentRegistration) -> String {
    let mut lines = vec![format!(
        "session {session}: {} node(s) registered from their consents in {} transaction(s)",
        registration.registered.len(),
        registration.transactions
    )];
    lines.extend(registration.registered.iter().map(|n| {
        let paid = if n.payout == n.address { "itself".to_owned() } else { n.payout.to_string() };
        format!("  node {} index {} id {}, paid to {paid}", n.address, n.index, n.node_id)
    }));
    lines.join("\n")
}

async fn finalize(g: &GlobalArgs, session: u64) -> Result<()> {
    let c = super::connect(g).await?;
    let bar = progress(g.json, "finalizing");
    let summary = c.finalize(session, &progress_fn(&bar)).await;
    bar.finish_and_clear();
    let summary = summary?;
    let outliers = c.outliers(session).await?;
    let value = json!({
        "session": session.to_string(), "state": "Finalized", "alreadyFinalized": summary.already_finalized,
        "eligible": summary.eligible, "chunks": summary.chunks,
        "outliers": outliers.iter().map(|o| json!({
            "index": o.index, "score": o.score.to_string(), "clipCap": o.clip_cap.to_string(),
        })).collect::<Vec<_>>(),
    });
    emit(g.json, &value, || {
        let mut text = if summary.already_finalized {
            format!("session {session} was already finalized; nothing sent")
        } else {
            format!(
                "session {session} finalized: {} eligible node(s) ranked in {} chunk(s)",
                summary.eligible, summary.chunks
            )
        };
        for o in &outliers {
            text += &format!("\noutlier: node {} score {} clipped to {}", o.index, o.score, o.clip_cap);
        }
        text
    });
    Ok(())
}
