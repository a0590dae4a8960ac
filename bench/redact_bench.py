"""Redactor quality and speed: the per-kind table on the labelled set, then messages per second.

    python bench/redact_bench.py                   # ~100,000 messages (what `make bench` runs)
    python bench/redact_bench.py --messages 1000000

Quality: ``clone.dataset.redact.evaluate`` on ``tests/data/redaction_set.jsonl`` (exact span match; URLs
match at IoU >= 0.9), the same table ``pytest tests/test_redact.py -s`` prints.

Speed: one ``Redactor`` (all kinds, so placeholders are looked up and numbered as in a real build) redacts
the labelled texts repeated to ``--messages``. That workload is pessimistic: most of its lines hold an entity
or a number, where real chats are mostly short messages without a digit. The example chats in ``examples/``
(message text after the ``date, time - name:`` header), repeated the same way, give the realistic figure.
Each is timed ``--repeat`` times and the best run is reported.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from clone.dataset.redact import Redactor, Span, evaluate, format_scores  # noqa: E402

LABELLED = REPO / "tests" / "data" / "redaction_set.jsonl"
EXAMPLES = REPO / "examples"
HEADER = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}, \d{1,2}:\d{2}(?:\s?[ap]m)? - [^:]+: ", re.IGNORECASE)
NAMES = ["Sam Okafor", "Priya Raman", "José Álvarez", "Zoë Müller", "Иван Петров"]


def load_labelled() -> list[tuple[str, list[Span], list[str]]]:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["text"], [Span(*s) for s in r["spans"]], r.get("names", [])) for r in rows]


def example_messages() -> list[str]:
    texts = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := HEADER.match(line):
                texts.append(line[m.end() :])
    return texts


def throughput(texts: list[str], total: int, repeat: int, names: list[str]) -> tuple[float, int]:
    """Best messages/s over ``repeat`` runs of a fresh Redactor over ``texts`` cycled to ``total``."""
    batch = (texts * (total // len(texts) + 1))[:total]
    best, redacted = float("inf"), 0
    for _ in range(repeat):
        redactor = Redactor(names=names)
        start = time.perf_counter()
        for text in batch:
            redactor.redact(text)
        best = min(best, time.perf_counter() - start)
        redacted = sum(redactor.counts().values())
    return total / best, redacted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    labelled = load_labelled()
    n_spans = sum(len(spans) for _, spans, _ in labelled)
    print(
        f"redaction set: {len(labelled)} texts, {n_spans} labelled spans, "
        f"{sum(1 for _, s, _ in labelled if not s)} negatives"
    )
    print(format_scores(evaluate(labelled)))
    print(
        f"\nthroughput ({platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}), {args.messages:,} messages, best of {args.repeat}:"
    )
    workloads = [("labelled texts", [t for t, _, _ in labelled], [])]
    workloads.append(("labelled texts + 5 names", [t for t, _, _ in labelled], NAMES))
    if examples := example_messages():
        workloads.append((f"example chats ({len(examples)} msgs)", examples, []))
    for label, texts, names in workloads:
        rate, redacted = throughput(texts, args.messages, args.repeat, names)
        print(f"  {label:<28} {rate:>10,.0f} messages/s   ({redacted:,} spans redacted)")


if __name__ == "__main__":
    main()
