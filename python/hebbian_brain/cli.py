"""The ``hebbian-brain`` command.

``hebbian-brain train --env ID --episodes N [--seed S] [--dot F] [--png F] [--html F] [--curve F]
[--save F]``
trains a graph-brain agent in any registered Gymnasium environment with discrete actions
(``Box`` observations get the experience agent, or bins with ``--bins``) and writes the
pictures and the agent asked
for. ``hebbian-brain demo [--out DIR]`` trains on the built-in GridWorld and writes
``brain.dot``, ``brain.png`` and ``learning_curve.png``. ``hebbian-brain --version`` prints the
package's version.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["main"]


class _DefaultsFormatter(argparse.HelpFormatter):
    """Shows each option's default in its help line (none for flags and options without one)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if default is None or default is False or default == argparse.SUPPRESS:
            return text
        if "%(default)" in text:
            return text
        return f"{text} (default: %(default)s)"


def _parser() -> argparse.ArgumentParser:
    from hebbian_brain._core import __version__

    parser = argparse.ArgumentParser(
        prog="hebbian-brain",
        description="Graph-brain agents that learn by local plasticity.",
        formatter_class=_DefaultsFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="print the version"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # Every option's default is shown in its help line.
    fmt = _DefaultsFormatter
    train = sub.add_parser(
        "train", help="train an agent in a Gymnasium environment", formatter_class=fmt
    )
    train.add_argument("--env", required=True, help="Gymnasium id, e.g. FrozenLake-v1")
    train.add_argument("--episodes", type=int, required=True, help="training episodes")
    train.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed of agent and environment (none: a fresh seed from the operating system)",
    )
    train.add_argument("--dot", type=Path, help="write the brain as Graphviz DOT here")
    train.add_argument("--png", type=Path, help="render the brain to this image (needs Graphviz)")
    train.add_argument("--html", type=Path, help="write the interactive brain viewer here")
    train.add_argument(
        "--max-nodes",
        default="auto",
        help="most nodes in the picture: a number, 'all', or 'auto' (a readable picture: at most "
        "150 nodes on grid worlds, 60 elsewhere)",
    )
    train.add_argument(
        "--rank-by",
        default="visits",
        choices=["visits", "value", "salience", "recent"],
        help="which nodes the picture keeps when there are more than --max-nodes",
    )
    train.add_argument("--curve", type=Path, help="plot the learning curve to this image")
    train.add_argument("--save", type=Path, help="save the trained agent here")
    train.add_argument(
        "--min-weight", type=float, default=0.0, help="leave weaker synapses out of pictures"
    )
    train.add_argument(
        "--bins",
        type=int,
        default=None,
        help="bin Box observations (N per dimension) for the grid agent (default: no bins, "
        "the experience agent)",
    )
    train.add_argument(
        "--dream-every",
        type=int,
        default=None,
        help="dream after every N episodes (0: never; default 1, or 0 for the experience agent, "
        "which rebuilds on its own schedule)",
    )
    train.add_argument("--max-steps", type=int, default=None, help="TimeLimit for the env")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.add_argument(
        "--eval-episodes",
        type=int,
        default=100,
        help="greedy episodes averaged for the reported return",
    )

    demo = sub.add_parser(
        "demo", help="train on GridWorld and write pictures of the brain", formatter_class=fmt
    )
    demo.add_argument("--out", type=Path, default=Path("."), help="output folder")
    demo.add_argument("--episodes", type=int, default=150, help="training episodes")
    demo.add_argument("--seed", type=int, default=0, help="seed")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.add_argument(
        "--eval-episodes",
        type=int,
        default=100,
        help="greedy episodes averaged for the reported return",
    )
    return parser


class _UsageError(Exception):
    """A problem with the command line (reported without a traceback)."""


def _make_env(env_id: str, max_steps: int | None) -> Any:
    import gymnasium as gym

    try:
        return gym.make(env_id, max_episode_steps=max_steps)
    except gym.error.Error as err:
        raise _UsageError(f"--env {env_id}: {err}") from None


