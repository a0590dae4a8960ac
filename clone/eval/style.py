"""Style distance between generated replies and the person's real ones, over a set of replies.

Each aspect is a number from 0 (the two sets look the same) to 1 (nothing alike):

- length: the Kolmogorov-Smirnov statistic between the two distributions of reply length in characters;
- emoji: the difference in the share of replies with at least one emoji;
- casing: total variation distance between casing classes (all lowercase, capitalised, shouting, no letters);
- punctuation: total variation distance between how replies end (., !, ?, emoji, a letter, ...) and whether
  they use ! and ? at all;
- openers: total variation distance between the first words;
- vocabulary: the difference in distinct-1 and distinct-2 (unique word n-grams over all n-grams);
- language: total variation distance between the languages (py3langid; replies too short to tell are "short").

The style distance is their mean. Identical sets are at 0 on every aspect.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from clone.text import ends_with_emoji, has_emoji, leading_emoji

ASPECTS = ("length", "emoji", "casing", "punctuation", "openers", "vocabulary", "language")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
MIN_LANGUAGE_LETTERS = 12  # shorter replies ("lol", "ok!!") say nothing about the language


@dataclass(frozen=True)
class Features:
    """What the style aspects need from one reply, computed once so resampling only counts."""

    length: int
    emoji: bool
    casing: str
    ending: str
    marks: str  # "!?", "!", "?" or "": which of ! and ? the reply uses
    opener: str
    words: tuple[str, ...]
    language: str


def features(text: str) -> Features:
    text = text.strip()
    letters = [c for c in text if c.isalpha()]
    words = tuple(w.lower() for w in _WORD.findall(text))
    return Features(
        length=len(text),
        emoji=has_emoji(text),
        casing=_casing(letters),
        ending=_ending(text),
        marks=("!" if "!" in text else "") + ("?" if "?" in text else ""),
        opener=words[0] if words else leading_emoji(text),
        words=words,
        language=_language(text, letters),
    )


def _casing(letters: list[str]) -> str:
    if not letters:
        return "no letters"
    upper = sum(c.isupper() for c in letters)
    if upper == 0:
        return "lowercase"
    if upper == len(letters) and len(letters) >= 3:
        return "shouting"
    return "capitalised" if letters[0].isupper() else "mixed"


def _ending(text: str) -> str:
    text = text.rstrip()
    if not text:
        return "empty"
    if ends_with_emoji(text):
        return "emoji"
    last = text[-1]
    if last in ".!?":
        run = len(text) - len(text.rstrip(".!?"))
        return last * min(run, 2)  # "!" and "!!" (or more) differ; so do "." and ".."
    return "letter" if last.isalnum() else "other"


def _language(text: str, letters: list[str]) -> str:
    if len(letters) < MIN_LANGUAGE_LETTERS:
        return "short"
    import py3langid

    return py3langid.classify(text)[0]


# --- distances --------------------------------------------------------------------------------------------------


def total_variation(a: Sequence[str], b: Sequence[str]) -> float:
    """Half the L1 distance between two category distributions: 0 same shares, 1 nothing in common."""
    if not a or not b:
        return 0.0 if not a and not b else 1.0
    ca, cb = Counter(a), Counter(b)
    gap = sum(abs(ca[k] * len(b) - cb[k] * len(a)) for k in ca.keys() | cb.keys())  # whole numbers: exact
    return gap / (2 * len(a) * len(b))


def ks_statistic(a: Sequence[float], b: Sequence[float]) -> float:
    """The largest gap between the two empirical distribution functions."""
    if not len(a) or not len(b):
        return 0.0 if not len(a) and not len(b) else 1.0
    xa, xb = np.sort(np.asarray(a, dtype=float)), np.sort(np.asarray(b, dtype=float))
    points = np.concatenate([xa, xb])
    fa = np.searchsorted(xa, points, side="right") / len(xa)
    fb = np.searchsorted(xb, points, side="right") / len(xb)
    return float(np.max(np.abs(fa - fb)))


def distinct(word_lists: Sequence[Sequence[str]], n: int) -> float:
    """Unique word n-grams over all word n-grams in a set of replies (0 when there are none)."""
    grams = [tuple(words[i : i + n]) for words in word_lists for i in range(len(words) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def aspects(generated: Sequence[Features], real: Sequence[Features]) -> dict[str, float]:
    """Every aspect's distance between two sets of replies, each from 0 to 1."""
    g, r = generated, real
    vocabulary = [abs(distinct([x.words for x in g], n) - distinct([x.words for x in r], n)) for n in (1, 2)]
    return {
        "length": ks_statistic([x.length for x in g], [x.length for x in r]),
        "emoji": abs(_emoji_share(g) - _emoji_share(r)),
        "casing": total_variation([x.casing for x in g], [x.casing for x in r]),
        "punctuation": 0.5
        * (
            total_variation([x.ending for x in g], [x.ending for x in r])
            + total_variation([x.marks for x in g], [x.marks for x in r])
        ),
        "openers": total_variation([x.opener for x in g], [x.opener for x in r]),
        "vocabulary": sum(vocabulary) / len(vocabulary),
        "language": total_variation([x.language for x in g], [x.language for x in r]),
    }


def _emoji_share(texts: Sequence[Features]) -> float:
    return sum(x.emoji for x in texts) / len(texts) if texts else 0.0


def distance(generated: Sequence[Features], real: Sequence[Features]) -> float:
    """The style distance: the mean of the aspects, from 0 (same style) to 1."""
    values = aspects(generated, real)
    return sum(values.values()) / len(values)


def style_distance(generated: Sequence[str], real: Sequence[str]) -> float:
    """Style distance between two lists of texts (a convenience over ``features`` + ``distance``)."""
    return distance([features(t) for t in generated], [features(t) for t in real])


def profile(texts: Sequence[Features]) -> dict[str, float | str]:
    """What the replies look like, for people to read: median length, emoji share, lowercase share, ..."""
    if not texts:
        return {}
    lengths = sorted(x.length for x in texts)
    openers = Counter(x.opener for x in texts if x.opener).most_common(3)
    languages = Counter(x.language for x in texts if x.language != "short").most_common(1)
    n = len(texts)
    return {
        "median characters": float(np.median(lengths)),
        "emoji share": sum(x.emoji for x in texts) / n,
        "lowercase share": sum(x.casing == "lowercase" for x in texts) / n,
        "ends with . share": sum(x.ending in (".", "..") for x in texts) / n,
        "uses ! share": sum("!" in x.marks for x in texts) / n,
        "uses ? share": sum("?" in x.marks for x in texts) / n,
        "distinct-2": distinct([x.words for x in texts], 2),
        "top openers": ", ".join(f"{o} ({c})" for o, c in openers),
        "language": languages[0][0] if languages else "short",
    }
