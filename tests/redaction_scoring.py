"""Scoring the redactor against the labelled set: per-kind recall and precision, shared by the tests and the bench.

The labelled sets (``tests/data/redaction_set.jsonl``, the first kinds; ``redaction_set_v2.jsonl``, written for
national IDs, secrets, IPs, crypto addresses, birth dates, postcodes, coordinates, plates, bank accounts and
unformatted phones, spelled-out emails, lowercase addresses before their detectors were) each hold one object
per line: ``text``, ``spans`` as ``[start, end, KIND]`` in code points of the decoded text, and optionally
``names`` (the names passed to the detector for that line) and ``regions`` (where its national phone numbers are
from, as ``phone_regions`` would read them from the senders). Lines without spans are negatives: text that must
stay as it is (order numbers, times, prices, versions, hashes, ...).

A found span counts when a labelled span of the same kind has the same boundaries; for URLs, when the two overlap
by at least 90% of their union (IoU >= 0.9), so a disagreement over one trailing character is not a miss.
Matching is one-to-one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from clone.dataset.redact import KINDS, Span, find_spans

LABELLED = Path(__file__).parent / "data" / "redaction_set.jsonl"
LABELLED_V2 = Path(__file__).parent / "data" / "redaction_set_v2.jsonl"
URL_MIN_IOU = 0.9  # a found URL counts when it covers >= 90% of the union with the labelled one


@dataclass
class Example:
    text: str
    spans: list[Span]
    names: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)


def load_labelled(path: Path = LABELLED) -> list[Example]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Example(r["text"], [Span(*s) for s in r["spans"]], r.get("names", []), r.get("regions", [])) for r in rows]


@dataclass
class Score:
    gold: int = 0  # labelled spans
    found: int = 0  # predicted spans
    hit_gold: int = 0  # labelled spans matched by a prediction
    hit_found: int = 0  # predictions matching a labelled span

    @property
    def recall(self) -> float:
        return self.hit_gold / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.hit_found / self.found if self.found else 1.0


def spans_match(gold: Span, found: Span) -> bool:
    """Same kind and same boundaries; URLs may differ by a trailing character or two (IoU >= 0.9)."""
    if gold.kind != found.kind:
        return False
    if gold.kind != "URL":
        return (gold.start, gold.end) == (found.start, found.end)
    inter = min(gold.end, found.end) - max(gold.start, found.start)
    union = max(gold.end, found.end) - min(gold.start, found.start)
    return inter > 0 and inter / union >= URL_MIN_IOU


def evaluate(examples: Iterable[Example], kinds: Iterable[str] = KINDS) -> dict[str, Score]:
    """Per-kind scores of ``find_spans`` over the labelled examples; one-to-one matching."""
    kinds = tuple(kinds)
    scores = {kind: Score() for kind in KINDS}
    for example in examples:
        found = find_spans(example.text, kinds, example.names, example.regions)
        matched: set[int] = set()
        for g in example.spans:
            scores[g.kind].gold += 1
            hit = next((i for i, f in enumerate(found) if i not in matched and spans_match(g, f)), None)
            if hit is not None:
                matched.add(hit)
                scores[g.kind].hit_gold += 1
        for i, f in enumerate(found):
            scores[f.kind].found += 1
            scores[f.kind].hit_found += i in matched
    return scores


def format_scores(scores: dict[str, Score]) -> str:
    rows = [f"{'kind':<12} {'gold':>5} {'found':>5} {'recall':>7} {'precision':>9}"]
    for kind, s in scores.items():
        rows.append(f"{kind:<12} {s.gold:>5} {s.found:>5} {s.recall:>7.3f} {s.precision:>9.3f}")
    return "\n".join(rows)
