"""Everything a sweep ships between processes pickles: agents, brains, configs, populations and
their results, and the sweep's own table."""

import pickle

import numpy as np
import sweep_trials as trials

import hebbian_brain as hb


def test_agents_brains_and_configs_pickle():
    env = hb.envs.ChainEnv(length=5)
    agent = hb.Agent(env, hb.BrainConfig(), seed=0, params=hb.AgentParams(epsilon=0.2))
    agent.run_episodes(env, 5)
    back = pickle.loads(pickle.dumps(agent))
    assert back.brain.to_bytes() == agent.brain.to_bytes()
    np.testing.assert_array_equal(back.history.returns, agent.history.returns)
    assert back.params == agent.params
    brain = pickle.loads(pickle.dumps(agent.brain))
    assert brain.node_count == agent.brain.node_count
    config = hb.BrainConfig()
    assert pickle.loads(pickle.dumps(config)) == config


def test_population_results_and_sweep_tables_pickle():
    pop = hb.Population("Chain", 2, seed=3)
    run = pop.run_episodes(4)
    run_back = pickle.loads(pickle.dumps(run))
    np.testing.assert_array_equal(run_back.returns, run.returns)
    np.testing.assert_array_equal(run_back.terminated, run.terminated)
    assert pickle.loads(pickle.dumps(pop.histories))[1].returns.size == 4
    result = hb.sweep(trials.scores, {"lr": [1.0, 2.0]}, seeds=2, n_jobs=1, on_error="record")
    back = pickle.loads(pickle.dumps(result))
    assert back.rows == result.rows and back.settings == result.settings
    error = hb.TrialError("boom", {"lr": 1}, 3, "tb")
    error_back = pickle.loads(pickle.dumps(error))
    assert str(error_back) == "boom" and error_back.setting == {"lr": 1} and error_back.seed == 3
