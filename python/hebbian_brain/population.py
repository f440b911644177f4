"""Populations: many independent agents trained in parallel on all cores.

A :class:`Population` holds ``n`` ordinary :class:`~hebbian_brain.Agent` objects, each with its
own brain and its own copy of a built-in environment (``Chain``, ``GridWorld``, ``DeepSea`` or
``RiverSwim``). Training runs every member's episodes inside Rust, members spread over a rayon
thread pool, with the GIL released. Member ``i`` is seeded with ``derive_seed(seed, i)``, so
the results are the same whatever the number of threads, and member ``i`` learns exactly what a
lone ``Agent(env, seed=population.member_seeds[i])`` would learn with ``run_episodes``.
"""

from __future__ import annotations

import ast
import json
import operator
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from hebbian_brain._agent_history import History
from hebbian_brain._core import (
    AgentParams,
    ArgumentTypeError,
    Brain,
    BrainConfig,
    FileFormatError,
    InvalidArgumentError,
    derive_seed,
    population_from_bytes,
    population_load,
    population_save,
    population_to_bytes,
    run_population_episodes,
)
from hebbian_brain._metadata import Metadata
from hebbian_brain._persist import FileSurface
from hebbian_brain._validate import path as _path
from hebbian_brain.agent import Agent

__all__ = ["Population", "PopulationRun"]

_FORMAT = "hebbian_brain.Population/1"

#: Most members a population may have (each holds an agent, a brain and an environment).
MAX_MEMBERS = 1 << 20


def _env_classes() -> dict[str, type]:
    from hebbian_brain.envs import ChainEnv, DeepSeaEnv, GridWorldEnv, RiverSwimEnv

    return {
        "Chain": ChainEnv,
        "GridWorld": GridWorldEnv,
        "DeepSea": DeepSeaEnv,
        "RiverSwim": RiverSwimEnv,
    }


def _env_name(env: Any) -> str:
    """The built-in environment's short name from a name, Gymnasium id or class."""
    classes = _env_classes()
    if isinstance(env, str):
        key = env.removeprefix("hebbian_brain/").removesuffix("-v0").lower()
        for name in classes:
            if name.lower() == key:
                return name
        raise InvalidArgumentError(
            f"invalid argument `env`: unknown environment {env!r}; a population runs the "
            "built-in 'Chain', 'GridWorld', 'DeepSea' or 'RiverSwim' (or their ids such as "
            "'hebbian_brain/GridWorld-v0')"
        )
    for name, cls in classes.items():
        if env is cls:
            return name
    raise ArgumentTypeError(
        "env must be the name of a built-in environment ('Chain', 'GridWorld', 'DeepSea', "
        "'RiverSwim'), its Gymnasium id, or its class (ChainEnv, GridWorldEnv, DeepSeaEnv, "
        f"RiverSwimEnv), got {env!r}"
    )


def _count(name: str, value: Any, *, low: int, high: int | None = None) -> int:
    if isinstance(value, bool):
        raise ArgumentTypeError(f"{name} must be an integer, got {value!r}")
    try:
        v = operator.index(value)
    except TypeError:
        raise ArgumentTypeError(f"{name} must be an integer, got {type(value).__name__}") from None
    if v < low or (high is not None and v > high):
        bound = f">= {low}" if high is None else f"in {low}..{high}"
        raise InvalidArgumentError(f"invalid argument `{name}`: must be {bound}, got {v}")
    return v


def _threads(n_threads: Any) -> int | None:
    return None if n_threads is None else _count("n_threads", n_threads, low=1, high=4096)


@dataclass(frozen=True)
class PopulationRun:
    """The episodes of one :meth:`Population.run_episodes` call, one row per member.

    Attributes:
        returns: Undiscounted return of each episode, float64 ``[n_members, episodes]``.
        lengths: Steps of each episode, int64 ``[n_members, episodes]``.
        terminated: Whether each episode reached a terminal state, bool
            ``[n_members, episodes]``.
    """

    returns: np.ndarray
    lengths: np.ndarray
    terminated: np.ndarray

    @property
    def steps(self) -> int:
        """Agent steps taken in the run, all members together."""
        return int(self.lengths.sum())

    def mean_return(self) -> np.ndarray:
        """Mean return per member, float64 ``[n_members]`` (NaN for zero episodes)."""
        if self.returns.shape[1] == 0:
            return np.full(self.returns.shape[0], np.nan)
        return np.asarray(self.returns.mean(axis=1), dtype=np.float64)

    def __repr__(self) -> str:
        n, e = self.returns.shape
        return f"PopulationRun(members={n}, episodes={e}, steps={self.steps})"


