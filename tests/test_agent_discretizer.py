"""Discretizer bins Box observations into one integer index."""

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hebbian_brain as hb


def test_bins_are_numbered_first_dimension_most_significant():
    d = hb.Discretizer(low=[-1.0, 0.0], high=[1.0, 1.0], bins=[4, 2])
    assert d.n == 8
    assert d([-1.0, 0.0]) == 0
    assert d([0.1, 0.9]) == 2 * 2 + 1
    assert d([1.0, 1.0]) == 7  # the upper bound falls into the last bin
    assert d([5.0, -3.0]) == 6  # outside the box: edge bins
    assert d.bin_indices([0.1, 0.9]).tolist() == [2, 1]


def test_infinite_bounds_are_clipped():
    space = gym.make("CartPole-v1").observation_space
    d = hb.Discretizer.from_space(space, bins=6, infinite_bound=3.0)
    assert np.isfinite(d.low).all() and np.isfinite(d.high).all()
    assert d.high[1] == 3.0 and d.low[1] == -3.0
    assert d([0.0, 1e9, 0.0, -1e9]) < d.n


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=True), min_size=3, max_size=3))
def test_every_finite_or_infinite_observation_gets_a_valid_index(x):
    d = hb.Discretizer(low=[-2.0, 0.0, -np.inf], high=[2.0, 5.0, np.inf], bins=[3, 4, 5])
    assert 0 <= d(x) < d.n


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"low": [0.0, 0.0], "high": [1.0], "bins": [2, 2, 2]}, hb.ShapeError, "low, high, bins"),
        ({"low": 1.0, "high": 1.0}, hb.InvalidArgumentError, "low must be < high"),
        ({"low": 0.0, "high": 1.0, "bins": 0}, hb.InvalidArgumentError, "bins"),
        ({"low": 0.0, "high": 1.0, "bins": 2.5}, hb.InvalidArgumentError, "bins"),
        ({"low": float("nan"), "high": 1.0}, hb.InvalidArgumentError, "NaN"),
        ({"low": 0.0, "high": 1.0, "infinite_bound": -1.0}, hb.InvalidArgumentError, "infinite"),
    ],
)
def test_bad_arguments_name_the_problem(kwargs, error, match):
    with pytest.raises(error, match=match):
        hb.Discretizer(**kwargs)


def test_from_space_needs_a_box():
    with pytest.raises(TypeError, match="Box"):
        hb.Discretizer.from_space(gym.spaces.Discrete(3))


def test_equality_and_repr():
    a = hb.Discretizer(0.0, 1.0, 4)
    assert a == hb.Discretizer(0.0, 1.0, 4) and a != hb.Discretizer(0.0, 2.0, 4)
    assert "bins=[4]" in repr(a)


def test_a_cell_count_beyond_int64_is_refused_not_wrapped():
    with pytest.raises(hb.InvalidArgumentError, match="bins"):
        hb.Discretizer(low=[0.0] * 4, high=[1.0] * 4, bins=[2**16] * 4)
    d = hb.Discretizer(low=[0.0] * 3, high=[1.0] * 3, bins=[2**20] * 3)  # 2**60 cells: fine
    assert d.n == 2**60
    assert d([1.0, 1.0, 1.0]) == 2**60 - 1


def test_an_infinite_span_is_refused():
    with pytest.raises(hb.InvalidArgumentError, match="finite"):
        hb.Discretizer(low=-np.inf, high=np.inf, bins=4, infinite_bound=1e308)
    with pytest.raises(hb.InvalidArgumentError, match="finite"):
        hb.Discretizer(low=-1.7e308, high=1.7e308, bins=4, infinite_bound=1.79e308)
