"""Type stubs of the compiled module `hebbian_brain._core` (checked with mypy.stubtest)."""

from collections.abc import Hashable, Mapping, Sequence
from os import PathLike
from typing import Any, ClassVar, Literal, final, overload

from typing_extensions import Self

import networkx as nx
import numpy as np
import numpy.typing as npt

# The names pyo3 registers in _core.__all__ (stubtest in CI checks that the lists agree).
__all__ = [
    "Adam",
    "ArgumentTypeError",
    "AgentCore",
    "AgentParams",
    "AntiHebbian",
    "Brain",
    "BrainConfig",
    "ChainCore",
    "CognitiveEnvCore",
    "DeepSeaCore",
    "DreamParams",
    "DreamReport",
    "ExperienceCore",
    "FileFormatError",
    "GridWorldCore",
    "Hebbian",
    "HebbianError",
    "InvalidArgumentError",
    "InvalidConfigError",
    "InvalidNodeError",
    "MissingDependencyError",
    "ExternalToolError",
    "NeuromodulatedHebbian",
    "NoSynapseError",
    "Node",
    "NodePerturbationConfig",
    "NodePerturbationTrainer",
    "Oja",
    "PlasticityParams",
    "PredatorPreyCore",
    "PruneReport",
    "PruningParams",
    "QuantileDiscretizer",
    "RecurrentAgentCore",
    "RecurrentNetwork",
    "RiverSwimCore",
    "STDP",
    "ShapeError",
    "StateError",
    "Synapse",
    "TwoJointArm",
    "__version__",
    "_center_out_reach_arrays",
    "_container_load",
    "_container_save",
    "_delayed_non_match_arrays",
    "derive_seed",
    "plastic_forward",
    "plastic_loss_and_grad",
    "population_from_bytes",
    "population_load",
    "population_save",
    "population_to_bytes",
    "run_population_episodes",
    "state_hash",
    "train_population",
]

__version__: str

# ---------------------------------------------------------------- errors
class HebbianError(Exception):
    """Base class of every error raised by hebbian_brain."""

class InvalidConfigError(HebbianError, ValueError):
    """A configuration field is out of its valid range; the message names the field."""

class InvalidArgumentError(HebbianError, ValueError):
    """An argument has an invalid value (out of range, NaN or infinite); the message names it."""

class ShapeError(HebbianError, ValueError):
    """Array shapes or lengths disagree; the message names the argument."""

class InvalidNodeError(HebbianError, IndexError):
    """A node index that does not name a live node."""

class NoSynapseError(HebbianError, LookupError):
    """There is no synapse between the two nodes."""

class StateError(HebbianError, RuntimeError):
    """The call is not allowed in the object's current state (e.g. observe before act)."""

class FileFormatError(HebbianError, ValueError):
    """A file is truncated, corrupted, foreign, or written by an unknown format version."""

class ArgumentTypeError(HebbianError, TypeError):
    """An argument has the wrong type; the message names it."""

class MissingDependencyError(HebbianError, RuntimeError):
    """An optional program or package the call needs is not installed; the message says what to install."""

class ExternalToolError(HebbianError, RuntimeError):
    """An external program the call runs (Graphviz) failed or timed out; the message has its output."""

