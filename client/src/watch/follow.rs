//! Following GradPay's logs over a WebSocket without losing or repeating one.
//!
//! alloy's WebSocket reconnects and re-subscribes silently, with no signal to its user, so the
//! logs mined while it was down would never be seen. The connection here therefore does not
//! reconnect on its own ([`NoSilentReconnect`]): a drop ends the subscription, and the watch
//! re-subscribes itself, knowing there is a gap, which it fills with `eth_getLogs` from the last
//! log it saw. [`Printer`] skips every log at or before that one, so a range fetched again (or a
//! log the new subscription delivers too) is printed once.

use std::time::Duration;

use alloy::{
    providers::{DynProvider, Provider, ProviderBuilder},
    pubsub::{ConnectionHandle, PubSubConnect, Subscription},
    rpc::types::{Filter, Log},
    transports::{TransportErrorKind, TransportResult, ws::WsConnect},
};
use tokio::sync::broadcast::error::RecvError;

use super::{EventDecoder, SessionEvent, session_of};
use crate::{Coordinator, Error, Result, logs::LogRange};

/// Attempts to re-subscribe after the WebSocket dropped, a second apart, before giving up.
const WS_RECONNECTS: u32 = 5;

/// Where a log is in the chain: its block and its index in the block.
type Position = (u64, u64);

fn position(log: &Log) -> Option<Position> {
    Some((log.block_number?, log.log_index?))
}

/// A live WebSocket subscription to GradPay's logs.
#[derive(Debug)]
pub struct LogSubscription {
    url: String,
    subscription: Subscription<Log>,
    /// Holds the connection open: the subscription receives nothing once it is dropped.
    _provider: DynProvider,
}

/// A WebSocket that, once dropped, stays down: alloy's pubsub service then closes every
/// subscription on it, which is how the watch learns of the drop.
struct NoSilentReconnect(WsConnect);

impl PubSubConnect for NoSilentReconnect {
    fn is_local(&self) -> bool {
        self.0.is_local()
    }

    async fn connect(&self) -> TransportResult<ConnectionHandle> {
        self.0.connect().await
    }

    async fn try_reconnect(&self) -> TransportResult<ConnectionHandle> {
        Err(TransportErrorKind::non_retryable_str("the watch re-subscribes itself, catching up on the gap"))
    }
}

impl LogSubscription {
    /// Waits for the next log (or a gap: the subscription lagged); `false` once the subscription
    /// has ended (its WebSocket dropped). For a follower that reads the logs themselves by
    /// `eth_getLogs` and uses the subscription only to learn when there are new ones
    /// (`gradpay serve`).
    pub async fn changed(&mut self) -> bool {
        !matches!(self.subscription.recv().await, Err(RecvError::Closed))
    }

    /// The WebSocket endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Coordinator {
    /// Subscribes to GradPay's logs over the WebSocket at `url` (`eth_subscribe`).
    pub async fn subscribe_logs(&self, url: &str) -> Result<LogSubscription> {
        let lost =
            |e: &dyn std::fmt::Display| Error::ConnectionLost { url: url.to_owned(), reason: e.to_string() };
        let connect = NoSilentReconnect(WsConnect::new(url));
        let provider =
            ProviderBuilder::new().connect_pubsub_with(connect).await.map_err(|e| lost(&e))?.erased();
        let subscription =
            provider.subscribe_logs(&Filter::new().address(self.address())).await.map_err(|e| lost(&e))?;
        Ok(LogSubscription { url: url.to_owned(), subscription, _provider: provider })
    }

