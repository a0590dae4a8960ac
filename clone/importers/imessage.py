"""iMessage / SMS on macOS: the Messages app's ``~/Library/Messages/chat.db`` (and ``sms.db`` of an iPhone backup).

The database is never opened where it lies: its bytes (a zip member's too) are copied to a private temporary
file first, with a ``-wal`` file beside it when there is one, and the copy is opened read-only (``mode=ro``).

One record per row of the ``message`` table, in ROWID order. Chats come from ``chat`` / ``chat_message_join``:
a group's ``display_name``, else its members' handles. chat.db holds no contact names, so other people are
their handles (a phone number or an e-mail address); the owner's messages (``is_from_me``) are sent by
``OWNER`` ("Me", as imessage-exporter writes it): import with ``--me Me``. Text is the ``text`` column, or
the string inside ``attributedBody`` (a typedstream NSAttributedString; newer macOS leaves ``text`` empty).
Tapbacks (associated_message_type 2000-2007) are REACTION messages whose ``reply_to`` is the message they
react to; their removal (3000-3007) is skipped. Times are stored in UTC, from 2001-01-01, in seconds (older
macOS) or nanoseconds: timestamps are naive UTC, like the other importers that get only epoch times.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from clone.errors import ImportFileError
from clone.importers import ExportFile, register
from clone.importers.reading import READ_ERRORS
from clone.messages import OWNER, Kind, Message, Skipped, Source

PLATFORM = "imessage"
SQLITE_MAGIC = b"SQLite format 3\x00"
NAMES = frozenset({"chat.db", "sms.db"})
SCHEMA_MARKER = b"chat_message_join"  # a table only the Messages database has
MARKER_BYTES = 1 << 18  # how far into an unnamed SQLite file the sniffer looks for the marker
REQUIRED = ("message", "handle", "chat", "chat_message_join", "chat_handle_join")
APPLE_EPOCH = datetime(2001, 1, 1)
NANOSECONDS = 10**11  # a date above this is in nanoseconds (macOS 10.13+): seconds would be year 5000+
OBJECT_REPLACEMENT = "\ufffc"  # where an attachment sits inside the text

TAPBACKS = {0: "Loved", 1: "Liked", 2: "Disliked", 3: "Laughed", 4: "Emphasized", 5: "Questioned"}
EMOJI_TAPBACK, STICKER_TAPBACK = 6, 7
# Columns read from ``message``; older databases lack some (thread_originator_guid came with macOS 11,
# date_retracted/associated_message_emoji later): a missing one reads as NULL.
COLUMNS = (
    "ROWID",
    "guid",
    "text",
    "attributedBody",
    "handle_id",
    "date",
    "is_from_me",
    "item_type",
    "group_title",
    "group_action_type",
    "other_handle",
    "associated_message_guid",
    "associated_message_type",
    "associated_message_emoji",
    "thread_originator_guid",
    "cache_has_attachments",
    "date_retracted",
    "service",
)


class IMessageImporter:
    name = "imessage"

    def sniff(self, file: ExportFile) -> bool:
        try:
            if file.head(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                return False
            name = Path(file.member or file.path.name).name.lower()
            return name in NAMES or SCHEMA_MARKER in file.head(MARKER_BYTES)
        except READ_ERRORS:
            return False

    def parse(self, file: ExportFile) -> Iterator[Message | Skipped]:
        with _private_copy(file) as path:
            try:
                connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            except sqlite3.Error as error:
                raise ImportFileError(file.name, None, f"cannot open the SQLite database ({error})") from None
            connection.text_factory = _text  # a damaged page's bytes must not stop the import
            try:
                yield from _records(connection, file.name)
            except (sqlite3.Error, UnicodeDecodeError) as error:  # a damaged schema names columns in bad UTF-8
                raise ImportFileError(file.name, None, f"damaged iMessage database ({error})") from None
            finally:
                connection.close()


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


@contextmanager
def _private_copy(file: ExportFile) -> Iterator[Path]:
    """The database's bytes in a private temporary folder (0700), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="clone-imessage-"))
    try:
        target = folder / "chat.db"
        with file.open() as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        wal = file.path.with_name(file.path.name + "-wal")
        if file.member is None and wal.is_file():  # the messages Messages has not checkpointed yet
            shutil.copyfile(wal, folder / "chat.db-wal")
        for path in folder.iterdir():
            os.chmod(path, 0o600)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _records(connection: sqlite3.Connection, name: str) -> Iterator[Message | Skipped]:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in REQUIRED if t not in tables]
    if missing:
        raise ImportFileError(name, None, f"SQLite database without the iMessage tables {', '.join(missing)}")
    handles = {rowid: str(value) for rowid, value in connection.execute("SELECT ROWID, id FROM handle")}
    chats = _chat_names(connection, handles)
    chat_of = dict(connection.execute("SELECT message_id, chat_id FROM chat_message_join"))
    files = _attachment_names(connection, tables)
    present = {row[1] for row in connection.execute("PRAGMA table_info(message)")}
    selected = ", ".join(c if c in present else f"NULL AS {c}" for c in COLUMNS)
    cursor = connection.execute(f"SELECT {selected} FROM message ORDER BY ROWID")  # the names are ours (COLUMNS)
    cursor.row_factory = sqlite3.Row
    for number, row in enumerate(cursor, 1):
        chat = chats.get(chat_of.get(row["ROWID"]), "") or handles.get(row["handle_id"], "") or "no chat"
        yield _record(row, chat, handles, files.get(row["ROWID"], []), Source(name, number))


