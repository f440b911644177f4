"""Soak: millions of agent steps on GridWorld with dreams and pruning on; memory must plateau.

Runs ``Agent.learn`` on the built-in GridWorld (whole episodes in Rust, GIL released, one thread)
with the default agent (dreams after every episode) plus pruning every ``--prune-every``
episodes, and prints a row every ``--report`` steps: resident memory (VmRSS from
/proc/self/status), the brain's node and synapse counts and bytes, the length of the episode
history kept, and the throughput of the last block. A leak or unbounded growth shows as RSS
climbing row after row; a slowdown (e.g. a cost that grows with the run) as falling steps/s.

Reference in the same run: the first block's throughput (later blocks as a ratio to it) and the
RSS after the first block (later rows as growth over it).

    python bench/soak.py                      # 10 M steps, report every 1 M
    python bench/soak.py --steps 2e6 --report 2e5 --size 10 --slip 0.1
"""

from __future__ import annotations

import argparse
import datetime
import platform
import time

import hebbian_brain as hb


def rss_mib() -> float:
    """Resident set size of this process in MiB (Linux)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=float, default=10e6, help="total agent steps")
    p.add_argument("--report", type=float, default=1e6, help="steps between rows")
    p.add_argument("--size", type=int, default=5, help="GridWorld side")
    p.add_argument("--slip", type=float, default=0.0, help="GridWorld slip probability")
    p.add_argument("--prune-every", type=int, default=10, help="prune every N episodes")
    p.add_argument("--episodes-per-call", type=int, default=2000, help="episodes per learn()")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    total, block = int(args.steps), int(args.report)

    env = hb.envs.GridWorldEnv(size=args.size, slip=args.slip)
    params = hb.AgentParams(prune_every=args.prune_every)
    agent = hb.Agent(env, seed=args.seed, params=params)
    print(
        f"soak: GridWorld size={args.size} slip={args.slip}, default agent + prune_every="
        f"{args.prune_every}, {total:,} steps, hebbian_brain {hb.__version__}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"
    )
    header = (
        f"{'steps':>11s} {'RSS MiB':>8s} {'ΔRSS':>7s} {'nodes':>6s} {'synapses':>8s} "
        f"{'brain KiB':>9s} {'history':>9s} {'steps/s':>9s} {'vs 1st':>6s}"
    )
    print(header)
    first_rate = first_rss = None
    next_report = block
    t_block = time.perf_counter()
    steps_block = agent.num_timesteps
    while agent.num_timesteps < total:
        agent.learn(env, episodes=args.episodes_per_call)
        steps = agent.num_timesteps
        if steps < next_report and steps < total:
            continue
        now = time.perf_counter()
        rate = (steps - steps_block) / (now - t_block)
        rss = rss_mib()
        if first_rate is None:
            first_rate, first_rss = rate, rss
        b = agent.brain
        print(
            f"{steps:>11,d} {rss:8.1f} {rss - first_rss:+7.1f} {b.node_count:6d} "
            f"{b.edge_count:8d} {b.memory_bytes() / 1024:9.1f} {agent._core.history_len():9,d} "
            f"{rate:9.3g} {rate / first_rate:6.2f}",
            flush=True,
        )
        while next_report <= steps:
            next_report += block
        t_block, steps_block = time.perf_counter(), steps


if __name__ == "__main__":
    main()
