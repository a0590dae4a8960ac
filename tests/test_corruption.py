"""Property tests: randomly corrupted real exports never crash an importer, and nothing is dropped silently.

Every fixture (one or more per importer) is corrupted by hypothesis: cut at a random byte, bytes flipped
or inserted (invalid UTF-8, NUL, BOM, JSON/CSV punctuation), lines shuffled, duplicated or deleted, line
endings mixed (LF, CRLF, lone CR); JSON files also get values swapped for values of another type, and
zips get raw byte damage. For each example, the importer the fixture belongs to and the one sniffing
now picks are called directly (so a bug is not hidden by ``load``'s safety net), then ``load`` itself.
Either a one-line ``CloneError`` naming the file comes out, or every record is a ``Message`` (well typed)
or a ``Skipped`` with a reason, and the records account for the input:

* WhatsApp / Signal: every non-blank line is a message's header line, a continuation line inside a
  message's text, or inside a skipped record's text (records are in file order, one per header line, and
  a record spans the lines up to the next record);
* JSON formats: one record per array element, numbered 1..n; an .eml is one record; an mbox at least one;
* iMessage chat.db: one record per row of its message table, numbered 1..n (sqlite counts the rows);
  imessage-exporter text: every non-blank line is a record's, a sender's, or in a message's text or extras;
  SMS Backup & Restore XML: records in file order.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clone.errors import CloneError
from clone.importers import IMPORTERS, ExportFile, detect, load
from clone.importers.imessage_text import HEADER as IMESSAGE_HEADER
from clone.importers.line import date_line
from clone.importers.reading import SAMPLE_BYTES, detect_encoding
from clone.messages import Kind, Message, Note, Skipped

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures"
EXAMPLES = ROOT / "examples"

# Deterministic (CI), no example database written into the tree, no per-example deadline.
# CLONE_CORRUPTION_SCALE=20 multiplies the number of examples, for a deeper run by hand.
SCALE = int(os.environ.get("CLONE_CORRUPTION_SCALE", "1"))
SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}


# ---------------------------------------------------------------------------------------------------
# The fixtures: one case per export, with the files it needs laid out as the importer expects them.


@dataclass(frozen=True, repr=False)
class Case:
    id: str
    importer: str  # the importer that reads the intact file
    # (name in the temp folder, fixture file or content); files[0] is the export. For a zip case: members
    # added to the archive.
    files: tuple[tuple[str, Path | bytes], ...]
    targets: tuple[str, ...] = ()  # names corruption may hit; default: the export only
    zip_from: Path | None = None  # for a zip: the source archive
    parse: tuple[str, ...] = ()  # members parsed directly (zip cases); default: the export

    def __repr__(self) -> str:  # short, for hypothesis' falsifying examples
        return f"<case {self.id}>"

    @property
    def main(self) -> str:
        return self.files[0][0]

    @property
    def hit(self) -> tuple[str, ...]:
        return self.targets or (self.main,)

    def available(self) -> bool:
        source = self.zip_from or self.files[0][1]
        return not isinstance(source, Path) or source.is_file()


def _plain(
    case_id: str, importer: str, path: Path, *beside: str, folder: str = "", extra: tuple[tuple[str, bytes], ...] = ()
) -> Case:
    """A file copied under its own name (names carry the chat name), with side files next to it."""
    prefix = f"{folder}/" if folder else ""
    files = ((prefix + path.name, path), *((prefix + name, path.parent / name) for name in beside), *extra)
    return Case(case_id, importer, files, targets=tuple(name for name, _ in files))


def _json(doc: Any) -> bytes:
    return json.dumps(doc, indent=1, ensure_ascii=False).encode()


# The JSON fixtures are small; these hand-written exports add the record kinds they lack (service records,
# media, polls, stickers, replies, reactions, unsent messages, calls) so corruption reaches that code too.
TELEGRAM_RICH = _json(
    {
        "name": "Climbers",
        "type": "private_group",
        "id": 7,
        "messages": [
            {
                "id": 1,
                "type": "service",
                "date": "2021-01-01T10:00:00",
                "date_unixtime": "1609495200",
                "actor": "Ann",
                "actor_id": "user1",
                "action": "invite_members",
                "title": "Climbers",
                "members": ["Bob", "Cy"],
                "text": "",
            },
            {
                "id": 2,
                "type": "message",
                "date": "2021-01-01T10:01:00",
                "from": "Ann",
                "from_id": "user1",
                "text": [{"type": "bold", "text": "hi"}, " all"],
                "reply_to_message_id": 1,
                "edited": "2021-01-01T10:02:00",
            },
            {
                "id": 3,
                "type": "message",
                "date": "2021-01-01T10:03:00",
                "from": "Bob",
                "photo": "photos/a.jpg",
                "text": "",
            },
            {
                "id": 4,
                "type": "message",
                "date": "2021-01-01T10:04:00",
                "from": "Cy",
                "media_type": "sticker",
                "sticker_emoji": "👍",
                "file": "(File not included. Change data exporting settings to download.)",
                "text": "",
            },
            {
                "id": 5,
                "type": "message",
                "date": "2021-01-01T10:05:00",
                "from": None,
                "poll": {"question": "Saturday?", "answers": []},
                "text": "",
            },
            {
                "id": 6,
                "type": "message",
                "date_unixtime": "1609495560",
                "from": "Ann",
                "forwarded_from": "Dee",
                "via_bot": "@bot",
                "text": "fwd",
            },
        ],
    }
)
MESSENGER_RICH = _json(
    {
        "participants": [{"name": "Ann"}, {"name": "Bob"}],
        "title": "Ann and Bob",
        "is_still_participant": True,
        "thread_path": "inbox/annandbob_1",
        "messages": [
            {"sender_name": "Bob", "timestamp_ms": 1600000005000, "content": "Ann reacted 😆 to your message"},
            {"sender_name": "Ann", "timestamp_ms": 1600000004000, "photos": [{"uri": "a.jpg"}], "type": "Generic"},
            {
                "sender_name": "Bob",
                "timestamp_ms": 1600000003000,
                "share": {"link": "https://instagram.com/p/x"},
                "content": "Bob sent an attachment.",
                "type": "Share",
            },
            {
                "sender_name": "Ann",
                "timestamp_ms": 1600000002000,
                "content": "he\u00e2\u0080\u0099s",
                "is_unsent": False,
            },
            {"sender_name": "Bob", "timestamp_ms": 1600000001000, "type": "Call", "content": "Bob called you."},
            {"sender_name": "Ann", "timestamp_ms": 1600000000000, "is_unsent": True},
        ],
    }
)
MESSENGER_E2EE = _json(
    {
        "participants": ["Ann", "Bob"],
        "threadName": "Ann and Bob",
        "messages": [
            {"senderName": "Ann", "timestamp": 1700000000000, "text": "hi", "isUnsent": False, "media": []},
            {
                "senderName": "Bob",
                "timestamp": 1700000001000,
                "text": "",
                "isUnsent": False,
                "media": [{"uri": "b.jpg"}],
            },
            {"senderName": "Ann", "timestamp": 1700000002000, "text": "oops", "isUnsent": True},
        ],
    }
)
SLACK_DMS = _json([{"id": "D0G5PB5QQ", "created": 1452837318, "members": ["U0BMYT2FL", "U0BMS113R"]}])
DISCORD_USER = _json({"id": "189762334406754304", "username": "ann", "global_name": "Ann"})
DISCORD_INDEX = _json({"496503416080564238": "general in Climbers", "1": "None"})


DATA = ROOT / "tests" / "data"


def chat_db_bytes(sql: Path) -> bytes:
    """The bytes of a Messages database built from ``sql`` (the fixture is kept as SQL, not as a binary)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chat.db"
        connection = sqlite3.connect(path)
        connection.executescript(sql.read_text(encoding="utf-8"))
        connection.commit()
        connection.close()
        return path.read_bytes()


