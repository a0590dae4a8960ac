"""Redactor quality and speed: the per-kind table on the labelled set, then messages per second.

    python bench/redact_bench.py                   # ~100,000 messages (what `make bench` runs)
    python bench/redact_bench.py --messages 1000000

Quality: ``evaluate`` from ``tests/redaction_scoring.py`` on ``tests/data/redaction_set.jsonl`` and on
``redaction_set_v2.jsonl`` (the kinds added for issue 17; exact span match; URLs match at IoU >= 0.9), the same
tables ``pytest tests/test_redact.py -s`` prints.

Speed: one ``Redactor`` (all kinds, so placeholders are looked up and numbered as in a real build) redacts
the labelled texts repeated to ``--messages``. That workload is pessimistic: most of its lines hold an entity
or a number, where real chats are mostly short messages without a digit. The example chats in ``examples/``
(message text after the ``date, time - name:`` header), repeated the same way, give the realistic figure.
Each is timed ``--repeat`` times and the best run is reported.
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # the scorer the tests use

from redaction_scoring import LABELLED, LABELLED_V2, evaluate, format_scores, load_labelled  # noqa: E402

from clone.dataset.redact import Redactor  # noqa: E402

EXAMPLES = REPO / "examples"
HEADER = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}, \d{1,2}:\d{2}(?:\s?[ap]m)? - [^:]+: ", re.IGNORECASE)
NAMES = ["Sam Okafor", "Priya Raman", "José Álvarez", "Zoë Müller", "Иван Петров"]


def example_messages() -> list[str]:
    texts = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := HEADER.match(line):
                texts.append(line[m.end() :])
    return texts


def throughput(texts: list[str], total: int, repeat: int, names: list[str], regions: list[str]) -> tuple[float, int]:
    """Best messages/s over ``repeat`` runs of a fresh Redactor over ``texts`` cycled to ``total``."""
    batch = (texts * (total // len(texts) + 1))[:total]
    best, redacted = float("inf"), 0
    for _ in range(repeat):
        redactor = Redactor(names=names, regions=regions)
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

    for path in (LABELLED, LABELLED_V2):
        examples = load_labelled(path)
        n_spans = sum(len(example.spans) for example in examples)
        n_negatives = sum(1 for example in examples if not example.spans)
        print(f"{path.name}: {len(examples)} texts, {n_spans} labelled spans, {n_negatives} negatives")
        print(format_scores(evaluate(examples)) + "\n")
    labelled = load_labelled()
    print(
        f"throughput ({platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}), {args.messages:,} messages, best of {args.repeat}:"
    )
    texts = [example.text for example in labelled]
    workloads = [("labelled texts", texts, [], []), ("labelled texts + 5 names", texts, NAMES, [])]
    workloads.append(("labelled texts, regions GB US", texts, [], ["GB", "US"]))
    if examples := example_messages():
        workloads.append((f"example chats ({len(examples)} msgs)", examples, [], []))
    for label, texts, names, regions in workloads:
        rate, redacted = throughput(texts, args.messages, args.repeat, names, regions)
        print(f"  {label:<32} {rate:>10,.0f} messages/s   ({redacted:,} spans redacted)")


if __name__ == "__main__":
    main()
