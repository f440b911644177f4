"""bench/box_value_splits.py: its split tests and interpolation weights do what its doc says.

The figures in docs/design/defaults.md ("Value-directed refinement") come from this stand-in; they
speak for value-directed splits only if a leaf splits along the dimension its TD errors follow,
does not split on noise, and the interpolation reproduces a cell's value at its centre.
"""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def vs(load_bench):
    pytest.importorskip("gymnasium")
    return load_bench("box_value_splits.py")


def _fitted_grid(vs, dims=3, bins=2):
    grid = vs.ListGrid(np.full(dims, -1.0), np.full(dims, 1.0), [bins] * dims, warmup=20)
    rng = np.random.default_rng(0)
    for x in rng.uniform(-1, 1, size=(20, dims)):
        grid.cell(x)
    assert grid.edges is not None
    return grid


def _feed(vs, tree, rng, delta_of, n=400, action_of=lambda x, i: i % 2):
    """Steps from inside one cell (all coordinates in (0.1, 0.9)); returns the first split."""
    for i in range(n):
        x = rng.uniform(0.1, 0.9, size=3)
        node = tree.leaf(x)
        split = tree.count(node, x, action_of(x, i), delta_of(x, action_of(x, i), rng))
        if split is not None:
            return split
    return None


@pytest.mark.parametrize("mode", ["value", "advantage"])
def test_a_leaf_splits_along_the_dimension_its_errors_follow(vs, mode):
    grid = _fitted_grid(vs)
    tree = vs.ValueSplits(grid, 2, mode, every=100, threshold=30.0)
    rng = np.random.default_rng(1)
    if mode == "value":
        delta = lambda x, a, r: 3.0 * x[1] + 0.1 * r.normal()  # noqa: E731
    else:  # the two actions' values cross along dimension 2
        delta = lambda x, a, r: (x[2] - 0.5) * (1 if a else -1) + 0.05 * r.normal()  # noqa: E731
    split = _feed(vs, tree, rng, delta)
    assert split is not None
    retired, left, right = split
    dim, threshold, _, _ = tree.nodes[tree.roots[retired]]
    assert dim == (1 if mode == "value" else 2)
    assert 0.4 < threshold < 0.6  # the mean of the visits along it
    assert left != right and retired not in (left, right)
    # Observations on either side of the threshold now get the two new ids.
    x = np.array([0.5, 0.5, 0.5])
    x[dim] = threshold - 0.1
    assert tree.state(x, add=False) == left
    x[dim] = threshold + 0.1
    assert tree.state(x, add=False) == right


@pytest.mark.parametrize("mode", ["value", "advantage"])
def test_a_leaf_does_not_split_on_noise(vs, mode):
    tree = vs.ValueSplits(_fitted_grid(vs), 2, mode, every=100, threshold=30.0)
    assert _feed(vs, tree, np.random.default_rng(2), lambda x, a, r: r.normal(), n=2000) is None
    assert tree.splits == 0


def test_no_split_mode_never_splits(vs):
    tree = vs.ValueSplits(_fitted_grid(vs), 2, "none", every=10, threshold=0.0)
    assert _feed(vs, tree, np.random.default_rng(3), lambda x, a, r: 5 * x[0]) is None


def test_interpolation_weights(vs):
    centres = [vs.bin_centres(np.array([0.0, 1.0, 2.0])), vs.bin_centres(np.array([0.0]))]
    np.testing.assert_allclose(centres[0], [-0.5, 0.5, 1.5, 2.5])
    np.testing.assert_allclose(centres[1], [-1.0, 1.0])
    # At a centre, all the weight is on that cell.
    assert vs.corner_weights(centres, np.array([0.5, -1.0])) == [((1, 0), 1.0)]
    # A quarter of the way between centres in one dimension, halfway in the other.
    got = dict(vs.corner_weights(centres, np.array([0.75, 0.0])))
    assert got == pytest.approx({(1, 0): 0.375, (1, 1): 0.375, (2, 0): 0.125, (2, 1): 0.125})
    # Beyond the outer centres the weights clamp to the outer cells and still sum to 1.
    far = vs.corner_weights(centres, np.array([99.0, -99.0]))
    assert far == [((3, 0), 1.0)]


@pytest.mark.parametrize("args", [["--hold", "0"], ["--hold", "5", "--split", "value"]])
def test_hold_is_refused_where_it_has_no_meaning(vs, args, capsys):
    with pytest.raises(SystemExit):
        vs.main(["MountainCar-v0", *args])
    assert "--hold" in capsys.readouterr().err
