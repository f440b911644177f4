"""Cliff walking: every reward is negative, and the agent still learns the edge path.

CliffWalking-v1 (with a 200-step TimeLimit): -1 per step, -100 for falling off the cliff. A raw
reward as the plasticity signal would drive every synapse down; the agent's modulator is the
reward-prediction error, and its eligibility traces are cut after exploratory moves (Watkins's
Q(lambda)). With dreams (replayed value backups) it finds the optimal path along the edge
(return -13) within 100 episodes; without dreams it is still on a safe detour by then. The
example compares both and prints the greedy policy.

    python examples/cliff_walking.py
"""

import gymnasium as gym
import matplotlib
from gymnasium.wrappers import TimeLimit

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import hebbian_brain as hb  # noqa: E402
from hebbian_brain import viz  # noqa: E402

# hyperparameters
SEEDS = range(5)
EPISODES = 100
MAX_STEPS = 200


def make_env() -> gym.Env:
    return TimeLimit(gym.make("CliffWalking-v1"), max_episode_steps=MAX_STEPS)


def main() -> None:
    print(f"greedy return after {EPISODES} episodes (optimal -13), {len(SEEDS)} seeds")
    agents = {}
    for dream in (True, False):
        returns = []
        for seed in SEEDS:
            env = make_env()
            env.reset(seed=seed)
            agent = hb.Agent(env, seed=seed).learn(
                env, episodes=EPISODES, dream_every=1 if dream else 0
            )
            returns.append(float(agent.evaluate(env, max_steps=MAX_STEPS)[0]))
            agents.setdefault(dream, agent)
        print(f"dreams {'on ' if dream else 'off'}: {returns}")

    agent = agents[True]
    policy, _ = agent.predict(np.arange(48), deterministic=True)
    grid = np.array(["^", ">", "v", "<"])[policy].reshape(4, 12)
    grid[3, 1:11] = "C"
    grid[3, 11] = "G"
    print("greedy policy (C = cliff, G = goal):")
    print("\n".join(" ".join(row) for row in grid))
    viz.plot_history(agent, "cliff_walking.png", title="CliffWalking-v1")
    print("learning curve written to cliff_walking.png")


if __name__ == "__main__":
    main()
