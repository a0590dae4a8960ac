"""Android SMS/MMS importer ("SMS Backup & Restore" XML): the fixture read exactly, contact names, hostile XML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from clone.errors import CloneError, ImportFileError
from clone.importers import IMPORTERS, ExportFile, detect, load, sms
from clone.importers.limits import ImportLimits, applied
from clone.messages import Kind, Message, Skipped

ROOT = Path(__file__).resolve().parents[1]
BACKUP = ROOT / "tests" / "data" / "sms" / "sms-20240301120000.xml"
HEAD = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"


def _parse(path: Path) -> list[Message | Skipped]:
    return list(IMPORTERS["sms"].parse(ExportFile(path)))


def _backup(tmp_path: Path, body: str, name: str = "sms.xml") -> Path:
    path = tmp_path / name
    path.write_text(f'{HEAD}<smses count="1">\n{body}\n</smses>\n', encoding="utf-8")
    return path


def _sms(body: str, kind: int = 1, address: str = "+15550100001", contact: str = "Ann Lee", date: int = 1) -> str:
    return (
        f'<sms protocol="0" address="{address}" date="{date}" type="{kind}" body="{body}" contact_name="{contact}" />'
    )


def test_backup_parses_exactly() -> None:
    assert detect(ExportFile(BACKUP)).name == "sms"
    records = _parse(BACKUP)
    # One record per <sms>/<mms>/other element under <smses>, counted by another parser (once the
    # surrogate references it refuses are joined).
    assert len(records) == len(ET.fromstring(sms._join_surrogates(BACKUP.read_bytes())))
    assert [(r.source.line, r.reason, r.text) for r in records if isinstance(r, Skipped)] == [
        (8, "not sent or received (draft)", ""),
        (9, "empty message", ""),
        (10, "no valid date", "soon"),
        (43, "not sent or received (draft)", ""),
        (49, "unknown element <call>", ""),
    ]
    messages = [r for r in records if isinstance(r, Message)]
    group = "+15550100001~+15550100003~+15550100009"
    rows = [(m.source.line, m.chat, m.sender, m.timestamp, m.text, m.kind, dict(m.extra)) for m in messages]
    assert rows == [
        (5, "Ann Lee", "Ann Lee", datetime(2024, 2, 29, 9, 46, 40), "are we still on for friday?", Kind.TEXT,
         {"address": "+15550100001"}),
        # Two surrogate references joined into one emoji; &#10; is a line break.
        (6, "Ann Lee", "Me", datetime(2024, 2, 29, 9, 47, 40), "yes!! 7pm 😀\nI'll book", Kind.TEXT,
         {"address": "+15550100001"}),
        # "(Unknown)": no contact name, the number stays.
        (7, "5550100002", "5550100002", datetime(2024, 2, 29, 9, 48, 40), "who is this? & how did you get my number",
         Kind.TEXT, {"address": "5550100002"}),
        # A group MMS: the sender from <addrs> (type 137); the owner's number (the sender of the sent MMS
        # below, listed as "Me") is left out of the chat's name.
        (11, "Ann Lee, Cy Park", "Cy Park", datetime(2024, 3, 1, 9, 46, 40), "group dinner at mine, 8?", Kind.TEXT,
         {"address": group}),
        (22, "Ann Lee, Cy Park", "Me", datetime(2024, 3, 1, 9, 47, 40), "in! bringing this", Kind.MEDIA,
         {"address": group, "media": "image/jpeg"}),
        # contact_name "(Unknown)", a differently written number: the name learnt from the other records.
        (33, "Ann Lee, Cy Park", "Ann Lee", datetime(2024, 3, 1, 9, 48, 40), "<audio/amr>", Kind.MEDIA,
         {"address": group, "media": "audio/amr"}),
    ]  # fmt: skip
    assert {(m.platform, m.id, m.reply_to) for m in messages} == {("sms", None, None)}


def test_sniff_is_specific(tmp_path: Path) -> None:
    calls = tmp_path / "calls.xml"
    calls.write_text(f'{HEAD}<calls count="1"><call number="1" date="1" type="1" /></calls>', encoding="utf-8")
    other = tmp_path / "feed.xml"
    other.write_text(f"{HEAD}<rss><channel /></rss>", encoding="utf-8")
    bare = _backup(tmp_path, _sms("hi"), "bare.xml")
    bare.write_text(f'<smses count="1">{_sms("hi")}</smses>', encoding="utf-8")  # no declaration at all
    sniff = IMPORTERS["sms"].sniff
    assert sniff(ExportFile(bare)) and sniff(ExportFile(BACKUP))
    assert not sniff(ExportFile(calls)) and not sniff(ExportFile(other))
    assert not [name for name, imp in IMPORTERS.items() if name != "sms" and imp.sniff(ExportFile(BACKUP))]


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    path = tmp_path / "bomb.xml"
    path.write_text(
        f'{HEAD}<!DOCTYPE smses [<!ENTITY l0 "ha">{entities}]>\n<smses>{_sms("&l9;")}</smses>', encoding="utf-8"
    )
    started = time.perf_counter()
    with pytest.raises(ImportFileError) as caught:
        load([path])
    assert time.perf_counter() - started < 5
    assert str(caught.value) == f"{path}:2: XML with a DOCTYPE or entity declaration (refused: never in a backup)"


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'{HEAD}<!DOCTYPE smses [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n<smses>{_sms("&x;")}</smses>',
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError, match="DOCTYPE or entity declaration"):
        _parse(path)


def test_truncated_backup_keeps_what_it_holds(tmp_path: Path) -> None:
    raw = BACKUP.read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(raw[: raw.index(b"<mms")] + b'<mms date="1709286400000" msg_box="1" addr')
    records = _parse(path)
    assert [r.source.line for r in records if isinstance(r, Message)] == [5, 6, 7]
    assert (records[-1].source.line, records[-1].reason) == (11, "file cut off here (truncated backup)")


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (f'{HEAD}<smses>\n<sms body="a" date=1 />\n</smses>', 3, "malformed XML (not well-formed (invalid token))"),
        (f"{HEAD}<smses>\n{_sms('hi')}\n</sms>", 4, "malformed XML (mismatched tag)"),
        (f"{HEAD}<smses>\x00</smses>", 2, "malformed XML (not well-formed (invalid token))"),
        (f"{HEAD}<smses></smses><smses>", 2, "malformed XML (junk after document element)"),
    ],
)
def test_broken_xml_names_file_and_line(tmp_path: Path, content: str, line: int, reason: str) -> None:
    path = tmp_path / "sms.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        _parse(path)
    assert (caught.value.line, caught.value.reason) == (line, reason)


def test_a_damaged_encoding_declaration_is_read_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_text(f"<?xml version='1.0' encoding='U-F-8' ?>\n<smses>{_sms('café')}</smses>", encoding="utf-8")
    [message] = _parse(path)
    assert isinstance(message, Message) and message.text == "café"


def test_garbage_is_not_an_export(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(CloneError, match="not a chat export"):
        load([path])


def test_other_root_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "calls.xml"
    path.write_text(f"{HEAD}<calls />", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"calls\.xml:2: not an SMS Backup & Restore file \(root <calls>\)"):
        _parse(path)


def test_surrogates_split_across_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "a&#55357;&#56832;b&#xD83C;&#xDF2E;c&#55357;d&#56832;e&#65;"
    path = _backup(tmp_path, _sms(body))
    expected = "a😀b🌮c\ufffdd\ufffdeA"  # lone halves are broken characters
    assert _parse(path)[0].text == expected
    for size in range(1, 40):  # every place a read can end inside a reference or between the two halves
        monkeypatch.setattr(sms, "CHUNK", size)
        assert _parse(path)[0].text == expected, size


def test_huge_body_is_skipped_with_its_reason(tmp_path: Path) -> None:
    path = _backup(tmp_path, _sms("x" * 5000))
    with applied(ImportLimits(line_chars=1000)):
        [record] = _parse(path)
    assert isinstance(record, Skipped) and record.reason == "message longer than the import limit line_chars"
    assert record.text == "x" * 200
    [whole] = _parse(path)  # the default limit (1 MiB characters) keeps it
    assert isinstance(whole, Message) and len(whole.text) == 5000


def test_contact_names_and_owner(tmp_path: Path) -> None:
    path = _backup(
        tmp_path,
        "\n".join([
            _sms("first", address="+1 (555) 010-0004", contact="(Unknown)"),
            _sms("later named", address="5550100004", contact="Dee Fox", date=2),
            _sms("mine", kind=2, address="5550100004", contact="Dee Fox", date=3),
            _sms("outbox", kind=4),
            _sms("failed", kind=5),
            _sms("queued", kind=6),
            _sms("odd", kind=9),
        ]),
    )  # fmt: skip
    records = _parse(path)
    assert [(r.chat, r.sender, r.text) for r in records if isinstance(r, Message)] == [
        ("Dee Fox", "Dee Fox", "first"),  # one number however it is written, named by a later record
        ("Dee Fox", "Dee Fox", "later named"),
        ("Dee Fox", "Me", "mine"),
    ]
    assert [r.reason for r in records if isinstance(r, Skipped)] == [
        "not sent or received (outbox)",
        "not sent or received (failed)",
        "not sent or received (queued)",
        "not sent or received (type '9')",
    ]


def test_clone_import_end_to_end(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "clone", "import", str(BACKUP), "--me", "Me", "--workspace", str(tmp_path / "ws")]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    [report] = json.loads((tmp_path / "ws" / "import-report.json").read_text())
    assert report["format"] == "sms"
    assert report["kinds"] == {"text": 4, "media": 2}
    assert report["skipped"] == {
        "not sent or received (draft)": 2,
        "empty message": 1,
        "no valid date": 1,
        "unknown element <call>": 1,
    }


def test_the_owner_placeholder_does_not_name_the_clone(tmp_path: Path) -> None:
    """With `--me Me --me "Maya Chen"`, the clone is Maya Chen even when most of her messages are SMS."""
    from clone.dataset.build import build_dataset
    from clone.workspace import Workspace

    def message(platform: str, chat: str, sender: str, minute: int, text: str) -> Message:
        return Message(platform, chat, sender, datetime(2024, 3, 1, 9, minute), text, Kind.TEXT, "f", minute + 1)

    messages = [
        message("sms", "Ann Lee", "Ann Lee", 0, "friday?"),
        *(message("sms", "Ann Lee", "Me", 1 + i, f"yes {i}") for i in range(3)),
        message("whatsapp", "Sam", "Sam", 10, "hi"),
        message("whatsapp", "Sam", "Maya Chen", 11, "hey"),
    ]
    summary = build_dataset(messages, ["Me", "Maya Chen"], Workspace(tmp_path / "ws"))
    assert (summary.me, summary.aliases) == ("Maya Chen", ["Maya Chen", "Me"])
