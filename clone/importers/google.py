"""Google Chat from Google Takeout: ``Google Chat/Groups/<DM or Space id>/messages.json``, read as a stream (the
legacy Hangouts archive of the same Takeout is hangouts.py's).

Google Chat: ``{"messages": [{"creator": {"name", "email", "user_type"}, "created_date", "text",
"attached_files", "message_id", ...}]}``. The chat is named from ``group_info.json`` beside it (a Space's
name, or a DM's other members), the account owner from ``Users/User <id>/user_info.json``. Times are written
out in the account's language, in UTC (takeout_dates.py); the data model's naive local time is not known, so
they stay naive UTC, as Messenger's do. A message whose creator has an email but no name is the owner's when
the email is the owner's (user_info.json names them), else it is named by the email; the report says so.
A message's ``reactions`` (``[{"emoji": {"unicode"}, "reactor_emails": [...]}]``) are REACTION messages of
their own, one per reactor, replying to the message and at its time (the export gives a reaction no time of
its own); a reactor is named from the chat's members (group_info.json), the owner or the senders read so far,
else by the email, which the report notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from clone.errors import ImportFileError
from clone.importers import ExportFile, register
from clone.importers.jsonstream import Malformed, array_items, json_events, members_before, until_closed
from clone.importers.reading import safe_head
from clone.importers.siblings import Folder, side_json
from clone.importers.takeout_dates import parse_takeout_date
from clone.messages import Kind, Message, Note, Skipped, Source

PLATFORM = "google-chat"
EMPTY = "empty message (no text or attachments)"
UNREADABLE_REACTION = "unreadable reaction (no emoji)"
NO_REACTORS = "reaction without a reactor email"
NAMED_BY_EMAIL = "sender has only an email in the export; named by it"
NAMED_FROM_USER_INFO = "sender has only an email in the export; named from user_info.json"

Record = Message | Skipped | Note

_CHAT_HEAD = re.compile(rb'^(?:\xef\xbb\xbf)?\s*\{\s*"messages"\s*:\s*\[\s*(?:\]|\{)')
_CHAT_KEYS = re.compile(rb'"(?:created_date|creator|topic_id|message_state)"\s*:')


class GoogleChatImporter:
    name = "google-chat"

    def sniff(self, file: ExportFile) -> bool:
        head = safe_head(file)
        if not _CHAT_HEAD.match(head):
            return False
        named = PurePosixPath(file.member or file.path.name).name == "messages.json"
        return bool(_CHAT_KEYS.search(head)) or (named and Folder.of(file).file("group_info.json") is not None)

    def parse(self, file: ExportFile) -> Iterator[Record]:
        chat, owner, people = _chat_and_owner(file)
        done = -1  # records read; -1 before the messages array
        with file.open() as raw:
            events = json_events(raw)
            try:
                members_before(events, "messages")
                done = 0
                for done, record in enumerate(array_items(until_closed(events, "messages"), "messages"), 1):
                    yield from _chat_message(record, Source(file.name, done), chat, owner, people)
                for _ in events:  # read on to the end: data after the document (two files joined?) is an error
                    pass
            except Malformed as exc:
                line = done + 1 if done >= 0 else None
                raise ImportFileError(file.name, line, f"malformed Google Chat messages.json: {exc}") from None


def _person(value: Any) -> tuple[str, str]:
    """(name, email) of a Takeout person object ({"name", "email", "user_type"}); "" for what is missing."""
    if not isinstance(value, dict):
        return "", ""
    return text_of(value.get("name")).strip(), text_of(value.get("email")).strip()


def text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _chat_and_owner(file: ExportFile) -> tuple[str, tuple[str, str], dict[str, str]]:
    """The chat's name, the owner's (name, email), and the names of the people it knows by email (casefolded)."""
    folder = Folder.of(file)
    groups = folder.parent()
    chat_root = groups.parent() if groups else None
    owner = _owner(chat_root) if chat_root else ("", "")
    info = side_json(folder.file("group_info.json"))
    info = info if isinstance(info, dict) else {}
    fallback = PurePosixPath(folder.member or folder.path.name).name or "Google Chat"
    return _chat_name(info, owner, fallback), owner, _people(info, owner)


def _people(info: dict[str, Any], owner: tuple[str, str]) -> dict[str, str]:
    listed = info.get("members")
    people = [_person(m) for m in listed] if isinstance(listed, list) else []
    return {email.casefold(): name for name, email in [*people, owner] if name and email}


def _chat_name(info: dict[str, Any], owner: tuple[str, str], fallback: str) -> str:
    """A Space's name; a DM's members other than the owner; else the folder's name ("DM 1a2b3c")."""
    if name := text_of(info.get("name")).strip():
        return name
    listed = info.get("members")
    people = [_person(m) for m in listed] if isinstance(listed, list) else []
    others = [name or email for name, email in people if (email or name) and not _is_owner(email, name, owner)]
    return ", ".join(others) or fallback


def _is_owner(email: str, name: str, owner: tuple[str, str]) -> bool:
    owner_name, owner_email = owner
    if email and owner_email:
        return email.casefold() == owner_email.casefold()
    return bool(name) and name == owner_name


