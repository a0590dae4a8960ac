"""Discord importers: DiscordChatExporter JSON/CSV and Discord's own data package."""

from __future__ import annotations

import json
import time
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from clone.errors import ImportFileError
from clone.importers import IMPORTERS, ExportFile, detect, load
from clone.importers.discord import OWNER_FALLBACK
from clone.messages import Kind, Message, Skipped

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
PACKAGE = FIXTURES / "discord-data-package"
CHANNEL = "496503416080564238"
PACKAGE_IMPORTER = IMPORTERS["discord-package"]


def parse(path: Path, member: str | None = None) -> list[Message | Skipped]:
    file = ExportFile(path, member)
    importer = detect(file)
    assert importer is not None, f"{file.name} not recognised"
    return list(importer.parse(file))


def messages(records: list[Message | Skipped]) -> list[Message]:
    return [r for r in records if isinstance(r, Message)]


def skips(records: list[Message | Skipped]) -> list[tuple[int, str]]:
    return [(r.source.line, r.reason) for r in records if isinstance(r, Skipped)]


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


# --- the real (redacted) data package ------------------------------------------------------------


@pytest.mark.skipif(not PACKAGE.is_dir(), reason="shared fixtures not present")
class TestFixturePackage:
    def test_load_finds_the_one_messages_file(self):
        result = load([PACKAGE])
        assert [(r.format, r.messages, dict(r.kinds), dict(r.skipped)) for r in result.reports] == [
            ("discord-package", 8, {"text": 7, "media": 1}, {})
        ]
        assert result.skipped == []
        assert sorted(Path(name).name for name in result.ignored) == ["README.txt", "channel.json"]

    def test_ids_are_exact_and_file_order_is_kept(self):
        records = parse(PACKAGE / "messages" / f"c{CHANNEL}" / "messages.json")
        assert [(m.source.line, m.id) for m in messages(records)] == [
            (1, "1231291625742012438"),
            (2, "1231291564521816235"),
            (3, "1058989277884719157"),
            (4, "692070186345562162"),
            (5, "626800520824094730"),
            (6, "599097819474690058"),
            (7, "496846474274013206"),
            (8, "496846396658548742"),
        ]
        big = int("1231291625742012438")
        assert big > 2**53 and int(float(big)) != big  # a float would have rounded this id

    def test_fields(self):
        records = parse(PACKAGE / "messages" / f"c{CHANNEL}" / "messages.json")
        by_line = {m.source.line: m for m in messages(records)}
        last, media, with_file, multiline, first = (by_line[n] for n in (1, 4, 5, 6, 8))
        assert first.timestamp == datetime(2018, 10, 3, 0, 50, 11)
        assert last.timestamp == datetime(2024, 4, 20, 17, 13, 19)
        assert last.text == "<redacted 34 chars>"
        assert last.chat == "<redacted guild name> / <redacted channel name>"
        assert last.sender == OWNER_FALLBACK
        assert last.extra == {"monologue": "true", "channel_id": CHANNEL}
        assert multiline.text == "<redacted 21 chars>\n<redacted 18 chars>"
        assert with_file.kind is Kind.TEXT and with_file.extra["attachments"].startswith("https://cdn.discordapp")
        assert media.kind is Kind.MEDIA and media.id == "692070186345562162"
        assert media.text.startswith("https://cdn.discordapp.com/attachments/") and " " not in media.text
        assert media.timestamp == datetime(2020, 3, 24, 17, 59, 50)

    def test_load_sorts_oldest_first(self):
        stamps = [m.timestamp for m in load([PACKAGE]).messages]
        assert stamps == sorted(stamps) and stamps[0] == datetime(2018, 10, 3, 0, 50, 11)
        assert load([PACKAGE]).messages[-1].id == "1231291625742012438"


# --- DiscordChatExporter JSON --------------------------------------------------------------------


ALICE = {"id": "111", "name": "alice", "discriminator": "0000", "nickname": "Alice"}


