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
    for cls in (hb.InvalidConfigError, hb.InvalidNodeError, hb.FileFormatError, hb.StateError):
        assert issubclass(cls, hb.HebbianError)
        assert cls.__module__ == "hebbian_brain"


def test_version_is_a_string():
    assert hb.__version__.count(".") == 2
