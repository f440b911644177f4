"""Metric logging with stable-baselines3's interface: stdout, CSV, JSON lines and TensorBoard.

A :class:`Logger` collects key/value pairs with :meth:`Logger.record` and writes them to each of
its outputs with :meth:`Logger.dump`. :meth:`Agent.learn <hebbian_brain.Agent.learn>` records,
every ``log_interval`` episodes:

* ``rollout/ep_rew_mean``, ``rollout/ep_len_mean``: mean return and length of the last 100
  episodes;
* ``time/episodes``, ``time/total_timesteps``, ``time/fps`` (steps per second of this
  ``learn`` call), ``time/time_elapsed`` (seconds);
* ``dream/walks``, ``dream/steps``, ``dream/synapses_reinforced``, ``dream/synapses_galvanized``,
  ``dream/creative_edges_created``, ``dream/value_change``: the last episode's dream report;
* ``brain/nodes``, ``brain/synapses``.

Example:
    >>> import gymnasium as gym, hebbian_brain as hb
    >>> from hebbian_brain.logger import configure
    >>> env = gym.make("hebbian_brain/GridWorld-v0")
    >>> agent = hb.Agent(env, seed=0)
    >>> agent.set_logger(configure("runs/grid", ["csv", "tensorboard"]))  # doctest: +SKIP
    >>> agent.learn(total_timesteps=2_000)  # doctest: +SKIP

The TensorBoard output needs ``tensorboardX`` (``pip install "hebbian_brain[tensorboard]"``),
which needs neither PyTorch nor TensorFlow.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from hebbian_brain._core import ArgumentTypeError, InvalidArgumentError
from hebbian_brain._validate import path as _path

#: Numbers the TensorBoard writers of this process (their event files' suffixes).
_WRITERS = itertools.count()

__all__ = [
    "CSVOutputFormat",
    "HumanOutputFormat",
    "JSONOutputFormat",
    "KVWriter",
    "Logger",
    "TensorBoardOutputFormat",
    "configure",
    "make_output_format",
]

Scalar = int | float


class KVWriter:
    """An output of a :class:`Logger`: writes one row of key/value pairs at a time."""

    def write(self, key_values: dict[str, Scalar], step: int = 0) -> None:
        """Writes ``key_values`` for ``step``."""
        raise NotImplementedError

    def close(self) -> None:
        """Releases the output's file."""


class HumanOutputFormat(KVWriter):
    """A readable table per dump, on stdout or in a text file.

    Args:
        target: A path, or an open text stream (e.g. ``sys.stdout``; not closed by the logger).
    """

    def __init__(self, target: str | os.PathLike[str] | TextIO) -> None:
        if isinstance(target, (str, os.PathLike)):
            self.file: TextIO = open(target, "w", encoding="utf-8")  # noqa: SIM115
            self.own_file = True
        else:
            self.file = target
            self.own_file = False

    def write(self, key_values: dict[str, Scalar], step: int = 0) -> None:
        """Writes ``key_values`` as a two-column table."""
        if not key_values:
            return
        rows = [(k, _format(v)) for k, v in sorted(key_values.items())]
        kw = max(len(k) for k, _ in rows)
        vw = max(len(v) for _, v in rows)
        line = "-" * (kw + vw + 7)
        out = [line] + [f"| {k:<{kw}} | {v:<{vw}} |" for k, v in rows] + [line]
        self.file.write("\n".join(out) + "\n")
        self.file.flush()

    def close(self) -> None:
        """Closes the file (not a stream given by the caller)."""
        if self.own_file:
            self.file.close()