def dce_message(id: str, content: str, **fields: Any) -> dict[str, Any]:
    """One message object with every key DCE writes (JsonMessageWriter.cs)."""
    author = {"color": None, "isBot": False, "roles": [], "avatarUrl": "", **fields.pop("author", ALICE)}
    return {
        "id": id,
        "type": "Default",
        "timestamp": "2023-01-17T19:33:07.489+00:00",
        "timestampEdited": None,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": content,
        "author": author,
        "attachments": [],
        "embeds": [],
        "stickers": [],
        "reactions": [],
        "mentions": [],
        "inlineEmojis": [],
        **fields,
    }


def dce_export(folder: Path, records: list[dict[str, Any]], name: str = "export.json") -> Path:
    document = {
        "guild": {"id": "42", "name": "Book Club", "iconUrl": ""},
        "channel": {
            "id": "43",
            "type": "GuildTextChat",
            "categoryId": "1",
            "category": "Text",
            "name": "general",
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2024-01-01T00:00:00+00:00",
        "messages": records,
        "messageCount": len(records),
    }
    return write(folder / name, "\ufeff" + json.dumps(document, indent=2, ensure_ascii=False))


BOB = {"id": "222", "name": "bob", "discriminator": "1234", "nickname": None}
ATTACHMENT = {
    "id": "9",
    "url": "https://cdn.discordapp.com/attachments/43/9/cat.png",
    "fileName": "cat.png",
    "fileSizeBytes": 10,
}


@pytest.fixture
def dce_json(tmp_path: Path) -> Path:
    return dce_export(
        tmp_path,
        [
            dce_message("1001", "hi all 👋", timestamp="2023-01-17T21:33:07.4891234+02:00"),
            dce_message(
                "1002",
                "hey",
                author=BOB,
                type="Reply",
                reference={"type": "Default", "messageId": "1001", "channelId": "43", "guildId": "42"},
            ),
            dce_message("1002", "hey", author=BOB),
            dce_message(
                "1003",
                "Pinned a message.",
                type="ChannelPinnedMessage",
                reference={"messageId": "1001", "channelId": "43", "guildId": "42"},
            ),
            dce_message("1004", "", attachments=[ATTACHMENT]),
            dce_message("1005", "", type="Call"),
            dce_message("1006", "", embeds=[{"title": "a link preview"}]),
            dce_message("1007", "", stickers=[{"id": "5", "name": "wave", "format": "Png", "sourceUrl": ""}]),
            dce_message("1008", "look", attachments=[ATTACHMENT]),
            dce_message("1009", "no time", timestamp=None),
            dce_message(
                "1010",
                "",
                forwardedMessage={"content": "someone else's words", "attachments": []},
                reference={"type": "Forward", "messageId": "77"},
            ),
        ],
    )


def test_dce_json_is_detected_and_counted(dce_json: Path):
    assert dce_json.read_bytes().startswith(b"\xef\xbb\xbf{")
    (report,) = load([dce_json]).reports
    assert report.format == "discord-dce-json"
    assert dict(report.kinds) == {"text": 3, "system": 2, "media": 3}
    assert dict(report.skipped) == {
        "duplicate message id": 1,
        "empty message (no text or attachments)": 1,
        "missing timestamp": 1,
    }


def test_dce_json_fields(dce_json: Path):
    records = parse(dce_json)
    assert skips(records) == [
        (3, "duplicate message id"),
        (7, "empty message (no text or attachments)"),
        (10, "missing timestamp"),
    ]
    by_id = {m.id: m for m in messages(records)}
    first = by_id["1001"]
    assert (first.platform, first.chat, first.sender, first.text, first.kind) == (
        "discord",
        "Book Club / general",
        "Alice",
        "hi all 👋",
        Kind.TEXT,
    )
    # The wall time as written, offset dropped (7 fraction digits are .NET's round-trip format).
    assert first.timestamp == datetime(2023, 1, 17, 21, 33, 7, 489123)
    assert first.extra == {"author_id": "111", "author_name": "alice"}
    assert first.source.line == 1 and first.source.file == str(dce_json)
    reply = by_id["1002"]
    assert (reply.sender, reply.reply_to, reply.source.line) == ("bob", "1001", 2)  # no nickname: the name
    pin = by_id["1003"]
    assert (pin.kind, pin.text, pin.reply_to) == (Kind.SYSTEM, "Pinned a message.", None)
    assert (by_id["1004"].kind, by_id["1004"].text) == (Kind.MEDIA, ATTACHMENT["url"])
    assert (by_id["1005"].kind, by_id["1005"].text) == (Kind.SYSTEM, "Call")  # no fallback text: the type
    assert (by_id["1007"].kind, by_id["1007"].text) == (Kind.MEDIA, "[sticker: wave]")
    assert by_id["1008"].kind is Kind.TEXT and by_id["1008"].extra["attachments"] == ATTACHMENT["url"]
    forward = by_id["1010"]
    assert (forward.kind, forward.text, forward.reply_to) == (Kind.MEDIA, "[forwarded message]", None)
    assert forward.extra["forwarded"] == "someone else's words"


def test_dce_json_streams_a_large_export(tmp_path: Path):
    # Long texts and many records push element and number boundaries across the reader's 64 KiB chunks.
    records = [dce_message(str(10**18 + i), f"message {i} " + "x" * (i % 700)) for i in range(3000)]
    records.append(dce_message("9", "big " + "y" * 300_000))
    parsed = messages(parse(dce_export(tmp_path, records)))
    assert len(parsed) == 3001
    assert [m.id for m in parsed[:3]] == ["1000000000000000000", "1000000000000000001", "1000000000000000002"]
    assert parsed[2999].text == "message 2999 " + "x" * (2999 % 700) and parsed[2999].source.line == 3000
    assert len(parsed[-1].text) == 300_004


def test_dce_json_every_system_type(tmp_path: Path):
    types = [
        "ChannelPinnedMessage",
        "RecipientAdd",
        "RecipientRemove",
        "Call",
        "ChannelNameChange",
        "ChannelIconChange",
        "GuildMemberJoin",
        "ThreadCreated",
        "20",
    ]
    records = [dce_message(str(i), "text", type=t) for i, t in enumerate(types)]
    assert {m.kind for m in messages(parse(dce_export(tmp_path, records)))} == {Kind.SYSTEM}


@pytest.mark.parametrize(
    ("cut", "line"),
    [
        (lambda text: text[: text.index('"id": "1002"') + 20], 2),  # cut off inside the second record
        (lambda text: text.replace('"content": "hey"', '"content": "hey",,', 1), 2),
        (lambda text: text.replace('"guild": {', '"guild": {{', 1), None),  # broken header
    ],
)
def test_dce_json_malformed_names_the_file(tmp_path: Path, cut, line):
    source = dce_export(tmp_path, [dce_message("1001", "hi"), dce_message("1002", "hey")])
    broken = write(tmp_path / "broken.json", cut(source.read_text(encoding="utf-8")))
    with pytest.raises(ImportFileError) as caught:
        load([broken])
    assert caught.value.file == str(broken) and caught.value.line == line
    assert str(caught.value).startswith(str(broken))
    assert "malformed DiscordChatExporter JSON" in str(caught.value)


# --- DiscordChatExporter CSV ---------------------------------------------------------------------

CSV_HEADER = "AuthorID,Author,Date,Content,Attachments,Reactions\n"


def csv_row(*cells: str) -> str:
    return ",".join('"' + cell.replace('"', '""') + '"' for cell in cells) + "\n"


def test_dce_csv_iso_dates(tmp_path: Path):
    urls = "https://cdn.discordapp.com/a/1/x.png,https://cdn.discordapp.com/a/2/y.png"
    path = write(
        tmp_path / "Book Club - general [43].csv",
        CSV_HEADER
        + "".join(
            [
                csv_row(
                    "111", "alice#1234", "2023-11-20T10:00:00.123+01:00", 'multi\nline, "quoted"', "", "👍 (3),❤️ (1)"
                ),
                csv_row("222", "bob", "2023-11-20T10:05:00+01:00", "", urls, ""),
                csv_row("222", "bob", "2023-11-20T10:06:00+01:00", "", "", ""),
                '"222","bob","2023-11-20T10:07:00+01:00","too few"\n',
                csv_row("222", "bob", "yesterday", "when?", "", ""),
                csv_row("111", "alice#1234", "2023-11-20T10:08:00+01:00", "with file", urls, ""),
            ]
        ),
    )
    (report,) = load([tmp_path]).reports
    assert report.format == "discord-dce-csv" and dict(report.kinds) == {"text": 2, "media": 1}
    records = parse(path)
    assert skips(records) == [
        (5, "empty message (no text or attachments)"),
        (6, "wrong number of CSV columns"),
        (7, "unreadable timestamp"),
    ]
    first, media, with_file = messages(records)
    assert (first.chat, first.sender, first.text, first.source.line) == (
        "Book Club - general",
        "alice",
        'multi\nline, "quoted"',
        2,
    )
    assert first.timestamp == datetime(2023, 11, 20, 10, 0, 0, 123000)
    assert first.extra == {
        "author_id": "111",
        "author_name": "alice#1234",
        "channel_id": "43",
        "reactions": "👍 (3),❤️ (1)",
    }
    assert (media.kind, media.text, media.source.line) == (Kind.MEDIA, urls.replace(",", " "), 4)
    assert with_file.extra["attachments"] == urls.replace(",", " ") and with_file.source.line == 8


def test_dce_csv_old_locale_dates(tmp_path: Path):
    path = write(
        tmp_path / "dm.csv",
        CSV_HEADER
        + "".join(
            [
                csv_row("111", "alice#0001", "01-Jan-20 01:33 AM", "happy new year", "", ""),
                csv_row("222", "bob#0002", "15-Mar-21 11:05 PM", "late", "", ""),
                csv_row("222", "bob#0002", "15-Mar-21 12:05 PM", "noon", "", ""),
            ]
        ),
    )
    assert [(m.timestamp, m.sender, m.chat) for m in messages(parse(path))] == [
        (datetime(2020, 1, 1, 1, 33), "alice", "dm"),
        (datetime(2021, 3, 15, 23, 5), "bob", "dm"),
        (datetime(2021, 3, 15, 12, 5), "bob", "dm"),
    ]


def test_dce_csv_before_author_ids(tmp_path: Path):
    path = write(
        tmp_path / "old.csv",
        "Author,Date,Content,Attachments\n" + csv_row("alice#0001", "01-Jan-19 09:00 AM", "first", ""),
    )
    (message,) = messages(parse(path))
    assert (message.sender, message.timestamp, message.extra) == (
        "alice",
        datetime(2019, 1, 1, 9, 0),
        {"author_name": "alice#0001"},
    )


def test_dce_csv_not_utf8_names_the_file(tmp_path: Path):
    text = CSV_HEADER + csv_row("1", "a", "01-Jan-20 01:33 AM", "café", "", "")
    path = write(tmp_path / "latin1.csv", text.encode("latin-1"))
    with pytest.raises(ImportFileError, match="not UTF-8 text") as caught:
        load([path])
    assert caught.value.file == str(path)


def test_dce_csv_is_not_confused_with_other_csv(tmp_path: Path):
    assert detect(ExportFile(write(tmp_path / "x.csv", "ID,Timestamp,Contents,Attachments\n"))) is None
    assert detect(ExportFile(write(tmp_path / "y.csv", "Author,Date,Content\n"))) is None


# --- Discord data package ------------------------------------------------------------------------

BIG = 1231291625742012438  # above 2**53
USER = {
    "id": "80351110224678912",
    "username": "nelly",
    "discriminator": "0",
    "global_name": "Nelly",
    "relationships": [],
}


def package_json(*rows: dict[str, Any]) -> str:
    """messages.json as Discord writes it: an array with one object per line, newest first."""
    return "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]"


def channel(id: str, **fields: Any) -> str:
    return json.dumps({"id": id, **fields})


def test_package_old_layout_with_csv(tmp_path: Path):
    folder = tmp_path / "package" / "messages" / "555"
    write(folder / "channel.json", channel("555", type=1, recipients=["80351110224678912", "999"]))
    write(folder.parent / "index.json", json.dumps({"555": "Direct Message with bob#1234"}))
    write(
        folder / "messages.csv",
        "ID,Timestamp,Contents,Attachments\n"
        f'{BIG},2021-01-15 19:32:36.153000+00:00,"two\nlines",\n'
        "700000000000000001,2021-01-15 19:30:00+00:00,,https://cdn.discordapp.com/a/1.png https://cdn.discordapp.com/a/2.png\n"
        "700000000000000002,2021-01-15 19:29:00+00:00,hello\n"
        "700000000000000003,,no time,\n"
        "700000000000000004,2021-01-15 19:28:00+00:00,,\n",
    )
    (report,) = load([tmp_path / "package"]).reports
    assert report.format == "discord-package" and dict(report.kinds) == {"text": 1, "media": 1}
    records = parse(folder / "messages.csv")
    assert skips(records) == [
        (5, "wrong number of CSV columns"),
        (6, "missing timestamp"),
        (7, "empty message (no text or attachments)"),
    ]
    text, media = messages(records)
    assert (text.id, text.text, text.timestamp, text.source.line) == (
        str(BIG),
        "two\nlines",
        datetime(2021, 1, 15, 19, 32, 36, 153000),
        2,
    )
    assert text.chat == "Direct Message with bob#1234"  # recipients are bare ids: index.json reads better
    assert (text.sender, text.extra["monologue"]) == (OWNER_FALLBACK, "true")
    assert (media.kind, media.text, media.source.line) == (
        Kind.MEDIA,
        "https://cdn.discordapp.com/a/1.png https://cdn.discordapp.com/a/2.png",
        4,
    )


def test_package_json_with_account_owner(tmp_path: Path):
    folder = tmp_path / "messages" / "c77"
    write(tmp_path / "account" / "user.json", json.dumps(USER))
    guild = {"id": "1", "name": "Book Club"}
    write(folder / "channel.json", channel("77", type=0, name="general", guild=guild))
    write(
        folder / "messages.json",
        package_json(
            {"ID": BIG, "Timestamp": "2024-04-20 17:13:19", "Contents": "newest", "Attachments": ""},
            {"ID": BIG, "Timestamp": "2024-04-20 17:13:19", "Contents": "newest", "Attachments": ""},
            {"ID": BIG - 1, "Contents": "no time", "Attachments": ""},
            ["not", "an", "object"],
            {"ID": BIG - 2, "Timestamp": "2024-04-20 17:13", "Contents": "oldest", "Attachments": ""},
        ),
    )
    records = parse(folder / "messages.json")
    assert skips(records) == [
        (2, "duplicate message id"),
        (3, "missing timestamp"),
        (4, "not a message object"),
    ]
    newest, oldest = messages(records)
    assert (newest.id, newest.sender, newest.chat) == (str(BIG), "Nelly", "Book Club / general")
    assert newest.extra == {"monologue": "true", "channel_id": "77", "author_id": USER["id"]}
    assert (oldest.id, oldest.timestamp) == (str(BIG - 2), datetime(2024, 4, 20, 17, 13))
    assert [m.text for m in load([tmp_path]).messages] == ["oldest", "newest"]


def test_package_capitalised_folders_and_username_only(tmp_path: Path):
    user = {"id": "5", "username": "nelly", "discriminator": "0"}
    write(tmp_path / "Account" / "user.json", json.dumps(user))
    folder = tmp_path / "Messages" / "c88"
    write(folder / "channel.json", channel("88", type=3, name="the gang", recipients=["5", "6", "7"]))
    write(
        folder / "messages.json",
        package_json({"ID": 1, "Timestamp": "2024-01-01 00:00:00", "Contents": "yo", "Attachments": ""}),
    )
    (message,) = load([tmp_path]).messages
    assert (message.sender, message.chat, message.id) == ("nelly", "the gang", "1")


def test_package_translated_top_folders(tmp_path: Path):
    write(tmp_path / "Cuenta" / "user.json", json.dumps(USER))
    write(tmp_path / "Mensajes" / "index.json", json.dumps({"99": "Mensaje directo con bob", "98": None}))
    folder = tmp_path / "Mensajes" / "c99"
    write(folder / "channel.json", channel("99", type=1, recipients=[USER["id"], "6"]))
    write(
        folder / "messages.json",
        package_json({"ID": 2, "Timestamp": "2024-01-01 00:00:00", "Contents": "hola", "Attachments": ""}),
    )
    (message,) = load([tmp_path]).messages
    assert (message.sender, message.chat) == ("Nelly", "Mensaje directo con bob")


def test_package_chat_name_fallbacks(tmp_path: Path):
    root = tmp_path / "messages"
    write(root / "index.json", json.dumps({"3": "None"}))
    write(root / "c1" / "channel.json", channel("1", type=1, recipients=["alice", "bob"]))
    write(root / "c2" / "channel.json", channel("2", type=1, recipients=["222"]))
    write(root / "c3" / "channel.json", channel("3", type=0))
    write(root / "c4" / "channel.json", "{not json")
    for number in (1, 2, 3, 4):  # message ids are unique across Discord
        row = {"ID": number, "Timestamp": "2024-01-01 00:00:00", "Contents": "x", "Attachments": ""}
        write(root / f"c{number}" / "messages.json", package_json(row))
    assert [m.chat for m in load([root]).messages] == ["alice, bob", "222", "3", "4"]


def test_package_in_a_zip(tmp_path: Path):
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("account/user.json", json.dumps(USER))
        zipped.writestr("messages/index.json", json.dumps({"11": "Direct Message with bob#0"}))
        zipped.writestr("messages/c11/channel.json", channel("11", type=1, recipients=[USER["id"], "6"]))
        zipped.writestr(
            "messages/c11/messages.json",
            package_json({"ID": BIG, "Timestamp": "2024-02-02 10:00:00", "Contents": "in a zip", "Attachments": ""}),
        )
        zipped.writestr("messages/c12/channel.json", channel("12", type=0, name="empty"))
        zipped.writestr("messages/c12/messages.json", "[\n\n]")
        zipped.writestr(
            "stray/messages.json",
            package_json(
                {"ID": 3, "Timestamp": "2024-02-02 10:00:00", "Contents": "no channel.json", "Attachments": ""}
            ),
        )
    result = load([archive])
    assert [(r.file, r.messages) for r in result.reports] == [
        (f"{archive}!messages/c11/messages.json", 1),
        (f"{archive}!messages/c12/messages.json", 0),
    ]
    assert f"{archive}!stray/messages.json" in result.ignored
    (message,) = result.messages
    assert (message.id, message.sender, message.chat, message.extra["author_id"]) == (
        str(BIG),
        "Nelly",
        "Direct Message with bob#0",
        USER["id"],
    )
    assert message.source.file == f"{archive}!messages/c11/messages.json"


def test_package_empty_files(tmp_path: Path):
    for name, content in (("c1", "[\n\n]"), ("c2", ""), ("c3", "[]")):
        write(tmp_path / "messages" / name / "channel.json", channel(name[1:], type=0))
        write(tmp_path / "messages" / name / "messages.json", content)
    write(tmp_path / "messages" / "c4" / "channel.json", channel("4", type=0))
    write(tmp_path / "messages" / "c4" / "messages.csv", "")
    result = load([tmp_path])
    assert [(Path(r.file).parent.name, r.format, r.messages) for r in result.reports] == [
        ("c1", "discord-package", 0),
        ("c2", "discord-package", 0),
        ("c3", "discord-package", 0),
        ("c4", "discord-package", 0),
    ]
    assert result.messages == [] and result.skipped == []


def test_package_many_big_ids_stay_exact(tmp_path: Path):
    # Ids are bare JSON numbers; thousands of them make some straddle the reader's chunk boundaries.
    rows = [
        {"ID": BIG + i, "Timestamp": "2024-01-01 00:00:00", "Contents": f"m{i}", "Attachments": ""} for i in range(5000)
    ]
    write(tmp_path / "messages" / "c1" / "channel.json", channel("1", type=0))
    path = write(tmp_path / "messages" / "c1" / "messages.json", package_json(*rows))
    assert [m.id for m in messages(parse(path))] == [str(BIG + i) for i in range(5000)]


def test_package_messages_need_a_channel_json(tmp_path: Path):
    path = write(
        tmp_path / "messages" / "c1" / "messages.json",
        package_json({"ID": 1, "Timestamp": "2024-01-01 00:00:00", "Contents": "x", "Attachments": ""}),
    )
    assert detect(ExportFile(path)) is None


def test_package_malformed_json_names_the_file(tmp_path: Path):
    write(tmp_path / "messages" / "c1" / "channel.json", channel("1", type=0))
    good = {"ID": 1, "Timestamp": "2024-01-01 00:00:00", "Contents": "x", "Attachments": ""}
    path = write(
        tmp_path / "messages" / "c1" / "messages.json",
        package_json(good).removesuffix("\n]") + ',\n{"ID": 2, "Timestamp": }\n]',
    )
    with pytest.raises(ImportFileError) as caught:
        load([tmp_path])
    assert (caught.value.file, caught.value.line) == (str(path), 2)
    assert str(caught.value).startswith(f"{path}:2: malformed Discord messages.json")


def package_parse(tmp_path: Path, content: str) -> list[Message | Skipped]:
    """The package importer on ``content`` as a messages.json, sniffed or not (hostile files may not be)."""
    write(tmp_path / "messages" / "c1" / "channel.json", channel("1", type=0))
    path = write(tmp_path / "messages" / "c1" / "messages.json", content)
    return list(PACKAGE_IMPORTER.parse(ExportFile(path)))


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("[" * 200_000, "nested deeper than 256 levels"),  # would take gigabytes as ijson prefixes
        ('[{"ID": ' + "[" * 300 + "]" * 300 + "}]", "nested deeper than 256 levels"),
        ('[{"ID": NaN}]', "invalid char in json text near '[{\"ID\": NaN}]'"),  # yajl reads strict JSON only
        ('[{"ID": 1}, {"ID": 2', "the file ends early (cut off?)"),
    ],
    ids=["deep", "deep-in-a-row", "nan", "cut"],
)
def test_package_hostile_json_is_a_clear_error_in_bounded_time(tmp_path: Path, content: str, error: str):
    start = time.perf_counter()
    with pytest.raises(ImportFileError) as caught:
        package_parse(tmp_path, content)
    assert str(caught.value).startswith(str(tmp_path / "messages" / "c1" / "messages.json") + ":")
    assert str(caught.value).endswith(error)
    assert time.perf_counter() - start < 2


def test_package_numbers_keep_the_json_module_types(tmp_path: Path):
    # ijson would give Decimal("1E+5"); the records say what json.loads would have said.
    records = package_parse(tmp_path, "[1e5, 7, 2.50]")
    assert [(r.reason, r.text) for r in records] == [("not a message object", t) for t in ("100000.0", "7", "2.5")]
