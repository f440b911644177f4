"""Cognitive tasks as Gymnasium environments, with NeuroGym's conventions and Rust cores.

Each task steps ``dt`` milliseconds at a time through named periods (the ``timing`` dict),
shows a fixation input that is on until the decision period, takes action 0 as "fixate", gives
the ground-truth action of every step in ``info["gt"]`` and rewards the answer given in the
decision period. ``new_trial(**kwargs)`` draws a trial (fixing any of its variables) and fills
``env.ob`` ``[T, n_obs]`` and ``env.gt`` ``[T]``, as NeuroGym's ``TrialEnv`` does.

One trial is one episode: the episode terminates when the agent answers in the decision
period, or when the trial ends without an answer (NeuroGym instead chains trials into one
endless episode and flags ``info["new_trial"]``; that flag is set here too).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from hebbian_brain._core import ArgumentTypeError, CognitiveEnvCore, InvalidConfigError
from hebbian_brain.envs import _args
from hebbian_brain.envs._spec import OwnStepLimit, trial_step_limit

__all__ = [
    "ContextDecisionMakingEnv",
    "DelayMatchSampleEnv",
    "DelayedNonMatchEnv",
    "PerceptualDecisionMakingEnv",
]

_DISTRIBUTIONS = ("constant", "uniform", "choice", "truncated_exponential")


def _timing_entries(timing: Mapping[str, Any] | None) -> list[tuple[str, str, list[float]]]:
    """NeuroGym-style timing values as ``(period, kind, values)``.

    A value is a number of ms, ``("uniform", (a, b))``, ``("choice", [..])``,
    ``("truncated_exponential", (mean, low, high))`` or ``("constant", v)``.
    """
    if timing is None:
        return []
    if not isinstance(timing, Mapping):
        raise ArgumentTypeError(
            f"timing must be a dict of period -> duration, got {type(timing).__name__}"
        )
    out = []
    for period, value in timing.items():
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            out.append((str(period), "constant", [_args.real(f"timing[{period!r}]", value)]))
            continue
        if (
            isinstance(value, (tuple, list))
            and len(value) == 2
            and isinstance(value[0], str)
            and value[0] in _DISTRIBUTIONS
        ):
            kind, args = value
            vals = [args] if isinstance(args, numbers.Real) else list(args)
            try:
                out.append((str(period), kind, [float(v) for v in vals]))
            except (TypeError, ValueError, OverflowError):
                raise InvalidConfigError(
                    f"invalid value for `timing['{period}']`: {value!r} has non-numeric values"
                ) from None
            continue
        raise InvalidConfigError(
            f"invalid value for `timing['{period}']`: expected milliseconds or (kind, values) "
            f"with kind one of {_DISTRIBUTIONS}, got {value!r}"
        )
    return out


def _optional_reals(name: str, value: Any) -> list[float] | None:
    return None if value is None else _args.reals(name, value)


#: How each task's own arguments are checked before its core sees them.
_TASK_ARGS: dict[str, Callable[[str, Any], Any]] = {
    "cohs": _optional_reals,
    "sigma": _args.real,
    "dim_ring": _args.integer,
}


class _CognitiveEnv(OwnStepLimit, gym.Env[Any, Any]):
    """Shared machinery of the cognitive tasks (see the module docs).

    A subclass names its task (``_task``) and passes its own keyword arguments on: they are
    checked (``_TASK_ARGS``, in the order given, before the shared ones) and handed to the core.
    A task drawing coherences sets ``_default_cohs``; it then keeps ``cohs`` and ``sigma`` as
    attributes, as NeuroGym's tasks do.
    """

    metadata = {"render_modes": []}  # noqa: RUF012 (Gymnasium's class attribute)
    _task: ClassVar[str] = ""
    _default_cohs: ClassVar[tuple[float, ...] | None] = None

    def __init__(
        self,
        dt: float,
        rewards: Mapping[str, float] | None,
        timing: Mapping[str, Any] | None,
        abort: bool,
        **task_args: Any,
    ) -> None:
        checked = {name: _TASK_ARGS[name](name, value) for name, value in task_args.items()}
        r = {"abort": -0.1, "correct": 1.0, "fail": 0.0}
        if rewards is not None:
            if not isinstance(rewards, Mapping):
                raise ArgumentTypeError(
                    f"rewards must be a dict of outcome -> reward, got {type(rewards).__name__}"
                )
            unknown = set(rewards) - set(r)
            if unknown:
                raise InvalidConfigError(
                    f"invalid value for `rewards`: unknown keys {sorted(unknown)} "
                    f"(abort, correct, fail)"
                )
            r.update({k: _args.real(f"rewards[{k!r}]", v) for k, v in rewards.items()})
        self.core = CognitiveEnvCore(
            self._task,
            dt=_args.real("dt", dt),
            timing=_timing_entries(timing),
            rewards=(r["abort"], r["correct"], r["fail"]),
            abort=bool(abort),
            **checked,
        )
        self.rewards = r
        self.abort = bool(abort)
        self.observation_space = spaces.Box(
            -np.inf, np.inf, shape=(self.core.n_obs,), dtype=np.float32
        )
        self.action_space = spaces.Discrete(self.core.n_actions)
        self.ob_dict = {name: i for i, name in enumerate(self.core.obs_names)}
        self.act_dict = {"fixation": 0, "choice": list(range(1, self.core.n_actions))}
        if self._default_cohs is not None:
            cohs = task_args["cohs"]
            #: Coherences (percent) drawn from.
            self.cohs = np.array(self._default_cohs if cohs is None else cohs, dtype=float)
            self.sigma = float(task_args["sigma"])

    # NeuroGym attributes
    @property
    def dt(self) -> float:
        """Step length in milliseconds."""
        return float(self.core.dt)

    @property
    def timing(self) -> dict[str, Any]:
        """The full timing: period -> ms, or ``(kind, values)`` for drawn durations."""
        out: dict[str, Any] = {}
        for name, kind, vals in self.core.timing:
            out[name] = vals[0] if kind == "constant" else (kind, tuple(vals))
        return out

    @property
    def ob(self) -> np.ndarray:
        """Observations of the current trial, ``[T, n_obs]`` float32."""
        return np.asarray(self.core.ob, dtype=np.float32)

    @property
    def gt(self) -> np.ndarray:
        """Ground-truth action of each step of the current trial, ``[T]`` int64."""
        return self.core.gt

    @property
    def trial(self) -> dict[str, Any]:
        """The current trial's variables (``ground_truth`` and the task's own)."""
        return dict(self.core.trial_info())

    @property
    def start_ind(self) -> dict[str, int]:
        """First step of each period of the current trial."""
        return {name: a for name, a, _ in self.core.periods}

    @property
    def end_ind(self) -> dict[str, int]:
        """End step (exclusive) of each period of the current trial."""
        return {name: b for name, _, b in self.core.periods}

    def new_trial(self, **kwargs: Any) -> dict[str, Any]:
        """Draws a new trial and starts it, fixing any of its variables; returns them.

        Keywords: ``ground_truth`` (the correct action, >= 1) and the task's own variables
        (listed in the class's Arguments section).
        """
        return dict(self.core.new_trial(**_trial_variables("new_trial", kwargs)))

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Starts a new trial (``options`` may fix trial variables, as ``new_trial`` takes)."""
        seed = _args.seed(seed)
        super().reset(seed=seed)
        if seed is not None:
            self.core.reset(seed)
        if options is not None and not isinstance(options, Mapping):
            raise ArgumentTypeError(
                f"options must be a dict of trial variables or None, got {type(options).__name__}"
            )
        if options:
            self.core.new_trial(**_trial_variables("reset", options))
            obs = np.asarray(self.core.ob[0], dtype=np.float32)
        else:
            obs = np.asarray(self.core.reset(), dtype=np.float32)
        return obs, {"gt": int(self.core.gt[0]), "new_trial": False, **self.trial}

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """One step of ``dt`` ms; ``info["gt"]`` is the ground truth of the step taken."""
        a = _args.action(action, self.core.n_actions)
        obs, reward, terminated, gt, outcome = self.core.step(a)
        info: dict[str, Any] = {"gt": gt, "new_trial": terminated}
        if terminated:
            info["performance"] = 1.0 if outcome == "correct" else 0.0
            info["outcome"] = outcome
        return np.asarray(obs, dtype=np.float32), float(reward), terminated, False, info

    def _own_step_limit(self) -> int:
        return trial_step_limit(self.core)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dt={self.dt}, timing={self.timing})"