class CSVOutputFormat(KVWriter):
    """``progress.csv``: one row per dump; a new key adds a column (earlier rows get blanks).

    Args:
        path: The CSV file (overwritten).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(_path("path", path))
        self.keys: list[str] = []
        self.rows: list[dict[str, Scalar]] = []
        self.path.write_text("", encoding="utf-8")

    def write(self, key_values: dict[str, Scalar], step: int = 0) -> None:
        """Appends a row (rewriting the file when a new column appears)."""
        new = sorted(k for k in key_values if k not in self.keys)
        self.rows.append(dict(key_values))
        if new:
            self.keys.extend(new)
            with open(self.path, "w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=self.keys, restval="")
                w.writeheader()
                w.writerows(self.rows)
        else:
            with open(self.path, "a", newline="", encoding="utf-8") as f:
                csv.DictWriter(f, fieldnames=self.keys, restval="").writerow(key_values)


class JSONOutputFormat(KVWriter):
    """``progress.json``: one JSON object per line and dump.

    Args:
        path: The file (overwritten).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.file = open(path, "w", encoding="utf-8")  # noqa: SIM115

    def write(self, key_values: dict[str, Scalar], step: int = 0) -> None:
        """Writes one line."""
        self.file.write(json.dumps({k: _plain(v) for k, v in key_values.items()}) + "\n")
        self.file.flush()

    def close(self) -> None:
        """Closes the file."""
        self.file.close()


