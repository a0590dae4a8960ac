"""Importers: one module per platform behind one interface, and the registry that picks one per file.

An importer is any object with a ``name``, a ``sniff(file) -> bool`` that recognises its format from the
content, and a ``parse(file)`` that streams ``Message`` and ``Skipped`` records, accounting for every
line or record of the file, and ``Note`` records for what the report should say (an inferred sender). Add one
by calling ``register`` (see whatsapp.py for the shape). An importer of a text format also has
``encoding(file) -> str``, the encoding it detected, for the file's report.
"""

from __future__ import annotations

import gc
import importlib
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO, Protocol

from clone.errors import CloneError, ImportFileError
from clone.importers import limits as _limits
from clone.importers.limits import ImportLimits
from clone.messages import Kind, Message, Note, Skipped


@dataclass(frozen=True)
class ExportFile:
    """One file to import: a file on disk, or a member of a zip archive."""

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    def open(self) -> BinaryIO:
        return self._open(whole=True)

    def head(self, size: int = 8192) -> bytes:
        with self._open(whole=False) as stream:
            return stream.read(size)

    def _open(self, whole: bool) -> BinaryIO:
        """The file's bytes; a zip member's are streamed (the archive's file handle stays open until the member
        stream is closed) under the import's limits (limits.py), which a whole read checks before it starts."""
        if self.member is None:
            return self.path.open("rb")
        archive = zipfile.ZipFile(self.path)
        declared = archive.getinfo(self.member).file_size
        return _limits.capped_member(archive.open(self.member), self.name, declared, whole=whole)


class Importer(Protocol):
    name: str

    def sniff(self, file: ExportFile) -> bool: ...

    def parse(self, file: ExportFile) -> Iterator[Message | Skipped]: ...


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.name] = importer
    return importer


@dataclass
class FileReport:
    """What one file turned into: messages per kind, and skips per reason."""

    file: str
    format: str
    kinds: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    encoding: str | None = None  # the text encoding a text format was read in; None for JSON and mail
    notes: Counter[str] = field(default_factory=Counter)  # inferences the importer made, per kind (Note records)

    @property
    def messages(self) -> int:
        return sum(self.kinds.values())


@dataclass
class ImportResult:
    messages: list[Message]
    reports: list[FileReport]
    skipped: list[Skipped]
    ignored: list[str]  # files in folders/zips that no importer recognised (photos, etc.)


def detect(file: ExportFile) -> Importer | None:
    return next((imp for imp in IMPORTERS.values() if imp.sniff(file)), None)


def _expand(path: Path) -> Iterator[tuple[ExportFile, bool]]:
    """Yield (file, named_by_user): folders are walked, zips are opened."""
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            yield from ((f, False) for f, _ in _expand(child))
    elif zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if not m.endswith("/") and not m.startswith("__MACOSX/")]
        except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as error:
            raise ImportFileError(str(path), None, f"damaged zip archive ({error})") from None
        for member in sorted(members):
            yield ExportFile(path, member), False
    else:
        yield ExportFile(path), True


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Loading keeps a million long-lived messages and makes no reference cycles: the cyclic garbage
    collector would only walk them again and again (a third of the time of a 1M-message load)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(paths: str | Path | Iterable[str | Path], *, on_file=None, limits: ImportLimits | None = None) -> ImportResult:
    """Read every export under ``paths`` (one path or several: files, folders, zips) into messages, with a report
    per file. ``on_file(file)`` is called as each file starts. ``limits``: line length and zip sizes (limits.py)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    with _no_cycle_collection(), _limits.applied(limits):
        return _load(paths, on_file)


def _load(paths: Iterable[str | Path], on_file) -> ImportResult:
    result = ImportResult([], [], [], [])
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise CloneError(f"{path}: no such file or folder")
        found = False
        for file, named in _expand(path):
            importer = detect(file)
            if importer is None:
                if named and not file.head().strip():
                    raise ImportFileError(file.name, None, "empty file")
                if named:
                    raise CloneError(
                        f"{file.name}: not a chat export this version can read (known formats: {', '.join(IMPORTERS)})"
                    )
                result.ignored.append(file.name)
                continue
            found = True
            if on_file:
                on_file(file)
            result.reports.append(_parse_one(importer, file, result))
        if not found:
            raise CloneError(f"{path}: no chat export found inside")
    _drop_overlaps(result)
    result.messages.sort(key=attrgetter("timestamp"))  # stable: keeps file order for equal times
    return result


OVERLAP = "already in another export of this chat"
# Platforms whose message ids are unique platform-wide (Discord snowflakes, e-mail Message-IDs): one id in two
# files is one message even where the files name the chat differently (Discord's own package vs a
# DiscordChatExporter file). Elsewhere (Telegram, Slack) an id is unique within its chat only.
GLOBAL_IDS = frozenset({"discord", "mail"})


def _drop_overlaps(result: ImportResult) -> None:
    """Overlapping exports hold the same messages twice (last year's export of a chat and this year's; an
    account package beside a channel export): keep one copy of each, report the others as skipped."""
    if len(result.reports) < 2:  # one file: nothing to compare, and no pass over a million messages
        return
    dropped = _same_ids(result.messages)
    dropped |= _same_content([m for m in result.messages if id(m) not in dropped])
    if not dropped:
        return
    reports = {r.file: r for r in result.reports}
    kept = []
    for m in result.messages:
        if id(m) not in dropped:
            kept.append(m)
            continue
        report = reports[m.file]
        report.kinds[m.kind.value] -= 1
        report.skipped[OVERLAP] += 1
        result.skipped.append(Skipped(m.source, OVERLAP, m.text))
    result.messages = kept


def _same_ids(messages: list[Message]) -> set[int]:
    """Copies of a message id found in another file; the copy kept is the larger file's (the conversation
    around it: a channel export over a package of one's own messages, this year's export over last year's)."""
    sizes = Counter(m.file for m in messages)
    kept: dict[tuple, Message] = {}
    dropped: set[int] = set()
    for m in messages:
        if m.id is None:
            continue
        key = (m.platform, m.id) if m.platform in GLOBAL_IDS else (m.platform, m.chat, m.id)
        other = kept.setdefault(key, m)
        if other.file == m.file:  # itself, or a repeat inside one file: the importer's business
            continue
        if sizes[m.file] > sizes[other.file]:
            kept[key], m = m, other
        dropped.add(id(m))
    return dropped


