"""The backends of :func:`hebbian_brain.sweep`: where and how the trials run.

Each backend is a generator of ``(trial index, outcome)`` in completion order; an outcome is
``(True, value)`` or ``(False, (exception type name, message, traceback text))``. A backend
stops early when ``stop(outcome)`` says so (the first failure with ``on_error="raise"``).
"""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from typing import Any

Trial = tuple[dict[str, Any], int]
Outcome = tuple[bool, Any]


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
        cloudpickle.dumps(fn)  # type: ignore[no-untyped-call]  # Ray's vendored copy is untyped
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
