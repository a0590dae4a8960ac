"""Preference pairs in trl's conversational format: {"prompt": messages, "chosen": [reply], "rejected": [reply]}.

Two sources: self-play (the person's real reply beats what the clone said in the same context, the SPIN idea)
and the person's own feedback from `clone talk --feedback` (a pick between two replies, an edit that says what
they would really have written, or good and bad ratings in the same context).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clone.eval.items import Item

Pair = dict[str, Any]


def _reply(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def pair(context: list[dict[str, str]], chosen: str, rejected: str) -> Pair:
    return {"prompt": context, "chosen": _reply(chosen), "rejected": _reply(rejected)}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def self_play_pairs(items: Sequence[Item], generated: Sequence[str]) -> list[Pair]:
    """The real reply (chosen) against the clone's (rejected), for every context where they differ: a clone
    that already says what the person said has nothing to learn there."""
    if len(items) != len(generated):
        raise ValueError("one generated reply per item")
    return [
        pair(item.context, item.real, fake)
        for item, fake in zip(items, generated, strict=True)
        if not _same(item.real, fake)
    ]


def feedback_pairs(records: Sequence[dict[str, Any]]) -> list[Pair]:
    """Pairs from feedback records (see clone.improvement.feedback): picks and edits give a pair each; ratings pair
    every good reply with every bad one given in the same context."""
    pairs: list[Pair] = []
    rated: dict[str, tuple[list[dict[str, str]], list[str], list[str]]] = {}
    for record in records:
        context = record["context"]
        if "chosen" in record:  # a pick or an edit
            if not _same(record["chosen"], record["rejected"]):
                pairs.append(pair(context, record["chosen"], record["rejected"]))
            continue
        key = repr(context)
        _, good, bad = rated.setdefault(key, (context, [], []))
        (good if record["rating"] > 0 else bad).append(record["reply"])
    for context, good, bad in rated.values():
        pairs += [pair(context, g, b) for g in good for b in bad if not _same(g, b)]
    return pairs
