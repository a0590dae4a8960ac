"""The text export of imessage-exporter (``imessage-exporter -f txt``): one ``.txt`` per conversation.

Each message is a date line (``May 17, 2022  5:29:42 PM``, maybe with `` (Read by you after 1 minute)``), a
sender line (``Me`` for the owner, unless the export was made with a custom name; a contact name, number or
address for others), its text lines, and a blank line. Attachments are their file paths; a message's tapbacks
follow a ``Reactions:`` (older versions) or ``Tapbacks:`` line as ``Loved by Me``; replies in a thread come
inside the message they answer, indented by four spaces, and are messages of their own. A group event is one
line: the date, then what happened (``... PM You named the conversation Climbers``).

Times are local wall time, as the exporter wrote them. The file has no chat name: the chat is the file's name
without extension (the exporter names files after the contact or group).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from clone.importers import ExportFile, limits, register
from clone.importers.reading import read_lines, safe_head
from clone.messages import Kind, Message, Skipped, Source

PLATFORM = "imessage"
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
HEADER = re.compile(
    rf"^(?P<indent>(?: {{4}})*)(?P<date>(?:{_MONTHS}) \d{{2}}, \d{{4}} [ \d]\d:\d{{2}}:\d{{2}} [AP]M)(?P<rest>.*)$"
)
_RECEIPT = re.compile(r"^ \(Read by .+ after .+\)$")
DATE_FORMAT = "%b %d, %Y %I:%M:%S %p"
REACTION_HEADINGS = frozenset({"Reactions:", "Tapbacks:"})
_REACTION = re.compile(
    r"^(?P<what>Loved|Liked|Disliked|Laughed|Emphasized|Questioned|Reacted \S+(?: \S+)?) by (?P<who>.+)$"
)
_STICKER = re.compile(r"^Sticker from (?P<who>[^:]+): .+$")
_ATTACHMENT = re.compile(r"^(?:~/|/|\.{1,2}/|attachments/).*\.[A-Za-z0-9]{2,5}$")
MISSING_ATTACHMENT = "Attachment missing!"
DELETED = "This message was deleted from the conversation!"
REPLY_NOTE = "This message responded to an earlier message."
_EFFECT = re.compile(r"^Sent with [A-Z][A-Za-z ]+$")
_EDIT = re.compile(r"^Edited .+ later: (?P<text>.*)$")


@dataclass
class _Block:
    """One message being read: its header, then its body lines (line number, text without the indent)."""

    indent: str
    line: int
    when: datetime
    sender: str
    body: list[tuple[int, str]] = field(default_factory=list)


class IMessageTextImporter:
    name = "imessage-text"

    def sniff(self, file: ExportFile) -> bool:
        text = safe_head(file).decode("utf-8-sig", errors="replace")
        lines = [line.removesuffix("\r") for line in text.split("\n")]
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        return first is not None and _message_header(lines, first) is not None

    def parse(self, file: ExportFile) -> Iterator[Message | Skipped]:
        chat = PurePosixPath(file.member or file.path.name).stem
        records: list[Message | Skipped] = []
        stack: list[_Block] = []
        lines = read_lines(file)
        index = 0
        while index < len(lines):
            index = _step(lines, index, stack, records, chat, file.name)
        while stack:
            records.extend(_finish(stack.pop(), chat, file.name))
        yield from sorted(records, key=lambda r: r.source.line)  # a thread's replies sit inside their message


def _message_header(lines: list[str], index: int) -> tuple[re.Match[str], datetime] | None:
    """The date line at ``index`` when it starts a message: a date (maybe a read receipt), then a sender."""
    match = HEADER.match(lines[index])
    if match is None or (match["rest"] and not _RECEIPT.match(match["rest"])) or index + 1 >= len(lines):
        return None
    sender = lines[index + 1]
    if not sender.startswith(match["indent"]) or not sender.strip() or HEADER.match(sender):
        return None
    when = _date(match["date"])
    return (match, when) if when else None


def _date(text: str) -> datetime | None:
    try:
        return datetime.strptime(" ".join(text.split()), DATE_FORMAT)
    except ValueError:
        return None


def _step(
    lines: list[str], index: int, stack: list[_Block], records: list[Message | Skipped], chat: str, name: str
) -> int:
    """Read the line at ``index`` (and the sender line after a header); the index of the next line to read."""
    line, number = lines[index], index + 1
    limit = limits.current().line_chars
    if len(line) > limit:  # a hostile or broken file's one huge line: skipped, in bounded time
        records.append(Skipped(Source(name, number), limits.line_too_long(limit), line[:200]))
        return index + 1
    header = _message_header(lines, index)
    if header is not None:
        match, when = header
        _close(stack, len(match["indent"]), records, chat, name)
        sender = lines[index + 1][len(match["indent"]) :].strip()
        stack.append(_Block(match["indent"], number, when, sender))
        return index + 2
    match = HEADER.match(line)
    if match and (not match["rest"] or _RECEIPT.match(match["rest"])):  # a message's date, but no sender after it
        _close(stack, len(match["indent"]), records, chat, name)
        reason = "date line without a sender line" if _date(match["date"]) else "invalid date"
        records.append(Skipped(Source(name, number), reason, line))
        return index + 1
    if match and match["rest"].strip() and not (stack and not stack[-1].body and line.startswith(stack[-1].indent)):
        when = _date(match["date"])
        _close(stack, len(match["indent"]), records, chat, name)
        if when is None:
            records.append(Skipped(Source(name, number), "invalid date", line))
        else:  # a group event: "<date> You named the conversation Climbers"
            text = match["rest"].strip()
            records.append(Message(PLATFORM, chat, None, when, text, Kind.SYSTEM, name, number))
        return index + 1
    if not stack:
        if line.strip():
            records.append(Skipped(Source(name, number), "text before the first message", line))
        return index + 1
    while len(stack) > 1 and line.strip() and not line.startswith(stack[-1].indent):
        records.extend(_finish(stack.pop(), chat, name))  # back out of a reply: the text is its parent's again
    block = stack[-1]
    block.body.append((number, line.removeprefix(block.indent)))
    return index + 1


def _close(stack: list[_Block], depth: int, records: list[Message | Skipped], chat: str, name: str) -> None:
    """End the messages a header at indentation ``depth`` follows: its siblings and their replies."""
    while stack and len(stack[-1].indent) >= depth:
        records.extend(_finish(stack.pop(), chat, name))


def _finish(block: _Block, chat: str, name: str) -> list[Message | Skipped]:
    """The message a block makes, and its tapbacks (REACTION messages on their own lines)."""
    text: list[str] = []
    files: list[str] = []
    extra: dict[str, str] = {}
    reactions: list[Message] = []
    in_reactions, deleted, edited = False, False, None
    for number, line in block.body:
        content = line.strip()
        if content in REACTION_HEADINGS:
            in_reactions = True
            continue
        if in_reactions and content:
            reaction = _reaction(content, block, chat, Source(name, number))
            if reaction is not None:
                reactions.append(reaction)
                continue
            in_reactions = False  # the next part of the message
        if content == DELETED:
            deleted = True
        elif content == REPLY_NOTE:
            extra["reply"] = "true"
        elif _EFFECT.match(content):
            extra["effect"] = content.removeprefix("Sent with ")
        elif content == MISSING_ATTACHMENT or _ATTACHMENT.match(content):
            files.append(content)
        elif edit := _EDIT.match(content):
            edited = edit["text"]
        elif (dated := HEADER.match(line)) and not text:  # an edited message's first version, with its time
            text.append(dated["rest"].strip())
        else:
            text.append(line)
    return [_message(block, chat, name, text, files, extra, deleted, edited), *reactions]


def _reaction(content: str, block: _Block, chat: str, source: Source) -> Message | None:
    match = _REACTION.match(content)
    if match:
        who, what = match["who"], match["what"].removeprefix("Reacted ")
    elif sticker := _STICKER.match(content):
        who, what = sticker["who"], "sticker"
    else:
        return None
    return Message(PLATFORM, chat, who.strip(), block.when, what, Kind.REACTION, source.file, source.line)


def _message(
    block: _Block,
    chat: str,
    name: str,
    lines: list[str],
    files: list[str],
    extra: dict[str, str],
    deleted: bool,
    edited: str | None,
) -> Message | Skipped:
    text = "\n".join(lines).strip("\n")
    if edited is not None:  # the latest version is the message; the first is kept beside it
        extra["first_version"], text = text, edited
    source = Source(name, block.line)
    if files:
        extra["attachments"] = ", ".join(PurePosixPath(f).name for f in files)
    if deleted:
        kind = Kind.DELETED
    elif files:
        text, kind = text or f"<{extra['attachments']}>", Kind.MEDIA
    elif text.strip():
        kind = Kind.TEXT
    else:
        return Skipped(source, "empty message", block.sender)
    return Message(PLATFORM, chat, block.sender, block.when, text, kind, name, block.line, extra=extra)


register(IMessageTextImporter())