class PerceptualDecisionMakingEnv(_CognitiveEnv):
    """Random-dot motion discrimination (Britten et al. 1992; NeuroGym's PerceptualDecisionMaking).

    A noisy stimulus points to one of ``dim_ring`` directions; after it ends the agent reports
    the direction. Ring unit ``k`` (preferred direction ``2πk/dim_ring``) receives
    ``0.5 + (coh/200)·cos(θ_k − θ*)`` plus Gaussian noise of standard deviation
    ``sigma/√dt`` per step during the stimulus.

    ## Action Space
    ``Discrete(1 + dim_ring)``: 0 fixates, ``k ≥ 1`` chooses direction ``k − 1``.

    ## Observation Space
    ``Box(-inf, inf, (1 + dim_ring,), float32)``: the fixation input (1 until the decision
    period), then the ring.

    ## Starting State
    A new trial: a direction and a coherence drawn uniformly from ``cohs``.

    ## Rewards
    ``rewards["correct"]`` (+1) for the right choice in the decision period,
    ``rewards["fail"]`` (0) for a wrong one, ``rewards["abort"]`` (−0.1) for a non-fixate
    action during the fixation period. Chance: ``1/dim_ring`` of the trials correct.

    ## Episode End
    Termination: a choice in the decision period, the trial's end, or (with ``abort=True``)
    breaking fixation. No truncation.

    ## Arguments
    * ``dt`` (float, 100): step in ms.
    * ``timing`` (dict): changes to ``{"fixation": 100, "stimulus": 2000, "delay": 0,
      "decision": 100}`` (ms, or ``("uniform", (a, b))``, ``("choice", [...])``,
      ``("truncated_exponential", (mean, low, high))``).
    * ``rewards`` (dict): changes to ``{"abort": -0.1, "correct": 1.0, "fail": 0.0}``.
    * ``cohs`` (list, ``[0, 6.4, 12.8, 25.6, 51.2]``): coherences in percent.
    * ``sigma`` (float, 1.0): input noise. ``dim_ring`` (int, 2): directions.
    * ``abort`` (bool, False): breaking fixation ends the trial.
    * ``new_trial`` keywords: ``ground_truth`` (1..dim_ring), ``coh``.

    ## Version History
    * v0: initial version (NeuroGym's PerceptualDecisionMaking-v0 defaults).
    """

    _task = "PerceptualDecisionMaking"
    _default_cohs = (0.0, 6.4, 12.8, 25.6, 51.2)

    def __init__(
        self,
        dt: float = 100.0,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        cohs: Any = None,
        sigma: float = 1.0,
        dim_ring: int = 2,
        abort: bool = False,
    ) -> None:
        super().__init__(dt, rewards, timing, abort, cohs=cohs, sigma=sigma, dim_ring=dim_ring)


