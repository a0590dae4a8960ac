"""Import speed: our WhatsApp importer against chat-miner and whatstk on one generated 1M-message export.

    python bench/import_bench.py                      # 1,000,000 messages, all parsers (what `make bench` runs)
    python bench/import_bench.py --messages 100000 --only ours --repeat 3

The export is generated deterministically (seeded) in Android form, ``DD/MM/YYYY, HH:MM - Name: text``,
with a few senders (one a bidi-wrapped phone number), ~5% multi-line messages, ``<Media omitted>``,
deleted messages, system lines, emoji and varying lengths. Every parser then runs in its own fresh
subprocess, so its peak memory is that process's high-water mark (VmHWM, or ru_maxrss off Linux); the
process also reports its RSS right after importing the library and before opening the file, so the
growth caused by the parse itself can be read separately from the interpreter + library baseline.

Parsers (each timed from the call to a finished result, imports and freeing the result excluded):

* ``ours-stream``: ``WhatsAppImporter.parse(ExportFile(path))`` consumed and counted, nothing kept.
  This is the importer proper; its memory must not grow with the file.
* ``ours-load``: ``clone.importers.load([path])``, which keeps every ``Message`` in a list (the dataset
  needs them all) and sorts them. This is the like-for-like comparison with the competitors, which
  also return every message (as a DataFrame).
* ``chatminer``: ``WhatsAppParser(path).parse_file()`` then ``parsed_messages.get_df()``.
* ``whatstk``: ``df_from_whatsapp(path, max_size=None)`` (its default 50 MB cap refuses a 1M file).

The competitors are bench-only dependencies (``pip install chat-miner whatstk``); one that is not
installed is reported as such and the rest still run. Ratios are competitor seconds / our seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path

from process_stats import cpu_and_memory, loadavg, rss_mb  # bench/ is on sys.path when a bench runs

REPO = Path(__file__).resolve().parents[1]
PARSERS = ("ours-stream", "ours-load", "chatminer", "whatstk")
ONLY = {"ours": ("ours-stream", "ours-load"), "chatminer": ("chatminer",), "whatstk": ("whatstk",)}
DISTRIBUTIONS = {"chatminer": "chat-miner", "whatstk": "whatstk"}
MEMORY_LIMIT_MB = 500
SPEEDUP_TARGET = 5.0

# ---------------------------------------------------------------------------------------------------
# The export

SENDERS = (
    ("Maya Chen", 30),
    ("Sam Okafor", 22),
    ("Priya Raman", 18),
    ("José Álvarez", 12),
    ("Zoë Müller", 10),
    ("\u202a+44 7700 900123\u202c", 8),  # an unsaved contact: Android wraps the number in bidi marks
)
_WORDS = (
    "the a to and i you it is that of in for on was so but just not what are we me my have be this do "
    "at with lol haha ok okay yes no yeah nah maybe tomorrow tonight today later now soon week weekend "
    "climbing gym coffee dinner lunch train bus late early work meeting deadline call phone send photo "
    "really very pretty kind of sort like love hate want need think know see going coming leaving "
    "home office park beach city trip flight hotel booked cancelled moved again still already never "
    "always sometimes anyway btw omg wait what's where's when how why who whose sure thanks thank "
    "sorry please great nice cool awesome amazing terrible weird funny tired hungry busy free "
    "Thursday Friday Saturday Sunday Monday morning afternoon evening night 7pm 10am 2 3 five twenty"
)
WORDS = _WORDS.split()
EMOJI = ("😂", "❤️", "👍", "😭", "🙃", "🎉", "🔥", "😅", "🤔", "🙏", "👀", "🧗‍♀️", "☕", "🇧🇷")
SYSTEM_LINES = (
    "{a} added {b}",
    "{a} left",
    '{a} changed the subject to "{w}"',
    "{a} changed this group's icon",
    "Missed voice call",
    "{a} changed their phone number to a new number. Tap to message or add the new number.",
)
LINK = "https://example.com/{w}/{n}"


def _text(rng: random.Random) -> str:
    """One line of message text: mostly short, sometimes long, with emoji and the odd link."""
    roll = rng.random()
    n = rng.randint(1, 6) if roll < 0.55 else rng.randint(5, 18) if roll < 0.9 else rng.randint(15, 70)
    words = rng.choices(WORDS, k=n)
    if rng.random() < 0.3:
        words.insert(rng.randint(0, n), rng.choice(EMOJI))
    if rng.random() < 0.02:
        words.append(LINK.format(w=rng.choice(WORDS), n=rng.randint(1, 99999)))
    text = " ".join(words)
    return text[0].upper() + text[1:] if rng.random() < 0.4 else text


def write_export(path: Path, messages: int, seed: int = 4) -> int:
    """Write an Android export of exactly ``messages`` messages (header lines); returns its size in bytes."""
    rng = random.Random(seed)
    names = [name for name, _ in SENDERS]
    weights = [weight for _, weight in SENDERS]
    stamp = datetime(2016, 3, 7, 9, 12)
    day_text, day = stamp.strftime("%d/%m/%Y"), stamp.date()
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(
            f"{day_text}, 09:12 - Messages and calls are end-to-end encrypted. Only people in this chat "
            "can read, listen to, or share them. Learn more.\n"
        )
        buffer: list[str] = []
        for _ in range(messages - 1):
            gap = rng.random()  # bursts of replies, then pauses of hours or days
            stamp += timedelta(
                seconds=rng.randint(0, 90)
                if gap < 0.8
                else rng.randint(60, 3600)
                if gap < 0.97
                else rng.randint(3600, 3 * 86400)
            )
            if stamp.date() != day:
                day, day_text = stamp.date(), stamp.strftime("%d/%m/%Y")
            head = f"{day_text}, {stamp.hour:02d}:{stamp.minute:02d} - "
            kind = rng.random()
            if kind < 0.005:
                a, b = rng.sample(names, 2)
                buffer.append(head + rng.choice(SYSTEM_LINES).format(a=a, b=b, w=rng.choice(WORDS)) + "\n")
                continue
            sender = rng.choices(names, weights)[0]
            if kind < 0.04:
                body = "<Media omitted>"
            elif kind < 0.045:
                body = "This message was deleted"
            elif kind < 0.095:  # multi-line: 2-5 lines, sometimes with a blank line between paragraphs
                lines = [_text(rng) for _ in range(rng.randint(2, 5))]
                if rng.random() < 0.3:
                    lines.insert(1, "")
                body = "\n".join(lines)
            else:
                body = _text(rng)
            buffer.append(f"{head}{sender}: {body}\n")
            if len(buffer) >= 10_000:
                out.writelines(buffer)
                buffer.clear()
        out.writelines(buffer)
    return path.stat().st_size


# ---------------------------------------------------------------------------------------------------
# Worker: runs in its own process, prints one JSON line


def _prepare(parser: str, path: Path) -> Callable[[], tuple[int, object]]:
    """Import the parser's library; return a call that parses ``path`` and returns its message count and
    its result. The worker holds the result until the clock stops: freeing a million messages is not parsing."""
    if parser == "ours-stream":
        from clone.importers import IMPORTERS, ExportFile
        from clone.messages import Message

        importer = IMPORTERS["whatsapp"]

        def run() -> tuple[int, object]:
            return sum(1 for record in importer.parse(ExportFile(path)) if isinstance(record, Message)), None

        return run
    if parser == "ours-load":
        from clone.importers import load

        def run() -> tuple[int, object]:
            result = load([path])
            return len(result.messages), result

        return run
    if parser == "chatminer":
        import logging

        from chatminer.chatparsers import WhatsAppParser

        logging.disable(logging.INFO)  # it logs every system line; not part of parsing

        def run() -> tuple[int, object]:
            chat = WhatsAppParser(str(path))
            chat.parse_file()
            frame = chat.parsed_messages.get_df()
            return len(frame), (chat, frame)

        return run
    if parser == "whatstk":
        from whatstk import df_from_whatsapp

        def run() -> tuple[int, object]:
            frame = df_from_whatsapp(str(path), max_size=None)
            return len(frame), frame

        return run
    raise SystemExit(f"unknown parser {parser}")


def worker(parser: str, path: Path) -> None:
    run = _prepare(parser, path)
    baseline = rss_mb("VmRSS")
    start = time.perf_counter()
    count, result = run()
    seconds = time.perf_counter() - start
    del result
    print(json.dumps({"count": count, "seconds": seconds, "peak_mb": rss_mb("VmHWM"), "baseline_mb": baseline}))


# ---------------------------------------------------------------------------------------------------
# Driver


@dataclass
class Result:
    parser: str
    seconds: float = 0.0
    count: int = 0
    peak_mb: float = 0.0
    baseline_mb: float = 0.0
    load: str = ""  # 1-minute load average before/after the run
    error: str = ""

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def _installed(parser: str) -> str | None:
    """The distribution's version, or None when it is not installed."""
    dist = DISTRIBUTIONS.get(parser)
    if dist is None:
        return "local"
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def measure(parser: str, path: Path, repeat: int) -> Result:
    """Best time of ``repeat`` fresh processes; the highest peak memory among them."""
    best = Result(parser)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    for _ in range(repeat):
        before = loadavg()
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", parser, str(path)], capture_output=True, text=True, env=env, cwd=REPO
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return Result(parser, error=f"exit {proc.returncode}: {' | '.join(tail)}")
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        if not best.seconds or data["seconds"] < best.seconds:
            best.seconds, best.count, best.baseline_mb = data["seconds"], data["count"], data["baseline_mb"]
        best.peak_mb = max(best.peak_mb, data["peak_mb"])
        best.load = f"{before}/{loadavg()}"
    return best


