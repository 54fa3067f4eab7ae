//! The Monad-like test chain (`gradpay::demo::monad_rpc`) in front of a 0.5 s-block anvil: the
//! reserve-balance budget holds or refuses what exceeds it and is never exceeded, a dropped
//! transaction is unknown until its bytes are re-sent, `All` mines nothing, receipts come late,
//! and the HTTP side answers batches, kept-alive connections and parallel requests.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::{BTreeMap, BTreeSet},
    time::{Duration, Instant},
};

use alloy::{
    consensus::TxEnvelope,
    eips::eip2718::Encodable2718,
    network::{EthereumWallet, NetworkTransactionBuilder as _, TransactionBuilder as _},
    primitives::{Address, B256, Bytes, U256, keccak256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
use gradpay::demo::{
    anvil::{Anvil, AnvilOptions, dev_signer, simulated_node_signer},
    monad_rpc::{DropSends, MonadRpc, MonadRpcOptions, MonadRpcStats, OverBudget},
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const GAS: u64 = 21_000;
const MAX_FEE: u128 = 10_000_000_000;
/// One transfer's gas fee as the budget counts it.
const FEE: u128 = GAS as u128 * MAX_FEE;
const BLOCK: Duration = Duration::from_millis(500);

struct Chain {
    _anvil: Anvil,
    direct: DynProvider,
    proxy: MonadRpc,
    via: DynProvider,
    sender: Address,
}

fn provider(url: &str) -> DynProvider {
    ProviderBuilder::new().disable_recommended_fillers().connect_http(url.parse().unwrap()).erased()
}

async fn chain(options: impl FnOnce(MonadRpcOptions) -> MonadRpcOptions) -> Chain {
    let anvil = Anvil::spawn(&AnvilOptions { block_time: Some(0.5), ..AnvilOptions::default() }).unwrap();
    let proxy = MonadRpc::start(options(MonadRpcOptions::new(anvil.url()))).await.unwrap();
    let (direct, via) = (provider(&anvil.url()), provider(&proxy.url));
    Chain { _anvil: anvil, direct, via, proxy, sender: dev_signer(0).unwrap().address() }
}

/// `count` signed 1-wei transfers from dev account 0, nonces from 0.
async fn transfers(count: u64) -> Vec<Bytes> {
    transfers_from(dev_signer(0).unwrap(), count).await
}

async fn transfers_from(signer: PrivateKeySigner, count: u64) -> Vec<Bytes> {
    let wallet = EthereumWallet::from(signer);
    let mut raws = Vec::new();
    for nonce in 0..count {
        let request = TransactionRequest::default()
            .with_to(Address::repeat_byte(0x11))
            .with_value(U256::from(1))
            .with_nonce(nonce)
            .with_chain_id(31337)
            .with_gas_limit(GAS)
            .with_max_fee_per_gas(MAX_FEE)
            .with_max_priority_fee_per_gas(1);
        let envelope: TxEnvelope = request.build(&wallet).await.unwrap();
        raws.push(Bytes::from(envelope.encoded_2718()));
    }
    raws
}

async fn send(via: &DynProvider, raw: &Bytes) -> Result<B256, String> {
    via.raw_request::<_, B256>("eth_sendRawTransaction".into(), (raw.clone(),))
        .await
        .map_err(|e| e.to_string())
}

async fn send_ok(via: &DynProvider, raw: &Bytes) -> B256 {
    let hash = send(via, raw).await.unwrap();
    assert_eq!(hash, keccak256(raw), "answered like a node: the transaction hash");
    hash
}

/// The block each of `hashes` was mined in, read from anvil.
async fn mined_blocks(direct: &DynProvider, hashes: &[B256]) -> Vec<u64> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut blocks = Vec::new();
    for hash in hashes {
        loop {
            if let Some(receipt) = direct.get_transaction_receipt(*hash).await.unwrap() {
                blocks.push(receipt.block_number.unwrap());
                break;
            }
            assert!(Instant::now() < deadline, "{hash} not mined in 30 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    blocks
}

async fn status(via: &DynProvider, hash: B256) -> Value {
    via.raw_request::<_, Value>("txpool_statusByHash".into(), (hash,)).await.unwrap()["status"].clone()
}

/// `txpool_statusByHash` says committed once the proxy's poller saw the block (within a second).
async fn assert_committed(via: &DynProvider, hash: B256) {
    let deadline = Instant::now() + Duration::from_secs(1);
    while status(via, hash).await != "committed" {
        assert!(Instant::now() < deadline, "{hash} mined but not committed: {}", status(via, hash).await);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn stats(sender: Address, counts: [usize; 6], max_in_flight: u128) -> MonadRpcStats {
    let [accepted, resent, dropped, held, refused, forwarded] = counts;
    MonadRpcStats {
        accepted,
        resent,
        dropped,
        held,
        refused,
        forwarded,
        max_in_flight_wei: if max_in_flight == 0 {
            BTreeMap::new()
        } else {
            BTreeMap::from([(sender, max_in_flight)])
        },
        senders: BTreeMap::from([(sender, accepted)]),
    }
}

#[tokio::test]
async fn over_budget_transactions_are_held_until_the_window_allows() {
    let c = chain(|o| MonadRpcOptions { fee_budget_wei: Some(2 * FEE), ..o }).await;
    let mut hashes = Vec::new();
    for raw in &transfers(6).await {
        hashes.push(send_ok(&c.via, raw).await);
    }
    assert_eq!(status(&c.via, hashes[5]).await, "tracked", "held, not lost");
    let blocks = mined_blocks(&c.direct, &hashes).await;
    for i in 0..4 {
        // At most two fees in any window of k = 3 blocks: the third waits for the first to age out.
        assert!(blocks[i + 2] >= blocks[i] + 3, "blocks {blocks:?}: tx {} too early", i + 2);
        assert!(blocks[i + 2] <= blocks[i] + 4, "blocks {blocks:?}: tx {} held too long", i + 2);
    }
    assert_committed(&c.via, hashes[5]).await;
    assert_eq!(c.proxy.stats(), stats(c.sender, [6, 0, 0, 4, 0, 6], 2 * FEE));
}

#[tokio::test]
async fn each_sender_has_its_own_budget() {
    let c = chain(|o| MonadRpcOptions { fee_budget_wei: Some(2 * FEE), ..o }).await;
    let keys = [dev_signer(0).unwrap(), dev_signer(1).unwrap()];
    let (first, second) =
        (transfers_from(keys[0].clone(), 3).await, transfers_from(keys[1].clone(), 3).await);
    // The two keys concurrently, each in nonce order, as a pipeliner with two lanes sends them.
    let lane = |raws: Vec<Bytes>| {
        let via = c.via.clone();
        async move {
            let mut hashes = Vec::new();
            for raw in &raws {
                hashes.push(send_ok(&via, raw).await);
            }
            hashes
        }
    };
    let lanes = futures::future::join(lane(first), lane(second)).await;
    for own in [lanes.0, lanes.1] {
        let blocks = mined_blocks(&c.direct, &own).await;
        assert!(blocks[1] < blocks[0] + 3, "{blocks:?}: the second fits beside the first");
        assert!(blocks[2] >= blocks[0] + 3, "{blocks:?}: the third waits for the window");
    }
    let expected = MonadRpcStats {
        accepted: 6,
        held: 2,
        forwarded: 6,
        max_in_flight_wei: keys.iter().map(|k| (k.address(), 2 * FEE)).collect(),
        senders: keys.iter().map(|k| (k.address(), 3)).collect(),
        ..MonadRpcStats::default()
    };
    assert_eq!(c.proxy.stats(), expected);
}

#[tokio::test]
async fn over_budget_transactions_are_refused_with_the_reserve_balance_error() {
    let c =
        chain(|o| MonadRpcOptions { fee_budget_wei: Some(2 * FEE), over_budget: OverBudget::Refuse, ..o })
            .await;
    let raws = transfers(3).await;
    let first = [send_ok(&c.via, &raws[0]).await, send_ok(&c.via, &raws[1]).await];
    let refused = send(&c.via, &raws[2]).await.unwrap_err();
    assert!(refused.contains("exceeds the reserve balance"), "{refused}");
    assert!(refused.contains(&format!("budget {} wei", 2 * FEE)), "{refused}");
    let mined = mined_blocks(&c.direct, &first).await;
    assert_eq!(
        c.direct.get_transaction_count(c.sender).await.unwrap(),
        2,
        "the refused one never went upstream"
    );
    // Out of the window once the head is k - 1 = 2 blocks past the later of the two.
    let last = mined[0].max(mined[1]);
    while c.direct.get_block_number().await.unwrap() < last + 2 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let third = send_ok(&c.via, &raws[2]).await;
    assert!(mined_blocks(&c.direct, &[third]).await[0] >= last + 3);
    assert_eq!(c.proxy.stats(), stats(c.sender, [3, 0, 0, 0, 1, 3], 2 * FEE));
}

#[tokio::test]
async fn a_dropped_transaction_is_unknown_until_its_bytes_are_sent_again() {
    let c = chain(|o| MonadRpcOptions { drop_sends: DropSends::Ordinals(BTreeSet::from([0])), ..o }).await;
    let raws = transfers(2).await;
    let (lost, queued) = (send_ok(&c.via, &raws[0]).await, send_ok(&c.via, &raws[1]).await);
    tokio::time::sleep(4 * BLOCK).await;
    let by_hash: Value = c.via.raw_request("eth_getTransactionByHash".into(), (lost,)).await.unwrap();
    assert_eq!(by_hash, Value::Null, "a dropped transaction looks unknown");
    assert!(c.via.get_transaction_receipt(lost).await.unwrap().is_none());
    assert_eq!(status(&c.via, lost).await, "unknown");
    assert_eq!(status(&c.via, queued).await, "tracked");
    assert_eq!(
        c.direct.get_transaction_count(c.sender).await.unwrap(),
        0,
        "nonce 1 waits for the lost nonce 0"
    );
    assert_eq!(send_ok(&c.via, &raws[0]).await, lost);
    mined_blocks(&c.direct, &[lost, queued]).await;
    assert_committed(&c.via, lost).await;
    assert_eq!(c.proxy.stats(), stats(c.sender, [2, 1, 1, 0, 0, 2], 2 * FEE));
}

#[tokio::test]
async fn dropping_all_accepts_everything_and_mines_nothing() {
    let c = chain(|o| MonadRpcOptions { drop_sends: DropSends::All, ..o }).await;
    let raws = transfers(2).await;
    let hashes = [send_ok(&c.via, &raws[0]).await, send_ok(&c.via, &raws[1]).await];
    assert_eq!(send_ok(&c.via, &raws[0]).await, hashes[0], "a re-send is answered and lost again");
    tokio::time::sleep(4 * BLOCK).await;
    assert_eq!(c.direct.get_transaction_count(c.sender).await.unwrap(), 0);
    for hash in hashes {
        assert!(c.direct.get_transaction_receipt(hash).await.unwrap().is_none());
    }
    assert_eq!(c.proxy.stats(), stats(c.sender, [2, 1, 3, 0, 0, 0], 0));
    c.proxy.set_drop_sends(DropSends::None);
    send_ok(&c.via, &raws[0]).await;
    mined_blocks(&c.direct, &hashes[..1]).await;
}

#[tokio::test]
async fn a_transaction_the_upstream_refuses_is_not_accepted() {
    let c = chain(|o| o).await;
    let broke = transfers_from(simulated_node_signer(7).unwrap(), 1).await;
    let error = send(&c.via, &broke[0]).await.unwrap_err();
    assert!(error.to_lowercase().contains("insufficient funds"), "anvil's own error: {error}");
    assert_eq!(c.proxy.stats(), MonadRpcStats::default());
}

#[tokio::test]
async fn receipts_come_late() {
    let delay = Duration::from_secs(2);
    let c = chain(|o| MonadRpcOptions { receipt_delay: delay, ..o }).await;
    let hash = send_ok(&c.via, &transfers(1).await[0]).await;
    mined_blocks(&c.direct, &[hash]).await;
    let mined = Instant::now();
    assert!(c.via.get_transaction_receipt(hash).await.unwrap().is_none(), "not yet through the proxy");
    while c.via.get_transaction_receipt(hash).await.unwrap().is_none() {
        assert!(mined.elapsed() < delay + Duration::from_secs(2), "receipt never shown");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The proxy may have seen the block up to one poll (50 ms) before the test did.
    assert!(mined.elapsed() >= delay - Duration::from_millis(100), "shown after {:?}", mined.elapsed());
}

/// One HTTP/1.1 exchange on an open connection.
async fn post(stream: &mut tokio::net::TcpStream, body: &Value) -> Value {
    post_with(stream, "", body).await
}

/// One exchange with extra `headers` (each ending in CRLF); waits for `100 Continue` if asked.
async fn post_with(stream: &mut tokio::net::TcpStream, headers: &str, body: &Value) -> Value {
    let body = body.to_string();
    let head = format!(
        "POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    if headers.contains("100-continue") {
        let mut interim = [0; 25];
        stream.read_exact(&mut interim).await.unwrap();
        assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    loop {
        let mut chunk = [0; 4096];
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "connection closed");
        response.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&response);
        if let Some((head, rest)) = text.split_once("\r\n\r\n") {
            let length: usize =
                head.lines().find_map(|l| l.strip_prefix("content-length: ")).unwrap().parse().unwrap();
            if rest.len() >= length {
                return serde_json::from_str(rest).unwrap();
            }
        }
    }
}

#[tokio::test]
async fn batches_kept_alive_connections_and_parallel_requests_are_answered() {
    let c = chain(|o| o).await;
    let mut stream = tokio::net::TcpStream::connect(c.proxy.url.trim_start_matches("http://")).await.unwrap();
    let batch = json!([
        { "jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": [] },
        { "jsonrpc": "2.0", "id": 2, "method": "txpool_statusByHash", "params": [B256::ZERO] },
        { "jsonrpc": "2.0", "id": 3, "method": "no_such_method", "params": [] },
    ]);
    let answers = post(&mut stream, &batch).await;
    assert_eq!(answers[0], json!({ "jsonrpc": "2.0", "id": 1, "result": "0x7a69" }));
    assert_eq!(answers[1], json!({ "jsonrpc": "2.0", "id": 2, "result": { "status": "unknown" } }));
    assert_eq!(answers[2]["error"]["code"], -32601, "{answers}");
    let single = post(&mut stream, &json!({ "jsonrpc": "2.0", "id": 4, "method": "eth_chainId" })).await;
    assert_eq!(single["result"], "0x7a69", "the same connection, kept alive");
    let request = json!({ "jsonrpc": "2.0", "id": 5, "method": "eth_chainId" });
    let last = post_with(&mut stream, "expect: 100-continue\r\nconnection: close\r\n", &request).await;
    assert_eq!(last["result"], "0x7a69");
    assert_eq!(stream.read(&mut [0; 16]).await.unwrap(), 0, "closed as asked");
    let parallel = futures::future::join_all((0..32).map(|_| c.via.get_chain_id())).await;
    assert!(parallel.into_iter().all(|id| id.unwrap() == 31337));
}
