"""bench/box_tile_coding.py's tilings are offset copies of the library's default grid.

Its figures (docs/design/defaults.md, "Tile coding, measured") compare T tilings against the
default grid; that comparison holds only if one tiling is exactly the default grid and T
tilings cut each bin into T pieces.
"""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def tiles(load_bench):
    pytest.importorskip("gymnasium")
    pytest.importorskip("scipy")
    return load_bench("box_tile_coding.py")


EDGES = [np.array([-1.0, -0.2, 0.0, 0.5]), np.array([2.0, 3.0])]


def test_the_floor_of_a_coordinate_is_the_grid_bin(tiles):
    rng = np.random.default_rng(5)
    xs = np.column_stack([rng.normal(size=2000), rng.normal(2.5, 2.0, size=2000)])
    xs[:4] = [[-1.0, 2.0], [0.5, 3.0], [-50.0, -50.0], [50.0, 50.0]]  # on edges, far out
    for x in xs:
        u = tiles.coordinates(EDGES, x)
        bins = [np.searchsorted(e, v, side="right") for e, v in zip(EDGES, x)]
        np.testing.assert_array_equal(np.floor(u), bins)
    # Monotone in each value: a larger value never gets a smaller coordinate.
    grid = np.linspace(-3, 3, 601)
    u0 = [tiles.coordinates(EDGES, np.array([v, 2.5]))[0] for v in grid]
    assert np.all(np.diff(u0) >= 0) and u0[0] == 0.0 and u0[-1] < 5.0


def test_t_offset_tilings_cut_every_bin_into_t_pieces(tiles):
    t = 4
    offsets = np.array([[((2 * k + 1) * i % t) / t for k in range(2)] for i in range(t)])
    inner = np.linspace(-0.999, 0.499, 3000)  # the three inner bins of dimension 0
    joint = {
        tuple(np.floor(tiles.coordinates(EDGES, np.array([v, 2.5]))[0] + offsets[:, 0]))
        for v in inner
    }
    # One tiling: 3 cells over these bins; four offset ones: 3·4 pieces (the last one split off
    # at each offset too), never more than one new piece per offset and bin.
    assert 3 * t <= len(joint) <= 3 * t + t
