"""The gradpay Python API against a local chain: a whole session, its errors, exactly-once records,
the aggregation of activity into reward-math.md §1 entries, and verify."""

import socket
import threading
import time

import pytest

import gradpay

ROUNDS = 10
MODEL_HASH = bytes(range(32))


def activity_for(nodes, seed):
    """Plausible activity for `nodes` nodes; `seed` varies it so epochs differ."""
    act = gradpay.EpochActivity()
    for i in range(nodes):
        act.compute(i, 100.0 + 10 * i + seed)
        for r in range(ROUNDS):
            accepted = (r + i) % 7 != 0
            act.gradient(i, 1.0 + 0.1 * ((r + seed) % 3), accepted)
            act.round(i, accepted)
        act.uptime(i, 50.0 + i, 60.0)
        act.network(i, 9000 - 100 * i)
    return act


def start_session(c, chain, session_id, nodes=3):
    """A session with `nodes` registered nodes (node i is chain.node_address(i))."""
    c.create_session(session_id, MODEL_HASH)
    indices = c.register_nodes(session_id, [chain.node_address(i) for i in range(nodes)])
    assert indices == list(range(nodes))


def finished_session(c, chain, session_id, nodes=3):
    """A session with two recorded epochs, completed and finalized, and one proportional pool."""
    start_session(c, chain, session_id, nodes)
    for epoch in range(2):
        c.record_epoch(session_id, epoch, ROUNDS, activity_for(nodes, epoch))
    c.complete_session(session_id)
    c.finalize(session_id)
    return c.create_pool(session_id, 10**18, "proportional")


def node(chain, c, i):
    n = gradpay.Node(rpc_url=chain.url, contract=c.address, private_key=chain.node_key(i))
    assert n.address.lower() == chain.node_address(i).lower()
    chain.fund(n.address, 10**17)  # gas for its claims
    return n


def test_a_whole_session_pays_each_node_what_was_pending(coordinator, chain, session_id):
    pool = finished_session(coordinator, chain, session_id)
    info = coordinator.session(session_id)
    assert info["state"] == "Finalized"
    assert (info["nodeCount"], info["eligibleCount"], info["epochCount"]) == (3, 3, 2)
    assert info["totalRounds"] == 2 * ROUNDS
    assert info["poolCount"] == 1
    total = 0
    for i in range(3):
        n = node(chain, coordinator, i)
        (before,) = n.pending(session_id)
        assert before["poolId"] == pool and before["pending"] > 0 and not before["claimed"]
        assert n.claim(pool) == before["pending"]
        (after,) = n.pending(session_id)
        assert after["pending"] == 0 and after["claimed"]
        assert after["entitled"] == before["entitled"]
        with pytest.raises(gradpay.NothingToClaimError) as raised:
            n.claim(pool)
        assert raised.value.kind == "nothingToClaim"
        total += before["pending"]
    assert total <= 10**18


def test_status_is_what_gradpay_status_prints(coordinator, chain, session_id):
    finished_session(coordinator, chain, session_id)
    status = node(chain, coordinator, 1).status(session_id)
    assert (status["state"], status["nodes"], status["epochs"]) == ("Finalized", 3, 2)
    me = status["node"]
    assert (me["registered"], me["index"], me["standing"]) == (True, 1, "eligible")
    assert int(me["scores"]["score"]) == coordinator.scores(session_id)[1]["score"]
    assert me["rewards"][0]["claimed"] is False
    stranger = gradpay.Node(rpc_url=chain.url, contract=coordinator.address, private_key=chain.node_key(9))
    assert stranger.status(session_id)["node"]["registered"] is False


