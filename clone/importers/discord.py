"""Discord: DiscordChatExporter (DCE) JSON and CSV exports, and Discord's own data package (one platform, one
file: its three layouts share the record reader, hence the length).

Three importers live here:

* ``discord-dce-json``: DCE's JSON (``{"guild", "channel", ..., "messages": [...]}``, UTF-8 with a BOM).
  Read as a stream with ijson (yajl), one message object at a time: a big server export can be gigabytes.
* ``discord-dce-csv``: DCE's CSV (``AuthorID,Author,Date,Content,Attachments,Reactions``). The CSV has no
  nickname, only ``name#discriminator``; the sender is the visible name with a ``#1234`` tag dropped (the
  author id is kept in ``extra["author_id"]``). The CSV does not say which messages are system messages,
  and the chat name comes from DCE's file name (``Guild - channel [id].csv``).
* ``discord-package``: ``<Messages>/c<id>/messages.json|csv`` from Discord's "Request my data" package.
  It holds only the account owner's own messages: each is sent by the owner (named from the package's
  ``account/user.json``) and marked ``extra["monologue"] = "true"`` so that they are never paired into a
  fake conversation.

Timestamps: DCE writes ISO 8601 with the exporting machine's UTC offset. Message.timestamp is naive local
time, so the wall time is kept as written and the offset dropped (not converted). The package's naive
``YYYY-MM-DD HH:MM:SS`` (UTC, per Discord) is kept as it is, as are the offsets of older package CSVs.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any, NamedTuple, TextIO

from clone.errors import ImportFileError
from clone.importers import ExportFile, register
from clone.importers.jsonstream import Malformed, array_items, json_events, members_before, until_closed
from clone.importers.reading import safe_head
from clone.importers.siblings import Folder, side_json
from clone.messages import Kind, Message, Skipped, Source

PLATFORM = "discord"
OWNER_FALLBACK = "Discord account owner"  # the package's sender when it has no account/user.json
EMPTY = "empty message (no text or attachments)"

Record = Message | Skipped


# --- shared helpers ---------------------------------------------------------------------------------


def _text(file: ExportFile) -> TextIO:
    # utf-8-sig: DCE JSON starts with a BOM. newline="": csv must see line breaks inside quotes as written.
    return io.TextIOWrapper(file.open(), encoding="utf-8-sig", newline="")


def _head_text(file: ExportFile) -> str:
    return safe_head(file).decode("utf-8", errors="replace").removeprefix("\ufeff")


def _guard(file: ExportFile, records: Iterator[Record]) -> Iterator[Record]:
    try:
        yield from records
    except UnicodeDecodeError as exc:
        raise ImportFileError(file.name, None, f"not UTF-8 text ({exc.reason})") from None


def _dedupe(records: Iterable[Record]) -> Iterator[Record]:
    """Skip repeats of a message id: DCE exports can hold the same message twice."""
    seen: set[str] = set()
    for record in records:
        if isinstance(record, Message) and record.id is not None:
            if record.id in seen:
                yield Skipped(record.source, "duplicate message id", record.text)
                continue
            seen.add(record.id)
        yield record


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _id(value: object) -> str | None:
    """Ids as exact strings: package ids are JSON integers above 2**53, which a float would round."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _iso(value: str) -> datetime | None:
    """An ISO 8601 time as its wall-clock time; any offset is dropped, not converted (see module doc)."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def _when(value: object, parse: Callable[[str], datetime | None]) -> datetime | str:
    """The parsed time, or the reason to skip the record."""
    if not isinstance(value, str) or not value.strip():
        return "missing timestamp"
    return parse(value.strip()) or "unreadable timestamp"


def _content(text: str, media: list[str]) -> tuple[Kind, str] | None:
    """Text wins; a message with only attachments is MEDIA whose text is their URLs; else nothing."""
    if text.strip():
        return Kind.TEXT, text
    if media:
        return Kind.MEDIA, " ".join(media)
    return None


def _extra(**values: str | None) -> dict[str, str]:
    return {key: value for key, value in values.items() if value}


def _csv_header(head: str) -> tuple[str, ...]:
    first = head.lstrip("\ufeff").splitlines()[:1]
    return tuple(next(csv.reader(first), ()))


def _csv_rows(
    file: ExportFile, headers: tuple[tuple[str, ...], ...]
) -> Iterator[tuple[Source, dict[str, str]] | Skipped]:
    """Each CSV record as {column: value} with the line it starts on; a row of the wrong width is skipped."""
    with _text(file) as text:
        reader = csv.reader(text)
        try:
            header = tuple(next(reader, ()))
            if not header:
                return  # a 0-byte file: nothing to read
            if header not in headers:
                raise ImportFileError(file.name, 1, f"unexpected CSV header: {','.join(header)}")
            end = reader.line_num
            for row in reader:
                source, end = Source(file.name, end + 1), reader.line_num
                if not row:
                    continue  # a blank line is no record
                if len(row) != len(header):
                    yield Skipped(source, "wrong number of CSV columns", ",".join(row))
                else:
                    yield source, dict(zip(header, row, strict=True))
        except csv.Error as exc:
            raise ImportFileError(file.name, reader.line_num, f"unreadable CSV: {exc}") from None


# --- DiscordChatExporter JSON ------------------------------------------------------------------------

_DCE_JSON = re.compile(r'\s*\{\s*"guild"\s*:\s*\{')
_REGULAR = {"Default", "Reply"}  # every other DCE message type is a system message


class DceJsonImporter:
    name = "discord-dce-json"

    def sniff(self, file: ExportFile) -> bool:
        head = _head_text(file)
        return bool(_DCE_JSON.match(head)) and '"channel"' in head

    def parse(self, file: ExportFile) -> Iterator[Record]:
        return _dedupe(_guard(file, self._records(file)))

    def _records(self, file: ExportFile) -> Iterator[Record]:
        done = -1  # records read; -1 while still in the guild/channel header
        with file.open() as raw:
            events = json_events(raw)
            try:
                chat = _dce_chat(members_before(events, "messages"))
                done = 0
                for done, record in enumerate(array_items(until_closed(events, "messages"), "messages"), 1):
                    yield _dce_message(record, Source(file.name, done), chat)
            except Malformed as exc:
                line = done + 1 if done >= 0 else None
                raise ImportFileError(file.name, line, f"malformed DiscordChatExporter JSON: {exc}") from None


def _dce_chat(header: dict[str, Any]) -> str:
    guild, channel = header.get("guild"), header.get("channel")
    names = [_str(part.get("name")) for part in (guild, channel) if isinstance(part, dict)]
    return " / ".join(name for name in names if name) or "Discord"


def _dce_message(record: Any, source: Source, chat: str) -> Record:
    if not isinstance(record, dict):
        return Skipped(source, "not a message object", str(record)[:200])
    text = _str(record.get("content"))
    stamp = _when(record.get("timestamp"), _iso)
    if isinstance(stamp, str):
        return Skipped(source, stamp, text)
    body = _dce_body(record, text)
    if body is None:
        return Skipped(source, EMPTY)
    kind, text = body
    author = record.get("author") if isinstance(record.get("author"), dict) else {}
    sender = _str(author.get("nickname")) or _str(author.get("name")) or None
    return Message(
        PLATFORM,
        chat,
        sender,
        stamp,
        text,
        kind,
        source.file,
        source.line,
        id=_id(record.get("id")),
        reply_to=_dce_reply_to(record, kind),
        extra=_dce_extra(record, author, kind),
    )


def _dce_body(record: dict[str, Any], text: str) -> tuple[Kind, str] | None:
    kind = _str(record.get("type")) or "Default"
    if kind not in _REGULAR:
        return Kind.SYSTEM, text or kind  # DCE writes English fallback text; older versions wrote none
    stickers = [f"[sticker: {name}]" for name in _fields(record.get("stickers"), "name")]
    body = _content(text, _fields(record.get("attachments"), "url") + stickers)
    if body is None and isinstance(record.get("forwardedMessage"), dict):
        return Kind.MEDIA, "[forwarded message]"  # someone else's words: not the author's to learn from
    return body


def _fields(items: object, key: str) -> list[str]:
    if not isinstance(items, list):
        return []
    return [item[key] for item in items if isinstance(item, dict) and _str(item.get(key))]


def _dce_reply_to(record: dict[str, Any], kind: Kind) -> str | None:
    # Pins and thread starts also carry a reference, and so do forwards; only a reply answers it.
    reference = record.get("reference")
    if kind is Kind.SYSTEM or not isinstance(reference, dict):
        return None
    if reference.get("type") not in (None, "Default"):
        return None
    return _id(reference.get("messageId"))


def _dce_extra(record: dict[str, Any], author: dict[str, Any], kind: Kind) -> dict[str, str]:
    attachments = _fields(record.get("attachments"), "url") if kind is Kind.TEXT else []
    forwarded = record.get("forwardedMessage")
    return _extra(
        author_id=_id(author.get("id")),
        author_name=_str(author.get("name")),
        bot="true" if author.get("isBot") is True else None,
        attachments=" ".join(attachments),
        forwarded=_str(forwarded.get("content")) if isinstance(forwarded, dict) else None,
    )


# --- DiscordChatExporter CSV -------------------------------------------------------------------------

_DCE_CSV_HEADERS = (
    ("AuthorID", "Author", "Date", "Content", "Attachments", "Reactions"),
    ("Author", "Date", "Content", "Attachments"),  # DCE before AuthorID and reactions were added
)
# Before 2023-11 DCE wrote dates with .NET's "dd-MMM-yy hh:mm tt" (or a --dateformat of the user's).
_DCE_LEGACY_DATES = ("%d-%b-%y %I:%M %p", "%d-%b-%y %I:%M:%S %p", "%d-%b-%Y %I:%M %p", "%d-%b-%y %H:%M")
_DISCRIMINATOR = re.compile(r"#\d{4}$")  # "name#1234": the tag is not part of what people see
_FILE_CHANNEL_ID = re.compile(r"(.*?)\s*\[(\d+)\]")  # DCE's default file name "Guild - channel [id]"


class DceCsvImporter:
    name = "discord-dce-csv"

    def sniff(self, file: ExportFile) -> bool:
        return _csv_header(_head_text(file)) in _DCE_CSV_HEADERS

    def parse(self, file: ExportFile) -> Iterator[Record]:
        return _dedupe(_guard(file, self._records(file)))

    def _records(self, file: ExportFile) -> Iterator[Record]:
        stem = PurePosixPath(file.member).stem if file.member else file.path.stem
        match = _FILE_CHANNEL_ID.fullmatch(stem)
        chat, channel_id = (match[1], match[2]) if match else (stem, None)
        for row in _csv_rows(file, _DCE_CSV_HEADERS):
            yield row if isinstance(row, Skipped) else _dce_csv_message(*row, chat, channel_id)


def _dce_date(value: str) -> datetime | None:
    if stamp := _iso(value):
        return stamp
    for layout in _DCE_LEGACY_DATES:
        try:
            return datetime.strptime(value, layout)
        except ValueError:
            continue
    return None


def _dce_csv_message(source: Source, row: dict[str, str], chat: str, channel_id: str | None) -> Record:
    stamp = _when(row["Date"], _dce_date)
    if isinstance(stamp, str):
        return Skipped(source, stamp, row["Content"])
    media = [url.strip() for url in row["Attachments"].split(",") if url.strip()]
    body = _content(row["Content"], media)
    if body is None:
        return Skipped(source, EMPTY)
    kind, text = body
    extra = _extra(
        author_id=row.get("AuthorID"),
        author_name=row["Author"],
        channel_id=channel_id,
        reactions=row.get("Reactions"),
        attachments=" ".join(media) if kind is Kind.TEXT else None,
    )
    sender = _DISCRIMINATOR.sub("", row["Author"]) or None
    return Message(PLATFORM, chat, sender, stamp, text, kind, source.file, source.line, extra=extra)


# --- Discord data package --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Channel:
    id: str
    chat: str
    owner: str
    owner_id: str | None


class _Row(NamedTuple):
    source: Source
    id: object
    timestamp: object
    contents: object
    attachments: object


_PACKAGE_FILES = ("messages.json", "messages.csv")
_PACKAGE_CSV_HEADER = ("ID", "Timestamp", "Contents", "Attachments")
_PACKAGE_JSON = re.compile(r'\[\s*(?:\]|\{\s*"ID"\s*:)')


class DiscordPackageImporter:
    name = "discord-package"

    def sniff(self, file: ExportFile) -> bool:
        base = PurePosixPath(file.member or file.path.name).name.lower()
        if base not in _PACKAGE_FILES or Folder.of(file).file("channel.json") is None:
            return False
        head = _head_text(file).lstrip()
        if not head:
            return True  # Discord writes some channels' messages as 0-byte files
        if base == "messages.csv":
            return _csv_header(head) == _PACKAGE_CSV_HEADER
        return bool(_PACKAGE_JSON.match(head))

    def parse(self, file: ExportFile) -> Iterator[Record]:
        return _dedupe(_guard(file, self._records(file)))

    def _records(self, file: ExportFile) -> Iterator[Record]:
        channel = _channel(file)
        rows = _package_csv(file) if file.name.lower().endswith(".csv") else _package_json(file)
        for row in rows:
            yield row if isinstance(row, Skipped) else _package_message(row, channel)


def _package_json(file: ExportFile) -> Iterator[_Row | Skipped]:
    done = 0  # records read: an error is in the next one
    with file.open() as raw:
        events = json_events(raw)
        try:
            first = next(events, None)
            if first is None:
                return  # a 0-byte file
            # ijson reads on to the end: anything after the array (a file joined to another?) is an error.
            for done, record in enumerate(array_items(itertools.chain([first], events), ""), 1):
                source = Source(file.name, done)
                if isinstance(record, dict):
                    yield _Row(source, *(record.get(key) for key in _PACKAGE_CSV_HEADER))
                else:
                    yield Skipped(source, "not a message object", str(record)[:200])
        except Malformed as exc:
            raise ImportFileError(file.name, done + 1, f"malformed Discord messages.json: {exc}") from None


def _package_csv(file: ExportFile) -> Iterator[_Row | Skipped]:
    for row in _csv_rows(file, (_PACKAGE_CSV_HEADER,)):
        if isinstance(row, Skipped):
            yield row
        else:
            source, values = row
            yield _Row(source, *(values[key] for key in _PACKAGE_CSV_HEADER))


def _package_message(row: _Row, channel: _Channel) -> Record:
    text = _str(row.contents)
    stamp = _when(row.timestamp, _iso)
    if isinstance(stamp, str):
        return Skipped(row.source, stamp, text)
    media = _str(row.attachments).split()  # the package separates attachment URLs with spaces
    body = _content(text, media)
    if body is None:
        return Skipped(row.source, EMPTY)
    kind, text = body
    extra = _extra(
        monologue="true",
        channel_id=channel.id,
        author_id=channel.owner_id,
        attachments=" ".join(media) if kind is Kind.TEXT else None,
    )
    file, line = row.source.file, row.source.line
    return Message(PLATFORM, channel.chat, channel.owner, stamp, text, kind, file, line, id=_id(row.id), extra=extra)


def _channel(file: ExportFile) -> _Channel:
    folder = Folder.of(file)
    info = side_json(folder.file("channel.json"))
    info = info if isinstance(info, dict) else {}
    folder_name = PurePosixPath(folder.member or folder.path.name).name
    channel_id = _id(info.get("id")) or folder_name.removeprefix("c")  # folders are c<id>, once <id>
    root = folder.parent()
    owner, owner_id = _owner(root.parent()) if root else (OWNER_FALLBACK, None)
    index = _index(root) if root else {}
    return _Channel(channel_id, _chat_name(info, channel_id, owner_id, index), owner, owner_id)


def _chat_name(info: dict[str, Any], channel_id: str, owner_id: str | None, index: dict[str, str]) -> str:
    """channel.json's name (and server), else the other people in a DM, else index.json, else the id."""
    guild = info.get("guild")
    guild_name = _str(guild.get("name")) if isinstance(guild, dict) else ""
    if name := _str(info.get("name")):
        return f"{guild_name} / {name}" if guild_name else name
    listed = info.get("recipients")
    names = map(_recipient, listed if isinstance(listed, list) else [])
    recipients = [name for name in names if name not in ("", owner_id)]
    # Recipients are usually bare user ids; index.json's "Direct Message with alice" reads better.
    if recipients and not all(r.isdigit() for r in recipients):
        return ", ".join(recipients)
    return index.get(channel_id) or ", ".join(recipients) or channel_id


