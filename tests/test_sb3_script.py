"""The issue's SB3-style script runs unchanged against hb.Agent (examples/sb3_style.py)."""

import importlib.util
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sb3_style.py"


def test_the_sb3_style_script_runs_and_learns(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("sb3_style", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(tmp_path) == 1.0
    assert (tmp_path / "best" / "best_model.hb").is_file()
    assert (tmp_path / "eval" / "evaluations.npz").is_file()
    assert (tmp_path / "logs" / "progress.csv").read_text().count("\n") >= 2
    assert "mean greedy return 1.000" in capsys.readouterr().out
