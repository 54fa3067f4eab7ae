//! A small Chrome DevTools Protocol client for the browser tests: starts a headless Chromium,
//! drives one page of it over the protocol's WebSocket, and collects what the page reports as an
//! error (console.error, uncaught exceptions, failed loads). Calls are answered in order on one
//! connection, so every event the browser sent before a reply has been read once the reply is.

#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use base64::Engine as _;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    net::TcpStream,
    process::{Child, Command},
    time::{Instant, timeout, timeout_at},
};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, tungstenite::Message};

pub type Result<T> = std::result::Result<T, String>;

/// How long the browser's start, one protocol call, or one page load may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// `GRADPAY_CHROMIUM`, else `chromium` (or `chromium-browser`) on PATH.
pub fn chromium_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("GRADPAY_CHROMIUM") {
        return Some(path.into());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A started browser, or `None` after a loud skip line when there is no Chromium; under CI=true a
/// missing Chromium fails the test instead, so that CI cannot pass without running it.
pub async fn launch_or_skip(test: &str) -> Option<Browser> {
    let Some(path) = chromium_path() else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "{test}: chromium not found and CI=true (`make chromium` installs it, GRADPAY_CHROMIUM names it)"
        );
        // Straight to the stderr handle: libtest swallows an eprintln! of a test that passes.
        let skip = format!(
            "\n*** SKIPPED {test}: chromium not found (`make chromium`; GRADPAY_CHROMIUM=PATH) ***\n"
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), skip.as_bytes());
        return None;
    };
    Some(Browser::launch(&path).await.unwrap())
}

/// One headless Chromium and the page the tests drive; killed on drop.
pub struct Browser {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The page's flattened session: every page-level message carries it.
    session: String,
    next_id: u64,
    /// `Page.loadEventFired` events seen so far.
    loads: u64,
    errors: Vec<String>,
    child: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn launch(chromium: &Path) -> Result<Self> {
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut child = Command::new(chromium)
            .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(["--window-size=1400,1000", "about:blank"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", chromium.display()))?;
        let mut lines = BufReader::new(child.stderr.take().ok_or("chromium without stderr")?).lines();
        let listening = async {
            let mut said = Vec::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    return Ok(url.trim().to_owned());
                }
                said.push(line);
            }
            Err(format!("chromium exited before listening; it said:\n{}", said.join("\n")))
        };
        let ws_url = timeout(STEP_TIMEOUT, listening)
            .await
            .map_err(|_| "timed out waiting for chromium's `DevTools listening on ws://…` line")??;
        // Chromium keeps logging on stderr: read on, so that it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let (ws, _) = timeout(STEP_TIMEOUT, tokio_tungstenite::connect_async(ws_url.as_str()))
            .await
            .map_err(|_| format!("timed out connecting to {ws_url}"))?
            .map_err(|e| format!("connecting to {ws_url}: {e}"))?;
        let mut browser = Self {
            ws,
            session: String::new(),
            next_id: 0,
            loads: 0,
            errors: Vec::new(),
            child,
            _profile: profile,
        };
        let target = browser.request("Target.createTarget", json!({ "url": "about:blank" }), false).await?;
        let attach = json!({ "targetId": target["targetId"], "flatten": true });
        let attached = browser.request("Target.attachToTarget", attach, false).await?;
        browser.session =
            attached["sessionId"].as_str().ok_or("attachToTarget without a sessionId")?.to_owned();
        for domain in ["Runtime", "Page", "Log"] {
            browser.call(&format!("{domain}.enable"), json!({})).await?;
        }
        Ok(browser)
    }

    /// A call on the page; its `result`, or its protocol error as the Err.
    pub async fn call(&mut self, method: &str, params: Value) -> Result<Value> {
        self.request(method, params, true).await
    }

    /// Opens `url` and waits for its load event.
    pub async fn navigate(&mut self, url: &str) -> Result<()> {
        let loads = self.loads;
        let reply = self.call("Page.navigate", json!({ "url": url })).await?;
        if let Some(error) = reply["errorText"].as_str() {
            return Err(format!("navigating to {url}: {error}"));
        }
        let deadline = Instant::now() + STEP_TIMEOUT;
        while self.loads == loads {
            self.next_message(deadline, &format!("the load event of {url}")).await?;
        }
        Ok(())
    }

    /// `expression`'s value as JSON (a promise awaited; `undefined` is null); a thrown exception
    /// is the Err, with its text.
    pub async fn eval_json(&mut self, expression: &str) -> Result<Value> {
        let params = json!({ "expression": expression, "returnByValue": true, "awaitPromise": true });
        let reply = self.call("Runtime.evaluate", params).await?;
        if let Some(details) = reply.get("exceptionDetails") {
            return Err(format!("`{expression}` threw: {}", exception_text(details)));
        }
        Ok(reply["result"].get("value").cloned().unwrap_or(Value::Null))
    }