def machine() -> str:
    model, memory = cpu_and_memory()
    return f"{os.cpu_count()} cores, {model}, {memory}, Python {platform.python_version()}"


def report(results: list[Result], messages: int, size: int) -> bool | None:
    """Print the table and ratios; True when the issue's targets are met for what was run, None when no
    competitor ran (nothing to compare with)."""
    print(f"\n{messages:,} messages, {size / 1e6:.1f} MB file; {machine()}")
    header = (
        f"{'parser':<12} {'version':>8} {'seconds':>9} {'msg/s':>10} {'peak MB':>8} {'import MB':>9} "
        f"{'growth MB':>9} {'messages':>9} {'load':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        version = _installed(r.parser) or "-"
        if r.error:
            print(f"{r.parser:<12} {version:>8}  {r.error}")
            continue
        print(
            f"{r.parser:<12} {version:>8} {r.seconds:>9.2f} {r.rate:>10,.0f} {r.peak_mb:>8.0f} "
            f"{r.baseline_mb:>9.0f} {r.peak_mb - r.baseline_mb:>9.0f} {r.count:>9,} {r.load:>9}"
        )
    ok = {r.parser: r for r in results if not r.error}
    met, compared = True, False
    for ours in ("ours-load", "ours-stream"):
        if ours not in ok:
            continue
        for rival in ("chatminer", "whatstk"):
            if rival in ok:
                ratio = ok[rival].seconds / ok[ours].seconds
                met &= ratio >= SPEEDUP_TARGET
                compared = True
                print(f"{rival} / {ours}: {ratio:.1f}x")
        peak = ok[ours].peak_mb
        met &= peak < MEMORY_LIMIT_MB
        print(
            f"{ours} peak memory: {peak:.0f} MB ({'under' if peak < MEMORY_LIMIT_MB else 'NOT under'} "
            f"{MEMORY_LIMIT_MB} MB)"
        )
    return met if compared else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages in the generated export")
    parser.add_argument("--only", choices=sorted(ONLY), help="run one parser family only")
    parser.add_argument("--repeat", type=int, default=1, help="runs per parser; the best time is kept")
    parser.add_argument("--out", type=Path, help="write the export here and keep it (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--worker", nargs=2, metavar=("PARSER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return 0

    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        path = args.out or Path(tmp) / "WhatsApp Chat with Climbing Crew.txt"
        start = time.perf_counter()
        size = write_export(path, args.messages, args.seed)
        print(
            f"generated {path} ({args.messages:,} messages, {size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s"
        )
        results = []
        for name in ONLY[args.only] if args.only else PARSERS:
            if _installed(name) is None:
                results.append(Result(name, error=f"not installed (pip install {DISTRIBUTIONS[name]})"))
                print(f"{name}: not installed, skipped")
                continue
            print(f"{name}: running ...", flush=True)
            results.append(measure(name, path, args.repeat))
        met = report(results, args.messages, size)
    verdict = {True: "met", False: "NOT met", None: "not judged (no competitor ran)"}[met]
    print("targets (>= 5x faster than each competitor, peak < 500 MB):", verdict)
    return 0  # a benchmark reports; it does not fail `make bench`


if __name__ == "__main__":
    sys.exit(main())
