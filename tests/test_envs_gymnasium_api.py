"""The built-in single-agent environments behave as Gymnasium environments."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import hebbian_brain as hb
from hebbian_brain.envs import ChainEnv, GridWorldEnv

# check_env recommends the unwrapped env when given gymnasium.make's wrappers; we check both.
WRAPPED = "ignore:.*is different from the unwrapped version"


@pytest.mark.filterwarnings(WRAPPED)
@pytest.mark.parametrize(
    ("env_id", "kwargs"),
    [
        ("hebbian_brain/Chain-v0", {}),
        ("hebbian_brain/Chain-v0", {"length": 4, "slip": 0.2, "render_mode": "ansi"}),
        ("hebbian_brain/GridWorld-v0", {"render_mode": "ansi"}),
        ("hebbian_brain/GridWorld-v0", {"size": 6, "slip": 0.1, "render_mode": "rgb_array"}),
    ],
)
def test_registered_envs_pass_the_gymnasium_checker(env_id, kwargs):
    env = gym.make(env_id, **kwargs)
    check_env(env, skip_render_check=False)
    check_env(env.unwrapped, skip_render_check=False)


def test_import_registers_the_ids_once():
    hb.envs.register_envs()  # a second registration must not warn (warnings are errors here)
    assert "hebbian_brain/Chain-v0" in gym.registry
    assert "hebbian_brain/GridWorld-v0" in gym.registry


def test_chain_walk_right_gets_the_reward_in_length_minus_one_steps():
    env = gym.make("hebbian_brain/Chain-v0", length=6)
    obs, _ = env.reset(seed=0)
    assert obs == 0
    total, steps, terminated = 0.0, 0, False
    while not terminated:
        obs, reward, terminated, truncated, _ = env.step(1)
        total += reward
        steps += 1
        assert not truncated
    assert (obs, total, steps) == (5, 1.0, 5)


def test_grid_world_shortest_path_has_the_optimal_return():
    env = GridWorldEnv(size=5)
    assert env.shortest_path_length == 8
    env.reset(seed=1)
    rewards = [env.step(a)[1] for a in (1, 1, 1, 1, 2, 2, 2)]
    *_, terminated, _, _ = env.step(2)
    assert terminated
    assert sum(rewards) - 1 == -env.shortest_path_length


def test_grid_world_walls_block_and_default_layout_is_the_middle_row():
    env = GridWorldEnv(size=5)
    assert env.walls[2].tolist() == [False, True, True, True, False]
    env.reset(seed=0)
    env.step(1)  # (0, 1)
    env.step(2)  # (1, 1)
    obs, *_ = env.step(2)  # blocked by the wall at (2, 1)
    assert obs == 6


def test_grid_world_rgb_render_shows_agent_goal_and_walls():
    env = GridWorldEnv(size=4, render_mode="rgb_array")
    env.reset(seed=0)
    image = env.render()
    assert image.shape == (128, 128, 3) and image.dtype == np.uint8
    agent, goal, wall = image[16, 16], image[3 * 32 + 16, 3 * 32 + 16], image[2 * 32 + 16, 32 + 16]
    assert len({tuple(agent), tuple(goal), tuple(wall)}) == 3


def test_ansi_renders():
    chain = ChainEnv(length=4, render_mode="ansi")
    chain.reset()
    assert chain.render() == "A..G\n"
    grid = GridWorldEnv(size=3, render_mode="ansi")
    grid.reset()
    assert grid.render() == "A..\n...\n..G\n"


def test_slip_is_reproducible_with_the_reset_seed():
    def trajectory(seed):
        env = GridWorldEnv(size=6, slip=0.5)
        env.reset(seed=seed)
        return [env.step(1)[0] for _ in range(10)]

    assert trajectory(3) == trajectory(3)
    assert trajectory(3) != trajectory(4)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"size": 1}, "size"),
        ({"size": 3, "goal": (5, 5)}, "goal"),
        ({"size": 3, "obstacles": [(0, 1), (1, 0)]}, "obstacles"),
        ({"size": 3, "obstacles": [(2, 2)]}, "goal"),
        ({"slip": 2.0}, "slip"),
        ({"max_steps": 0}, "max_steps"),
    ],
)
def test_grid_world_bad_config_names_the_field(kwargs, field):
    with pytest.raises(hb.InvalidConfigError, match=field):
        GridWorldEnv(**kwargs)


def test_chain_bad_config_and_bad_actions_are_clear_errors():
    with pytest.raises(hb.InvalidConfigError, match="length"):
        ChainEnv(length=1)
    with pytest.raises(ValueError, match="render_mode"):
        ChainEnv(render_mode="human")
    env = ChainEnv()
    with pytest.raises(hb.StateError, match="reset"):
        env.step(1)
    env.reset()
    with pytest.raises(hb.InvalidArgumentError, match="action"):
        env.step(2)
    with pytest.raises(hb.InvalidArgumentError, match="action"):
        env.step(-1)
    assert env.step(1)[0] == 1, "the env stays usable after a rejected action"


def test_deepcopy_continues_identically():
    import copy

    env = GridWorldEnv(size=5, slip=0.3)
    env.reset(seed=2)
    env.step(1)
    twin = copy.deepcopy(env)
    a = [env.step(2)[0] for _ in range(5)]
    b = [twin.step(2)[0] for _ in range(5)]
    assert a == b
