//! Populations: many independent agents, each with its own brain and environment, trained in
//! parallel (rayon), and their saved form.
//!
//! The members do not share anything, so the work is split by member: each member runs its
//! episodes one after another exactly as [`Agent::run_episodes`] would alone, and the thread
//! that runs it does not matter. Results are therefore the same for any number of threads.

use super::{Agent, AgentFile, EpisodeRecord};
use crate::envs::{Chain, DeepSea, DiscreteEnv, GridWorld, RiverSwim};
use crate::error::{try_reserve, Error, Result};
use crate::graph::Brain;
use crate::io::persist;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// One member of a population for the duration of a run: its agent, brain and environment,
/// borrowed from wherever they live (the Python objects in the bindings).
pub struct Member<'a> {
    /// The member's agent.
    pub agent: &'a mut Agent,
    /// Its brain.
    pub brain: &'a mut Brain,
    /// Its environment.
    pub env: &'a mut (dyn DiscreteEnv + Send),
}

/// A rayon pool of `n_threads` ≥ 1 threads, for [`run_population`].
pub fn thread_pool(n_threads: usize) -> Result<rayon::ThreadPool> {
    if n_threads == 0 {
        return Err(Error::argument("n_threads", "must be >= 1"));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(n_threads)
        .build()
        .map_err(|e| Error::State(format!("cannot start {n_threads} threads: {e}")))
}

/// Runs `episodes` episodes for every member (each as [`Agent::run_episodes`] with
/// `dream_every`), members in parallel in `pool` (`None`: rayon's global pool, all cores).
///
/// Every member is checked before any runs (actions of agent and environment agree), so a bad
/// member changes nothing. Returns the new records of each member, in member order.
pub fn run_population(
    members: &mut [Member<'_>],
    episodes: usize,
    dream_every: usize,
    pool: Option<&rayon::ThreadPool>,
) -> Result<Vec<Vec<EpisodeRecord>>> {
    for (i, m) in members.iter().enumerate() {
        if m.env.n_actions() != m.agent.n_actions() {
            return Err(Error::argument(
                "env",
                format!(
                    "member {i}: the environment has {} actions but the agent has {}",
                    m.env.n_actions(),
                    m.agent.n_actions()
                ),
            ));
        }
    }
    let mut out: Vec<Vec<EpisodeRecord>> = Vec::new();
    try_reserve(&mut out, members.len(), || {
        format!("the records of {} members", members.len())
    })?;
    let run = |members: &mut [Member<'_>]| -> Vec<Result<Vec<EpisodeRecord>>> {
        members
            .par_iter_mut()
            .map(|m| m.agent.run_episodes(m.brain, m.env, episodes, dream_every))
            .collect()
    };
    let results = match pool {
        None => run(members),
        Some(p) => p.install(|| run(members)),
    };
    for r in results {
        out.push(r?);
    }
    Ok(out)
}

/// Kind tag of population files.
pub const POPULATION_KIND: &[u8; 4] = b"POP1";

/// A member's environment in a saved population (with its state and generator).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum PopulationEnv {
    /// A [`Chain`].
    Chain(Chain),
    /// A [`GridWorld`].
    GridWorld(GridWorld),
    /// A [`DeepSea`].
    DeepSea(DeepSea),
    /// A [`RiverSwim`].
    RiverSwim(RiverSwim),
}

impl PopulationEnv {
    fn check_state(&self) -> Result<()> {
        match self {
            PopulationEnv::Chain(c) => c.check_state(),
            PopulationEnv::GridWorld(g) => g.check_state(),
            PopulationEnv::DeepSea(d) => d.check_state(),
            PopulationEnv::RiverSwim(r) => r.check_state(),
        }
    }
}

/// A saved population: every member's agent, brain and environment, and the caller's metadata
/// (the Python package stores the environment's arguments, the seeds and the members' spaces
/// as JSON here).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PopulationFile {
    /// The members, in order (their `metadata` fields are empty).
    pub members: Vec<AgentFile>,
    /// The members' environments, in order (one per member).
    pub envs: Vec<PopulationEnv>,
    /// Free-form metadata of the caller.
    pub metadata: String,
}