    /// Evaluates `expression` every 50 ms until it is truthy (JavaScript's sense) and returns that
    /// value; an exception counts as not yet. Err after `limit`, with the last outcome.
    pub async fn wait_for(&mut self, expression: &str, limit: Duration) -> Result<Value> {
        let deadline = Instant::now() + limit;
        loop {
            let outcome = self.eval_json(expression).await;
            if let Ok(value) = &outcome
                && truthy(value)
            {
                return outcome;
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "timed out after {limit:?} waiting for `{expression}`; last: {outcome:?}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The errors the page reported since the last call (a round trip first: whatever the browser
    /// sent until now is read).
    pub async fn console_errors(&mut self) -> Result<Vec<String>> {
        self.eval_json("0").await?;
        Ok(std::mem::take(&mut self.errors))
    }

    /// A PNG of the whole page (not only the window) at `path`.
    pub async fn screenshot(&mut self, path: &Path) -> Result<()> {
        let size = self.call("Page.getLayoutMetrics", json!({})).await?["cssContentSize"].clone();
        let clip = json!({ "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1 });
        let params = json!({ "format": "png", "captureBeyondViewport": true, "clip": clip });
        let shot = self.call("Page.captureScreenshot", params).await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().ok_or("a screenshot without data")?)
            .map_err(|e| format!("screenshot data: {e}"))?;
        std::fs::write(path, png).map_err(|e| format!("writing {}: {e}", path.display()))
    }

    async fn request(&mut self, method: &str, params: Value, to_page: bool) -> Result<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if to_page {
            message["sessionId"] = json!(self.session);
        }
        self.ws
            .send(Message::text(message.to_string()))
            .await
            .map_err(|e| format!("sending {method}: {e}"))?;
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let reply = self.next_message(deadline, &format!("the reply to {method}")).await?;
            if reply["id"] == id {
                return match reply.get("error") {
                    Some(error) => Err(format!("{method}: {error}")),
                    None => Ok(reply["result"].clone()),
                };
            }
        }
    }

    /// The next message from the browser, read by `deadline` (else an Err naming `awaited`), after
    /// noting what it says if it is an event.
    async fn next_message(&mut self, deadline: Instant, awaited: &str) -> Result<Value> {
        loop {
            let frame = timeout_at(deadline, self.ws.next())
                .await
                .map_err(|_| format!("timed out waiting for {awaited}"))?
                .ok_or_else(|| format!("chromium closed the connection while waiting for {awaited}"))?
                .map_err(|e| format!("reading while waiting for {awaited}: {e}"))?;
            if let Message::Text(text) = frame {
                let message: Value =
                    serde_json::from_str(&text).map_err(|e| format!("bad message {text}: {e}"))?;
                self.note_event(&message);
                return Ok(message);
            }
        }
    }

    fn note_event(&mut self, message: &Value) {
        let params = &message["params"];
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        match message["method"].as_str().unwrap_or_default() {
            "Page.loadEventFired" => self.loads += 1,
            "Runtime.consoleAPICalled" if matches!(params["type"].as_str(), Some("error" | "assert")) => {
                let args: Vec<String> =
                    params["args"].as_array().into_iter().flatten().map(remote_text).collect();
                self.errors.push(format!("console.{}: {}", text(&params["type"]), args.join(" ")));
            }
            "Runtime.exceptionThrown" => {
                self.errors.push(format!("uncaught {}", exception_text(&params["exceptionDetails"])));
            }
            "Log.entryAdded" if params["entry"]["level"] == "error" => {
                let entry = &params["entry"];
                self.errors.push(format!("log: {} ({})", text(&entry["text"]), text(&entry["url"])));
            }
            _ => {}
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        // A moment for it to exit, so that its profile directory is removed after it is gone.
        for _ in 0..100 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A console argument as the console shows it: a primitive's value, else the object's description.
fn remote_text(arg: &Value) -> String {
    match (&arg["value"], &arg["description"]) {
        (Value::String(s), _) => s.clone(),
        (Value::Null, Value::String(d)) => d.clone(),
        (value, _) => value.to_string(),
    }
}

fn exception_text(details: &Value) -> String {
    let exception = &details["exception"];
    match (&exception["description"], &exception["value"]) {
        (Value::String(description), _) => description.clone(),
        (_, Value::Null) => details["text"].as_str().unwrap_or("an exception").to_owned(),
        (_, value) => value.to_string(),
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}
