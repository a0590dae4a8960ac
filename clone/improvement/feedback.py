"""The person's own feedback on the clone, collected by `clone talk --feedback` and kept in the workspace.

One JSON object per line in ``feedback.jsonl``, each with the ``context`` the clone saw (system prompt and
conversation so far) and one of:

- ``{"reply": ..., "rating": 1 | -1}``: a thumbs up or down;
- ``{"chosen": ..., "rejected": ...}``: the better of two replies, or what the person would really have said
  (``"edited": true``) against the clone's reply.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clone.errors import CloneError
from clone.workspace import Workspace, write_text_atomic


def feedback_file(workspace: Workspace) -> Path:
    return workspace.root / "feedback.jsonl"


def read_feedback(workspace: Workspace) -> list[dict[str, Any]]:
    path = feedback_file(workspace)
    if not path.exists():
        return []
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CloneError(f"{path}:{number}: not a JSON line ({error.msg})") from None
        if "context" not in record or not (
            {"reply", "rating"} <= record.keys() or {"chosen", "rejected"} <= record.keys()
        ):
            raise CloneError(f"{path}:{number}: a feedback line needs context and reply+rating or chosen+rejected")
        records.append(record)
    return records


def add_feedback(workspace: Workspace, record: dict[str, Any]) -> None:
    """Append one record; the file is rewritten whole and renamed over, so a crash never leaves half a line."""
    lines = [json.dumps(r, ensure_ascii=False) for r in read_feedback(workspace)]
    lines.append(json.dumps(record, ensure_ascii=False))
    write_text_atomic(feedback_file(workspace), "\n".join(lines) + "\n")


def rating(context: list[dict[str, str]], reply: str, good: bool) -> dict[str, Any]:
    return {"context": context, "reply": reply, "rating": 1 if good else -1}


def preference(context: list[dict[str, str]], chosen: str, rejected: str, *, edited: bool = False) -> dict[str, Any]:
    return {"context": context, "chosen": chosen, "rejected": rejected, "edited": edited}
