//! The JSON API: each page's value as JSON (docs/dashboard.md), the index's status, and `/events`,
//! the live feed: every new GradPay event as a server-sent event, as `gradpay watch --json`
//! prints it.

use std::{convert::Infallible, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
    routing::get,
};
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::{BroadcastStream, errors::BroadcastStreamRecvError};

use super::{
    AppState,
    pages::{self, Failure},
    views::{NodesQuery, SessionsQuery},
};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/status", get(status))
        .route("/api/sessions", get(sessions))
        .route("/api/sessions/{id}", get(session))
        .route("/api/sessions/{id}/nodes", get(nodes))
        .route("/api/pools/{id}", get(pool))
        .route("/api/nodes/{address}", get(node))
        .route("/api/cost", get(cost))
        .route("/events", get(events))
}

/// A page's value as JSON, or its failure as `{"error": "..."}` with the page's status code.
fn json<T: serde::Serialize>(page: pages::Page<T>) -> Response {
    match page {
        Ok(value) => Json(value).into_response(),
        Err(failure) => {
            (failure.status(), Json(serde_json::json!({ "error": failure.message() }))).into_response()
        }
    }
}

async fn status(State(state): State<Arc<AppState>>) -> Response {
    json(state.status().ok_or_else(|| Failure::NotFound("no status yet".into())))
}

async fn sessions(State(state): State<Arc<AppState>>, Query(query): Query<SessionsQuery>) -> Response {
    json(pages::sessions_page(&state, query))
}

async fn session(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    json(pages::session_id(&id).and_then(|id| pages::session_page(&state, id, None, false)))
}

async fn nodes(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<NodesQuery>,
) -> Response {
    json(pages::session_id(&id).and_then(|id| pages::nodes_page(&state, id, &query)))
}

async fn pool(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    json(pages::pool_page(&state, &id))
}

async fn node(State(state): State<Arc<AppState>>, Path(address): Path<String>) -> Response {
    json(pages::node_page(&state, &address).await)
}

async fn cost(State(state): State<Arc<AppState>>) -> Response {
    json(pages::cost_page(&state))
}

/// Every event from now on, `event: gradpay`; a reader that fell behind gets `event: lagged`
/// (the page re-renders from the index, which has everything).
async fn events(State(state): State<Arc<AppState>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(state.live.subscribe()).map(|item| {
        Ok(match item {
            Ok(json) => Event::default().event("gradpay").data(json.as_ref()),
            Err(BroadcastStreamRecvError::Lagged(missed)) => {
                Event::default().event("lagged").data(missed.to_string())
            }
        })
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
