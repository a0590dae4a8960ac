"""Facebook Messenger and Instagram JSON (``messages/inbox/<thread>/message_N.json``), plus Messenger's
end-to-end-encrypted export (``senderName``/``timestamp``/``text``/``isUnsent`` keys, ``threadName``).

Both give only epoch milliseconds, with no zone, so timestamps are naive UTC: using the importing machine's
zone would make the same export parse differently on different machines.
Classic exports store text as mojibake (each UTF-8 byte as a Latin-1 code point); ``repair`` undoes it.
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

_OBJECT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*\{")
_CLASSIC = (rb'"sender_name"', rb'"timestamp_ms"')
_THREAD_KEYS = re.compile(rb'"(?:thread_path|is_still_participant|threadName)"\s*:')

# Attachment lists/objects, and the label a message gets when it has no text of its own.
_MEDIA_KEYS = (
    ("photos", "photo"),
    ("videos", "video"),
    ("audio_files", "audio"),
    ("gifs", "gif"),
    ("files", "file"),
    ("sticker", "sticker"),
    ("media", "media"),
)
_SYSTEM_TYPES = {"Call", "Subscribe", "Unsubscribe"}  # calls, people added to / leaving a group
# Text Meta writes itself, not the sender: reactions and Instagram's attachment notes.
_GENERATED = re.compile(r"(?:reacted .+ to your message|liked a message)\s*$", re.IGNORECASE)
_ATTACHMENT_NOTE = re.compile(r".* sent an attachment\.$")


class MetaImporter:
    name = "meta"

    def sniff(self, file: ExportFile) -> bool:
        head = safe_head(file)
        if not _OBJECT.match(head):
            return False
        return all(key in head for key in _CLASSIC) or (b'"participants"' in head and bool(_THREAD_KEYS.search(head)))

    def parse(self, file: ExportFile) -> Iterator[Message | Skipped]:
        data = load_json(file)
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            raise ImportFileError(file.name, None, "Messenger/Instagram JSON without a 'messages' list")
        records = data["messages"]
        platform, chat = _platform(file, records), _chat_name(file, data)
        numbered = list(enumerate(records, 1))
        if _newest_first(records):
            numbered.reverse()  # oldest first, so equal timestamps keep their real order after load's sort
        for line, record in numbered:
            yield _record(record, platform, chat, Source(file.name, line))


def repair(text: str) -> str:
    """Undo the mojibake ("he\u00e2\u0080\u0099s" -> "he’s") only when the string round-trips exactly."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:  # real non-Latin-1 text, or Latin-1 text that is not UTF-8 bytes: already right
        return text


def _platform(file: ExportFile, records: list[Any]) -> str:
    """Instagram and Messenger share the format: folder/zip names, or links, tell them apart."""
    # Enough folders to reach the export's own name above ".../messages/inbox/<thread>/message_1.json".
    where = "/".join([*file.path.parts[-6:], file.member or ""]).lower()
    if "instagram" in where:
        return "instagram"
    if "facebook" in where or "messenger" in where:
        return "messenger"
    shared = (r.get("share") for r in records if isinstance(r, dict))
    links = (s.get("link") for s in shared if isinstance(s, dict))
    return "instagram" if any(isinstance(x, str) and "instagram.com" in x for x in links) else "messenger"


def _chat_name(file: ExportFile, data: dict[str, Any]) -> str:
    title = data.get("title") or data.get("threadName")
    if isinstance(title, str) and title:
        return repair(title)
    listed = data.get("participants")
    names = [_participant(p) for p in listed] if isinstance(listed, list) else []
    return ", ".join(n for n in names if n) or PurePosixPath(file.member or file.path.name).stem


def _participant(entry: Any) -> str:
    name = entry.get("name") if isinstance(entry, dict) else entry  # classic: {"name": ...}; E2EE: a string
    return repair(name) if isinstance(name, str) else ""


def _millis(record: Any) -> int | None:
    value = record.get("timestamp_ms", record.get("timestamp")) if isinstance(record, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _newest_first(records: list[Any]) -> bool:
    first, last = (_millis(records[0]), _millis(records[-1])) if records else (None, None)
    return first is not None and last is not None and first > last


def _record(record: Any, platform: str, chat: str, source: Source) -> Message | Skipped:
    if not isinstance(record, dict):
        return Skipped(source, "not a message object", str(record)[:200])
    sender = record.get("sender_name", record.get("senderName"))
    millis = _millis(record)
    if not isinstance(sender, str):
        return Skipped(source, "no sender_name")
    if millis is None:
        return Skipped(source, "no timestamp_ms")
    try:
        when = datetime.fromtimestamp(millis / 1000, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return Skipped(source, "timestamp_ms out of range", str(millis))
    classified = _classify(record)
    if classified is None:
        return Skipped(source, "no content or media")
    kind, text, extra = classified
    return Message(
        platform=platform,
        chat=chat,
        sender=repair(sender),
        timestamp=when,
        text=text,
        kind=kind,
        file=source.file,
        line=source.line,
        extra=extra,
    )


def _classify(record: dict[str, Any]) -> tuple[Kind, str, dict[str, str]] | None:
    """(kind, text, extra) of a record, or None when it carries nothing at all."""
    raw = record.get("content", record.get("text"))
    content = repair(raw) if isinstance(raw, str) else ""
    share = record.get("share") if isinstance(record.get("share"), dict) else {}
    link = share.get("link") if isinstance(share.get("link"), str) else ""
    extra = {"link": link} if link else {}
    if record.get("is_unsent") or record.get("isUnsent"):
        return Kind.DELETED, content, extra
    kind = record.get("type")
    if (isinstance(kind, str) and kind in _SYSTEM_TYPES) or _GENERATED.search(content):
        return Kind.SYSTEM, content or str(record.get("type")), extra
    label = next((label for key, label in _MEDIA_KEYS if record.get(key)), None)
    own_words = content if content.strip() and not _ATTACHMENT_NOTE.match(content) else ""
    if label is not None:
        return Kind.MEDIA, own_words or f"<{label}>", {**extra, "media": label}
    if own_words:
        return Kind.TEXT, own_words, extra
    if link:  # a shared post or link with nothing typed: media for our purposes
        return Kind.MEDIA, link, {**extra, "media": "share"}
    return None


register(MetaImporter())
