"""iMessage importers: the Messages database (chat.db, built here from tests/data/imessage/chat.sql) and the
text export of imessage-exporter (tests/data/imessage/Climbing crew.txt); both written from the public formats."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clone.errors import CloneError, ImportFileError
from clone.importers import IMPORTERS, ExportFile, detect, load
from clone.importers.imessage import apple_time, decode_attributed_body
from clone.importers.limits import ImportLimits, applied
from clone.messages import Kind, Message, Skipped

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "imessage"
TEXT_EXPORT = DATA / "Climbing crew.txt"


def build_chat_db(path: Path, sql: str | None = None) -> Path:
    connection = sqlite3.connect(path)
    connection.executescript(sql if sql is not None else (DATA / "chat.sql").read_text(encoding="utf-8"))
    connection.commit()
    connection.close()
    return path


@pytest.fixture
def chat_db(tmp_path: Path) -> Path:
    return build_chat_db(tmp_path / "chat.db")


def _parse(path: Path, importer: str = "imessage") -> list[Message | Skipped]:
    return list(IMPORTERS[importer].parse(ExportFile(path)))


def attributed_body(text: str) -> bytes:
    """An attributedBody blob as Messages writes it (the typedstream of an NSAttributedString)."""
    data = text.encode()
    if len(data) < 0x80:
        length = bytes([len(data)])
    elif len(data) < 0x8000:
        length = b"\x81" + len(data).to_bytes(2, "little")
    else:
        length = b"\x82" + len(data).to_bytes(4, "little")
    head = (
        b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00"
        b"\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+"
    )
    return head + length + data + b"\x86\x84\x02iI\x01\x05\x92\x84\x84\x84\x0cNSDictionary\x00\x86"


# ---------------------------------------------------------------------------------------------------
# chat.db


def test_chat_db_parses_exactly(chat_db: Path) -> None:
    assert detect(ExportFile(chat_db)).name == "imessage"
    records = _parse(chat_db)
    assert [r.source.line for r in records] == list(range(1, 16))  # one record per message row
    skipped = [(r.source.line, r.reason, r.text) for r in records if isinstance(r, Skipped)]
    assert skipped == [
        (5, "reaction removed", ""),
        (9, "empty message (no text, body or attachment)", ""),
        (13, "no valid date", "0"),
    ]
    messages = [r for r in records if isinstance(r, Message)]
    rows = [(m.source.line, m.chat, m.sender, m.timestamp, m.text, m.kind, m.id, m.reply_to) for m in messages]
    one, crew, pair = "+15550100001", "Climbing crew", "+15550100003, bob@example.com"
    plan = (
        "ok so the plan: meet at the gym at 9, drive up together, climb until 3, then tacos 🌮 at the place by "
        "the river. bring chalk + the long rope"
    )
    assert rows == [
        (1, one, one, datetime(2023, 1, 1), "hey, are you free saturday?", Kind.TEXT, "GUID-1", None),
        (2, one, "Me", datetime(2023, 1, 1, 0, 1), "yes! what time?", Kind.TEXT, "GUID-2", None),  # attributedBody
        (3, one, one, datetime(2023, 1, 1, 0, 1, 30), "Loved", Kind.REACTION, "GUID-3", "GUID-2"),
        (4, one, "Me", datetime(2023, 1, 1, 0, 2), "<IMG_0001.HEIC>", Kind.MEDIA, "GUID-4", None),
        (6, crew, "bob@example.com", datetime(2023, 1, 2), "who's driving?", Kind.TEXT, "GUID-6", None),
        (7, crew, None, datetime(2023, 1, 2, 0, 1), "Me named the conversation Climbing crew", Kind.SYSTEM, "GUID-7",
         None),
        (8, crew, "Me", datetime(2023, 1, 2, 0, 2), plan, Kind.TEXT, "GUID-8", None),  # a two-byte length
        (10, crew, "bob@example.com", datetime(2023, 1, 2, 0, 4), "", Kind.DELETED, "GUID-10", None),
        (11, crew, "+15550100003", datetime(2023, 1, 2, 0, 6), "me! I can take 3", Kind.TEXT, "GUID-11", "GUID-6"),
        (12, crew, "bob@example.com", datetime(2023, 1, 2, 0, 7), "🔥", Kind.REACTION, "GUID-12", "GUID-11"),
        (14, one, one, datetime(2023, 1, 3, 0, 53, 20), "see you at 9", Kind.TEXT, "GUID-14", None),  # no chat
        (15, pair, "Me", datetime(2023, 1, 3, 0, 55), "both of you ok with tacos?", Kind.TEXT, "GUID-15", None),
    ]  # fmt: skip
    assert {m.platform for m in messages} == {"imessage"}
    assert messages[3].extra == {"service": "iMessage", "attachments": "IMG_0001.HEIC"}
    assert messages[8].extra == {"service": "SMS"}


def test_chat_db_is_read_from_a_copy_and_left_untouched(chat_db: Path) -> None:
    before = (chat_db.read_bytes(), chat_db.stat().st_mtime_ns, sorted(os.listdir(chat_db.parent)))
    assert _parse(chat_db)
    assert (chat_db.read_bytes(), chat_db.stat().st_mtime_ns, sorted(os.listdir(chat_db.parent))) == before


def test_chat_db_reads_messages_still_in_the_write_ahead_log(tmp_path: Path) -> None:
    live = tmp_path / "chat.db"
    connection = sqlite3.connect(live)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript((DATA / "chat.sql").read_text(encoding="utf-8"))
    connection.execute("PRAGMA wal_autocheckpoint=0")
    connection.execute("INSERT INTO message (guid, text, handle_id, date) VALUES ('W', 'in the wal', 1, 694500000)")
    connection.commit()  # kept open: Messages is running, the row is only in chat.db-wal
    try:
        assert (tmp_path / "chat.db-wal").stat().st_size > 0
        last = _parse(live)[-1]
        assert isinstance(last, Message) and (last.text, last.source.line) == ("in the wal", 16)
    finally:
        connection.close()


def test_chat_db_in_a_zip(tmp_path: Path, chat_db: Path) -> None:
    archive = tmp_path / "backup.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(chat_db, "Messages/chat.db")
    result = load([archive])
    assert [r.format for r in result.reports] == ["imessage"]
    assert len(result.messages) == 12 and len(result.skipped) == 3


def test_older_schema_without_the_newer_columns(tmp_path: Path) -> None:
    """macOS 10.x databases lack thread_originator_guid, date_retracted, associated_message_emoji..."""
    sql = """
    CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);
    CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, chat_identifier TEXT, display_name TEXT);
    CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
    CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);
    CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id INTEGER, date INTEGER,
      is_from_me INTEGER);
    INSERT INTO handle VALUES (1, 'ann@example.com');
    INSERT INTO chat VALUES (1, 'ann@example.com', '');
    INSERT INTO chat_handle_join VALUES (1, 1);
    INSERT INTO chat_message_join VALUES (1, 1), (1, 2);
    INSERT INTO message VALUES (1, 'a', 'hi', 1, 400000000, 0), (2, 'b', 'hello', 1, 400000060, 1);
    """
    records = _parse(build_chat_db(tmp_path / "chat.db", sql))
    assert [(r.chat, r.sender, r.text, r.timestamp) for r in records] == [
        ("ann@example.com", "ann@example.com", "hi", datetime(2013, 9, 4, 15, 6, 40)),
        ("ann@example.com", "Me", "hello", datetime(2013, 9, 4, 15, 7, 40)),
    ]


def test_attributed_body_decoding() -> None:
    for text in ("", "hi", "é" * 64, "x" * 127, "y" * 128, "long " * 7000, "🌮 tacos"):
        assert decode_attributed_body(attributed_body(text)) == text
    blob = attributed_body("cut short here")
    assert decode_attributed_body(blob[: blob.index(b"cut") + 3]) == ""  # the length runs past the end
    assert decode_attributed_body(b"") == ""
    assert decode_attributed_body(b"streamtyped NSString but no typed value") == ""
    assert decode_attributed_body(b"NSString\x84\x01+\x90") == ""  # a negative length


def test_apple_time_seconds_and_nanoseconds() -> None:
    assert apple_time(0) is None and apple_time(None) is None and apple_time("x") is None
    assert apple_time(694224000) == datetime(2023, 1, 1) == apple_time(694224000 * 10**9)
    assert apple_time(10**30) is None  # out of range: no crash


def test_sniff_claims_only_messages_databases(tmp_path: Path, chat_db: Path) -> None:
    renamed = tmp_path / "my messages.sqlite"
    renamed.write_bytes(chat_db.read_bytes())
    other = build_chat_db(tmp_path / "notes.sqlite", "CREATE TABLE notes (id INTEGER, body TEXT);")
    sniff = IMPORTERS["imessage"].sniff
    assert sniff(ExportFile(renamed))  # the schema names chat_message_join
    assert not sniff(ExportFile(other))
    assert not sniff(ExportFile(TEXT_EXPORT))
    for name, importer in IMPORTERS.items():
        if name != "imessage":
            assert not importer.sniff(ExportFile(chat_db)), name


def test_not_sqlite_named_chat_db_is_not_claimed(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    path.write_bytes(b"this is not a database\n")
    assert detect(ExportFile(path)) is None
    with pytest.raises(CloneError, match="not a chat export"):
        load([path])


def test_sqlite_without_the_imessage_tables_is_a_clear_error(tmp_path: Path) -> None:
    path = build_chat_db(tmp_path / "chat.db", "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT);")
    with pytest.raises(ImportFileError) as caught:
        _parse(path)
    assert (
        str(caught.value)
        == f"{path}: SQLite database without the iMessage tables handle, chat, chat_message_join, chat_handle_join"
    )


def test_damaged_database_is_a_clear_error(tmp_path: Path, chat_db: Path) -> None:
    raw = bytearray(chat_db.read_bytes())
    raw[4096:] = b"\xff" * (len(raw) - 4096)  # every page after the first is garbage
    chat_db.write_bytes(bytes(raw))
    with pytest.raises(CloneError) as caught:
        load([chat_db])
    message = str(caught.value)
    assert message.startswith(f"{chat_db}: ") and len(message.splitlines()) == 1
    assert "could not read" not in message  # not load()'s safety net: the importer's own error


def test_huge_text_is_kept_whole(tmp_path: Path, chat_db: Path) -> None:
    connection = sqlite3.connect(chat_db)
    connection.execute("UPDATE message SET text = ? WHERE ROWID = 1", ("ha" * 2_000_000,))
    connection.execute("UPDATE message SET attributedBody = ? WHERE ROWID = 2", (attributed_body("é" * 300_000),))
    connection.commit()
    connection.close()
    records = _parse(chat_db)
    assert len(records[0].text) == 4_000_000 and records[1].text == "é" * 300_000


CELL_VALUES = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.binary(max_size=40),
    st.sampled_from([b"NSString\x84\x01+\x7f", attributed_body("x")[:-20], "p:0/", 2000, 3000, 2006, 1, 2]),
)
COLUMNS = ("text", "attributedBody", "handle_id", "date", "is_from_me", "item_type", "group_title",
           "group_action_type", "other_handle", "associated_message_guid", "associated_message_type",
           "associated_message_emoji", "thread_originator_guid", "cache_has_attachments", "date_retracted",
           "service", "guid")  # fmt: skip


@cache
def _fixture_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return build_chat_db(Path(tmp) / "chat.db").read_bytes()


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(changes=st.lists(st.tuples(st.integers(1, 15), st.sampled_from(COLUMNS), CELL_VALUES), min_size=1, max_size=6))
def test_values_of_the_wrong_type_give_records(tmp_path_factory: pytest.TempPathFactory, changes: list) -> None:
    """SQLite columns take any type: every cell may hold what the importer does not expect."""
    path = tmp_path_factory.mktemp("db") / "chat.db"
    path.write_bytes(_fixture_bytes())
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")  # a scratch copy: no fsync per example
    for row, column, value in changes:
        if column == "guid" and value is None:
            continue  # NOT NULL
        try:
            connection.execute(f"UPDATE message SET {column} = ? WHERE ROWID = ?", (value, row))
        except sqlite3.IntegrityError:
            continue  # guid UNIQUE
    connection.commit()
    connection.close()
    records = _parse(path)
    assert [r.source.line for r in records] == list(range(1, 16))
    for record in records:
        if isinstance(record, Message):
            assert isinstance(record.text, str) and isinstance(record.timestamp, datetime)
            assert record.sender is None or isinstance(record.sender, str)
        else:
            assert record.reason


# ---------------------------------------------------------------------------------------------------
# imessage-exporter's text export


def test_text_export_parses_exactly() -> None:
    assert detect(ExportFile(TEXT_EXPORT)).name == "imessage-text"
    records = _parse(TEXT_EXPORT, "imessage-text")
    assert all(r.chat == "Climbing crew" and r.platform == "imessage" for r in records if isinstance(r, Message))
    day = datetime(2023, 1, 3)
    rows = [
        (r.source.line, r.sender, r.timestamp, r.text, r.kind, dict(r.extra))
        if isinstance(r, Message)
        else (r.source.line, r.reason, r.text)
        for r in records
    ]
    assert rows == [
        (1, "Ann Lee", day.replace(hour=17, minute=28, second=34), "who's up for climbing saturday?", Kind.TEXT, {}),
        (5, "Me", day.replace(hour=17, minute=28, second=34), "Loved", Kind.REACTION, {}),
        (6, "bob@example.com", day.replace(hour=17, minute=28, second=34), "Liked", Kind.REACTION, {}),
        (8, "Me", day.replace(hour=17, minute=29, second=10), "me! I can drive\n\nleaving at 9 sharp", Kind.TEXT,
         {"reply": "true"}),
        (15, None, day.replace(hour=17, minute=30), "You named the conversation Climbing crew", Kind.SYSTEM, {}),
        (17, "bob@example.com", day.replace(hour=17, minute=31, second=2), "<IMG_0001.HEIC>", Kind.MEDIA,
         {"attachments": "IMG_0001.HEIC"}),
        (21, "+15550100003", day.replace(hour=17, minute=31, second=40), "look at this route\nalso bring the long rope",
         Kind.MEDIA, {"effect": "Confetti", "attachments": "IMG_0002.jpeg"}),
        (26, "Me", day.replace(hour=17, minute=32, second=15), "looks scary", Kind.TEXT, {}),  # a reply in a thread
        (30, "+15550100003", day.replace(hour=17, minute=32, second=15), "Laughed", Kind.REACTION, {}),
        (33, "bob@example.com", day.replace(hour=17, minute=33), "", Kind.DELETED, {}),
        (37, "Me", day.replace(hour=22, minute=5, second=9), "see you at 9", Kind.TEXT,
         {"first_version": "see you at 8"}),
        (42, "empty message", "Ann Lee"),
    ]  # fmt: skip


def test_text_export_odd_lines(tmp_path: Path) -> None:
    path = tmp_path / "+15550100001.txt"
    path.write_text(
        "Feb 30, 2023  1:00:00 PM\nAnn\nimpossible date\n\n"  # not a header: what follows comes before any message
        "Mar 01, 2023  1:00:00 PM\nAnn\nhi\n    indented text\nTapbacks:\nnot a tapback line\n\n"
        "Mar 01, 2023  1:01:00 PM (Read by you after 1 second)\n\nlost\n",
        encoding="utf-8",
    )
    records = _parse(path, "imessage-text")
    assert [(r.source.line, r.reason, r.text) for r in records if isinstance(r, Skipped)] == [
        (1, "invalid date", "Feb 30, 2023  1:00:00 PM"),
        (2, "text before the first message", "Ann"),
        (3, "text before the first message", "impossible date"),
        (12, "date line without a sender line", "Mar 01, 2023  1:01:00 PM (Read by you after 1 second)"),
        (14, "text before the first message", "lost"),
    ]
    [message] = [r for r in records if isinstance(r, Message)]
    assert (message.source.line, message.chat, message.text) == (
        5,
        "+15550100001",
        "hi\n    indented text\nnot a tapback line",
    )


def test_text_export_sniff_is_specific(tmp_path: Path) -> None:
    sniff = IMPORTERS["imessage-text"].sniff
    for text in (
        "Jan 03, 2023  5:28:34 PM\nMe\nhi\n",
        "\n\nJan 03, 2023 12:28:34 AM (Read by them after 3 days)\n+15550100001\nhi\n",
    ):
        good = tmp_path / "good.txt"
        good.write_text(text, encoding="utf-8")
        assert sniff(ExportFile(good)), text
    for text in (
        "Jan 03, 2023  5:28:34 PM\n\nhi\n",  # no sender line
        "Jan 3, 2023 5:28 PM - Ann: hi\n",  # WhatsApp with month names
        "[2021-03-04, 05:06] Ann: hi\n",  # Signal
        "01/02/2024, 10:00 - Ann: hi\n",  # WhatsApp
        "Jan 03, 2023  5:28:34 PM You named the conversation X\n",  # an event alone says too little
    ):
        other = tmp_path / "other.txt"
        other.write_text(text, encoding="utf-8")
        assert not sniff(ExportFile(other)), text
    others = [name for name, importer in IMPORTERS.items() if name != "imessage-text"]
    assert not [name for name in others if IMPORTERS[name].sniff(ExportFile(TEXT_EXPORT))]


def test_text_export_huge_line_is_skipped_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(f"Jan 03, 2023  5:28:34 PM\nMe\nhi\n{'x' * 5000}\nbye\n", encoding="utf-8")
    with applied(ImportLimits(line_chars=1000)):
        records = _parse(path, "imessage-text")
    assert [(r.source.line, type(r).__name__, r.text) for r in records] == [
        (1, "Message", "hi\nbye"),
        (4, "Skipped", "x" * 200),
    ]
    assert records[1].reason == "line longer than 1,000 characters (import limit line_chars)"
    assert _parse(path, "imessage-text")[0].text == f"hi\n{'x' * 5000}\nbye"  # the default limit keeps it


def test_text_export_not_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"Jan 03, 2023  5:28:34 PM\nMe\ncaf\xe9\n")
    with pytest.raises(ImportFileError) as caught:
        _parse(path, "imessage-text")
    assert str(caught.value) == f"{path}:3: not UTF-8 text"


# ---------------------------------------------------------------------------------------------------
# clone import, end to end


def _import(path: Path, workspace: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "clone", "import", str(path), "--me", "Me", "--workspace", str(workspace)]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_clone_import_of_a_chat_db(tmp_path: Path, chat_db: Path) -> None:
    done = _import(chat_db, tmp_path / "ws")
    assert done.returncode == 0, done.stderr
    [report] = json.loads((tmp_path / "ws" / "import-report.json").read_text())
    assert report["format"] == "imessage"
    assert report["kinds"] == {"text": 7, "media": 1, "system": 1, "deleted": 1, "reaction": 2}
    assert report["skipped"] == {"reaction removed": 1, "empty message (no text, body or attachment)": 1,
                                 "no valid date": 1}  # fmt: skip
    assert "reaction" in done.stderr  # the report table has the column


def test_clone_import_of_a_text_export(tmp_path: Path) -> None:
    done = _import(TEXT_EXPORT, tmp_path / "ws")
    assert done.returncode == 0, done.stderr
    [report] = json.loads((tmp_path / "ws" / "import-report.json").read_text())
    assert (report["format"], report["encoding"]) == ("imessage-text", None)
    assert report["kinds"] == {"text": 4, "media": 2, "system": 1, "deleted": 1, "reaction": 3}
    assert report["skipped"] == {"empty message": 1}
