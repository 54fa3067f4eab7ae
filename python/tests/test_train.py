"""examples/train.py end to end at a small size: it trains, pays the bad node least, and pays out
exactly what each node had pending, never more than a pool holds."""

import importlib.util
import pathlib

TRAIN = pathlib.Path(__file__).resolve().parents[2] / "examples" / "train.py"


def load_train():
    spec = importlib.util.spec_from_file_location("train", TRAIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_run_pays_by_contribution():
    result = load_train().run(nodes=5, epochs=3, rounds=6, seed=7)
    losses = result["losses"]
    assert len(losses) == 3 and losses[-1] < losses[0]

    scores, bad = result["scores"], result["bad_node"]
    assert sorted(scores) == list(range(5))
    assert all(scores[bad] < s for i, s in scores.items() if i != bad)

    assert len(result["pools"]) == 2
    for pool, amount in result["pools"].items():
        assert 0 < result["paid"][pool] <= amount
    assert result["claims"], "every eligible node claims"
    for node, pool, amount, pending_before in result["claims"]:
        assert pool in result["pools"]
        assert amount == pending_before > 0
    paid_nodes = {node for node, *_ in result["claims"]}
    assert paid_nodes == set(range(5))