def _chat_names(connection: sqlite3.Connection, handles: dict[int, str]) -> dict[int, str]:
    """Each chat's name: its display name (groups), else its members' handles, else its identifier."""
    members: dict[int, list[str]] = {}
    for chat_id, handle_id in connection.execute("SELECT chat_id, handle_id FROM chat_handle_join"):
        if handle_id in handles:
            members.setdefault(chat_id, []).append(handles[handle_id])
    names = {}
    for chat_id, display, identifier in connection.execute("SELECT ROWID, display_name, chat_identifier FROM chat"):
        listed = ", ".join(sorted(members.get(chat_id, [])))
        names[chat_id] = str(display or "") or listed or str(identifier or "") or f"chat {chat_id}"
    return names


def _attachment_names(connection: sqlite3.Connection, tables: set[str]) -> dict[int, list[str]]:
    """Each message's attachments, by the name the sender gave them (or the stored file's name)."""
    if not {"attachment", "message_attachment_join"} <= tables:
        return {}
    found: dict[int, list[str]] = {}
    query = (
        "SELECT j.message_id, a.transfer_name, a.filename FROM message_attachment_join j "
        "JOIN attachment a ON a.ROWID = j.attachment_id ORDER BY j.message_id, a.ROWID"
    )
    for message_id, transfer, stored in connection.execute(query):
        label = str(transfer or "") or Path(str(stored or "")).name or "attachment"
        found.setdefault(message_id, []).append(label)
    return found


