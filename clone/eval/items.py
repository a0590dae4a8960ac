"""What is evaluated: every reply of the person in the held-out split, with everything said before it.

A held-out sample is one conversation in the "messages" format. Each of its assistant turns is one item:
the context is the system prompt and every message before that turn, the real reply is the turn itself.
The training split gives the authorship classifier its examples and the retrieval baseline its memory.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from clone.errors import CloneError
from clone.workspace import Workspace

_SPEAKER = re.compile(r"^[^:\n]{1,60}: ")  # "Priya Raman: " before each line of a group chat's user turn


@dataclass(frozen=True)
class Item:
    sample: int  # index of the conversation in the split
    turn: int  # index of the reply in the conversation's messages
    context: list[dict[str, str]]  # system prompt and the messages before the reply
    real: str  # what the person actually wrote

    @property
    def last_user(self) -> str | None:
        """The last thing someone else said before the reply (None when the person opened the conversation)."""
        return next((m["content"] for m in reversed(self.context) if m["role"] == "user"), None)

    @property
    def system(self) -> str:
        return self.context[0]["content"] if self.context and self.context[0]["role"] == "system" else ""


def items_of(rows: list[dict[str, Any]]) -> list[Item]:
    """Every assistant turn of every sample, in order."""
    found = []
    for s, row in enumerate(rows):
        messages = row["messages"]
        for t, message in enumerate(messages):
            if message["role"] == "assistant" and message["content"].strip():
                found.append(Item(s, t, [dict(m) for m in messages[:t]], message["content"]))
    return found


Chosen = TypeVar("Chosen")


def choose(items: list[Chosen], limit: int | None, seed: int) -> list[Chosen]:
    """At most ``limit`` items, drawn with ``seed`` and kept in dataset order (None or 0: all of them)."""
    if not limit or len(items) <= limit:
        return list(items)
    keep = sorted(random.Random(seed).sample(range(len(items)), limit))
    return [items[i] for i in keep]


def other_texts(rows: list[dict[str, Any]]) -> list[str]:
    """What everyone else wrote, one text per person per turn: group lines lose their "Name: " prefix, and
    quoted older messages ("> ...") are left out because they may be the person's own words."""
    texts = []
    for row in rows:
        group = ' group "' in (row["messages"][0]["content"] if row["messages"] else "")
        for message in row["messages"]:
            if message["role"] != "user":
                continue
            lines = [line for line in message["content"].split("\n") if line.strip() and not line.startswith(">")]
            if group:
                texts += [_SPEAKER.sub("", line, count=1) for line in lines]
            elif lines:
                texts.append("\n".join(lines))
    return [t for t in texts if t.strip()]


def without_memory_text(system: str) -> str:
    """A system prompt without the memory block that clone.dataset.samples.system_prompt appends."""
    from clone.memory.block import HEADER

    return system.split(f"\n\n{HEADER}", 1)[0]


def has_memory(rows: list[dict[str, Any]]) -> bool:
    """Whether the samples carry memory blocks (the dataset was built with `--memory-tokens`)."""
    return any(_system(row) != without_memory_text(_system(row)) for row in rows)


def without_memory(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The samples as a clone without memory sees them: every system prompt without its memory block."""
    return [
        {
            **row,
            "messages": [
                {**m, "content": without_memory_text(m["content"])} if m["role"] == "system" else m
                for m in row["messages"]
            ],
        }
        for row in rows
    ]


def _system(row: dict[str, Any]) -> str:
    messages = row["messages"]
    return messages[0]["content"] if messages and messages[0]["role"] == "system" else ""


def load_splits(workspace: Workspace) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The training and held-out samples of the workspace dataset."""
    from clone.dataset import load_dataset_dict

    data = load_dataset_dict(workspace)
    if "test" not in data or len(data["test"]) == 0:
        raise CloneError(
            f"{workspace.root}: the dataset has no held-out conversations; import again with test_fraction above 0 "
            "(`clone import --test-fraction`)"
        )
    if "train" not in data:
        raise CloneError(f"{workspace.root}: the dataset has no training split")
    return data["train"].to_list(), data["test"].to_list()
