//! A TCP proxy in front of a port (anvil's, for its WebSocket) that the test can cut: every
//! connection through it is closed and new ones are refused until it is restored, as when a
//! node restarts or the network drops.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{
    Arc,
    atomic::{AtomicBool, AtomicUsize, Ordering},
};

use tokio::{
    net::{TcpListener, TcpStream},
    sync::watch,
};

/// The running proxy: its address, whether it is up, and the connections it forwarded/refused.
pub struct TcpProxy {
    /// `127.0.0.1:PORT`.
    pub address: String,
    up: Arc<AtomicBool>,
    /// Bumped by every cut: each connection ends when it changes.
    cuts: watch::Sender<u64>,
    forwarded: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
}

impl TcpProxy {
    /// A proxy forwarding to `upstream` (`host:port`).
    pub async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let (cuts, _) = watch::channel(0);
        let proxy = Self {
            address,
            up: Arc::new(AtomicBool::new(true)),
            cuts,
            forwarded: Arc::default(),
            refused: Arc::default(),
        };
        let (up, forwarded, refused, cuts) =
            (proxy.up.clone(), proxy.forwarded.clone(), proxy.refused.clone(), proxy.cuts.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !up.load(Ordering::SeqCst) {
                    refused.fetch_add(1, Ordering::SeqCst);
                    continue; // dropped: closed at once
                }
                forwarded.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(forward(client, upstream.clone(), cuts.subscribe()));
            }
        });
        proxy
    }

    /// Closes every connection and refuses new ones until [`Self::restore`].
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cuts.send_modify(|cuts| *cuts += 1);
    }

    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    /// Connections forwarded so far.
    pub fn forwarded(&self) -> usize {
        self.forwarded.load(Ordering::SeqCst)
    }

    /// Connections refused while cut.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }
}

/// Copies both ways until either side closes or the proxy is cut.
async fn forward(mut client: TcpStream, upstream: String, mut cut: watch::Receiver<u64>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else { return };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = cut.changed() => {}
    }
}