# Our own fixtures for the formats shared/ has no sample of (tests/data): LINE, Google Chat, Hangouts.
TAKEOUT_CHAT = "Takeout/Google Chat"
USER_INFO = f"{TAKEOUT_CHAT}/Users/User 104729/user_info.json"
GOOGLE_USER = ((USER_INFO, (DATA / "google-chat" / USER_INFO).read_bytes()),)

SLACK_ZIP = FIXTURES / "slack-export-viewer" / "testarchive.zip"
SLACK_DAYS = ("enrique/2016-02-08.json", "traveling-sailor/2016-03-29.json")
DISCORD = FIXTURES / "discord-data-package" / "messages" / "c496503416080564238"
MINER = FIXTURES / "chat-miner"
MIKEL = FIXTURES / "mikel-mail"

CASES = [
    *(_plain(f"whatsapp-{p.stem}", "whatsapp", p) for p in sorted((MINER / "whatsapp").glob("test_*.txt"))),
    _plain("whatsapp-pustur", "whatsapp", FIXTURES / "whatsapp-chat-parser-website" / "_chat.txt"),
    _plain("whatsapp-pustur-old", "whatsapp", FIXTURES / "whatsapp-chat-parser-website" / "old-example__chat.txt"),
    _plain(
        "whatsapp-egregora-demo", "whatsapp", FIXTURES / "egregora" / "demo_chat__Conversa do WhatsApp com Teste.txt"
    ),
    _plain(
        "whatsapp-egregora-old",
        "whatsapp",
        FIXTURES / "egregora" / "tests_data_7f9ec0b__Conversa do WhatsApp com Teste.txt",
    ),
    *(_plain(f"example-{p.stem.split()[-1].lower()}", "whatsapp", p) for p in sorted(EXAMPLES.glob("*.txt"))),
    _plain("signal", "signal", MINER / "signal" / "test_export.txt"),
    _plain("telegram-single", "telegram", MINER / "telegram" / "test_single_export.json"),
    _plain("telegram-batch", "telegram", MINER / "telegram" / "test_batch_export.json"),
    _plain("instagram", "meta", MINER / "instagram" / "test_export.json"),
    Case("telegram-rich", "telegram", (("result.json", TELEGRAM_RICH),)),
    Case("messenger-rich", "meta", (("message_1.json", MESSENGER_RICH),)),
    Case("messenger-e2ee", "meta", (("Ann and Bob.json", MESSENGER_E2EE),)),
    _plain(
        "discord-package",
        "discord-package",
        DISCORD / "messages.json",
        "channel.json",
        folder=f"package/messages/{DISCORD.name}",
        extra=(("package/account/user.json", DISCORD_USER), ("package/messages/index.json", DISCORD_INDEX)),
    ),
    _plain("eml-reply", "eml", MIKEL / "plain_emails" / "raw_email_reply.eml"),
    _plain("eml-korean", "eml", MIKEL / "multi_charset" / "ks_c_5601-1987.eml"),
    _plain("eml-nested", "eml", MIKEL / "mime_emails" / "raw_email_with_nested_attachment.eml"),
    _plain("eml-latin1-words", "eml", FIXTURES / "mail-parser-stalwart" / "legacy" / "023.eml"),
    _plain("eml-cpython", "eml", FIXTURES / "cpython" / "msg_15.txt"),
    _plain("mbox-cpython", "mbox", FIXTURES / "cpython" / "mailbox_01.mbox"),
    Case("imessage-chat-db", "imessage", (("chat.db", chat_db_bytes(DATA / "imessage" / "chat.sql")),)),
    _plain("imessage-text", "imessage-text", DATA / "imessage" / "Climbing crew.txt"),
    _plain("sms-backup", "sms", DATA / "sms" / "sms-20240301120000.xml"),
    *(_plain(f"line-{p.stem}", "line", p) for p in sorted((DATA / "line").glob("*.txt"))),
    *(
        _plain(
            f"google-chat-{group.split()[0].lower()}",
            "google-chat",
            DATA / "google-chat" / TAKEOUT_CHAT / "Groups" / group / "messages.json",
            "group_info.json",
            folder=f"{TAKEOUT_CHAT}/Groups/{group}",
            extra=GOOGLE_USER,
        )
        for group in ("DM q8RsAAAAE", "Space AAAAx7Kp2")
    ),
    _plain("hangouts", "hangouts", DATA / "hangouts" / "Hangouts.json"),
    _plain("hangouts-2014", "hangouts", DATA / "hangouts" / "2014" / "Hangouts.json"),
    Case(
        "slack",
        "slack",
        (("dms.json", SLACK_DMS),),
        zip_from=SLACK_ZIP,
        targets=(*SLACK_DAYS, "users.json", "channels.json", "dms.json"),
        parse=SLACK_DAYS,
    ),
]
LINE_BASED = {"whatsapp": "replace", "signal": "strict", "line": "replace"}  # importer -> how it decodes bad UTF-8
JSON_FORMATS = ("telegram", "meta", "discord-package", "slack", "google-chat", "hangouts")
JSON_CASES = [c for c in CASES if c.importer in JSON_FORMATS]


