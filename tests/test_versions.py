"""Continual learning: every training run is a numbered version with its lineage; `--continue` trains the current
adapter on the new samples plus a replayed share of the old; `clone use N` rolls back."""

from __future__ import annotations

import subprocess
import sys

import pytest

from clone.dataset.build import DatasetOptions, build_dataset
from clone.errors import CloneError
from clone.recipes import Recipe
from clone.training import read_run, train
from clone.versions import list_versions, use_version
from clone.workspace import Workspace
from tests.test_training import _history


def test_continue_trains_on_new_samples_and_versions_roll_back(tiny_model, tmp_path):
    workspace = Workspace(tmp_path / "ws")
    history = _history()  # 12 days of chats with Sam, one conversation a day
    recipe = Recipe(model=str(tiny_model), max_steps=2, batch_size=2, max_length=128, replay_share=0.5)
    build_dataset(history[:30], "Maya", workspace, DatasetOptions(test_fraction=0))  # the first 6 days
    first = train(workspace, recipe, show_progress=False)
    assert first.run["version"] == 1 and not first.run["continued"] and first.run["samples"] == 6

    build_dataset(history, "Maya", workspace, DatasetOptions(test_fraction=0))  # a newer export: 6 more days
    second = train(workspace, recipe, continue_training=True, show_progress=False)
    run = second.run
    assert (run["version"], run["parent"], run["continued"]) == (2, 1, True)
    assert (run["new_samples"], run["replayed_samples"], run["samples"]) == (6, 3, 9)
    assert len(run["trained_samples"]) == 12

    with pytest.raises(CloneError, match="no new samples since version 2"):
        train(workspace, recipe, continue_training=True, show_progress=False)

    kept = list_versions(workspace)
    assert [(v.number, v.parent, v.continued, v.current) for v in kept] == [(1, None, False, False), (2, 1, True, True)]
    use_version(1, workspace)
    assert read_run(workspace)["version"] == 1 and [v.current for v in list_versions(workspace)] == [True, False]
    with pytest.raises(CloneError, match="no version 7"):
        use_version(7, workspace)

    listed = subprocess.run(
        [sys.executable, "-m", "clone", "versions", "-w", str(workspace.root)], capture_output=True, text=True
    )
    assert listed.returncode == 0 and "v1 (continued)" in listed.stdout, listed.stderr
    used = subprocess.run(
        [sys.executable, "-m", "clone", "use", "2", "-w", str(workspace.root)], capture_output=True, text=True
    )
    assert used.returncode == 0 and "now v2" in used.stdout and read_run(workspace)["version"] == 2
