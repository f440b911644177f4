//! Populations: many independent agents, each with its own brain and environment, trained in
//! parallel (rayon). Their saved form is `io::population_file`.
//!
//! The members do not share anything, so the work is split by member: each member runs its
//! episodes one after another exactly as [`Agent::run_episodes`] would alone, and the thread
//! that runs it does not matter. Results are therefore the same for any number of threads.

use super::{Agent, EpisodeRecord};
use crate::brain::Brain;
use crate::envs::DiscreteEnv;
use crate::error::{try_reserve, Error, Result};
use rayon::prelude::*;
use std::sync::atomic::AtomicBool;

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

/// Most threads a call may ask for: a pool of `2**63` threads would never finish starting.
pub const MAX_THREADS: usize = 4096;

/// Refuses a thread count outside `[1, MAX_THREADS]`, naming `n_threads`.
pub fn check_threads(n_threads: usize) -> Result<()> {
    if (1..=MAX_THREADS).contains(&n_threads) {
        Ok(())
    } else {
        Err(Error::argument(
            "n_threads",
            format!("must be in [1, {MAX_THREADS}], got {n_threads}"),
        ))
    }
}

/// A rayon pool of `1 ≤ n_threads ≤ MAX_THREADS` threads, for [`run_population`] and the
/// dense trainers (`InvalidArgumentError` naming `n_threads` otherwise).
pub fn thread_pool(n_threads: usize) -> Result<rayon::ThreadPool> {
    check_threads(n_threads)?;
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
    run_population_until(
        members,
        episodes,
        dream_every,
        pool,
        &AtomicBool::new(false),
    )
}

/// [`run_population`] that stops every member, between two of its steps, as soon as `stop`
/// is set (see [`Agent::run_episodes_until`]); each member's records are those of its
/// finished episodes.
pub fn run_population_until(
    members: &mut [Member<'_>],
    episodes: usize,
    dream_every: usize,
    pool: Option<&rayon::ThreadPool>,
    stop: &AtomicBool,
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
            .map(|m| {
                m.agent
                    .run_episodes_until(m.brain, m.env, episodes, dream_every, stop)
            })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::AgentParams;
    use crate::brain::config::BrainConfig;
    use crate::envs::{Chain, GridWorld};
    use crate::io::agent_file::AgentFile;
    use crate::io::population_file::{PopulationEnv, PopulationFile};
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
