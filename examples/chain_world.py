"""Chain world: a sparse reward at the end of a corridor, and what dreaming adds.

Chain-v0 gives +1 only in its last cell; a random walk needs about length**2 steps to get there.
The graph-brain agent tries untried actions first (optimism) and carries the reward back along
its synapses with eligibility traces and reverse-replay dreams. The table compares agents with
and without dreaming on chains of growing length (episodes until the greedy policy walks straight
to the end, median over seeds), and the learning curve of one run is saved to chain_world.png.

    python examples/chain_world.py
"""

import gymnasium as gym
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import hebbian_brain as hb  # noqa: E402
from hebbian_brain import viz  # noqa: E402

# hyperparameters
LENGTHS = (10, 20, 40)
SEEDS = range(5)
MAX_EPISODES = 200
PARAMS = hb.AgentParams()  # the defaults: epsilon-greedy 0.05, optimistic, replay_ratio 10


def episodes_to_solve(length: int, seed: int, dream: bool) -> int:
    env = gym.make("hebbian_brain/Chain-v0", length=length)
    agent = hb.Agent(env, seed=seed, params=PARAMS)
    for episode in range(1, MAX_EPISODES + 1):
        agent.learn(env, episodes=1, dream_every=1 if dream else 0)
        if agent.evaluate(env, max_steps=10 * length)[0] == 1.0:
            return episode
    return MAX_EPISODES + 1


def main() -> None:
    print(f"episodes until the greedy policy reaches the end (median of {len(SEEDS)} seeds)")
    print(f"{'length':>6s} {'with dreams':>12s} {'without':>9s}")
    for length in LENGTHS:
        with_dreams = np.median([episodes_to_solve(length, s, True) for s in SEEDS])
        without = np.median([episodes_to_solve(length, s, False) for s in SEEDS])
        print(f"{length:6d} {with_dreams:12g} {without:9g}")

    env = gym.make("hebbian_brain/Chain-v0", length=20)
    agent = hb.Agent(env, seed=0, params=PARAMS).learn(env, episodes=60)
    print(
        f"length-20 chain after 60 episodes: steps per episode {agent.history.lengths[:8]} "
        f"... {agent.history.lengths[-5:]}"
    )
    viz.plot_history(agent, "chain_world.png", title="Chain-v0 (length 20): return per episode")
    print("learning curve written to chain_world.png")


if __name__ == "__main__":
    main()