def _same_content(messages: list[Message]) -> set[int]:
    """Copies of messages that appear in several exports of one chat (same time, sender, kind and text): the
    copies kept are those of the file that has the most of them (a person may really send "ok" twice in a minute)."""
    files: dict[tuple[str, str], set[str]] = {}
    for m in messages:
        files.setdefault((m.platform, m.chat), set()).add(m.file)
    shared = {chat for chat, names in files.items() if len(names) > 1}
    if not shared:  # the usual case: each chat comes from one file, nothing to compare
        return set()
    copies: dict[tuple, Counter[str]] = {}
    for m in messages:
        if (m.platform, m.chat) in shared:
            copies.setdefault(_identity(m), Counter())[m.file] += 1
    winners = {key: counts.most_common(1)[0][0] for key, counts in copies.items() if len(counts) > 1}
    return {id(m) for m in messages if winners.get(_identity(m), m.file) != m.file}


def _identity(m: Message) -> tuple:
    return (m.platform, m.chat, m.timestamp, m.sender, m.kind, m.text)


def _parse_one(importer: Importer, file: ExportFile, result: ImportResult) -> FileReport:
    report = FileReport(file.name, importer.name)
    kinds = dict.fromkeys(Kind, 0)  # a plain dict by member: Counter and .value cost per message
    keep = result.messages.append
    record: Message | Skipped | None = None
    try:
        for record in importer.parse(file):
            if type(record) is Skipped:
                report.skipped[record.reason] += 1
                result.skipped.append(record)
            elif type(record) is Note:
                report.notes[record.text] += 1
            else:
                kinds[record.kind] += 1
                keep(record)
    except CloneError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:  # damaged bytes under the parser
        raise ImportFileError(file.name, None, f"cannot read the file ({type(error).__name__}: {error})") from None
    except Exception as error:  # an importer bug must still name the file, never dump a traceback
        where = f"after line {record.source.line}" if record else "at the start"
        raise ImportFileError(file.name, None, f"could not read {where} ({type(error).__name__}: {error})") from error
    report.kinds.update({kind.value: count for kind, count in kinds.items() if count})
    if hasattr(importer, "encoding"):
        report.encoding = importer.encoding(file)
    return report


# Importers register themselves on import, and detection asks them in this order: the more specific
# sniffers first (a Signal export looks like a year-first WhatsApp one).
PLATFORM_MODULES = (
    "signal",
    "imessage",
    "sms",
    "imessage_text",
    "line",
    "whatsapp",
    "telegram",
    "meta",
    "slack",
    "discord",
    "google",
    "hangouts",
    "mail",
)
for _module in PLATFORM_MODULES:
    importlib.import_module(f"clone.importers.{_module}")