# ---------------------------------------------------------------- graph brain (config, Brain)
@final
class PlasticityParams:
    """Parameters of the three-factor rule, value learning and weight dynamics."""

    def __new__(
        cls,
        *,
        base_learning_rate: float = 0.05,
        epsilon: float = 0.001,
        weight_max: float = 1.0,
        weight_min: float = 0.0,
        enable_anti_hebbian: bool = True,
        initial_weight: float = 0.5,
        weight_decay: float = 1e-4,
        discount: float = 0.99,
        trace_decay: float = 0.8,
        value_learning_rate: float = 0.2,
        consolidation_rate: float = 0.01,
        plasticity_floor: float = 0.1,
        trace_cutoff: float = 1e-3,
    ) -> Self: ...
    @property
    def base_learning_rate(self) -> float:
        """η: learning rate of synaptic weights."""
    @property
    def epsilon(self) -> float:
        """ε: added to the modulator so that a traversed synapse strengthens a little even when δ = 0."""
    @property
    def weight_max(self) -> float:
        """Upper weight bound."""
    @property
    def weight_min(self) -> float:
        """Lower weight bound."""
    @property
    def enable_anti_hebbian(self) -> bool:
        """When false, a negative modulator does not weaken synapses (M is clipped at 0)."""
    @property
    def initial_weight(self) -> float:
        """Weight of a new synapse (clamped into [weight_min, weight_max])."""
    @property
    def weight_decay(self) -> float:
        """Per-step exponential decay of weights towards `weight_min` (applied lazily)."""
    @property
    def discount(self) -> float:
        """γ: discount of the reward-prediction error."""
    @property
    def trace_decay(self) -> float:
        """λ: decay of eligibility traces per step is γλ."""
    @property
    def value_learning_rate(self) -> float:
        """α: learning rate of node values (TD(λ) on the same modulator)."""
    @property
    def consolidation_rate(self) -> float:
        """Fraction by which a synapse's plasticity falls at each traversal (consolidation)."""
    @property
    def plasticity_floor(self) -> float:
        """Plasticity never falls below this floor."""
    @property
    def trace_cutoff(self) -> float:
        """Traces below this magnitude are dropped (they no longer cost anything)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (keyword arguments of the constructor)."""
    def replace(self, **changes: Any) -> PlasticityParams:
        """A copy with some fields replaced: `params.replace(discount=0.99)`."""
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class PruningParams:
    """When synapses and orphaned nodes are pruned."""

    def __new__(
        cls,
        *,
        inactivity_threshold: int = 1000,
        weight_threshold: float = 0.1,
        protection_period: int = 500,
        node_value_threshold: float = 0.0,
    ) -> Self: ...
    @property
    def inactivity_threshold(self) -> int:
        """A synapse must be inactive for more than this many steps to be pruned."""
    @property
    def weight_threshold(self) -> float:
        """A synapse must be weaker than this to be pruned."""
    @property
    def protection_period(self) -> int:
        """A synapse younger than this many steps is never pruned."""
    @property
    def node_value_threshold(self) -> float:
        """A node without synapses goes when |value| ≤ this (0: only nodes that learned nothing)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (keyword arguments of the constructor)."""
    def replace(self, **changes: Any) -> PruningParams:
        """A copy with some fields replaced."""
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class DreamParams:
    """Parameters of the dream (offline replay) phase."""

    def __new__(
        cls,
        *,
        walks_per_cycle: int = 10,
        walk_length: int = 10,
        consolidation_boost: float = 0.02,
        creative_edge_probability: float = 0.005,
        enable_galvanize: bool = True,
        galvanize_boost_multiplier: float = 1.5,
        galvanize_age_threshold: int = 1000,
        direction: str = "reverse",
        replay_learning_rate: float = 1.0,
        patience: int = 3,
        optimism: float = 5.0,
    ) -> Self: ...
    @property
    def walks_per_cycle(self) -> int:
        """Walks per dream cycle."""
    @property
    def walk_length(self) -> int:
        """Maximum number of synapses a walk traverses."""
    @property
    def consolidation_boost(self) -> float:
        """Weight added to each traversed synapse."""
    @property
    def creative_edge_probability(self) -> float:
        """Probability per walk of wiring a creative synapse across ≥ 2 hops of its path."""
    @property
    def enable_galvanize(self) -> bool:
        """Old synapses get a larger boost (galvanize)."""
    @property
    def galvanize_boost_multiplier(self) -> float:
        """Boost multiplier of galvanized synapses."""
    @property
    def galvanize_age_threshold(self) -> int:
        """A synapse older than this many steps is galvanized."""
    @property
    def direction(self) -> str:
        """Reverse (default) or forward walks."""
    @property
    def replay_learning_rate(self) -> float:
        """ρ: step size of the expected backups (1 = full backup to the graph's empirical model, as
        prioritized sweeping does).
        """
    @property
    def patience(self) -> int:
        """A reverse walk ends after this many consecutive backups that changed no value by more than
        1e-6 (prioritized sweeping: replay goes where values still move); 0 never ends walks early.
        """
    @property
    def optimism(self) -> float:
        """β of the exploration value U: a tried experience seen n times adds β·σ/√n to its reward
        (MBIE-EB, σ the range of the rewards seen); an untried one is worth (r_hi + σ/(1 − γ))/(1 − γ)
        (R-max). Agents explore greedily on U; 0 turns it off.
        """
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (keyword arguments of the constructor)."""
    def replace(self, **changes: Any) -> DreamParams:
        """A copy with some fields replaced."""
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class BrainConfig:
    """The whole configuration of a brain."""

    def __new__(
        cls,
        *,
        plasticity: PlasticityParams | None = None,
        pruning: PruningParams | None = None,
        dream: DreamParams | None = None,
    ) -> Self: ...
    @property
    def plasticity(self) -> PlasticityParams:
        """Parameters of the three-factor rule, value learning and weight dynamics."""
    @property
    def pruning(self) -> PruningParams:
        """When synapses and orphaned nodes are pruned."""
    @property
    def dream(self) -> DreamParams:
        """Parameters of the dream (offline replay) phase."""
    def to_dict(self) -> dict[str, Any]:
        """The parts as a dict (keyword arguments of the constructor)."""
    def replace(self, **changes: Any) -> BrainConfig:
        """A copy with some parts replaced."""
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class DreamReport:
    """What a dream did."""

    def __new__(
        cls,
        *,
        walks: int = 0,
        steps: int = 0,
        synapses_reinforced: int = 0,
        synapses_galvanized: int = 0,
        creative_edges_created: int = 0,
        value_change: float = 0.0,
    ) -> Self: ...
    @property
    def walks(self) -> int:
        """Walks replayed."""
    @property
    def steps(self) -> int:
        """Synapses traversed over all walks."""
    @property
    def synapses_reinforced(self) -> int:
        """Traversals that strengthened a synapse."""
    @property
    def synapses_galvanized(self) -> int:
        """Traversals of synapses old enough to be galvanized."""
    @property
    def creative_edges_created(self) -> int:
        """Creative synapses wired."""
    @property
    def value_change(self) -> float:
        """Sum of |ΔV| of the value backups."""
    def to_dict(self) -> dict[str, Any]:
        """The counts as a dict."""
    def __add__(self, other: DreamReport, /) -> DreamReport: ...
    def __radd__(self, other: DreamReport, /) -> DreamReport: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class PruneReport:
    """What a prune removed."""

    def __new__(cls, *, synapses_removed: int = 0, nodes_removed: int = 0) -> Self: ...
    @property
    def synapses_removed(self) -> int:
        """Synapses removed."""
    @property
    def nodes_removed(self) -> int:
        """Nodes removed."""
    def to_dict(self) -> dict[str, Any]:
        """The counts as a dict (keyword arguments of the constructor)."""
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class Node:
    """A read-only view of one node: a (state, action) experience."""

    @property
    def index(self) -> int:
        """Index of the node."""
    @property
    def state_hash(self) -> int:
        """Stable hash of the observed state."""
    @property
    def action(self) -> int:
        """Action taken in that state."""
    @property
    def created_at(self) -> int:
        """Brain clock (real steps) when the node was created."""
    @property
    def last_activated(self) -> int:
        """Brain clock of the last time the node was experienced."""
    @property
    def activation_count(self) -> int:
        """Visits followed by a learned step (saturates at 2**32 - 1)."""
    @property
    def terminal_count(self) -> int:
        """Of those, the ones that ended the episode (saturates at 2**32 - 1)."""
    @property
    def average_reward(self) -> float:
        """Running mean of the rewards received after this experience."""
    @property
    def salience(self) -> float:
        """Recent surprise: |last reward-prediction error| (real or replayed); dreams start here."""
    @property
    def value(self) -> float:
        """Learned value of the experience, Q(state, action)."""

@final
class Synapse:
    """A read-only view of one synapse (weight decayed to the brain's current time)."""

    @property
    def source(self) -> int:
        """Index of the presynaptic node (the earlier experience)."""
    @property
    def target(self) -> int:
        """Index of the postsynaptic node (the experience that followed)."""
    @property
    def weight(self) -> float:
        """Current weight, with weight decay applied up to the brain's clock."""
    @property
    def plasticity(self) -> float:
        """How much of the learning rate this synapse still takes (it shrinks with consolidation, down
        to the plasticity floor); scales the learning rate of its updates.
        """
    @property
    def eligibility_trace(self) -> float:
        """Eligibility trace of the synapse (0 when the trace has decayed away)."""
    @property
    def created_at(self) -> int:
        """Brain clock (real steps) when the synapse was created."""
    @property
    def last_activated(self) -> int:
        """Brain clock of the last time the synapse was traversed."""
    @property
    def traversal_count(self) -> int:
        """Real traversals (saturates at 2**30 - 1)."""
    @property
    def is_creative(self) -> bool:
        """Whether a dream made this synapse (a creative edge) rather than a real step."""

def state_hash(obj: object) -> int:
    """Stable 64-bit hash of an observation (ints, tuples, bytes, str, integer arrays)."""

_ArrayLike = npt.ArrayLike

@final
class Brain:
    """A graph brain: nodes are (state, action) experiences, edges are plastic synapses."""

    def __new__(cls, config: BrainConfig | None = None, *, seed: int | None = None) -> Self: ...
    @property
    def config(self) -> BrainConfig:
        """The brain's configuration."""
    @property
    def node_count(self) -> int:
        """Number of live nodes."""
    @property
    def edge_count(self) -> int:
        """Number of live synapses."""
    @property
    def clock(self) -> int:
        """Real steps learned so far."""
    @property
    def episodes(self) -> int:
        """Episodes ended so far."""
    def get_or_create_node(self, state: object, action: int) -> int:
        """The node of (state, action), created if needed. `state` is any observation
        `state_hash` accepts.
        """
    def find_node(self, state: object, action: int) -> int | None:
        """The node of (state, action), or None."""
    def contains_node(self, index: int) -> bool:
        """Whether `index` names a live node."""
    def activate_node(self, index: int, reward: float) -> None:
        """Records an experience of node `index` followed by `reward` (counts and mean reward),
        without learning.
        """
    def get_or_create_edge(self, src: int, dst: int) -> Synapse:
        """The synapse src → dst, created with the initial weight if absent."""
    def create_creative_edge(self, src: int, dst: int) -> bool:
        """Wires a creative synapse src → dst; False (nothing changes) if one already joins them."""
    def learn_transition(self, src: int, dst: int, reward: float) -> float:
        """One real step src → dst with `reward`; returns the reward-prediction error δ."""
    def learn_terminal(self, src: int, reward: float) -> float:
        """The last step of an episode that terminated after `src`; returns δ = r − V(src)."""
    def learn_truncated(self, src: int, reward: float, next_state: object) -> float:
        """The last step of a truncated episode: bootstraps from `next_state`'s best value."""
    def learn_transitions(
        self, src: _ArrayLike, dst: _ArrayLike, rewards: _ArrayLike
    ) -> npt.NDArray[np.float64]:
        """A batch of transitions (arrays of equal length); returns the δ of each.
        Validated as a whole first: on bad input nothing is learned.
        """
    def end_episode(self) -> None:
        """Clears eligibility traces and counts the episode."""
    def state_value(self, state: object) -> float | None:
        """The best known value of a state (max over its actions), or None."""
    def apply_weight_decay(self) -> None:
        """Writes the lazily owed weight decay into every synapse (values read do not change, up to
        the single-precision rounding of stored weights).
        """
    def prune(self) -> PruneReport:
        """Removes weak, inactive, old synapses and the nodes they leave isolated."""
    def dream(self, cycles: int = 1) -> DreamReport:
        """Runs `cycles` dream cycles (the GIL is released meanwhile)."""
    def node(self, index: int) -> Node:
        """The node `index` (a read-only view)."""
    def exploration_value(self, index: int) -> float:
        """U of the node `index`: the optimistic value exploration acts on."""
    def synapse(self, src: int, dst: int) -> Synapse:
        """The synapse src → dst (a read-only view)."""
    def successors(self, index: int) -> list[int]:
        """Successor node indices of `index`."""
    def predecessors(self, index: int) -> list[int]:
        """Predecessor node indices of `index`."""
    def nodes(self) -> dict[str, npt.NDArray[Any]]:
        """All live nodes as a dict of equal-length numpy arrays."""
    def edges(self) -> dict[str, npt.NDArray[Any]]:
        """All live synapses as a dict of equal-length numpy arrays."""
    @staticmethod
    def from_tables(
        nodes: Mapping[str, _ArrayLike],
        edges: Mapping[str, _ArrayLike],
        config: BrainConfig | None = None,
        *,
        seed: int | None = None,
    ) -> Brain:
        """A brain holding exactly the given node and edge tables (the format of `nodes()` and
        `edges()`; node indices are kept). Optional node columns default to 0. Eligibility
        traces are episode-local: the new brain starts with none (an `eligibility_trace` column
        is checked, in [0, 1], but not imported).

        Raises:
            TypeError: a table that is not a mapping of column names to arrays, or a column of
                the wrong dtype.
            InvalidArgumentError: a required column is missing (`index`, `state_hash`,
                `action`; `source`, `target`), or a value is out of range or not finite.
            ShapeError: columns of different lengths.
            InvalidNodeError: an edge names a node the table does not hold.
        """
    def to_dot(
        self, min_weight: float = 0.0, show_state_hash: bool = True, *, max_nodes: int | None = None
    ) -> str:
        """The brain as a Graphviz DOT digraph (valid DOT, renders with `dot`); with `max_nodes`,
        only the most visited nodes.
        """
    def record_dream_walks(self, n: int) -> None:
        """Keeps the node paths of the last `n` dream walks (0 stops recording and forgets them);
        read them from `dream_walks`. The record is not saved with the brain.
        """
    @property
    def dream_walks(self) -> list[list[int]]:
        """The recorded dream walks, oldest first: each a list of node indices in walking order
        (empty unless `record_dream_walks` was called).
        """
    def _repr_html_(self) -> str:
        """HTML for Jupyter: a summary and the interactive viewer (drawn by `hebbian_brain.viz`)."""
    def report(self) -> str:
        """A human-readable summary."""
    def memory_bytes(self) -> int:
        """Bytes held by the brain's storage (allocated capacity)."""
    def to_networkx(self) -> nx.DiGraph[int]:
        """The brain as a `networkx.DiGraph` (node keys are indices; every field is an attribute)."""
    @staticmethod
    def from_networkx(
        graph: nx.DiGraph[int], config: BrainConfig | None = None, *, seed: int | None = None
    ) -> Brain:
        """A brain from a `networkx.DiGraph` made by `to_networkx` (or with at least `state_hash`
        and `action` node attributes and integer node keys).
        """
    def to_bytes(self) -> bytes:
        """The brain as bytes (the same image `save` writes)."""
    @staticmethod
    def from_bytes(data: bytes) -> Brain:
        """A brain from the bytes of `to_bytes` / a saved file."""
    def save(self, path: str | PathLike[str]) -> None:
        """Saves the brain to `path` atomically (temporary file, fsync, rename)."""
    @staticmethod
    def load(path: str | PathLike[str]) -> Brain:
        """Loads a brain saved with `save`."""
    def __reduce__(self) -> tuple[Any, ...]: ...
    def __copy__(self) -> Brain: ...
    def __deepcopy__(self, _memo: object = None) -> Brain: ...
    def __len__(self) -> int: ...

# ---------------------------------------------------------------- agents and environments
@final
class QuantileDiscretizer:
    """Observations turned into cells of a grid fitted to the first observations.

    Each dimension is cut at the quantiles j / bins of the first ``warmup`` observations
    recorded, joined by even cuts of the space's bounds where they are finite, bins =
    max(2, round(cells ** (1 / dims))); the edges are then frozen. Cells get dense ids in the
    order first met, at most ``max_cells`` (later new cells share the id ``max_cells``; a lookup
    of a cell never met gives ``max_cells + 1``). docs/reference/rules.md §1.8.
    """

    def __new__(
        cls,
        low: npt.ArrayLike,
        high: npt.ArrayLike,
        *,
        cells: int = 144,
        warmup: int = 1000,
        max_cells: int = 65536,
        split_after: int = 0,
    ) -> Self: ...
    #: Most bytes a discretizer may come to hold (1 GiB); a larger ``memory_bound`` is refused.
    MEMORY_BUDGET: ClassVar[int]
    @staticmethod
    def memory_bound(
        dims: int,
        *,
        cells: int = 144,
        warmup: int = 1000,
        max_cells: int = 65536,
        split_after: int = 0,
    ) -> int:
        """The most bytes a discretizer of ``dims`` values with these parameters may hold."""
    def cell(self, obs: npt.ArrayLike, *, record: bool = True, add: bool = True) -> int:
        """The cell id of ``obs`` while learning (``record``: count it towards the fit and
        the splits; ``add``: give a cell never met a new id).

        ``obs`` is flattened; an array of strings, complex numbers or objects is a ``TypeError``,
        more values than a grid can have a ``ShapeError`` (checked before any copy).
        """
    def __call__(self, obs: npt.ArrayLike) -> int: ...
    @property
    def dims(self) -> int:
        """Values per observation."""
    @property
    def bins(self) -> int:
        """Bins per dimension of the fitted grid (at most)."""
    @property
    def low(self) -> list[float]:
        """The lower bounds given."""
    @property
    def high(self) -> list[float]:
        """The upper bounds given."""
    @property
    def cells(self) -> int:
        """The cell budget that sets the bins."""
    @property
    def warmup(self) -> int:
        """Observations recorded before the fit."""
    @property
    def max_cells(self) -> int:
        """Most cell ids."""
    @property
    def split_after(self) -> int:
        """Visits before a fitted cell splits (0: never)."""
    @property
    def last_split(self) -> tuple[int, int, int] | None:
        """The split made by the last :meth:`cell` call: (retired id, left id, right id)."""
    @property
    def n(self) -> int:
        """Number of ids a lookup can return: ``max_cells + 2``."""
    @property
    def fitted(self) -> bool:
        """Whether the edges are fitted (and frozen)."""
    @property
    def n_cells(self) -> int:
        """Distinct cell ids given so far."""
    @property
    def recorded(self) -> int:
        """Observations recorded towards the fit (0 once fitted)."""
    @property
    def edges(self) -> list[list[float]]:
        """Per-dimension edges (empty before the fit)."""
    def to_bytes(self) -> bytes:
        """The discretizer (fitted edges, warm-up record, cell table) as bytes."""
    @staticmethod
    def from_bytes(data: bytes, origin: str = "<bytes>") -> QuantileDiscretizer:
        """A discretizer from :meth:`to_bytes` output (``FileFormatError`` when damaged)."""
    def __reduce__(self) -> tuple[Any, ...]: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class AgentParams:
    """How an agent draws actions from its brain (frozen)."""
    def __new__(
        cls,
        *,
        exploration: str = "epsilon_greedy",
        epsilon: float = 0.0,
        temperature: float = 0.1,
        synapse_bonus: float = 0.01,
        novelty_bonus: float = 0.02,
        optimistic: bool = True,
        untried_value: float = 0.0,
        dream_cycles: int = 1,
        replay_ratio: float = 30.0,
        cut_traces_on_exploration: bool = True,
        prune_every: int = 0,
        history_limit: int = 100_000,
    ) -> AgentParams: ...
    @property
    def exploration(self) -> str:
        """ε-greedy or softmax."""
    @property
    def epsilon(self) -> float:
        """ε of ε-greedy."""
    @property
    def temperature(self) -> float:
        """τ of softmax."""
    @property
    def synapse_bonus(self) -> float:
        """β: the score of a candidate adds β · w(previous node → candidate)."""
    @property
    def novelty_bonus(self) -> float:
        """κ: when exploring, the score of a tried action adds κ / √(1 + its activation count), so that
        among equally valued actions the less tried one wins (count-based exploration; greedy
        prediction ignores it).
        """
    @property
    def optimistic(self) -> bool:
        """Untried actions (no node yet) are taken before any tried one (optimism under uncertainty);
        when false they score `untried_value`.
        """
    @property
    def untried_value(self) -> float:
        """Score of an untried action when `optimistic` is false, and always in greedy prediction."""
    @property
    def dream_cycles(self) -> int:
        """Fewest dream cycles per `dream()` call."""
    @property
    def replay_ratio(self) -> float:
        """Replayed backups per real step since the last dream, at most: a dream runs `dream_cycles`
        cycles, then more while some node is salient (values still move), up to ⌈replay_ratio · steps
        / (walks_per_cycle · walk_length)⌉ cycles (prioritized sweeping's budget; Dyna-Q's planning
        steps per real step).
        """
    @property
    def cut_traces_on_exploration(self) -> bool:
        """Watkins's Q(λ): eligibility traces are cut after an exploratory (non-greedy) action, so that
        the values learned stay those of the greedy policy.
        """
    @property
    def prune_every(self) -> int:
        """`Brain::prune` runs after every this many episodes (0: never)."""
    @property
    def history_limit(self) -> int:
        """The history keeps the records of at most this many most recent episodes (0: all). Bounded by
        default so that an agent trained for days does not grow without end (a record is ~80 bytes;
        100 000 of them ~8 MB).
        """
    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (the constructor's keyword arguments)."""
    def replace(self, **changes: Any) -> AgentParams:
        """A copy with some fields replaced: `params.replace(epsilon=0.1)`."""
    @classmethod
    def _from_dict(cls, kwargs: dict[str, Any]) -> AgentParams: ...
    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class AgentCore:
    """The Rust half of `hebbian_brain.Agent`."""
    def __new__(
        cls,
        n_actions: int,
        *,
        params: AgentParams | None = None,
        seed: int | None = None,
        discrete: tuple[int, int] | None = None,
        config: BrainConfig | None = None,
        brain: Brain | None = None,
    ) -> AgentCore: ...
    @property
    def brain(self) -> Brain:
        """The live brain."""
    @property
    def n_actions(self) -> int:
        """Number of discrete actions."""
    @property
    def params(self) -> AgentParams:
        """The agent's parameters (settable between episodes)."""
    @params.setter
    def params(self, value: AgentParams) -> None: ...
    @property
    def sweeps_on_closure(self) -> bool:
        """Whether a step that closes a frontier (a state's last untried action) is followed by a
        projection of the exploration values (graphs of at most 2**16 nodes + synapses) and at most 3 dream
        walks of at most 10 steps (rules.md §1.5a); not saved.
        """
    @sweeps_on_closure.setter
    def sweeps_on_closure(self, value: bool) -> None: ...
    @property
    def steps(self) -> int:
        """Real steps taken over the agent's life."""
    @property
    def awaiting_observation(self) -> bool:
        """Whether `act` was called and the matching `observe` has not come yet."""
    def current_episode(self) -> tuple[float, int]:
        """`(return, length)` of the episode in progress."""
    def act(self, state: int) -> int:
        """Chooses an action for an observation given by its state hash (learning as it goes)."""
    def act_index(self, obs: int) -> int:
        """`act` for a `Discrete` observation given as its index."""
    def split_index(self, parent: int, left: int, right: int) -> int:
        """Hands the experiences of cell ``parent`` to the cells ``left`` and ``right``."""
    def check_act(self) -> None:
        """Raises what ``act`` would raise before it changes anything, changing nothing."""
    def check_observe(self, reward: float) -> None:
        """Raises what ``observe`` would raise with ``reward``, changing nothing."""
    def observe(self, reward: float, next_state: int, terminated: bool, truncated: bool) -> None:
        """Reports the outcome of the last action (next observation as a state hash)."""
    def observe_index(
        self, reward: float, next_obs: int, terminated: bool, truncated: bool
    ) -> None:
        """`observe` for a `Discrete` observation given as its index."""
    def end_episode(self) -> tuple[float, int, bool] | None:
        """Ends the episode in progress; `(return, length, terminated)` or None."""
    def dream(self) -> DreamReport:
        """Dreams `params.dream_cycles` cycles (GIL released); the report."""
    def greedy(self, state: int) -> int:
        """The greedy action for a state hash (no learning)."""
    def greedy_index(self, obs: int) -> int:
        """`greedy` for a `Discrete` observation index."""
    def sample(self, state: int) -> int:
        """An exploring action for a state hash (no learning)."""
    def sample_index(self, obs: int) -> int:
        """`sample` for a `Discrete` observation index."""
    def run_episodes(
        self,
        env: ChainCore | GridWorldCore | DeepSeaCore | RiverSwimCore,
        episodes: int,
        dream_every: int = 1,
    ) -> int:
        """Runs whole episodes of a built-in environment core in Rust, GIL released. Returns the
        number of episodes run. Runs in chunks of `RUN_CHUNK` episodes and checks for signals
        between them, so Ctrl-C interrupts a long run (the episodes finished so far stay in the
        history; the results do not depend on the chunking).
        """
    @property
    def episodes(self) -> int:
        """Episodes finished over the agent's life (the history keeps the last `history_limit`)."""
    def history_len(self) -> int:
        """Number of episode records in the history (at most `params.history_limit`)."""
    def history_arrays(
        self,
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint64], npt.NDArray[np.bool_]]:
        """Per-episode returns, lengths and terminated flags as numpy arrays."""
    def history_dreams(self) -> list[DreamReport | None]:
        """The dream report of each episode (None when it was not followed by a dream)."""
    def last_record(self) -> tuple[float, int, bool, DreamReport | None] | None:
        """`(return, length, terminated, dream report)` of the last finished episode, or None."""
    def clear_history(self) -> None:
        """Forgets the history."""
    def to_bytes(self, metadata: str) -> bytes:
        """The agent, its brain and `metadata` as a file image."""
    def save(self, path: str | PathLike[str], metadata: str) -> None:
        """Writes the agent, its brain and `metadata` to `path` atomically."""
    @staticmethod
    def load(
        path: str | PathLike[str], discrete: tuple[int, int] | None = None
    ) -> tuple[AgentCore, str]:
        """Reads a file written by `save`: `(AgentCore, metadata)`."""
    @staticmethod
    def from_bytes(
        data: bytes, origin: str = "<bytes>", discrete: tuple[int, int] | None = None
    ) -> tuple[AgentCore, str]:
        """An agent from a file image: `(AgentCore, metadata)`."""
    def set_discrete(self, discrete: tuple[int, int] | None) -> None:
        """Sets the index fast path's `Discrete(n, start)` space (after loading)."""

@final
class ChainCore:
    """The core of `hebbian_brain.envs.ChainEnv`."""
    def __copy__(self) -> ChainCore: ...
    def __deepcopy__(self, memo: Any, /) -> ChainCore: ...
    def __new__(
        cls,
        *,
        length: int = 10,
        slip: float = 0.0,
        max_steps: int | None = None,
        seed: int | None = None,
    ) -> ChainCore: ...
    def reset(self, seed: int | None = None) -> int:
        """Starts an episode; returns the first observation."""
    def step(self, action: int) -> tuple[int, float, bool, bool]:
        """One step: `(obs, reward, terminated, truncated)`."""
    @property
    def length(self) -> int:
        """Number of states of the chain."""
    @property
    def slip(self) -> float:
        """Probability that an action is replaced by the other one."""
    @property
    def max_steps(self) -> int:
        """Steps after which an episode is truncated."""
    @property
    def position(self) -> int:
        """The current state (0 at the start, `length - 1` at the goal)."""

@final
class DeepSeaCore:
    """The core of `hebbian_brain.envs.DeepSeaEnv`."""
    def __copy__(self) -> DeepSeaCore: ...
    def __deepcopy__(self, memo: Any, /) -> DeepSeaCore: ...
    def __new__(
        cls,
        *,
        size: int = 10,
        deterministic: bool = True,
        move_cost: float = 0.01,
        randomize_actions: bool = True,
        mapping_seed: int = ...,
        seed: int | None = None,
    ) -> DeepSeaCore: ...
    def reset(self, seed: int | None = None) -> int:
        """Starts an episode; returns the first observation."""
    def step(self, action: int) -> tuple[int, float, bool, bool]:
        """One step: `(obs, reward, terminated, truncated)`."""
    def right_action(self, row: int, column: int) -> int:
        """The action (0 or 1) that moves right in cell (`row`, `column`)."""
    @property
    def size(self) -> int:
        """N: the grid is N x N and an episode lasts N steps."""
    @property
    def deterministic(self) -> bool:
        """Whether moves are deterministic (bsuite's default); otherwise a right move may slip."""
    @property
    def randomize_actions(self) -> bool:
        """Whether the meaning of the two actions is drawn per cell (from `mapping_seed`)."""
    @property
    def mapping_seed(self) -> int:
        """Seed of the per-cell action mapping (fixed for the life of the world)."""
    @property
    def move_cost(self) -> float:
        """Total cost of moving right along the whole descent (each right move costs move_cost / N)."""
    @property
    def row(self) -> int:
        """Current row (0 at the top)."""
    @property
    def column(self) -> int:
        """Current column (0 at the left)."""
    @property
    def n_observations(self) -> int:
        """Number of observations (N * N cells)."""

@final
class RiverSwimCore:
    """The core of `hebbian_brain.envs.RiverSwimEnv`."""
    def __copy__(self) -> RiverSwimCore: ...
    def __deepcopy__(self, memo: Any, /) -> RiverSwimCore: ...
    def __new__(
        cls,
        *,
        n_states: int = 6,
        max_steps: int | None = None,
        left_reward: float = 0.005,
        right_reward: float = 1.0,
        seed: int | None = None,
    ) -> RiverSwimCore: ...
    def reset(self, seed: int | None = None) -> int:
        """Starts an episode; returns the first observation."""
    def step(self, action: int) -> tuple[int, float, bool, bool]:
        """One step: `(obs, reward, terminated, truncated)`."""
    def upstream_probabilities(self, state: int) -> tuple[float, float, float]:
        """The probabilities `(left, stay, right)` of swimming upstream in `state`."""
    @property
    def n_states(self) -> int:
        """Number of states in the river (6 in the paper)."""
    @property
    def max_steps(self) -> int:
        """Steps after which an episode is truncated (the task is continuing)."""
    @property
    def left_reward(self) -> float:
        """Reward for staying at the leftmost state with the left action."""
    @property
    def right_reward(self) -> float:
        """Reward paid when the upstream action keeps the agent in the rightmost state."""
    @property
    def position(self) -> int:
        """Current state (0 = leftmost)."""

@final
class GridWorldCore:
    """The core of `hebbian_brain.envs.GridWorldEnv`."""
    def __copy__(self) -> GridWorldCore: ...
    def __deepcopy__(self, memo: Any, /) -> GridWorldCore: ...
    def __new__(
        cls,
        *,
        size: int = 5,
        obstacles: Sequence[tuple[int, int]] | None = None,
        start: tuple[int, int] = ...,
        goal: tuple[int, int] | None = None,
        slip: float = 0.0,
        max_steps: int | None = None,
        seed: int | None = None,
    ) -> GridWorldCore: ...
    def reset(self, seed: int | None = None) -> int:
        """Starts an episode; returns the first observation."""
    def step(self, action: int) -> tuple[int, float, bool, bool]:
        """One step: `(obs, reward, terminated, truncated)`."""
    def render_ansi(self) -> str:
        """The grid as text (`A` agent, `G` goal, `#` wall, `.` free)."""
    def walls(self) -> list[bool]:
        """Wall flags of every cell, row-major."""
    def shortest_path_length(self) -> int | None:
        """Length of the shortest start–goal path."""
    @property
    def size(self) -> int:
        """Side length of the square grid."""
    @property
    def start(self) -> int:
        """Start cell as a state index (`row * size + col`)."""
    @property
    def goal(self) -> int:
        """Goal cell as a state index (`row * size + col`)."""
    @property
    def slip(self) -> float:
        """Probability that an action is replaced by a random one."""
    @property
    def max_steps(self) -> int:
        """Steps after which an episode is truncated."""
    @property
    def position(self) -> int:
        """The current cell as a state index (`row * size + col`)."""

@final
class PredatorPreyCore:
    """The core of `hebbian_brain.envs.PredatorPreyEnv`."""
    def __copy__(self) -> PredatorPreyCore: ...
    def __deepcopy__(self, memo: Any, /) -> PredatorPreyCore: ...
    def __new__(
        cls,
        *,
        size: int = 7,
        n_predators: int = 2,
        n_prey: int = 2,
        max_cycles: int = 50,
        prey_move_probability: float = 1.0,
        capture_reward: float = 1.0,
        seed: int | None = None,
    ) -> PredatorPreyCore: ...
    def reset(self, seed: int | None = None) -> None:
        """Starts an episode."""
    def observe(self, i: int) -> tuple[int, int]:
        """The observation `(row offset, col offset)` of agent `i`."""
    def step(self, actions: Sequence[int]) -> tuple[list[float], list[bool], list[bool], list[int]]:
        """One cycle: `(rewards, terminated, truncated, captured)`, one entry per agent."""
    def is_alive(self, i: int) -> bool:
        """Whether agent `i` is still in the game."""
    def position(self, i: int) -> tuple[int, int]:
        """`(row, col)` of agent `i`."""
    @property
    def size(self) -> int:
        """Side length of the square grid."""
    @property
    def n_predators(self) -> int:
        """Number of predators (the learning agents)."""
    @property
    def n_prey(self) -> int:
        """Number of prey at the start of an episode."""
    @property
    def max_cycles(self) -> int:
        """Cycles after which an episode is truncated."""
    @property
    def cycles(self) -> int:
        """Cycles played in the current episode."""
    @property
    def prey_alive(self) -> int:
        """Number of prey not yet caught."""

# ---------------------------------------------------------------- rnn: networks and rules
@final
class Hebbian:
    """Hebbian rule: W <- clip((1 - dt*decay)*W + dt*learning_rate*m*r r^T, -w_max, w_max)."""
    def __new__(
        cls,
        *,
        learning_rate: float | None = ...,
        decay: float | None = ...,
        w_max: float | None = ...,
    ) -> Hebbian: ...
    @property
    def learning_rate(self) -> float:
        """`η`, per unit time."""
    @property
    def decay(self) -> float:
        """`λ`, weight decay per unit time (bounds growth together with `w_max`)."""
    @property
    def w_max(self) -> float:
        """Weights are clipped to `[−w_max, w_max]` (`inf`: no clipping)."""
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, float]]: ...

