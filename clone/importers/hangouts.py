"""Legacy Google Hangouts from Google Takeout: ``Hangouts/Hangouts.json``, every conversation of the account in
one file (often hundreds of MB), read as a stream: one conversation header and one event at a time.

Layout (since 2015): ``{"conversations": [{"conversation": {"conversation": {"id", "name", "participant_data":
[{"id": {"gaia_id"}, "fallback_name"}], "self_conversation_state": {"self_read_state": {"participant_id":
{"gaia_id"}}}}}, "events": [{"sender_id": {"gaia_id"}, "timestamp": microseconds, "event_type",
"chat_message": {"message_content": {"segment": [{"type", "text"}], "attachment": [...]}}}]}]}``; the 2014
archives said ``{"conversation_state": [{"conversation_state": {"conversation": ..., "event": [...]}}]}``.

Senders are named by ``fallback_name``; a person with none in one conversation may have one in an earlier
one; Takeout writes each conversation's header before its events. The account owner (``self_read_state``)
often has no name at all: their messages are then sent by ``OWNER_FALLBACK`` (pass it to ``--me``), and the
report says so. Timestamps are epoch microseconds with no zone: naive UTC, as Messenger's. Calls (hangout
events) are skipped as call records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import ijson

from clone.errors import ImportFileError
from clone.importers import ExportFile, register
from clone.importers.google import text_of
from clone.importers.jsonstream import Event, Malformed, json_events
from clone.importers.reading import safe_head
from clone.messages import Kind, Message, Note, Skipped, Source

PLATFORM = "hangouts"
OWNER_FALLBACK = "Hangouts account owner"
OWNER_UNNAMED = f"the account owner has no name in Hangouts.json; named {OWNER_FALLBACK!r}"
PERSON_UNNAMED = "sender has no name in Hangouts.json; named by their id"
CALL = "call record"

Record = Message | Skipped | Note

_HEAD = re.compile(rb'^(?:\xef\xbb\xbf)?\s*\{\s*"(?:conversations|conversation_state)"\s*:\s*\[')
_DEPTH = {"start_map": 1, "start_array": 1, "end_map": -1, "end_array": -1}
_MARKERS = re.compile(rb'"(?:conversation_id|participant_data|self_conversation_state|sender_id)"\s*:|\[\s*\]')


@dataclass(frozen=True)
class _Layout:
    """Where a layout keeps its conversations, each one's header and its events (ijson prefixes)."""

    conversations: str
    header: str  # the object holding "participant_data", "name", "self_conversation_state"
    events: str

    def paths(self) -> tuple[str, str, str]:
        item = f"{self.conversations}.item"
        return item, f"{item}.{self.header}", f"{item}.{self.events}.item"


LAYOUTS = (
    _Layout("conversations", "conversation.conversation", "events"),
    _Layout("conversation_state", "conversation_state.conversation", "conversation_state.event"),
)


@dataclass
class _Names:
    """Everyone named so far in the file (gaia id -> name), the owner's id, and the current conversation."""

    people: dict[str, str] = field(default_factory=dict)
    owner: str | None = None
    chat: str = "Hangouts"


class HangoutsImporter:
    name = "hangouts"

    def sniff(self, file: ExportFile) -> bool:
        head = safe_head(file)
        return bool(_HEAD.match(head) and _MARKERS.search(head))

    def parse(self, file: ExportFile) -> Iterator[Record]:
        done = 0  # events read, over all conversations: each event's record number
        with file.open() as raw:
            events = json_events(raw)
            try:
                layout = _layout(events, file)
                names = _Names()
                for kind, value in _walk(events, layout):
                    if kind == "start":
                        names.chat = "Hangouts"  # until the conversation's header names it
                        continue
                    if kind == "header":
                        _learn(value, names)
                        continue
                    done += 1
                    yield from _event(value, Source(file.name, done), names)
            except Malformed as exc:
                raise ImportFileError(file.name, done + 1, f"malformed Hangouts.json: {exc}") from None


