// gradpay dashboard: the live feed (server-sent events from /events), re-rendering <main> from the
// index when something happened, claim-deadline countdowns, and the RPC banner. No dependency.
"use strict";

const feed = document.getElementById("live");
const FEED_LENGTH = 50;
let refreshTimer = null;

function describe(event) {
  const fields = Object.entries(event.fields || {}).map(([k, v]) => `${k}=${v}`).join(" ");
  return `${event.event} ${fields} (block ${event.block})`;
}

function addToFeed(text) {
  const item = document.createElement("li");
  item.textContent = text;
  feed.prepend(item);
  while (feed.children.length > FEED_LENGTH) feed.lastElementChild.remove();
}

// Re-fetches this page's <main> (the server renders only that block for this header) and swaps it.
async function refresh() {
  refreshTimer = null;
  try {
    const response = await fetch(location.href, { headers: { "X-Gradpay-Partial": "main" } });
    if (!response.ok) return;
    const main = document.querySelector("main");
    main.innerHTML = await response.text();
    startCountdowns();
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
  } catch (e) {
    document.body.dataset.live = "offline";
  }
}

function scheduleRefresh() {
  if (refreshTimer === null) refreshTimer = setTimeout(refresh, 250);
}

let source = null;

// One EventSource per page; closed when the page is hidden, since a browser keeps pages of its
// back/forward cache alive with their connections, and six open to one host block the next load.
function connect() {
  if (source !== null) return;
  source = new EventSource("/events");
  source.addEventListener("open", () => { document.body.dataset.live = "connected"; });
  source.addEventListener("gradpay", (message) => {
    addToFeed(describe(JSON.parse(message.data)));
    scheduleRefresh();
  });
  source.addEventListener("lagged", scheduleRefresh);
  source.addEventListener("error", () => { document.body.dataset.live = "reconnecting"; });
}

function left(seconds) {
  if (seconds <= 0) return "closed";
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60), s = Math.floor(seconds % 60);
  return (d ? `${d}d ` : "") + `${h}h ${m}m ${s}s left`;
}

function startCountdowns() {
  for (const el of document.querySelectorAll("[data-deadline]")) {
    const deadline = Number(el.dataset.deadline);
    el.title = new Date(deadline * 1000).toISOString();
    el.textContent = `${el.title.replace("T", " ").slice(0, 19)} UTC · ${left(deadline - Date.now() / 1000)}`;
  }
}

async function pollStatus() {
  const banner = document.getElementById("rpc-status");
  if (!banner) return;
  try {
    const status = await (await fetch("/api/status")).json();
    banner.className = status.rpc.ok ? "ok" : "down";
    banner.title = status.rpc.error || "";
    banner.textContent = status.rpc.ok
      ? `chain ${status.chainId} · indexed to block ${status.indexedBlock ?? "…"} · live by ${status.live}`
      : `RPC unreachable: showing the index as of block ${status.indexedBlock ?? "none"} (${status.rpc.error})`;
  } catch (e) {
    banner.className = "down";
    banner.textContent = "the dashboard's server does not answer";
  }
}

startCountdowns();
setInterval(startCountdowns, 1000);
setInterval(pollStatus, 3000);
connect();
window.addEventListener("pagehide", () => { if (source !== null) { source.close(); source = null; } });
window.addEventListener("pageshow", (event) => { if (event.persisted) { connect(); refresh(); } });
