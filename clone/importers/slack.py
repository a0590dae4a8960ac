"""Slack workspace exports (zip or folder): ``<channel>/<YYYY-MM-DD>.json`` per day, names in ``users.json``.

load() hands over one file at a time, so each day file finds its export root (the folder above its channel
folder, in the zip or on disk) and reads ``users.json``, ``channels.json``, ``groups.json``, ``dms.json``
and ``mpims.json`` there once per root.

``ts`` ("1452837318.000002") is both the message id and its time: seconds since the epoch, shown as naive
UTC (the export carries no zone; users.json's per-user ``tz`` is the user's current zone, not the one they
wrote in), with the digits after the dot kept as microseconds so messages in the same second stay ordered.
Bot messages keep the bot's name as sender and ``extra["bot"] = "true"``: they are not people.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from clone.errors import ImportFileError
from clone.importers import ExportFile, register
from clone.importers.reading import READ_ERRORS, decode_json, load_json, safe_head
from clone.messages import Kind, Message, Skipped, Source

PLATFORM = "slack"
EPOCH = datetime(1970, 1, 1)

_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_ARRAY_OF_OBJECTS = re.compile(rb"^(?:\xef\xbb\xbf)?\s*\[\s*\{")
_MESSAGE_TYPE = re.compile(rb'"type"\s*:\s*"message"')
_TS = re.compile(rb'"ts"\s*:\s*"\d+(?:\.\d+)?"')
_TS_VALUE = re.compile(r"^(\d+)(?:\.(\d{1,6})\d*)?$")
_MARKUP = re.compile(r"<([^<>]*)>")  # Slack escapes literal <, > and & as entities, so these are markup

_NAME_FILES = ("users.json", "channels.json", "groups.json", "dms.json", "mpims.json")  # what we read
# Subtypes Slack writes on its own (joins, topic changes, integrations, pins...).
_SYSTEM_SUBTYPES = frozenset(
    {
        "bot_add",
        "bot_remove",
        "bot_enable",
        "bot_disable",
        "pinned_item",
        "unpinned_item",
        "reminder_add",
        "reminder_delete",
        "sh_room_created",
        "huddle_thread",
        "joiner_notification",
        "app_conversation_join",
    }
)
_SYSTEM_PREFIXES = ("channel_", "group_")  # channel_join/leave/topic/purpose/name/archive, group_* alike
_DELETED_SUBTYPES = frozenset({"tombstone", "message_deleted"})
_MEDIA_SUBTYPES = frozenset({"file_share", "file_mention"})


@dataclass(frozen=True)
class Workspace:
    """Names from the export root's metadata files, for senders, mentions and DM folders."""

    users: dict[str, str]  # user id -> display name
    channels: dict[str, str]  # channel id -> name, for <#C…> links
    dms: dict[str, str]  # DM folder (the DM's id) -> its members' names


class SlackImporter:
    name = "slack"

    def sniff(self, file: ExportFile) -> bool:
        parts = _parts(file)
        if len(parts) < 2 or not _DAY_FILE.match(parts[-1]):
            return False
        head = safe_head(file)
        if _ARRAY_OF_OBJECTS.match(head) and _MESSAGE_TYPE.search(head) and _TS.search(head):
            return True
        # A day file cut short or damaged, in an export: parse reports it, rather than load ignoring it.
        return _in_export(file)

    def parse(self, file: ExportFile) -> Iterator[Message | Skipped]:
        records = load_json(file)
        if not isinstance(records, list):
            raise ImportFileError(file.name, None, "Slack day file is not a JSON array of messages")
        space, folder = workspace(file), _parts(file)[-2]  # sniff saw <folder>/<date>.json
        chat = space.dms.get(folder, folder)
        for line, record in enumerate(records, 1):
            yield _record(record, chat, space, Source(file.name, line))


def _in_export(file: ExportFile) -> bool:
    """Whether the day file sits in a Slack export: its channel folder's parent holds users.json."""
    if file.member is None:
        return (file.path.parent.parent / "users.json").is_file()
    root = PurePosixPath(file.member).parent.parent
    return (root / "users.json").as_posix().removeprefix("./") in _zip_names(str(file.path), _mtime(file.path))


