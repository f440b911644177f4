"""Parameter sweeps: a trial function over settings x seeds, on one core, many, or a cluster.

:func:`sweep` calls ``fn(**setting, seed=seed)`` for every setting of a grid and every seed and
collects what it returns in a :class:`SweepResult` table. The same call runs

* ``backend="local"``: in worker processes on this machine (``concurrent.futures``, ``spawn``
  start method: safe after threads, e.g. rayon's, have started); ``n_jobs=1`` runs inline;
* ``backend="joblib"``: through joblib (``pip install "hebbian_brain[joblib]"``);
* ``backend="ray"``: as Ray tasks (``pip install "hebbian_brain[ray]"``) on a local Ray instance
  or, with ``address=`` / ``RAY_ADDRESS``, on a Ray cluster.

Rows come back in grid order (settings in order, seeds within each), whatever order the trials
finish in.
"""

from __future__ import annotations

import itertools
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from hebbian_brain._core import ArgumentTypeError, HebbianError, InvalidArgumentError
from hebbian_brain._sweep_backends import (
    Outcome,
    Trial,
    _fn_name,
    _inline,
    _joblib,
    _local,
    _ray,
)
from hebbian_brain._sweep_result import SweepResult

__all__ = ["SweepResult", "TrialError", "sweep"]

BACKENDS = ("local", "joblib", "ray")


class TrialError(HebbianError, RuntimeError):
    """A trial of a sweep raised; the message names its setting and seed.

    Attributes:
        setting: The trial's keyword arguments (without the seed).
        seed: The trial's seed.
        remote_traceback: The traceback text from the process that ran the trial.
    """

    def __init__(
        self, message: str, setting: dict[str, Any], seed: int, remote_traceback: str
    ) -> None:
        super().__init__(message)
        self.setting = setting
        self.seed = seed
        self.remote_traceback = remote_traceback

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.setting, self.seed, self.remote_traceback))


# ---------------------------------------------------------------------- arguments
def _settings(grid: Any) -> list[dict[str, Any]]:
    if isinstance(grid, Mapping):
        keys = list(grid)
        values = []
        for k in keys:
            v = grid[k]
            if isinstance(v, (str, bytes)) or not isinstance(v, (Sequence, np.ndarray, range)):
                raise ArgumentTypeError(
                    f"grid[{k!r}] must be a list of values to try, got {type(v).__name__} "
                    f"(write [{v!r}] for a single value)"
                )
            values.append(list(v))
        settings = [dict(zip(keys, combo)) for combo in itertools.product(*values)]
    elif isinstance(grid, Iterable) and not isinstance(grid, (str, bytes)):
        settings = []
        for i, s in enumerate(grid):
            if not isinstance(s, Mapping):
                raise ArgumentTypeError(f"grid[{i}] must be a dict of keyword arguments, got {s!r}")
            settings.append(dict(s))
    else:
        raise ArgumentTypeError(
            "grid must be a dict of lists (its cartesian product is swept) or a list of dicts, "
            f"got {type(grid).__name__}"
        )
    for s in settings:
        for k in s:
            if not isinstance(k, str) or not k.isidentifier():
                raise InvalidArgumentError(
                    f"invalid argument `grid`: setting names must be identifiers, got {k!r}"
                )
            if k == "seed":
                raise InvalidArgumentError(
                    "invalid argument `grid`: 'seed' is passed by the sweep; give seeds with "
                    "the `seeds` argument"
                )
    return settings


def _seeds(seeds: Any) -> list[int]:
    if isinstance(seeds, bool):
        raise ArgumentTypeError("seeds must be an int (range(seeds)) or a list of ints")
    if isinstance(seeds, (int, np.integer)):
        n = int(seeds)
        if n < 1:
            raise InvalidArgumentError(f"invalid argument `seeds`: must be >= 1, got {n}")
        return list(range(n))
    try:
        out = [operator.index(s) for s in seeds]
    except TypeError:
        raise ArgumentTypeError(
            f"seeds must be an int (range(seeds)) or a list of ints, got {seeds!r}"
        ) from None
    if not out:
        raise InvalidArgumentError("invalid argument `seeds`: no seeds given")
    return out


def _n_jobs(n_jobs: Any) -> int:
    if n_jobs is None:
        return os.cpu_count() or 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)):
        raise ArgumentTypeError(f"n_jobs must be a positive int or None, got {n_jobs!r}")
    if n_jobs < 1:
        raise InvalidArgumentError(f"invalid argument `n_jobs`: must be >= 1, got {n_jobs}")
    return int(n_jobs)


def _describe(setting: dict[str, Any], seed: int) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in setting.items())
    return f"({args}{', ' if args else ''}seed={seed})"


