"""`clone forget PERSON`: the person leaves the raw store, the dataset, the memory and the feedback, stays out of
later rebuilds, and the result says what still learnt from them."""

from __future__ import annotations

import json
import subprocess
import sys

from clone.dataset.build import DatasetOptions, build_dataset, load_dataset_dict
from clone.forgetting import forget
from clone.improvement.feedback import add_feedback, rating
from clone.memory import build_memory, open_memory, retrieve
from clone.memory.store import Decisions
from clone.workspace import Workspace
from tests.test_memory import T0, history


def everything_said(workspace: Workspace) -> str:
    from datasets import load_from_disk

    rows = list(load_from_disk(str(workspace.messages)))
    samples = [s for split in load_dataset_dict(workspace).values() for s in split]
    return json.dumps([rows, samples], default=str)


def test_forget_removes_a_person_everywhere(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    build_dataset(history(), "Maya", workspace, DatasetOptions(test_fraction=0.2))
    build_memory(workspace, semantic=False)
    add_feedback(workspace, rating([{"role": "user", "content": "Sam: climbing?"}], "yes!", good=True))
    add_feedback(workspace, rating([{"role": "user", "content": "Priya: hi"}], "hey", good=True))
    assert "Sam" in everything_said(workspace)

    result = forget("sam", workspace)  # any case
    assert result.messages > 0 and result.samples > 0 and result.memories > 0 and result.feedback == 1
    said = everything_said(workspace)
    assert '"sender": "Sam"' not in said and '"chat": "Sam"' not in said and "Sam:" not in said
    assert "Priya" in said  # the others stay
    assert retrieve(open_memory(workspace), "Sam", "climbing trip", before=T0.replace(year=2030)) == []
    assert "Sam" not in (workspace.root / "feedback.jsonl").read_text()
    assert [p.casefold() for p in Decisions.load(workspace).forgotten_people] == ["sam"]
    assert result.retrain == []  # nothing trained yet

    build_dataset(history(), "Maya", workspace, DatasetOptions(test_fraction=0.2))  # a later import of the same
    samples = [s for split in load_dataset_dict(workspace).values() for s in split]
    assert all(s["chat"] != "Sam" for s in samples) and "Sam:" not in json.dumps(samples)


def test_forget_on_the_command_line_says_what_happened(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    build_dataset(history(), "Maya", workspace, DatasetOptions(test_fraction=0.2))
    run = [sys.executable, "-m", "clone", "forget", "Priya", "--workspace", str(workspace.root)]
    result = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "forgot Priya:" in result.stdout and "messages" in result.stdout
    empty = subprocess.run([*run[:4], "Priya", "--workspace", str(tmp_path / "none")], capture_output=True, text=True)
    assert empty.returncode == 2 and "no dataset here yet" in empty.stderr
