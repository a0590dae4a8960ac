"""Signal text-export importer: chat-miner fixture, multi-line messages, odd lines and broken files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from clone.errors import ImportFileError
from clone.importers import ExportFile
from clone.importers.signal import SignalImporter
from clone.messages import Kind, Message, Skipped

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
CHAT_MINER = FIXTURES / "chat-miner"
needs_fixtures = pytest.mark.skipif(not CHAT_MINER.is_dir(), reason="shared fixtures not present")


def _parse(path: Path) -> list[Message | Skipped]:
    return list(SignalImporter().parse(ExportFile(path)))


@needs_fixtures
def test_chat_miner_fixture_matches_target() -> None:
    path = CHAT_MINER / "signal" / "test_export.txt"
    assert SignalImporter().sniff(ExportFile(path))
    records = _parse(path)
    # The target is newest first; the export (and we) are oldest first.
    target = list(reversed(json.loads((CHAT_MINER / "signal" / "target.json").read_text(encoding="utf-8"))))
    assert all(isinstance(r, Message) for r in records)
    assert len(records) == len(target) == 2
    assert [r.sender for r in records] == [t["author"] for t in target]
    assert [r.timestamp for r in records] == [datetime.fromisoformat(t["timestamp"]) for t in target]
    # We keep the line break chat-miner turns into a space.
    assert [r.text for r in records] == ["Hello John!", "Hello\nJane!"]
    assert [r.text.replace("\n", " ") for r in records] == [t["message"] for t in target]
    assert [(r.source.line, r.chat, r.platform, r.kind) for r in records] == [
        (1, "test_export", "signal", Kind.TEXT),
        (2, "test_export", "signal", Kind.TEXT),
    ]


@needs_fixtures
def test_sniff_rejects_whatsapp_fixtures() -> None:
    whatsapp = sorted((CHAT_MINER / "whatsapp").glob("*.txt"))
    assert whatsapp
    assert not any(SignalImporter().sniff(ExportFile(p)) for p in whatsapp)


def test_multi_line_and_odd_lines(tmp_path: Path) -> None:
    path = tmp_path / "Family.txt"
    path.write_bytes(
        "\ufeffexported by a tool\n"
        "[2021-03-04, 05:06] Ann: first line\r\n"
        "\r\n"
        "third line: with a colon\r\n"
        "[2021-03-04, 05:07] Bob Smith: ok\n"
        "\n"
        "\n"
        "[2021-02-30, 05:08] Ann: impossible date\n"
        "lost continuation\n"
        "[2021-03-04, 05:09] Ann:\n"
        "[2021-03-04, 05:10] Ann: \n"
        "   \n"
        "[2021-03-04, 05:11] Safety number changed\n".encode()
    )
    assert SignalImporter().sniff(ExportFile(path)) is False  # the first line is not a message header
    records = _parse(path)
    assert [(r.source.line, r.reason) for r in records if isinstance(r, Skipped)] == [
        (1, "text before the first message"),
        (8, "invalid date"),  # 9 is the bad header's continuation
        (10, "empty message"),
        (11, "empty message"),
    ]
    messages = [r for r in records if isinstance(r, Message)]
    assert [(m.source.line, m.sender, m.text, m.kind) for m in messages] == [
        (2, "Ann", "first line\n\nthird line: with a colon", Kind.TEXT),
        (5, "Bob Smith", "ok", Kind.TEXT),
        (13, None, "Safety number changed", Kind.SYSTEM),
    ]
    assert messages[0].timestamp == datetime(2021, 3, 4, 5, 6) and messages[0].chat == "Family"


def test_sniff_is_specific(tmp_path: Path) -> None:
    signal = tmp_path / "a.txt"
    signal.write_text("\n[2021-03-04, 05:06] Ann: hi\n", encoding="utf-8")
    assert SignalImporter().sniff(ExportFile(signal))
    for header in (
        "[2021-03-04, 05:06:07] Ann: hi",
        "[04.03.21, 05:06:07] Ann: hi",
        "2021-03-04, 05:06 - Ann: hi",
        "[2021-03-04 05:06] Ann: hi",
    ):
        other = tmp_path / "b.txt"
        other.write_text(header + "\n", encoding="utf-8")
        assert not SignalImporter().sniff(ExportFile(other)), header


def test_not_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"[2021-03-04, 05:06] Ann: hi\n[2021-03-04, 05:07] Ann: caf\xe9\n")
    with pytest.raises(ImportFileError) as caught:
        _parse(path)
    assert (caught.value.file, caught.value.line) == (str(path), 2)
    assert str(caught.value) == f"{path}:2: not UTF-8 text"
