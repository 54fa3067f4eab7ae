//! `gradpay serve`: the dashboard of the profile's deployment, read-only (no key is loaded), on
//! 127.0.0.1 unless told otherwise.

use std::{io::Write as _, net::SocketAddr, path::PathBuf};

use alloy::primitives::Address;
use clap::Args;
use gradpay::{
    Error, Result,
    serve::{Dashboard, ServeOptions},
};

use crate::cmd::{GlobalArgs, connect_node};

/// Serve the dashboard.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (port 0: any free port). Keep it on 127.0.0.1 unless a proxy in front
    /// of it decides who may look: the pages show every session of the deployment.
    #[arg(long, default_value = "127.0.0.1:8080", env = "GRADPAY_LISTEN")]
    listen: SocketAddr,
    /// The SQLite index (a cache: delete it and it is rebuilt from the chain).
    /// [default: JOURNAL_DIR/index-CHAIN-CONTRACT.sqlite]
    #[arg(long, value_name = "FILE")]
    index: Option<PathBuf>,
    /// Subscribe to new logs over this WebSocket endpoint instead of the profile's `ws-url`
    /// (without either, poll every poll-interval-ms).
    #[arg(long, value_name = "URL")]
    ws_url: Option<String>,
}

impl ServeArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        // Read-only: the dashboard needs no key, never loads one (GRADPAY_PRIVATE_KEY is not read)
        // and refuses one given to it.
        if g.keystore.is_some() {
            return Err(Error::Config {
                origin: "--keystore".into(),
                reason: "gradpay serve is read-only and takes no key; drop --keystore".into(),
            });
        }
        let c = connect_node(g, Some(Address::ZERO)).await?;
        let index = self.index.unwrap_or_else(|| {
            let profile = c.profile();
            profile.journal_dir.join(format!("index-{}-{}.sqlite", profile.chain_id, c.address()))
        });
        let options = ServeOptions {
            listen: self.listen,
            index_path: index.clone(),
            ws_url: self.ws_url.or_else(|| c.profile().ws_url.clone()),
            refresh_ms: c.profile().poll_interval_ms.max(200),
        };
        let dashboard = Dashboard::start(c, options).await?;
        // Said once it listens (and not before): whoever waits for the line can connect.
        if g.json {
            println!("{}", serde_json::json!({ "serving": dashboard.url(), "index": index }));
        } else {
            println!("serving {}", dashboard.url());
        }
        let _ = std::io::stdout().flush();
        dashboard.run_until_interrupted().await
    }
}
