//! The HTML pages: one builder per page gathers what it shows from the index (the JSON API serves
//! the same value), and a minijinja template renders it. Templates, script and style are compiled
//! into the binary. A request with `X-Gradpay-Partial: main` gets only the page's `<main>`: the
//! page's script swaps it in when a live event arrives.

use std::sync::Arc;

use alloy::primitives::Address;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use minijinja::{Environment, context};
use serde::Serialize;

use super::{
    AppState, Status, charts,
    snapshot::SessionData,
    views::{
        ClaimRow, CostRow, EpochParticipation, Membership, NodeRow, NodesPage, NodesQuery, PoolView,
        SessionsQuery,
    },
};
use crate::{Error, Result, explain::Explanation};

/// The templates, by name, as compiled in.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("macros.html", include_str!("templates/macros.html")),
    ("sessions.html", include_str!("templates/sessions.html")),
    ("session.html", include_str!("templates/session.html")),
    ("pool.html", include_str!("templates/pool.html")),
    ("node.html", include_str!("templates/node.html")),
    ("cost.html", include_str!("templates/cost.html")),
    ("error.html", include_str!("templates/error.html")),
    ("report.html", include_str!("templates/report.html")),
];
const SCRIPT: &str = include_str!("templates/app.js");
const STYLE: &str = include_str!("templates/style.css");

/// The template environment (auto-escaping `.html`).
pub(super) fn templates() -> Result<Environment<'static>> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source).map_err(|e| Error::Encoding {
            what: "the dashboard's templates",
            reason: format!("{name}: {e}"),
        })?;
    }
    Ok(env)
}

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(sessions_html))
        .route("/sessions/{id}", get(session_html))
        .route("/pools/{id}", get(pool_html))
        .route("/nodes/{address}", get(node_html))
        .route("/cost", get(cost_html))
        .route("/assets/app.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript")], SCRIPT) }))
        .route("/assets/style.css", get(|| async { ([(header::CONTENT_TYPE, "text/css")], STYLE) }))
        // Pages link an empty icon; a browser that asks anyway gets nothing, not a 404.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(|| async { Failure::NotFound("no such page".into()) })
}

/// Why a page or API call has nothing to show.
#[derive(Debug)]
pub(super) enum Failure {
    /// 404: the session, pool, node or page does not exist (in the index).
    NotFound(String),
    /// 400: the request itself is malformed.
    BadRequest(String),
    /// 500: the index could not be read.
    Internal(Error),
}

impl Failure {
    pub(super) fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub(super) fn message(&self) -> String {
        match self {
            Self::NotFound(m) | Self::BadRequest(m) => m.clone(),
            Self::Internal(e) => e.to_string(),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Internal(e)
    }
}

/// As an HTML page (the JSON API has its own rendering of it).
impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = minijinja::Environment::new()
            .render_str(
                include_str!("templates/error.html"),
                context! { message => self.message(), standalone => true },
            )
            .unwrap_or_else(|_| self.message());
        (self.status(), Html(body)).into_response()
    }
}

pub(super) type Page<T> = std::result::Result<T, Failure>;

/// The sessions page.
#[derive(Debug, Serialize)]
pub(super) struct SessionsPage {
    pub(super) query: SessionsQuery,
    pub(super) sessions: Vec<SessionData>,
}

pub(super) fn sessions_page(state: &AppState, query: SessionsQuery) -> Page<SessionsPage> {
    let sessions = state.read(|index| index.sessions(&query))?;
    Ok(SessionsPage { query, sessions })
}

/// A session's page.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SessionPage {
    pub(super) session: SessionData,
    pub(super) pools: Vec<PoolView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) nodes: Option<NodesPage>,
    pub(super) participation: Vec<EpochParticipation>,
    #[serde(skip)]
    charts: Charts,
}

#[derive(Debug, Default, Serialize)]
struct Charts {
    scores: String,
    payouts: String,
    participation: String,
}

/// Session `id`'s page: with a page of its nodes when `nodes` asks for one, with its charts
/// when `with_charts` (the JSON API has neither).
pub(super) fn session_page(
    state: &AppState,
    id: u64,
    nodes: Option<&NodesQuery>,
    with_charts: bool,
) -> Page<SessionPage> {
    state.read(|index| {
        let Some(session) = index.session(id)? else { return Ok(Err(unknown_session(id))) };
        let pools = index.pools_of(id)?;
        let nodes = nodes.map(|query| index.nodes_page(id, query, &pools)).transpose()?;
        let participation = index.participation(id)?;
        let charts = if with_charts {
            let cap = session.clip_cap.as_deref().and_then(|c| c.parse::<f64>().ok());
            Charts {
                scores: charts::score_distribution(&index.scores(id)?, cap),
                payouts: charts::payouts(&pools),
                participation: charts::participation(&participation, session.node_count),
            }
        } else {
            Charts::default()
        };
        Ok(Ok(SessionPage { session, pools, nodes, participation, charts }))
    })?
}

/// A page of session `id`'s nodes (`/api/sessions/{id}/nodes`).
pub(super) fn nodes_page(state: &AppState, id: u64, query: &NodesQuery) -> Page<NodesPage> {
    state.read(|index| {
        if index.session(id)?.is_none() {
            return Ok(Err(unknown_session(id)));
        }
        let pools = index.pools_of(id)?;
        Ok(Ok(index.nodes_page(id, query, &pools)?))
    })?
}

fn unknown_session(id: u64) -> Failure {
    Failure::NotFound(format!(
        "session {id} is not in the index: no SessionCreated event for it on this deployment"
    ))
}

/// A pool's page.
#[derive(Debug, Serialize)]
pub(super) struct PoolPage {
    pub(super) pool: PoolView,
    pub(super) claims: Vec<ClaimRow>,
}