@final
class AntiHebbian:
    """Anti-Hebbian rule: W <- clip((1 - dt*decay)*W - dt*learning_rate*m*r r^T, -w_max, w_max)."""
    def __new__(
        cls,
        *,
        learning_rate: float | None = ...,
        decay: float | None = ...,
        w_max: float | None = ...,
    ) -> AntiHebbian: ...
    @property
    def learning_rate(self) -> float:
        """`η`, per unit time."""
    @property
    def decay(self) -> float:
        """`λ`, weight decay per unit time."""
    @property
    def w_max(self) -> float:
        """Weights are clipped to `[−w_max, w_max]` (`inf`: no clipping)."""
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, float]]: ...

@final
class Oja:
    """Oja's rule: W_ij <- W_ij + dt*learning_rate*m*y_i*(x_j - y_i*W_ij)."""
    def __new__(cls, *, learning_rate: float | None = ...) -> Oja: ...
    @property
    def learning_rate(self) -> float:
        """`η`, per unit time (keep `dt·η·y² < 1` for stability)."""
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, float]]: ...

@final
class STDP:
    """Pair-based STDP with exponential pre/post traces (amplitudes a_plus/a_minus, time constants
    tau_plus/tau_minus).
    """
    def __new__(
        cls,
        *,
        a_plus: float | None = ...,
        a_minus: float | None = ...,
        tau_plus: float | None = ...,
        tau_minus: float | None = ...,
        w_max: float | None = ...,
    ) -> STDP: ...
    @property
    def a_plus(self) -> float:
        """`A₊`: potentiation amplitude (pre before post)."""
    @property
    def a_minus(self) -> float:
        """`A₋`: depression amplitude (post before pre)."""
    @property
    def tau_plus(self) -> float:
        """`τ₊`: time constant of the presynaptic trace."""
    @property
    def tau_minus(self) -> float:
        """`τ₋`: time constant of the postsynaptic trace."""
    @property
    def w_max(self) -> float:
        """Weights are clipped to `[−w_max, w_max]` (`inf`: no clipping)."""
    def window(self, delta_t: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The weight change of one pre/post spike pair at `delta_t = t_post - t_pre` (array in,
        array out): `a_plus*exp(-dt/tau_plus)` for dt > 0, `-a_minus*exp(dt/tau_minus)` for dt < 0.
        """
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, float]]: ...

@final
class NeuromodulatedHebbian:
    """Neuromodulated Hebbian trace H (decay, modulation-gated growth, bounded); effective weights W +
    alpha*H.
    """
    def __new__(
        cls,
        *,
        learning_rate: float | None = ...,
        decay: float | None = ...,
        alpha: float | None = ...,
        h_max: float | None = ...,
    ) -> NeuromodulatedHebbian: ...
    @property
    def learning_rate(self) -> float:
        """`η`: growth rate of the trace per unit time."""
    @property
    def decay(self) -> float:
        """`λ`: decay rate of the trace per unit time."""
    @property
    def alpha(self) -> float:
        """Initial plasticity coefficient of every connection (`α`)."""
    @property
    def h_max(self) -> float:
        """The trace is clipped to `[−h_max, h_max]`."""
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, float]]: ...

_Rule = Hebbian | AntiHebbian | Oja | STDP | NeuromodulatedHebbian

@final
class RecurrentNetwork:
    """A rate RNN whose recurrent weights change while it runs, under a local plasticity rule."""
    def __new__(
        cls,
        n_inputs: int,
        n_units: int,
        n_outputs: int,
        *,
        rule: _Rule | None = None,
        tau: float = 1.0,
        dt: float = 1.0,
        activation: str = "tanh",
        gain: float = 1.0,
        input_scale: float = 1.0,
        noise_std: float = 0.0,
        seed: int | None = None,
    ) -> RecurrentNetwork: ...
    @overload
    def run(
        self,
        inputs: npt.ArrayLike,
        *,
        modulation: npt.ArrayLike | None = None,
        plastic: bool = True,
        keep_weights: bool = False,
        return_states: Literal[False] | None = None,
        initial_state: npt.ArrayLike | None = None,
        targets: npt.ArrayLike | None = None,
        readout_rate: float = 0.0,
    ) -> npt.NDArray[np.float64]:
        """Without `return_states`: the outputs `[T, n_outputs]` / `[B, T, n_outputs]`."""
    @overload
    def run(
        self,
        inputs: npt.ArrayLike,
        *,
        modulation: npt.ArrayLike | None = None,
        plastic: bool = True,
        keep_weights: bool = False,
        return_states: Literal[True, "rates", "currents"],
        initial_state: npt.ArrayLike | None = None,
        targets: npt.ArrayLike | None = None,
        readout_rate: float = 0.0,
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """With `return_states`: `(outputs, states)`, states `[T, n_units]` / `[B, T, n_units]`."""
    @overload
    def run(
        self,
        inputs: npt.ArrayLike,
        *,
        modulation: npt.ArrayLike | None = None,
        plastic: bool = True,
        keep_weights: bool = False,
        return_states: bool | str | None = None,
        initial_state: npt.ArrayLike | None = None,
        targets: npt.ArrayLike | None = None,
        readout_rate: float = 0.0,
    ) -> (
        npt.NDArray[np.float64] | tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]
    ):
        """Runs one trial (`inputs` `[T, n_inputs]`) or a batch (`[B, T, n_inputs]`).

        Args:
            inputs: `[T, n_inputs]` or `[B, T, n_inputs]` real array.
            modulation: `[T]` / `[B, T]` neuromodulatory signal m(t) (default: 1 everywhere).
            plastic: apply the rule (False: the weights are frozen for this run).
            keep_weights: keep what the trial learned (a single `[T, n_inputs]` trial only, refused
                for any 3-D batch, even `[1, T, n_inputs]`; otherwise the trial learns on a copy and
                the network is unchanged). Weights that became non-finite are not kept: `StateError`,
                the network is left unchanged.
            return_states: True or 'rates' to also return the rates r, 'currents' for x.
            initial_state: `[n_units]` (or `[B, n_units]`) initial currents x(0) (default 0).
            targets: `[T, n_outputs]` / `[B, T, n_outputs]` targets of the readout delta rule.
            readout_rate: rate of the delta rule dW_out = rate*m*(target - y) r^T (needs targets).

        Returns:
            The outputs `[T, n_outputs]` / `[B, T, n_outputs]`, or `(outputs, states)`.

        Batch trials run in parallel (GIL released), each on its own copy of the plastic state.
        """
    def vector_field(
        self, x: npt.ArrayLike, u: npt.ArrayLike | None = None
    ) -> npt.NDArray[np.float64]:
        """`dx/dt` at `x` (`[n_units]` or `[M, n_units]`) with constant input `u` (`[n_inputs]`)."""
    def jacobian(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The Jacobian `(-I + W_eff diag(phi'(x))) / tau` of `vector_field` at `x` (`[n_units]`)."""
    def reset_trace(self) -> None:
        """Clears the Hebbian trace `H` (no-op for rules without one)."""
    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]: ...
    @staticmethod
    def _from_state(state: dict[str, Any]) -> RecurrentNetwork: ...
    def copy(self) -> RecurrentNetwork:
        """An independent copy (weights, traces and generator state)."""
    def __copy__(self) -> RecurrentNetwork: ...
    def __deepcopy__(self, memo: Any) -> RecurrentNetwork: ...
    @property
    def weights(self) -> npt.NDArray[np.float64]:
        """Recurrent weights `W` `[post, pre]` (a copy; assigning validates shape and values)."""
    @weights.setter
    def weights(self, value: npt.ArrayLike) -> None: ...
    @property
    def input_weights(self) -> npt.NDArray[np.float64]:
        """Input weights `[n_units, n_inputs]`."""
    @input_weights.setter
    def input_weights(self, value: npt.ArrayLike) -> None: ...
    @property
    def output_weights(self) -> npt.NDArray[np.float64]:
        """Output weights `[n_outputs, n_units]`."""
    @output_weights.setter
    def output_weights(self, value: npt.ArrayLike) -> None: ...
    @property
    def trace(self) -> npt.NDArray[np.float64] | None:
        """The Hebbian trace `H` `[n_units, n_units]`, or None for rules without one."""
    @trace.setter
    def trace(self, value: npt.ArrayLike) -> None: ...
    @property
    def alpha(self) -> npt.NDArray[np.float64] | None:
        """Per-connection plasticity coefficients `alpha`, or None for rules without a trace."""
    @alpha.setter
    def alpha(self, value: npt.ArrayLike) -> None: ...
    @property
    def activity_traces(
        self,
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
        """STDP's `(pre_trace, post_trace)` after the last kept trial, or None for other rules."""
    @property
    def effective_weights(self) -> npt.NDArray[np.float64]:
        """`W + alpha * H` (equal to `weights` for rules without a trace)."""
    @property
    def rule(self) -> _Rule | None:
        """The local plasticity rule applied during `run` (None: fixed weights)."""
    @property
    def n_inputs(self) -> int:
        """Number of inputs."""
    @property
    def n_units(self) -> int:
        """Number of recurrent units."""
    @property
    def n_outputs(self) -> int:
        """Number of linear readouts."""
    @property
    def tau(self) -> float:
        """Membrane time constant `τ` (`τ == dt`: discrete-time network)."""
    @property
    def dt(self) -> float:
        """Euler step `dt` (`0 < dt <= τ`)."""
    @property
    def activation(self) -> str:
        """Name of the firing-rate function (e.g. `"tanh"`)."""
    @property
    def gain(self) -> float:
        """Recurrent weights start `~ N(0, gain²/n_units)`, diagonal 0."""
    @property
    def noise_std(self) -> float:
        """Standard deviation `σ` of the private noise added to `x` on every step."""

# ---------------------------------------------------------------- rnn: node perturbation

@final
class NodePerturbationConfig:
    """Learning parameters of reward-modulated node perturbation (defaults: Miconi 2017, DNMS).

    Args:
        learning_rate: η (0.1).
        perturbation_rate: perturbations per neuron per second of simulated time, > 0 (3.0).
        amplitude: a perturbation adds U(-amplitude, amplitude) to x (0.5).
        activity_trace_decay: α_x of the running average x̄ (0.05; 0 = one-step change;
            unused with eligibility="perturbation").
        error_trace_decay: α_R of the running average error per condition (0.75).
        max_dw: elementwise clip of each trial's weight change (3e-4).
        scale_by_expected_error: also multiply ΔJ by |Ē_c| (Miconi's code) (False).
        warmup_trials: trials before the first weight change (0).
        condition_order: "cycle" (trial k uses condition k mod C) or "shuffled" (a random
            order per pass of C trials).
        precision: "float32" or "float64": the arithmetic of the two N² products of a trial
            (the drive J·r from a float32 copy of J, and the cubed-fluctuation trace; the
            kick trace is summed in float64 from the rates); the state, the errors and J itself
            stay float64 ("float32": twice as fast as "float64" with the same learning, see
            docs/reference/rules.md §3).
        eligibility: what the trace correlates with the presynaptic rate r_j(t-1):
            "fluctuation" (the default), (r_j·(x_i - x̄_i))³ summed over steps (Miconi's rule:
            local to the synapse), or "perturbation", ξ_i·r_j summed over the kicks ξ_i
            (node perturbation as in Fiete & Seung 2006 and Miconi's METHOD NODEPERT: not
            local, cheaper, a less noisy estimate).
    """
    def __new__(
        cls,
        *,
        learning_rate: float = 0.1,
        perturbation_rate: float = 3.0,
        amplitude: float = 0.5,
        activity_trace_decay: float = 0.05,
        error_trace_decay: float = 0.75,
        max_dw: float = 3e-4,
        scale_by_expected_error: bool = False,
        warmup_trials: int = 0,
        condition_order: str = "cycle",
        precision: str = "float32",
        eligibility: str = "fluctuation",
    ) -> NodePerturbationConfig: ...
    @property
    def learning_rate(self) -> float:
        """`η`, the learning rate (Miconi 0.1; hebbRNN examples 0.1 and 0.02)."""
    @property
    def perturbation_rate(self) -> float:
        """Perturbations per neuron per second of simulated time (3 Hz in both sources); the
        probability per step is `p = rate · dt / 1000` with `dt` in milliseconds.
        """
    @property
    def amplitude(self) -> float:
        """`A`: a perturbation adds `U(−A, A)` to `x` directly (hebbRNN `beta` 0.5; Miconi adds `U(−16,
        16)` inside the `dt/τ` bracket, i.e. `A = 16·dt/τ ≈ 0.53` at τ = 30 ms).
        """
    @property
    def activity_trace_decay(self) -> float:
        """`α_x`, decay of the running average `x̄` that the fluctuation is taken against (Miconi 0.05;
        hebbRNN 0, the plain one-step change; unused by the kick trace).
        """
    @property
    def error_trace_decay(self) -> float:
        """`α_R`, decay of the running average `Ē_c` of each condition's error (Miconi 0.75; hebbRNN
        0.33).
        """
    @property
    def max_dw(self) -> float:
        """Elementwise clip of each trial's `ΔJ` (Miconi 3e-4; hebbRNN 1e-4)."""
    @property
    def scale_by_expected_error(self) -> bool:
        """Miconi's variant: multiply `ΔJ` by `|Ē_c|` as well."""
    @property
    def warmup_trials(self) -> int:
        """Trials run before the first weight change (Miconi 100, hebbRNN 0); `Ē_c` is still tracked
        during them.
        """
    @property
    def condition_order(self) -> str:
        """Order of the conditions over training trials."""
    @property
    def precision(self) -> str:
        """Arithmetic of the two `N²` products of a trial (the drive `J r` and the cubed fluctuation
        trace; the kick trace is summed in float64); float32 by default (twice as fast, same
        learning: `docs/reference/rules.md` §3, Numerics).
        """
    @property
    def eligibility(self) -> str:
        """What the eligibility trace correlates with the presynaptic rates: the cubed activity
        fluctuation (Miconi's rule, the default) or the perturbations themselves.
        """
    def _asdict(self) -> dict[str, Any]: ...
    def replace(self, **changes: Any) -> NodePerturbationConfig:
        """A copy with some fields replaced, e.g. ``cfg.replace(learning_rate=0.05)``."""
    @staticmethod
    def _from_kwargs(kwargs: dict[str, Any]) -> NodePerturbationConfig: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class TwoJointArm:
    """A planar two-joint arm whose joint velocities are the two output rates (hebbRNN's
    center-out example). The hand starts at the origin and stays there during the hold period
    (steps before ``movement_start``).

    Args:
        segment_lengths: upper arm and forearm lengths ((3, 3)).
        initial_angles: shoulder and elbow angles at rest ((0.8π, 0.4π)).
        velocity_scale: radians per step per unit rate (1/150).
        shoulder_limits: shoulder range ((0, 1.5π)).
        elbow_limits: elbow range ((π/20, π − π/20)).
        movement_start: first step (0-based) at which the arm moves (49).
    """
    def __new__(
        cls,
        *,
        segment_lengths: tuple[float, float] | None = None,
        initial_angles: tuple[float, float] | None = None,
        velocity_scale: float = ...,
        shoulder_limits: tuple[float, float] | None = None,
        elbow_limits: tuple[float, float] | None = None,
        movement_start: int = 49,
    ) -> TwoJointArm: ...
    @property
    def segment_lengths(self) -> tuple[float, float]:
        """Lengths of the upper arm and the forearm (3, 3)."""
    @property
    def initial_angles(self) -> tuple[float, float]:
        """Shoulder and elbow angles at rest (0.8π, 0.4π)."""
    @property
    def velocity_scale(self) -> float:
        """Radians per step per unit of output rate (1/150)."""
    @property
    def shoulder_limits(self) -> tuple[float, float]:
        """Shoulder range [0, 1.5π]."""
    @property
    def elbow_limits(self) -> tuple[float, float]:
        """Elbow range [π/20, π − π/20]."""
    @property
    def movement_start(self) -> int:
        """First step (0-based) at which the arm moves; the hold period comes before."""
    def hand_trajectory(self, rates: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Hand trajectory ``[T, 2]`` produced by output rates ``[T, 2]`` (the trainer's readout)."""
    def _asdict(self) -> dict[str, Any]: ...
    def replace(self, **changes: Any) -> TwoJointArm:
        """A copy with the given fields changed (validated like the constructor)."""
    @staticmethod
    def _from_kwargs(kwargs: dict[str, Any]) -> TwoJointArm: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class NodePerturbationTrainer:
    """Trains a rate network by reward-modulated node perturbation (Miconi 2017; hebbRNN).

    The network ``x ← x + (dt/τ)(−x + J r + W_in u) + ξ``, ``r = tanh(x)`` is trained on a
    fixed set of conditions, one trial each: ``inputs [C, T, I]``, ``targets [C, T, O]`` and
    ``mask`` (scored steps; ``None`` = all, ``[T]`` or ``[C, T]``). See ``docs/reference/rules.md`` §3.

    Args:
        inputs, targets, mask: the conditions.
        n_neurons: N (200).
        output_neurons: indices whose rates are the output ((0,)).
        config: learning parameters (``NodePerturbationConfig()``).
        dt, tau: step and time constant in milliseconds (1, 30).
        gain: J ~ N(0, gain²/N) (1.5).
        bias_neurons, bias_values: neurons whose x is clamped to the given values.
        initial_state: x(0) (zeros); initial_noise: U(±s) added to x(0) each trial (0).
        arm: a ``TwoJointArm`` turning two output rates into a hand position, or None.
        error_metric: "mean_absolute" or "euclidean" (default: euclidean with an arm).
        energy_cost: c in ``c · mean |r_out|`` added to the error (0).
        weights, input_weights: initial J ``[N, N]`` and W_in ``[N, I]`` (random if None).
        seed: seed of every random draw (None: from the OS).
    """
    def __new__(
        cls,
        inputs: npt.ArrayLike,
        targets: npt.ArrayLike,
        mask: npt.ArrayLike | None = None,
        *,
        n_neurons: int = ...,  # 200
        output_neurons: Sequence[int] = ...,
        config: NodePerturbationConfig | None = None,
        dt: float = 1.0,
        tau: float = 30.0,
        gain: float = 1.5,
        bias_neurons: Sequence[int] = ...,
        bias_values: Sequence[float] = ...,
        initial_state: npt.ArrayLike | None = None,
        initial_noise: float = 0.0,
        arm: TwoJointArm | None = None,
        error_metric: str | None = None,
        energy_cost: float = 0.0,
        weights: npt.ArrayLike | None = None,
        input_weights: npt.ArrayLike | None = None,
        seed: int | None = None,
    ) -> NodePerturbationTrainer: ...
    def learn(
        self, n_trials: int, *, batch_size: int = 1, n_threads: int | None = None
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Runs ``n_trials`` perturbed trials with learning, ``batch_size`` at a time in parallel
        (the GIL is released). The trials of a batch start from the same weights; their clipped
        changes are then applied in trial order. Results do not depend on ``n_threads``;
        splitting a run over several calls gives the same result when every split falls at a
        multiple of ``batch_size`` (always, for ``batch_size=1``). Interruptible (Ctrl-C)
        between chunks of batches; the trials done so far are kept.

        Raises:
            InvalidArgumentError: negative or zero counts, or sizes too large to address.
            MemoryError: the trial buffers or results do not fit.
            StateError: a trial's state became non-finite (the trainer is left unchanged).

        Returns:
            (errors, conditions): float array ``[n_trials]`` of trial errors and int array of
            their conditions.
        """
    def train(
        self, n_trials: int, *, batch_size: int = 1, n_threads: int | None = None
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Deprecated alias of `learn` (emits a `DeprecationWarning`)."""
    def evaluate(self) -> npt.NDArray[np.float64]:
        """Clean (unperturbed) error of every condition, ``[C]``."""
    def run(self, condition: int) -> dict[str, Any]:
        """Runs one condition without perturbations.

        Returns:
            dict with "activations" ``[T, N]``, "rates" ``[T, N]``, "outputs" ``[T, O]`` (the
            hand position with an arm) and "error".
        """
    @property
    def weights(self) -> npt.NDArray[np.float64]:
        """The recurrent weights J ``[N, N]`` (``[post, pre]``), a copy."""
    @weights.setter
    def weights(self, weights: npt.ArrayLike) -> None: ...
    @property
    def input_weights(self) -> npt.NDArray[np.float64]:
        """The input weights W_in ``[N, I]``, a copy."""
    @input_weights.setter
    def input_weights(self, input_weights: npt.ArrayLike) -> None: ...
    @property
    def expected_error(self) -> npt.NDArray[np.float64]:
        """Ē_c, the running average error of each condition (empty before training)."""
    @property
    def config(self) -> NodePerturbationConfig:
        """The learning parameters (assignable)."""
    @config.setter
    def config(self, config: NodePerturbationConfig) -> None: ...
    @property
    def trials_done(self) -> int:
        """Training trials run so far."""
    @property
    def seed(self) -> int:
        """The seed every random draw derives from."""
    @property
    def n_neurons(self) -> int:
        """Number of neurons N."""
    @property
    def n_conditions(self) -> int:
        """Number of conditions C (one fixed trial each)."""
    @property
    def n_steps(self) -> int:
        """Steps per trial T."""
    @property
    def output_neurons(self) -> list[int]:
        """Indices of the neurons whose rates are the output (the arm's two inputs with an arm)."""
    def condition_of(self, trial: int) -> int:
        """The condition of training trial ``trial`` (counted over the trainer's life)."""
    def __reduce__(self) -> tuple[Any, ...]: ...
    @staticmethod
    def _from_state(
        args: tuple[Any, ...], kwargs: dict[str, Any], state: tuple[Any, ...]
    ) -> NodePerturbationTrainer: ...

def _delayed_non_match_arrays(
    *, stimulus_steps: int, delay_steps: int, response_steps: int, scored_steps: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
def _center_out_reach_arrays(
    *, n_targets: int, n_steps: int, radius: float, arm: TwoJointArm
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...

# ---------------------------------------------------------------- rnn: differentiable plasticity, optim
def plastic_loss_and_grad(
    w: npt.NDArray[np.floating[Any]],
    alpha: npt.NDArray[np.floating[Any]],
    eta: float | npt.NDArray[np.floating[Any]],
    inputs: npt.NDArray[np.floating[Any]],
    targets: npt.NDArray[np.floating[Any]],
    mask: npt.NDArray[np.floating[Any]] | None = None,
    checkpoint_every: int | None = None,
    memory_budget: int | None = None,
) -> tuple[float, dict[str, Any], npt.NDArray[np.floating[Any]], int, bool]:
    """Loss and exact gradients of a batch of episodes (see `PlasticRNN.loss_and_grad`).

    Every array has the dtype of `w` (float64 or float32). Returns
    `(loss, {"w", "alpha", "eta"}, final_outputs [B, N], checkpoint_every, recomputed)`.
    `checkpoint_every`: copies every K steps with reversal between them; otherwise automatic
    within `memory_budget` bytes of trace copies per episode in flight (None: 160 MiB).
    """

def plastic_forward(
    w: npt.NDArray[np.floating[Any]],
    alpha: npt.NDArray[np.floating[Any]],
    eta: float | npt.NDArray[np.floating[Any]],
    inputs: npt.NDArray[np.floating[Any]],
) -> npt.NDArray[np.floating[Any]]:
    """Runs a batch of episodes; returns the outputs y_1..y_T, `[B, T, N]` (dtype of `w`)."""

@final
class Adam:
    """Adam (Kingma & Ba 2015) over a list of numpy arrays (all float64 or all float32), updated
    in place.

    `Adam(params, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)`; `step(grads)` takes one gradient
    per parameter, of the same shape and dtype, checks them all, then updates every parameter.
    """
    def __new__(
        cls,
        params: Sequence[npt.NDArray[np.floating[Any]]],
        *,
        lr: float = 1e-3,
        betas: tuple[float, float] = ...,
        eps: float = 1e-8,
    ) -> Adam: ...
    def step(self, grads: Sequence[npt.NDArray[np.floating[Any]] | float]) -> None:
        """Updates every parameter in place from one gradient per parameter (same shapes)."""
    @property
    def lr(self) -> float:
        """The learning rate (settable, > 0)."""
    @lr.setter
    def lr(self, value: float) -> None: ...
    @property
    def betas(self) -> tuple[float, float]:
        """Decay rates `(β₁, β₂)` of the first and second moment estimates."""
    @property
    def eps(self) -> float:
        """`ε` added to the root of the second moment (numerical safety)."""
    @property
    def steps(self) -> int:
        """Number of steps taken so far."""
    @property
    def params(self) -> list[npt.NDArray[np.floating[Any]]]:
        """The parameter arrays this optimizer updates."""

# ---------------------------------------------------------------- scale: populations (issue 7)
def run_population_episodes(
    agents: Sequence[AgentCore],
    envs: Sequence[ChainCore | GridWorldCore | DeepSeaCore | RiverSwimCore],
    episodes: int,
    *,
    dream_every: int = 1,
    n_threads: int | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Runs `episodes` episodes of every member in its environment, members in parallel on
    `n_threads` threads (None: all cores), the GIL released. Results do not depend on the
    number of threads or on the chunking. Interruptible (Ctrl-C) between chunks of
    `POPULATION_CHUNK` episodes; the episodes finished so far stay in the members' histories.

    Returns `(returns, lengths, terminated)`, numpy arrays `[n_members, episodes]` of float64,
    int64 and bool.
    """

def population_to_bytes(
    agents: Sequence[AgentCore],
    envs: Sequence[ChainCore | GridWorldCore | DeepSeaCore | RiverSwimCore],
    metadata: str,
) -> bytes:
    """The members (with their brains), their environment cores (with their state) and `metadata`
    as one file image.
    """

def population_save(
    agents: Sequence[AgentCore],
    envs: Sequence[ChainCore | GridWorldCore | DeepSeaCore | RiverSwimCore],
    path: str | PathLike[str],
    metadata: str,
) -> None:
    """Writes the members, their environment cores and `metadata` to `path` atomically."""

def population_from_bytes(
    data: bytes, origin: str = "<bytes>"
) -> tuple[list[AgentCore], list[ChainCore | GridWorldCore | DeepSeaCore | RiverSwimCore], str]:
    """A `population_to_bytes` image: `(list[AgentCore], list[ChainCore | GridWorldCore | DeepSeaCore | RiverSwimCore], metadata)`."""

def population_load(
    path: str | PathLike[str],
) -> tuple[list[AgentCore], list[ChainCore | GridWorldCore | DeepSeaCore | RiverSwimCore], str]:
    """A file written by `population_save`: `(agents, environment cores, metadata)`."""

def derive_seed(seed: int, stream: int) -> int:
    """The seed of stream `stream` derived from `seed` (SplitMix64), as the Rust core derives the
    seeds of parallel trials and population members.
    """

# ---- file container for Python-encoded payloads (rnn model files) ----
def _container_save(path: str | PathLike[str], kind: bytes, payload: bytes) -> None: ...
def _container_load(path: str | PathLike[str], kind: bytes) -> bytes: ...

# ---------------------------------------------------------------- recurrent agents
@final
class RecurrentAgentCore:
    """The Rust core of a recurrent agent (used by `NodePerturbationAgent` and
    `RewardHebbianAgent`; see their docs)."""
    def __new__(
        cls,
        rule: str,
        n_neurons: int,
        obs_offset: Sequence[float],
        obs_scale: Sequence[float],
        n_actions: int | None = None,
        action_offset: Sequence[float] | None = None,
        action_scale: Sequence[float] | None = None,
        observation_space: str = ...,
        seed: int | None = None,
        **params: Any,
    ) -> RecurrentAgentCore: ...
    def act(self, obs: npt.ArrayLike, reward: float) -> Any:
        """One exploring step learned from at the episode's end: the action for `obs`;
        `reward` followed the previous step of this episode (ignored at the first)."""
    def end_episode(self, final_reward: float) -> tuple[float, int, float]:
        """Ends the episode and learns from it: `(return, length, modulator)`."""
    def discard_episode(self) -> None:
        """Drops the episode in progress without learning from it."""
    def predict(
        self,
        obs: npt.ArrayLike,
        state: npt.NDArray[np.float64] | None = None,
        deterministic: bool = False,
    ) -> tuple[Any, npt.NDArray[np.float64]]:
        """One step from `state` (None: rest) without learning: `(action, new_state)`."""
    def run_episodes(
        self, env: CognitiveEnvCore, episodes: int, max_steps: int = 100000
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Runs and learns whole episodes of a built-in cognitive task in Rust:
        `(returns, lengths)`."""
    def evaluate(
        self, env: CognitiveEnvCore, episodes: int, max_steps: int = 100000
    ) -> npt.NDArray[np.float64]:
        """Greedy returns of episodes of a built-in cognitive task, without learning."""
    def history(
        self,
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """`(returns, lengths, modulators)` of every finished episode."""
    @property
    def config(self) -> dict[str, Any]:
        """The parameters as a dict."""
    def set_params(self, **params: Any) -> None:
        """Changes parameters (keywords as in the constructor; the size stays)."""
    @property
    def weights(self) -> npt.NDArray[np.float64]:
        """Recurrent weights `J` `[N, N]` (a copy)."""
    @property
    def input_weights(self) -> npt.NDArray[np.float64]:
        """Input weights `W_in` `[N, n_obs + 1]` (last column: biases; a copy)."""
    @property
    def readout_weights(self) -> npt.NDArray[np.float64]:
        """The value readout's `V` `[n_actions, N + 1]` (no rows without one; a copy)."""
    @property
    def readout_mean(self) -> npt.NDArray[np.float64]:
        """The running mean `r̄` the value readout centres the rates on, `[N]` (a copy)."""
    def set_readout(self, weights: Sequence[float], mean: Sequence[float]) -> None:
        """Replaces the value readout's `V` and `r̄` (flattened, shapes as the getters give)."""
    def set_weights(self, weights: Sequence[float], input_weights: Sequence[float]) -> None:
        """Replaces `J` and `W_in` (flattened, shapes as the getters give)."""
    @property
    def state(self) -> npt.NDArray[np.float64]:
        """The network's state `x` in the episode in progress (a copy)."""
    @property
    def episodes(self) -> int:
        """Finished episodes."""
    @property
    def steps(self) -> int:
        """Steps taken while learning."""
    @property
    def episode_steps(self) -> int:
        """Steps of the episode in progress."""
    @property
    def baseline(self) -> tuple[float, float]:
        """The running reward baseline and spread."""
    @property
    def metadata(self) -> str:
        """Free text saved with the agent."""
    @metadata.setter
    def metadata(self, value: str) -> None: ...
    @property
    def n_obs(self) -> int:
        """Observation length."""
    def to_bytes(self) -> bytes:
        """The agent in the library's container format."""
    def save(self, path: str | PathLike[str]) -> None:
        """Writes the agent to `path` atomically."""
    @staticmethod
    def from_bytes(
        data: bytes, origin: str = "<bytes>", observation_space: str = ...
    ) -> RecurrentAgentCore:
        """An agent from `to_bytes` output (`FileFormatError` if damaged)."""

def train_population(
    agents: Sequence[RecurrentAgentCore],
    envs: Sequence[CognitiveEnvCore],
    episodes: int,
    max_steps: int = 100000,
) -> npt.NDArray[np.float64]:
    """Trains each agent on its own cognitive task in parallel; returns `[n_agents, episodes]`."""

@final
class CognitiveEnvCore:
    """The Rust core of a cognitive task of `hebbian_brain.envs`."""
    def __new__(
        cls,
        task: str,
        dt: float = 100.0,
        timing: Sequence[tuple[str, str, Sequence[float]]] = ...,
        rewards: tuple[float, float, float] = ...,
        abort: bool = False,
        cohs: Sequence[float] | None = None,
        sigma: float | None = None,
        dim_ring: int | None = None,
        seed: int | None = None,
    ) -> CognitiveEnvCore: ...
    def reset(self, seed: int | None = None) -> npt.NDArray[np.float64]:
        """Starts a trial; returns its first observation."""
    def step(self, action: int) -> tuple[npt.NDArray[np.float64], float, bool, int, str]:
        """One step: `(obs, reward, terminated, gt, outcome)`."""
    def new_trial(
        self,
        ground_truth: int | None = None,
        coh: float | None = None,
        context: int | None = None,
        coh_0: float | None = None,
        coh_1: float | None = None,
        other_choice: int | None = None,
        sample: int | None = None,
    ) -> dict[str, Any]:
        """Draws and starts a new trial, fixing the given variables; returns them."""
    def trial_info(self) -> dict[str, Any]:
        """The current trial's variables."""
    @property
    def ob(self) -> npt.NDArray[np.float64]:
        """Observations of the current trial `[T, n_obs]`."""
    @property
    def gt(self) -> npt.NDArray[np.int64]:
        """Ground-truth action of each step of the current trial `[T]`."""
    @property
    def periods(self) -> list[tuple[str, int, int]]:
        """`(name, first step, end step)` of each period."""
    @property
    def timing(self) -> list[tuple[str, str, list[float]]]:
        """The full timing `[(period, kind, values)]`."""
    @property
    def t(self) -> int:
        """Step within the current trial."""
    @property
    def period(self) -> str:
        """Name of the current period."""
    @property
    def outcome(self) -> str:
        """How the trial ended so far."""
    @property
    def n_obs(self) -> int:
        """Observation length."""
    @property
    def n_actions(self) -> int:
        """Number of actions (0 = fixate)."""
    @property
    def obs_names(self) -> list[str]:
        """Names of the observation's entries."""
    @property
    def dt(self) -> float:
        """Step length in milliseconds."""
    @property
    def rewards(self) -> tuple[float, float, float]:
        """`(abort, correct, fail)`."""
    def __copy__(self) -> CognitiveEnvCore: ...
    def __deepcopy__(self, memo: Any, /) -> CognitiveEnvCore: ...

@final
class ExperienceCore:
    """The experience graph learner of Box observations (used by `ExperienceAgent`; see its
    docs and docs/reference/rules.md, "Experience graph")."""
    def __new__(
        cls,
        dim: int,
        n_actions: int,
        *,
        k: int = 8,
        rho: float = 0.1,
        beta: float = 1.0,
        gamma: float = 0.99,
        tol: float = 1e-3,
        max_sweeps: int = 400,
        max_nodes: int | None = None,
        seed: int | None = None,
        observation_space: str = "",
    ) -> ExperienceCore: ...
    @property
    def dim(self) -> int:
        """Values per observation."""
    @property
    def n_actions(self) -> int:
        """Number of actions."""
    @property
    def node_count(self) -> int:
        """Nodes stored (one per step, at most `max_nodes`)."""
    @property
    def planned(self) -> int:
        """Nodes the last rebuild planned."""
    @property
    def stored(self) -> int:
        """Steps stored in all (overwritten ones included)."""
    @property
    def unplanned(self) -> int:
        """Steps stored since the last rebuild (what `dream` would add to the values)."""
    @property
    def pending(self) -> bool:
        """Whether an action from `act` waits for `observe`."""
    @property
    def v_max(self) -> float:
        """`max(r_max, 0)/(1 − γ)` of the last rebuild: the value of the unexplored."""
    @property
    def config(self) -> dict[str, Any]:
        """The parameters as a dict (k, rho, beta, gamma, tol, max_sweeps, max_nodes)."""
    @property
    def scale(self) -> npt.NDArray[np.float64]:
        """The per-dimension scale of the last rebuild."""
    @property
    def observation_space(self) -> str:
        """The observation space named in error messages."""
    @observation_space.setter
    def observation_space(self, space: str) -> None: ...
    def act(self, obs: npt.ArrayLike) -> int:
        """The exploring action at `obs`; remembered for `observe`."""
    def observe(self, reward: float, next_obs: npt.ArrayLike, terminated: bool) -> bool:
        """Stores the step from the last `act`; rebuilds when due (true if it did)."""
    def choose(self, obs: npt.ArrayLike) -> int:
        """The exploring action at `obs` without remembering it."""
    def store(
        self,
        obs: npt.ArrayLike,
        action: int,
        reward: float,
        next_obs: npt.ArrayLike,
        terminated: bool,
    ) -> bool:
        """Stores one step of any trajectory; rebuilds when due (true if it did)."""
    def store_many(
        self,
        obs: npt.NDArray[np.float64],
        actions: npt.NDArray[np.int64],
        rewards: npt.NDArray[np.float64],
        next_obs: npt.NDArray[np.float64],
        terminated: npt.NDArray[np.bool_],
    ) -> None:
        """Stores many steps without the scheduled rebuilds (call `dream` after)."""
    def end_episode(self) -> None:
        """Forgets an action whose outcome will not be observed."""
    def dream(self) -> bool:
        """Rebuilds now (GIL released; Ctrl-C leaves the plan as it was)."""
    def predict(self, obs: npt.ArrayLike) -> int:
        """The greedy action at `obs` (one step of lookahead)."""
    def predict_batch(self, obs: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        """Greedy actions for a float64 batch `[n, dim]`."""
    def values(
        self, obs: npt.ArrayLike, *, optimistic: bool = False, lookahead: bool = True
    ) -> npt.NDArray[np.float64]:
        """Each action's value at `obs`."""
    def steps(
        self,
    ) -> tuple[
        npt.NDArray[np.float64],
        npt.NDArray[np.int64],
        npt.NDArray[np.float64],
        npt.NDArray[np.float64],
        npt.NDArray[np.bool_],
    ]:
        """`(observations, actions, rewards, next_observations, terminated)` (copies)."""
    def node_values(self, *, optimistic: bool = False) -> npt.NDArray[np.float64]:
        """The planned node values of the last rebuild."""
    def links(
        self, nodes: Sequence[int]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """The links out of planned nodes: `(source, target, weight)`."""
    def to_bytes(self, metadata: str) -> bytes:
        """The learner and `metadata` as a file image."""
    def save(self, path: str | PathLike[str], metadata: str) -> None:
        """Writes the learner and `metadata` to `path` atomically."""
    @staticmethod
    def from_bytes(
        data: bytes, origin: str = "<bytes>", observation_space: str = ...
    ) -> tuple[ExperienceCore, str]:
        """A learner from a file image: `(ExperienceCore, metadata)`."""
    @staticmethod
    def load(
        path: str | PathLike[str], observation_space: str = ...
    ) -> tuple[ExperienceCore, str]:
        """Reads a file written by `save`: `(ExperienceCore, metadata)`."""
