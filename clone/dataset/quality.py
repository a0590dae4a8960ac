"""What is not worth learning from: forwarded chains and copy-pastes, walls of text, other languages.

Filters never rewrite anyone's text: a message is kept as it is or dropped with a reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from clone.dataset.conversations import Conversation
from clone.messages import Kind, Message

COPY = "forwarded or copy-pasted text seen before"
TOO_LONG = "longer than max_turn_chars"
OTHER_LANGUAGE = "conversation not in the chosen languages"


def drop_copies(messages: Sequence[Message], min_chars: int, dropped: Counter[str]) -> list[Message]:
    """Keep the first occurrence of each long text: chain messages and pasted blocks repeat verbatim,
    and a clone trained on them would learn to forward spam."""
    seen: set[str] = set()
    kept = []
    for m in messages:
        key = " ".join(m.text.split())
        if m.kind is Kind.TEXT and len(key) >= min_chars:
            if key in seen:
                dropped[COPY] += 1
                continue
            seen.add(key)
        kept.append(m)
    return kept


def drop_long(messages: Sequence[Message], max_chars: int, dropped: Counter[str]) -> list[Message]:
    """A wall of text (a pasted article, a log) is not how the person chats; it would also crowd out
    every other turn in a sample."""
    kept = []
    for m in messages:
        if len(m.text) > max_chars:
            dropped[TOO_LONG] += 1
        else:
            kept.append(m)
    return kept


def conversation_language(conversation: Conversation) -> str:
    """The language the person writes in, in this conversation (ISO 639-1, from py3langid)."""
    import py3langid

    mine = [t.text for t in conversation.turns if t.is_me] or [t.text for t in conversation.turns]
    return py3langid.classify("\n".join(mine))[0]


def keep_languages(
    conversations: Sequence[Conversation], languages: Sequence[str], dropped: Counter[str]
) -> list[Conversation]:
    if not languages:
        return list(conversations)
    wanted = {code.lower() for code in languages}
    kept = [c for c in conversations if conversation_language(c) in wanted]
    dropped[OTHER_LANGUAGE] += len(conversations) - len(kept)
    return kept
