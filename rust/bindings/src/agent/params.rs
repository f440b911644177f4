//! `AgentParams`: the frozen config class of agents.

use crate::errors::IntoPyResult;
use crate::guard::Int;
use hebbian_core::agent::{AgentParams, Exploration};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

use crate::config_class::config_class;

/// How an agent draws actions from its brain (frozen).
#[pyclass(
    frozen,
    eq,
    from_py_object,
    module = "hebbian_brain",
    name = "AgentParams"
)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyAgentParams {
    pub(crate) inner: AgentParams,
}

config_class! {
    PyAgentParams as "AgentParams", pickle = from_dict;
    constructor {
        #[new]
        #[pyo3(
            signature = (*, exploration="epsilon_greedy", epsilon=0.05, temperature=0.1, synapse_bonus=0.01, novelty_bonus=0.02, optimistic=true, untried_value=0.0, dream_cycles=Int(1), replay_ratio=10.0, cut_traces_on_exploration=true, prune_every=Int(0), history_limit=Int(100_000)),
            text_signature = "(*, exploration='epsilon_greedy', epsilon=0.05, temperature=0.1, synapse_bonus=0.01, novelty_bonus=0.02, optimistic=True, untried_value=0.0, dream_cycles=1, replay_ratio=10.0, cut_traces_on_exploration=True, prune_every=0, history_limit=100000)"
        )]
        #[allow(clippy::too_many_arguments)]
        fn new(
            exploration: &str,
            epsilon: f64,
            temperature: f64,
            synapse_bonus: f64,
            novelty_bonus: f64,
            optimistic: bool,
            untried_value: f64,
            dream_cycles: Int,
            replay_ratio: f64,
            cut_traces_on_exploration: bool,
            prune_every: Int,
            history_limit: Int,
        ) -> PyResult<Self> {
            let count = |name: &str, v: Int| {
                u32::try_from(v.0).map_err(|_| {
                    crate::errors::to_pyerr(hebbian_core::Error::config(
                        name,
                        format!("must be an integer in [0, 2**32), got {}", v.0),
                    ))
                })
            };
            let (dream_cycles, prune_every, history_limit) = (
                count("dream_cycles", dream_cycles)?,
                count("prune_every", prune_every)?,
                count("history_limit", history_limit)?,
            );
            // The signature spells the default out (stubtest reads it); keep it the core's.
            debug_assert_eq!(hebbian_core::agent::DEFAULT_HISTORY_LIMIT, 100_000);
            let inner = AgentParams {
                exploration: Exploration::parse(exploration).py()?,
                epsilon,
                temperature,
                synapse_bonus,
                novelty_bonus,
                optimistic,
                untried_value,
                dream_cycles,
                replay_ratio,
                cut_traces_on_exploration,
                prune_every,
                history_limit,
            };
            inner.validate().py()?;
            Ok(PyAgentParams { inner })
        }

        #[classmethod]
        fn _from_dict<'py>(
            cls: &Bound<'py, PyType>,
            kwargs: &Bound<'py, PyDict>,
        ) -> PyResult<Bound<'py, PyAny>> {
            cls.call((), Some(kwargs))
        }
    }
    fields {
        /// `"epsilon_greedy"` or `"softmax"`.
        exploration,
        /// ε of ε-greedy.
        epsilon,
        /// τ of softmax.
        temperature,
        /// β: the score of a candidate adds β · w(previous node → candidate).
        synapse_bonus,
        /// κ: when exploring, a tried action's score adds κ / √(1 + its activation count)
        /// (count-based exploration; greedy prediction ignores it).
        novelty_bonus,
        /// Untried actions are taken before any tried one; when false they score
        /// `untried_value`.
        optimistic,
        /// Score of an untried action when `optimistic` is false, and always in greedy
        /// prediction.
        untried_value,
        /// Fewest dream cycles per `dream()` call.
        dream_cycles,
        /// Replayed backups per real step since the last dream (sets the number of dream
        /// cycles, as Dyna-Q's planning steps per real step).
        replay_ratio,
        /// Watkins's Q(λ): eligibility traces are cut after an exploratory action.
        cut_traces_on_exploration,
        /// `Brain.prune` runs after every this many episodes (0: never).
        prune_every,
        /// The history keeps the records of at most this many most recent episodes (0: all).
        history_limit,
    }
}
