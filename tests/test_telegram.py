"""Telegram Desktop JSON importer: chat-miner fixtures, entity arrays, service and media records,
whole-account exports and broken files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from clone.errors import ImportFileError
from clone.importers import ExportFile, detect, load
from clone.importers.telegram import TelegramImporter, flatten
from clone.messages import Kind, Message, Skipped

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
CHAT_MINER = FIXTURES / "chat-miner" / "telegram"
needs_fixtures = pytest.mark.skipif(not CHAT_MINER.is_dir(), reason="shared fixtures not present")


def _write(tmp_path: Path, data: object, name: str = "result.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _parse(path: Path) -> list[Message | Skipped]:
    return list(TelegramImporter().parse(ExportFile(path)))


def _target() -> list[dict[str, str]]:
    return json.loads((CHAT_MINER / "target.json").read_text(encoding="utf-8"))


@needs_fixtures
@pytest.mark.parametrize(
    ("name", "chat"), [("test_single_export.json", "test_single_export"), ("test_batch_export.json", "Chatname")]
)
def test_chat_miner_fixtures_match_target(name: str, chat: str) -> None:
    result = load([CHAT_MINER / name])
    assert [r.format for r in result.reports] == ["telegram"]
    assert result.skipped == []
    target = _target()
    assert len(result.messages) == len(target) == 2
    assert [m.sender for m in result.messages] == [t["author"] for t in target]
    # Only date_unixtime is present, so our rule (naive UTC) gives exactly chat-miner's UTC rendering.
    assert [m.timestamp for m in result.messages] == [datetime.fromisoformat(t["timestamp"]) for t in target]
    assert {m.chat for m in result.messages} == {chat}
    assert {m.kind for m in result.messages} == {Kind.TEXT}
    assert result.messages[0].text == target[0]["message"] == "Minimal Message"
    # chat-miner joins the pieces of an entity array with spaces; the pieces already carry Telegram's own
    # spacing, so we concatenate them. This fixture happens to have no space between its two entities.
    assert result.messages[1].text == "Link:https://telegram.org/"
    assert target[1]["message"] == "Link: https://telegram.org/"


def test_entity_arrays_flatten_to_plain_text() -> None:
    assert flatten("plain") == "plain"
    link = {"type": "text_link", "text": "this", "href": "https://x.example"}
    assert flatten(["Hi ", {"type": "bold", "text": "there"}, ", see ", link, "!"]) == "Hi there, see this!"
    assert flatten([{"type": "mention_name", "text": "Ann", "user_id": 1}, 42, None]) == "Ann"
    assert flatten(None) == ""


def _single_chat(messages: list[object]) -> dict[str, object]:
    return {"name": "Ann", "type": "personal_chat", "id": 7, "messages": messages}


def test_single_chat_records(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _single_chat(
            [
                {
                    "id": 1,
                    "type": "service",
                    "date": "2023-05-01T09:00:00",
                    "date_unixtime": "1682924400",
                    "actor": "Ann",
                    "actor_id": "user1",
                    "action": "create_group",
                    "title": "Family",
                    "members": ["Ann", "Bob"],
                    "text": "",
                },
                {
                    "id": 2,
                    "type": "message",
                    "date": "2023-05-01T09:01:00",
                    "date_unixtime": "1682924460",
                    "from": "Ann",
                    "from_id": "user1",
                    "text": ["Hello ", {"type": "bold", "text": "Bob"}],
                },
                {
                    "id": 3,
                    "type": "message",
                    "date": "2023-05-01T09:02:00",
                    "from": None,
                    "reply_to_message_id": 2,
                    "text": "who am I",
                },
                {
                    "id": 4,
                    "type": "message",
                    "date": "2023-05-01T09:03:00",
                    "from": "Bob",
                    "photo": "(File not included. Change data exporting settings to download.)",
                    "text": "",
                },
                {
                    "id": 5,
                    "type": "message",
                    "date": "2023-05-01T09:04:00",
                    "from": "Bob",
                    "file": "stickers/sticker.webp",
                    "media_type": "sticker",
                    "sticker_emoji": "\U0001f600",
                    "text": "",
                },
                {
                    "id": 6,
                    "type": "message",
                    "date": "2023-05-01T09:05:00",
                    "from": "Ann",
                    "photo": "photos/photo_1.jpg",
                    "text": "look at this",
                    "edited": "2023-05-01T09:06:00",
                },
                {"id": 7, "type": "message", "date_unixtime": "1682924760", "from": "Ann", "text": "no local date"},
                {"id": 8, "type": "message", "date": "2023-05-01T09:08:00", "from": "Ann", "text": ""},
                {"id": 9, "type": "message", "from": "Ann", "text": "no date at all"},
                {"id": 10, "type": "reaction", "date": "2023-05-01T09:09:00"},
                "not an object",
            ]
        ),
    )
    records = _parse(path)
    assert [r.source.line for r in records] == list(range(1, 12))
    service, hello, deleted, photo, sticker, captioned, utc = records[:7]
    assert isinstance(service, Message) and service.kind is Kind.SYSTEM and service.sender == "Ann"
    assert service.text == "Ann create group \u201cFamily\u201d: Ann, Bob"
    assert isinstance(hello, Message) and hello.kind is Kind.TEXT and hello.text == "Hello Bob"
    assert hello.chat == "Ann" and hello.id == "2" and hello.extra["from_id"] == "user1"
    # ``date`` (local wall time) wins over date_unixtime (09:01 UTC+2 would be 07:01 UTC).
    assert hello.timestamp == datetime(2023, 5, 1, 9, 1)
    assert isinstance(deleted, Message) and deleted.sender == "Deleted Account" and deleted.reply_to == "2"
    assert isinstance(photo, Message) and photo.kind is Kind.MEDIA and photo.text == "<photo>"
    assert "file" not in photo.extra and photo.extra["media"] == "photo"
    assert isinstance(sticker, Message) and sticker.kind is Kind.MEDIA
    assert sticker.text == "<sticker: \U0001f600>"
    assert sticker.extra["file"] == "stickers/sticker.webp"
    assert isinstance(captioned, Message) and captioned.kind is Kind.MEDIA
    assert captioned.text == "look at this"
    assert captioned.extra["edited"] == "true"
    assert isinstance(utc, Message) and utc.timestamp == datetime(2023, 5, 1, 7, 6)  # 1682924760 in UTC
    assert [(r.source.line, r.reason) for r in records[7:] if isinstance(r, Skipped)] == [
        (8, "empty message"),
        (9, "no valid date or date_unixtime"),
        (10, "unknown record type 'reaction'"),
        (11, "not a message object"),
    ]


def test_whole_account_export_reads_every_chat(tmp_path: Path) -> None:
    message = {"id": 1, "type": "message", "date": "2021-01-01T10:00:00", "from": "Me", "text": "hi"}
    path = _write(
        tmp_path,
        {
            "about": "Here is the data you requested. Remember: Telegram is ad free...",
            "personal_information": {"user_id": 1, "first_name": "Me"},
            "chats": {
                "about": "This page lists all chats from this export.",
                "list": [
                    {"name": "Ann", "type": "personal_chat", "id": 2, "messages": [message, {**message, "id": 2}]},
                    {"type": "saved_messages", "id": 3, "messages": [message]},
                    {"name": None, "type": "private_group", "id": 4, "messages": []},
                ],
            },
            "left_chats": {"list": [{"name": "Old group", "type": "private_group", "id": 5, "messages": [message]}]},
        },
    )
    result = load([path])
    assert [r.format for r in result.reports] == ["telegram"]
    assert [(m.chat, m.id, m.source.line) for m in result.messages] == [
        ("Ann", "1", 1),
        ("Ann", "2", 2),
        ("Saved Messages", "1", 3),
        ("Old group", "1", 4),
    ]


def test_sniff_is_content_based(tmp_path: Path) -> None:
    telegram = _write(
        tmp_path,
        _single_chat([{"id": 1, "type": "message", "date": "2021-01-01T10:00:00", "from": "A", "text": "x"}]),
        "chat.data",
    )
    assert TelegramImporter().sniff(ExportFile(telegram))
    messenger = _write(
        tmp_path,
        {
            "participants": [{"name": "A"}],
            "messages": [{"sender_name": "A", "timestamp_ms": 1, "content": "x", "type": "Generic"}],
        },
        "message_1.json",
    )
    slack = _write(tmp_path, [{"type": "message", "ts": "1.000001", "text": "x"}], "2020-01-01.json")
    assert not TelegramImporter().sniff(ExportFile(messenger))
    assert not TelegramImporter().sniff(ExportFile(slack))
    assert detect(ExportFile(telegram)) is not None and detect(ExportFile(telegram)).name == "telegram"


def test_malformed_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text('{\n "name": "Ann",\n "messages": [\n  {"type": "message",,}\n ]\n}', encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        load([path])
    assert caught.value.file == str(path) and caught.value.line == 4
    assert "malformed JSON" in str(caught.value) and "\n" not in str(caught.value)


def test_json_without_messages_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, {"chats": {"list": "nope"}})
    with pytest.raises(ImportFileError, match="'messages' or 'chats' list") as caught:
        _parse(path)
    assert caught.value.file == str(path)