def _params(cases: list[Case]) -> list[Any]:
    missing = pytest.mark.skipif(True, reason="fixture not found (shared/fixtures is not checked out)")
    return [pytest.param(c, id=c.id, marks=() if c.available() else missing) for c in cases]


@cache
def _originals(case: Case) -> dict[str, bytes]:
    contents = {}
    if case.zip_from is not None:
        with zipfile.ZipFile(case.zip_from) as archive:
            contents = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    return contents | {name: s if isinstance(s, bytes) else s.read_bytes() for name, s in case.files}


def _lay_out(case: Case, folder: Path, changed: dict[str, bytes]) -> tuple[Path, list[ExportFile]]:
    """Write the case into ``folder`` with some files replaced: (what to load, files to parse directly)."""
    contents = {**_originals(case), **changed}
    if case.zip_from is not None:
        path = folder / case.zip_from.name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in contents.items():
                archive.writestr(name, data)
        return path, [ExportFile(path, member) for member in case.parse]
    for name, data in contents.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder / case.main, [ExportFile(folder / case.main)]


# ---------------------------------------------------------------------------------------------------
# Corruptions. Each is a plain tuple (readable in hypothesis' falsifying example); positions and seeds
# are drawn independently of the data and reduced modulo its length.

JUNK = [
    b"\x00",
    b"\xff",
    b"\xfe",
    b"\x80",
    b"\xbf",
    b"\xc3",
    b"\xc0\xaf",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xef\xbb\xbf",
    b"\xe2\x80\x8e",
    b"\xff\xfe",
    b"\r",
    b"\n",
    b"\r\n",
    b'"',
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b":",
    b": ",
    b"\\",
    b"\\u",
    b"\t",
    b"-",
    b"\x1a",
    b"From ",
]
POSITION = st.integers(0, 1 << 20)

