"""Predators learn to catch prey: every animal has its own graph brain.

PredatorPrey (PettingZoo ParallelEnv, built into hebbian_brain): 2 predators and 2 prey on a 10x10
grid. Each animal observes the offset to the nearest animal of the other kind and learns with
its own hebbian_brain.Agent (the step API inside a PettingZoo loop). The table shows, per block
of episodes, the share of prey captured and the cycles a capture took: predators get better at
catching even though the prey learn to flee at the same time.

    python examples/predator_prey.py
"""

import time

import numpy as np

import hebbian_brain as hb
from hebbian_brain.envs import PredatorPreyEnv

# hyperparameters
SEED = 0
EPISODES = 1500
BLOCK = 150
ENV_KWARGS = {"size": 10, "n_predators": 2, "n_prey": 2, "max_cycles": 30}
PREDATOR_PARAMS = hb.AgentParams(epsilon=0.05)
PREY_PARAMS = hb.AgentParams(epsilon=0.05)


def main() -> None:
    env = PredatorPreyEnv(**ENV_KWARGS)
    agents = {
        name: hb.Agent(
            env.action_space(name),
            seed=SEED + i,
            observation=env.observation_space(name),
            params=PREDATOR_PARAMS if env.is_predator(name) else PREY_PARAMS,
        )
        for i, name in enumerate(env.possible_agents)
    }
    n_prey = ENV_KWARGS["n_prey"]
    captured, cycles = [], []
    start = time.perf_counter()
    for episode in range(EPISODES):
        observations, _ = env.reset(seed=SEED + episode)
        actions = {}
        while env.agents:
            actions = {a: agents[a].act(observations[a]) for a in env.agents}
            observations, rewards, terminations, truncations, infos = env.step(actions)
            for a in rewards:
                agents[a].observe(rewards[a], observations[a], terminations[a], truncations[a])
        for agent in agents.values():
            agent.end_episode()
            agent.dream()
        captured.append(env.captures / n_prey)
        cycles.append(env.core.cycles)
    seconds = time.perf_counter() - start

    print(f"PredatorPrey {ENV_KWARGS}, {EPISODES} episodes in {seconds:.1f} s")
    print(f"{'episodes':>12s} {'prey captured':>14s} {'cycles/episode':>15s}")
    for lo in range(0, EPISODES, BLOCK):
        block = slice(lo, lo + BLOCK)
        print(
            f"{lo + 1:5d}-{lo + BLOCK:<6d} {np.mean(captured[block]):13.0%} "
            f"{np.mean(cycles[block]):15.1f}"
        )
    first, last = np.mean(captured[:BLOCK]), np.mean(captured[-BLOCK:])
    print(f"capture rate: {first:.0%} in the first block -> {last:.0%} in the last")
    predator = agents["predator_0"]
    print(f"predator_0's brain: {predator.brain_summary()}")


if __name__ == "__main__":
    main()