class Population(FileSurface):
    """``n`` independent agents, each in its own built-in environment, trained in parallel.

    Members are ordinary :class:`~hebbian_brain.Agent` objects (``population[i]``), with their
    own brain: ``predict``, ``history``, ``save``, ``brain.to_dot()`` work on them as on any
    agent. :meth:`run_episodes` runs all members at once in Rust on ``n_threads`` threads with the
    GIL released; a member used from another Python thread meanwhile raises a ``RuntimeError``
    (:class:`~hebbian_brain.StateError` for its brain or environment) instead of waiting.

    A population can also train in any Gymnasium ``VectorEnv`` with ``Discrete`` actions
    (``Population(gym.make_vec("FrozenLake-v1", num_envs=8), seed=0)``): **one brain per
    copy**, member ``i`` acting in copy ``i``, stepped from Python (:meth:`learn` only;
    :meth:`run_episodes` and saving the population need built-in environments, the members
    save one by one). For one brain shared by all copies, use ``Agent.learn(vector_env)``.

    Args:
        env: The built-in environment: ``"Chain"``, ``"GridWorld"``, ``"DeepSea"``,
            ``"RiverSwim"``, their Gymnasium ids
            (``"hebbian_brain/GridWorld-v0"``) or classes (``hebbian_brain.envs.GridWorldEnv``);
            or a Gymnasium ``VectorEnv``.
        n: Number of members, 1 .. 2**20 (a ``VectorEnv``: its ``num_envs``, the default).
        config: :class:`~hebbian_brain.BrainConfig` of every member's brain (None: defaults).
        params: :class:`~hebbian_brain.AgentParams` of every member (None: defaults).
        seed: Seeds the population (None: drawn from the OS, then kept in :attr:`seed`). Member
            ``i`` and its environment use ``derive_seed(seed, i)``.
        env_kwargs: Keyword arguments of the environment (e.g. ``{"size": 6, "slip": 0.1}``);
            plain Python literals, so that the population can be saved.
        n_threads: Threads of a run (None: all cores).

    Raises:
        InvalidArgumentError: ``n`` out of range, an unknown environment name, bad ``n_threads``.
        TypeError: Wrong types (``config`` a ``Brain``: members never share a brain).

    Example:
        >>> import hebbian_brain as hb
        >>> pop = hb.Population("GridWorld", 8, seed=0, env_kwargs={"slip": 0.1})
        >>> run = pop.run_episodes(100)
        >>> run.returns.shape
        (8, 100)
    """

    def __init__(
        self,
        env: Any,
        n: int | None = None,
        config: BrainConfig | None = None,
        *,
        params: AgentParams | None = None,
        seed: int | None = None,
        env_kwargs: dict[str, Any] | None = None,
        n_threads: int | None = None,
    ) -> None:
        from hebbian_brain._vector import is_vector_env

        self._vector_env: Any = None
        if is_vector_env(env):
            self._vector_env = env
            self._env_name = "VectorEnv"
            num_envs = int(env.num_envs)
            if n is not None and _count("n", n, low=1, high=MAX_MEMBERS) != num_envs:
                raise InvalidArgumentError(
                    f"invalid argument `n`: the VectorEnv has {num_envs} copies, got n={n}"
                )
            n = num_envs
        else:
            self._env_name = _env_name(env)
            if n is None:
                raise ArgumentTypeError("Population() needs n, the number of members")
        n = _count("n", n, low=1, high=MAX_MEMBERS)
        if isinstance(config, Brain):
            raise ArgumentTypeError(
                "config must be a BrainConfig or None: members never share a brain (pass "
                "brain.config to give every member a brain with the same configuration)"
            )
        if config is not None and not isinstance(config, BrainConfig):
            raise ArgumentTypeError(
                f"config must be a BrainConfig or None, got {type(config).__name__}"
            )
        if params is not None and not isinstance(params, AgentParams):
            raise ArgumentTypeError(
                f"params must be an AgentParams or None, got {type(params).__name__}"
            )
        if env_kwargs is None:
            env_kwargs = {}
        if not isinstance(env_kwargs, dict):
            raise ArgumentTypeError(
                f"env_kwargs must be a dict or None, got {type(env_kwargs).__name__}"
            )
        self._env_kwargs = dict(env_kwargs)
        self._check_literal_kwargs()
        if seed is None:
            seed = secrets.randbits(64)
        self._seed = _count("seed", seed, low=0, high=2**64 - 1)
        self._n_threads = _threads(n_threads)
        members: list[Agent] = []
        envs: list[Any] = []
        if self._vector_env is not None:
            for i in range(n):
                # Grid-brain members (params given: a Box space keeps the default grid; the
                # population's loop drives graph-agent cores, not ExperienceAgents).
                members.append(
                    Agent(
                        self._vector_env,
                        config,
                        seed=derive_seed(self._seed, i),
                        params=params if params is not None else AgentParams(),
                    )
                )
            for m in members:
                m.env = None  # members act through the population's loop, not on their own
            self._members = members
            self._envs = envs
            return
        cls = _env_classes()[self._env_name]
        for i in range(n):
            s = derive_seed(self._seed, i)
            e = cls(**self._env_kwargs)
            a = Agent(e, config, seed=s, params=params)
            a._seed_builtin(e)  # as a lone Agent's first run would: env.reset(seed=s)
            members.append(a)
            envs.append(e)
        self._members = members
        self._envs = envs

    def _check_literal_kwargs(self) -> None:
        try:
            ok = ast.literal_eval(repr(self._env_kwargs)) == self._env_kwargs
        except (ValueError, SyntaxError):
            ok = False
        if not ok:
            raise ArgumentTypeError(
                "env_kwargs must hold plain Python literals (numbers, strings, tuples, lists, "
                f"None) so that the population can be saved, got {self._env_kwargs!r}"
            )

    # ------------------------------------------------------------------ members
    def __len__(self) -> int:
        return len(self._members)

    def __getitem__(self, i: int) -> Agent:
        return self._members[operator.index(i)]

    def __iter__(self) -> Iterator[Agent]:
        return iter(self._members)

    @property
    def members(self) -> list[Agent]:
        """The member agents, in order (a new list; the agents are the live ones)."""
        return list(self._members)

    @property
    def envs(self) -> list[Any]:
        """Each member's environment (``ChainEnv``, ``GridWorldEnv``, ...), in member order."""
        return list(self._envs)

    @property
    def env_name(self) -> str:
        """``"Chain"``, ``"GridWorld"``, ``"DeepSea"``, ``"RiverSwim"`` or ``"VectorEnv"``."""
        return self._env_name

    @property
    def vector_env(self) -> Any:
        """The Gymnasium ``VectorEnv`` the population trains in (None: built-in environments)."""
        return self._vector_env

    def _need_builtin(self, what: str) -> None:
        if self._vector_env is not None:
            raise ArgumentTypeError(
                f"{what} needs a population of built-in environments; a VectorEnv population "
                "trains with learn(...) and its members save one by one (population[i].save)"
            )

    @property
    def env_kwargs(self) -> dict[str, Any]:
        """The environments' keyword arguments (a copy)."""
        return dict(self._env_kwargs)

    @property
    def seed(self) -> int:
        """The population's seed (drawn from the OS when none was given)."""
        return self._seed

    @property
    def member_seeds(self) -> np.ndarray:
        """``derive_seed(seed, i)`` of each member, uint64 ``[n]``."""
        return np.array([derive_seed(self._seed, i) for i in range(len(self))], dtype=np.uint64)

    @property
    def n_threads(self) -> int | None:
        """Threads of a run (None: all cores)."""
        return self._n_threads

    @n_threads.setter
    def n_threads(self, value: int | None) -> None:
        self._n_threads = _threads(value)

    # ------------------------------------------------------------------ training
    def run_episodes(
        self, episodes: int, *, dream_every: int = 1, n_threads: int | None = None
    ) -> PopulationRun:
        """Runs ``episodes`` episodes of every member, in parallel, inside Rust.

        Each member runs exactly as ``member.run_episodes(env, episodes, dream_every)`` would
        alone. Interruptible with Ctrl-C (between chunks of 32 episodes; finished episodes stay
        in the members' histories).

        Args:
            episodes: Episodes per member.
            dream_every: Dream after every this many episodes (0: never).
            n_threads: Threads for this call (None: the population's :attr:`n_threads`).

        Returns:
            The new episodes as ``[n_members, episodes]`` arrays.

        Raises:
            InvalidArgumentError: Negative counts, or more results than memory can address.
            MemoryError: The result arrays do not fit.
            RuntimeError: A member, brain or environment is in use by another thread
                (:class:`~hebbian_brain.StateError` for brains and environments).
        """
        self._need_builtin("run_episodes")
        episodes = _count("episodes", episodes, low=0)
        dream_every = _count("dream_every", dream_every, low=0)
        threads = self._n_threads if n_threads is None else _threads(n_threads)
        returns, lengths, terminated = run_population_episodes(
            [m._core for m in self._members],
            [e.core for e in self._envs],
            episodes,
            dream_every=dream_every,
            n_threads=threads,
        )
        return PopulationRun(returns, lengths, terminated)

    def learn(
        self,
        episodes: int | None = None,
        total_timesteps: int | None = None,
        *,
        dream_every: int = 1,
        progress_bar: bool = False,
    ) -> Population:
        """Trains every member for ``episodes`` episodes, or until ``total_timesteps`` steps.

        With ``total_timesteps`` (all members together, as stable-baselines3 counts a vector
        environment's steps) every member runs the same number of whole episodes, in rounds
        sized from the episode lengths so far, until the population has taken at least that
        many steps; the result is as deterministic as :meth:`run_episodes`.

        Args:
            episodes: Episodes per member.
            total_timesteps: Steps of all members together (whole episodes: it may overshoot).
            dream_every: Dream after every this many episodes (0: never).
            progress_bar: Show a tqdm progress bar.

        Returns:
            self
        """
        if (episodes is None) == (total_timesteps is None):
            raise InvalidArgumentError(
                "invalid argument `episodes, total_timesteps`: give exactly one of them"
            )
        dream_every = _count("dream_every", dream_every, low=0)
        bar = None
        if progress_bar:
            from tqdm.auto import tqdm

            unit = "episode" if episodes is not None else "step"
            total = episodes if episodes is not None else total_timesteps
            bar = tqdm(total=total, unit=unit, desc="population")
        try:
            if self._vector_env is not None:
                from hebbian_brain._population_vector import learn_members

                learn_members(
                    self._members,
                    self._vector_env,
                    None
                    if total_timesteps is None
                    else _count("total_timesteps", total_timesteps, low=0),
                    None if episodes is None else _count("episodes", episodes, low=0),
                    dream_every,
                    bar,
                )
            elif episodes is not None:
                episodes = _count("episodes", episodes, low=0)
                chunk = max(1, episodes // 100) if bar is not None else max(episodes, 1)
                done = 0
                while done < episodes:
                    k = min(chunk, episodes - done)
                    self.run_episodes(k, dream_every=dream_every)
                    done += k
                    if bar is not None:
                        bar.update(k)
            else:
                budget = _count("total_timesteps", total_timesteps, low=0)
                steps, k = 0, 1
                while steps < budget:
                    run = self.run_episodes(k, dream_every=dream_every)
                    steps += run.steps
                    if bar is not None:
                        bar.update(run.steps)
                    per_round = max(run.steps / k, 1.0)  # steps of one episode of every member
                    k = int(min(max((budget - steps) / per_round, 1), 1024))
        finally:
            if bar is not None:
                bar.close()
        return self

    @property
    def histories(self) -> list[History]:
        """Each member's :class:`~hebbian_brain.History` (snapshots)."""
        return [m.history for m in self._members]

    @property
    def returns(self) -> np.ndarray:
        """Every member's episode returns, float64 ``[n, episodes]``.

        NaN-padded when members have different numbers of episodes (e.g. after training one of
        them alone).
        """
        rs = [h.returns for h in self.histories]
        width = max((r.size for r in rs), default=0)
        out = np.full((len(rs), width), np.nan)
        for i, r in enumerate(rs):
            out[i, : r.size] = r
        return out

    @property
    def lengths(self) -> np.ndarray:
        """Every member's episode lengths, float64 ``[n, episodes]`` (NaN-padded like returns)."""
        ls = [h.lengths for h in self.histories]
        width = max((v.size for v in ls), default=0)
        out = np.full((len(ls), width), np.nan)
        for i, v in enumerate(ls):
            out[i, : v.size] = v
        return out

    # ------------------------------------------------------------------ persistence
    def _metadata(self) -> str:
        return json.dumps(
            {
                "format": _FORMAT,
                "env": self._env_name,
                "env_kwargs": repr(self._env_kwargs),
                "seed": self._seed,
                "n_threads": self._n_threads,
                "members": [m._metadata() for m in self._members],
            }
        )

    def to_bytes(self) -> bytes:
        """The population (every member with its brain and history) in the library's format."""
        self._need_builtin("to_bytes")
        return population_to_bytes(
            [m._core for m in self._members], [e.core for e in self._envs], self._metadata()
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the population to one file atomically (temporary file, fsync, rename).

        Every member's agent, brain and environment (with its state and random generator) is
        saved, so a loaded population continues exactly as this one would.
        """
        self._need_builtin("save")
        population_save(
            [m._core for m in self._members],
            [e.core for e in self._envs],
            _path("path", path),
            self._metadata(),
        )

    @classmethod
    def from_bytes(cls, data: bytes, *, origin: str = "<bytes>") -> Population:
        """A population from :meth:`to_bytes` output.

        Raises:
            FileFormatError: Truncated, corrupted or foreign data.
        """
        cores, env_cores, meta = population_from_bytes(bytes(data), origin)
        return cls._from_cores(cores, env_cores, meta, origin)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Population:
        """Reads a population written by :meth:`save`.

        Raises:
            FileNotFoundError: No such file.
            FileFormatError: Truncated, corrupted, foreign or unknown-version file, damaged
                metadata, or not a regular file (a device, FIFO or socket is refused unread).
        """
        origin = _path("path", path)
        cores, env_cores, meta = population_load(origin)
        return cls._from_cores(cores, env_cores, meta, origin)

    @classmethod
    def _from_cores(
        cls, cores: list[Any], env_cores: list[Any], meta_text: str, origin: str
    ) -> Population:
        meta = Metadata.parse(origin, "population", meta_text)
        meta.string("format", equal=_FORMAT)
        members = meta.items("members", length=len(cores))
        if len(env_cores) != len(cores):
            raise FileFormatError(
                f"{origin}: {len(cores)} agents but {len(env_cores)} environments"
            )
        seed = meta.integer("seed", low=0)
        n_threads = meta.integer("n_threads", low=1, high=4096, none=True)
        try:
            name = _env_name(meta.string("env"))
        except InvalidArgumentError:
            raise meta.bad("env", "is not a built-in environment") from None
        try:
            env_kwargs = ast.literal_eval(meta.string("env_kwargs"))
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as e:
            raise meta.bad("env_kwargs", f"is not a Python literal ({e})") from None
        if not (isinstance(env_kwargs, dict) and all(isinstance(k, str) for k in env_kwargs)):
            raise meta.bad("env_kwargs", "must be a dict with string keys")
        pop = cls.__new__(cls)
        pop._env_name = name
        pop._vector_env = None
        pop._env_kwargs = env_kwargs
        pop._seed = seed
        pop._n_threads = n_threads
        env_cls = _env_classes()[name]
        pop._members = []
        pop._envs = []
        for i, (core, env_core, member_meta) in enumerate(zip(cores, env_cores, members)):
            agent = Agent._from_core(core, member_meta, f"{origin} (member {i})")
            try:
                env = env_cls(**env_kwargs)
            except (TypeError, ValueError) as e:
                raise meta.bad("env_kwargs", f"does not build a {name} environment ({e})") from None
            if type(env_core) is not type(env.core):
                raise FileFormatError(f"{origin}: the environments are not {name} ones")
            env.core = env_core  # the saved state and generator
            pop._members.append(agent)
            pop._envs.append(env)
        return pop

    def __repr__(self) -> str:
        head = f"Population(env={self._env_name!r}, n={len(self)}, seed={self._seed}"
        try:
            episodes = sum(m._core.history_len() for m in self._members)
            steps = sum(m.num_timesteps for m in self._members)
        except RuntimeError:  # a run in another thread holds the members
            return f"{head}, running)"
        return f"{head}, episodes={episodes}, steps={steps})"