byte_damage = st.one_of(
    st.tuples(st.just("truncate"), POSITION),
    st.tuples(st.just("flip"), POSITION, st.integers(0, 255)),
    st.tuples(st.just("insert"), POSITION, st.sampled_from(JUNK)),
)
corruption = st.one_of(
    byte_damage,
    st.tuples(st.just("shuffle"), st.integers(0, 1 << 16)),
    st.tuples(st.just("duplicate"), POSITION, st.integers(1, 4)),
    st.tuples(st.just("delete"), POSITION, st.integers(1, 4)),
    st.tuples(st.just("endings"), st.integers(0, 1 << 16)),
)
corruptions = st.lists(corruption, min_size=1, max_size=3)


def corrupt(data: bytes, ops: list[tuple]) -> bytes:
    for op, *args in ops:
        if op in ("truncate", "flip", "insert"):
            at = args[0] % (len(data) + 1)
            if op == "truncate":
                data = data[:at]
            elif op == "flip":
                data = data[:at] + bytes([args[1]]) + data[at + 1 :]
            else:
                data = data[:at] + args[1] + data[at:]
            continue
        lines = data.split(b"\n")  # line bytes keep their "\r": shuffling also mixes CRLF and LF
        if op == "shuffle":
            random.Random(args[0]).shuffle(lines)
        elif op in ("duplicate", "delete"):
            at = args[0] % len(lines)
            run = lines[at : at + args[1]]
            lines[at : at + args[1]] = run * 2 if op == "duplicate" else []
        else:  # endings: each line break becomes LF, CRLF or a lone CR
            rng = random.Random(args[0])
            body = [line.removesuffix(b"\r") for line in lines]
            ends = [rng.choice((b"\n", b"\r\n", b"\n", b"\r\n", b"\r")) for _ in body[:-1]]
            data = b"".join(line + end for line, end in zip(body, [*ends, b""], strict=True))
            continue
        data = b"\n".join(lines)
    return data


# JSON values of every type, including the awkward ones (huge ints, NaN, nesting), under the keys and with
# the string values each importer looks at, so that type confusion reaches its code paths.
JSON_KEYS = {
    "telegram": [
        "type",
        "date",
        "date_unixtime",
        "from",
        "actor",
        "text",
        "text_entities",
        "members",
        "title",
        "action",
        "photo",
        "file",
        "poll",
        "question",
        "media_type",
        "sticker_emoji",
        "id",
        "edited",
        "reply_to_message_id",
        "from_id",
        "forwarded_from",
        "messages",
        "name",
        "chats",
        "list",
        "left_chats",
    ],
    "meta": [
        "sender_name",
        "senderName",
        "timestamp_ms",
        "timestamp",
        "content",
        "text",
        "type",
        "is_unsent",
        "isUnsent",
        "share",
        "link",
        "photos",
        "files",
        "sticker",
        "media",
        "participants",
        "name",
        "title",
        "threadName",
        "messages",
    ],
    "slack": [
        "type",
        "ts",
        "subtype",
        "text",
        "user",
        "bot_id",
        "username",
        "bot_profile",
        "name",
        "comment",
        "files",
        "file",
        "title",
        "attachments",
        "fallback",
        "pretext",
        "edited",
        "thread_ts",
        "user_profile",
        "real_name",
        "display_name",
        "id",
        "members",
        "profile",
    ],
    "discord-package": [
        "ID",
        "Timestamp",
        "Contents",
        "Attachments",
        "id",
        "type",
        "name",
        "guild",
        "recipients",
        "global_name",
        "username",
    ],
}
JSON_KEYS["google-chat"] = [
    "messages",
    "creator",
    "name",
    "email",
    "user_type",
    "created_date",
    "deleted_date",
    "message_state",
    "text",
    "attached_files",
    "export_name",
    "original_name",
    "message_id",
    "topic_id",
    "updated_date",
    "members",
    "user",
]
JSON_KEYS["hangouts"] = [
    "conversations",
    "conversation",
    "conversation_state",
    "event",
    "events",
    "participant_data",
    "id",
    "gaia_id",
    "fallback_name",
    "self_conversation_state",
    "self_read_state",
    "participant_id",
    "name",
    "sender_id",
    "timestamp",
    "event_type",
    "event_id",
    "chat_message",
    "message_content",
    "segment",
    "type",
    "text",
    "attachment",
    "embed_item",
    "plus_photo",
    "url",
    "media_type",
    "conversation_rename",
    "new_name",
    "membership_change",
    "participant_ids",
    "hangout_event",
]
WORDS = [
    "DELETED",
    "Bot",
    "Monday, January 2, 2023 at 3:04:05\u202fPM UTC",
    "1420113600000000",
    "REGULAR_CHAT_MESSAGE",
    "HANGOUT_EVENT",
    "RENAME_CONVERSATION",
    "ADD_USER",
    "LINE_BREAK",
    "PLUS_PHOTO",
    "message",
    "service",
    "bot_message",
    "file_comment",
    "file_share",
    "channel_join",
    "tombstone",
    "Default",
    "Call",
    "saved_messages",
    "2024-04-20 17:13:19",
    "2019-01-20T11:23:00",
    "1452837318.000002",
    "1544006350",
    "U0G5PB5QQ",
    "",
    " ",
]


