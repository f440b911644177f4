"""The hebbian-brain command line."""

import importlib.metadata
import os
import shutil

import pytest

import hebbian_brain as hb
from hebbian_brain.cli import main

HAS_DOT = shutil.which("dot") is not None


def test_demo_writes_dot_png_and_curve_and_says_where(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "brain.dot").read_text().startswith("digraph")
    assert (tmp_path / "learning_curve.png").read_bytes()[:4] == b"\x89PNG"
    assert str(tmp_path / "brain.dot") in out
    assert "greedy return after training: -8.000 +/- 0.000" in out
    if HAS_DOT:
        assert (tmp_path / "brain.png").read_bytes()[:4] == b"\x89PNG"


def test_train_any_discrete_env_and_save(tmp_path, capsys):
    import hebbian_brain as hb

    code = main(
        [
            "train",
            "--env",
            "FrozenLake-v1",
            "--episodes",
            "20",
            "--seed",
            "1",
            "--dot",
            str(tmp_path / "b.dot"),
            "--curve",
            str(tmp_path / "c.png"),
            "--save",
            str(tmp_path / "agent.hb"),
            "--quiet",
        ]
    )
    assert code == 0
    assert "trained 20 episodes" in capsys.readouterr().out
    assert len(hb.Agent.load(tmp_path / "agent.hb").history) == 20
    assert (tmp_path / "c.png").exists() and (tmp_path / "b.dot").exists()


def test_train_box_observations_with_the_experience_agent_or_bins(tmp_path, capsys):
    out = tmp_path / "cp.hb"
    argv = ["train", "--env", "CartPole-v1", "--episodes", "40", "--quiet", "--save", str(out)]
    assert main([*argv, "--png", str(tmp_path / "cp.png")]) == 0
    text = capsys.readouterr().out
    assert "trained 40 episodes" in text and "planned" in text  # the experience agent's summary
    assert type(hb.Agent.load(out)) is hb.ExperienceAgent
    assert (tmp_path / "cp.png").stat().st_size > 10_000
    assert main([*argv, "--bins", "6"]) == 0
    assert "synapses" in capsys.readouterr().out
    assert type(hb.Agent.load(out)) is hb.Agent


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--env", "NoSuchEnv-v0", "--episodes", "3"], "NoSuchEnv"),
        (["train", "--env", "Pendulum-v1", "--episodes", "3"], "discrete actions"),
        (["train", "--env", "hebbian_brain/Chain-v0", "--episodes", "0"], "--episodes"),
    ],
)
def test_bad_arguments_exit_with_a_message(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_missing_required_argument_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["train", "--episodes", "3"])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("flag", "name", "message"),
    [
        ("--curve", "curve.unknownext", "unknown file type"),
        ("--dot", "brain.png", "unknown file type"),
        ("--save", "blocker/x.hb", "is not a folder"),
        ("--save", ".", "is a folder"),
    ],
)
def test_bad_output_paths_fail_before_training(tmp_path, capsys, monkeypatch, flag, name, message):
    (tmp_path / "blocker").write_text("a file, not a folder")
    monkeypatch.chdir(tmp_path)
    trained = []
    monkeypatch.setattr(hb.Agent, "learn", lambda *a, **k: trained.append(1))
    argv = ["train", "--env", "hebbian_brain/Chain-v0", "--episodes", "2", "--quiet"]
    assert main([*argv, flag, name]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not trained, "the paths are checked before training"


def test_a_failed_write_after_training_is_a_message_not_a_traceback(tmp_path, capsys, monkeypatch):
    def fail(self, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(hb.Agent, "save", fail)
    argv = ["train", "--env", "hebbian_brain/Chain-v0", "--episodes", "2", "--quiet"]
    assert main([*argv, "--save", str(tmp_path / "new" / "x.hb")]) == 2
    assert "No space left" in capsys.readouterr().err


def test_save_creates_missing_folders(tmp_path, capsys):
    argv = ["train", "--env", "hebbian_brain/Chain-v0", "--episodes", "2", "--quiet"]
    assert main([*argv, "--save", str(tmp_path / "new" / "x.hb")]) == 0
    assert (tmp_path / "new" / "x.hb").exists()


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"hebbian-brain {hb.__version__}\n"
    assert hb.__version__ == importlib.metadata.version("hebbian_brain")


def test_the_console_script_prints_the_version():
    import subprocess
    import sys

    # the installed `hebbian-brain` script sits beside the interpreter of this environment
    script = shutil.which("hebbian-brain", path=os.path.dirname(sys.executable))
    argv = [script] if script else [sys.executable, "-m", "hebbian_brain.cli"]
    done = subprocess.run([*argv, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"hebbian-brain {hb.__version__}"


def test_the_greedy_return_is_a_mean_over_many_episodes_with_its_standard_error(capsys):
    # Slippery FrozenLake: one greedy episode is 0 or 1; the mean over 200 is neither.
    code = main(
        [
            "train",
            "--env",
            "FrozenLake-v1",
            "--episodes",
            "300",
            "--seed",
            "0",
            "--quiet",
            "--eval-episodes",
            "200",
        ]
    )
    assert code == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("greedy return"))
    assert "over 200 episodes" in line
    mean = float(line.split(":")[1].split("+/-")[0])
    sem = float(line.split("+/-")[1].split()[0])
    assert 0.0 < mean < 1.0 and 0.0 < sem < 0.05


def test_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = capsys.readouterr().out
    assert "(default: 100)" in out and "(default: 0.0)" in out
    assert "(default: None)" not in out and "(default: False)" not in out
