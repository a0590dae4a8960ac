"""The fact probe: does a reply recall what the person said before?

A held-out reply is a probe when it holds *key words*: names, places, numbers or other rare words that the
person wrote in earlier messages (their replies in the training split, which is older than every held-out
conversation) and that the conversation so far does not contain (the partner saying "Lisbon" and the reply
repeating it tests echo, not memory). Rare twice over: in at most ``RARE_SHARE`` of all training messages,
anyone's, and rare in general English, which offline is told by the base model's own tokenizer: a word it
cannot write as one token (after a space, in lower case) was rare in its training text ("mochi", "alfama",
"12th"; not "deal" or "basket"), and of four letters or more (see ``content``). A generated answer recalls
the fact when it contains at least one of the reply's key words (the ``KEY_WORDS`` rarest). Fact recall is the
share of probes recalled.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from clone.eval.items import Item, without_memory_text
from clone.text import PLACEHOLDER

RARE_SHARE = 0.05  # a key word is in at most this share of the training messages
KEY_WORDS = 3  # the rarest key words of a reply; recalling any one of them counts
WORD = re.compile(r"\w+(?:[:.']\w+)*")  # "6:40am", "12th", "gerald's" are one word each


def words(text: str) -> set[str]:
    """The words of a text, casefolded, redaction placeholders left out."""
    return {w.casefold() for w in WORD.findall(PLACEHOLDER.sub(" ", text))}


def content(word: str) -> bool:
    """A word that can carry a fact: a number, or four letters or more that are not a stop word or a
    contraction (short words are mostly chat style: "lol", "omg", "pls")."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    if any(c.isdigit() for c in word):
        return True
    return len(word) >= 4 and "'" not in word and word not in ENGLISH_STOP_WORDS


@dataclass(frozen=True)
class Probe:
    """Per evaluated item, its key words (empty: the item is not a probe)."""

    keys: list[list[str]]

    @property
    def mask(self) -> np.ndarray:
        return np.array([bool(k) for k in self.keys], dtype=bool)

    def recalled(self, replies: Sequence[str]) -> np.ndarray:
        """Per item: whether the reply contains one of its key words (False for items that are not probes)."""
        return np.array([bool(k) and bool(words(r) & set(k)) for k, r in zip(self.keys, replies, strict=True)])

    def statistic(self, replies: Sequence[str]):
        """Fact recall over resampled item indices (None when a resample holds no probe)."""
        hits, mask = self.recalled(replies), self.mask

        def recall(idx: np.ndarray) -> float | None:
            chosen = mask[idx]
            return float(hits[idx][chosen].mean()) if chosen.any() else None

        return recall


def context_words(item: Item) -> set[str]:
    """What the reply could echo: every message before it and the system prompt without its memory block."""
    seen: set[str] = set()
    for message in item.context:
        text = without_memory_text(message["content"]) if message["role"] == "system" else message["content"]
        seen |= words(text)
    return seen


def fact_probe(
    items: Sequence[Item],
    earlier_replies: Iterable[str],
    messages: Sequence[str],
    pieces: Callable[[str], int],
    share: float = RARE_SHARE,
    limit: int = KEY_WORDS,
) -> Probe:
    """Key words of each item's real reply: said by the person in ``earlier_replies``, rare over ``messages``
    (all training messages) and in general (``pieces``: how many tokens the tokenizer writes " word" in; a
    number always counts), absent from the item's context."""
    said = set().union(*(words(r) for r in earlier_replies))
    frequency: Counter[str] = Counter(w for m in messages for w in words(m))
    most = share * max(1, len(messages))
    keys = []
    for item in items:
        found = words(item.real) & said
        found = {
            w
            for w in found - context_words(item)
            if content(w) and frequency[w] <= most and (any(c.isdigit() for c in w) or pieces(w) >= 2)
        }
        keys.append(sorted(found, key=lambda w: (frequency[w], w))[:limit])
    return Probe(keys)
