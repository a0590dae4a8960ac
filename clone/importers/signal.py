"""Signal plain-text exports: ``[YYYY-MM-DD, HH:MM] Name: text``, continuation lines without a header.

Times are the local wall time the export shows. Multi-line messages keep their line breaks. The file has
no chat name, so the chat is the file's name without extension.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePosixPath

from clone.importers import ExportFile, register
from clone.importers.reading import read_lines, safe_head
from clone.messages import Kind, Message, Skipped, Source

PLATFORM = "signal"
# ISO date, comma, minutes without seconds, in brackets; WhatsApp's bracketed (iOS) headers carry seconds.
HEADER = re.compile(r"^\[(\d{4}-\d{2}-\d{2}, \d{2}:\d{2})\] (.*)$")


class SignalImporter:
    name = "signal"

    def sniff(self, file: ExportFile) -> bool:
        text = safe_head(file).decode("utf-8-sig", errors="replace")
        first = next((line for line in text.splitlines() if line.strip()), "")
        return bool(HEADER.match(first))

    def parse(self, file: ExportFile) -> Iterator[Message | Skipped]:
        chat = PurePosixPath(file.member or file.path.name).stem
        for number, header, more in _blocks(read_lines(file)):
            if header is not None:
                yield _record(header, more, chat, Source(file.name, number))
                continue
            for offset, line in enumerate(more):
                if line.strip():
                    yield Skipped(Source(file.name, number + offset), "text before the first message", line)


def _blocks(lines: list[str]) -> Iterator[tuple[int, re.Match[str] | None, list[str]]]:
    """(first line number, header, continuation lines) per message; a header of None is text before any."""
    header: re.Match[str] | None = None
    more: list[str] = []
    number = 1
    for index, line in enumerate(lines, 1):
        match = HEADER.match(line)
        if match is None:
            more.append(line)
            continue
        if header is not None or more:
            yield number, header, more
        number, header, more = index, match, []
    if header is not None or more:
        yield number, header, more


def _record(header: re.Match[str], more: list[str], chat: str, source: Source) -> Message | Skipped:
    try:
        when = datetime.strptime(header[1], "%Y-%m-%d, %H:%M")
    except ValueError:
        return Skipped(source, "invalid date", "\n".join([header[0], *more]))
    while more and not more[-1].strip():
        more = more[:-1]  # blank lines before the next header belong to no one
    body = header[2]
    sender, sep, first = body.partition(": ")
    if not sep and body.endswith(":"):
        sender, sep, first = body[:-1], ":", ""
    if not sep:  # no "Name:": a notice from Signal itself
        return Message(PLATFORM, chat, None, when, "\n".join([body, *more]), Kind.SYSTEM, source.file, source.line)
    text = "\n".join([first, *more]).strip("\n")
    if not text.strip():
        return Skipped(source, "empty message", body)
    return Message(PLATFORM, chat, sender.strip(), when, text, Kind.TEXT, source.file, source.line)


register(SignalImporter())
