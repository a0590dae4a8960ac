"""Text rules shared by `clone inspect`, the style metrics and the GRPO rewards: what counts as an emoji, and what
a redaction placeholder looks like. Plain text in, plain data out (no HTML, no terminal)."""

from __future__ import annotations

import re

import emoji

# Every placeholder the redactor writes (clone/dataset/redact.py): <EMAIL_1>, <PHONE_2>, <NAME_3>, and URLs with
# the host they keep, <URL_1:example.com> (or <URL_4> for an IP address).
PLACEHOLDER = re.compile(r"<[A-Z]+(?:_[A-Z]+)*_\d+(?::[^>\s]+)?>")

# Below the Miscellaneous Symbols block (U+2600) the symbols that can be emoji are typography first: ©, ®, ™,
# ‼, arrows, ▪. Typed alone they are text; only with the emoji variation selector (©️) are they emoji. From
# U+2600 on (❤, ☺, ✌, 🕊) a bare symbol counts: chat keyboards often send them without the selector.
_TYPOGRAPHY_END = 0x2600
_UNQUALIFIED = emoji.STATUS["unqualified"]
# Most chat messages hold no emoji: a text without any emoji's first non-ASCII code point is ruled out fast (a
# keycap, 1️⃣, starts with an ASCII digit but always holds U+20E3).
_STARTS = frozenset(e[0] for e in emoji.EMOJI_DATA if not e[0].isascii()) | {"\u20e3"}


def _matches(text: str) -> list[emoji.EmojiMatch]:
    """The emoji in ``text`` with their positions; ZWJ sequences (🧗‍♀️, 👨‍👩‍👧), flags, keycaps and skin tones
    stay whole, and so do sequences Unicode does not list (joined with ZWJ all the same)."""
    if _STARTS.isdisjoint(text):
        return []
    return [token.value for token in emoji.analyze(text, join_emoji=True) if not _is_typography(token.value)]


def _is_typography(match: emoji.EmojiMatch) -> bool:
    data = match.data or {}
    return len(match.emoji) == 1 and ord(match.emoji) < _TYPOGRAPHY_END and data.get("status") == _UNQUALIFIED


def find_emoji(text: str) -> list[str]:
    """Every emoji in ``text``, in order, as written (❤️ keeps its variation selector, ❤ has none)."""
    return [m.emoji for m in _matches(text)]


def has_emoji(text: str) -> bool:
    return bool(_matches(text))


def leading_emoji(text: str) -> str:
    """The emoji ``text`` starts with, or ""."""
    found = _matches(text)
    return found[0].emoji if found and found[0].start == 0 else ""


def ends_with_emoji(text: str) -> bool:
    """Whether the last thing in ``text`` (after trailing spaces and variation selectors) is an emoji."""
    found = _matches(text)
    return bool(found) and not text[found[-1].end :].strip().strip("\ufe0e\ufe0f")
