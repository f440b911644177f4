"""Shared fixtures."""

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


def pytest_sessionstart(session: pytest.Session) -> None:
    """With HEBBIAN_REQUIRE_TOOLS=1 (CI) the optional tools must be there: nothing skips."""
    import importlib
    import os
    import shutil

    if os.environ.get("HEBBIAN_REQUIRE_TOOLS") != "1":
        return
    missing = [
        m
        for m in ("pydot", "graphviz", "matplotlib", "scipy", "pettingzoo", "joblib", "ray")
        if importlib.util.find_spec(m) is None
    ]
    if shutil.which("dot") is None:
        missing.append("Graphviz `dot` binary")
    if missing:
        raise pytest.UsageError(f"HEBBIAN_REQUIRE_TOOLS=1 but missing: {', '.join(missing)}")