@lru_cache(maxsize=8)
def _zip_names(path: str, _stamp: int) -> frozenset[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return frozenset(archive.namelist())
    except READ_ERRORS:
        return frozenset()


def _parts(file: ExportFile) -> tuple[str, ...]:
    return PurePosixPath(file.member).parts if file.member else file.path.parts


# --- export root metadata ----------------------------------------------------------------------------


def workspace(file: ExportFile) -> Workspace:
    """The metadata of the export that ``file`` belongs to (cached per root and modification time)."""
    if file.member is None:
        root = file.path.parent.parent
        return _load_workspace(str(root), None, _mtime(root / "users.json"))
    root_in_zip = str(PurePosixPath(file.member).parent.parent)
    return _load_workspace(str(file.path), "" if root_in_zip == "." else root_in_zip, _mtime(file.path))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@lru_cache(maxsize=32)
def _load_workspace(base: str, root_in_zip: str | None, _stamp: int) -> Workspace:
    read = _zip_reader(base, root_in_zip) if root_in_zip is not None else _folder_reader(Path(base))
    users = {"USLACKBOT": "Slackbot"}  # Slack's own user, never listed in users.json
    users |= {u["id"]: _user_name(u) for u in _objects(read("users.json")) if isinstance(u.get("id"), str)}
    listed = [c for name in ("channels.json", "groups.json", "mpims.json") for c in _objects(read(name))]
    channels = {c["id"]: c["name"] for c in listed if isinstance(c.get("id"), str) and isinstance(c.get("name"), str)}
    dms = {
        d["id"]: ", ".join(users.get(m, m) for m in d.get("members") or [] if isinstance(m, str))
        for d in _objects(read("dms.json"))
        if isinstance(d.get("id"), str)
    }
    return Workspace(users, channels, dms)


def _folder_reader(root: Path) -> Callable[[str], Any]:
    def read(name: str) -> Any:
        path = root / name
        return decode_json(path.read_bytes(), str(path)) if path.is_file() else None

    return read


def _zip_reader(base: str, root: str) -> Callable[[str], Any]:
    members = _zip_names(base, _mtime(Path(base)))
    wanted = {name: f"{root}/{name}" if root else name for name in _NAME_FILES}
    # Read as the day files are, under the import's limits: a users.json can be a zip bomb too.
    files = {name: ExportFile(Path(base), member) for name, member in wanted.items() if member in members}
    return lambda name: load_json(files[name]) if name in files else None


def _objects(data: Any) -> list[dict[str, Any]]:
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _user_name(user: dict[str, Any]) -> str:
    """Full name first (stable, what people call each other), then the display name, then the handle."""
    profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
    names = (profile.get("real_name"), user.get("real_name"), profile.get("display_name"), user.get("name"))
    for name in names:
        if isinstance(name, str) and name.strip():
            return name.strip()
    return str(user["id"])


# --- records ------------------------------------------------------------------------------------------


def _record(record: Any, chat: str, space: Workspace, source: Source) -> Message | Skipped:
    if not isinstance(record, dict) or record.get("type") != "message":
        return Skipped(source, "not a message record", str(record)[:200])
    when = timestamp(record.get("ts"))
    if when is None:
        return Skipped(source, "no valid ts", str(record.get("ts")))
    subtype = record.get("subtype") if isinstance(record.get("subtype"), str) else ""
    kind = _kind(record, subtype)
    text = _text(record, subtype, kind, space)
    if not text.strip():
        return Skipped(source, "empty message")
    sender, extra = _sender(record, subtype, space)
    if subtype:
        extra["subtype"] = subtype
    if record.get("edited"):
        extra["edited"] = "true"
    thread = record.get("thread_ts")
    reply_to = thread if isinstance(thread, str) and thread != record["ts"] else None
    return Message(PLATFORM, chat, sender, when, text, kind, source.file, source.line, record["ts"], reply_to, extra)


def timestamp(ts: Any) -> datetime | None:
    """Naive UTC time of a ``ts`` string; exact integer arithmetic, since floats blur the microseconds."""
    match = _TS_VALUE.match(ts) if isinstance(ts, str) else None
    if match is None:
        return None
    try:
        return EPOCH + timedelta(seconds=int(match[1]), microseconds=int((match[2] or "0").ljust(6, "0")))
    except OverflowError:
        return None


def _kind(record: dict[str, Any], subtype: str) -> Kind:
    if subtype in _DELETED_SUBTYPES:
        return Kind.DELETED
    if subtype in _SYSTEM_SUBTYPES or subtype.startswith(_SYSTEM_PREFIXES):
        return Kind.SYSTEM
    if subtype in _MEDIA_SUBTYPES or (not subtype and record.get("files")):
        return Kind.MEDIA
    return Kind.TEXT


def _text(record: dict[str, Any], subtype: str, kind: Kind, space: Workspace) -> str:
    comment = record.get("comment")
    if subtype == "file_comment" and isinstance(comment, dict) and isinstance(comment.get("comment"), str):
        raw = comment["comment"]  # the commenter's own words, without Slack's "X commented on..." frame
    else:
        raw = record.get("text") if isinstance(record.get("text"), str) else ""
    if not raw.strip():
        raw = _attachment_text(record)  # integrations often post only attachments
    text = plain_text(raw, space)
    if not text.strip() and kind is Kind.MEDIA:  # after plain_text: these brackets are not Slack markup
        return " ".join(f"<file: {name}>" for name in _file_names(record)) or "<file>"
    return text


def _attachment_text(record: dict[str, Any]) -> str:
    parts = []
    for attachment in _objects(record.get("attachments")):
        text = attachment.get("fallback") or attachment.get("pretext") or attachment.get("text")
        if isinstance(text, str) and text.strip():
            parts.append(text)
    return "\n".join(parts)


def _file_names(record: dict[str, Any]) -> list[str]:
    files = _objects(record.get("files")) or _objects([record.get("file")])
    return [str(f.get("title") or f.get("name")) for f in files if f.get("title") or f.get("name")]


def plain_text(text: str, space: Workspace) -> str:
    """Slack mrkdwn markup to what a reader sees: ``<url|label>`` -> label, ``<@U1>`` -> @name, &amp; -> &."""
    text = _MARKUP.sub(lambda m: _unmark(m[1], space), text)
    # Slack escapes exactly these three; a full HTML unescape would also eat "&para" and the like.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _unmark(inner: str, space: Workspace) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + space.users.get(target[1:], label or target[1:])
    if target.startswith("#"):
        return "#" + (label or space.channels.get(target[1:], target[1:]))
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^S1|@team>, <!date^…|fallback>
        return label or "@" + target[1:].split("^", 1)[0]
    return label or target


def _sender(record: dict[str, Any], subtype: str, space: Workspace) -> tuple[str | None, dict[str, str]]:
    if subtype == "bot_message" or (record.get("bot_id") and not record.get("user")):
        profile = record.get("bot_profile") if isinstance(record.get("bot_profile"), dict) else {}
        name = record.get("username") or profile.get("name") or record.get("bot_id") or "bot"
        return str(name), {"bot": "true"}
    comment = record.get("comment")
    user = comment.get("user") if subtype == "file_comment" and isinstance(comment, dict) else None
    user = user or record.get("user")
    if not isinstance(user, str):
        return None, {}
    return space.users.get(user) or _inline_name(record) or user, {"user_id": user}


def _inline_name(record: dict[str, Any]) -> str | None:
    """Newer exports repeat the author's profile in each message: a fallback when users.json lacks them."""
    profile = record.get("user_profile")
    if not isinstance(profile, dict):
        return None
    name = profile.get("real_name") or profile.get("display_name") or profile.get("name")
    return name if isinstance(name, str) and name else None


register(SlackImporter())
