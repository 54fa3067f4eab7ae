//! Chunked `eth_getLogs`: public RPCs cap the block range (and the result count) of one request,
//! so a scan over a deployment's history is cut into chunks of at most the profile's
//! `max-log-range` blocks, and a chunk the RPC still refuses as too large is retried in halves,
//! down to a single block.

use std::future::Future;

use alloy::{
    providers::Provider,
    rpc::types::{Filter, Log},
    transports::TransportError,
};

use crate::{Coordinator, Error, Result};

/// Where a log query starts and how many blocks one request may span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogRange {
    /// The first block scanned.
    pub from_block: u64,
    /// The last block scanned; `None`: the latest block when the scan starts.
    pub to_block: Option<u64>,
    /// The most blocks one `eth_getLogs` request spans (at least 1).
    pub max_blocks: u64,
}

/// Fragments (lower case) of the messages RPCs answer a range or result set that is too large
/// with. geth: "query returned more than 10000 results"; reth: "query exceeds max block range
/// 100000" / "query exceeds max results 20000"; Alchemy: "Log response size exceeded. You can make
/// eth_getLogs requests with up to a 2K block range …"; Infura: "query returned more than 10000
/// results. Try with this block range […]"; QuickNode: "eth_getLogs is limited to a 10,000 range";
/// Monad's RPC: "block range too large"/"exceeds max block range"; others: "block range is too
/// wide", "range too large", "too many blocks". anvil limits nothing.
const TOO_LARGE: &[&str] = &[
    "query returned more than",
    "exceeds max block range",
    "exceeds max results",
    "exceed maximum block range",
    "log response size exceeded",
    "response size exceeded",
    "response is too big",
    "limited to a",
    "block range",
    "range too large",
    "range is too large",
    "too many blocks",
    "too many results",
    "too many logs",
    "range is too wide",
];

/// Whether `error` is an RPC refusing a log query for its size (not for anything else): a
/// smaller range may pass.
pub fn is_range_too_large(error: &TransportError) -> bool {
    error.as_error_resp().is_some_and(|payload| {
        let message = payload.message.to_lowercase();
        TOO_LARGE.iter().any(|fragment| message.contains(fragment))
    })
}

/// Every item `fetch(from, to)` returns for the blocks `from..=to`, asked in chunks of at most
/// `max_blocks` blocks. A chunk refused as too large ([`is_range_too_large`]) is asked again at
/// half its size, and later chunks keep the smaller size; a single block refused is
/// [`Error::LogRangeRefused`]. Items come in the order of their chunks.
pub async fn fetch_in_chunks<T, F, Fut>(from: u64, to: u64, max_blocks: u64, mut fetch: F) -> Result<Vec<T>>
where
    F: FnMut(u64, u64) -> Fut,
    Fut: Future<Output = std::result::Result<Vec<T>, TransportError>>,
{
    let mut items = Vec::new();
    let mut span = max_blocks.max(1);
    let mut start = from;
    while start <= to {
        let end = start.saturating_add(span - 1).min(to);
        match fetch(start, end).await {
            Ok(chunk) => {
                items.extend(chunk);
                match end.checked_add(1) {
                    Some(next) => start = next,
                    None => break,
                }
            }
            Err(e) if is_range_too_large(&e) && end > start => {
                span = (end - start).div_ceil(2).max(1);
                tracing::debug!(start, end, span, "log range refused as too large; retrying smaller");
            }
            Err(e) if is_range_too_large(&e) => {
                return Err(Error::LogRangeRefused { block: start, reason: e.to_string() });
            }
            Err(e) => {
                return Err(Error::Transport {
                    action: format!("reading logs of blocks {start}..={end}"),
                    reason: e.to_string(),
                });
            }
        }
    }
    Ok(items)
}

impl Coordinator {
    /// Every log matching `filter` (address and topics; its block range is ignored) in `range`,
    /// requested in chunks of at most `range.max_blocks` ([`fetch_in_chunks`]: a chunk refused as
    /// too large is retried in halves down to one block), ordered by (block, log index).
    pub async fn logs(&self, filter: &Filter, range: LogRange) -> Result<Vec<Log>> {
        let to = match range.to_block {
            Some(block) => block,
            None => self.latest_block().await?,
        };
        let mut logs = fetch_in_chunks(range.from_block, to, range.max_blocks, |from, to| {
            let chunk = filter.clone().from_block(from).to_block(to);
            async move { self.provider().get_logs(&chunk).await }
        })
        .await?;
        logs.sort_by_key(|log| (log.block_number, log.log_index));
        Ok(logs)
    }

