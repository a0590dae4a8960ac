"""Messenger / Instagram JSON importer: chat-miner fixture, mojibake repair, media/unsent/system records,
the inbox folder layout, the end-to-end-encrypted export and broken files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from clone.errors import ImportFileError
from clone.importers import ExportFile, detect, load
from clone.importers.meta import MetaImporter, repair
from clone.messages import Kind, Message, Skipped

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
CHAT_MINER = FIXTURES / "chat-miner" / "instagram"
needs_fixtures = pytest.mark.skipif(not CHAT_MINER.is_dir(), reason="shared fixtures not present")

# How Meta writes "he’s" and "😆": every UTF-8 byte as one Latin-1 code point.
MOJIBAKE_APOSTROPHE = "he\u00e2\u0080\u0099s"
MOJIBAKE_EMOJI = "\u00f0\u009f\u0098\u0086"


def _write(path: Path, data: object, *, bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # ensure_ascii keeps the \u00e2-style escapes exactly as Meta writes them.
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + json.dumps(data).encode("utf-8"))
    return path


def _parse(path: Path) -> list[Message | Skipped]:
    return list(MetaImporter().parse(ExportFile(path)))


@needs_fixtures
def test_chat_miner_fixture_matches_target() -> None:
    result = load([CHAT_MINER / "test_export.json"])
    assert [r.format for r in result.reports] == ["meta"]
    assert result.skipped == []
    # The target is newest first, like the export; we yield oldest first (load sorts by time anyway).
    target = list(reversed(json.loads((CHAT_MINER / "target.json").read_text(encoding="utf-8"))))
    messages = result.messages
    assert len(messages) == len(target) == 2
    assert [m.sender for m in messages] == [t["author"] for t in target] == ["Jane Doe", "John Doe"]
    assert [m.text for m in messages] == [t["message"] for t in target]
    # timestamp_ms has no zone: we render it as naive UTC, which is exactly chat-miner's rendering.
    assert [m.timestamp for m in messages] == [datetime.fromisoformat(t["timestamp"]) for t in target]
    assert [m.source.line for m in messages] == [2, 1]
    assert {(m.platform, m.chat, m.kind) for m in messages} == {("instagram", "test_export", Kind.TEXT)}


def test_repair_only_when_the_string_round_trips() -> None:
    assert repair(MOJIBAKE_APOSTROPHE) == "he\u2019s"
    assert repair(MOJIBAKE_EMOJI) == "\U0001f606"
    assert repair("plain ascii") == "plain ascii"
    assert repair("caf\u00e9") == "caf\u00e9"  # real Latin-1 text is not UTF-8 bytes: left alone
    assert repair("\u65e5\u672c \U0001f606") == "\u65e5\u672c \U0001f606"  # already right: left alone


def _thread(messages: list[object], **extra: object) -> dict[str, object]:
    return {
        "participants": [{"name": "Zo\u00c3\u00ab"}, {"name": "Max"}],
        "messages": messages,
        "title": "Zo\u00c3\u00ab",
        "is_still_participant": True,
        "thread_type": "Regular",
        "thread_path": "inbox/zoe_abc123",
        "magic_words": [],
        **extra,
    }


def test_messenger_inbox_layout_records(tmp_path: Path) -> None:
    base = {"sender_name": "Zo\u00c3\u00ab", "is_geoblocked_for_viewer": False}
    thread = tmp_path / "facebook-max" / "messages" / "inbox" / "zoe_abc123"
    path = _write(
        thread / "message_1.json",
        _thread(
            [
                {**base, "timestamp_ms": 1_600_000_009_000, "content": "", "type": "Generic"},
                {**base, "timestamp_ms": 1_600_000_008_000, "content": "Zoë left the group.", "type": "Unsubscribe"},
                {
                    **base,
                    "timestamp_ms": 1_600_000_007_000,
                    "content": "Zo\u00c3\u00ab reacted " + MOJIBAKE_EMOJI + " to your message ",
                    "type": "Generic",
                },
                {
                    **base,
                    "timestamp_ms": 1_600_000_006_000,
                    "share": {"link": "https://example.com/x"},
                    "type": "Share",
                },
                {**base, "timestamp_ms": 1_600_000_005_000, "is_unsent": True, "type": "Generic"},
                {**base, "timestamp_ms": 1_600_000_004_000, "sticker": {"uri": "stickers/1.png"}, "type": "Generic"},
                {**base, "timestamp_ms": 1_600_000_003_000, "photos": [{"uri": "photos/1.jpg"}], "type": "Generic"},
                {
                    **base,
                    "timestamp_ms": 1_600_000_002_000,
                    "content": MOJIBAKE_APOSTROPHE + " here " + MOJIBAKE_EMOJI,
                    "type": "Generic",
                },
                {"sender_name": "Max", "content": "no time"},
                {"timestamp_ms": 1_600_000_000_000, "content": "no sender"},
            ]
        ),
        bom=True,
    )
    result = load([tmp_path / "facebook-max"])
    assert [r.format for r in result.reports] == ["meta"]
    records = _parse(path)
    # Newest first in the file: yielded oldest first, each keeping its line in the file.
    assert [r.source.line for r in records] == list(range(10, 0, -1))
    skipped = [(r.source.line, r.reason) for r in records if isinstance(r, Skipped)]
    assert skipped == [(10, "no sender_name"), (9, "no timestamp_ms"), (1, "no content or media")]
    messages = [r for r in records if isinstance(r, Message)]
    assert [(m.kind, m.text) for m in messages] == [
        (Kind.TEXT, "he\u2019s here \U0001f606"),
        (Kind.MEDIA, "<photo>"),
        (Kind.MEDIA, "<sticker>"),
        (Kind.DELETED, ""),
        (Kind.MEDIA, "https://example.com/x"),
        (Kind.SYSTEM, "Zo\u00eb reacted \U0001f606 to your message "),
        (Kind.SYSTEM, "Zoë left the group."),
    ]
    assert {(m.platform, m.chat, m.sender) for m in messages} == {("messenger", "Zo\u00eb", "Zo\u00eb")}
    assert messages[0].timestamp == datetime(2020, 9, 13, 12, 26, 42)  # 1_600_000_002 s, as naive UTC


def test_instagram_attachment_note_is_not_the_senders_text(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "instagram-max-2024" / "your_instagram_activity" / "messages" / "inbox" / "z_1" / "message_1.json",
        _thread(
            [
                {
                    "sender_name": "Max",
                    "timestamp_ms": 2,
                    "content": "Max sent an attachment.",
                    "share": {"link": "https://www.instagram.com/p/abc/"},
                },
                {
                    "sender_name": "Max",
                    "timestamp_ms": 1,
                    "content": "lol look",
                    "share": {"link": "https://www.instagram.com/p/abc/"},
                },
            ]
        ),
    )
    first, second = _parse(path)
    assert isinstance(first, Message) and first.kind is Kind.TEXT and first.text == "lol look"
    assert first.extra["link"] == "https://www.instagram.com/p/abc/" and first.platform == "instagram"
    assert isinstance(second, Message) and second.kind is Kind.MEDIA
    assert second.text == "https://www.instagram.com/p/abc/"


def test_end_to_end_encrypted_export(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "messages" / "e2ee.json",
        {
            "participants": ["Max", "Zo\u00eb"],
            "threadName": "Zo\u00eb",
            "messages": [
                {
                    "isUnsent": False,
                    "media": [],
                    "reactions": [],
                    "senderName": "Max",
                    "text": "hi \U0001f606",
                    "timestamp": 1_700_000_000_000,
                    "type": "text",
                },
                {
                    "isUnsent": False,
                    "media": [{"uri": "./media/a.jpg"}],
                    "reactions": [],
                    "senderName": "Zo\u00eb",
                    "text": "",
                    "timestamp": 1_700_000_001_000,
                    "type": "media",
                },
                {
                    "isUnsent": True,
                    "media": [],
                    "reactions": [],
                    "senderName": "Max",
                    "text": "",
                    "timestamp": 1_700_000_002_000,
                    "type": "text",
                },
            ],
        },
    )
    assert MetaImporter().sniff(ExportFile(path))
    assert [(r.kind, r.sender, r.text) for r in _parse(path) if isinstance(r, Message)] == [
        (Kind.TEXT, "Max", "hi \U0001f606"),
        (Kind.MEDIA, "Zo\u00eb", "<media>"),
        (Kind.DELETED, "Max", ""),
    ]


def test_sniff_rejects_other_json(tmp_path: Path) -> None:
    telegram = _write(
        tmp_path / "result.json",
        {
            "name": "A",
            "type": "personal_chat",
            "messages": [
                {"id": 1, "type": "message", "date": "2021-01-01T00:00:00", "date_unixtime": "1", "from": "A"}
            ],
        },
    )
    slack = _write(tmp_path / "general" / "2020-01-01.json", [{"type": "message", "ts": "1.1", "text": "x"}])
    assert not MetaImporter().sniff(ExportFile(telegram))
    assert not MetaImporter().sniff(ExportFile(slack))
    meta = _write(tmp_path / "message_1.json", _thread([]))  # an empty thread is still recognised
    assert detect(ExportFile(meta)) is not None and detect(ExportFile(meta)).name == "meta"


def test_malformed_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "message_1.json"
    path.write_text(
        '{\n  "participants": [],\n  "messages": [\n    {"sender_name": "A", "timestamp_ms": 1,\n'
        '     "content": "x" "oops"}\n  ]\n}',
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError) as caught:
        load([path])
    assert caught.value.file == str(path) and caught.value.line == 5
    assert str(caught.value).startswith(f"{path}:5: malformed JSON")


def test_messages_must_be_a_list(tmp_path: Path) -> None:
    path = _write(tmp_path / "message_1.json", {"participants": [], "messages": {"sender_name": "A"}})
    with pytest.raises(ImportFileError, match="without a 'messages' list"):
        _parse(path)