def _recipient(value: object) -> str:
    if isinstance(value, dict):
        return _str(value.get("global_name")) or _str(value.get("username")) or (_id(value.get("id")) or "")
    return _id(value) or ""


@lru_cache(maxsize=16)
def _index(root: Folder) -> dict[str, str]:
    """index.json next to the channel folders: {channel id: display name} ("None" where Discord had none)."""
    data = side_json(root.file("index.json"))
    if not isinstance(data, dict):
        return {}
    return {str(key): value for key, value in data.items() if isinstance(value, str) and value != "None"}


@lru_cache(maxsize=16)
def _owner(package: Folder | None) -> tuple[str, str | None]:
    """The account owner's display name and id from <package>/account/user.json, whatever the folder's
    language: the package's messages are all theirs, and their name is how they are recognised as "me"."""
    if package is None:
        return OWNER_FALLBACK, None
    try:
        folders = ["account", "Account", *package.subfolders()]
    except OSError:
        folders = []
    for folder in dict.fromkeys(folders):
        user = side_json(package.file(folder, "user.json"))
        if not isinstance(user, dict):
            continue
        name, user_id = _str(user.get("global_name")) or _str(user.get("username")), _id(user.get("id"))
        # A translated folder name is only trusted with a Discord user id, not any app's user.json.
        if name and (folder.lower() == "account" or (user_id or "").isdigit()):
            return name, user_id
    return OWNER_FALLBACK, None


DCE_JSON = register(DceJsonImporter())
DCE_CSV = register(DceCsvImporter())
PACKAGE = register(DiscordPackageImporter())
