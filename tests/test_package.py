"""The installed package exposes its exception hierarchy."""

import hebbian_brain as hb


def test_exception_hierarchy_matches_builtins():
    assert issubclass(hb.InvalidConfigError, ValueError)
    assert issubclass(hb.InvalidArgumentError, ValueError)
    assert issubclass(hb.ShapeError, ValueError)
    assert issubclass(hb.InvalidNodeError, IndexError)
    assert issubclass(hb.NoSynapseError, LookupError)
    assert issubclass(hb.StateError, RuntimeError)
    assert issubclass(hb.FileFormatError, ValueError)
    assert issubclass(hb.ArgumentTypeError, TypeError)
    for cls in (
        hb.InvalidConfigError,
        hb.InvalidNodeError,
        hb.FileFormatError,
        hb.StateError,
        hb.ArgumentTypeError,
    ):
        assert issubclass(cls, hb.HebbianError)
        assert cls.__module__ == "hebbian_brain"


def test_wrong_types_checked_by_the_library_raise_its_type_error():
    # Checks written by the library (Python and Rust) raise ArgumentTypeError: a HebbianError
    # that is also a TypeError, naming the argument.
    import gymnasium as gym
    import numpy as np
    import pytest

    from hebbian_brain import rnn

    with pytest.raises(hb.ArgumentTypeError, match="obs"):
        hb.abstraction.QuantileDiscretizer([0.0, 0.0], [1.0, 1.0]).cell(np.array(["a", "b"]))
    with pytest.raises(hb.ArgumentTypeError, match="unexpected field"):
        hb.DreamParams().replace(bogus=1)
    with pytest.raises(hb.ArgumentTypeError, match="path"):
        hb.Agent(gym.make("FrozenLake-v1")).history.to_csv(1)
    with pytest.raises(hb.ArgumentTypeError, match="inputs"):
        rnn.RecurrentNetwork(2, 4, 1, seed=0).run(np.array([["a", "b"]]))


def test_version_is_a_string():
    assert hb.__version__.count(".") == 2
