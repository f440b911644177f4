"""The model-file fuzzer (bench/fuzz_model_file.py) runs, and a short run finds nothing.

The release run is ``python bench/fuzz_model_file.py --runs 1000000`` (figures in
docs/benchmarks.md); this keeps the harness working and its seeds loadable.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FUZZER = Path(__file__).resolve().parents[1] / "bench" / "fuzz_model_file.py"


def test_a_short_fuzz_run_has_no_crash(tmp_path):
    out = subprocess.run(
        [sys.executable, str(FUZZER), "--runs", "1500", "--seed", "7", "--file-every", "50",
         "--crashes", str(tmp_path / "crashes")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "crashes 0" in out.stdout
    loaded = int(out.stdout.split("loaded ")[1].split(",")[0])
    assert loaded > 0  # some mutations keep a loadable model: the harness reaches the decoder
