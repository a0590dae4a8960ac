"""Numbered versions of the clone: every `clone train` run is kept as ``versions/vN`` beside the current clone, with
its lineage (parent version, recipe, data, scores) in its run.json. `clone versions` lists them; `clone use N`
makes one the current clone again (a rollback)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clone.errors import CloneError
from clone.workspace import Workspace, atomic_dir, private


@dataclass
class Version:
    number: int
    parent: int | None  # the version a continued run started from
    continued: bool  # trained on from the parent (`clone train --continue`) rather than from the base model
    created: str
    samples: int  # training samples of this run (new + replayed when continued)
    heldout_loss_before: float | None
    heldout_loss_after: float | None
    current: bool  # the one `clone talk` loads now


def folder(workspace: Workspace, number: int) -> Path:
    return workspace.versions / f"v{number}"


def next_number(workspace: Workspace) -> int:
    numbers = [int(p.name[1:]) for p in workspace.versions.glob("v*") if p.name[1:].isdigit()]
    return max(numbers, default=0) + 1


def save_version(workspace: Workspace, number: int) -> Path:
    """Keep the current clone (just trained) as version ``number``."""
    with atomic_dir(folder(workspace, number)) as tmp:
        shutil.copytree(workspace.model, tmp, dirs_exist_ok=True)
    return folder(workspace, number)


def _run(path: Path) -> dict[str, Any]:
    return json.loads((path / "run.json").read_text(encoding="utf-8"))


def current_number(workspace: Workspace) -> int | None:
    return _run(workspace.model).get("version") if (workspace.model / "run.json").exists() else None


def list_versions(workspace: Workspace | None = None) -> list[Version]:
    """Every kept version, oldest first."""
    workspace = workspace or Workspace()
    current = current_number(workspace)
    found = []
    for path in sorted(workspace.versions.glob("v*"), key=lambda p: int(p.name[1:]) if p.name[1:].isdigit() else 0):
        if not (path / "run.json").exists():
            continue
        run = _run(path)
        number = run.get("version", int(path.name[1:]))
        found.append(
            Version(
                number,
                run.get("parent"),
                bool(run.get("continued")),
                str(run.get("created", "")),
                int(run.get("samples", 0)),
                run.get("heldout_loss_before"),
                run.get("heldout_loss_after"),
                number == current,
            )
        )
    return found


@private
def use_version(number: int, workspace: Workspace | None = None) -> Version:
    """Make version ``number`` the current clone (what `clone talk`, eval, export and serve load)."""
    workspace = workspace or Workspace()
    source = folder(workspace, number)
    if not (source / "run.json").exists():
        known = ", ".join(f"v{v.number}" for v in list_versions(workspace)) or "none yet"
        raise CloneError(f"{workspace.root}: no version {number} (kept: {known})")
    with atomic_dir(workspace.model) as tmp:
        shutil.copytree(source, tmp, dirs_exist_ok=True)
    return next(v for v in list_versions(workspace) if v.number == number)
