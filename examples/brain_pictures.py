"""Brain pictures people can read: a labelled PNG per environment and an interactive viewer.

Trains a graph-brain agent on FrozenLake 4x4 and 8x8, CliffWalking, Taxi and CartPole, then
writes for each a picture (``brain_<name>.png``: states named by their cell, taxi position or
intervals, value as colour with a legend, the greedy action framed, grid worlds on their grid)
and, for FrozenLake 8x8, the viewer (``brain_frozen_lake_8x8.html``: open it in a browser;
press "Replay dreams" to watch the last dream walks). Needs Graphviz (``apt install graphviz``).

    python examples/brain_pictures.py [OUT_DIR]
"""

import sys
import time
import warnings
from pathlib import Path

import gymnasium as gym

import hebbian_brain as hb
from hebbian_brain import viz

# hyperparameters
SEED = 0
CARTPOLE_BINS = hb.Discretizer([-2.4, -3.0, -0.21, -3.5], [2.4, 3.0, 0.21, 3.5], bins=[3, 4, 6, 4])
RUNS = {
    # name: (Gymnasium id, make() arguments, training episodes, Box discretizer)
    "frozen_lake_4x4": ("FrozenLake-v1", {"is_slippery": False}, 300, None),
    "frozen_lake_8x8": ("FrozenLake-v1", {"map_name": "8x8", "is_slippery": False}, 400, None),
    "cliff_walking": ("CliffWalking-v1", {}, 200, None),
    "taxi": ("Taxi-v4", {}, 600, None),
    "cartpole": ("CartPole-v1", {}, 200, CARTPOLE_BINS),
}
DREAM_WALKS_KEPT = 30


def main(out: Path) -> None:
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    print(
        f"{'environment':18s} {'nodes':>6s} {'synapses':>9s} {'picture px':>11s} {'render s':>9s}"
    )
    for name, (env_id, kwargs, episodes, discretizer) in RUNS.items():
        env = gym.make(env_id, **kwargs)
        agent = hb.Agent(env, seed=SEED, observation=discretizer)
        agent.brain.record_dream_walks(DREAM_WALKS_KEPT)
        agent.learn(env, episodes=episodes)
        start = time.perf_counter()
        png = viz.render_brain(agent, out / f"brain_{name}.png")
        seconds = time.perf_counter() - start
        w, h = Image.open(png).size
        b = agent.brain
        print(f"{name:18s} {b.node_count:6d} {b.edge_count:9d} {w:5d}x{h:<5d} {seconds:9.2f}")
        if name == "frozen_lake_8x8":
            html = viz.brain_html(agent, out / f"brain_{name}.html", title="FrozenLake 8x8")
            viz.render_brain(agent, out / f"brain_{name}_path.png", start=0)
    print(f"viewer: {html}  (the greedy path alone: brain_frozen_lake_8x8_path.png)")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # gymnasium's env notices
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
