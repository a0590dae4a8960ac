"""Loading several exports at once: detection, folders, and overlapping exports of one chat."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile

import pytest

from clone.errors import CloneError, ImportFileError
from clone.importers import OVERLAP, ExportFile, load
from clone.importers.limits import ImportLimits, applied
from clone.workspace import atomic_dir

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


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


CHAT = "01/02/2020, 10:00 - Ana: hi\n" * 200  # 5,400 bytes


def test_a_zip_member_over_the_size_limit_is_refused_naming_archive_and_member(tmp_path):
    archive = _zip(tmp_path / "chat.zip", {"WhatsApp Chat with Ana.txt": CHAT})
    assert len(load([archive], limits=ImportLimits(member_bytes=len(CHAT))).messages) == 200
    with pytest.raises(ImportFileError) as caught:
        load([archive], limits=ImportLimits(member_bytes=len(CHAT) - 1))
    assert caught.value.file == f"{archive}!WhatsApp Chat with Ana.txt"
    assert f"more than {len(CHAT) - 1:,} bytes (import limit member_bytes" in caught.value.reason


def test_zip_members_over_the_total_limit_are_refused(tmp_path):
    archive = _zip(tmp_path / "chats.zip", {"a/WhatsApp Chat with Ana.txt": CHAT, "b/WhatsApp Chat with Bo.txt": CHAT})
    assert len(load([archive], limits=ImportLimits(total_bytes=2 * len(CHAT))).messages) == 400  # each read twice
    with pytest.raises(ImportFileError) as caught:
        load([archive], limits=ImportLimits(total_bytes=2 * len(CHAT) - 1))
    assert caught.value.file == f"{archive}!b/WhatsApp Chat with Bo.txt" and "total_bytes" in caught.value.reason


def test_a_member_is_counted_as_it_streams_not_by_its_declared_size(tmp_path):
    archive = _zip(tmp_path / "chat.zip", {"WhatsApp Chat with Ana.txt": CHAT * 10})
    file = ExportFile(archive, "WhatsApp Chat with Ana.txt")
    with applied(ImportLimits(member_bytes=25_000)):
        assert len(file.head(1000)) == 1000  # a head is no whole read: the declared size is not held against it
        with pytest.raises(ImportFileError, match="member_bytes"):
            file.head(40_000)


def test_big_media_members_do_not_count_against_the_total(tmp_path):
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(1 << 20)
    archive = _zip(tmp_path / "chat.zip", {"WhatsApp Chat with Ana.txt": CHAT, "VID-0001.mp4": video})
    result = load([archive], limits=ImportLimits(member_bytes=1 << 19, total_bytes=1 << 19))
    assert len(result.messages) == 200 and result.ignored == [f"{archive}!VID-0001.mp4"]


def test_temp_folders_of_a_killed_import_are_cleaned_at_the_next_start(tmp_path):
    target = tmp_path / "ws" / "messages"
    script = (
        f"import os; from pathlib import Path; from clone.workspace import atomic_dir\n"
        f"with atomic_dir(Path({str(target)!r})) as tmp:\n    (tmp / 'part.arrow').write_bytes(b'x')\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], check=False)
    assert killed.returncode == -signal.SIGKILL
    [left] = [p.name for p in target.parent.iterdir()]
    assert left.startswith(".messages.")
    older = target.parent / ".messages.abcd1234"  # made before temp folders carried their maker's pid
    older.mkdir()
    running = target.parent / f".messages.{os.getpid()}-efgh5678"  # a live import's: left alone
    running.mkdir()
    with atomic_dir(target) as tmp:
        (tmp / "part.arrow").write_bytes(b"y")
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(["messages", running.name])
    assert (target / "part.arrow").read_bytes() == b"y"


def test_a_folder_killed_between_the_two_renames_is_restored(tmp_path):
    target = tmp_path / "messages"
    (tmp_path / ".messages.old").mkdir()  # the previous copy, moved aside just before the kill
    (tmp_path / ".messages.old" / "part.arrow").write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_dir(target):
        assert (target / "part.arrow").read_bytes() == b"old"
        raise RuntimeError("a failed build keeps the previous copy")
    assert (target / "part.arrow").read_bytes() == b"old"
