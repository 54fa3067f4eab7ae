//! `gradpay watch`: follows a session live, one line per event (one JSON object per line with
//! `--json`), over a WebSocket subscription when a ws:// URL is known, else by polling over HTTP;
//! each event once, in chain order, even across a dropped WebSocket.

use alloy::primitives::Address;
use clap::Args;
use gradpay::{Result, watch::SessionEvent};

use crate::cmd::GlobalArgs;

/// Follow a session's events as they happen.
#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// The session.
    #[arg(long, short, env = "GRADPAY_SESSION")]
    session: u64,
    /// Subscribe over this WebSocket endpoint (ws:// or wss://) instead of the profile's `ws-url`;
    /// with neither, poll the HTTP rpc-url every poll-interval-ms. A dropped WebSocket is
    /// re-subscribed and what was mined meanwhile fetched by eth_getLogs: nothing missed or
    /// printed twice.
    #[arg(long, value_name = "URL")]
    ws_url: Option<String>,
    /// First print the session's events since this block (its history), then follow.
    #[arg(long, value_name = "BLOCK")]
    from_block: Option<u64>,
}

impl WatchArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        // Read-only: watching needs no key.
        let c = super::connect_node(g, Some(Address::ZERO)).await?;
        c.existing_session(self.session).await?;
        let ws_url = self.ws_url.or_else(|| c.profile().ws_url.clone());
        let polling = format!("by polling {} every {} ms", c.profile().rpc_url, c.profile().poll_interval_ms);
        let (live, how) = match ws_url {
            Some(url) => match c.subscribe_logs(&url).await {
                Ok(subscription) => (Some(subscription), format!("over WebSocket {url} (eth_subscribe)")),
                Err(e) => (None, format!("{polling} (cannot subscribe: {e})")),
            },
            None => (None, polling),
        };
        // Read after subscribing and before saying so: whoever waits for the line can act.
        let latest = c.latest_block().await?;
        eprintln!("watching session {} {how}", self.session);
        let json = g.json;
        let mut emit = |event: &SessionEvent| {
            if json {
                println!("{}", serde_json::to_string(event).unwrap_or_default());
            } else {
                println!("{}", event.describe());
            }
        };
        c.watch_session(self.session, self.from_block, latest, live, &mut emit).await
    }
}
