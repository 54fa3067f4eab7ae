"""A small data-parallel training run paid through gradpay.

N simulated nodes fit one linear-regression model together: every round each node computes the
gradient on its own shard, the coordinator rejects outliers (a robust median rule), averages the
rest and steps the model. Node speeds differ, one node is flaky (misses rounds), one is bad (sends
noise). Each epoch's observed activity is recorded on chain; at the end the session is finalized,
two ETH pools are funded and every node claims with its own key.

    python examples/train.py --nodes 6 --epochs 5 --rounds 10
"""

import argparse
import hashlib
import json
import tempfile
import time
import urllib.request

import numpy as np

import gradpay

SESSION = 1
FEATURES = 32
SHARD_ROWS = 4000
LEARNING_RATE = 0.1
# A gradient is rejected when its distance from the coordinate-wise median exceeds this many times
# the median such distance: honest shards scatter alike, so only outliers exceed it.
REJECT_K = 3.0
# The toy gradient takes ~100 µs; one simulated second per measured 0.1 ms makes it stand for a
# real model's step, so that compute time is whole seconds (the chain records integers).
WORKLOAD_SCALE = 10_000.0
FLAKY_MISS = 0.3  # chance the flaky node misses a round
POOL_WEI = 10**18
GAS_WEI = 10**17  # what each node is given to pay for its claims


def make_shards(nodes, rng):
    """One shard (X, y) per node of y = X·w_true + noise; the same seed gives the same data."""
    w_true = rng.normal(size=FEATURES)
    shards = []
    for _ in range(nodes):
        x = rng.normal(size=(SHARD_ROWS, FEATURES))
        shards.append((x, x @ w_true + 0.1 * rng.normal(size=SHARD_ROWS)))
    return shards


def loss(w, shards):
    """Mean squared error over every shard (½ · mean residual², the loss the gradients are of)."""
    return float(np.mean([0.5 * np.mean((x @ w - y) ** 2) for x, y in shards]))


def timed_gradient(w, shard):
    """The shard's gradient and the best of three timings: on a shared machine one ~100 µs
    measurement is mostly scheduler noise, the minimum is the work itself (as timeit does)."""
    x, y = shard
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        grad = x.T @ (x @ w - y) / len(y)
        best = min(best, time.perf_counter() - start)
    return grad, best


def robust_accept(grads):
    """Accepted flags: distance from the coordinate-wise median at most REJECT_K × median distance."""
    median = np.median(np.stack(grads), axis=0)
    distances = np.array([np.linalg.norm(g - median) for g in grads])
    return distances <= REJECT_K * np.median(distances)


def node_keys(nodes, chain, seed):
    """Each node's own key: the local chain's, or on another RPC one derived from the seed."""
    if chain is not None:
        return [chain.node_key(i) for i in range(nodes)]
    return ["0x" + hashlib.sha256(f"gradpay-train-{seed}-{i}".encode()).hexdigest() for i in range(nodes)]


