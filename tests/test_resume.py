"""Kill a training run mid-way, resume it, and get the same clone as a run that never stopped."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
import yaml

from clone.dataset.build import DatasetOptions, build_dataset
from clone.errors import CloneError
from clone.recipes import Recipe
from clone.training import train
from clone.workspace import Workspace
from tests.test_training import _history

MAX_STEPS, SAVE_STEPS = 12, 3


def _workspace(path, tiny_model) -> tuple[Workspace, Recipe]:
    workspace = Workspace(path)
    build_dataset(_history(), ["Maya"], workspace, DatasetOptions(test_fraction=0.2))
    recipe = Recipe(
        model=str(tiny_model),
        max_steps=MAX_STEPS,
        batch_size=2,
        learning_rate=5e-3,
        max_length=128,
        logging_steps=1,
        save_steps=SAVE_STEPS,
        packing=False,
    )
    return workspace, recipe


# `clone train` with each step slowed down a little, so the kill lands mid-run, after a checkpoint and before the end.
SLOWED_CLI = """
import sys, time
import clone.progress
make = clone.progress.training_callback
def slowed():
    callback = make()
    step_end = callback.on_step_end
    def on_step_end(*args, **kwargs):
        time.sleep(0.3)
        return step_end(*args, **kwargs)
    callback.on_step_end = on_step_end
    return callback
clone.progress.training_callback = slowed
from clone.cli import main
sys.argv = ["clone", *sys.argv[1:]]
main()
"""


def _adapter(workspace: Workspace) -> dict:
    from safetensors.torch import load_file

    return load_file(workspace.model / "adapter" / "adapter_model.safetensors")


def test_killed_run_resumes_to_the_same_clone(tiny_model, tmp_path):
    import torch

    workspace, recipe = _workspace(tmp_path / "killed", tiny_model)
    recipe_path = tmp_path / "recipe.yaml"
    recipe_path.write_text(yaml.safe_dump(recipe.to_dict()))
    workspace_args = ["--workspace", str(workspace.root)]
    command = [sys.executable, "-c", SLOWED_CLI, "train", "--recipe", str(recipe_path), *workspace_args]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (workspace.checkpoints / f"checkpoint-{2 * SAVE_STEPS}" / "trainer_state.json").exists():
        assert process.poll() is None, "training ended before it could be killed"
        assert time.time() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (workspace.model / "run.json").exists()

    resumed = subprocess.run(
        [sys.executable, "-m", "clone", "train", "--resume", *workspace_args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    run = json.loads((workspace.model / "run.json").read_text())
    steps = [row["step"] for row in run["log_history"] if "loss" in row]
    assert steps == list(range(1, MAX_STEPS + 1))  # the history of both processes, each step once
    printed = [line.split()[1] for line in resumed.stderr.splitlines() if line.startswith("step ")]
    assert printed[0] == f"{2 * SAVE_STEPS + 1}/{MAX_STEPS}"  # it went on from the checkpoint, not from scratch

    straight, _ = _workspace(tmp_path / "straight", tiny_model)
    train(straight, recipe, show_progress=False)
    resumed_weights, straight_weights = _adapter(workspace), _adapter(straight)
    assert resumed_weights.keys() == straight_weights.keys()
    for name, tensor in straight_weights.items():
        torch.testing.assert_close(resumed_weights[name], tensor, atol=1e-5, rtol=1e-4, msg=name)


def test_resume_without_checkpoint_is_a_clear_error(tiny_model, tmp_path):
    workspace, _ = _workspace(tmp_path, tiny_model)
    with pytest.raises(CloneError, match="no checkpoint to resume from"):
        train(workspace, resume=True, show_progress=False)
