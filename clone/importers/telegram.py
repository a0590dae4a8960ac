"""Telegram Desktop JSON: one chat ("Export chat history") or the whole account ("Export Telegram data").

Timestamps: ``date`` is the wall-clock time of the machine that made the export, which is what the data
model wants, so it wins. Only when a record has no ``date`` is ``date_unixtime`` used, converted to naive
UTC (the export does not say which zone the user lives in, and the machine running the import may differ).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from clone.errors import ImportFileError
from clone.importers import ExportFile, register
from clone.importers.reading import load_json, safe_head
from clone.messages import Kind, Message, Skipped, Source

PLATFORM = "telegram"
DELETED_ACCOUNT = "Deleted Account"  # what Telegram itself shows for a null ``from``

# A JSON object whose first 8 KiB has a Telegram-only key, or a message/service record.
_OBJECT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*\{")
_MARKERS = re.compile(
    rb'"(?:date_unixtime|text_entities|from_id|personal_information)"\s*:'
    rb'|"chats"\s*:\s*\{|"type"\s*:\s*"(?:message|service)"'
)

# Keys that make a message media, in priority order, with the label used when there is no caption.
_MEDIA_KEYS = (
    ("photo", "photo"),
    ("file", "file"),
    ("poll", "poll"),
    ("location_information", "location"),
    ("contact_information", "contact"),
    ("game_title", "game"),
    ("invoice_information", "invoice"),
)


class TelegramImporter:
    name = "telegram"

    def sniff(self, file: ExportFile) -> bool:
        head = safe_head(file)
        return bool(_OBJECT.match(head) and _MARKERS.search(head))

    def parse(self, file: ExportFile) -> Iterator[Message | Skipped]:
        line = 0  # one running record number over all chats, so every Source in the file is unique
        for chat, records in _chats(file, load_json(file)):
            for record in records:
                line += 1
                yield _record(record, chat, Source(file.name, line))


def _chats(file: ExportFile, data: Any) -> Iterator[tuple[str, list[Any]]]:
    """(chat name, records) for a single-chat export, or for every chat of a whole-account export."""
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        yield _chat_name(data, PurePosixPath(file.member or file.path.name).stem), data["messages"]
        return
    chats = _list_at(data, "chats")
    if chats is None:
        raise ImportFileError(file.name, None, "Telegram export without a 'messages' or 'chats' list")
    # Chats the user left are still their history; Telegram lists them separately.
    for index, chat in enumerate([*chats, *(_list_at(data, "left_chats") or [])], 1):
        if not isinstance(chat, dict) or not isinstance(chat.get("messages"), list):
            raise ImportFileError(file.name, None, f"chat #{index} has no 'messages' list")
        yield _chat_name(chat, f"chat {chat.get('id', index)}"), chat["messages"]


def _list_at(data: Any, key: str) -> list[Any] | None:
    """``data[key]["list"]`` when it is a list (the whole-account layout), else None."""
    section = data.get(key) if isinstance(data, dict) else None
    found = section.get("list") if isinstance(section, dict) else None
    return found if isinstance(found, list) else None


def _chat_name(chat: dict[str, Any], fallback: str) -> str:
    if isinstance(chat.get("name"), str) and chat["name"]:
        return chat["name"]
    return "Saved Messages" if chat.get("type") == "saved_messages" else fallback


def _record(record: Any, chat: str, source: Source) -> Message | Skipped:
    if not isinstance(record, dict):
        return Skipped(source, "not a message object", str(record)[:200])
    kind = record.get("type")
    if kind not in ("message", "service"):
        return Skipped(source, f"unknown record type {kind!r}")
    when = _timestamp(record)
    if when is None:
        return Skipped(source, "no valid date or date_unixtime")
    if kind == "service":
        return _message(record, chat, source, when, Kind.SYSTEM, _service_text(record))
    text = flatten(record.get("text", record.get("text_entities", "")))
    label = _media_label(record)
    if label is not None:
        caption = text if text.strip() else _placeholder(record, label)
        return _message(record, chat, source, when, Kind.MEDIA, caption)
    if not text.strip():
        return Skipped(source, "empty message")
    return _message(record, chat, source, when, Kind.TEXT, text)


def _message(record: dict[str, Any], chat: str, source: Source, when: datetime, kind: Kind, text: str) -> Message:
    name = record.get("actor") if kind is Kind.SYSTEM else record.get("from") or DELETED_ACCOUNT
    sender = None if name is None else str(name)  # a service record may have no actor
    reply_to = record.get("reply_to_message_id")
    message_id = None if record.get("id") is None else str(record["id"])
    return Message(
        PLATFORM,
        chat,
        sender,
        when,
        text,
        kind,
        source.file,
        source.line,
        message_id,
        None if reply_to is None else str(reply_to),
        _extra(record),
    )


def flatten(text: Any) -> str:
    """Plain text of a ``text`` field: a string, or an array of strings and entity objects (bold, link...)."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(_piece(part) for part in text)  # the pieces carry their own spacing
    return ""


def _piece(part: Any) -> str:
    if isinstance(part, str):
        return part
    return str(part.get("text", "")) if isinstance(part, dict) else ""


def _timestamp(record: dict[str, Any]) -> datetime | None:
    date = record.get("date")
    if isinstance(date, str):
        try:
            return datetime.fromisoformat(date).replace(tzinfo=None)  # keep the wall time as exported
        except ValueError:
            pass
    try:
        return datetime.fromtimestamp(int(record["date_unixtime"]), UTC).replace(tzinfo=None)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None


def _media_label(record: dict[str, Any]) -> str | None:
    if isinstance(record.get("media_type"), str):  # sticker, voice_message, video_file, animation...
        return record["media_type"]
    return next((label for key, label in _MEDIA_KEYS if key in record), None)


def _placeholder(record: dict[str, Any], label: str) -> str:
    """Stand-in for media without a caption; a sticker's emoji or a poll's question keeps some meaning."""
    poll = record.get("poll")
    detail = record.get("sticker_emoji") or (poll.get("question") if isinstance(poll, dict) else None)
    return f"<{label}: {detail}>" if detail else f"<{label}>"


def _service_text(record: dict[str, Any]) -> str:
    text = flatten(record.get("text", ""))
    if text.strip():
        return text
    # Service records usually have empty text: describe the action ("Ann invite members: Bob, Cy").
    actor, listed = record.get("actor"), record.get("members")
    parts = [actor if isinstance(actor, str) else "", str(record.get("action", "service")).replace("_", " ")]
    if record.get("title"):
        parts.append(f"\u201c{record['title']}\u201d")
    members = [m for m in listed if isinstance(m, str)] if isinstance(listed, list) else []
    words = " ".join(p for p in parts if p)
    return f"{words}: {', '.join(members)}" if members else words


def _extra(record: dict[str, Any]) -> dict[str, str]:
    extra = {
        key: str(record[key])
        for key in ("from_id", "actor_id", "forwarded_from", "via_bot", "action")
        if record.get(key) is not None
    }
    if record.get("edited") or record.get("edited_unixtime"):
        extra["edited"] = "true"
    label = _media_label(record)
    if label is not None:
        extra["media"] = label
    for key in ("photo", "file"):
        # Paths only; "(File not included. Change data exporting settings to download.)" means no file.
        if isinstance(record.get(key), str) and not record[key].startswith("("):
            extra["file"] = record[key]
    return extra


register(TelegramImporter())