def json_values(keys: list[str]) -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(1 << 70), 1 << 70)
        | st.floats()
        | st.sampled_from(WORDS)
        | st.text(max_size=6)
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(keys), inner, max_size=3),
        max_leaves=5,
    )


def _paths(node: Any, at: tuple = ()) -> Iterator[tuple]:
    yield at
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _paths(child, (*at, key))


def _node(doc: Any, path: tuple) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def mutate_json(draw: Any, doc: Any, keys: list[str]) -> Any:
    """One to three changes: a node replaced or deleted, or one of ``keys`` set on an object."""
    values = json_values(keys)
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["replace", "delete", "set"]))
        if action == "set":
            objects = [path for path in _paths(doc) if isinstance(_node(doc, path), dict)]
            if objects:
                _node(doc, draw(st.sampled_from(objects)))[draw(st.sampled_from(keys))] = draw(values)
            continue
        path = draw(st.sampled_from(list(_paths(doc))))
        if not path:
            doc = draw(values) if action == "replace" else doc
        elif action == "delete":
            del _node(doc, path[:-1])[path[-1]]
        else:
            _node(doc, path[:-1])[path[-1]] = draw(values)
    return doc


# ---------------------------------------------------------------------------------------------------
# The checks.

MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_UNMARK = str.maketrans({c: None for c in MARKS} | {"\u00a0": " ", "\u202f": " "})
_SAFETY_NET = re.compile(r"could not read (?:after line \d+|at the start) \(\w+: ")


def _blank(line: str) -> bool:
    return not line.translate(_UNMARK).strip()


def check_error(error: CloneError, where: str) -> None:
    message = str(error)
    assert len(message.splitlines()) == 1, f"not one line: {message!r}"
    assert where in message, f"the error does not name {where}: {message}"
    assert not _SAFETY_NET.search(message), f"an importer bug caught by load()'s safety net: {message}"


def parse(importer: str, file: ExportFile, where: str) -> list[Message | Skipped] | None:
    """The importer's records, or None after a proper CloneError; any other exception fails the test."""
    try:
        return list(IMPORTERS[importer].parse(file))
    except CloneError as error:
        check_error(error, where)
        return None


def check_records(records: list[Message | Skipped], file: ExportFile) -> None:
    for record in records:
        assert isinstance(record, Message | Skipped | Note), record
        assert record.source.file == file.name and isinstance(record.source.line, int), record.source
        if isinstance(record, Note):  # what the report says about the message beside it
            assert isinstance(record.text, str) and record.text.strip(), record
            continue
        if isinstance(record, Skipped):
            assert isinstance(record.reason, str) and record.reason.strip(), record
            assert isinstance(record.text, str), record
            continue
        assert isinstance(record.kind, Kind) and isinstance(record.timestamp, datetime), record
        assert isinstance(record.text, str) and isinstance(record.chat, str), record
        for value in (record.sender, record.id, record.reply_to):
            assert value is None or isinstance(value, str), record
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in record.extra.items()), record.extra


