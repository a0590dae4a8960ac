"""Several processes: `clone train --launch 2` trains with DDP (gloo on CPU) and writes one clone."""

from __future__ import annotations

import json
import subprocess
import sys

import yaml

from clone.dataset.build import DatasetOptions, build_dataset
from clone.workspace import Workspace
from tests.test_training import _history


def test_two_process_cpu_launch(tiny_model, tmp_path):
    workspace = Workspace(tmp_path / "ws")
    build_dataset(_history(), ["Maya"], workspace, DatasetOptions(test_fraction=0.2))
    recipe = tmp_path / "tiny.yaml"
    recipe.write_text(
        yaml.safe_dump(
            {
                "model": str(tiny_model),
                "max_steps": 4,
                "batch_size": 2,
                "max_length": 128,
                "logging_steps": 1,
                "learning_rate": 0.005,
            }
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "clone",
            "train",
            "--launch",
            "2",
            "--recipe",
            str(recipe),
            "--workspace",
            str(workspace.root),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads((workspace.model / "run.json").read_text())
    assert run["world_size"] == 2
    assert run["heldout_loss_after"] < run["heldout_loss_before"]
    printed = [line for line in result.stderr.splitlines() if line.startswith("step ")]
    assert [line.split()[1] for line in printed] == ["1/4", "2/4", "3/4", "4/4"]  # one process reports
    assert result.stdout.count("saved the clone") == 1
