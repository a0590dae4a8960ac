"""Loading several exports at once: detection, folders, and overlapping exports of one chat."""

from __future__ import annotations

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