class TensorBoardOutputFormat(KVWriter):
    """TensorBoard event files (through ``tensorboardX``, without PyTorch or TensorFlow).

    Args:
        folder: The run's folder (``tensorboard --logdir`` its parent).

    Raises:
        ImportError: ``tensorboardX`` is not installed.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        try:
            from tensorboardX import SummaryWriter
        except ImportError:
            raise ImportError(
                "the TensorBoard output needs tensorboardX: "
                'pip install "hebbian_brain[tensorboard]"'
            ) from None
        # tensorboardX names event files by the second and the host: a run continued within the
        # same second (learn(..., reset_num_timesteps=False)) would truncate the file before it.
        # The process id and a counter make every writer's file its own, as in SB3's writer.
        suffix = f".{os.getpid()}.{next(_WRITERS)}"
        self.writer = SummaryWriter(logdir=_path("folder", folder), filename_suffix=suffix)

    def write(self, key_values: dict[str, Scalar], step: int = 0) -> None:
        """Adds one scalar per key at ``step``."""
        for key, value in key_values.items():
            self.writer.add_scalar(key, float(value), global_step=int(step))
        self.writer.flush()

    def close(self) -> None:
        """Closes the event file."""
        self.writer.close()


#: The output names :func:`configure` and :func:`make_output_format` take.
FORMATS = ("stdout", "log", "csv", "json", "tensorboard")


def make_output_format(name: str, folder: str | os.PathLike[str], suffix: str = "") -> KVWriter:
    """An output by name.

    ``stdout``, ``log`` (``log.txt``), ``csv`` (``progress.csv``), ``json``
    (``progress.json``) or ``tensorboard`` (event files in ``folder``).

    Raises:
        InvalidArgumentError: An unknown name.
    """
    if not isinstance(name, str):
        raise ArgumentTypeError(f"name must be a string, got {type(name).__name__}")
    folder = _folder(folder)
    if not isinstance(suffix, str):
        raise ArgumentTypeError(f"suffix must be a string, got {suffix!r}")
    if "\x00" in suffix or "/" in suffix or os.sep in suffix:
        raise InvalidArgumentError(
            f"invalid argument `suffix`: must not hold a path separator or NUL, got {suffix!r}"
        )
    if name == "stdout":
        return HumanOutputFormat(sys.stdout)
    folder.mkdir(parents=True, exist_ok=True)
    if name == "log":
        return HumanOutputFormat(folder / f"log{suffix}.txt")
    if name == "csv":
        return CSVOutputFormat(folder / f"progress{suffix}.csv")
    if name == "json":
        return JSONOutputFormat(folder / f"progress{suffix}.json")
    if name == "tensorboard":
        return TensorBoardOutputFormat(folder)
    raise InvalidArgumentError(
        f"invalid argument `format_strings`: unknown output {name!r}; use {', '.join(FORMATS)}"
    )


def _folder(folder: str | os.PathLike[str]) -> Path:
    """``folder`` as a Path (a NUL byte, which no file system takes, is the library's error)."""
    return Path(_path("folder", folder))


class Logger:
    """Collects key/value pairs and writes them to its outputs on :meth:`dump`.

    Args:
        folder: Where the file outputs write (None: no folder).
        output_formats: The outputs.
    """

    def __init__(self, folder: str | os.PathLike[str] | None, output_formats: Sequence[KVWriter]):
        self.dir = None if folder is None else Path(_path("folder", folder))
        self.output_formats = list(output_formats)
        self.name_to_value: dict[str, Scalar] = {}
        self._sums: dict[str, float] = defaultdict(float)
        self._counts: dict[str, int] = defaultdict(int)
        self._exclude: dict[str, tuple[str, ...]] = {}

    def record(self, key: str, value: Any, exclude: str | tuple[str, ...] | None = None) -> None:
        """Sets ``key`` to ``value`` for the next dump (the last value wins).

        ``exclude`` names outputs to leave the key out of (``"stdout"``, ``"csv"``, ...).
        """
        self.name_to_value[key] = _plain(value)
        if exclude is not None:
            self._exclude[key] = (exclude,) if isinstance(exclude, str) else tuple(exclude)

    def record_mean(self, key: str, value: Any) -> None:
        """Adds ``value`` to the mean written for ``key`` at the next dump."""
        self._sums[key] += float(value)
        self._counts[key] += 1
        self.name_to_value[key] = self._sums[key] / self._counts[key]

    def dump(self, step: int = 0) -> None:
        """Writes the recorded values to every output, then forgets them."""
        if self.name_to_value:
            for out in self.output_formats:
                name = _format_name(out)
                row = {
                    k: v
                    for k, v in self.name_to_value.items()
                    if name not in self._exclude.get(k, ())
                }
                out.write(row, step)
        self.name_to_value.clear()
        self._sums.clear()
        self._counts.clear()
        self._exclude.clear()

    def get_dir(self) -> str | None:
        """The folder the file outputs write to (None when there is none)."""
        return None if self.dir is None else os.fspath(self.dir)

    def close(self) -> None:
        """Closes every output."""
        for out in self.output_formats:
            out.close()


def configure(
    folder: str | os.PathLike[str] | None = None, format_strings: Iterable[str] | None = None
) -> Logger:
    """A logger writing to ``folder`` in the given formats (stable-baselines3's ``configure``).

    Args:
        folder: The output folder (created; None: a new temporary folder when a file output is
            asked for).
        format_strings: Output names from ``stdout``, ``log``, ``csv``, ``json``,
            ``tensorboard`` (None: ``["stdout", "csv"]``).
    """
    if format_strings is not None and (
        isinstance(format_strings, (str, bytes)) or not hasattr(format_strings, "__iter__")
    ):
        raise ArgumentTypeError(
            f"format_strings must be a list of output names, got {format_strings!r}"
        )
    if len(getattr(format_strings, "shape", ())) > 1 or getattr(format_strings, "size", 0) > 64:
        raise InvalidArgumentError("invalid argument `format_strings`: not a short list of names")
    names = ["stdout", "csv"] if format_strings is None else list(format_strings)
    for name in names:
        if name not in FORMATS:
            raise InvalidArgumentError(
                f"invalid argument `format_strings`: unknown output {name!r}; use "
                + ", ".join(FORMATS)
            )
    if folder is None and any(n != "stdout" for n in names):
        folder = tempfile.mkdtemp(prefix="hebbian_brain-")
    outputs = [make_output_format(n, folder if folder is not None else ".") for n in names]
    return Logger(folder, outputs)


def _format_name(out: KVWriter) -> str:
    if isinstance(out, HumanOutputFormat):
        return "stdout" if not out.own_file else "log"
    if isinstance(out, CSVOutputFormat):
        return "csv"
    if isinstance(out, JSONOutputFormat):
        return "json"
    if isinstance(out, TensorBoardOutputFormat):
        return "tensorboard"
    return type(out).__name__


def _plain(value: Any) -> Scalar:
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"logged values must be numbers, got {value!r}") from None


def _format(value: Scalar) -> str:
    if isinstance(value, float):
        return f"{value:<8.3g}".strip()
    return str(value)
