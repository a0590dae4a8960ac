"""The shared text rules: emoji found whole (via the emoji package), and one placeholder pattern for everything the
redactor writes."""

from __future__ import annotations

import pytest

from clone.dataset.redact import Redactor
from clone.improvement.rewards import Voice, placeholders
from clone.text import PLACEHOLDER, ends_with_emoji, find_emoji, has_emoji, leading_emoji


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("flags 🇩🇪🇯🇵 and 🏴󠁧󠁢󠁳󠁣󠁴󠁿", ["🇩🇪", "🇯🇵", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"]),  # regional-indicator pairs, a tag sequence
        ("keycaps 1️⃣ #️⃣ 2⃣ but not 3 or #", ["1️⃣", "#️⃣", "2⃣"]),
        ("zwj 🧗\u200d♀️ 👨\u200d👩\u200d👧 👩🏽\u200d🚀", ["🧗\u200d♀️", "👨\u200d👩\u200d👧", "👩🏽\u200d🚀"]),
        ("not listed by Unicode but joined: 👍\u200d🧗", ["👍\u200d🧗"]),
        ("tones 👍🏽👋🏿", ["👍🏽", "👋🏿"]),
        ("hearts ❤️ ❤ ✌ ☺", ["❤️", "❤", "✌", "☺"]),  # a bare symbol from U+2600 on is an emoji
        ("typography © ® ™ ‼ a↔b ▪ but ©️ is one", ["©️"]),  # below U+2600 only with the selector
        ("plain text, 2 + 2 = 4 #tags *stars*", []),
    ],
)
def test_find_emoji(text, expected):
    assert find_emoji(text) == expected
    assert has_emoji(text) == bool(expected)


def test_leading_and_trailing_emoji():
    assert leading_emoji("🧗\u200d♀️ later!") == "🧗\u200d♀️" and leading_emoji("later 🧗") == ""
    assert ends_with_emoji("NO WAY!!! 🧗\u200d♀️") and ends_with_emoji("ok 😭\ufe0f  ")
    assert not ends_with_emoji("😭 ok") and not ends_with_emoji("") and not ends_with_emoji("(c) ©")


def test_placeholder_pattern_finds_every_placeholder_the_redactor_writes():
    redactor = Redactor()
    texts = [
        "see https://www.Example.com:8080/party?x=1 and mail sam.okafor@example.org, or call +44 7700 900123!",
        "router at http://192.168.1.10/admin, also 07700 900456 and sam.okafor@example.org again",
    ]
    kinds = set()
    for text in texts:
        redacted, spans = redactor.redact(text), redactor.spans(text)
        written = [redactor.placeholder(span.kind, text[span.start : span.end]) for span in spans]
        kinds |= {span.kind for span in spans}
        assert PLACEHOLDER.findall(redacted) == written
        assert PLACEHOLDER.split(redacted) == outside(text, spans)  # the pattern takes nothing the redactor kept
    assert kinds >= {"URL", "EMAIL", "PHONE"}
    assert "<URL_1:example.com>" in redactor.redact(texts[0])  # the kind the GRPO reward used to miss


def outside(text: str, spans) -> list[str]:
    """The pieces of ``text`` around the spans."""
    pieces, pos = [], 0
    for span in spans:
        pieces.append(text[pos : span.start])
        pos = span.end
    return [*pieces, text[pos:]]


def test_placeholder_pattern_leaves_other_angle_brackets():
    assert PLACEHOLDER.findall("<b>hi</b> <3 <URL_1: x> <url_1> <PHONE_> <NAME_12>") == ["<NAME_12>"]


def test_grpo_placeholder_reward_sees_url_placeholders():
    reward = placeholders(Voice(replies=["ok"], others=["hm"]))
    replies = ["look <URL_1:example.com>", "call <PHONE_1>", "look at this"]
    assert reward([[]] * 3, [[{"role": "assistant", "content": r}] for r in replies]) == [-1.0, -1.0, 0.0]
