"""Dreams on hand-built graphs: what is reinforced, galvanized, wired and backed up."""

import numpy as np
import pytest

import hebbian_brain as hb


def chain_brain(*, direction="reverse", creative=0.0, galvanize_age=1000, seed=0):
    """A 5-step chain ending in a reward, plus a disconnected pair x -> y."""
    cfg = hb.BrainConfig(
        plasticity=hb.PlasticityParams(weight_decay=0.0, weight_max=100.0),
        dream=hb.DreamParams(
            direction=direction,
            creative_edge_probability=creative,
            galvanize_age_threshold=galvanize_age,
            # A partial step leaves salience behind, so dreams start at salient nodes (a
            # converged brain's dreams start uniformly over all nodes, x included).
            replay_learning_rate=0.5,
        ),
    )
    b = hb.Brain(cfg, seed=seed)
    x, y = b.get_or_create_node("x", 0), b.get_or_create_node("y", 0)
    b.learn_transition(x, y, 0.0)  # δ = 0: never salient
    b.end_episode()
    chain = [b.get_or_create_node(i, 0) for i in range(6)]
    for i in range(5):
        b.learn_transition(chain[i], chain[i + 1], 0.0)
    b.learn_terminal(chain[5], 1.0)
    b.end_episode()
    return b, chain, (x, y)


def weights(b):
    e = b.edges()
    return {(int(s), int(t)): w for s, t, w in zip(e["source"], e["target"], e["weight"])}


def test_only_traversed_synapses_are_reinforced():
    b, chain, (x, y) = chain_brain()
    before = weights(b)
    report = b.dream(cycles=5)
    after = weights(b)
    assert report.walks == 50 and report.steps > 0
    assert after[(x, y)] == before[(x, y)], "unreachable synapse untouched"
    grown = [k for k in before if after[k] > before[k] + 1e-9]
    assert grown and all(k != (x, y) for k in grown)
    # Each traversal adds exactly the boost (no galvanize here: everything is young).
    added = sum(after[k] - before[k] for k in before)
    assert added == pytest.approx(report.synapses_reinforced * 0.02, abs=1e-4)
    assert report.synapses_galvanized == 0


def test_each_traversal_of_an_old_synapse_gets_exactly_the_galvanized_boost():
    # A multiplier whose multiples never coincide with whole plain boosts: 1.37 * k != m.
    cfg = hb.BrainConfig(
        plasticity=hb.PlasticityParams(weight_decay=0.0, weight_max=100.0),
        dream=hb.DreamParams(
            walks_per_cycle=1,
            galvanize_age_threshold=3,
            galvanize_boost_multiplier=1.37,
            direction="forward",
            creative_edge_probability=0.0,
        ),
    )
    b = hb.Brain(cfg, seed=4)
    chain = [b.get_or_create_node(i, 0) for i in range(6)]
    for i in range(5):
        b.learn_transition(chain[i], chain[i + 1], 0.0)
    b.learn_terminal(chain[5], 1.0)
    b.end_episode()
    e = b.edges()
    created = {
        (int(s), int(t)): int(c) for s, t, c in zip(e["source"], e["target"], e["created_at"])
    }
    seen_old = seen_young = False
    for _ in range(60):
        before = weights(b)
        report = b.dream(cycles=1)
        after = weights(b)
        for key, w0 in before.items():
            gained = after[key] - w0
            if gained <= 1e-9:
                continue
            old = b.clock - created[key] > 3
            unit = 0.02 * (1.37 if old else 1.0)
            k = gained / unit
            assert k == pytest.approx(round(k), abs=1e-3), (key, old, gained)
            seen_old |= old
            seen_young |= not old
        assert report.synapses_galvanized <= report.synapses_reinforced
    assert seen_old and seen_young


def test_a_real_traversal_makes_a_creative_synapse_part_of_the_model():
    b = hb.Brain(hb.BrainConfig(plasticity=hb.PlasticityParams(weight_decay=0.0)), seed=0)
    a, c = b.get_or_create_node("a", 0), b.get_or_create_node("c", 0)
    assert b.create_creative_edge(a, c)
    b.learn_transition(a, c, 0.0)
    b.learn_terminal(c, 1.0)
    b.end_episode()
    assert not b.synapse(a, c).is_creative
    b.dream(cycles=20)
    assert b.node(a).value > 0.8  # backed up through a -> c