class ContextDecisionMakingEnv(_CognitiveEnv):
    """Context-dependent integration (Mante et al. 2013; NeuroGym's ContextDecisionMaking).

    Two noisy modalities (motion and colour in the monkey task) each point to one of two
    choices with their own coherence; a context input says which modality to report. The
    ignored modality points to an independent choice, so half the trials are incongruent.

    ## Action Space
    ``Discrete(3)``: 0 fixates, 1 and 2 are the two choices.

    ## Observation Space
    ``Box(-inf, inf, (7,), float32)``: fixation, modality 1 (two units), modality 2 (two
    units), context (two units, one-hot, on until the decision period).

    ## Starting State
    A new trial: choice, other choice, context and both coherences drawn uniformly.

    ## Rewards
    As :class:`PerceptualDecisionMakingEnv`. Chance: 50 %.

    ## Episode End
    As :class:`PerceptualDecisionMakingEnv`.

    ## Arguments
    * ``dt`` (100), ``rewards``, ``abort`` as :class:`PerceptualDecisionMakingEnv`.
    * ``timing`` (dict): changes to ``{"fixation": 300, "stimulus": 750, "delay":
      ("truncated_exponential", (600, 300, 3000)), "decision": 100}``.
    * ``cohs`` (list, ``[5, 15, 50]``), ``sigma`` (1.0).
    * ``new_trial`` keywords: ``ground_truth`` (1 or 2), ``other_choice``, ``context`` (0 or
      1), ``coh_0``, ``coh_1``.

    ## Version History
    * v0: initial version.
    """

    _task = "ContextDecisionMaking"
    _default_cohs = (5.0, 15.0, 50.0)

    def __init__(
        self,
        dt: float = 100.0,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        cohs: Any = None,
        sigma: float = 1.0,
        abort: bool = False,
    ) -> None:
        super().__init__(dt, rewards, timing, abort, cohs=cohs, sigma=sigma)


