"""Built-in environments reject bad actions and sizes with errors naming the argument."""

import numpy as np
import pytest

import hebbian_brain as hb


@pytest.mark.parametrize("make", [hb.envs.ChainEnv, hb.envs.GridWorldEnv])
def test_a_float_action_is_a_type_error_not_truncated(make):
    env = make()
    env.reset(seed=0)
    with pytest.raises(TypeError, match="action must be an integer"):
        env.step(1.7)
    env.step(np.int64(1))  # numpy integers are fine


def test_predator_prey_actions_are_checked_by_agent():
    env = hb.envs.PredatorPreyEnv()
    env.reset(seed=0)
    with pytest.raises(TypeError, match="predator_0"):
        env.step({"predator_0": 1.7})
    with pytest.raises(hb.InvalidArgumentError, match=r"predator_0.*got -1"):
        env.step({"predator_0": -1})
    with pytest.raises(hb.InvalidArgumentError, match="predator_0"):
        env.step({"predator_0": 2**70})


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: hb.envs.ChainEnv(length=-1), "length"),
        (lambda: hb.envs.ChainEnv(length=2**40), "length"),
        (lambda: hb.envs.ChainEnv(max_steps=-3), "max_steps"),
        (lambda: hb.envs.GridWorldEnv(size=2**33), "size"),
        (lambda: hb.envs.GridWorldEnv(start=(-1, 0)), "start"),
        (lambda: hb.envs.GridWorldEnv(obstacles=[(0, 2**40)]), "obstacles"),
        (lambda: hb.envs.PredatorPreyEnv(n_prey=2**40), "n_prey"),
        (lambda: hb.envs.PredatorPreyEnv(max_cycles=-1), "max_cycles"),
    ],
)
def test_huge_or_negative_sizes_name_the_argument(make, name):
    with pytest.raises(hb.InvalidArgumentError, match=name):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: hb._core.ChainCore(),
        lambda: hb._core.GridWorldCore(),
        lambda: hb._core.PredatorPreyCore(),
    ],
    ids=["chain", "grid_world", "predator_prey"],
)
@pytest.mark.parametrize("seed", [-1, 2**64, 2**70])
def test_raw_cores_name_an_out_of_range_seed_and_keep_working(make, seed):
    core = make()
    with pytest.raises(hb.InvalidArgumentError, match="seed"):
        core.reset(seed)
    with pytest.raises(TypeError):
        core.reset(True)
    with pytest.raises(hb.InvalidArgumentError, match="seed"):
        type(core)(seed=seed)
    core.reset(2**64 - 1)  # the largest seed is fine
