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
import math
import operator
import os
import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from hebbian_brain._core import HebbianError, InvalidArgumentError

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


# ---------------------------------------------------------------------- the trial, in a worker
def _run_trial(
    fn: Callable[..., Any], setting: dict[str, Any], seed: int, check_pickle: bool
) -> tuple[bool, Any]:
    """Runs one trial; ``(True, value)`` or ``(False, (type name, message, traceback))``.

    Module-level so that every backend can ship it; exceptions are caught here so that an
    exception class that does not pickle still comes back as text.
    """
    try:
        value = fn(**setting, seed=seed)
        if check_pickle:
            pickle.dumps(value)
        return True, value
    except Exception as e:  # reported to the caller with the setting and seed
        return False, (type(e).__name__, str(e), traceback.format_exc())


def _backend_failure(e: BaseException, backend: str) -> tuple[bool, Any]:
    """A trial that failed outside the trial function (the worker could not load it, died, ...)."""
    text = str(e)
    hint = ""
    if (
        isinstance(e, (ModuleNotFoundError, AttributeError))
        or "No module named" in text
        or ("Can't get attribute" in text)
    ):
        hint = (
            " (the worker could not import the trial function: define it in a module the "
            "workers can import"
            + (
                "; on Ray, ship it with ray.cloudpickle.register_pickle_by_value(module) or "
                "runtime_env={'working_dir': ...}"
                if backend == "ray"
                else ""
            )
            + ")"
        )
    elif type(e).__name__ == "BrokenProcessPool":
        hint = (
            " (a worker process died: it crashed, ran out of memory, or could not load the "
            "trial function; run with n_jobs=1 to see the error in this process)"
        )
    tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    return False, (type(e).__name__, f"{text}{hint}", tb)


# ---------------------------------------------------------------------- arguments
def _settings(grid: Any) -> list[dict[str, Any]]:
    if isinstance(grid, Mapping):
        keys = list(grid)
        values = []
        for k in keys:
            v = grid[k]
            if isinstance(v, (str, bytes)) or not isinstance(v, (Sequence, np.ndarray, range)):
                raise TypeError(
                    f"grid[{k!r}] must be a list of values to try, got {type(v).__name__} "
                    f"(write [{v!r}] for a single value)"
                )
            values.append(list(v))
        settings = [dict(zip(keys, combo)) for combo in itertools.product(*values)]
    elif isinstance(grid, Iterable) and not isinstance(grid, (str, bytes)):
        settings = []
        for i, s in enumerate(grid):
            if not isinstance(s, Mapping):
                raise TypeError(f"grid[{i}] must be a dict of keyword arguments, got {s!r}")
            settings.append(dict(s))
    else:
        raise TypeError(
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
        raise TypeError("seeds must be an int (range(seeds)) or a list of ints")
    if isinstance(seeds, (int, np.integer)):
        n = int(seeds)
        if n < 1:
            raise InvalidArgumentError(f"invalid argument `seeds`: must be >= 1, got {n}")
        return list(range(n))
    try:
        out = [operator.index(s) for s in seeds]
    except TypeError:
        raise TypeError(
            f"seeds must be an int (range(seeds)) or a list of ints, got {seeds!r}"
        ) from None
    if not out:
        raise InvalidArgumentError("invalid argument `seeds`: no seeds given")
    return out


def _n_jobs(n_jobs: Any) -> int:
    if n_jobs is None:
        return os.cpu_count() or 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)):
        raise TypeError(f"n_jobs must be a positive int or None, got {n_jobs!r}")
    if n_jobs < 1:
        raise InvalidArgumentError(f"invalid argument `n_jobs`: must be >= 1, got {n_jobs}")
    return int(n_jobs)


def _describe(setting: dict[str, Any], seed: int) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in setting.items())
    return f"({args}{', ' if args else ''}seed={seed})"


def _fn_name(fn: Any) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def _unpicklable(fn: Any, how: str, err: Exception) -> TypeError:
    return TypeError(
        f"fn {_fn_name(fn)} cannot be pickled ({how}) to be sent to worker processes: "
        f"{type(err).__name__}: {err}. Define the trial function at module level in an "
        "importable file (not a lambda, a nested function or in an interactive session), "
        "or run inline with n_jobs=1"
    )


# ---------------------------------------------------------------------- backends
Trial = tuple[dict[str, Any], int]
Outcome = tuple[bool, Any]


