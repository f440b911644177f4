"""A stable-baselines3 training script, unchanged except for the model class.

Build the model with its environment, train with an EvalCallback (best model saved, training
stopped at the optimal return) and a CSV + TensorBoard logger, evaluate with an
``evaluate_policy`` loop, save, load with ``env=``, and continue training. With SB3 the first
line of ``main`` would be ``model = DQN("MlpPolicy", env)``; everything after it is the same.

    python examples/sb3_style.py [OUT_DIR]
"""

import sys
import tempfile
from pathlib import Path

import gymnasium as gym

import hebbian_brain as hb
from hebbian_brain.callbacks import EvalCallback, StopTrainingOnRewardThreshold
from hebbian_brain.logger import configure

# hyperparameters
SEED = 0
ENV_ID = "FrozenLake-v1"
ENV_KWARGS = {"is_slippery": False}
TOTAL_TIMESTEPS = 20_000
EVAL_FREQ = 500


def main(out: Path) -> float:
    env = gym.make(ENV_ID, **ENV_KWARGS)
    eval_env = gym.make(ENV_ID, **ENV_KWARGS)
    model = hb.Agent(env, seed=SEED)

    formats = ["stdout", "csv"]
    try:
        import tensorboardX  # noqa: F401

        formats.append("tensorboard")
    except ImportError:
        print("tensorboardX is not installed: no TensorBoard output")
    model.set_logger(configure(out / "logs", formats))

    stop = StopTrainingOnRewardThreshold(reward_threshold=1.0, verbose=1)
    eval_callback = EvalCallback(
        eval_env,
        callback_on_new_best=stop,
        eval_freq=EVAL_FREQ,
        n_eval_episodes=5,
        best_model_save_path=out / "best",
        log_path=out / "eval",
        deterministic=True,
    )
    model.learn(total_timesteps=TOTAL_TIMESTEPS, callback=eval_callback, log_interval=50)

    # evaluate_policy-style loop
    episode_returns = []
    for _ in range(10):
        obs, _ = eval_env.reset()
        done, total = False, 0.0
        while not done:
            action, _ = model.predict(obs, deterministic=True)
            obs, reward, terminated, truncated, _ = eval_env.step(int(action))
            total += float(reward)
            done = terminated or truncated
        episode_returns.append(total)
    mean_return = sum(episode_returns) / len(episode_returns)
    print(f"after {model.num_timesteps} steps: mean greedy return {mean_return:.3f}")

    model.save(out / "agent.hb")
    del model
    model = hb.Agent.load(out / "agent.hb", env=env)
    model.learn(total_timesteps=1_000, reset_num_timesteps=False)
    mean, std = hb.evaluate_policy(model, eval_env, n_eval_episodes=10)
    print(f"reloaded and trained on: {model.num_timesteps} steps, return {mean:.3f} +/- {std:.3f}")
    return mean


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()))
