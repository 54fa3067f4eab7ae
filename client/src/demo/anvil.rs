//! A local anvil from the repository's `node_modules` (the pinned Foundry), on a free loopback
//! port, stopped when dropped. Used by `gradpay demo`, the tests and the benchmark; `--dump-state`
//! / `--load-state` let the fault tests restart the chain where it was.

use std::{
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy::signers::local::PrivateKeySigner;

use crate::{Error, Result, keys::parse_private_key};

/// Private keys of anvil's default accounts 0 and 1 (the public "test … junk" mnemonic): dev-only.
pub const DEV_KEYS: [&str; 2] = [
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
];

/// How long anvil may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Options for [`Anvil::spawn`].
#[derive(Debug, Clone, Default)]
pub struct AnvilOptions {
    /// Listen on this port instead of a free one (to restart a chain where clients expect it).
    pub port: Option<u16>,
    /// Load the chain from this state file.
    pub load_state: Option<PathBuf>,
    /// Dump the chain to this file on a graceful stop.
    pub dump_state: Option<PathBuf>,
    /// Mine a block every this many seconds instead of one per transaction.
    pub block_time: Option<f64>,
    /// Block gas limit.
    pub gas_limit: Option<u64>,
    /// Do not mine unless asked (`evm_mine`).
    pub no_mining: bool,
}

/// A running anvil; killed when dropped.
#[derive(Debug)]
pub struct Anvil {
    child: Option<Child>,
    port: u16,
}

impl Anvil {
    /// Finds `node_modules/.bin/anvil`: `GRADPAY_ANVIL`, else upwards from the current directory,
    /// else next to this crate's workspace.
    pub fn binary() -> Result<PathBuf> {
        if let Some(path) = std::env::var_os("GRADPAY_ANVIL") {
            return Ok(PathBuf::from(path));
        }
        let relative = Path::new("node_modules/.bin/anvil");
        let mut starts = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("..")];
        if let Ok(dir) = std::env::current_dir() {
            starts.insert(0, dir);
        }
        for start in starts {
            if let Some(found) = start.ancestors().map(|d| d.join(relative)).find(|p| p.is_file()) {
                return Ok(found);
            }
        }
        Err(Error::Anvil(
            "node_modules/.bin/anvil not found; run `npm ci` at the repository root or set GRADPAY_ANVIL"
                .into(),
        ))
    }

    /// Starts anvil and waits until it accepts connections.
    pub fn spawn(options: &AnvilOptions) -> Result<Self> {
        let binary = Self::binary()?;
        let port = match options.port {
            Some(port) => port,
            None => free_port()?,
        };
        let mut command = Command::new(&binary);
        command.args(["--host", "127.0.0.1", "--port", &port.to_string(), "--silent"]);
        if let Some(path) = &options.load_state {
            command.arg("--load-state").arg(path);
        }
        if let Some(path) = &options.dump_state {
            command.arg("--dump-state").arg(path);
        }
        if let Some(seconds) = options.block_time {
            command.args(["--block-time", &seconds.to_string()]);
        }
        if let Some(gas) = options.gas_limit {
            command.args(["--gas-limit", &gas.to_string()]);
        }
        if options.no_mining {
            command.arg("--no-mining");
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Error::Anvil(format!("cannot start {}: {e}", binary.display())))?;
        let mut anvil = Self { child: Some(child), port };
        anvil.wait_ready()?;
        tracing::debug!(port, "anvil ready");
        Ok(anvil)
    }

    fn wait_ready(&mut self) -> Result<()> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(Error::Anvil(format!(
                    "exited during start-up ({status}); is port {} taken?",
                    self.port
                )));
            }
            // A loopback connect to a port nobody listens on yet can connect the socket to itself
            // (TCP simultaneous open, when the kernel picks that port as the source): not anvil.
            if let Ok(stream) = TcpStream::connect_timeout(&address, Duration::from_millis(200))
                && stream.local_addr().ok() != Some(address)
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(Error::Anvil(format!("not listening on port {} after {START_TIMEOUT:?}", self.port)))
    }

    /// The port it listens on.
    pub const fn port(&self) -> u16 {
        self.port
    }

    /// Its HTTP endpoint.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops it gracefully (SIGINT), so that `--dump-state` is written, and waits for it.
    pub fn stop(mut self) -> Result<()> {
        self.stop_inner()
    }

    fn stop_inner(&mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else { return Ok(()) };
        let interrupted =
            Command::new("kill").args(["-INT", &child.id().to_string()]).status().is_ok_and(|s| s.success());
        if interrupted {
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        Err(Error::Anvil("did not stop on SIGINT; killed (its state dump may be missing)".into()))
    }

    /// Kills it at once (SIGKILL), like a crash: nothing is dumped.
    pub fn kill(mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> Result<u16> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| Error::Anvil(format!("no free loopback port: {e}")))
}

/// Anvil's default account `i` (0 or 1) as a signer.
pub fn dev_signer(i: usize) -> Result<PrivateKeySigner> {
    parse_private_key(DEV_KEYS.get(i).copied().unwrap_or(DEV_KEYS[0]))
}

/// A deterministic throwaway key for simulated node `i` (demo, tests, benchmark): never for real funds.
pub fn simulated_node_signer(i: u32) -> Result<PrivateKeySigner> {
    let secret = alloy::primitives::keccak256(format!("gradpay simulated node {i}"));
    PrivateKeySigner::from_bytes(&secret).map_err(|_| Error::InvalidPrivateKey)
}

/// Sets `address`'s balance on an anvil chain (`anvil_setBalance`).
pub async fn set_balance(
    provider: &alloy::providers::DynProvider,
    address: alloy::primitives::Address,
    wei: alloy::primitives::U256,
) -> Result<()> {
    use alloy::providers::Provider;
    provider
        .raw_request::<_, serde_json::Value>("anvil_setBalance".into(), (address, wei))
        .await
        .map(drop)
        .map_err(|e| Error::Anvil(format!("anvil_setBalance of {address} failed: {e}")))
}