def _inline(
    fn: Callable[..., Any], trials: list[Trial], stop: Callable[[Outcome], bool]
) -> Iterator[tuple[int, Outcome]]:
    for i, (setting, seed) in enumerate(trials):
        out = _run_trial(fn, setting, seed, False)
        yield i, out
        if stop(out):
            return


def _local(
    fn: Callable[..., Any],
    trials: list[Trial],
    n_jobs: int,
    stop: Callable[[Outcome], bool],
    mp_context: str,
) -> Iterator[tuple[int, Outcome]]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    try:
        pickle.dumps(fn)
    except Exception as e:
        raise _unpicklable(fn, "pickle", e) from None
    ctx = multiprocessing.get_context(mp_context)
    workers = max(1, min(n_jobs, len(trials)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending = {
            pool.submit(_run_trial, fn, setting, seed, True): i
            for i, (setting, seed) in enumerate(trials)
        }
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in sorted(done, key=pending.__getitem__):
                    i = pending.pop(f)
                    try:
                        out = f.result()
                    except Exception as e:  # the pool failed, not the trial function
                        out = _backend_failure(e, "local")
                    yield i, out
                    if stop(out):
                        return
        finally:
            for f in pending:
                f.cancel()


def _joblib(
    fn: Callable[..., Any], trials: list[Trial], n_jobs: int, stop: Callable[[Outcome], bool]
) -> Iterator[tuple[int, Outcome]]:
    try:
        import joblib
    except ImportError:
        raise ImportError(
            'backend="joblib" needs joblib: pip install "hebbian_brain[joblib]"'
        ) from None
    try:  # joblib's process backend (loky) ships functions with cloudpickle
        from joblib.externals import cloudpickle
    except ImportError:  # joblib >= 1.5 depends on cloudpickle instead of vendoring it
        import cloudpickle
    try:
        cloudpickle.dumps(fn)
    except Exception as e:
        raise _unpicklable(fn, "cloudpickle", e) from None
    parallel = joblib.Parallel(n_jobs=n_jobs, return_as="generator")
    results = parallel(
        joblib.delayed(_run_trial)(fn, setting, seed, True) for setting, seed in trials
    )
    i = 0
    while i < len(trials):
        try:
            out = next(results)
        except StopIteration:
            return
        except Exception as e:  # joblib failed, not the trial function: the rest is lost
            yield i, _backend_failure(e, "joblib")
            for j in range(i + 1, len(trials)):
                yield j, (False, ("NotRun", "not run: an earlier trial broke the joblib pool", ""))
            return
        yield i, out
        if stop(out):
            return
        i += 1


def _ray(
    fn: Callable[..., Any],
    trials: list[Trial],
    n_jobs: int | None,
    stop: Callable[[Outcome], bool],
    address: str | None,
) -> Iterator[tuple[int, Outcome]]:
    try:
        import ray
        from ray import cloudpickle
    except ImportError:
        raise ImportError('backend="ray" needs Ray: pip install "hebbian_brain[ray]"') from None
    try:
        cloudpickle.dumps(fn)
    except Exception as e:
        raise _unpicklable(fn, "cloudpickle", e) from None
    if not ray.is_initialized():
        # address None: RAY_ADDRESS if set (a cluster), else a new local instance.
        target = address or os.environ.get("RAY_ADDRESS")
        if target:
            ray.init(address=target)
        else:
            ray.init(include_dashboard=False)
    remote = ray.remote(num_cpus=1)(_run_trial)
    fn_ref = ray.put(fn)
    limit = n_jobs or len(trials)
    queue = iter(enumerate(trials))
    pending: dict[Any, int] = {}

    def submit() -> None:
        for i, (setting, seed) in queue:
            pending[remote.remote(fn_ref, setting, seed, True)] = i
            if len(pending) >= limit:
                return

    submit()
    try:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in sorted(done, key=pending.__getitem__):
                i = pending.pop(ref)
                try:
                    out = ray.get(ref)
                except Exception as e:  # Ray failed, not the trial function
                    cause = getattr(e, "cause", None)
                    out = _backend_failure(cause if cause is not None else e, "ray")
                yield i, out
                if stop(out):
                    return
            submit()
    finally:
        for ref in pending:
            ray.cancel(ref)


# ---------------------------------------------------------------------- the result table
class SweepResult:
    """The table of a sweep: one row per trial, in grid order (settings, then seeds).

    Each row is a dict with the setting's keyword arguments, ``seed``, and what the trial
    returned: a dict's items as columns, any other value under ``"value"``. With
    ``on_error="record"`` failed trials have an ``"error"`` column (``"Type: message"``) and no
    values.

    Attributes:
        rows: The rows (dicts), in grid order.
        settings: The settings, in grid order.
        seeds: The seeds, in order.
    """

    def __init__(
        self, rows: list[dict[str, Any]], settings: list[dict[str, Any]], seeds: list[int]
    ) -> None:
        self.rows = rows
        self.settings = settings
        self.seeds = seeds

    @property
    def params(self) -> list[str]:
        """Names of the swept keyword arguments, in grid order."""
        names: dict[str, None] = {}
        for s in self.settings:
            names.update(dict.fromkeys(s))
        return list(names)

    @property
    def columns(self) -> list[str]:
        """All column names: settings, ``seed``, then the values (first-seen order)."""
        names: dict[str, None] = dict.fromkeys(self.params)
        names["seed"] = None
        for r in self.rows:
            names.update(dict.fromkeys(r))
        return list(names)

    @property
    def value_columns(self) -> list[str]:
        """The columns that hold what the trials returned (and ``error``, if any failed)."""
        fixed = set(self.params) | {"seed"}
        return [c for c in self.columns if c not in fixed]

    @property
    def errors(self) -> list[dict[str, Any]]:
        """The rows of failed trials (with ``on_error="record"``)."""
        return [r for r in self.rows if r.get("error") is not None]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return self.rows[i]

    def column(self, name: str) -> list[Any]:
        """One column as a list (None where a row lacks it)."""
        if name not in self.columns:
            raise KeyError(f"no column {name!r}; columns: {self.columns}")
        return [r.get(name) for r in self.rows]

    def to_numpy(self, column: str = "value") -> np.ndarray:
        """A numeric column as float64 ``[n_settings, n_seeds]`` (NaN for failed trials)."""
        values = [np.nan if v is None else v for v in self.column(column)]
        try:
            flat = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"column {column!r} is not numeric") from None
        return flat.reshape(len(self.settings), len(self.seeds))

    def summary(self, column: str | None = None) -> list[dict[str, Any]]:
        """Mean and standard deviation over seeds of numeric columns, one dict per setting.

        Args:
            column: One value column (None: every numeric value column).

        Returns:
            Per setting: its keyword arguments, ``n`` (successful seeds), and
            ``<column>_mean`` / ``<column>_std`` (population std, NaN-ignoring).
        """
        cols = [column] if column is not None else self._numeric_columns()
        tables = {c: self.to_numpy(c) for c in cols}
        out = []
        for k, setting in enumerate(self.settings):
            row: dict[str, Any] = dict(setting)
            ok = [
                r.get("error") is None
                for r in self.rows[k * len(self.seeds) : (k + 1) * len(self.seeds)]
            ]
            row["n"] = int(sum(ok))
            for c, t in tables.items():
                vals = t[k][~np.isnan(t[k])]
                row[f"{c}_mean"] = float(vals.mean()) if vals.size else math.nan
                row[f"{c}_std"] = float(vals.std()) if vals.size else math.nan
            out.append(row)
        return out

    def _numeric_columns(self) -> list[str]:
        numeric = []
        for c in self.value_columns:
            vals = [v for v in self.column(c) if v is not None]
            if vals and all(
                isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                for v in vals
            ):
                numeric.append(c)
        return numeric

    def to_pandas(self) -> Any:
        """The rows as a ``pandas.DataFrame`` (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("SweepResult.to_pandas needs pandas: pip install pandas") from None
        return pd.DataFrame(self.rows, columns=self.columns)

    def format_table(self, max_rows: int = 20) -> str:
        """The rows as a plain-text table (the first ``max_rows``)."""
        cols = self.columns
        shown = self.rows[:max_rows]

        def cell(v: Any) -> str:
            if isinstance(v, (float, np.floating)):
                return f"{v:.4g}"
            return str(v)

        cells = [[cell(r.get(c, "")) for c in cols] for r in shown]
        widths = [max([len(c)] + [len(row[j]) for row in cells]) for j, c in enumerate(cols)]
        lines = ["  ".join(c.rjust(w) for c, w in zip(cols, widths))]
        lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells]
        if len(self.rows) > max_rows:
            lines.append(f"... {len(self.rows) - max_rows} more rows")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format_table()

    def __repr__(self) -> str:
        failed = len(self.errors)
        return (
            f"SweepResult(trials={len(self.rows)}, settings={len(self.settings)}, "
            f"seeds={len(self.seeds)}, columns={self.columns}"
            + (f", failed={failed}" if failed else "")
            + ")"
        )


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
        raise TypeError(f"fn must be callable, got {fn!r}")
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