def _layout(events: Iterator[Event], file: ExportFile) -> _Layout:
    """The layout named by the document's first key (its value: a list of conversations)."""
    first = next(events, None)
    key = next(events, None) if first is not None and first[1] == "start_map" else None
    layout = next((lay for lay in LAYOUTS if key is not None and key[1:] == ("map_key", lay.conversations)), None)
    opening = next(events, None) if layout else None
    if layout is None or opening is None or opening[1] != "start_array":
        raise ImportFileError(file.name, None, "Hangouts.json without a 'conversations' list")
    return layout


def _walk(events: Iterator[Event], layout: _Layout) -> Iterator[tuple[str, Any]]:
    """("header", object) for each conversation's header and ("event", value) for each of its events, in
    file order; a conversation or events list of the wrong type is an error, not a silent loss."""
    item, header, event = layout.paths()
    events_list = event.removesuffix(".item")
    for prefix, name, value in events:
        if prefix == layout.conversations and name == "end_array":
            for _ in events:  # the rest holds no messages, but data after the document is an error
                pass
            return
        if prefix == item and name == "start_map":
            yield "start", None
        elif prefix == item and name not in ("end_map", "map_key"):
            raise Malformed("a conversation that is not an object")
        if prefix == events_list and name not in ("start_array", "end_array"):
            raise Malformed("a conversation's events that are not a list")
        if prefix in (header, event) and name not in ("map_key", "end_map", "end_array"):
            yield ("header" if prefix == header else "event"), _value(events, name, value)


def _value(events: Iterator[Event], name: str, value: Any) -> Any:
    """The whole value that starts with event (name, value): a scalar, or an object or array built up."""
    if name not in ("start_map", "start_array"):
        return value
    builder, depth = ijson.ObjectBuilder(), 1
    builder.event(name, value)
    for _, kind, item in events:
        builder.event(kind, item)
        depth += _DEPTH.get(kind, 0)
        if depth == 0:
            break
    return builder.value


def _learn(header: Any, names: _Names) -> None:
    """Take a conversation header's participants, owner and name."""
    header = header if isinstance(header, dict) else {}
    listed = header.get("participant_data")
    others = []
    for entry in listed if isinstance(listed, list) else []:
        person_id = _gaia(entry.get("id")) if isinstance(entry, dict) else None
        name = text_of(entry.get("fallback_name")).strip() if isinstance(entry, dict) else ""
        if person_id and name:
            names.people.setdefault(person_id, name)
        if person_id:
            others.append(person_id)
    state = header.get("self_conversation_state")
    read = state.get("self_read_state") if isinstance(state, dict) else None
    owner = _gaia(read.get("participant_id")) if isinstance(read, dict) else None
    names.owner = owner or names.owner
    title = text_of(header.get("name")).strip()
    people = [names.people.get(p, p) for p in others if p != names.owner]
    names.chat = title or ", ".join(people) or _conversation_id(header) or "Hangouts"


