"""FrozenLake: any Gymnasium environment with discrete actions, through the step API.

FrozenLake-v1 (4x4, not slippery) and the slippery version. The agent is driven by
``Agent.learn`` (act/observe per step from Python); for the slippery lake the table reports the
success rate of the greedy policy over 200 evaluation episodes.

    python examples/frozen_lake.py
"""

import gymnasium as gym
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import hebbian_brain as hb  # noqa: E402
from hebbian_brain import viz  # noqa: E402

# hyperparameters
SEED = 0
EPISODES = {"not slippery": 200, "slippery": 3000}
EVAL_EPISODES = 200


def main() -> None:
    print(f"{'FrozenLake-v1 4x4':18s} {'episodes':>9s} {'greedy success':>15s}")
    for name, episodes in EPISODES.items():
        env = gym.make("FrozenLake-v1", is_slippery=name == "slippery")
        env.reset(seed=SEED)
        agent = hb.Agent(env, seed=SEED).learn(env, episodes=episodes)
        success = np.mean(agent.evaluate(env, episodes=EVAL_EPISODES, max_steps=100))
        print(f"{name:18s} {episodes:9d} {success:15.0%}")
        if name == "slippery":
            viz.plot_history(agent, "frozen_lake.png", window=100, title="FrozenLake-v1 slippery")
    policy, _ = agent.predict(np.arange(16), deterministic=True)
    arrows = np.array(["<", "v", ">", "^"])[policy].reshape(4, 4)
    print("greedy policy on the slippery lake:")
    print("\n".join(" ".join(row) for row in arrows))
    print("learning curve written to frozen_lake.png")


if __name__ == "__main__":
    main()
