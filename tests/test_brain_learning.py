"""The three-factor rule, TD values, batch learning and bounds (docs/reference/rules.md §1)."""

import numpy as np
import pytest

import hebbian_brain as hb


def make(**plasticity):
    return hb.Brain(hb.BrainConfig(plasticity=hb.PlasticityParams(**plasticity)), seed=0)


def test_a_transition_creates_nodes_and_a_synapse_and_learns_from_the_prediction_error():
    p = hb.PlasticityParams()
    b = make()
    x = b.get_or_create_node((0, 0), 1)
    y = b.get_or_create_node((0, 1), 2)
    assert b.get_or_create_node((0, 0), 1) == x and b.node_count == 2
    delta = b.learn_transition(x, y, 1.0)
    assert delta == pytest.approx(1.0)
    s = b.synapse(x, y)
    consolidated = 1 - p.consolidation_rate
    expected = p.initial_weight + p.base_learning_rate * consolidated * (1.0 + p.epsilon)
    assert s.weight == pytest.approx(expected, abs=1e-6)
    assert s.plasticity == pytest.approx(consolidated, abs=1e-6)
    assert s.traversal_count == 1 and s.eligibility_trace == 1.0 and not s.is_creative
    # TD(λ) moves V(x) by α·δ, then the model changed at x and its expected backup sets
    # V(x) = r̄ + γ·max V(y) = 1 (ρ = 1).
    assert b.node(x).value == pytest.approx(1.0)
    assert b.node(x).activation_count == 1 and b.node(x).average_reward == 1.0
    assert b.clock == 1 and b.edge_count == 1


def test_a_predicted_reward_stops_driving_the_weights():
    b = make(weight_decay=0.0)
    x, g = b.get_or_create_node(0, 0), b.get_or_create_node(1, 0)
    deltas = []
    for _ in range(300):
        deltas.append(b.learn_transition(x, g, 1.0))
        b.learn_terminal(g, 0.0)
        b.end_episode()
    assert abs(deltas[-1]) < 1e-3 < abs(deltas[0])
    # A raw-reward modulator would have pushed the weight to its ceiling by now.
    assert b.synapse(x, g).weight < 0.8


def test_anti_hebbian_switch():
    for anti, below in ((True, True), (False, False)):
        b = make(enable_anti_hebbian=anti)
        x, y = b.get_or_create_node(0, 0), b.get_or_create_node(1, 0)
        b.learn_transition(x, y, -1.0)
        assert (b.synapse(x, y).weight < 0.5) is below


def test_negative_rewards_are_learned_as_values_and_dreams_still_replay():
    # CliffWalking's lesson: -1 per step must not stop learning. Values learn the costs, and
    # replay still walks even where anti-Hebbian steps pushed weights to their floor.
    b = make(weight_decay=0.0)
    nodes = [b.get_or_create_node(i, 0) for i in range(5)]
    for _ in range(300):
        for i in range(4):
            b.learn_transition(nodes[i], nodes[i + 1], -1.0)
        b.learn_terminal(nodes[4], -1.0)
        b.end_episode()
    values = [b.node(n).value for n in nodes]
    gamma = b.config.plasticity.discount
    costs = [-sum(gamma**k for k in range(5 - i)) for i in range(5)]
    np.testing.assert_allclose(values, costs, rtol=0.05)
    report = b.dream(cycles=3)
    assert report.steps > 0


def test_batch_learning_equals_per_call_learning():
    rng = np.random.default_rng(0)
    src = rng.integers(0, 30, 500)
    dst = rng.integers(0, 30, 500)
    rewards = rng.normal(size=500)
    one, many = make(), make()
    for b in (one, many):
        for i in range(30):
            b.get_or_create_node(i, 0)
    deltas = many.learn_transitions(src, dst, rewards)
    expected = [
        one.learn_transition(int(s), int(d), float(r)) for s, d, r in zip(src, dst, rewards)
    ]
    np.testing.assert_allclose(deltas, expected)
    assert one == many
    # Lists and other integer dtypes are accepted.
    many.learn_transitions(list(src[:3].astype(np.int32)), dst[:3].astype(np.uint16), [0, 1, 2])


