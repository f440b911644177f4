"""The conftest hook turns a Rust panic into a test failure even when a test swallows it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent(
    '''
    import sys

    class PanicException(BaseException):
        pass

    PanicException.__module__ = "pyo3_runtime"

    def test_swallowed_panic_message():
        # What Rust's panic hook prints before pyo3 raises PanicException, then swallowed.
        sys.stderr.write("thread '<unnamed>' panicked at rust/core/src/x.rs:1:1:\\nboom\\n")

    def test_swallowed_panic_exception():
        try:
            raise PanicException("boom")
        except BaseException:
            raise RuntimeError("wrapped") from PanicException("boom")

    def test_clean():
        assert True
    '''
)


def test_a_swallowed_panic_fails_the_test(tmp_path: Path):
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "conftest",
         "-c", os.devnull, "--rootdir", str(tmp_path), str(tmp_path / "test_probe.py")],
        capture_output=True, text=True, env=env, timeout=120,
    )
    out = result.stdout
    assert "2 failed, 1 passed" in out, out + result.stderr
    assert out.count("A Rust panic reached Python") >= 2, out