    /// The range a command scans by default: from the deployment block (else 0) to latest, in
    /// chunks of the profile's `max-log-range`.
    pub fn log_range(&self) -> LogRange {
        LogRange {
            from_block: self.deployment_block().unwrap_or(0),
            to_block: None,
            max_blocks: self.profile().max_log_range,
        }
    }

    /// The latest block's number.
    pub async fn latest_block(&self) -> Result<u64> {
        self.provider()
            .get_block_number()
            .await
            .map_err(|e| self.rpc_error("reading the latest block number", &e))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// The error response an RPC refuses with (the payload's type is only reachable by inference).
    fn refusal(message: &'static str) -> TransportError {
        let payload = serde_json::json!({ "code": -32602, "message": message });
        TransportError::ErrorResp(serde_json::from_value(payload).unwrap())
    }

    /// Runs a scan of `from..=to` against an RPC that refuses ranges over `limit` blocks with
    /// `message`; returns the blocks seen and every range asked.
    fn scan(
        from: u64,
        to: u64,
        max_blocks: u64,
        limit: u64,
        message: &'static str,
    ) -> (Result<Vec<u64>>, Vec<(u64, u64)>) {
        let asked = RefCell::new(Vec::new());
        let fetch = |a: u64, b: u64| {
            asked.borrow_mut().push((a, b));
            let answer = if b - a + 1 > limit { Err(refusal(message)) } else { Ok((a..=b).collect()) };
            async move { answer }
        };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let result = runtime.block_on(fetch_in_chunks(from, to, max_blocks, fetch));
        (result, asked.into_inner())
    }

    #[test]
    fn ranges_within_the_limit_are_asked_once_each_in_order() {
        let (blocks, asked) = scan(10, 34, 10, 1000, "unused");
        assert_eq!(blocks.unwrap(), (10..=34).collect::<Vec<_>>());
        assert_eq!(asked, vec![(10, 19), (20, 29), (30, 34)]);
    }

    #[test]
    fn a_refused_range_is_halved_until_it_passes_and_later_chunks_stay_small() {
        let (blocks, asked) = scan(0, 99, 100, 30, "query exceeds max block range 30");
        assert_eq!(blocks.unwrap(), (0..=99).collect::<Vec<_>>(), "every block exactly once, in order");
        // 100 refused, 50 refused, 25 passes; the rest goes 25 at a time.
        assert_eq!(asked, vec![(0, 99), (0, 49), (0, 24), (25, 49), (50, 74), (75, 99)]);
    }

    #[test]
    fn each_providers_refusal_is_recognised() {
        for message in [
            "query returned more than 10000 results. Try with this block range [0x1, 0x2].",
            "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
            "eth_getLogs is limited to a 10,000 range",
            "query exceeds max results 20000, retry with the range 1-5",
            "block range too large",
            "block range is too wide (maximum 1024)",
        ] {
            let (blocks, _) = scan(0, 63, 64, 3, message);
            assert_eq!(blocks.unwrap().len(), 64, "{message}");
        }
    }

    #[test]
    fn a_single_block_refused_is_an_error_naming_the_block() {
        let (result, asked) = scan(7, 20, 8, 0, "query returned more than 10000 results");
        let err = result.unwrap_err();
        assert!(matches!(err, Error::LogRangeRefused { block: 7, .. }), "{err}");
        assert_eq!(asked.last(), Some(&(7, 7)), "halved down to one block: {asked:?}");
    }

    #[test]
    fn other_errors_are_not_retried() {
        let (result, asked) = scan(0, 9, 10, 0, "execution reverted");
        assert!(matches!(result.unwrap_err(), Error::Transport { .. }));
        assert_eq!(asked, vec![(0, 9)]);
    }

    #[test]
    fn an_empty_range_asks_nothing() {
        let (blocks, asked) = scan(5, 4, 10, 10, "unused");
        assert!(blocks.unwrap().is_empty() && asked.is_empty());
    }
}
