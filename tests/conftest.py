"""Shared fixtures."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def load_bench():
    """``load_bench("script.py")``: bench/script.py as the module ``bench_script``.

    bench/ is on ``sys.path`` while it loads, for the siblings it imports (``_box_worlds``, the
    sweep). A bench script's top-level code only defines things (``main()`` is guarded).
    """
    loaded: list[str] = []

    def load(script: str):
        name = "bench_" + Path(script).stem
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / script)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        sys.path.insert(0, str(ROOT / "bench"))
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        finally:
            sys.path.remove(str(ROOT / "bench"))
        loaded.append(name)
        return module

    yield load
    for name in loaded:
        sys.modules.pop(name, None)


def pytest_sessionstart(session: pytest.Session) -> None:
    """With HEBBIAN_REQUIRE_TOOLS=1 (CI) the optional tools must be there: nothing skips."""
    import importlib
    import os
    import shutil

    if os.environ.get("HEBBIAN_REQUIRE_TOOLS") != "1":
        return
    missing = [
        m
        for m in (
            "pydot",
            "graphviz",
            "matplotlib",
            "scipy",
            "pettingzoo",
            "joblib",
            "ray",
            "selenium",
            "tensorboardX",
            "pandas",
        )
        if importlib.util.find_spec(m) is None
    ]
    if shutil.which("dot") is None:
        missing.append("Graphviz `dot` binary")
    if shutil.which("chromium") is None or shutil.which("chromedriver") is None:
        missing.append("chromium and chromedriver (apt install chromium chromium-driver)")
    if missing:
        raise pytest.UsageError(f"HEBBIAN_REQUIRE_TOOLS=1 but missing: {', '.join(missing)}")


# ---------------------------------------------------------------- a Rust panic fails the suite
# pyo3 turns a Rust panic into `pyo3_runtime.PanicException`, a BaseException (not Exception):
# `pytest.raises(Exception)` lets it through, but a broad `except BaseException` or a
# `pytest.raises(BaseException)` would hide it. Rust's panic hook prints "panicked at" to stderr
# before the conversion, so a panic is caught in either form: as the test's exception (anywhere
# in its chain) or in the captured stderr.


def _is_panic(exc: BaseException | None) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        t = type(exc)
        if t.__name__ == "PanicException" and t.__module__ == "pyo3_runtime":
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    report = yield
    panicked = call.excinfo is not None and _is_panic(call.excinfo.value)
    stderr = "".join(text for name, text in report.sections if name.endswith(f"stderr {call.when}"))
    if panicked or "panicked at" in stderr:
        report.outcome = "failed"
        report.longrepr = (
            f"A Rust panic reached Python in {item.nodeid} ({call.when}); every bad input must "
            f"raise a clean Python exception instead.\n{report.longrepr or ''}\n{stderr}"
        )
    return report
