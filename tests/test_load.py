"""Loading several exports at once: detection, folders, and overlapping exports of one chat."""

from __future__ import annotations

import json
import zipfile

import pytest

from clone.errors import CloneError
from clone.importers import OVERLAP, load

OLD = """01/09/2025, 10:00 - Sam: morning
01/09/2025, 10:01 - Maya: ok
01/09/2025, 10:01 - Maya: ok
02/09/2025, 18:30 - Sam: dinner?
"""
NEW = """02/09/2025, 18:30 - Sam: dinner?
02/09/2025, 18:31 - Maya: yes!!
13/09/2025, 09:00 - Sam: climbing?
"""


def test_overlapping_exports_of_one_chat_merge_without_duplicates(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "WhatsApp Chat with Sam.txt").write_text(OLD)
    # The newer export starts in the middle of the older one and goes on.
    (tmp_path / "WhatsApp Chat with Sam.txt").write_text(OLD.split("\n", 1)[1] + NEW.split("\n", 1)[1])
    result = load([tmp_path / "old", tmp_path / "WhatsApp Chat with Sam.txt"])
    assert [(m.sender, m.text) for m in result.messages] == [
        ("Sam", "morning"),
        ("Maya", "ok"),
        ("Maya", "ok"),
        ("Sam", "dinner?"),
        ("Maya", "yes!!"),
        ("Sam", "climbing?"),
    ]
    overlap = [s for s in result.skipped if s.reason == OVERLAP]
    assert len(overlap) == 3  # "ok" twice and "dinner?" once: the same messages in both files
    reports = {r.file.rsplit("/", 2)[-2]: r for r in result.reports}
    assert sum(r.messages for r in result.reports) == len(result.messages)
    assert sum(r.skipped[OVERLAP] for r in reports.values()) == 3


def test_a_repeated_message_inside_one_export_is_kept(tmp_path):
    export = tmp_path / "WhatsApp Chat with Sam.txt"
    export.write_text(OLD)
    assert [m.text for m in load([export]).messages].count("ok") == 2


def test_folders_and_zips_mix_and_non_exports_inside_are_listed(tmp_path):
    (tmp_path / "a.txt").write_text(OLD)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a chat")
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.writestr("_chat.txt", NEW)
    result = load([tmp_path])
    assert {r.format for r in result.reports} == {"whatsapp"}
    assert len(result.reports) == 2
    assert result.ignored == [str(tmp_path / "photo.jpg")]


def test_folder_without_exports_is_an_error(tmp_path):
    (tmp_path / "notes.md").write_text("# nothing here")
    with pytest.raises(CloneError, match="no chat export found"):
        load([tmp_path])


def _telegram(path, chat: str, messages: list[tuple[int, str]]):
    records = [
        {"id": id, "type": "message", "date": f"2023-05-01T09:0{id}:00", "from": "Ann", "text": text}
        for id, text in messages
    ]
    path.write_text(json.dumps({"name": chat, "type": "personal_chat", "id": 7, "messages": records}))
    return path


def test_a_discord_package_beside_a_channel_export_keeps_each_message_once(tmp_path):
    from test_discord import dce_export, dce_message, package_json

    shared = "1063212345678901234"  # a snowflake: one id is one message anywhere on Discord
    channel_export = dce_export(tmp_path, [dce_message("1063212345678900000", "hi all"), dce_message(shared, "me!")])
    folder = tmp_path / "package" / "messages" / "c43"
    folder.mkdir(parents=True)
    (folder / "channel.json").write_text(json.dumps({"id": "43", "type": 0, "name": "general"}))
    rows = [
        {"ID": shared, "Timestamp": "2023-01-17 19:33:07", "Contents": "me!", "Attachments": ""},
        {"ID": "1063212345678909999", "Timestamp": "2023-01-18 08:00:00", "Contents": "only here", "Attachments": ""},
    ]
    (folder / "messages.json").write_text(package_json(*rows))
    result = load([channel_export, tmp_path / "package"])
    assert sorted(m.text for m in result.messages) == ["hi all", "me!", "only here"]
    assert [m.source.file for m in result.messages if m.id == shared] == [str(channel_export)]  # with its context
    (skip,) = [s for s in result.skipped if s.reason == OVERLAP]
    assert skip.source.file == str(folder / "messages.json") and skip.text == "me!"
    reports = {r.format: r for r in result.reports}
    assert reports["discord-package"].messages == 1 and reports["discord-package"].skipped[OVERLAP] == 1


def test_telegram_ids_are_per_chat_and_a_newer_export_wins(tmp_path):
    ann = _telegram(tmp_path / "ann.json", "Ann", [(1, "hello"), (2, "typo")])
    newer = _telegram(tmp_path / "ann-newer.json", "Ann", [(1, "hello"), (2, "fixed"), (3, "and more")])
    bob = _telegram(tmp_path / "bob.json", "Bob", [(1, "hello")])  # id 1 again, in another chat
    result = load([ann, newer, bob])
    assert sorted((m.chat, m.text) for m in result.messages) == [
        ("Ann", "and more"),
        ("Ann", "fixed"),  # the edit: the same id, and the larger (newer) export is kept
        ("Ann", "hello"),
        ("Bob", "hello"),
    ]
    assert sorted(s.text for s in result.skipped if s.reason == OVERLAP) == ["hello", "typo"]
