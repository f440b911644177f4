"""Pictures of an experience graph, the learner of Box observations, on CartPole.

Runs an ``ExperienceCore`` (every real step a node in observation coordinates) for 5000 steps
of CartPole, rebuilds its plan, then writes the picture ``experience_cartpole.png`` (the
planned steps at pole angle × angular velocity, coloured by value, one marker per action, each
node's strongest link as an arrow) and the viewer ``experience_cartpole.html`` (open it in a
browser; click a node for its step). Needs matplotlib (``pip install "hebbian_brain[plot]"``).

    python examples/experience_pictures.py [OUT_DIR]
"""

import sys
from pathlib import Path

import gymnasium as gym

from hebbian_brain import viz
from hebbian_brain._core import ExperienceCore

# hyperparameters
SEED = 0
STEPS = 5000
DIM_NAMES = ["cart position", "cart velocity", "pole angle", "pole angular velocity"]
ACTION_NAMES = ["push left", "push right"]


def train(steps: int, seed: int) -> ExperienceCore:
    """Acts with the core's own exploring policy for ``steps`` steps, then rebuilds."""
    env = gym.make("CartPole-v1")
    core = ExperienceCore(4, 2, seed=seed)
    obs, _ = env.reset(seed=seed)
    episodes = 0
    for _ in range(steps):
        action = core.act(obs)
        obs, reward, terminated, truncated, _ = env.step(action)
        core.observe(float(reward), obs, terminated)
        if terminated or truncated:
            core.end_episode()
            obs, _ = env.reset()
            episodes += 1
    core.dream()
    print(f"{steps} steps, {episodes} episodes, {core.planned} planned nodes")
    return core


def main(out: Path) -> None:
    core = train(STEPS, SEED)
    names = {"dim_names": DIM_NAMES, "action_names": ACTION_NAMES, "dims": (2, 3)}
    png = viz.render_experience(core, out / "experience_cartpole.png", seed=SEED, **names)
    page = viz.experience_html(core, out / "experience_cartpole.html", seed=SEED, **names)
    print(f"wrote {png} and {page}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