    /// Prints what `live` delivers; after a gap (the subscription lagged, or its WebSocket
    /// dropped and was re-subscribed), first what was mined since the last log seen (from block
    /// `first_block` when none was).
    pub(super) async fn follow_subscription(
        &self,
        printer: &mut Printer<'_>,
        mut live: LogSubscription,
        first_block: u64,
    ) -> Result<()> {
        loop {
            match live.subscription.recv().await {
                Ok(log) => printer.print(std::slice::from_ref(&log)),
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "the subscription fell behind; fetching the logs it dropped");
                    self.catch_up(printer, first_block).await?;
                }
                Err(RecvError::Closed) => {
                    tracing::warn!(url = live.url, "the WebSocket dropped; re-subscribing");
                    live = self.resubscribe(&live.url).await?;
                    self.catch_up(printer, first_block).await?;
                }
            }
        }
    }

    /// A new subscription at `url`, tried [`WS_RECONNECTS`] times a second apart.
    async fn resubscribe(&self, url: &str) -> Result<LogSubscription> {
        let mut attempts = 0;
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            attempts += 1;
            match self.subscribe_logs(url).await {
                Ok(live) => return Ok(live),
                Err(e) if attempts >= WS_RECONNECTS => return Err(e),
                Err(e) => tracing::warn!(%e, attempts, "re-subscribing failed; retrying"),
            }
        }
    }

    /// Prints the logs from the last one seen (from block `first_block` when none was) to the
    /// latest block, by chunked `eth_getLogs`.
    async fn catch_up(&self, printer: &mut Printer<'_>, first_block: u64) -> Result<()> {
        let from_block = printer.seen.map_or(first_block, |(block, _)| block);
        let range = LogRange { from_block, to_block: None, ..self.log_range() };
        let logs = self.logs(&Filter::new().address(self.address()), range).await.map_err(|e| {
            Error::ConnectionLost { url: self.profile().rpc_url.clone(), reason: e.to_string() }
        })?;
        printer.print(&logs);
        Ok(())
    }
}

/// Emits each event about one session once, in chain order.
pub(super) struct Printer<'a> {
    decoder: EventDecoder,
    session_id: u64,
    /// The last log seen (of any session: all of GradPay's logs go through here).
    seen: Option<Position>,
    emit: &'a mut dyn FnMut(&SessionEvent),
}

impl<'a> Printer<'a> {
    pub(super) fn new(
        decoder: EventDecoder,
        session_id: u64,
        emit: &'a mut dyn FnMut(&SessionEvent),
    ) -> Self {
        Self { decoder, session_id, seen: None, emit }
    }

    /// Every log up to the end of `block` counts as seen (a replay covered them).
    pub(super) fn seen_through(&mut self, block: u64) {
        self.seen = self.seen.max(Some((block, u64::MAX)));
    }

    /// Emits the session's events among `logs` (in chain order), skipping every log at or before
    /// the last one seen.
    pub(super) fn print(&mut self, logs: &[Log]) {
        for log in logs {
            let at = position(log);
            if at.is_some_and(|at| self.seen.is_some_and(|seen| at <= seen)) {
                continue;
            }
            // A log without a position (never one mined) cannot be ordered: shown, not remembered.
            self.seen = self.seen.max(at);
            if let Some(event) = self.decoder.decode(log)
                && session_of(&event) == Some(self.session_id)
            {
                (self.emit)(&event);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use alloy::sol_types::SolEvent;

    use super::*;
    use crate::bindings::GradPay;

    fn clip_k(session: u64, block: u64, index: u64) -> Log {
        let event = GradPay::ClipKUpdated { sessionId: session, previousClipK: 0, clipK: 2 };
        let inner = alloy::primitives::Log { address: Default::default(), data: event.encode_log_data() };
        Log { inner, block_number: Some(block), log_index: Some(index), ..Default::default() }
    }

    #[test]
    fn a_log_is_printed_once_and_never_one_before_it() {
        let mut printed = Vec::new();
        let mut emit = |event: &SessionEvent| printed.push((event.block, event.log_index.unwrap()));
        let mut printer = Printer::new(EventDecoder::new().unwrap(), 1, &mut emit);
        printer.print(&[clip_k(1, 5, 0), clip_k(2, 5, 1), clip_k(1, 6, 0)]);
        // A catch-up from block 5 again, then the live stream re-delivering the last one.
        printer.print(&[clip_k(1, 5, 0), clip_k(2, 5, 1), clip_k(1, 6, 0), clip_k(1, 6, 1), clip_k(1, 8, 3)]);
        printer.print(&[clip_k(1, 8, 3), clip_k(1, 7, 0), clip_k(1, 9, 0)]);
        printer.seen_through(10);
        printer.print(&[clip_k(1, 10, 4), clip_k(1, 11, 0)]);
        assert_eq!(
            printed,
            [(5, 0), (6, 0), (6, 1), (8, 3), (9, 0), (11, 0)],
            "session 2's log is not printed"
        );
    }
}
