"""Grid world: learn the shortest path around a wall, then look at the brain.

GridWorld-v0 (5x5, the middle row walled except its ends, -1 per step). The agent learns in
Rust (whole episodes with the GIL released), then the example prints the greedy path, writes the
learning curve (grid_world_curve.png) and the brain: DOT text (grid_world_brain.dot) and, when
Graphviz is installed, a picture (grid_world_brain.png) where node colour shows value and thick
edges are strong synapses.

    python examples/grid_world.py
"""

import shutil

import gymnasium as gym

import hebbian_brain as hb
from hebbian_brain import viz

# hyperparameters
SEED = 0
EPISODES = 100
ENV_KWARGS = {"size": 5}
MIN_WEIGHT = 0.5  # synapses drawn in the picture


def main() -> None:
    env = gym.make("hebbian_brain/GridWorld-v0", render_mode="ansi", **ENV_KWARGS)
    agent = hb.Agent(env, seed=SEED).learn(env, episodes=EPISODES)
    h = agent.history
    print(f"{EPISODES} episodes: first returns {h.returns[:5]}, last returns {h.returns[-5:]}")
    print(f"optimal return: {-env.unwrapped.shortest_path_length}")

    obs, _ = env.reset()
    frames = [env.render()]
    done = False
    while not done:
        action, _ = agent.predict(obs, deterministic=True)
        obs, _, terminated, truncated, _ = env.step(action)
        frames.append(env.render())
        done = terminated or truncated
    print(f"greedy path ({len(frames) - 1} steps), first and last frame:")
    print(frames[0])
    print(frames[-1])

    viz.plot_history(agent, "grid_world_curve.png", title="GridWorld-v0")
    viz.render_brain(agent, "grid_world_brain.dot", min_weight=MIN_WEIGHT)
    print(f"brain: {agent.brain_summary()}")
    print("wrote grid_world_curve.png and grid_world_brain.dot")
    if shutil.which("dot"):
        viz.render_brain(agent, "grid_world_brain.png", min_weight=MIN_WEIGHT)
        print("wrote grid_world_brain.png")


if __name__ == "__main__":
    main()