impl PopulationFile {
    /// The complete file image.
    pub fn to_bytes(&self) -> Vec<u8> {
        persist::to_bytes(POPULATION_KIND, self)
    }

    /// Decodes a file image; `origin` names the source in error messages.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<PopulationFile> {
        let mut file: PopulationFile = persist::from_bytes(origin, POPULATION_KIND, bytes)?;
        if file.envs.len() != file.members.len() {
            return Err(Error::format(
                origin,
                format!(
                    "{} environments for {} members",
                    file.envs.len(),
                    file.members.len()
                ),
            ));
        }
        for (i, (m, env)) in file.members.iter_mut().zip(&file.envs).enumerate() {
            let inconsistent = |e: Error| Error::format(origin, format!("member {i}: {e}"));
            m.agent.params.validate().map_err(inconsistent)?;
            env.check_state().map_err(inconsistent)?;
            let n_actions = match env {
                PopulationEnv::Chain(c) => c.n_actions(),
                PopulationEnv::GridWorld(g) => g.n_actions(),
                PopulationEnv::DeepSea(d) => d.n_actions(),
                PopulationEnv::RiverSwim(r) => r.n_actions(),
            };
            if n_actions != m.agent.n_actions() {
                return Err(inconsistent(Error::State(format!(
                    "the environment has {n_actions} actions, the agent {}",
                    m.agent.n_actions()
                ))));
            }
            m.agent.ensure_buffers();
        }
        Ok(file)
    }

    /// Writes the file atomically (temporary file, fsync, rename).
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        persist::write_atomic(path, &self.to_bytes())
    }

    /// Reads a file written by [`save`](Self::save).
    pub fn load(path: &std::path::Path) -> Result<PopulationFile> {
        let bytes = persist::read_file(path)?;
        PopulationFile::from_bytes(&bytes, &path.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::AgentParams;
    use crate::config::BrainConfig;
    use crate::envs::{Chain, GridWorld};
    use crate::rng::derive_seed;

    struct Owned {
        agent: Agent,
        brain: Brain,
        env: Box<dyn DiscreteEnv + Send>,
    }

    fn population(n: u64, seed: u64) -> Vec<Owned> {
        (0..n)
            .map(|i| {
                let s = derive_seed(seed, i);
                let env: Box<dyn DiscreteEnv + Send> = if i % 2 == 0 {
                    Box::new(Chain::new(8, 0.1, None, Some(s)).unwrap())
                } else {
                    Box::new(GridWorld::new(4, &[], (0, 0), (3, 3), 0.1, None, Some(s)).unwrap())
                };
                Owned {
                    agent: Agent::new(env.n_actions(), AgentParams::default(), Some(s)).unwrap(),
                    brain: Brain::new(BrainConfig::default(), Some(derive_seed(s, 1))).unwrap(),
                    env,
                }
            })
            .collect()
    }

    /// Return minus length of each episode of each member (both must match).
    fn run(owned: &mut [Owned], episodes: usize, threads: Option<usize>) -> Vec<Vec<f64>> {
        let mut members: Vec<Member<'_>> = owned
            .iter_mut()
            .map(|o| Member {
                agent: &mut o.agent,
                brain: &mut o.brain,
                env: o.env.as_mut(),
            })
            .collect();
        let pool = threads.map(|t| thread_pool(t).unwrap());
        run_population(&mut members, episodes, 1, pool.as_ref())
            .unwrap()
            .iter()
            .map(|rs| {
                rs.iter()
                    .map(|r| r.episode_return - r.length as f64)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count_and_match_lone_agents() {
        let mut one = population(6, 7);
        let mut two = population(6, 7);
        let a = run(&mut one, 20, Some(1));
        let b = run(&mut two, 20, Some(2));
        assert_eq!(a, b);
        // Member 0 alone gives the same returns.
        let mut alone = population(1, 7).pop().unwrap();
        let lone = alone
            .agent
            .run_episodes(&mut alone.brain, alone.env.as_mut(), 20, 1)
            .unwrap();
        let lone: Vec<f64> = lone
            .iter()
            .map(|r| r.episode_return - r.length as f64)
            .collect();
        assert_eq!(lone, a[0]);
        assert_ne!(a[0], a[2], "members must differ (own seeds)");
    }

    #[test]
    fn a_mismatched_member_is_refused_before_anything_runs() {
        let mut owned = population(2, 0);
        let mut bad = Chain::new(4, 0.0, None, Some(0)).unwrap();
        let mut members: Vec<Member<'_>> = owned
            .iter_mut()
            .map(|o| Member {
                agent: &mut o.agent,
                brain: &mut o.brain,
                env: o.env.as_mut(),
            })
            .collect();
        members[1].env = &mut bad; // 2 actions, the grid agent has 4
        let err = run_population(&mut members, 3, 1, None).unwrap_err();
        assert!(err.to_string().contains("member 1"), "{err}");
        assert!(thread_pool(0).is_err());
        drop(members);
        assert!(owned.iter().all(|o| o.agent.history().is_empty()));
    }

    #[test]
    fn files_round_trip_and_refuse_corruption() {
        let mut owned = population(3, 1);
        run(&mut owned, 5, None);
        let file = PopulationFile {
            members: owned
                .iter()
                .map(|o| AgentFile {
                    agent: o.agent.clone(),
                    brain: o.brain.clone(),
                    metadata: String::new(),
                })
                .collect(),
            envs: (0..3u64)
                .map(|i| {
                    if i % 2 == 0 {
                        let mut c = Chain::new(8, 0.5, None, Some(i)).unwrap();
                        c.reset(None);
                        PopulationEnv::Chain(c)
                    } else {
                        let g = GridWorld::new(4, &[], (0, 0), (3, 3), 0.1, None, Some(i));
                        PopulationEnv::GridWorld(g.unwrap())
                    }
                })
                .collect(),
            metadata: "{\"n\": 3}".into(),
        };
        let bytes = file.to_bytes();
        let back = PopulationFile::from_bytes(&bytes, "memory").unwrap();
        assert_eq!(back.members.len(), 3);
        assert_eq!(back.metadata, file.metadata);
        for (a, b) in back.members.iter().zip(&owned) {
            assert_eq!(a.agent.history(), b.agent.history());
            assert_eq!(a.brain.node_count(), b.brain.node_count());
        }
        let mut bad = bytes.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0xff;
        assert!(PopulationFile::from_bytes(&bad, "memory").is_err());
        assert!(PopulationFile::from_bytes(&file.members[0].to_bytes(), "memory").is_err());
        // Environments keep their state and generator.
        let (PopulationEnv::Chain(a), PopulationEnv::Chain(b)) = (&file.envs[2], &back.envs[2])
        else {
            panic!("chains expected")
        };
        let (mut a, mut b) = (a.clone(), b.clone());
        for _ in 0..20 {
            assert_eq!(a.step(1).ok(), b.step(1).ok());
        }
        // A well-formed file with an inconsistent member is refused (not a later panic).
        let mut odd = file.clone();
        odd.envs.pop();
        assert!(PopulationFile::from_bytes(&odd.to_bytes(), "memory").is_err());
        let mut odd = file.clone();
        odd.envs[0] = PopulationEnv::GridWorld(
            GridWorld::new(3, &[], (0, 0), (2, 2), 0.0, None, Some(0)).unwrap(),
        );
        let err = PopulationFile::from_bytes(&odd.to_bytes(), "memory").unwrap_err();
        assert!(err.to_string().contains("member 0"), "{err}");
    }
}
