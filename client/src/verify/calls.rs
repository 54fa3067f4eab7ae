//! The calls to GradPay a transaction made, read from the chain: its own input when it calls
//! GradPay directly (whatever client sent it, `cast` included), else a `debug_traceTransaction`
//! call trace (`callTracer`) when another contract (a Safe's `execTransaction`, a multicall, a
//! forwarder) made them. Record batches, pool creations and `claimRewardTo` are all read so.

use alloy::{
    consensus::Transaction as _,
    network::TransactionResponse as _,
    primitives::{Address, B256, Bytes},
    providers::Provider,
    sol_types::SolCall,
};

use crate::{Coordinator, Error, Result};

/// One successful call of type `C` to GradPay, and who made it (GradPay's `msg.sender`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundCall<C> {
    pub(crate) from: Address,
    pub(crate) call: C,
}

/// The `C` calls one transaction made to GradPay, in execution order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TxCalls<C> {
    pub(crate) calls: Vec<FoundCall<C>>,
    /// Whether they were found in a call trace (another contract made them).
    pub(crate) traced: bool,
}

impl Coordinator {
    /// The successful `C` calls to GradPay transaction `hash` made: its own input when it calls
    /// GradPay directly with a `C`, else every `C` frame its call trace shows. An RPC without the
    /// tracer is the error `no_tracer` makes of its answer (the caller names what it was reading).
    pub(crate) async fn gradpay_calls<C: SolCall>(
        &self,
        hash: B256,
        no_tracer: impl FnOnce(String) -> Error,
    ) -> Result<TxCalls<C>> {
        let action = || format!("reading transaction {hash}");
        let tx = self
            .provider()
            .get_transaction_by_hash(hash)
            .await
            .map_err(|e| self.rpc_error(&action(), &e))?
            .ok_or_else(|| Error::Transport {
                action: action(),
                reason: "the RPC does not have it".into(),
            })?;
        if tx.to() == Some(self.address())
            && let Ok(call) = C::abi_decode(tx.input())
        {
            return Ok(TxCalls { calls: vec![FoundCall { from: tx.from(), call }], traced: false });
        }
        let options = serde_json::json!({ "tracer": "callTracer" });
        let trace: serde_json::Value = self
            .provider()
            .raw_request("debug_traceTransaction".into(), (hash, options))
            .await
            .map_err(|e| no_tracer(e.to_string()))?;
        let mut calls = Vec::new();
        collect_calls(&trace, self.address(), &mut calls);
        Ok(TxCalls { calls, traced: true })
    }

    /// [`Self::gradpay_calls`] for the call `what` names (e.g. `pool 257's createRewardPool`): an
    /// RPC without a call tracer is [`Error::CallUnreadable`].
    pub(crate) async fn named_gradpay_calls<C: SolCall>(
        &self,
        hash: B256,
        what: String,
    ) -> Result<TxCalls<C>> {
        self.gradpay_calls(hash, |reason| Error::CallUnreadable {
            what,
            tx: hash,
            reason: format!(
                "a contract made the call, and the RPC has no call tracer (debug_traceTransaction with callTracer: \
                 {reason}); use an RPC that serves it (anvil, geth, reth do)"
            ),
        })
        .await
    }
}

/// The `C` calls to `gradpay` in a callTracer frame and its sub-calls, in execution order; a
/// frame that failed is skipped with everything under it (it changed nothing).
fn collect_calls<C: SolCall>(frame: &serde_json::Value, gradpay: Address, out: &mut Vec<FoundCall<C>>) {
    if frame.get("error").is_some() {
        return;
    }
    let address = |key: &str| frame.get(key).and_then(|v| v.as_str()).and_then(|s| s.parse::<Address>().ok());
    let input = frame.get("input").and_then(|v| v.as_str()).and_then(|s| s.parse::<Bytes>().ok());
    if let (Some(from), Some(to), Some(input)) = (address("from"), address("to"), input)
        && to == gradpay
        && let Ok(call) = C::abi_decode(&input)
    {
        out.push(FoundCall { from, call });
    }
    for call in frame.get("calls").and_then(|v| v.as_array()).into_iter().flatten() {
        collect_calls(call, gradpay, out);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::bindings::GradPay::claimRewardToCall;
    use alloy::primitives::{U256, address};

    #[test]
    fn a_trace_yields_the_successful_calls_to_gradpay_with_their_callers() {
        let gradpay = address!("0x00000000000000000000000000000000000000aa");
        let safe = address!("0x00000000000000000000000000000000000000bb");
        let to = |r: u8| claimRewardToCall { poolId: U256::from(r), recipient: Address::repeat_byte(r) };
        let input = |r: u8| Bytes::from(to(r).abi_encode()).to_string();
        let trace = serde_json::json!({
            "from": "0x00000000000000000000000000000000000000cc", "to": safe, "input": "0x",
            "calls": [
                { "from": safe, "to": gradpay, "input": input(1) },
                { "from": safe, "to": gradpay, "input": input(2), "error": "execution reverted" },
                { "from": safe, "to": safe, "input": input(3),
                  "calls": [{ "from": safe, "to": gradpay, "input": input(4) }] },
            ],
        });
        let mut found = Vec::new();
        collect_calls::<claimRewardToCall>(&trace, gradpay, &mut found);
        assert_eq!(found, vec![FoundCall { from: safe, call: to(1) }, FoundCall { from: safe, call: to(4) }]);
    }
}
