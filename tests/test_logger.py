"""Metric logging: CSV, stdout, TensorBoard outputs; History as a table; the logging module."""

import csv
import logging
from pathlib import Path

import gymnasium as gym
import pytest

import hebbian_brain as hb
from hebbian_brain.logger import configure


def read(path):
    return Path(path).read_text().splitlines()


def lake():
    return gym.make("FrozenLake-v1", is_slippery=False)


def test_learn_writes_returns_lengths_dreams_brain_size_and_speed_to_csv(tmp_path):
    agent = hb.Agent(lake(), seed=0)
    agent.set_logger(configure(tmp_path, ["csv"]))
    agent.learn(episodes=40, log_interval=10)
    rows = list(csv.DictReader(read(tmp_path / "progress.csv")))
    assert len(rows) == 4
    for key in (
        "rollout/ep_rew_mean",
        "rollout/ep_len_mean",
        "dream/walks",
        "brain/nodes",
        "time/fps",
        "time/total_timesteps",
    ):
        assert key in rows[0]
    assert [int(r["time/episodes"]) for r in rows] == [10, 20, 30, 40]
    assert int(rows[-1]["time/total_timesteps"]) == agent.num_timesteps
    assert int(rows[-1]["brain/nodes"]) == agent.brain.node_count


def test_a_new_key_adds_a_column_and_stdout_prints_a_table(tmp_path, capsys):
    log = configure(tmp_path, ["csv", "stdout"])
    log.record("a", 1)
    log.dump(1)
    log.record("a", 2)
    log.record_mean("b", 1.0)
    log.record_mean("b", 3.0)
    log.dump(2)
    log.close()
    rows = list(csv.DictReader(read(tmp_path / "progress.csv")))
    assert rows == [{"a": "1", "b": ""}, {"a": "2", "b": "2.0"}]
    assert "| b " in capsys.readouterr().out
    with pytest.raises(hb.InvalidArgumentError, match="unknown output"):
        configure(tmp_path, ["wandb"])


def test_tensorboard_output_needs_neither_torch_nor_tensorflow(tmp_path):
    pytest.importorskip("tensorboardX", reason="the tensorboard extra is not installed")
    import sys

    agent = hb.Agent(gym.make("hebbian_brain/GridWorld-v0"), seed=0)
    agent.set_logger(configure(tmp_path, ["tensorboard"]))
    agent.learn(episodes=20, log_interval=5)
    agent.logger.close()
    events = [p for p in tmp_path.iterdir() if p.name.startswith("events.out.tfevents")]
    assert events and events[0].stat().st_size > 0
    assert "torch" not in sys.modules and "tensorflow" not in sys.modules


def test_two_tensorboard_writers_in_one_folder_keep_both_event_files(tmp_path):
    # tensorboardX names event files by the second: a run continued at once into the same folder
    # (learn(..., reset_num_timesteps=False)) truncated the first writer's file.
    pytest.importorskip("tensorboardX", reason="the tensorboard extra is not installed")
    from hebbian_brain.logger import TensorBoardOutputFormat

    first = TensorBoardOutputFormat(tmp_path)
    first.write({"rollout/ep_rew_mean": 1.0}, step=1)
    first.close()
    second = TensorBoardOutputFormat(tmp_path)
    second.write({"rollout/ep_rew_mean": 2.0}, step=2)
    second.close()
    events = sorted(p for p in tmp_path.iterdir() if p.name.startswith("events.out.tfevents"))
    assert len(events) == 2
    assert all(p.stat().st_size > 0 for p in events)


def test_history_to_csv_and_to_pandas(tmp_path):
    agent = hb.Agent(lake(), seed=0).learn(episodes=15)
    h = agent.history
    h.to_csv(tmp_path / "h.csv")
    rows = list(csv.DictReader(read(tmp_path / "h.csv")))
    assert len(rows) == 15 and float(rows[3]["return"]) == h.returns[3]
    assert int(rows[3]["dream_walks"]) == h.dreams[3].walks
    pytest.importorskip("pandas", reason="pandas is not installed")
    df = h.to_pandas()
    assert list(df.columns) == list(hb.History.COLUMNS) and len(df) == 15
    assert df["length"].sum() == agent.num_timesteps


def test_the_library_reports_through_the_logging_module(caplog):
    with caplog.at_level(logging.INFO, logger="hebbian_brain"):
        hb.Agent(lake(), seed=0).learn(episodes=3)
    assert any(
        r.name == "hebbian_brain.agent" and "3 episodes" in r.message for r in caplog.records
    )