@lru_cache(maxsize=16)
def _owner(chat_root: Folder) -> tuple[str, str]:
    """The account owner's (name, email) from ``Users/<User id>/user_info.json``, or ("", "")."""
    users = chat_root.child("Users")
    try:
        folders = users.subfolders()
    except OSError:  # no Users folder: a chat folder copied on its own
        return "", ""
    for user in folders:
        data = side_json(users.file(user, "user_info.json"))
        found = _person(data.get("user")) if isinstance(data, dict) else ("", "")
        if any(found):
            return found
    return "", ""


def _chat_message(
    record: Any, source: Source, chat: str, owner: tuple[str, str], people: dict[str, str]
) -> Iterator[Record]:
    if not isinstance(record, dict):
        yield Skipped(source, "not a message object", str(record)[:200])
        return
    text = text_of(record.get("text"))
    deleted = record.get("message_state") == "DELETED"
    dated = "deleted_date" if deleted and "created_date" not in record else "created_date"
    stamp = _when(record.get(dated), dated)
    if isinstance(stamp, str):
        yield Skipped(source, stamp, text)
        return
    yield from _authored(record, text, deleted, stamp, source, chat, owner, people)
    reactions = record.get("reactions")
    if reactions:
        message_id = text_of(record.get("message_id")) or None
        yield from _reactions(reactions, message_id, stamp, source, chat, people)


def _authored(
    record: dict[str, Any],
    text: str,
    deleted: bool,
    stamp: datetime,
    source: Source,
    chat: str,
    owner: tuple[str, str],
    people: dict[str, str],
) -> Iterator[Record]:
    """The message its creator wrote (or the skip in its place)."""
    name, email = _person(record.get("creator"))
    if name and email:
        people.setdefault(email.casefold(), name)  # for the reactions that name only an email
    sender, note = _sender(name, email, owner)
    if sender is None and not deleted:
        yield Skipped(source, "no creator", text)
        return
    body = (Kind.DELETED, text) if deleted else _body(record, text)
    if body is None:
        yield Skipped(source, EMPTY)
        return
    if note:
        yield Note(source, note)
    kind, text = body
    message_id = text_of(record.get("message_id")) or None
    extra = _extra(record, email, kind)
    yield Message(PLATFORM, chat, sender, stamp, text, kind, source.file, source.line, message_id, extra=extra)


def _reactions(
    reactions: Any, message_id: str | None, stamp: datetime, source: Source, chat: str, people: dict[str, str]
) -> Iterator[Record]:
    """One REACTION message per reactor of each of a message's reactions; a skip for each unreadable one."""
    for reaction in reactions if isinstance(reactions, list) else [reactions]:
        label = _emoji(reaction)
        if not label:
            yield Skipped(source, UNREADABLE_REACTION, str(reaction)[:200])
            continue
        emails = reaction.get("reactor_emails")
        emails = [e.strip() for e in emails if isinstance(e, str) and e.strip()] if isinstance(emails, list) else []
        if not emails:
            yield Skipped(source, NO_REACTORS, label)
        for email in emails:
            sender = people.get(email.casefold())
            if sender is None:
                yield Note(source, NAMED_BY_EMAIL)
            yield Message(
                PLATFORM,
                chat,
                sender or email,
                stamp,
                label,
                Kind.REACTION,
                source.file,
                source.line,
                reply_to=message_id,
                extra={"email": email},
            )


def _emoji(reaction: Any) -> str:
    """What a reaction shows: its emoji, "custom emoji" for one of the organisation's own, "" when neither."""
    emoji = reaction.get("emoji") if isinstance(reaction, dict) else None
    if not isinstance(emoji, dict):
        return ""
    return text_of(emoji.get("unicode")).strip() or ("custom emoji" if emoji.get("custom_emoji") else "")


def _when(value: Any, key: str) -> datetime | str:
    """The parsed time, or the reason to skip the record."""
    if not isinstance(value, str) or not value.strip():
        return f"missing {key}"
    return parse_takeout_date(value) or f"unreadable {key}"


def _sender(name: str, email: str, owner: tuple[str, str]) -> tuple[str | None, str | None]:
    """The sender's name, and the note to make when it had to be inferred."""
    if name:
        return name, None
    if not email:
        return None, None
    if owner[0] and owner[1] and email.casefold() == owner[1].casefold():
        return owner[0], NAMED_FROM_USER_INFO
    return email, NAMED_BY_EMAIL


def _files(record: dict[str, Any]) -> list[str]:
    listed = record.get("attached_files")
    if not isinstance(listed, list):
        return []
    names = (text_of(f.get("export_name")) or text_of(f.get("original_name")) for f in listed if isinstance(f, dict))
    return [name for name in names if name.strip()]


def _body(record: dict[str, Any], text: str) -> tuple[Kind, str] | None:
    if text.strip():
        return Kind.TEXT, text
    files = _files(record)
    return (Kind.MEDIA, " ".join(files)) if files else None


def _extra(record: dict[str, Any], email: str, kind: Kind) -> dict[str, str]:
    creator = record.get("creator")
    bot = isinstance(creator, dict) and text_of(creator.get("user_type")).casefold() == "bot"
    values = {
        "email": email,
        "topic_id": text_of(record.get("topic_id")),
        "attachments": " ".join(_files(record)) if kind is Kind.TEXT else "",
        "media": "file" if kind is Kind.MEDIA else "",
        "edited": "true" if record.get("updated_date") else "",
        "bot": "true" if bot else "",
    }
    return {key: value for key, value in values.items() if value}


GOOGLE_CHAT = register(GoogleChatImporter())
