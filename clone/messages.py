"""The one data model: every importer yields these, everything downstream reads only these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

NO_EXTRA: Mapping[str, str] = MappingProxyType({})  # shared: a million messages need no million empty dicts
# The sender of the person's own messages where the export does not name them (iMessage's chat.db, Android SMS
# backups; "Me" as imessage-exporter writes it): `--me Me` selects them.
OWNER = "Me"


class Kind(StrEnum):
    TEXT = "text"
    MEDIA = "media"  # a photo, voice note, sticker... (placeholder text only)
    SYSTEM = "system"  # "X joined", "Messages are end-to-end encrypted", ...
    DELETED = "deleted"  # "This message was deleted"
    REACTION = "reaction"  # a tapback / emoji reaction to another message (reply_to names it)


@dataclass(slots=True)
class Source:
    """Where a message came from, so every message and skip can be traced back."""

    file: str  # display name, e.g. "chat.zip!_chat.txt"
    line: int  # 1-based line (or record number for JSON/mail formats)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True)
class Message:
    platform: str  # "whatsapp", "discord", ...
    chat: str  # the conversation's name (a contact, a group, a channel)
    sender: str | None  # None for system lines that have no author
    timestamp: datetime  # naive local time as the export shows it
    text: str
    kind: Kind
    # Where it came from, as two fields rather than a Source: a million messages are then a million fewer
    # objects to allocate and for the garbage collector to walk. ``source`` gives them as a Source.
    file: str
    line: int
    id: str | None = None  # platform message id, where the platform has one
    reply_to: str | None = None  # id of the message this one replies to
    extra: Mapping[str, str] = field(default_factory=lambda: NO_EXTRA)  # attachments, edits, platform ids

    @property
    def source(self) -> Source:
        return Source(self.file, self.line)


@dataclass(frozen=True, slots=True)
class Note:
    """Something the import report should say about a message beside it: an inference the importer made
    ("sender taken from the mbox envelope"). Counted per file, never a message itself."""

    source: Source
    text: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """A line or record that did not become a message, and why. Nothing is dropped silently."""

    source: Source
    reason: str
    text: str = ""


@dataclass(slots=True)
class Document:
    """A piece of long-form writing (a note, a journal page, a blog post, a sent e-mail): what the pre-training
    stage learns language from, never a chat turn. ``author`` None: the person themselves; a name: a family
    corpus by someone else (`clone import --author`), learnt from before the person's chats, never as their voice."""

    path: str  # the file's display name, as Source.file ("notes.zip!2025/march.md")
    title: str
    author: str | None
    date: datetime | None  # when it was written, where the file says so
    text: str
    source: str  # the format it was read from: "markdown", "text", "html", "wordpress", "docx", "email"
    line: int = 1  # the record within the file (a WordPress export's item, an mbox's message)