def _gaia(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    found = value.get("gaia_id", value.get("chat_id"))
    return str(found) if isinstance(found, str | int) and not isinstance(found, bool) and str(found) else None


def _conversation_id(header: dict[str, Any]) -> str:
    value = header.get("id")
    return text_of(value.get("id")) if isinstance(value, dict) else ""


def _event(event: Any, source: Source, names: _Names) -> Iterator[Record]:
    if not isinstance(event, dict):
        yield Skipped(source, "not an event object", str(event)[:200])
        return
    stamp = _timestamp(event.get("timestamp"))
    if isinstance(stamp, str):
        yield Skipped(source, stamp)
        return
    body = _body(event, names)
    if isinstance(body, str):
        yield Skipped(source, body)
        return
    sender, note = _sender(event.get("sender_id"), names)
    kind, text, extra = body
    if note and kind is not Kind.SYSTEM:
        yield Note(source, note)
    message_id = text_of(event.get("event_id")) or None
    sender = None if kind is Kind.SYSTEM else sender
    yield Message(PLATFORM, names.chat, sender, stamp, text, kind, source.file, source.line, message_id, extra=extra)


def _timestamp(value: Any) -> datetime | str:
    """Epoch microseconds (a string or a number) as naive UTC, or the reason to skip."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return "missing timestamp"
    try:
        return datetime.fromtimestamp(int(value) / 1_000_000, UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return "unreadable timestamp"


def _sender(sender_id: Any, names: _Names) -> tuple[str | None, str | None]:
    person_id = _gaia(sender_id)
    return (None, None) if person_id is None else _name(person_id, names)


def _name(person_id: str, names: _Names) -> tuple[str, str | None]:
    """A person's name, and the note to make when the export has none for them."""
    if person_id in names.people:
        return names.people[person_id], None
    if person_id == names.owner:
        return OWNER_FALLBACK, OWNER_UNNAMED
    return f"Hangouts user {person_id}", PERSON_UNNAMED


def _body(event: dict[str, Any], names: _Names) -> tuple[Kind, str, dict[str, str]] | str:
    """(kind, text, extra) of an event, or the reason it is skipped."""
    kind = text_of(event.get("event_type"))
    if "hangout_event" in event or kind == "HANGOUT_EVENT":
        return CALL
    message = event.get("chat_message")
    if isinstance(message, dict):
        return _chat_message(message)
    actor = _sender(event.get("sender_id"), names)[0] or ""
    if kind == "RENAME_CONVERSATION":
        rename = event.get("conversation_rename")
        new = text_of(rename.get("new_name")) if isinstance(rename, dict) else ""
        return Kind.SYSTEM, f"{actor} renamed the conversation to \u201c{new}\u201d".strip(), {}
    if kind in ("ADD_USER", "REMOVE_USER"):
        change = event.get("membership_change")
        listed = change.get("participant_ids") if isinstance(change, dict) else None
        ids = [p for p in map(_gaia, listed if isinstance(listed, list) else []) if p]
        people = ", ".join(_name(p, names)[0] for p in ids)
        verb = "added" if kind == "ADD_USER" else "removed"
        return Kind.SYSTEM, f"{actor} {verb} {people}".strip(), {}
    return f"{kind} event" if kind else "event without a chat message"


def _chat_message(message: dict[str, Any]) -> tuple[Kind, str, dict[str, str]] | str:
    content = message.get("message_content")
    content = content if isinstance(content, dict) else {}
    segments = content.get("segment")
    text = "".join(map(_segment, segments)) if isinstance(segments, list) else ""
    attachments = content.get("attachment")
    media = [_attachment(a) for a in attachments] if isinstance(attachments, list) else []
    media = [m for m in media if m is not None]
    urls = " ".join(url for _, url in media if url)
    if text.strip():
        return Kind.TEXT, text, {"attachments": urls} if urls else {}
    if media:
        label = media[0][0]
        return Kind.MEDIA, urls or f"<{label}>", {"media": label}
    return "empty message (no text or attachments)"


def _segment(segment: Any) -> str:
    if not isinstance(segment, dict):
        return ""
    if segment.get("type") == "LINE_BREAK":
        return "\n"
    return text_of(segment.get("text"))


def _attachment(attachment: Any) -> tuple[str, str] | None:
    """(label, url) of an attachment: a photo or video (PLUS_PHOTO), a place, or whatever type it says."""
    item = attachment.get("embed_item") if isinstance(attachment, dict) else None
    if not isinstance(item, dict):
        return None
    types = item.get("type")
    label = text_of(types[0]).lower() if isinstance(types, list) and types else "attachment"
    photo = item.get("plus_photo")
    if isinstance(photo, dict):
        media_type = text_of(photo.get("media_type")).lower()
        return {"video": "video", "animated_photo": "gif"}.get(media_type, "photo"), text_of(photo.get("url"))
    place = item.get("place_v2") or item.get("place")
    url = text_of(place.get("url")) if isinstance(place, dict) else ""
    return ("location" if place else label or "attachment"), url


HANGOUTS = register(HangoutsImporter())