def check_lines(records: list[Message | Skipped], raw: bytes, errors: str, importer: str = "whatsapp") -> None:
    """Every non-blank line is in a record: a record spans its line up to the next record's line. LINE's
    date lines are no record, and the quotes around a message of several lines are not its text."""
    exempt = _line_exempt if importer == "line" else lambda line, kept: False
    # WhatsApp reads a file in the encoding it detects (a damaged byte can make UTF-8 look like cp1252).
    encoding = (detect_encoding(raw[:SAMPLE_BYTES]) or "utf-8") if errors == "replace" else "utf-8"
    text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors=errors)
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    starts = [r.source.line for r in records]
    assert starts == sorted(set(starts)), f"records out of file order or two on one line: {starts}"
    assert all(1 <= start <= len(lines) for start in starts), starts
    lost = [n for n in range(1, [*starts, len(lines) + 1][0]) if not _blank(lines[n - 1])]
    lost = [n for n in lost if not exempt(lines[n - 1], "")]
    assert not lost, f"lines before the first record are not accounted for: {lost}"
    for record, end in zip(records, [*starts[1:], len(lines) + 1][: len(records)], strict=True):
        head, span = lines[record.source.line - 1], range(record.source.line + 1, end)
        if isinstance(record, Skipped):
            assert record.text and (record.text in head or head in record.text), (record, head)
            kept = record.text
        else:
            body = record.text.split("\n")[0]
            # The header line ends with the first text line, or has no text after "Name:" (the text
            # then starts on the next line).
            assert head.endswith(body) or head.rstrip().endswith(":"), (record, head)
            if record.sender is not None:
                assert record.sender in head.translate(_UNMARK), (record.sender, head)
            kept = record.text
        lost = [n for n in span if not _blank(lines[n - 1]) and lines[n - 1] not in kept]
        lost = [n for n in lost if not exempt(lines[n - 1], kept)]
        assert not lost, f"lines {lost} silently dropped (record at line {record.source.line})"


def check_imessage_text(records: list[Message | Skipped], raw: bytes) -> None:
    """Every non-blank line of an imessage-exporter file is a record's line, a message's sender line, a line
    of a message's text or attachments, a reactions heading, or a line the exporter writes about a message."""
    lines = [line.removesuffix("\r") for line in raw.decode("utf-8-sig").split("\n")]
    starts = [r.source.line for r in records]
    assert starts == sorted(set(starts)), f"records out of file order or two on one line: {starts}"
    claimed = set(starts) | {r.source.line + 1 for r in records if isinstance(r, Message) and r.sender}
    words = [r.text for r in records] + [v for r in records if isinstance(r, Message) for v in r.extra.values()]
    notes = {"Reactions:", "Tapbacks:", "This message responded to an earlier message."}
    for number, line in enumerate(lines, 1):
        dated = IMESSAGE_HEADER.match(line)  # an edited message's first version starts with its time
        content = (dated["rest"] if dated else line).strip()
        if number in claimed or not content or content in notes or content.startswith(("Sent with ", "Edited ")):
            continue
        if content == "This message was deleted from the conversation!":
            continue
        assert any(content in text or content.rsplit("/", 1)[-1] in text for text in words), (number, line)


def _line_exempt(line: str, kept: str) -> bool:
    return date_line(line.lstrip(MARKS)) is not None or (bool(kept) and line.strip('"') in kept)


def expected_records(importer: str, raw: bytes) -> int | None:
    """How many records a JSON/mail file must give, counted independently; None where not counted."""
    if importer == "eml":
        return 1
    if importer == "imessage":
        return _message_rows(raw)
    if importer not in JSON_FORMATS:
        return None
    text = raw.decode("utf-8-sig")
    if importer == "discord-package" and not text.strip():
        return 0
    data = json.loads(text)  # the importer read it, so it is valid JSON
    if importer in ("discord-package", "slack"):
        return len(data)
    if importer == "hangouts":
        return _hangouts_events(data)
    if isinstance(data.get("messages"), list):
        return len(data["messages"])
    left = data.get("left_chats")
    left = left.get("list") if isinstance(left, dict) else None
    chats = [*data["chats"]["list"], *(left if isinstance(left, list) else [])]
    return sum(len(chat["messages"]) for chat in chats)


