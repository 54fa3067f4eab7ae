//! `gradpay demo`: a whole simulated session on a local anvil, reported in the terminal and in
//! report.json / report.html.

use std::{io::Write as _, net::SocketAddr, path::PathBuf};

use alloy::primitives::Address;
use clap::Args;
use gradpay::{
    Coordinator, Result,
    demo::{DemoOptions, run_demo_kept},
    serve::{Dashboard, ServeOptions},
};

use crate::{
    cmd::GlobalArgs,
    output::{emit, progress},
};

/// Run the demo.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Nodes in the simulated session.
    #[arg(long, default_value_t = 5)]
    nodes: u32,
    /// Epochs of simulated training.
    #[arg(long, default_value_t = 3)]
    epochs: u32,
    /// Seed of the simulation.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Entries per record batch.
    #[arg(long, default_value_t = 200)]
    batch_size: usize,
    /// Outlier clip factor k, 1e18 fixed point (0 = off).
    #[arg(long, default_value_t = 0)]
    clip_k: u64,
    /// Directory for report.json and report.html.
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// Keep the demo chain running and serve the dashboard on it until Ctrl-C.
    #[arg(long)]
    serve: bool,
    /// Where the dashboard listens with --serve (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8080", requires = "serve")]
    listen: SocketAddr,
}

impl DemoArgs {
    pub(crate) async fn run(self, g: &GlobalArgs) -> Result<()> {
        let journal_dir = tempdir_for_journal()?;
        let options = DemoOptions {
            nodes: self.nodes,
            epochs: self.epochs,
            seed: self.seed,
            batch_size: self.batch_size.max(1),
            clip_k: self.clip_k,
            journal_dir: journal_dir.clone(),
        };
        let bar = progress(g.json, "demo");
        let report = run_demo_kept(&options, &|stage, done, total| {
            bar.set_message(stage.to_owned());
            bar.set_length(u64::from(total));
            bar.set_position(u64::from(done));
        })
        .await;
        bar.finish_and_clear();
        if !self.serve || report.is_err() {
            let _ = std::fs::remove_dir_all(&journal_dir);
        }
        let (report, chain) = report?;
        report.write(&self.out)?;
        let (json, html) = (self.out.join("report.json"), self.out.join("report.html"));
        emit(g.json, &report, || {
            format!("{}\nwrote {} and {}", report.text(), json.display(), html.display())
        });
        if !self.serve {
            return chain.anvil.stop();
        }
        let c = &chain.coordinator;
        let viewer = Coordinator::connect_read_only(c.profile().clone(), c.address(), Address::ZERO).await?;
        let options = ServeOptions {
            listen: self.listen,
            index_path: journal_dir.join("index.sqlite"),
            ws_url: None,
            refresh_ms: 200,
        };
        let dashboard = Dashboard::start(viewer, options).await?;
        // With --json stdout holds the one report document; the line goes to stderr then.
        let line = format!(
            "serving {} (the demo chain at {}; Ctrl-C stops both)",
            dashboard.url(),
            chain.anvil.url()
        );
        if g.json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
        let _ = std::io::stdout().flush();
        let served = dashboard.run_until_interrupted().await;
        let _ = std::fs::remove_dir_all(&journal_dir);
        served.and(chain.anvil.stop())
    }
}

/// The demo's chain is thrown away, so is its journal.
fn tempdir_for_journal() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("gradpay-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| gradpay::Error::io("creating", &dir, e))?;
    Ok(dir)
}