def test_a_blocking_call_releases_the_gil(coordinator):
    """While a call waits on the chain, other Python threads run: an RPC that answers nothing for
    a second stalls the call, and a counting thread keeps counting meanwhile."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    url = "http://127.0.0.1:%d" % silent.getsockname()[1]
    counted, done = [0], threading.Event()

    def count():
        while not done.is_set():
            counted[0] += 1
            time.sleep(0.001)

    def hang_up_after_a_second():
        time.sleep(1.0)
        silent.close()

    counter = threading.Thread(target=count)
    counter.start()
    threading.Thread(target=hang_up_after_a_second).start()
    began = time.monotonic()
    with pytest.raises(gradpay.GradpayError):
        gradpay.Coordinator(rpc_url=url, contract=coordinator.address, private_key="0x" + "11" * 32)
    waited, seen = time.monotonic() - began, counted[0]
    done.set()
    counter.join()
    assert waited >= 0.9, "the call waited for the silent RPC"
    assert seen >= 100, f"only {seen} counts in {waited:.2f} s: the GIL was held"


def test_claim_all_claims_every_pool_with_something_due(coordinator, chain, session_id):
    first = finished_session(coordinator, chain, session_id)
    second = coordinator.create_pool(session_id, 10**17, "tiered")
    n = node(chain, coordinator, 0)
    due = {p["poolId"]: p["pending"] for p in n.pending(session_id)}
    assert dict(n.claim_all(session_id)) == due
    assert set(due) == {first, second}
    assert n.claim_all(session_id) == []


def test_an_unknown_session_is_an_unknown_session_error(coordinator):
    with pytest.raises(gradpay.UnknownSessionError) as raised:
        coordinator.session(987_654_321)
    error = raised.value
    assert isinstance(error, gradpay.GradpayError)
    assert error.kind == "unknownSession"
    assert str(error) and "\n" not in str(error)


def test_out_of_bounds_metrics_raise_and_send_nothing(coordinator, chain, session_id):
    start_session(coordinator, chain, session_id)
    coordinator.record_epoch(session_id, 0, ROUNDS, activity_for(3, 0))
    before = coordinator.session(session_id)
    act = activity_for(3, 1)
    act.network(1, 20_000)  # above 10000 bps
    with pytest.raises(gradpay.MetricsError) as raised:
        act.entries(ROUNDS)
    assert raised.value.kind == "metrics" and "networkBps" in str(raised.value)
    with pytest.raises(gradpay.MetricsError):
        coordinator.record_epoch(session_id, 1, ROUNDS, act)
    after = coordinator.session(session_id)
    assert after["epochCount"] == before["epochCount"] == 1
    assert after["totalRounds"] == before["totalRounds"]


def test_more_rounds_joined_than_the_epoch_had_is_a_metrics_error():
    act = gradpay.EpochActivity()
    for _ in range(4):
        act.round(0, True)
    with pytest.raises(gradpay.MetricsError):
        act.entries(3)


def test_recording_an_epoch_twice_records_it_once(coordinator, chain, session_id):
    start_session(coordinator, chain, session_id)
    act = activity_for(3, 0)
    first = coordinator.record_epoch(session_id, 0, ROUNDS, act)
    assert (first["epoch"], first["entries"]) == (0, 3)
    assert first["recorded"] == first["batches"] >= 1
    again = coordinator.record_epoch(session_id, 0, ROUNDS, act)
    assert again["recorded"] == 0
    info = coordinator.session(session_id)
    assert (info["epochCount"], info["totalRounds"]) == (1, ROUNDS)
    scores = coordinator.scores(session_id)
    assert [s["index"] for s in scores] == [0, 1, 2]
    assert all(s["eligible"] and s["score"] > 0 for s in scores)


def test_entries_aggregate_as_the_rust_library_does():
    act = gradpay.EpochActivity()
    act.compute(2, 1.4)
    act.compute(2, 2.0)  # times add up, rounded to whole seconds when aggregated: 3.4 -> 3
    for norm, accepted in [(1.0, True), (3.0, True), (1.0, False), (3.0, True)]:
        act.gradient(2, norm, accepted)
    for ok in [True, True, False]:
        act.round(2, ok)
    act.uptime(2, 30.0, 60.0)
    act.network(2, 7500)
    act.compute(0, 10.0)
    act.gradient(0, 2.0, True)
    act.round(0, True)
    act.uptime(0, 90.0, 60.0)  # online longer than the epoch counts as the whole epoch
    entries = act.entries(ROUNDS)
    assert [e["nodeIndex"] for e in entries] == [0, 2]  # index order
    zero, two = entries
    # Norms 1, 3, 1, 3: mean 2, population sigma 1, consistency 1 - 1/2 = 5000 bps.
    assert two == {
        "nodeIndex": 2, "computeSeconds": 3, "accepted": 3, "rejected": 1, "roundsOk": 2,
        "roundsJoined": 3, "consistencyBps": 5000, "networkBps": 7500, "uptimeBps": 5000,
    }
    # A single gradient varies by nothing; no network reading is 0.
    assert zero == {
        "nodeIndex": 0, "computeSeconds": 10, "accepted": 1, "rejected": 0, "roundsOk": 1,
        "roundsJoined": 1, "consistencyBps": 10_000, "networkBps": 0, "uptimeBps": 10_000,
    }


def test_verify_passes_on_a_clean_session(coordinator, chain, session_id):
    finished_session(coordinator, chain, session_id)
    node(chain, coordinator, 1).claim_all(session_id)
    report = gradpay.verify(session_id, rpc_url=chain.url, contract=coordinator.address)
    assert report["differences"] == []
    assert report["state"] == "Finalized"
    assert (report["nodes"], report["epochs"], report["entries"], report["claims"]) == (3, 2, 6, 1)
