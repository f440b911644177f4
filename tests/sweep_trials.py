"""Trial functions for the sweep tests (module level, so that worker processes can import them)."""

import os

import hebbian_brain as hb


def score(lr, width=1, seed=0):
    """A deterministic number of the setting and seed."""
    return lr * 100 + width * 10 + seed


def scores(lr, seed):
    """A dict result: one column per key, with the worker's pid to see the processes."""
    return {"score": lr + seed, "square": (lr + seed) ** 2, "pid": os.getpid()}


def fails_on_seed_2(lr, seed):
    if seed == 2:
        raise ValueError(f"bad luck with lr={lr}")
    return lr


def trivial(x, seed):
    return x + seed


def population_trial(episodes, seed):
    """A small population on GridWorld: the mean return of the last episodes."""
    pop = hb.Population("GridWorld", 2, seed=seed, env_kwargs={"size": 4})
    run = pop.run_episodes(episodes)
    return {"mean_return": float(run.returns[:, -5:].mean()), "steps": run.steps}


def returns_unpicklable(seed):
    return lambda: seed


def seed_only(seed):
    return seed * 2