def apple_time(value: object) -> datetime | None:
    """A chat.db date (seconds or nanoseconds since 2001-01-01 UTC) as naive UTC; None when unusable."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return None
    seconds = value / 1e9 if value > NANOSECONDS else value
    try:
        return APPLE_EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        return None


def _record(
    row: sqlite3.Row, chat: str, handles: dict[int, str], files: list[str], source: Source
) -> Message | Skipped:
    when = apple_time(row["date"])
    if when is None:
        return Skipped(source, "no valid date", str(row["date"]))
    sender = OWNER if row["is_from_me"] else handles.get(row["handle_id"])
    reaction = row["associated_message_type"]
    if isinstance(reaction, int) and 2000 <= reaction < 4000:
        return _tapback(row, reaction, chat, sender, when, source)
    if row["item_type"]:
        text = _event_text(row, sender, handles)
        return _message(row, chat, None, when, text, Kind.SYSTEM, source)
    if row["date_retracted"]:
        return _message(row, chat, sender, when, "", Kind.DELETED, source)
    text = message_text(row["text"], row["attributedBody"]).replace(OBJECT_REPLACEMENT, "").strip()
    if files or (row["cache_has_attachments"] and not text):
        labels = files or ["attachment"]
        return _message(row, chat, sender, when, text or f"<{', '.join(labels)}>", Kind.MEDIA, source, labels)
    if not text:
        return Skipped(source, "empty message (no text, body or attachment)")
    return _message(row, chat, sender, when, text, Kind.TEXT, source)


def _tapback(
    row: sqlite3.Row, reaction: int, chat: str, sender: str | None, when: datetime, source: Source
) -> Message | Skipped:
    if reaction >= 3000:
        return Skipped(source, "reaction removed")
    offset = reaction - 2000
    if offset == EMOJI_TAPBACK:
        label = str(row["associated_message_emoji"] or "emoji")
    elif offset == STICKER_TAPBACK:
        label = "sticker"
    elif offset in TAPBACKS:
        label = TAPBACKS[offset]
    else:
        return Skipped(source, f"unknown reaction type {reaction}")
    return _message(row, chat, sender, when, label, Kind.REACTION, source)


def _event_text(row: sqlite3.Row, sender: str | None, handles: dict[int, str]) -> str:
    """What a group event says: a rename, someone added or removed, someone leaving."""
    who = sender or "someone"
    other = handles.get(row["other_handle"]) or "someone"
    kind, action = row["item_type"], row["group_action_type"]
    if kind == 2:
        return f"{who} named the conversation {row['group_title'] or ''}".rstrip()
    if kind == 1:
        return f"{who} {'removed' if action == 1 else 'added'} {other}"
    if kind == 3:
        return f"{who} left the conversation" if action == 0 else f"{who} changed the group photo"
    return f"{who}: group event (item_type {kind})"


def _message(
    row: sqlite3.Row,
    chat: str,
    sender: str | None,
    when: datetime,
    text: str,
    kind: Kind,
    source: Source,
    files: list[str] | None = None,
) -> Message:
    extra = {"service": str(row["service"])} if row["service"] else {}
    if files:
        extra["attachments"] = ", ".join(files)
    target = row["associated_message_guid"] or row["thread_originator_guid"]
    guid, reply = (str(row["guid"]) if row["guid"] else None), (_target_guid(target) if target else None)
    return Message(PLATFORM, chat, sender, when, text, kind, source.file, source.line, guid, reply, extra)


def _target_guid(value: object) -> str:
    """The guid a tapback or reply points at: ``p:0/GUID`` (part 0 of it) or ``bp:GUID`` name a message."""
    text = str(value)
    return text.split("/", 1)[1] if text.startswith("p:") and "/" in text else text.removeprefix("bp:")


# ---------------------------------------------------------------------------------------------------
# attributedBody: an NSAttributedString archived as a little-endian typedstream ("streamtyped"). The text is
# the first NSString's contents: after the class chain, the typed value "+" (0x84 0x01 0x2B) is followed by a
# length and that many UTF-8 bytes. The length is one signed byte, or 0x81 + 2 bytes, or 0x82 + 4 bytes.

_STRING_CLASS = b"NSString"
_TYPED_BYTES = b"\x84\x01+"
_INT16, _INT32 = 0x81, 0x82


def message_text(text: object, body: object) -> str:
    """A message's text: the ``text`` column, else what ``attributedBody`` holds (newer macOS)."""
    if isinstance(text, str) and text.strip():
        return text
    return decode_attributed_body(body) if isinstance(body, bytes) else ""


def decode_attributed_body(blob: bytes) -> str:
    """The plain text inside an attributedBody blob; "" when there is none or the blob is damaged."""
    marker = blob.find(_STRING_CLASS)
    start = blob.find(_TYPED_BYTES, marker) if marker >= 0 else -1
    if start < 0:
        return ""
    at = start + len(_TYPED_BYTES)
    if at >= len(blob):
        return ""
    head = blob[at]
    if head == _INT16:
        length, at = int.from_bytes(blob[at + 1 : at + 3], "little"), at + 3
    elif head == _INT32:
        length, at = int.from_bytes(blob[at + 1 : at + 5], "little"), at + 5
    elif head < 0x80:
        length, at = head, at + 1
    else:
        return ""
    data = blob[at : at + length]
    if len(data) < length:
        return ""  # cut short: not a string this blob really holds
    return data.decode("utf-8", errors="replace")


register(IMessageImporter())