# ---------------------------------------------------------------------- sweep
def sweep(
    fn: Callable[..., Any],
    grid: Mapping[str, Sequence[Any]] | Iterable[Mapping[str, Any]],
    seeds: int | Iterable[int] = 1,
    *,
    backend: str = "local",
    n_jobs: int | None = None,
    on_error: str = "raise",
    address: str | None = None,
    mp_context: str = "spawn",
    progress_bar: bool = False,
) -> SweepResult:
    """Runs ``fn(**setting, seed=seed)`` for every setting of ``grid`` and every seed.

    Args:
        fn: The trial function. It returns a number, any picklable value (column ``"value"``)
            or a dict (one column per key). For the process backends it must pickle: define it
            at module level in an importable file.
        grid: A dict of lists (every combination is tried, the last key varying fastest) or a
            list of dicts (exactly those settings).
        seeds: A list of seeds, or an int ``n`` for ``range(n)``.
        backend: ``"local"`` (processes on this machine), ``"joblib"`` or ``"ray"``.
        n_jobs: Parallel trials (None: all cores; for Ray: no limit beyond the cluster's
            CPUs). ``n_jobs=1`` with the local backend runs inline, for debugging.
        on_error: ``"raise"``: the first failing trial stops the sweep with a
            :class:`TrialError` naming its setting and seed; ``"record"``: failures become rows
            with an ``"error"`` column.
        address: Ray cluster address (None: ``RAY_ADDRESS``, else a local instance). Ignored when
            Ray is already initialized.
        mp_context: Start method of the local backend's processes (``"spawn"``: safe with the
            threads rayon keeps; ``"forkserver"``; ``"fork"`` starts faster but may deadlock
            after threads have started).
        progress_bar: Show a tqdm progress bar of finished trials.

    Returns:
        A :class:`SweepResult` with one row per trial, in grid order.

    Raises:
        TrialError: A trial raised (``on_error="raise"``).
        TypeError: ``fn`` is not callable or cannot be pickled; a malformed grid.
        InvalidArgumentError: Unknown backend or ``on_error``, empty seeds, bad ``n_jobs``.
        ImportError: The backend's package is missing (the message names the extra).

    Example:
        >>> def trial(lr, seed):
        ...     return {"score": lr * seed}
        >>> sweep(trial, {"lr": [0.1, 0.2]}, seeds=3, n_jobs=1).to_numpy("score").shape
        (2, 3)
    """
    if not callable(fn):
        raise ArgumentTypeError(f"fn must be callable, got {fn!r}")
    if backend not in BACKENDS:
        raise InvalidArgumentError(
            f"invalid argument `backend`: must be one of {', '.join(map(repr, BACKENDS))}, "
            f"got {backend!r}"
        )
    if on_error not in ("raise", "record"):
        raise InvalidArgumentError(
            f"invalid argument `on_error`: must be 'raise' or 'record', got {on_error!r}"
        )
    settings = _settings(grid)
    seed_list = _seeds(seeds)
    trials: list[Trial] = [(s, seed) for s in settings for seed in seed_list]
    jobs = None if (backend == "ray" and n_jobs is None) else _n_jobs(n_jobs)

    def stop(out: Outcome) -> bool:
        return on_error == "raise" and not out[0]

    if not trials:
        runner: Iterator[tuple[int, Outcome]] = iter(())
    elif backend == "local" and jobs == 1:
        runner = _inline(fn, trials, stop)
    elif backend == "local":
        runner = _local(fn, trials, jobs or 1, stop, mp_context)
    elif backend == "joblib":
        runner = _joblib(fn, trials, jobs or 1, stop)
    else:
        runner = _ray(fn, trials, jobs, stop, address)

    outcomes: list[Outcome | None] = [None] * len(trials)
    bar = None
    if progress_bar:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(trials), unit="trial", desc=f"sweep ({backend})")
    try:
        for i, out in runner:
            outcomes[i] = out
            if bar is not None:
                bar.update(1)
            if stop(out):
                setting, seed = trials[i]
                name, message, tb = out[1]
                raise TrialError(
                    f"trial {_fn_name(fn)}{_describe(setting, seed)} raised {name}: {message}\n"
                    f"--- traceback of the trial ---\n{tb}",
                    setting,
                    seed,
                    tb,
                )
    finally:
        # Shut the workers down now (pending trials cancelled), not when the traceback goes.
        close = getattr(runner, "close", None)
        if close is not None:
            close()
        if bar is not None:
            bar.close()
    rows = []
    for (setting, seed), maybe in zip(trials, outcomes):
        if maybe is None:  # a runner stops early only on an error, raised above
            raise RuntimeError(f"internal error: no result for trial {_describe(setting, seed)}")
        rows.append(_row(setting, seed, maybe))
    return SweepResult(rows, settings, seed_list)


def _row(setting: dict[str, Any], seed: int, out: Outcome) -> dict[str, Any]:
    row: dict[str, Any] = dict(setting)
    row["seed"] = seed
    ok, value = out
    if not ok:
        row["error"] = f"{value[0]}: {value[1]}"
        return row
    if isinstance(value, Mapping):
        for k, v in value.items():
            key = str(k)
            if key in row:
                key = f"result_{key}"  # a returned name equal to a setting or "seed"
            row[key] = v
    else:
        row["value"] = value
    return row
