//! `gradpay serve`: a read-only dashboard of one GradPay deployment — sessions, nodes, scores,
//! pools, claims, gas — served by axum from an embedded SQLite index that a background task keeps
//! in step with the chain, and live: every new event is pushed to the open pages as a
//! server-sent event, and the pages re-render from the index.
//!
//! Read-only by construction: the server holds a coordinator without a key and offers only GET
//! routes. Every page has a JSON twin under `/api` (docs/dashboard.md).

mod api;
mod charts;
mod index;
mod pages;
mod snapshot;
mod sync;
mod units;
mod views;

use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, Mutex, RwLock},
    time::Duration,
};

use serde::Serialize;
use tokio::{
    sync::{broadcast, watch},
    task::JoinHandle,
};

#[cfg(feature = "demo")]
pub(crate) use pages::render_report;
pub use snapshot::{PoolData, SessionData, StandingData};
pub use units::Amount;

use crate::{Coordinator, Error, Result, watch::LogSubscription};
use index::Index;
use sync::Indexer;

/// Events kept for a page that is slow to read them; one that falls further behind re-renders.
const LIVE_BACKLOG: usize = 1024;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where to listen (port 0: any free port).
    pub listen: SocketAddr,
    /// The index file (a cache: deleting it loses nothing).
    pub index_path: PathBuf,
    /// A WebSocket endpoint to subscribe to GradPay's logs on, so that new ones are indexed as
    /// they come instead of at the next poll.
    pub ws_url: Option<String>,
    /// How often the indexer polls the chain (also with a subscription: it catches up).
    pub refresh_ms: u64,
}

/// How the index stands against the chain (`/api/status`, the banner of every page).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// The chain.
    pub chain_id: u64,
    /// The GradPay contract.
    pub contract: String,
    /// The last block indexed: each pass reads to the chain's latest block, so this is the
    /// latest block the indexer has seen.
    pub indexed_block: Option<u64>,
    /// Whether the last pass reached the RPC and read everything.
    pub rpc: RpcStatus,
    /// Whether the index caught up with the chain at least once since the start.
    pub ready: bool,
    /// How new events are learnt of: `subscription` or `polling`.
    pub live: &'static str,
}

/// The RPC's health as the indexer last found it.
#[derive(Debug, Clone, Serialize)]
pub struct RpcStatus {
    /// The last pass succeeded.
    pub ok: bool,
    /// Why it failed (`None` when it did not).
    pub error: Option<String>,
}

/// What the pages share.
struct AppState {
    reader: Mutex<Index>,
    status: RwLock<Status>,
    live: broadcast::Sender<Arc<str>>,
    templates: minijinja::Environment<'static>,
    /// Read-only, for what the index does not hold (a node's explanation).
    c: Coordinator,
}

/// A running dashboard.
#[derive(Debug)]
pub struct Dashboard {
    address: SocketAddr,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    indexer: JoinHandle<()>,
}

impl Dashboard {
    /// Opens (or rebuilds) the index, starts the indexer and listens. `c` should be read-only
    /// ([`Coordinator::connect_read_only`]): nothing here signs.
    pub async fn start(c: Coordinator, options: ServeOptions) -> Result<Self> {
        let chain_id = c.profile().chain_id;
        let writer = Index::open(&options.index_path, chain_id, c.address())?;
        let reader = writer.reader()?;
        let indexed_block = writer.tip()?.map(|t| t.block);
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|e| Error::Listen { address: options.listen.to_string(), reason: e.to_string() })?;
        let address = listener
            .local_addr()
            .map_err(|e| Error::Listen { address: options.listen.to_string(), reason: e.to_string() })?;
        let status = Status {
            chain_id,
            contract: c.address().to_checksum(None),
            indexed_block,
            rpc: RpcStatus { ok: true, error: None },
            ready: false,
            live: "polling",
        };
        let state = Arc::new(AppState {
            reader: Mutex::new(reader),
            status: RwLock::new(status),
            live: broadcast::channel(LIVE_BACKLOG).0,
            templates: pages::templates()?,
            c: c.clone(),
        });
        let (stop, stopped) = watch::channel(false);
        let indexer = Indexer::new(c)?;
        let refresh = Duration::from_millis(options.refresh_ms.max(50));
        let indexer = tokio::spawn(index_forever(
            state.clone(),
            indexer,
            writer,
            options.ws_url,
            refresh,
            stopped.clone(),
        ));
        let router = pages::routes().merge(api::routes()).with_state(state);
        let mut shutdown = stopped;
        let server = tokio::spawn(async move {
            let serving = axum::serve(listener, router).with_graceful_shutdown(async move {
                let _ = shutdown.wait_for(|stop| *stop).await;
            });
            if let Err(e) = serving.await {
                tracing::error!(%e, "the dashboard's server stopped");
            }
        });
        tracing::info!(%address, index = %options.index_path.display(), "serving the dashboard");
        Ok(Self { address, stop, server, indexer })
    }

    /// `http://ADDRESS:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address it listens on.
    pub const fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops the server and the indexer.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        self.indexer.abort();
        let _ = self.indexer.await;
    }

    /// Serves until Ctrl-C, then stops.
    pub async fn run_until_interrupted(self) -> Result<()> {
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| Error::Listen { address: self.address.to_string(), reason: e.to_string() })?;
        self.stop().await;
        Ok(())
    }
}

/// The indexer's loop: a pass, then wait for the next poll, a log from the subscription, or the
/// stop. A failed pass (RPC down) leaves the index as it was, says so in the status, and is
/// tried again at the next poll.
async fn index_forever(
    state: Arc<AppState>,
    indexer: Indexer,
    mut index: Index,
    ws_url: Option<String>,
    refresh: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut subscription: Option<LogSubscription> = None;
    if let Some(url) = &ws_url {
        match indexer.coordinator().subscribe_logs(url).await {
            Ok(live) => subscription = Some(live),
            Err(e) => tracing::warn!(%e, "cannot subscribe; polling instead"),
        }
    }
    loop {
        let pass = indexer.pass(&mut index).await;
        let mut fresh = Vec::new();
        if let Ok(mut status) = state.status.write() {
            status.live = if subscription.is_some() { "subscription" } else { "polling" };
            match pass {
                Ok(pass) => {
                    status.indexed_block = Some(pass.tip);
                    status.rpc = RpcStatus { ok: true, error: None };
                    status.ready = true;
                    fresh = pass.new_events;
                }
                Err(e) => {
                    if status.rpc.ok {
                        tracing::warn!(%e, "indexing failed; serving the index as it is and retrying");
                    }
                    status.rpc = RpcStatus { ok: false, error: Some(e.to_string()) };
                }
            }
        }
        for event in fresh {
            if let Ok(json) = serde_json::to_string(&event) {
                let _ = state.live.send(json.into());
            }
        }
        let woken = async {
            match subscription.as_mut() {
                Some(live) => live.changed().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = tokio::time::sleep(refresh) => {}
            still_open = woken => if !still_open {
                tracing::warn!("the log subscription ended; polling instead");
                subscription = None;
            },
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

impl AppState {
    /// Runs `read` on the index's reader connection.
    fn read<T>(&self, read: impl FnOnce(&Index) -> Result<T>) -> Result<T> {
        let index = self.reader.lock().map_err(|_| Error::Index {
            path: PathBuf::new(),
            reason: "a page panicked while reading the index".into(),
        })?;
        read(&index)
    }

    fn status(&self) -> Option<Status> {
        self.status.read().ok().map(|s| s.clone())
    }
}
