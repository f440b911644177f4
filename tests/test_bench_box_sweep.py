"""bench/box_abstraction_sweep.py's Python grid follows the library's grid rule (rules.md §1.8).

The sweep measures per-dimension bin counts with a numpy grid (``ListGrid``); its figures speak
for the library's ``QuantileDiscretizer`` only if, with one bin count for every dimension, both
give every observation the same cell id.
"""

import numpy as np
import pytest

import hebbian_brain as hb


@pytest.fixture(scope="module")
def sweep(load_bench):
    pytest.importorskip("gymnasium")
    return load_bench("box_abstraction_sweep.py")


def _stream(n, rng):
    # Heavy tails in dimension 1 and repeated values in dimension 2 (merged quantiles).
    x = rng.normal(size=(n, 3)) * [0.05, 1.0, 0.3]
    x[:, 1] = rng.standard_cauchy(n)
    x[:, 2] = np.round(x[:, 2], 1)
    return x


def test_list_grid_with_equal_bins_is_the_library_grid(sweep):
    low = np.array([-4.8, -np.inf, -0.42])
    high = np.array([4.8, np.inf, 0.42])
    lib = hb.QuantileDiscretizer(low, high, cells=4**3, warmup=200)
    ours = sweep.ListGrid(low, high, [4, 4, 4], warmup=200)
    rng = np.random.default_rng(7)
    xs = _stream(600, rng)
    for i, x in enumerate(xs):
        assert ours.cell(x) == lib.cell(x), i
    assert lib.fitted and ours.n_cells == lib.n_cells > 8  # provisional and fitted cells met
    for e_ours, e_lib in zip(ours.edges, lib.edges):
        np.testing.assert_array_equal(e_ours, e_lib)
    # Lookups that may not add cells agree on known cells; an unknown one is UNKNOWN.
    for x in _stream(50, rng):
        known = lib.cell(x, record=False, add=False)
        got = ours.cell(x, record=False, add=False)
        assert got == (known if known < lib.max_cells else sweep.UNKNOWN)


def test_list_grid_gives_each_dimension_its_own_bins(sweep):
    low = np.array([-1.0, -1.0])
    high = np.array([1.0, 1.0])
    grid = sweep.ListGrid(low, high, [2, 8], warmup=400)
    for x in np.random.default_rng(3).uniform(-1, 1, size=(400, 2)):
        grid.cell(x)
    # Two bins: the median and the even cut at 0 (about equal here, so at most 2 edges);
    # eight bins: 7 quantiles near the 7 even cuts, so between 8 and 14 edges.
    assert 1 <= len(grid.edges[0]) <= 2
    assert 8 <= len(grid.edges[1]) <= 14
    with pytest.raises(ValueError, match="3 bin counts for 2 dimensions"):
        sweep.ListGrid(low, high, [2, 2, 2])