def test_batch_learning_equals_per_call_learning_on_a_large_pruned_brain():
    # Big enough that the batch path's guessed synapse slots (edge-index hash tags, checked
    # before use) collide often, with synapses created inside a block and slots freed by
    # pruning and reused between batches.
    config = hb.BrainConfig(
        pruning=hb.PruningParams(
            inactivity_threshold=50, weight_threshold=0.45, protection_period=0
        ),
        dream=hb.DreamParams(creative_edge_probability=0.5),
    )
    one, many = hb.Brain(config, seed=3), hb.Brain(config, seed=3)
    rng = np.random.default_rng(5)
    for _ in range(4):
        # Pruning removes isolated nodes; recreating them reuses the holes, alike in both.
        ids = [
            np.array([b.get_or_create_node(i // 4, i % 4) for i in range(4000)])
            for b in (one, many)
        ]
        np.testing.assert_array_equal(ids[0], ids[1])
        k = rng.integers(0, 4000, 20_000)
        j = (k + rng.integers(-40, 41, 20_000)) % 4000
        j[::7] = k[::7]  # self-loops
        j[1::97] = j[0:-1:97]  # repeats of a pair created in the same block
        k[1::97] = k[0:-1:97]
        src, dst = ids[0][k], ids[0][j]
        rewards = rng.normal(size=20_000)
        deltas = many.learn_transitions(src, dst, rewards)
        expected = [
            one.learn_transition(int(s), int(d), float(r)) for s, d, r in zip(src, dst, rewards)
        ]
        np.testing.assert_array_equal(deltas, expected)
        assert many.edge_count > 10_000
        for b in (one, many):
            b.dream(cycles=20)
            pruned = b.prune().synapses_removed
            b.end_episode()
        assert one == many and pruned > 1000


def test_weights_stay_within_bounds_after_a_million_random_updates():
    b = hb.Brain(
        hb.BrainConfig(
            plasticity=hb.PlasticityParams(weight_min=0.2, weight_max=0.7, base_learning_rate=0.5),
            dream=hb.DreamParams(consolidation_boost=0.3),
        ),
        seed=1,
    )
    for i in range(1000):
        b.get_or_create_node(i % 250, i // 250)
    rng = np.random.default_rng(1)
    top = 0.0
    for _ in range(10):
        # Each node leads to one of 8 others, as experiences do; rewards are wild.
        src = rng.integers(0, 1000, 100_000)
        dst = (src * 7 + rng.integers(0, 8, 100_000)) % 1000
        rewards = rng.normal(scale=50.0, size=100_000)
        top = max(top, float(np.abs(rewards).max()))
        b.learn_transitions(src, dst, rewards)
        b.dream(5)
    w = b.edges()["weight"]
    assert b.clock == 1_000_000 and int((~b.edges()["is_creative"]).sum()) == 8000
    assert w.min() >= 0.2 and w.max() <= 0.7
    assert w.min() < 0.21 and w.max() > 0.69, "the bounds were actually reached"
    values = b.nodes()["value"]
    assert np.isfinite(values).all()
    # Unrelated steps chained by the traces: values stay within the returns the rewards allow.
    bound = top / (1 - b.config.plasticity.discount)
    assert np.abs(values).max() <= bound
    # Reads clamp; the loader checks the stored weights themselves.
    assert hb.Brain.from_bytes(b.to_bytes()) == b


def test_extreme_but_valid_settings_never_store_nan():
    cfg = hb.BrainConfig(
        plasticity=hb.PlasticityParams(
            base_learning_rate=1e6, consolidation_rate=1.0, plasticity_floor=0.0
        )
    )
    b = hb.Brain(cfg, seed=0)
    x, y = b.get_or_create_node(0, 0), b.get_or_create_node(1, 0)
    for r in (1e12, -1e12, 1e12):
        b.learn_transition(x, y, r)
    assert np.isfinite(b.edges()["weight"]).all()
    assert hb.Brain.from_bytes(b.to_bytes()) == b
    with pytest.raises(hb.InvalidArgumentError, match="reward"):
        b.learn_transition(x, y, 1e13)


def test_lazy_decay_reads_the_same_before_and_after_materialising():
    b = make(weight_decay=0.01, weight_min=0.1)
    x, y, z = (b.get_or_create_node(i, 0) for i in range(3))
    b.learn_transition(x, y, 1.0)
    b.end_episode()
    w0 = b.synapse(x, y).weight
    for _ in range(40):
        b.learn_terminal(z, 0.0)
    w = b.synapse(x, y).weight
    assert w == pytest.approx(0.1 + (w0 - 0.1) * 0.99**40, abs=1e-5)
    before = b.edges()["weight"].copy()
    b.apply_weight_decay()
    np.testing.assert_allclose(b.edges()["weight"], before, atol=1e-6)


def test_traces_are_cleared_at_episode_end_and_values_persist():
    b = make()
    x, y = b.get_or_create_node(0, 0), b.get_or_create_node(1, 0)
    b.learn_transition(x, y, 0.5)
    assert b.synapse(x, y).eligibility_trace > 0
    b.end_episode()
    assert b.synapse(x, y).eligibility_trace == 0 and b.episodes == 1
    assert b.node(x).value > 0


def test_activate_node_records_without_learning():
    b = make()
    x = b.get_or_create_node(0, 0)
    b.activate_node(x, 2.0)
    b.activate_node(x, 4.0)
    n = b.node(x)
    assert n.activation_count == 2 and n.average_reward == pytest.approx(3.0) and n.value == 0.0


def test_truncation_bootstraps_from_the_next_state():
    b = make()
    x, y = b.get_or_create_node(0, 0), b.get_or_create_node(1, 0)
    for _ in range(100):
        b.learn_terminal(y, 1.0)
    delta = b.learn_truncated(x, 0.0, 1)
    assert delta == pytest.approx(b.config.plasticity.discount * b.state_value(1), rel=1e-2)
    assert b.state_value(12345) is None