pub(super) fn pool_page(state: &AppState, id: &str) -> Page<PoolPage> {
    if id.parse::<alloy::primitives::U256>().is_err() {
        return Err(Failure::BadRequest(format!("`{id}` is not a pool id (a decimal number)")));
    }
    state.read(|index| {
        let Some(pool) = index.pool(id)? else {
            return Ok(Err(Failure::NotFound(format!(
                "pool {id} is not in the index: no RewardPoolCreated event for it"
            ))));
        };
        let claims = index.claims_of(&pool)?;
        Ok(Ok(PoolPage { pool, claims }))
    })?
}

/// A node's page: every session it is in, with its row there and `gradpay explain`'s account.
#[derive(Debug, Serialize)]
pub(super) struct NodePage {
    pub(super) address: String,
    pub(super) sessions: Vec<NodeInSession>,
}

/// One session of a node's page.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NodeInSession {
    pub(super) membership: Membership,
    pub(super) pools: Vec<PoolView>,
    pub(super) row: Option<NodeRow>,
    /// From the contract's views now (the index does not hold the formulas).
    pub(super) explanation: Option<Explanation>,
    /// Why there is no explanation (the RPC is down, ...).
    pub(super) explanation_error: Option<String>,
}

pub(super) async fn node_page(state: &AppState, address: &str) -> Page<NodePage> {
    let node: Address = address
        .parse()
        .map_err(|_| Failure::BadRequest(format!("`{address}` is not an address (0x and 40 hex digits)")))?;
    let address = node.to_checksum(None);
    let rows = state.read(|index| {
        let mut rows = Vec::new();
        for membership in index.memberships(&address)? {
            let pools = index.pools_of(membership.session)?;
            let row = index.node_row(membership.session, &address, &pools)?;
            rows.push((membership, pools, row));
        }
        Ok(rows)
    })?;
    if rows.is_empty() {
        return Err(Failure::NotFound(format!(
            "node {address} is in no session of this deployment (no NodeRegistered event)"
        )));
    }
    let mut sessions = Vec::with_capacity(rows.len());
    for (membership, pools, row) in rows {
        let (explanation, explanation_error) = match state.c.explain(membership.session, node).await {
            Ok(explanation) => (Some(explanation), None),
            Err(e) => (None, Some(e.to_string())),
        };
        sessions.push(NodeInSession { membership, pools, row, explanation, explanation_error });
    }
    Ok(NodePage { address, sessions })
}

/// The cost page.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CostPage {
    pub(super) operations: Vec<CostRow>,
    /// The chain charges the gas limit (Monad) rather than the gas used.
    pub(super) charges_limit: bool,
}

pub(super) fn cost_page(state: &AppState) -> Page<CostPage> {
    let operations = state.read(|index| index.cost())?;
    let charges_limit = state.c.profile().is_monad_chain();
    Ok(CostPage { operations, charges_limit })
}

async fn sessions_html(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<SessionsQuery>,
) -> Page<Response> {
    let page = sessions_page(&state, query)?;
    render(&state, &headers, "sessions.html", "Sessions", context! { page })
}

async fn session_html(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<NodesQuery>,
) -> Page<Response> {
    let id = session_id(&id)?;
    let page = session_page(&state, id, Some(&query), true)?;
    let charts = &page.charts;
    let ctx = context! { page, charts => context! { scores => charts.scores, payouts => charts.payouts, participation => charts.participation } };
    render(&state, &headers, "session.html", &format!("Session {id}"), ctx)
}

pub(super) fn session_id(text: &str) -> Page<u64> {
    text.parse()
        .map_err(|_| Failure::BadRequest(format!("`{text}` is not a session id (a number below 2^64)")))
}

async fn pool_html(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Page<Response> {
    let page = pool_page(&state, &id)?;
    render(&state, &headers, "pool.html", &format!("Pool {id}"), context! { page })
}

async fn node_html(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(address): Path<String>,
) -> Page<Response> {
    let page = node_page(&state, &address).await?;
    let title = format!("Node {}", page.address);
    render(&state, &headers, "node.html", &title, context! { page })
}

async fn cost_html(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Page<Response> {
    let page = cost_page(&state)?;
    render(&state, &headers, "cost.html", "Cost", context! { page })
}

/// `template` with `ctx`, the status and the title; only its `main` block for a partial request.
fn render(
    state: &AppState,
    headers: &HeaderMap,
    template: &str,
    title: &str,
    ctx: minijinja::Value,
) -> Page<Response> {
    let status: Option<Status> = state.status();
    let ctx = context! { title, status, ..ctx };
    let fail = |e: minijinja::Error| {
        Failure::Internal(Error::Encoding { what: "a dashboard page", reason: format!("{template}: {e:#}") })
    };
    let template = state.templates.get_template(template).map_err(fail)?;
    let partial = headers.get("x-gradpay-partial").is_some_and(|v| v == "main");
    let html = if partial {
        let mut captured = template.render_captured(ctx).map_err(fail)?;
        captured.with_state_mut(|state| state.render_block("main")).map_err(fail)?
    } else {
        template.render(ctx).map_err(fail)?
    };
    Ok(Html(html).into_response())
}

/// The demo's static report, from the same templates and style as the pages.
#[cfg(feature = "demo")]
pub(crate) fn render_report(ctx: minijinja::Value) -> Result<String> {
    let env = templates()?;
    let fail = |e: minijinja::Error| Error::Encoding { what: "report.html", reason: format!("{e:#}") };
    env.get_template("report.html").and_then(|t| t.render(context! { style => STYLE, ..ctx })).map_err(fail)
}