def _message_rows(raw: bytes) -> int | None:
    """The rows of a chat.db's message table, counted by sqlite itself; None when sqlite cannot count them."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chat.db"
        path.write_bytes(raw)
        try:
            connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            try:
                return connection.execute("SELECT count(*) FROM message").fetchone()[0]
            finally:
                connection.close()
        except sqlite3.Error:
            return None


def _hangouts_events(data: dict[str, Any]) -> int:
    """Events in a Hangouts.json, by the layout its first key names (the importer read it without error)."""
    first = next(iter(data))
    path = ("events",) if first == "conversations" else ("conversation_state", "event")
    count = 0
    for conversation in data[first]:
        events = conversation
        for key in path:
            events = events.get(key) if isinstance(events, dict) else None
        count += len(events) if isinstance(events, list) else 0
    return count


def check_file(importer: str, file: ExportFile, raw: bytes, where: str) -> int | None:
    """Parse ``file`` with ``importer`` and check everything; the record count, None after an error."""
    records = parse(importer, file, where)
    if records is None:
        return None
    check_records(records, file)
    records = [r for r in records if type(r) is not Note]  # a note describes a record; it is not one
    if importer in LINE_BASED:
        check_lines(records, raw, LINE_BASED[importer], importer)
    if importer == "imessage-text":
        check_imessage_text(records, raw)
    if importer == "sms":
        starts = [r.source.line for r in records]
        assert starts == sorted(starts), f"records out of file order: {starts}"
    expected = expected_records(importer, raw)
    if expected is not None:
        assert sorted(r.source.line for r in records) == list(range(1, expected + 1)), (
            f"{expected} records in the file, record numbers {[r.source.line for r in records]}"
        )
    if importer == "mbox":
        assert records or not raw.strip(), "an mbox with content that parses has at least one email"
    return len(records)


def check_case(case: Case, changed: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path, files = _lay_out(case, Path(tmp), changed)
        contents = {**_originals(case), **changed}
        counts: dict[str, int | None] = {}
        for file in files:
            raw = contents[file.member or case.main]
            sniffed = detect(file)
            names = {case.importer} | ({sniffed.name} if sniffed else set())
            for name in sorted(names):
                count = check_file(name, file, raw, str(path))
                if sniffed is not None and name == sniffed.name:
                    counts[file.name] = count
        try:
            result = load([path])
        except CloneError as error:
            check_error(error, str(path))
            return
        if case.zip_from is None:  # one file: load gives what the sniffed importer gave, overlaps aside
            assert len(result.messages) + len(result.skipped) == counts.get(str(path)), counts
        assert sum(r.messages + sum(r.skipped.values()) for r in result.reports) == len(result.messages) + len(
            result.skipped
        )


# ---------------------------------------------------------------------------------------------------
# The tests.


@pytest.mark.parametrize("case", _params(CASES))
def test_intact_fixture_is_read_by_its_importer(case: Case) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _, files = _lay_out(case, Path(tmp), {})
        for file in files:
            found = detect(file)
            assert found is not None and found.name == case.importer, file.name
            records = list(found.parse(file))
            assert any(isinstance(r, Message) for r in records)
    check_case(case, {})


@pytest.mark.parametrize("case", _params(CASES))
@settings(max_examples=120 * SCALE, **SETTINGS)
@given(data=st.data(), ops=corruptions)
def test_corrupted_bytes_give_records_or_a_clear_error(case: Case, data: st.DataObject, ops: list[tuple]) -> None:
    target = data.draw(st.sampled_from(case.hit), label="target")
    check_case(case, {target: corrupt(_originals(case)[target], ops)})


@pytest.mark.parametrize("case", _params(JSON_CASES))
@settings(max_examples=160 * SCALE, **SETTINGS)
@given(data=st.data())
def test_json_values_of_the_wrong_type_give_records_or_a_clear_error(case: Case, data: st.DataObject) -> None:
    targets = [name for name in case.hit if name.endswith(".json")]
    target = data.draw(st.sampled_from(targets), label="target")
    doc = mutate_json(data.draw, json.loads(_originals(case)[target].decode("utf-8-sig")), JSON_KEYS[case.importer])
    check_case(case, {target: json.dumps(doc).encode()})


ZIPS = [FIXTURES / "whatsapp-chat-parser-website" / "whatsapp-chat-parser-example.zip", SLACK_ZIP]


@pytest.mark.parametrize(
    "archive",
    [pytest.param(p, id=p.stem, marks=pytest.mark.skipif(not p.is_file(), reason="fixture not found")) for p in ZIPS],
)
@settings(max_examples=80 * SCALE, **SETTINGS)
@given(ops=st.lists(byte_damage, min_size=1, max_size=3))
def test_damaged_zip_gives_messages_or_a_clear_error(archive: Path, ops: list[tuple]) -> None:
    """Raw damage to the archive (bad CRCs, broken deflate streams, a cut central directory). A member
    that cannot be read while being parsed may end in load()'s "could not read" error: that is a read
    error, not a parse bug, so only the error's shape is checked here."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / archive.name
        path.write_bytes(corrupt(archive.read_bytes(), ops))
        try:
            load([path])
        except CloneError as error:
            message = str(error)
            assert len(message.splitlines()) == 1 and str(path) in message, message


