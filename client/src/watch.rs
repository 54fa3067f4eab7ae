//! Following a session live: every GradPay event about it (registrations, record batches,
//! exclusions, clipK changes, completion, finalization, pools, claims, sweeps), decoded by name
//! from GradPay's ABI (the artifact the bindings are generated from, so a field added to an event
//! shows up without a change here), over a WebSocket log subscription or by polling
//! `eth_getLogs`, after an optional replay of history.
//!
//! The filter is GradPay's address alone, and events are matched to the session after decoding:
//! session events carry the session id, pool events only the pool id (whose high bits are the
//! session), and a topic list of both would collide (pool 256 is session 1's first pool and also
//! session 256's id).

use std::time::Duration;

use alloy::{
    dyn_abi::{DynSolValue, EventExt},
    json_abi::{Event, JsonAbi},
    primitives::{B256, U256},
    rpc::types::{Filter, Log},
};
use serde::Serialize;
use serde_json::Value;

use crate::{Coordinator, Error, Result, logs::LogRange};

/// GradPay's interface artifact: the ABI the bindings come from.
const ARTIFACT: &str = include_str!("../../out/IGradPay.sol/IGradPay.json");
/// Consecutive failed polls (one poll interval, at least a second, apart) before giving up.
const MAX_POLL_FAILURES: u32 = 5;

/// One event about the watched session.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionEvent {
    /// The block it is in.
    pub block: u64,
    /// The transaction that emitted it.
    pub tx: Option<B256>,
    /// Its index in the block.
    pub log_index: Option<u64>,
    /// The event's name, e.g. `RewardClaimed`.
    pub event: String,
    /// Its fields by their ABI names, in ABI order: numbers as decimal strings, addresses
    /// checksummed, bytes hex.
    #[serde(serialize_with = "in_order")]
    pub fields: Vec<(String, Value)>,
}

/// Fields as one JSON object, in ABI order.
fn in_order<S: serde::Serializer>(fields: &[(String, Value)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(fields.iter().map(|(name, value)| (name, value)))
}

impl SessionEvent {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, value)| value)
    }

    /// `RewardClaimed poolId=256 node=0x… amount=5 caller=0x…`.
    pub fn describe(&self) -> String {
        let fields = self.fields.iter().map(|(name, value)| match value {
            Value::String(s) => format!("{name}={s}"),
            other => format!("{name}={other}"),
        });
        let mut text = format!("block {} {}", self.block, self.event);
        for field in fields {
            text += " ";
            text += &field;
        }
        text
    }
}

/// Decodes GradPay's logs by the events of its ABI.
#[derive(Debug, Clone)]
pub struct EventDecoder {
    events: Vec<Event>,
}

impl EventDecoder {
    /// The decoder for the ABI this client was built with.
    pub fn new() -> Result<Self> {
        Ok(Self { events: gradpay_abi()?.events().cloned().collect() })
    }

    /// The event `log` is, with its fields by name (`None`: not an event of GradPay's ABI).
    pub fn decode(&self, log: &Log) -> Option<SessionEvent> {
        let topic0 = *log.topics().first()?;
        let event = self.events.iter().find(|e| !e.anonymous && e.selector() == topic0)?;
        let decoded = event.decode_log(log.data()).ok()?;
        let (mut indexed, mut body) = (decoded.indexed.iter(), decoded.body.iter());
        let mut fields = Vec::with_capacity(event.inputs.len());
        for input in &event.inputs {
            let value = if input.indexed { indexed.next() } else { body.next() }?;
            fields.push((input.name.clone(), to_json(value)));
        }
        Some(SessionEvent {
            block: log.block_number.unwrap_or_default(),
            tx: log.transaction_hash,
            log_index: log.log_index,
            event: event.name.clone(),
            fields,
        })
    }
}

/// GradPay's ABI as this client was built with it (events for decoding logs, functions for naming
/// what a transaction called).
pub(crate) fn gradpay_abi() -> Result<JsonAbi> {
    let decoding = |reason: String| Error::Decoding { action: "reading GradPay's ABI".into(), reason };
    let artifact: Value = serde_json::from_str(ARTIFACT).map_err(|e| decoding(e.to_string()))?;
    serde_json::from_value(artifact["abi"].clone()).map_err(|e| decoding(e.to_string()))
}

/// The session an event is about: its `sessionId`, else its `poolId`'s high bits (`None`: an
/// event about no session, e.g. a role change).
pub fn session_of(event: &SessionEvent) -> Option<u64> {
    let number = |name: &str| event.field(name)?.as_str()?.parse::<U256>().ok();
    if let Some(id) = number("sessionId") {
        return u64::try_from(id).ok();
    }
    number("poolId").and_then(|pool| crate::claims::split_pool_id(pool).map(|(session, _)| session))
}

fn to_json(value: &DynSolValue) -> Value {
    match value {
        DynSolValue::Bool(b) => Value::Bool(*b),
        DynSolValue::Int(i, _) => i.to_string().into(),
        DynSolValue::Uint(u, _) => u.to_string().into(),
        DynSolValue::Address(a) => a.to_checksum(None).into(),
        DynSolValue::FixedBytes(word, size) => alloy::primitives::hex::encode_prefixed(&word[..*size]).into(),
        DynSolValue::Bytes(bytes) => alloy::primitives::hex::encode_prefixed(bytes).into(),
        DynSolValue::String(s) => s.clone().into(),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            Value::Array(items.iter().map(to_json).collect())
        }
        other => format!("{other:?}").into(),
    }
}

