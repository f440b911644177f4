"""BrainConfig and its parts: seed defaults, validation naming the field, frozen, picklable."""

import pickle

import pytest

import hebbian_brain as hb


def test_defaults_are_the_seeds():
    c = hb.BrainConfig()
    p, r, d = c.plasticity, c.pruning, c.dream
    assert (p.base_learning_rate, p.epsilon, p.weight_max, p.weight_min) == (0.05, 0.001, 1.0, 0.0)
    assert p.enable_anti_hebbian is True
    assert (r.inactivity_threshold, r.weight_threshold) == (1000, 0.1)
    assert (d.walks_per_cycle, d.consolidation_boost, d.creative_edge_probability) == (
        10,
        0.02,
        0.005,
    )
    assert d.enable_galvanize is True and d.galvanize_boost_multiplier == 1.5
    assert r.protection_period >= 0 and d.galvanize_age_threshold >= 0 and d.walk_length > 0


@pytest.mark.parametrize(
    ("cls", "kwargs", "field"),
    [
        (hb.PlasticityParams, {"base_learning_rate": -0.1}, "base_learning_rate"),
        (hb.PlasticityParams, {"epsilon": float("nan")}, "epsilon"),
        (hb.PlasticityParams, {"weight_min": 2.0}, "weight_min"),
        (hb.PlasticityParams, {"discount": 1.5}, "discount"),
        (hb.PlasticityParams, {"weight_max": float("inf")}, "weight_max"),
        (hb.PruningParams, {"weight_threshold": float("nan")}, "weight_threshold"),
        (hb.DreamParams, {"creative_edge_probability": 1.01}, "creative_edge_probability"),
        (hb.DreamParams, {"creative_edge_probability": -0.1}, "creative_edge_probability"),
        (hb.DreamParams, {"consolidation_boost": -1.0}, "consolidation_boost"),
        (hb.DreamParams, {"direction": "sideways"}, "direction"),
    ],
)
def test_invalid_values_raise_value_error_naming_the_field(cls, kwargs, field):
    with pytest.raises(ValueError, match=field) as info:
        cls(**kwargs)
    assert isinstance(info.value, hb.InvalidConfigError)


@pytest.mark.parametrize(
    ("cls", "field", "value"),
    [
        (hb.PruningParams, "inactivity_threshold", -1),
        (hb.PruningParams, "protection_period", -5),
        (
            hb.PruningParams,
            "inactivity_threshold",
            2**40,
        ),  # beyond the 2**31 steps kept by a rebase
        (hb.DreamParams, "walks_per_cycle", -3),
        (hb.DreamParams, "walk_length", 2**33),
        (hb.DreamParams, "galvanize_age_threshold", -1),
        (hb.PlasticityParams, "base_learning_rate", 1e300),
        (hb.DreamParams, "galvanize_boost_multiplier", 1e9),
    ],
)
def test_out_of_range_counts_and_rates_name_the_field(cls, field, value):
    with pytest.raises(hb.InvalidConfigError, match=field):
        cls(**{field: value})


def test_keyword_only_and_frozen():
    with pytest.raises(TypeError):
        hb.PlasticityParams(0.1)  # type: ignore[misc]
    p = hb.PlasticityParams()
    with pytest.raises(AttributeError):
        p.epsilon = 0.5  # type: ignore[misc]


def test_equality_replace_and_pickle_round_trip():
    c = hb.BrainConfig(
        plasticity=hb.PlasticityParams(discount=0.9),
        pruning=hb.PruningParams(protection_period=7),
        dream=hb.DreamParams(direction="forward", walks_per_cycle=3),
    )
    assert c == pickle.loads(pickle.dumps(c))
    assert c != hb.BrainConfig()
    assert c.plasticity.replace(discount=0.99) == hb.PlasticityParams()
    with pytest.raises(TypeError, match="no_such_field"):
        c.dream.replace(no_such_field=1)
    with pytest.raises(hb.InvalidConfigError, match="discount"):
        c.plasticity.replace(discount=-1.0)
    for part in (
        c.plasticity,
        c.pruning,
        c.dream,
        hb.DreamReport(walks=2),
        hb.PruneReport(nodes_removed=1),
    ):
        assert pickle.loads(pickle.dumps(part)) == part


def test_repr_is_evaluable():
    c = hb.BrainConfig(dream=hb.DreamParams(direction="forward"))
    namespace = {name: getattr(hb, name) for name in dir(hb)}
    assert eval(repr(c), namespace) == c  # noqa: S307