def test_zip_whose_directory_cannot_be_read_is_a_clear_error(tmp_path: Path) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("_chat.txt", "01/02/2024, 10:00 - Ann: hi\n")
    raw = bytearray(data.getvalue())
    entry = raw.index(b"PK\x01\x02")  # the central directory entry: "version needed to extract" at +6
    raw[entry + 6 : entry + 8] = b"\xff\x00"  # zip version 25.5: zipfile raises NotImplementedError
    path = tmp_path / "chat.zip"
    path.write_bytes(bytes(raw))
    with pytest.raises(CloneError, match=r"chat\.zip: damaged zip archive"):
        load([path])


def test_corrupt_handles_every_operation() -> None:
    data = b"a\nb\r\nc\nd"
    assert corrupt(data, [("truncate", 3)]) == b"a\nb"
    assert corrupt(data, [("flip", 0, 0)]) == b"\x00\nb\r\nc\nd"
    assert corrupt(data, [("insert", 1, b"\xff")]) == b"a\xff\nb\r\nc\nd"
    assert sorted(corrupt(data, [("shuffle", 1)]).split(b"\n")) == sorted(data.split(b"\n"))
    assert corrupt(data, [("duplicate", 1, 1)]) == b"a\nb\r\nb\r\nc\nd"
    assert corrupt(data, [("delete", 1, 2)]) == b"a\nd"
    assert corrupt(data, [("endings", 0)]).replace(b"\r\n", b"\n").replace(b"\r", b"\n") == b"a\nb\nc\nd"


def test_accounting_check_catches_a_dropped_line() -> None:
    """The line check itself: a continuation line missing from the text is reported."""
    raw = b"01/02/2024, 10:00 - Ann: hi\nsecond line\n01/02/2024, 10:01 - Bob: yo\n"
    file = ExportFile(Path("chat.txt"))
    records = [
        Message("whatsapp", "c", "Ann", datetime(2024, 2, 1, 10), "hi", Kind.TEXT, file.name, 1),
        Message("whatsapp", "c", "Bob", datetime(2024, 2, 1, 10, 1), "yo", Kind.TEXT, file.name, 3),
    ]
    with pytest.raises(AssertionError, match="silently dropped"):
        check_lines(records, raw, "replace")
    records[0].text = "hi\nsecond line"
    check_lines(records, raw, "replace")


# ---------------------------------------------------------------------------------------------------
# The bugs these properties found, pinned as plain examples.


def test_damaged_zip_member_is_not_sniffed_as_anything(tmp_path: Path) -> None:
    """Sniffers must not raise on a member whose deflate stream is broken (zlib.error, bad CRC)."""
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_chat.txt", "01/02/2024, 10:00 - Ann: hi\n" * 50)
    raw = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("_chat.txt")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start : start + info.compress_size] = b"\xff" * info.compress_size
    path.write_bytes(bytes(raw))
    assert detect(ExportFile(path, "_chat.txt")) is None
    with pytest.raises(CloneError, match="no chat export found"):
        load([path])


def test_discord_package_with_data_after_the_array_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "messages" / "c1"
    folder.mkdir(parents=True)
    (folder / "channel.json").write_text('{"id": "1", "type": 1}')
    row = '{"ID": 1, "Timestamp": "2024-04-20 17:13:19", "Contents": "hi", "Attachments": ""}'
    (folder / "messages.json").write_text(f"[\n{row}\n]\n[\n{row}\n]\n")  # two files joined
    with pytest.raises(CloneError, match="unexpected data after the end of the messages array"):
        list(IMPORTERS["discord-package"].parse(ExportFile(folder / "messages.json")))


@pytest.mark.parametrize("extra", [{"actor": 5}, {"members": 5}])
def test_telegram_service_record_with_odd_actor_or_members(tmp_path: Path, extra: dict) -> None:
    record = {"id": 1, "type": "service", "date": "2021-01-01T10:00:00", "action": "invite_members", **extra}
    (tmp_path / "result.json").write_text(json.dumps({"name": "c", "messages": [record]}))
    [message] = IMPORTERS["telegram"].parse(ExportFile(tmp_path / "result.json"))
    assert isinstance(message, Message) and message.kind is Kind.SYSTEM and message.text == "invite members"


@pytest.mark.parametrize(
    "doc",
    [
        {"participants": True, "messages": [{"sender_name": "Ann", "timestamp_ms": 1, "content": "hi"}]},
        {"participants": [], "messages": [{"sender_name": "Ann", "timestamp_ms": 1, "content": "hi", "type": []}]},
    ],
)
def test_messenger_values_of_the_wrong_type(tmp_path: Path, doc: dict) -> None:
    (tmp_path / "message_1.json").write_text(json.dumps(doc))
    [message] = IMPORTERS["meta"].parse(ExportFile(tmp_path / "message_1.json"))
    assert isinstance(message, Message) and message.text == "hi"