mod follow;

pub use follow::LogSubscription;
use follow::Printer;

impl Coordinator {
    /// Prints (through `emit`) every event about `session_id` once, in chain order: first those
    /// from `from_block` (when given) to block `latest`, then each new one as it comes, from
    /// `live` (a subscription opened before `latest` was read, so that nothing falls between) or
    /// by polling every `poll-interval-ms` from block `latest + 1`. A gap in the subscription (it
    /// lagged, or its WebSocket dropped and was re-subscribed) is filled with `eth_getLogs` from
    /// the last event seen. Runs until the connection is lost for good
    /// ([`Error::ConnectionLost`]).
    pub async fn watch_session(
        &self,
        session_id: u64,
        from_block: Option<u64>,
        latest: u64,
        live: Option<LogSubscription>,
        emit: &mut dyn FnMut(&SessionEvent),
    ) -> Result<()> {
        let mut printer = Printer::new(EventDecoder::new()?, session_id, emit);
        if let Some(from) = from_block {
            let range = LogRange { from_block: from, to_block: Some(latest), ..self.log_range() };
            printer.print(&self.logs(&Filter::new().address(self.address()), range).await?);
            printer.seen_through(latest);
        }
        if let Some(live) = live {
            return self.follow_subscription(&mut printer, live, latest + 1).await;
        }
        let mut next = latest + 1;
        let interval = Duration::from_millis(self.profile().poll_interval_ms.max(100));
        let mut failures = 0;
        loop {
            tokio::time::sleep(interval).await;
            let polled = self.logs_after(next).await;
            match polled {
                Ok((logs, latest)) => {
                    failures = 0;
                    next = next.max(latest + 1);
                    printer.print(&logs);
                }
                Err(e) if failures + 1 >= MAX_POLL_FAILURES => {
                    let url = self.profile().rpc_url.clone();
                    return Err(Error::ConnectionLost { url, reason: e.to_string() });
                }
                Err(e) => {
                    failures += 1;
                    tracing::warn!(%e, failures, "polling failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// GradPay's logs from block `next` to the latest block, and that block's number (no logs
    /// when no block is past `next - 1` yet).
    async fn logs_after(&self, next: u64) -> Result<(Vec<Log>, u64)> {
        let latest = self.latest_block().await?;
        if latest < next {
            return Ok((Vec::new(), latest));
        }
        let range = LogRange { from_block: next, to_block: Some(latest), ..self.log_range() };
        Ok((self.logs(&Filter::new().address(self.address()), range).await?, latest))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use alloy::{primitives::LogData, sol_types::SolEvent};

    use super::*;
    use crate::bindings::GradPay;

    fn log_of(event: &impl SolEvent) -> Log {
        let inner = alloy::primitives::Log { address: Default::default(), data: event.encode_log_data() };
        Log { inner, block_number: Some(7), log_index: Some(2), ..Default::default() }
    }

    #[test]
    fn events_decode_by_name_and_belong_to_their_session() {
        let decoder = EventDecoder::new().unwrap();
        let node = alloy::primitives::Address::repeat_byte(0x11);
        let claimed = GradPay::RewardClaimed {
            poolId: crate::claims::pool_id(3, 1),
            node,
            amount: U256::from(5u8),
            caller: node,
            recipient: alloy::primitives::Address::repeat_byte(0x22),
        };
        let event = decoder.decode(&log_of(&claimed)).unwrap();
        assert_eq!((event.event.as_str(), event.block, event.log_index), ("RewardClaimed", 7, Some(2)));
        assert_eq!(event.field("poolId").unwrap(), "769");
        assert_eq!(event.field("amount").unwrap(), "5");
        assert_eq!(event.field("node").unwrap(), &Value::from(node.to_checksum(None)));
        let payout = alloy::primitives::Address::repeat_byte(0x22).to_checksum(None);
        assert_eq!(event.field("recipient").unwrap(), &Value::from(payout), "the payout it was paid to");
        let json = serde_json::to_string(&event).unwrap();
        assert!(json.contains(r#""fields":{"poolId":"769","node":"#), "ABI order: {json}");
        assert_eq!(session_of(&event), Some(3), "a pool event belongs to its pool's session");
        let clip = GradPay::ClipKUpdated { sessionId: 256, previousClipK: 0, clipK: 2 };
        let event = decoder.decode(&log_of(&clip)).unwrap();
        assert_eq!(session_of(&event), Some(256), "not session 1's first pool");
        assert!(event.describe().starts_with("block 7 ClipKUpdated sessionId=256"), "{}", event.describe());
        let unknown = Log {
            inner: alloy::primitives::Log {
                address: Default::default(),
                data: LogData::new_unchecked(vec![B256::ZERO], Default::default()),
            },
            ..Default::default()
        };
        assert!(decoder.decode(&unknown).is_none());
    }
}
