"""The stable-baselines3 half of :class:`~hebbian_brain.Agent`: bound env, logger, parameters."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, cast

from hebbian_brain._agent_spaces import _Encoder, _matching_shape, _space_module
from hebbian_brain._core import (
    AgentCore,
    AgentParams,
    ArgumentTypeError,
    Brain,
    InvalidArgumentError,
)
from hebbian_brain._validate import path as _path
from hebbian_brain._vector import is_vector_env

if TYPE_CHECKING:
    from hebbian_brain.logger import Logger

__all__ = ["LoggerSurface", "SB3Surface", "parameters_from"]


class LoggerSurface:
    """The logger half of the stable-baselines3 surface, shared by every agent class.

    Used by :class:`~hebbian_brain.Agent` and the recurrent agents of
    :mod:`hebbian_brain.rnn`: a logger made per ``learn`` call (stdout when ``verbose >= 1``,
    TensorBoard under ``tensorboard_log``) unless one was set with :meth:`set_logger`.
    """

    tensorboard_log: str | None
    verbose: int
    _custom_logger: Logger | None
    _logger: Logger | None

    def _init_logger(self, tensorboard_log: Any, verbose: int) -> None:
        """The logger settings (no logger is opened before ``learn``)."""
        self.tensorboard_log = (
            None if tensorboard_log is None else _path("tensorboard_log", tensorboard_log)
        )
        self.verbose = int(verbose)
        self._custom_logger = None
        self._logger = None

    @property
    def logger(self) -> Logger:
        """The logger of the last :meth:`learn` (or the one given to :meth:`set_logger`)."""
        if self._custom_logger is not None:
            return self._custom_logger
        if self._logger is None:
            from hebbian_brain.logger import Logger

            self._logger = Logger(None, [])
        return self._logger

    def set_logger(self, logger: Logger) -> None:
        """Uses ``logger`` in every later :meth:`learn` (instead of one made per call).

        Make one with :func:`hebbian_brain.logger.configure`.
        """
        from hebbian_brain.logger import Logger

        if not isinstance(logger, Logger):
            raise ArgumentTypeError(f"logger must be a hebbian_brain.logger.Logger, got {logger!r}")
        self._custom_logger = logger

    def _setup_logger(self, tb_log_name: str, reset_num_timesteps: bool) -> None:
        if self._custom_logger is not None:
            return
        from hebbian_brain.logger import configure

        formats = ["stdout"] if self.verbose >= 1 else []
        folder = None
        if self.tensorboard_log is not None:
            formats.append("tensorboard")
            run_id = _latest_run_id(self.tensorboard_log, tb_log_name)
            if reset_num_timesteps or run_id == 0:
                run_id += 1
            folder = os.path.join(self.tensorboard_log, f"{tb_log_name}_{run_id}")
        if self._logger is not None:
            self._logger.close()
        self._logger = configure(folder, formats)


class SB3Surface(LoggerSurface):
    """Methods of :class:`~hebbian_brain.Agent` that stable-baselines3 users expect."""

    env: Any
    _n: int
    _start: int
    _seed: int | None
    _encoder: _Encoder
    _core: AgentCore

    def _init_sb3(self, env: Any, tensorboard_log: Any, verbose: int) -> None:
        """The stable-baselines3 state: bound env, logger settings, vector-copy step count."""
        self.env: Any = None
        self._init_logger(tensorboard_log, verbose)
        self._vector_steps = 0
        if env is not None:
            self.set_env(env)

    def get_env(self) -> Any:
        """The bound environment (None if none), as given (not wrapped in a VecEnv)."""
        return self.env

    def set_env(self, env: Any, force_reset: bool = True) -> None:
        """Binds ``env`` for :meth:`learn` after checking its spaces against the agent's.

        Args:
            env: A Gymnasium environment or ``VectorEnv`` with the agent's action space.
            force_reset: Accepted for stable-baselines3 compatibility: ``learn`` always starts
                with a reset.

        Raises:
            TypeError: Not a ``Discrete`` action space.
            InvalidArgumentError: Another number of actions or another observation space.
        """
        shape = self._check_env(env, observation=True)
        if shape is not None:
            self._encoder.obs_shape = shape  # agents saved before shapes were kept learn it here
        self.env = env

    def get_parameters(self) -> dict[str, dict[str, Any]]:
        """The agent's learned state and settings (stable-baselines3's ``get_parameters``).

        Returns:
            ``{"brain": {"brain": Brain}, "params": {"params": AgentParams}}``: a copy of the
            brain (its nodes, synapses, values, clock and episode count; numpy tables through
            ``brain.nodes()`` / ``brain.edges()``) and the agent's parameters.
        """
        import copy

        return {
            "brain": {"brain": copy.copy(self._core.brain)},
            "params": {"params": self._core.params},
        }

    def set_parameters(
        self,
        load_path_or_dict: str | os.PathLike[str] | dict[str, dict[str, Any]],
        exact_match: bool = True,
    ) -> None:
        """Replaces the brain and/or parameters with those of :meth:`get_parameters` or a file.

        The agent keeps its spaces, environment and logger; its history and step count start
        over (they belong to the replaced learner) and its exploration generator is reseeded
        from the agent's seed. A brain is copied, so the source agent and this one do not
        share it.

        Args:
            load_path_or_dict: A dict as :meth:`get_parameters` returns, or the path of an
                agent file (its brain and parameters are used).
            exact_match: Require both ``"brain"`` and ``"params"`` (else either is enough).

        Raises:
            InvalidArgumentError: Unknown or missing keys, or a brain for another number of
                actions.
        """
        import copy

        params_dict = parameters_from(self, load_path_or_dict)
        unknown = set(params_dict) - {"brain", "params"}
        missing = {"brain", "params"} - set(params_dict)
        if unknown or (exact_match and missing):
            raise InvalidArgumentError(
                "invalid argument `load_path_or_dict`: expected the keys 'brain' and 'params'"
                f" (unknown: {sorted(map(repr, unknown))}, missing: {sorted(missing)})"
            )
        for key in ("brain", "params"):
            if key in params_dict and (
                not isinstance(params_dict[key], dict) or set(params_dict[key]) != {key}
            ):
                raise InvalidArgumentError(
                    f"invalid argument `load_path_or_dict`: [{key!r}] must be {{{key!r}: ...}} "
                    "as get_parameters() returns it"
                )
        brain = params_dict.get("brain", {}).get("brain", self._core.brain)
        params = params_dict.get("params", {}).get("params", self._core.params)
        if not isinstance(brain, Brain) or not isinstance(params, AgentParams):
            raise ArgumentTypeError("'brain' must hold a Brain and 'params' an AgentParams")
        if brain is not self._core.brain:
            brain = copy.copy(brain)
        core = AgentCore(
            self._n, params=params, seed=self._seed, discrete=self._encoder.discrete, brain=brain
        )
        self._core = core

    def _env_observation_space(self, env: Any) -> Any:
        """``env``'s (single-copy) observation space, once its actions are checked.

        Raises:
            TypeError: Not a ``Discrete`` action space.
            InvalidArgumentError: Another number of actions or another start.
        """
        vector = is_vector_env(env)
        space = getattr(env, "single_action_space" if vector else "action_space", None)
        if not isinstance(space, _space_module().Discrete):
            raise ArgumentTypeError(
                f"env: the action space must be gymnasium.spaces.Discrete, got {space!r}"
            )
        if int(space.n) != self._n or int(space.start) != self._start:
            raise InvalidArgumentError(
                f"invalid argument `env`: its actions ({space}) are not the agent's "
                f"(Discrete({self._n}, start={self._start}))"
            )
        return getattr(env, "single_observation_space" if vector else "observation_space", None)

    def _check_env(self, env: Any, observation: bool = False) -> tuple[int, ...] | None:
        """Refuses ``env`` unless its spaces fit the agent's; changes nothing.

        Returns:
            With ``observation``, the Box shape of ``env``'s observations when the agent
            discretizes them (None otherwise).
        """
        obs_space = self._env_observation_space(env)
        if not observation:
            return None
        mine = self._encoder.space
        if mine is not None and obs_space is not None and obs_space != mine:
            raise InvalidArgumentError(
                f"invalid argument `env`: its observation space {obs_space} is not the agent's "
                f"{mine}"
            )
        enc = self._encoder
        if enc.discretizer is not None and isinstance(obs_space, _space_module().Box):
            shape = _matching_shape(enc.discretizer, obs_space)
            if enc.obs_shape is not None and enc.obs_shape != shape:
                raise InvalidArgumentError(
                    f"invalid argument `env`: its observations have shape {shape}, the agent's "
                    f"{enc.obs_shape}"
                )
            return shape
        return None


def parameters_from(agent: Any, load_path_or_dict: Any) -> Any:
    """What ``set_parameters`` was given: a dict as is, or the parameters of an agent file.

    Raises:
        TypeError: Neither a path nor a dict.
    """
    if isinstance(load_path_or_dict, (str, os.PathLike)):
        return cast(Any, type(agent)).load(load_path_or_dict).get_parameters()
    if isinstance(load_path_or_dict, dict):
        return load_path_or_dict
    raise ArgumentTypeError(
        "load_path_or_dict must be a path or a dict from get_parameters(), got "
        f"{type(load_path_or_dict).__name__}"
    )


def _latest_run_id(folder: str, name: str) -> int:
    """The largest ``i`` of the ``{name}_{i}`` run folders in ``folder`` (0 if none)."""
    best = 0
    if os.path.isdir(folder):
        for entry in os.listdir(folder):
            head, _, tail = entry.rpartition("_")
            if head == name and tail.isdigit() and os.path.isdir(os.path.join(folder, entry)):
                best = max(best, int(tail))
    return best
