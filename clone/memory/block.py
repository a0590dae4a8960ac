"""The memory block: the few lines of memory the clone is told, within a token budget.

Training samples and `clone talk` both build it here, from the same scope, so the clone sees at inference
what it learned to use in training. It goes into the system prompt (clone.dataset.samples.system_prompt).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clone.dataset.conversations import Conversation
from clone.dataset.samples import Context, context_of
from clone.memory.search import Fact, Hit, known_facts, query_words, retrieve, unaccented
from clone.memory.store import Memory

HEADER = "From your earlier chats (use only what fits):"
LINE_CHARS = 200  # a snippet line longer than this is cut
SNIPPET_LINES = 3  # the best-matching line and its neighbours
MAX_FACTS = 6


@dataclass
class Recall:
    """What the clone is told (``block``) and the items it came from, for `--show-memory` and `clone memory search`."""

    block: str = ""
    facts: list[Fact] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)


def readers(context: Context) -> list[str]:
    """Who will read the reply: the partner, or everyone else in a group."""
    return list(context.members) if context.group else [context.partner] if context.partner else []


def snippet(hit: Hit, query: str) -> list[str]:
    """The lines of an earlier conversation that best match the query, with a line either side."""
    lines = hit.text.split("\n")
    wanted = {unaccented(w) for w in query_words(query)}  # compared as the index compares them
    overlap = [len(wanted & {unaccented(w) for w in re.findall(r"\w+", line.lower())}) for line in lines]
    best = max(range(len(lines)), key=lambda i: overlap[i]) if any(overlap) else 0
    start = max(0, min(best - 1, len(lines) - SNIPPET_LINES))
    return [
        line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"
        for line in lines[start : start + SNIPPET_LINES]
    ]


def heading(hit: Hit) -> str:
    where = f'in "{hit.chat}"' if hit.is_group else f"with {', '.join(hit.people) or hit.chat}"
    return f"Earlier {where}, {hit.start.day} {hit.start:%B %Y}:"


def recall(
    memory: Memory,
    context: Context,
    query: str,
    before: datetime | None,
    budget_tokens: int,
    count_tokens: Callable[[str], int],
    scope: str = "contact",
    k: int = 3,
) -> Recall:
    """Facts first (short, often useful), then snippets of the most relevant earlier conversations, each piece
    added whole while the block stays within ``budget_tokens``."""
    people = readers(context)
    facts = known_facts(memory, people, before, scope)[:MAX_FACTS]
    hits = retrieve(memory, people, query, before, scope, k)
    lines: list[str] = [HEADER]
    used = Recall()
    used.facts = largest_prefix(facts, lambda some: fits([*lines, fact_line(some)], budget_tokens, count_tokens))
    if used.facts:
        lines.append(fact_line(used.facts))
    for hit in hits:
        piece = [heading(hit), *snippet(hit, query)]
        if fits([*lines, *piece], budget_tokens, count_tokens):
            lines += piece
            used.hits.append(hit)
    if len(lines) > 1:
        used.block = "\n".join(lines)
    return used


def fact_line(facts: Sequence[Fact]) -> str:
    return "About you: " + "; ".join(f.text for f in facts) + "."


def largest_prefix(items: Sequence, ok: Callable[[Sequence], bool]) -> list:
    for n in range(len(items), 0, -1):
        if ok(items[:n]):
            return list(items[:n])
    return []


def fits(lines: Sequence[str], budget_tokens: int, count_tokens: Callable[[str], int]) -> bool:
    return count_tokens("\n".join(lines)) <= budget_tokens


def memory_block(*args: Any, **kwargs: Any) -> str:
    """The block the clone is told for a reply (`recall`'s arguments), "" when nothing in scope is relevant."""
    return recall(*args, **kwargs).block


def others_said(conversation: Conversation) -> str:
    """The retrieval query for a conversation: what the other people say in it (never the person's replies,
    which the model must learn to write, not look up)."""
    return "\n".join(t.text for t in conversation.turns if not t.is_me)


def recall_for(
    memory: Memory,
    conversation: Conversation,
    me: str,
    contacts: dict[str, str],
    budget_tokens: int,
    count_tokens: Callable[[str], int],
) -> Recall:
    """A training sample's memory: retrieved with what the others say in it, from conversations that ended
    before it began."""
    context = context_of(conversation, me, contacts)
    return recall(memory, context, others_said(conversation), conversation.start, budget_tokens, count_tokens)
