"""Writes the fixture that ties the Rust experience graph to its numpy stand-in.

The stand-in (``ExperienceGraph`` of bench/box_experience_graph.py) is built on a fixed random
data set: 500 steps in 3-d with 3 actions (one dimension constant, so its scale falls back to
1), rebuilt after 300 steps and again after all 500 (the second plan warm-starts from the
first). Its scale, V_max, node values and the values of each action at 20 query points
(optimistic and greedy, with and without lookahead) go to
rust/core/src/experience/testdata/standin.json, which ``cargo test -p hebbian_core experience``
matches within 1e-6. Inputs are rounded to 6 decimals so that the JSON holds them exactly.

    python bench/experience_graph_fixture.py
    python bench/experience_graph_fixture.py --standin other/box_experience_graph.py --check
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "rust/core/src/experience/testdata/standin.json"
CONFIG = {"k": 8, "rho": 0.1, "beta": 1.0, "gamma": 0.99, "tol": 1e-3, "max_sweeps": 400}
REBUILD_AT = [300, 500]


def load_standin(path: Path) -> Any:
    """The stand-in's ExperienceGraph class, without the gym worlds its module imports."""
    worlds = types.ModuleType("_box_worlds")
    worlds.__getattr__ = lambda name: None  # whatever names it imports
    sys.modules.setdefault("_box_worlds", worlds)
    spec = importlib.util.spec_from_file_location("box_eg_standin", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    graph_class = module.ExperienceGraph
    if "lookahead" not in inspect.signature(graph_class.values).parameters:
        raise SystemExit(f"{path}: its ExperienceGraph.values has no lookahead")
    return graph_class


def steps(rng: np.random.Generator, n: int) -> dict[str, list[Any]]:
    """Random steps: actions push along dimension 0 or 1; a few rewards positive, a few end."""
    x = np.column_stack([rng.uniform(-2, 2, n), rng.uniform(0, 0.1, n), np.full(n, 0.5)])
    a = rng.integers(0, 3, n)
    push = np.zeros((n, 3))
    push[a == 0, 0], push[a == 1, 0], push[a == 2, 1] = -0.2, 0.2, 0.01
    x2 = x + push + np.column_stack([rng.normal(0, 0.05, n), rng.normal(0, 0.002, n), np.zeros(n)])
    r = np.where(x2[:, 0] > 1.8, 1.0, -0.1) + rng.normal(0, 0.01, n)
    term = x2[:, 0] > 1.9
    return {
        "x": np.round(x, 6).tolist(),
        "a": a.tolist(),
        "r": np.round(r, 6).tolist(),
        "x2": np.round(x2, 6).tolist(),
        "term": term.tolist(),
    }


def build(graph_class: Any, data: dict[str, list[Any]]) -> Any:
    """The stand-in on `data`, rebuilt exactly at REBUILD_AT (never by itself)."""
    graph = graph_class(3, seed=0, growth=1e12, **CONFIG)
    graph.next_rebuild = 10**15
    for i in range(len(data["a"])):
        graph.store(data["x"][i], data["a"][i], data["r"][i], data["x2"][i], data["term"][i])
        if i + 1 in REBUILD_AT:
            graph.rebuild()
    return graph


def fixture(graph_class: Any) -> dict[str, Any]:
    rng = np.random.default_rng(20261207)
    data = steps(rng, REBUILD_AT[-1])
    graph = build(graph_class, data)
    queries = np.column_stack(
        [rng.uniform(-2.2, 2.2, 20), rng.uniform(-0.01, 0.11, 20), np.full(20, 0.5)]
    )
    queries = np.round(queries, 6)
    expected = {
        f"{'opt' if opt else 'greedy'}{'_look' if look else ''}": [
            graph.values(q, optimistic=opt, lookahead=look).tolist() for q in queries
        ]
        for opt in (True, False)
        for look in (False, True)
    }
    return {
        "config": CONFIG,
        "dim": 3,
        "n_actions": 3,
        "rebuild_at": REBUILD_AT,
        "steps": data,
        "queries": queries.tolist(),
        "scale": graph.scale.tolist(),
        "v_max": graph.v_max,
        "q_opt": graph.q_opt.tolist(),
        "q": graph.q.tolist(),
        "values": expected,
    }


def _close(a: Any, b: Any, tol: float = 1e-9) -> bool:
    """Same structure, numbers within ``tol`` (numpy's sums may differ in the last bits)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return bool(abs(a - b) <= tol * max(1.0, abs(a)))
    return bool(a == b)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--standin", type=Path, default=ROOT / "bench/box_experience_graph.py")
    parser.add_argument(
        "--check", action="store_true", help="compare with the file (within 1e-9), write nothing"
    )
    args = parser.parse_args(argv)
    current = fixture(load_standin(args.standin))
    text = json.dumps(current, separators=(",", ":")) + "\n"
    if args.check:
        same = _close(json.loads(OUT.read_text()), json.loads(text))
        print("fixture up to date" if same else "fixture differs from the stand-in's output")
        raise SystemExit(0 if same else 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