def test_only_old_synapses_are_galvanized():
    # Synapses of the chain were created at clock 2..6; the clock is 7. Threshold 3 steps:
    # the first three chain synapses (ages 5, 4, 3 -> only ages > 3) are old.
    b, chain, _ = chain_brain(galvanize_age=3, direction="forward")
    created = {
        (int(s), int(t)): int(c)
        for s, t, c in zip(*(b.edges()[k] for k in ("source", "target", "created_at")))
    }
    before = weights(b)
    report = b.dream(cycles=20)
    after = weights(b)
    assert 0 < report.synapses_galvanized < report.synapses_reinforced
    for key, w0 in before.items():
        gained = after[key] - w0
        if gained <= 1e-9:
            continue
        old = b.clock - created[key] > 3
        unit = 0.02 * 1.5 if old else 0.02
        assert gained / unit == pytest.approx(round(gained / unit), abs=1e-3), (key, old, gained)


def test_certain_creativity_wires_creative_shortcuts_two_hops_or_more():
    for direction in ("reverse", "forward"):
        b, chain, _ = chain_brain(creative=1.0, direction=direction)
        report = b.dream(cycles=2)
        assert report.creative_edges_created > 0
        e = b.edges()
        creative = [
            (int(s), int(t)) for s, t, c in zip(e["source"], e["target"], e["is_creative"]) if c
        ]
        assert len(creative) == report.creative_edges_created
        for s, t in creative:
            assert chain.index(t) - chain.index(s) >= 2
        assert "style=dashed" in b.to_dot()


def test_no_creativity_when_probability_is_zero():
    b, _, _ = chain_brain(creative=0.0)
    assert b.dream(cycles=20).creative_edges_created == 0
    assert not b.edges()["is_creative"].any()


def test_replay_backs_values_up_the_chain():
    b, chain, _ = chain_brain()
    start = b.node(chain[0]).value
    report = b.dream(cycles=10)
    values = [b.node(n).value for n in chain]
    assert report.value_change > 0
    assert values[0] > start + 0.2
    assert values == sorted(values)
    # Discounted: each step back loses about a factor γ once converged.
    b.dream(cycles=200)
    values = [b.node(n).value for n in chain]
    gamma = hb.PlasticityParams().discount
    np.testing.assert_allclose(values[:-1], [gamma ** (5 - i) for i in range(5)], rtol=0.05)


def test_same_seed_same_dreams_different_seed_different_dreams():
    runs = []
    for seed in (7, 7, 8):
        b, _, _ = chain_brain(creative=0.5, seed=seed)
        b.dream(cycles=30)
        runs.append(b.to_bytes())
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_dreaming_an_empty_brain_is_a_no_op():
    report = hb.Brain(seed=0).dream(cycles=3)
    assert report == hb.DreamReport()
    with pytest.raises(hb.InvalidArgumentError, match="cycles"):
        hb.Brain().dream(cycles=-1)


def test_long_dreams_run_in_chunks_without_changing_what_they_do():
    a, _, _ = chain_brain(creative=0.3, seed=5)
    b, _, _ = chain_brain(creative=0.3, seed=5)
    ra = a.dream(cycles=600)
    rb = b.dream(cycles=256) + b.dream(cycles=344)
    assert a == b
    # The counts are equal; Σ|ΔV| only up to the order in which the chunks' sums are added.
    assert ra.walks == rb.walks and ra.steps == rb.steps
    assert ra.synapses_reinforced == rb.synapses_reinforced
    assert ra.creative_edges_created == rb.creative_edges_created
    assert ra.value_change == pytest.approx(rb.value_change, rel=1e-12)


def test_a_long_dream_can_be_interrupted():
    import signal
    import threading

    b, _, _ = chain_brain()
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals need the main thread")
    old = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        with pytest.raises(KeyboardInterrupt):
            b.dream(cycles=10**9)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert b.node_count == 6 + 2  # still usable
    b.dream(cycles=1)