def _check_output(flag: str, path: Path | None, formats: set[str] | None) -> None:
    """Fails before training when ``path`` cannot be written or has an unknown suffix."""
    if path is None:
        return
    if path.is_dir():
        raise _UsageError(f"{flag} {path}: is a folder; give a file name")
    if formats is not None:
        suffix = path.suffix.lstrip(".").lower()
        if suffix not in formats:
            raise _UsageError(
                f"{flag} {path}: unknown file type {path.suffix or '(no suffix)'!r}; use one of "
                + ", ".join(f".{f}" for f in sorted(formats))
            )
    # The nearest existing ancestor must be a writable folder (missing folders are created).
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise _UsageError(f"{flag} {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _UsageError(f"{flag} {path}: cannot write into {folder}")


def _check_outputs(args: argparse.Namespace) -> None:
    """Checks every output path before the (possibly long) training."""
    from matplotlib.backend_bases import FigureCanvasBase

    _check_output("--dot", args.dot, {"dot", "gv"})
    png_formats = None
    if args.png is not None:
        try:
            import graphviz
        except ImportError:
            raise _UsageError(
                "--png needs the graphviz package: pip install 'hebbian_brain[graphviz]'"
            ) from None
        png_formats = set(graphviz.FORMATS)
    _check_output("--png", args.png, png_formats)
    _check_output("--html", getattr(args, "html", None), {"html", "htm"})
    _check_output("--curve", args.curve, set(FigureCanvasBase.get_supported_filetypes()))
    _check_output("--save", args.save, None)


def _dream_every(agent: Any, given: int | None) -> int:
    """``--dream-every``, or its default: 1 (grid agent), 0 (experience agent: its schedule)."""
    if given is not None:
        return given
    from hebbian_brain import ExperienceAgent

    return 0 if isinstance(agent, ExperienceAgent) else 1


def _build_agent(env: Any, seed: int | None, bins: int | None) -> Any:
    from gymnasium import spaces

    import hebbian_brain as hb

    if not isinstance(env.action_space, spaces.Discrete):
        raise _UsageError(
            f"the action space of this environment is {env.action_space}; graph-brain agents "
            "need discrete actions (gymnasium.spaces.Discrete)"
        )
    observation = env.observation_space
    if isinstance(observation, spaces.Box) and bins is not None:
        observation = hb.Discretizer.from_space(observation, bins=bins)
    return hb.Agent(env.action_space, seed=seed, observation=observation)


def _write_outputs(
    agent: Any,
    *,
    dot: Path | None,
    png: Path | None,
    curve: Path | None,
    save: Path | None,
    min_weight: float,
    title: str,
    skip_missing_graphviz: bool = False,
    html: Path | None = None,
    picture: dict[str, Any] | None = None,
) -> list[str]:
    from hebbian_brain import viz

    picture = {"min_weight": min_weight, **(picture or {})}
    written = []
    if dot is not None:
        written.append(f"brain (DOT):      {viz.render_brain(agent, dot, **picture)}")
    if png is not None:
        try:
            rendered = viz.render_brain(agent, png, **picture)
            written.append(f"brain (picture):  {rendered}")
        except (ImportError, RuntimeError) as err:
            if not skip_missing_graphviz:
                raise
            written.append(f"brain (picture):  skipped: {err}")
    if html is not None:
        written.append(f"brain (viewer):   {viz.brain_html(agent, html, title=title)}")
    if curve is not None:
        viz.plot_history(agent, curve, title=title)
        written.append(f"learning curve:   {curve}")
    if save is not None:
        save.parent.mkdir(parents=True, exist_ok=True)
        agent.save(save)
        written.append(f"agent:            {save}")
    return written


def _summary(agent: Any, env: Any, seconds: float, eval_episodes: int) -> str:
    history = agent.history
    last = history.returns[-10:]
    greedy = agent.evaluate(env, episodes=eval_episodes, max_steps=10_000)
    # Standard error of the mean (0 for a single episode).
    sem = greedy.std(ddof=1) / np.sqrt(greedy.size) if greedy.size > 1 else 0.0
    return (
        f"trained {len(history)} episodes ({agent.num_timesteps} steps) in {seconds:.2f} s\n"
        f"mean return of the last {last.size} episodes: {last.mean():.3f}\n"
        f"greedy return after training: {greedy.mean():.3f} +/- {sem:.3f} "
        f"(mean +/- standard error over {greedy.size} episodes)\n"
        f"brain: {agent.brain_summary()}"
    )


def _train(args: argparse.Namespace) -> int:
    if args.episodes < 1:
        raise _UsageError(f"--episodes must be at least 1, got {args.episodes}")
    if args.bins is not None and args.bins < 1:
        raise _UsageError(f"--bins must be at least 1, got {args.bins}")
    if args.dream_every is not None and args.dream_every < 0:
        raise _UsageError(f"--dream-every must be >= 0, got {args.dream_every}")
    if args.eval_episodes < 1:
        raise _UsageError(f"--eval-episodes must be at least 1, got {args.eval_episodes}")
    max_nodes = _max_nodes(args.max_nodes)
    _check_outputs(args)
    env = _make_env(args.env, args.max_steps)
    agent = _build_agent(env, args.seed, args.bins)
    start = time.perf_counter()
    agent.learn(
        env,
        episodes=args.episodes,
        dream_every=_dream_every(agent, args.dream_every),
        progress_bar=not args.quiet,
    )
    seconds = time.perf_counter() - start
    print(_summary(agent, env, seconds, args.eval_episodes))
    for line in _write_outputs(
        agent,
        dot=args.dot,
        png=args.png,
        curve=args.curve,
        save=args.save,
        min_weight=args.min_weight,
        title=args.env,
        html=args.html,
        picture={"max_nodes": max_nodes, "rank_by": args.rank_by},
    ):
        print(line)
    return 0


def _max_nodes(text: str) -> int | str | None:
    """The value of --max-nodes: a count >= 1, 'auto' or 'all' (None)."""
    if text == "all":
        return None
    if text == "auto":
        return "auto"
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise _UsageError(f"--max-nodes must be a number >= 1, 'auto' or 'all', got {text!r}")
    return n


def _demo(args: argparse.Namespace) -> int:
    if args.episodes < 1:
        raise _UsageError(f"--episodes must be at least 1, got {args.episodes}")
    if args.eval_episodes < 1:
        raise _UsageError(f"--eval-episodes must be at least 1, got {args.eval_episodes}")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    env = _make_env("hebbian_brain/GridWorld-v0", None)
    agent = _build_agent(env, args.seed, 8)
    print("GridWorld-v0 (5x5, walls in the middle row, -1 per step):")
    print(env.unwrapped.core.render_ansi())
    start = time.perf_counter()
    agent.learn(env, episodes=args.episodes, progress_bar=not args.quiet)
    seconds = time.perf_counter() - start
    print(_summary(agent, env, seconds, args.eval_episodes))
    print(f"optimal return: {-env.unwrapped.shortest_path_length}")
    for line in _write_outputs(
        agent,
        dot=out / "brain.dot",
        png=out / "brain.png",
        curve=out / "learning_curve.png",
        save=None,
        min_weight=0.0,
        title="GridWorld-v0",
        skip_missing_graphviz=True,
    ):
        print(line)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hebbian-brain`` console script; returns the exit status."""
    from hebbian_brain._core import HebbianError

    args = _parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args)
        return _demo(args)
    except _UsageError as err:
        print(f"hebbian-brain: error: {err}", file=sys.stderr)
        return 2
    except (OSError, ValueError, HebbianError) as err:
        # Writing an output failed (disk full, permissions, ...) or bad input reached the library.
        print(f"hebbian-brain: error: {type(err).__name__}: {err}", file=sys.stderr)
        return 2
    except (ImportError, RuntimeError) as err:
        print(f"hebbian-brain: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
