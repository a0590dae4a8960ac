"""`clone inspect`: what the workspace holds, as terminal tables and one self-contained HTML file.

Everything here reads the workspace only (workspace.json, import-report.json, the messages and the
dataset); nothing is recomputed from the exports. The HTML file (clone/pages/inspect.html.j2) has no scripts
and loads nothing: it is private chat data, so the templates escape every value and a CSP forbids any fetch.
One concern (the inspect report: its statistics and their tables), hence one file a little over 400 lines.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clone.errors import CloneError
from clone.text import find_emoji
from clone.workspace import Workspace, private, write_text_atomic

if TYPE_CHECKING:
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table

TOP = 15  # emoji and phrases listed
SAMPLES = 3  # training conversations shown
CHAR_EDGES = (10, 20, 40, 80, 160, 320, 640)  # chat messages are short: roughly doubling buckets
WORD_EDGES = (1, 3, 6, 10, 20, 40)
IMPORT_KINDS = ("text", "media", "system", "deleted", "reaction")  # message kinds counted per imported file

# Bar colours are used nowhere else on the page, so a screenshot can tell each chart was drawn.
COLOURS = {"months": "#3b82f6", "lengths": "#10b981", "emoji": "#f59e0b"}


@dataclass
class Person:
    platform: str
    name: str
    is_me: bool
    messages: int
    chats: int


@dataclass
class Distribution:
    unit: str  # what is measured, e.g. "characters per message"
    buckets: list[tuple[str, int]]  # (label, count), in order
    count: int
    median: float
    p90: float
    max: int


@dataclass
class ImportRow:
    file: str
    format: str
    kinds: dict[str, int]
    skipped: dict[str, int] | None  # None: not recorded (a workspace built through the library)


@dataclass
class Sample:
    platform: str
    chat: str
    start: str
    messages: list[dict[str, str]]  # {"role", "content"}; the first is the system prompt


@dataclass
class Report:
    workspace: str
    me: str
    aliases: list[str]
    totals: dict[str, int]
    people: list[Person]
    months: list[tuple[str, int]]  # ("2025-09", the person's messages that month), no gaps
    lengths: dict[str, Distribution]  # "characters", "words" (messages), "reply characters" (training turns)
    emoji: list[tuple[str, int]]
    phrases: list[tuple[str, int]]
    imports: list[ImportRow]
    redacted: dict[str, int]
    dropped: dict[str, int]
    samples: list[Sample] = field(default_factory=list)


# --- collecting -----------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_PRIVATE = re.compile(r"\d|@|://|www\.|\w\.\w{2,}")  # numbers, emails, URLs: never part of a phrase
_END = re.compile(r"[.!?,;:…)\]\"]$")  # punctuation ends a phrase
STOPWORDS = frozenset(  # a word list reads best as text
    "a an the and or but so if of to in on at by for from with as is are was were be been am it its i me my "  # noqa: SIM905
    "you your u ur we us our he him his she her they them their this that there then than do does did have "
    "has had not no just im i'm it's that's".split()
)
EDGE_STOPWORDS = frozenset("a an the of to in on at by for from with as and or but".split())  # noqa: SIM905


def collect(workspace: Workspace = Workspace()) -> Report:
    """Read everything the workspace holds into plain data (no rendering)."""
    manifest = workspace.read_manifest()
    rows = _load_messages(workspace)
    mine = [r for r in rows if r["is_me"]]
    my_texts = [r["text"] for r in mine if r["kind"] == "text"]
    train = _train_rows(workspace)
    replies = [m["content"] for row in train for m in row["messages"] if m["role"] == "assistant"]
    return Report(
        workspace=str(workspace.root),
        me=manifest["me"],
        aliases=list(manifest.get("aliases", [])),
        totals=_totals(manifest),
        people=people(rows),
        months=months(r["timestamp"] for r in mine),
        lengths={
            "characters": distribution([len(t) for t in my_texts], CHAR_EDGES, "characters per message"),
            "words": distribution([len(_WORD.findall(t)) for t in my_texts], WORD_EDGES, "words per message"),
            "reply characters": distribution([len(t) for t in replies], CHAR_EDGES, "characters per training reply"),
        },
        emoji=top_emoji(my_texts),
        phrases=top_phrases(my_texts),
        imports=_imports(workspace, rows),
        redacted=dict(manifest.get("redacted", {})),
        dropped=dict(manifest.get("dropped", {})),
        samples=[_sample(row) for row in train[:SAMPLES]],
    )


def _load_messages(workspace: Workspace) -> list[dict[str, Any]]:
    if not workspace.messages.exists():
        raise CloneError(f"{workspace.root}: no saved messages; run `clone import EXPORT --me NAME` again")
    from datasets import load_from_disk  # heavy import, only needed here

    return load_from_disk(str(workspace.messages)).to_list()


def _train_rows(workspace: Workspace) -> list[dict[str, Any]]:
    from clone.dataset import load_dataset_dict

    data = load_dataset_dict(workspace)
    return data["train"].to_list() if "train" in data else []


def _totals(manifest: dict[str, Any]) -> dict[str, int]:
    samples, turns = manifest.get("samples", {}), manifest.get("my_turns", {})
    return {
        "messages": manifest.get("messages", 0),
        "my messages": manifest.get("my_messages", 0),
        "conversations": manifest.get("conversations", 0),
        "train samples": samples.get("train", 0),
        "test samples": samples.get("test", 0),
        "train replies": turns.get("train", 0),
        "test replies": turns.get("test", 0),
    }


def people(rows: Iterable[dict[str, Any]]) -> list[Person]:
    """Messages and chats of every sender, per platform; system lines have no sender and are left out."""
    counts: Counter[tuple[str, str]] = Counter()
    chats: dict[tuple[str, str], set[str]] = {}
    me: set[tuple[str, str]] = set()
    for r in rows:
        if not r["sender"]:
            continue
        key = (r["platform"], r["sender"])
        counts[key] += 1
        chats.setdefault(key, set()).add(r["chat"])
        if r["is_me"]:
            me.add(key)
    found = [Person(p, name, (p, name) in me, n, len(chats[(p, name)])) for (p, name), n in counts.items()]
    return sorted(found, key=lambda x: (x.platform, not x.is_me, -x.messages, x.name))


def months(timestamps: Iterable[datetime]) -> list[tuple[str, int]]:
    """Messages per calendar month, with empty months in between kept so gaps show."""
    counts = Counter(f"{t:%Y-%m}" for t in timestamps)
    if not counts:
        return []
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:])
    result = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        result.append((key, counts[key]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def month_label(key: str) -> str:
    return f"{date(int(key[:4]), int(key[5:]), 1):%b %Y}"


def distribution(values: Sequence[int], edges: Sequence[int], unit: str) -> Distribution:
    """Histogram over ``edges`` (upper bounds, inclusive) plus an open last bucket, median and p90."""
    labels = [_bucket_label(lo + 1, hi) for lo, hi in zip((0, *edges), edges, strict=False)] + [f"{edges[-1] + 1}+"]
    counts = [0] * len(labels)
    for v in values:
        counts[next((i for i, hi in enumerate(edges) if v <= hi), len(edges))] += 1
    ordered = sorted(values)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)] if ordered else 0
    median = statistics.median(ordered) if ordered else 0
    return Distribution(unit, list(zip(labels, counts, strict=True)), len(values), median, p90, max(values, default=0))


def _bucket_label(lo: int, hi: int) -> str:
    return str(hi) if lo >= hi else f"{lo}–{hi}"


def top_emoji(texts: Iterable[str], n: int = TOP) -> list[tuple[str, int]]:
    """The most used emoji; ❤ and ❤️ (with the variation selector) count as one."""
    return _top(((m.replace("\ufe0f", ""), m) for t in texts for m in find_emoji(t)), n)


def top_phrases(texts: Iterable[str], n: int = TOP) -> list[tuple[str, int]]:
    """Word 2- and 3-grams used at least twice, counted case-blind. Left out: n-grams of stopwords only, ones
    that start or end on an article, preposition or conjunction, and a 2-gram inside an equally frequent 3-gram."""
    grams = ((" ".join(g).lower(), " ".join(g)) for t in texts for run in _runs(t) for g in _ngrams(run))
    found = [(p, c) for p, c in _top(grams, None) if c >= 2]
    chosen: list[tuple[str, int]] = []
    for phrase, count in sorted(found, key=lambda x: (-x[1], -x[0].count(" "), x[0].lower())):
        if not any(c == count and f" {phrase.lower()} " in f" {p.lower()} " for p, c in chosen):
            chosen.append((phrase, count))
    return chosen[:n]


def _runs(text: str) -> Iterable[list[str]]:
    """Runs of words between punctuation, line breaks and private tokens (numbers, emails, URLs)."""
    for line in text.splitlines():
        run: list[str] = []
        for token in line.split():
            if _PRIVATE.search(token):
                yield run
                run = []
                continue
            run.extend(_WORD.findall(token))
            if _END.search(token):
                yield run
                run = []
        yield run


def _ngrams(words: list[str]) -> Iterable[tuple[str, ...]]:
    for size in (2, 3):
        for i in range(len(words) - size + 1):
            gram = tuple(words[i : i + size])
            edges = {gram[0].lower(), gram[-1].lower()}
            if not edges & EDGE_STOPWORDS and not all(w.lower() in STOPWORDS for w in gram):
                yield gram


def _top(pairs: Iterable[tuple[str, str]], n: int | None) -> list[tuple[str, int]]:
    """Count (key, form) pairs by key; show each key in its most common form."""
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for key, form in pairs:
        counts[key] += 1
        forms.setdefault(key, Counter())[form] += 1
    return [(forms[k].most_common(1)[0][0], c) for k, c in counts.most_common(n)]


def _imports(workspace: Workspace, messages: Sequence[dict[str, Any]]) -> list[ImportRow]:
    """import-report.json, which `clone import` writes; else what the saved messages tell (no skipped lines)."""
    if workspace.import_report.exists():
        rows = json.loads(workspace.import_report.read_text(encoding="utf-8"))
        return [ImportRow(r["file"], r["format"], dict(r["kinds"]), dict(r["skipped"])) for r in rows]
    kinds: dict[tuple[str, str], Counter[str]] = {}
    for m in messages:
        kinds.setdefault((m["file"], m["platform"]), Counter())[m["kind"]] += 1
    return [ImportRow(file, platform, dict(counts), None) for (file, platform), counts in sorted(kinds.items())]


def _skipped(row: ImportRow) -> str:
    if row.skipped is None:
        return "not recorded"
    return ", ".join(f"{n} {reason}" for reason, n in row.skipped.items()) or "0"


def _sample(row: dict[str, Any]) -> Sample:
    return Sample(row["platform"], row["chat"], str(row["start"]), [dict(m) for m in row["messages"]])


# --- the terminal --------------------------------------------------------------------------------------------


def print_report(report: Report, console: Console) -> None:
    """Print the report as rich tables; user text is passed as Text so brackets in it are not markup."""
    from rich.panel import Panel
    from rich.text import Text

    totals = ", ".join(f"{v} {k}" for k, v in report.totals.items())
    console.print(Panel(Text(f"{report.me} (aliases: {', '.join(report.aliases)})\n{totals}"), title="Workspace"))
    for table in (
        _people_table(report),
        _months_table(report),
        _lengths_table(report),
        _counts_table("Top emoji", "emoji", report.emoji),
        _counts_table("Top phrases", "phrase", report.phrases),
        _imports_table(report),
        _removed_table(report),
    ):
        console.print(table)
    for i, sample in enumerate(report.samples, 1):
        console.print(_sample_panel(i, sample))


def _table(title: str, *columns: str, right: Sequence[str] = ()) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left")
    return table


def _people_table(report: Report) -> Table:
    from rich.text import Text

    table = _table("People per source", "platform", "person", "messages", "chats", right=("messages", "chats"))
    for p in report.people:
        name = Text(p.name + (" (you)" if p.is_me else ""), style="bold" if p.is_me else "")
        table.add_row(Text(p.platform), name, str(p.messages), str(p.chats))
    return table


def _months_table(report: Report) -> Table:
    table = _table(f"{report.me}'s messages per month", "month", "messages", "", right=("messages",))
    peak = max((c for _, c in report.months), default=0) or 1
    for key, count in report.months:
        table.add_row(month_label(key), str(count), "█" * round(30 * count / peak))
    return table


def _lengths_table(report: Report) -> Table:
    columns = ("measure", "n", "median", "p90", "max")
    table = _table("Reply lengths", *columns, "histogram", right=columns[1:])
    for d in report.lengths.values():
        buckets = "  ".join(f"{label}: {n}" for label, n in d.buckets)
        table.add_row(d.unit, str(d.count), f"{d.median:g}", str(d.p90), str(d.max), buckets)
    return table


def _counts_table(title: str, column: str, rows: Sequence[tuple[str, int]]) -> Table:
    from rich.text import Text

    table = _table(title, column, "uses", right=("uses",))
    for value, count in rows:
        table.add_row(Text(value), str(count))
    return table


def _imports_table(report: Report) -> Table:
    from rich.text import Text

    kinds = IMPORT_KINDS
    table = _table("Imported files", "file", "format", *kinds, "skipped", right=kinds)
    for r in report.imports:
        table.add_row(Text(Path(r.file).name), r.format, *(str(r.kinds.get(k, 0)) for k in kinds), Text(_skipped(r)))
    return table


def _removed_table(report: Report) -> Table:
    from rich.text import Text

    table = _table("Redacted and dropped", "what", "why", "count", right=("count",))
    for what, why, count in removed_rows(report):
        table.add_row(what, Text(why), str(count))
    return table


def removed_rows(report: Report) -> list[tuple[str, str, int]]:
    """Everything that did not reach training as written, with its reason; kinds nothing was found of share a row."""
    rows = [("redacted", f"{kind} replaced by a placeholder", n) for kind, n in report.redacted.items() if n]
    if none := [kind for kind, n in report.redacted.items() if not n]:
        rows.append(("redacted", f"none found: {', '.join(none)}", 0))
    rows += [("dropped", reason, n) for reason, n in report.dropped.items()] or [("dropped", "nothing", 0)]
    not_text: Counter[str] = Counter()
    for r in report.imports:
        not_text.update({k: v for k, v in r.kinds.items() if k != "text"})
        skipped = (r.skipped or {}).items()
        rows += [("skipped on import", f"{reason} ({Path(r.file).name})", n) for reason, n in skipped]
    rows += [("not trained on", f"{kind} messages", n) for kind, n in sorted(not_text.items())]
    return rows


def _sample_panel(index: int, sample: Sample, limit: int = 8) -> Panel:
    from rich.panel import Panel
    from rich.text import Text

    text = Text()
    for m in sample.messages[:limit]:
        text.append(f"{m['role']}: ", style="bold cyan" if m["role"] == "assistant" else "bold")
        text.append(m["content"] + "\n", style="italic dim" if m["role"] == "system" else "")
    if len(sample.messages) > limit:
        text.append(f"... {len(sample.messages) - limit} more message(s), all in the HTML report", style="dim")
    title = Text(f"Training sample {index}: {sample.chat} ({sample.platform}, {sample.start})")
    text.rstrip()
    return Panel(text, title=title, title_align="left")


# --- HTML -----------------------------------------------------------------------------------------------------


def write_html(report: Report, path: Path) -> Path:
    """Write the report as one HTML file with inline SVG charts and CSS: no scripts, no network."""
    write_text_atomic(path, render_html(report))
    return path


def render_html(report: Report) -> str:
    """The page of inspect.html.j2: three charts, then the tables of the terminal report, then the samples."""
    from clone.pages import bar_chart, render  # Jinja2: only needed here

    lengths = report.lengths["characters"]
    months = [(month_label(k), c) for k, c in report.months]
    charts = [
        bar_chart("months", f"{report.me}'s messages per month", "month", "messages", months, COLOURS["months"]),
        bar_chart(
            "lengths",
            f"Reply length ({lengths.unit}; median {lengths.median:g}, p90 {lengths.p90})",
            "characters",
            "messages",
            lengths.buckets,
            COLOURS["lengths"],
        ),
        bar_chart("emoji", "Top emoji", "emoji", "uses", report.emoji, COLOURS["emoji"], label_size=20),
    ]
    people = [(p.platform, p.name + (" (you)" if p.is_me else ""), p.messages, p.chats) for p in report.people]
    lengths_rows = [
        (d.unit, d.count, f"{d.median:g}", d.p90, d.max, " · ".join(f"{label}: {n}" for label, n in d.buckets))
        for d in report.lengths.values()
    ]
    imports = [
        (Path(r.file).name, r.format, *(r.kinds.get(k, 0) for k in IMPORT_KINDS), _skipped(r)) for r in report.imports
    ]
    return render(
        "inspect.html.j2",
        report=report,
        charts=charts,
        people=people,
        lengths=lengths_rows,
        kinds=list(IMPORT_KINDS),
        imports=imports,
        removed=removed_rows(report),
    )


@private
def inspect(workspace: Workspace = Workspace(), html: Path | None = None) -> Report:
    """Collect the report and write it as HTML (default: report.html in the workspace); returns the report."""
    report = collect(workspace)
    write_html(report, html or workspace.root / "report.html")
    return report
