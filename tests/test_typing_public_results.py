"""Public results are typed (not Any) for a user's `mypy --strict` (issue 18, gap 7)."""

import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import gymnasium as gym
    import hebbian_brain as hb
    from hebbian_brain.envs import PredatorPreyEnv

    agent = hb.Agent(gym.make("FrozenLake-v1"), seed=0)
    action, _ = agent.predict(0)
    reveal_type(action)
    reveal_type(PredatorPreyEnv)
    reveal_type(hb.evaluate_policy(agent, gym.make("FrozenLake-v1")))
    reveal_type(hb.evaluate_policy(agent, gym.make("FrozenLake-v1"), return_episode_rewards=True))
    reveal_type(agent.history.to_dict())
    """
)


def test_a_user_script_sees_typed_results_under_mypy_strict(tmp_path):
    api = pytest.importorskip("mypy.api", reason="mypy is not installed (dev extra)")
    script = tmp_path / "user.py"
    script.write_text(SCRIPT)
    out, err, status = api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(script)]
    )
    assert status == 0 and "error" not in out, out + err
    revealed = [
        x.split("Revealed type is ")[1].replace("builtins.", "")
        for x in out.splitlines()
        if "Revealed" in x
    ]
    assert "numpy.signedinteger" in revealed[0]  # predict: an int64 array, not Any
    assert "PredatorPreyEnv" in revealed[1] and revealed[1] != '"Any"'
    assert revealed[2] == '"tuple[float, float]"'
    assert revealed[3] == '"tuple[list[float], list[int]]"'
    assert "numpy.ndarray" in revealed[4]