def fund(chain, rpc_url, address, wei):
    """Gas money for a node (anvil_setBalance: this example runs on a dev chain)."""
    if chain is not None:
        chain.fund(address, wei)
        return
    call = {"jsonrpc": "2.0", "id": 1, "method": "anvil_setBalance", "params": [address, hex(wei)]}
    body = json.dumps(call)
    request = urllib.request.Request(rpc_url, body.encode(), {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30).read()


def train_epoch(w, shards, rounds, rng, roles):
    """One epoch of `rounds` rounds; returns the new model and the nodes' observed activity."""
    slowdown, latency_ms, flaky, bad = roles
    nodes = len(shards)
    activity = gradpay.EpochActivity()
    epoch_seconds = 0.0
    offline = np.zeros(nodes)  # simulated seconds each node was unreachable
    for _ in range(rounds):
        grads, senders, took = [], [], np.zeros(nodes)
        for i in range(nodes):
            miss = i == flaky and rng.random() < FLAKY_MISS
            if miss and rng.random() < 0.5:
                took[i] = -1.0  # offline the whole round: not joined
                continue
            grad, seconds = timed_gradient(w, shards[i])
            took[i] = seconds * slowdown[i] * WORKLOAD_SCALE
            activity.compute(i, took[i])
            if miss:
                activity.round(i, False)  # joined, crashed before sending
                continue
            if i == bad:
                # Noise at a random scale over two decades: far from the honest gradients, and
                # norms that vary so much that its consistency is near zero.
                grad = rng.normal(size=FEATURES) * 10 ** rng.uniform(-1.0, 1.0)
            grads.append(grad)
            senders.append(i)
        accepted = robust_accept(grads)
        for i, grad, ok in zip(senders, grads, accepted):
            activity.gradient(i, float(np.linalg.norm(grad)), bool(ok))
            activity.round(i, bool(ok))  # a rejected gradient is a failed round
        if accepted.any():
            w = w - LEARNING_RATE * np.mean([g for g, ok in zip(grads, accepted) if ok], axis=0)
        # A synchronous round lasts as long as its slowest node; an offline node misses all of it.
        duration = took.max()
        epoch_seconds += duration
        offline[took < 0] += duration
    for i in range(nodes):
        activity.uptime(i, epoch_seconds - offline[i], epoch_seconds)
        activity.network(i, int(np.clip(10_000 - 50 * latency_ms[i], 0, 10_000)))
    return w, activity


def run(nodes=6, epochs=5, rounds=10, seed=7, rpc_url=None):
    """Trains, records, finalizes, pays; returns what happened (see the module docstring)."""
    if nodes < 4:
        raise ValueError("at least 4 nodes: a median needs honest majorities besides the flaky and bad ones")
    rng = np.random.default_rng(seed)
    shards = make_shards(nodes, rng)
    flaky, bad = nodes - 2, nodes - 1
    # Per node: a slowdown (older hardware takes longer for the same step, so it is paid for more
    # compute seconds) and a network latency; drawn from the seed so that runs repeat.
    roles = (rng.uniform(1.0, 1.6, nodes), rng.uniform(10, 60, nodes), flaky, bad)
    chain = gradpay.LocalChain() if rpc_url is None else None
    url = chain.url if chain is not None else rpc_url
    try:
        with tempfile.TemporaryDirectory() as journal:
            # On another RPC the deployer's key comes from GRADPAY_PRIVATE_KEY (private_key=None).
            key = chain.dev_key(0) if chain is not None else None
            c = gradpay.Coordinator.deploy(rpc_url=url, private_key=key, journal_dir=journal)
            keys = node_keys(nodes, chain, seed)
            members = [gradpay.Node(rpc_url=url, contract=c.address, private_key=k) for k in keys]
            model_hash = hashlib.sha256(f"linear-regression-{FEATURES}-seed-{seed}".encode()).digest()
            c.create_session(SESSION, model_hash)
            indices = c.register_nodes(SESSION, [n.address for n in members])
            assert indices == list(range(nodes)), "registered in order, so index i is node i"

            w, losses, scores = np.zeros(FEATURES), [], {}
            for epoch in range(epochs):
                w, activity = train_epoch(w, shards, rounds, rng, roles)
                c.record_epoch(SESSION, epoch, rounds, activity)
                losses.append(loss(w, shards))
                scores = {s["index"]: s["score"] for s in c.scores(SESSION)}
                running = " ".join(f"{i}:{s:.3e}" for i, s in scores.items())
                print(f"epoch {epoch}: loss {losses[-1]:.5f}  scores {running}")

            c.complete_session(SESSION)
            c.finalize(SESSION)
            pools = {c.create_pool(SESSION, POOL_WEI, s): POOL_WEI for s in ("proportional", "tiered")}
            claims = []
            for i, n in enumerate(members):
                fund(chain, url, n.address, GAS_WEI)
                before = {p["poolId"]: p["pending"] for p in n.pending(SESSION)}
                for pool, amount in n.claim_all(SESSION):
                    claims.append((i, pool, amount, before.get(pool, 0)))
    finally:
        if chain is not None:
            chain.stop()
    paid = {pool: sum(a for _, p, a, _ in claims if p == pool) for pool in pools}
    return {
        "losses": losses, "scores": scores, "bad_node": bad, "paid": paid, "pools": pools, "claims": claims,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rpc-url", default=None, help="a dev chain (anvil) instead of a fresh local one")
    args = parser.parse_args()
    result = run(args.nodes, args.epochs, args.rounds, args.seed, args.rpc_url)
    pools = sorted(result["pools"])
    print(f"\nbad node: {result['bad_node']}")
    print(f"{'node':>4} {'score':>12} " + " ".join(f"{'pool ' + str(p):>22}" for p in pools))
    for i, score in result["scores"].items():
        got = {p: a for n, p, a, _ in result["claims"] if n == i}
        print(f"{i:>4} {score:>12.4e} " + " ".join(f"{got.get(p, 0):>22}" for p in pools))
    print(f"{'paid':>4} {'':>12} " + " ".join(f"{result['paid'][p]:>22}" for p in pools))
    print(f"{'pool':>4} {'':>12} " + " ".join(f"{result['pools'][p]:>22}" for p in pools))


if __name__ == "__main__":
    main()