class DelayMatchSampleEnv(_CognitiveEnv):
    """Delayed match-to-sample (NeuroGym's DelayMatchSample; Miller et al. 1996).

    A sample direction, a delay, then a test direction that is the same (match) or different
    (non-match); the agent answers in the decision period.

    ## Action Space
    ``Discrete(3)``: 0 fixates, 1 answers match, 2 non-match.

    ## Observation Space
    ``Box(-inf, inf, (1 + dim_ring,), float32)``: fixation, then the ring (driven with
    ``0.5 + 0.5·cos(θ_k − θ)`` plus noise ``sigma/√dt`` during sample and test).

    ## Starting State
    A new trial: match or non-match (equally likely) and a sample direction drawn uniformly.

    ## Rewards
    As :class:`PerceptualDecisionMakingEnv`. Chance: 50 %.

    ## Episode End
    As :class:`PerceptualDecisionMakingEnv`.

    ## Arguments
    * ``dt`` (100), ``rewards``, ``abort`` as :class:`PerceptualDecisionMakingEnv`.
    * ``timing`` (dict): changes to ``{"fixation": 300, "sample": 500, "delay": 1000,
      "test": 500, "decision": 900}``.
    * ``sigma`` (1.0), ``dim_ring`` (2).
    * ``new_trial`` keywords: ``ground_truth`` (1 match, 2 non-match), ``sample``.

    ## Version History
    * v0: initial version.
    """

    _task = "DelayMatchSample"

    def __init__(
        self,
        dt: float = 100.0,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 1.0,
        dim_ring: int = 2,
        abort: bool = False,
    ) -> None:
        super().__init__(dt, rewards, timing, abort, sigma=sigma, dim_ring=dim_ring)


class DelayedNonMatchEnv(_CognitiveEnv):
    """Delayed non-match-to-sample (Miconi 2017's DNMS task as an environment).

    Stimulus A or B (input 1 or 2), a delay, a second stimulus; the agent answers whether
    the two were the same or different. The same task as
    :class:`hebbian_brain.tasks.DelayedNonMatch`, which trains from the error instead.

    ## Action Space
    ``Discrete(3)``: 0 fixates, 1 answers same, 2 different.

    ## Observation Space
    ``Box(-inf, inf, (3,), float32)``: fixation, A, B.

    ## Starting State
    A new trial: one of AA, AB, BA, BB, equally likely.

    ## Rewards
    As :class:`PerceptualDecisionMakingEnv`. Chance: 50 %.

    ## Episode End
    As :class:`PerceptualDecisionMakingEnv`.

    ## Arguments
    * ``dt`` (100), ``rewards``, ``abort`` as :class:`PerceptualDecisionMakingEnv`.
    * ``timing`` (dict): changes to ``{"fixation": 0, "sample": 200, "delay": 200,
      "test": 200, "decision": 200}`` (Miconi's 200 ms phases).
    * ``sigma`` (0.0): input noise.
    * ``new_trial`` keywords: ``ground_truth`` (1 same, 2 different), ``sample`` (0 A, 1 B).

    ## Version History
    * v0: initial version.
    """

    _task = "DelayedNonMatch"

    def __init__(
        self,
        dt: float = 100.0,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, Any] | None = None,
        sigma: float = 0.0,
        abort: bool = False,
    ) -> None:
        super().__init__(dt, rewards, timing, abort, sigma=sigma)


#: The trial variables ``new_trial`` (and ``reset``'s ``options``) may fix.
TRIAL_VARIABLES = ("ground_truth", "coh", "context", "coh_0", "coh_1", "other_choice", "sample")


def _trial_variables(call: str, variables: Mapping[Any, Any]) -> dict[str, Any]:
    """``variables`` as keywords of the core's ``new_trial``.

    An unknown name is the library's ``ArgumentTypeError`` (as a Python function's unexpected
    keyword is a ``TypeError``).
    """
    unknown = [k for k in variables if k not in TRIAL_VARIABLES]
    if unknown:
        raise ArgumentTypeError(
            f"{call}: unknown trial variable {unknown[0]!r}; the variables are "
            f"{', '.join(TRIAL_VARIABLES)}"
        )
    return dict(variables)
