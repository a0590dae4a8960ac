"""Who "me" is: the person being cloned, named by one or more aliases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from clone.errors import CloneError
from clone.messages import Kind, Message


def sender_counts(messages: Iterable[Message]) -> Counter[str]:
    """Messages per sender, people only (system lines have no sender)."""
    return Counter(m.sender for m in messages if m.sender is not None and m.kind is not Kind.SYSTEM)


def format_senders(counts: Counter[str], limit: int = 30) -> str:
    rows = [f"  {count:>7}  {name}" for name, count in counts.most_common(limit)]
    if len(counts) > limit:
        rows.append(f"  ... and {len(counts) - limit} more")
    return "\n".join(rows)


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def resolve_me(messages: Sequence[Message], aliases: Sequence[str]) -> set[str]:
    """The sender names that are "me", or a clear error listing who is there to choose from."""
    counts = sender_counts(messages)
    wanted = {_key(a) for a in aliases}
    me = {name for name in counts if _key(name) in wanted}
    if me:
        return me
    why = f"None of --me {', '.join(aliases)} matches a sender." if aliases else "Who should be cloned?"
    hint = f"{why} Pick who to clone with --me NAME (repeat --me for aliases). Senders found:"
    raise CloneError(f"{hint}\n{format_senders(counts)}")
