"""Slack export importer: the slack-export-viewer zip (and the same export as a folder), markup, names,
subtypes, threads, metadata files and broken files."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from clone.errors import ImportFileError
from clone.importers import IMPORTERS, ExportFile, ImportResult, detect, load
from clone.importers.limits import ImportLimits
from clone.importers.slack import SlackImporter, timestamp
from clone.messages import Kind, Message, Skipped

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
ARCHIVE = FIXTURES / "slack-export-viewer" / "testarchive.zip"
needs_fixtures = pytest.mark.skipif(not ARCHIVE.is_file(), reason="shared fixtures not present")

PEOPLE = {"Hamza Faran", "Harry Potter", "Hermione Granger", "heroeshannibal"}  # real_name, else the handle


def _check_fixture(result: ImportResult) -> None:
    messages = result.messages
    assert len(messages) == 158 and result.skipped == []
    assert Counter(m.extra.get("subtype", "plain") for m in messages) == {
        "plain": 49,
        "bot_message": 94,
        "channel_join": 8,
        "bot_add": 3,
        "file_share": 3,
        "file_comment": 1,
    }
    assert Counter(m.kind for m in messages) == {Kind.TEXT: 49 + 94 + 1, Kind.SYSTEM: 8 + 3, Kind.MEDIA: 3}
    assert {m.chat for m in messages} == {"enrique", "traveling-sailor"}
    assert {m.sender for m in messages if "bot" not in m.extra} == PEOPLE
    assert {m.sender for m in messages if "bot" in m.extra} == {"B0JL6RASU", "B0JL6UFSL", "B0VJZKVHC"}
    assert not any("<@" in m.text or "<http" in m.text or "&gt;" in m.text for m in messages)
    first = messages[0]
    assert (first.chat, first.sender, first.text, first.kind) == (
        "enrique",
        "Hamza Faran",
        "@Hamza Faran has joined the channel",
        Kind.SYSTEM,
    )
    assert first.id == "1452837318.000002"
    assert first.timestamp == datetime(2016, 1, 15, 5, 55, 18, 2)  # ts as naive UTC
    by_id = {m.id: m for m in messages}
    assert by_id["1452846025.000011"].text == (
        "Here's an example: https://github.com/hfaran/progressive/blob/master/setup.py"
    )
    assert by_id["1452837352.000006"].text.startswith("@Harry Potter: Created an issue")
    assert by_id["1458228721.000002"].text.startswith('>"Essentially')  # &gt; unescaped
    assert by_id["1459052866.000012"].text == "@Hermione Granger uploaded a file: 100 cities"
    assert by_id["1452988746.000017"].text == "added an integration to this channel: github"
    bot = by_id["1454892394.000004"]  # empty text: the attachment's fallback stands in
    assert bot.text == "[enrique:master] 1 new commit by Anthony Bilinski" and bot.sender == "B0JL6RASU"
    comment = next(m for m in messages if m.extra.get("subtype") == "file_comment")
    assert comment.sender == "Hermione Granger" and comment.text.startswith("```'cities': {")


@needs_fixtures
def test_fixture_zip_through_load() -> None:
    result = load([ARCHIVE])
    _check_fixture(result)
    assert [r.format for r in result.reports] == ["slack"] * 17  # one per channel-day file
    # Metadata files are not chats: nothing registered turns them into messages.
    assert sorted(name.rsplit("!", 1)[1] for name in result.ignored) == [
        "channels.json",
        "integration_logs.json",
        "users.json",
    ]


@needs_fixtures
def test_fixture_as_extracted_folder(tmp_path: Path) -> None:
    with zipfile.ZipFile(ARCHIVE) as archive:
        archive.extractall(tmp_path / "export")
    _check_fixture(load([tmp_path / "export"]))


def _export(root: Path) -> Path:
    """A small export folder with every shape the importer distinguishes."""
    users = [
        {"id": "U1", "name": "ann", "real_name": "Ann Lee", "profile": {"real_name": "Ann Lee"}},
        {"id": "U2", "name": "bob", "profile": {"real_name": "", "display_name": "Bobby"}},
    ]
    files = {
        "users.json": users,
        "channels.json": [{"id": "C1", "name": "general"}],
        "dms.json": [{"id": "D1", "members": ["U1", "U2"]}],
        "general/2020-01-02.json": [
            {
                "type": "message",
                "user": "U1",
                "ts": "1577923200.000100",
                "text": "see <https://ex.com/a|the doc> &amp; <#C1> <@U2> <!here>",
            },
            {
                "type": "message",
                "user": "U2",
                "text": "reply in thread",
                "ts": "1577923260.000200",
                "thread_ts": "1577923200.000100",
                "edited": {"user": "U2", "ts": "1577923270.000000"},
            },
            {
                "type": "message",
                "subtype": "channel_leave",
                "user": "U2",
                "ts": "1577923300.000000",
                "text": "<@U2> has left the channel",
            },
            {
                "type": "message",
                "user": "U1",
                "text": "",
                "ts": "1577923400.000000",
                "files": [{"id": "F1", "name": "pic.png", "title": "pic"}],
                "upload": True,
            },
            {
                "type": "message",
                "subtype": "bot_message",
                "username": "deploybot",
                "bot_id": "B1",
                "text": "deployed",
                "ts": "1577923500.000000",
            },
            {
                "type": "message",
                "subtype": "tombstone",
                "user": "USLACKBOT",
                "ts": "1577923600.000000",
                "text": "This message was deleted.",
            },
            {
                "type": "message",
                "user": "U9",
                "text": "stranger",
                "user_profile": {"real_name": "Cy Unknown"},
                "ts": "1577923700.000000",
            },
            {"type": "message", "user": "U1", "text": "   ", "ts": "1577923800.000000"},
            {"type": "message", "user": "U1", "text": "bad ts", "ts": "yesterday"},
            {"type": "reaction_added", "ts": "1577923900.000000"},
        ],
        "D1/2020-01-03.json": [{"type": "message", "user": "U1", "text": "psst", "ts": "1578009600.000000"}],
    }
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data), encoding="utf-8")
    return root


def test_inline_export_records(tmp_path: Path) -> None:
    root = _export(tmp_path / "export")
    records = list(SlackImporter().parse(ExportFile(root / "general" / "2020-01-02.json")))
    assert [(r.source.line, r.reason) for r in records if isinstance(r, Skipped)] == [
        (8, "empty message"),
        (9, "no valid ts"),
        (10, "not a message record"),
    ]
    link, reply, leave, upload, bot, tombstone, stranger = [r for r in records if isinstance(r, Message)]
    assert link.text == "see the doc & #general @Bobby @here" and link.sender == "Ann Lee"
    assert link.extra == {"user_id": "U1"} and link.chat == "general"
    assert link.timestamp == datetime(2020, 1, 2, 0, 0, 0, 100)
    assert reply.reply_to == link.id == "1577923200.000100" and link.reply_to is None
    assert reply.sender == "Bobby" and reply.extra["edited"] == "true"
    assert (leave.kind, leave.text) == (Kind.SYSTEM, "@Bobby has left the channel")
    assert (upload.kind, upload.text) == (Kind.MEDIA, "<file: pic>")
    assert (bot.kind, bot.sender, bot.extra["bot"]) == (Kind.TEXT, "deploybot", "true")
    assert tombstone.kind is Kind.DELETED
    assert stranger.sender == "Cy Unknown"


def test_dm_folder_is_named_after_its_members_and_zip_root_may_be_nested(tmp_path: Path) -> None:
    root = _export(tmp_path / "export")
    archive = tmp_path / "Acme Slack export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(root.rglob("*.json")):
            out.write(path, f"Acme Slack export/{path.relative_to(root).as_posix()}")
    result = load([archive])
    assert {r.format for r in result.reports} == {"slack"}
    dm = [m for m in result.messages if m.text == "psst"]
    assert [(m.chat, m.sender) for m in dm] == [("Ann Lee, Bobby", "Ann Lee")]
    assert len(result.ignored) == 3  # users.json, channels.json, dms.json


def test_sniff_needs_day_file_path_and_message_content(tmp_path: Path) -> None:
    root = _export(tmp_path / "export")
    day = root / "general" / "2020-01-02.json"
    assert detect(ExportFile(day)) is IMPORTERS["slack"]
    renamed = root / "general" / "notes.json"
    renamed.write_bytes(day.read_bytes())
    assert not SlackImporter().sniff(ExportFile(renamed))
    assert not SlackImporter().sniff(ExportFile(root / "users.json"))
    for name in ("users.json", "channels.json", "dms.json"):
        assert detect(ExportFile(root / name)) is None  # read by the day files' importer, listed as ignored


def test_malformed_day_file_names_file_and_line(tmp_path: Path) -> None:
    root = _export(tmp_path / "export")
    day = root / "general" / "2020-01-04.json"
    day.write_text('[\n  {"type": "message", "ts": "1.2", "text": "x"},\n  {"type": "message"\n', encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        load([root])
    assert caught.value.file == str(day) and caught.value.line == 4


def test_malformed_users_json_names_that_file(tmp_path: Path) -> None:
    root = _export(tmp_path / "export2")
    (root / "users.json").write_text("[{", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        list(SlackImporter().parse(ExportFile(root / "general" / "2020-01-02.json")))
    assert caught.value.file == str(root / "users.json")


def test_timestamp_is_exact() -> None:
    assert timestamp("1452837318.000002") == datetime(2016, 1, 15, 5, 55, 18, 2)
    assert timestamp("1452837318") == datetime(2016, 1, 15, 5, 55, 18)
    assert timestamp("1452837318.5") == datetime(2016, 1, 15, 5, 55, 18, 500000)
    assert timestamp(1452837318) is None and timestamp("soon") is None


@pytest.mark.parametrize("cut", [0, 1, 12, 40])
def test_a_truncated_day_file_is_reported_as_damaged_not_ignored(tmp_path: Path, cut: int) -> None:
    root = _export(tmp_path / "export")
    day = root / "general" / "2020-01-05.json"
    day.write_text('[\n  {\n    "type": "message",\n    "user": "U1",\n    "ts": "1.2", "text": "x"}\n]\n')
    day.write_bytes(day.read_bytes()[:cut])  # cut before the "ts" that sniffing looks for
    with pytest.raises(ImportFileError) as caught:
        load([root])
    assert caught.value.file == str(day) and "malformed JSON" in caught.value.reason


def test_a_truncated_day_file_in_a_zip_is_reported_as_damaged(tmp_path: Path) -> None:
    root = _export(tmp_path / "export")
    archive = tmp_path / "slack.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            z.write(path, path.relative_to(root).as_posix())
        z.writestr("general/2020-01-05.json", '[\n  {\n    "type": "mess')
    with pytest.raises(ImportFileError) as caught:
        load([archive])
    assert caught.value.file == f"{archive}!general/2020-01-05.json"


def test_a_date_named_json_outside_a_slack_export_is_still_not_slack(tmp_path: Path) -> None:
    day = tmp_path / "notes" / "2020-01-05.json"
    day.parent.mkdir()
    day.write_text('[{"type": "mess')
    assert detect(ExportFile(day)) is None


def test_metadata_files_in_a_zip_are_read_under_the_import_limits(tmp_path: Path) -> None:
    root = _export(tmp_path / "export")
    archive = tmp_path / "slack.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "users.json"):
            z.write(path, path.relative_to(root).as_posix())
        z.writestr("users.json", "[" + " " * 9000 + "]")
    with pytest.raises(ImportFileError) as caught:
        load([archive], limits=ImportLimits(member_bytes=8000))
    assert caught.value.file == f"{archive}!users.json" and "member_bytes" in caught.value.reason
