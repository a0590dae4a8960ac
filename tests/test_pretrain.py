"""The continued pre-training stage (issue 18): documents train the same LoRA with a plain LM loss before SFT, the
stage is recorded in run.json, and a continue run keeps to its base model."""

from __future__ import annotations

import json

import pytest

from clone.dataset.build import DatasetOptions, build_dataset
from clone.documents import DocumentOptions, import_documents, load_documents
from clone.errors import CloneError
from clone.recipes import Recipe, load_recipe
from clone.training import read_run, train
from clone.workspace import Workspace
from tests.test_training import _history

NOTE = (
    "Sunday at the crag. The approach was muddy and the granite was cold, but the second pitch went clean and I "
    "finally trusted my feet on the slab. Mochi slept through the whole thing on the sofa when I got home.\n"
)


def _documents(folder, count: int = 6):
    folder.mkdir()
    for day in range(count):
        (folder / f"2025-0{day + 1}-01 crag.md").write_text(f"# Day {day}\n\n{NOTE * (day + 1)}", encoding="utf-8")
    return folder


def test_pretrain_stage_trains_on_documents_then_sft_and_is_recorded(tiny_model, tmp_path):
    workspace = Workspace(tmp_path / "ws")
    build_dataset(_history(), "Maya", workspace, DatasetOptions(test_fraction=0.2))
    imported = import_documents(_documents(tmp_path / "notes"), workspace, options=DocumentOptions(test_fraction=0.2))
    family = import_documents(_documents(tmp_path / "letters", 2), workspace, author="Grandma Rose")
    assert (imported.added, imported.held_out, family.added, family.held_out) == (6, 1, 2, 0)
    assert {r["split"] for r in load_documents(workspace) if r["author"]} == {"train"}  # family never held out

    recipe = Recipe(model=str(tiny_model), max_steps=2, batch_size=2, max_length=64, pretrain_max_steps=3)
    run = train(workspace, recipe, show_progress=False).run
    stage = run["pretrain"]
    assert (stage["documents"], stage["family_documents"], stage["steps"], stage["heldout_documents"]) == (7, 2, 3, 1)
    assert stage["heldout_document_loss_after"] < stage["heldout_document_loss_before"]
    assert len(run["pretrained_documents"]) == 7 and "document_ids" not in stage
    assert run["heldout_loss_after"] is not None and run["samples"] > 0  # SFT ran on the pre-trained adapter
    saved = json.loads((workspace.model / "run.json").read_text())
    assert saved["recipe"]["pretrain_max_steps"] == 3 and saved["pretrain"]["steps"] == 3

    # a continued run pre-trains only on documents its parent has not seen: none here, so the stage says so
    build_dataset(_history() + _later(), "Maya", workspace, DatasetOptions(test_fraction=0.2))
    continued = train(workspace, recipe, continue_training=True, show_progress=False).run
    assert "no documents that version 1 has not pre-trained on" in continued["pretrain"]["skipped"]


def _later():
    from datetime import timedelta

    return [
        type(m)(m.platform, m.chat, m.sender, m.timestamp + timedelta(days=30), m.text, m.kind, m.file, m.line + 100)
        for m in _history()[:10]
    ]


def test_pretrain_without_documents_is_a_clear_error(tiny_model, tmp_path):
    workspace = Workspace(tmp_path / "ws")
    build_dataset(_history(), "Maya", workspace, DatasetOptions(test_fraction=0))
    with pytest.raises(CloneError, match="no documents to pre-train on; import some first"):
        train(workspace, Recipe(model=str(tiny_model), max_steps=1, pretrain_epochs=1), show_progress=False)


def test_continue_with_another_base_model_is_refused(tiny_model, tmp_path):
    workspace = Workspace(tmp_path / "ws")
    history = _history()
    build_dataset(history[:30], "Maya", workspace, DatasetOptions(test_fraction=0))
    train(workspace, Recipe(model=str(tiny_model), max_steps=1, batch_size=2, max_length=64), show_progress=False)
    build_dataset(history, "Maya", workspace, DatasetOptions(test_fraction=0))
    before = (workspace.model / "run.json").read_bytes()
    with pytest.raises(CloneError, match=r"was trained on .*an adapter fits only its own base model") as error:
        train(workspace, load_recipe(max_steps=1), continue_training=True, show_progress=False)
    assert f"--set model={tiny_model}" in str(error.value)
    assert (workspace.model / "run.json").read_bytes() == before  # nothing lost: the clone is as it was
    # no recipe given: the clone's own recipe goes on, on its own base model
    run = train(workspace, None, continue_training=True, show_progress=False).run
    assert run["continued"] and run["base_model"] == str(tiny_model) and read_run(workspace)["version"] == 2
