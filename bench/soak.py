"""Soak: millions of agent steps on GridWorld with dreams and pruning on; memory must plateau.

Runs ``Agent.learn`` on the built-in GridWorld (whole episodes in Rust, GIL released, one thread)
with the default agent (dreams after every episode) plus pruning every ``--prune-every``
episodes, and prints a row every ``--report`` steps: resident memory (VmRSS from
/proc/self/status), the brain's node and synapse counts and bytes, the length of the episode
history kept, and the throughput of the last block. A leak or unbounded growth shows as RSS
climbing row after row; a slowdown (e.g. a cost that grows with the run) as falling steps/s.

Reference in the same run: the machine is shared and its load varies, so absolute steps/s are noisy.
After a warm-up the agent is snapshotted; every few chunks a copy of that snapshot learns the same
number of episodes (the same work each time) and is timed: its steps/s is the reference at that
moment, and the row's ratio (ours / reference, interleaved over the block) stays near 1 while
the agent's per-step cost does not grow. RSS is given as growth over the first row (the reference
copies are freed at once).

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
    p.add_argument("--warmup", type=float, default=2e5, help="steps before the snapshot")
    p.add_argument("--ref-every", type=int, default=4, help="a reference chunk every N chunks")
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
        f"{'brain KiB':>9s} {'history':>9s} {'steps/s':>9s} {'ref/s':>9s} {'ratio':>6s}"
    )
    while agent.num_timesteps < args.warmup:
        agent.learn(env, episodes=args.episodes_per_call)
    snapshot = agent.to_bytes()
    snapshot_steps = agent.num_timesteps
    print(f"(reference: the agent at {agent.num_timesteps:,} steps, re-run from a snapshot)")
    print(header)
    first_rss = None
    next_report = (agent.num_timesteps // block + 1) * block
    ours_t = ours_n = ref_t = ref_n = 0.0
    chunk = 0
    while agent.num_timesteps < total:
        before = agent.num_timesteps
        t0 = time.perf_counter()
        agent.learn(env, episodes=args.episodes_per_call)
        ours_t += time.perf_counter() - t0
        ours_n += agent.num_timesteps - before
        chunk += 1
        if chunk % args.ref_every == 0:
            ref = hb.Agent.from_bytes(snapshot)
            ref_env = hb.envs.GridWorldEnv(size=args.size, slip=args.slip)
            ref_env.reset(seed=args.seed)
            t0 = time.perf_counter()
            ref.learn(ref_env, episodes=args.episodes_per_call)
            ref_t += time.perf_counter() - t0
            ref_n += ref.num_timesteps - snapshot_steps
            del ref
        steps = agent.num_timesteps
        if steps < next_report and steps < total:
            continue
        rss = rss_mib()
        first_rss = rss if first_rss is None else first_rss
        rate = ours_n / ours_t
        ref_rate = ref_n / ref_t if ref_t > 0 else float("nan")
        b = agent.brain
        print(
            f"{steps:>11,d} {rss:8.1f} {rss - first_rss:+7.1f} {b.node_count:6d} "
            f"{b.edge_count:8d} {b.memory_bytes() / 1024:9.1f} {agent._core.history_len():9,d} "
            f"{rate:9.3g} {ref_rate:9.3g} {rate / ref_rate:6.2f}",
            flush=True,
        )
        while next_report <= steps:
            next_report += block
        ours_t = ours_n = ref_t = ref_n = 0.0


if __name__ == "__main__":
    main()
