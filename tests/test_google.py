"""Google Takeout importers: Google Chat messages.json (names from group_info.json and user_info.json, dates in
the account's language) and Hangouts.json (both layouts, streamed), read exactly; broken files."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from clone.errors import CloneError
from clone.importers import IMPORTERS, ExportFile, detect, load
from clone.importers.google import EMPTY, NAMED_BY_EMAIL, NAMED_FROM_USER_INFO, NO_REACTORS, UNREADABLE_REACTION
from clone.importers.hangouts import CALL, OWNER_FALLBACK, OWNER_UNNAMED, PERSON_UNNAMED
from clone.importers.takeout_dates import parse_takeout_date
from clone.messages import Kind, Message, Note, Skipped
from tests.conftest import import_senders

DATA = Path(__file__).resolve().parent / "data"
GROUPS = DATA / "google-chat" / "Takeout" / "Google Chat" / "Groups"
DM = GROUPS / "DM q8RsAAAAE" / "messages.json"
SPACE = GROUPS / "Space AAAAx7Kp2" / "messages.json"
HANGOUTS = DATA / "hangouts" / "Hangouts.json"
HANGOUTS_2014 = DATA / "hangouts" / "2014" / "Hangouts.json"
ROOT = Path(__file__).resolve().parents[1]
T, M, S, D = Kind.TEXT, Kind.MEDIA, Kind.SYSTEM, Kind.DELETED
SAM = {"email": "sam.okafor@example.com"}
MAYA = {"email": "maya.chen@example.com"}


def _rows(importer: str, file: ExportFile) -> list[tuple]:
    """Each record as the tuple of all its fields; skips as (line, reason, text), notes as ("note", line, text)."""
    rows = []
    for r in IMPORTERS[importer].parse(file):
        assert r.source.file == file.name
        if isinstance(r, Skipped):
            rows.append((r.source.line, r.reason, r.text))
        elif isinstance(r, Note):
            rows.append(("note", r.source.line, r.text))
        else:
            assert r.reply_to is None
            rows.append((r.line, r.platform, r.chat, r.sender, r.timestamp, r.kind, r.text, r.id, dict(r.extra)))
    return rows


def test_google_chat_dm_is_read_exactly() -> None:
    chat, at = "Sam Okafor", datetime
    assert _rows("google-chat", ExportFile(DM)) == [
        (1, "google-chat", chat, "Sam Okafor", at(2023, 1, 2, 15, 4, 5), T, "free tonight?", "q8RsAAAAE/t1/t1",
         {**SAM, "topic_id": "t1"}),
        (2, "google-chat", chat, "Maya Chen", at(2023, 1, 2, 15, 5, 10), T, "yes! where?\nthe usual?",
         "q8RsAAAAE/t2/t2", {**MAYA, "topic_id": "t2", "edited": "true"}),
        (3, "google-chat", chat, "Sam Okafor", at(2023, 1, 2, 15, 7), M, "File-wall.jpg", "q8RsAAAAE/t3/t3",
         {**SAM, "topic_id": "t3", "media": "file"}),
        ("note", 4, NAMED_FROM_USER_INFO),  # the creator has only the owner's email
        (4, "google-chat", chat, "Maya Chen", at(2023, 1, 2, 0, 0), T, "see https://example.com/map",
         "q8RsAAAAE/t4/t4", {**MAYA, "topic_id": "t4", "attachments": "File-map.png"}),
        (5, "google-chat", chat, None, at(2023, 1, 3, 20, 44, 40), D, "", "q8RsAAAAE/t5/t5", {"topic_id": "t5"}),
        (6, "missing created_date", "no date on this one"),
        (7, EMPTY, ""),
        (8, "google-chat", chat, "Calendar", at(2023, 1, 3, 21, 15), T, "Reminder: climbing at 7", "q8RsAAAAE/t8/t8",
         {"email": "calendar-bot@example.com", "topic_id": "t8", "bot": "true"}),
    ]  # fmt: skip


def test_google_chat_space_in_other_languages_is_read_exactly() -> None:
    assert _rows("google-chat", ExportFile(SPACE)) == [
        (1, "google-chat", "Climbers", "Sam Okafor", datetime(2015, 2, 15, 21, 54, 36), T, "szia", "AAAAx7Kp2/s1/s1",
         {**SAM, "topic_id": "s1"}),
        (2, "google-chat", "Climbers", "Maya Chen", datetime(2015, 2, 16, 7, 5), T, "hallo", "AAAAx7Kp2/s1/s2",
         {**MAYA, "topic_id": "s1"}),
        ("note", 3, NAMED_BY_EMAIL),
        (3, "google-chat", "Climbers", "lee@example.com", datetime(2015, 2, 16, 8), T, "やあ", "AAAAx7Kp2/s1/s3",
         {"email": "lee@example.com", "topic_id": "s1"}),
        (4, "unreadable created_date", "bad date"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monday, January 2, 2023 at 3:04:05\u202fPM UTC", datetime(2023, 1, 2, 15, 4, 5)),  # newer exports
        ("Monday, January 2, 2023 at 3:04:05 PM UTC", datetime(2023, 1, 2, 15, 4, 5)),
        ("Friday, March 17, 2023 at 12:00:00 AM UTC", datetime(2023, 3, 17, 0, 0)),
        ("Friday, March 17, 2023 at 12:00:00 PM UTC", datetime(2023, 3, 17, 12, 0)),
        ("Thursday, November 3, 2016 at 17:13:43 UTC", datetime(2016, 11, 3, 17, 13, 43)),
        ("2015. február 15., vasárnap 21:54:36 UTC", datetime(2015, 2, 15, 21, 54, 36)),
        ("Montag, 2. Januar 2023 um 15:04:05 UTC", datetime(2023, 1, 2, 15, 4, 5)),
        ("lundi 2 janvier 2023 à 15:04:05 UTC", datetime(2023, 1, 2, 15, 4, 5)),
        ("lunes, 2 de enero de 2023, 15:04:05 UTC", datetime(2023, 1, 2, 15, 4, 5)),
        ("понедельник, 2 января 2023 г. в 15:04:05 UTC", datetime(2023, 1, 2, 15, 4, 5)),
        ("2023年1月2日月曜日 15:04:05 UTC", datetime(2023, 1, 2, 15, 4, 5)),
        ("2023年1月2日星期一 下午3:04:05 UTC", datetime(2023, 1, 2, 15, 4, 5)),
        ("2023년 1월 2일 월요일 오후 3시 4분 5초 UTC", datetime(2023, 1, 2, 15, 4, 5)),
        ("Monday, January 2, 2023 at 3:04:05 PM GMT+02:00", datetime(2023, 1, 2, 13, 4, 5)),  # to UTC
        ("Friday, March 32, 2023 at 9:05:00 AM UTC", None),
        ("Friday, March 17, 2023 at 13:05:00 PM UTC", None),
        ("2023-03-17T09:05:00Z", None),
        ("Friday, March 17, 2023 at 9:05:00 AM", None),  # no zone: not Takeout's
        ("", None),
    ],
)
def test_takeout_dates(text: str, expected: datetime | None) -> None:
    assert parse_takeout_date(text) == expected


def test_hangouts_is_read_exactly() -> None:
    at = datetime
    assert _rows("hangouts", ExportFile(HANGOUTS)) == [
        (1, "hangouts", "Climbers", "Sam Okafor", at(2015, 1, 1, 12, 0), T,
         "who's in\nfor saturday? https://example.com/gym", "ev1420113600000000", {}),
        (2, "hangouts", "Climbers", "Maya Chen", at(2015, 1, 1, 12, 1), T, "me!", "ev1420113660000000", {}),
        ("note", 3, PERSON_UNNAMED),
        (3, "hangouts", "Climbers", "Hangouts user 303", at(2015, 1, 1, 12, 2), M, "https://example.com/p/1.jpg",
         "ev1420113720000000", {"media": "photo"}),
        (4, "hangouts", "Climbers", None, at(2015, 1, 1, 12, 3), S, "Sam Okafor renamed the conversation to “Climbers”",
         "ev1420113780000000", {}),
        (5, "hangouts", "Climbers", None, at(2015, 1, 1, 12, 4), S, "Maya Chen added Hangouts user 303",
         "ev1420113840000000", {}),
        (6, CALL, ""),
        # The owner has no name in this 1:1 conversation: the name from the group conversation above is kept.
        (7, "hangouts", "Sam Okafor", "Sam Okafor", at(2015, 1, 1, 13, 0), T, "ok see you", "ev1420117200000000", {}),
        (8, "hangouts", "Sam Okafor", "Maya Chen", at(2015, 1, 1, 13, 1), T, "bye", "ev1420117260000000", {}),
        (9, "missing timestamp", ""),
        (10, "OTR_MODIFICATION event", ""),
    ]  # fmt: skip


def test_hangouts_2014_layout_and_an_unnamed_owner() -> None:
    assert _rows("hangouts", ExportFile(HANGOUTS_2014)) == [
        ("note", 1, OWNER_UNNAMED),
        (1, "hangouts", "Sam Okafor", OWNER_FALLBACK, datetime(2014, 1, 1, 12), T, "happy new year",
         "ev1388577600000000", {}),
        (2, "hangouts", "Sam Okafor", "Sam Okafor", datetime(2014, 1, 1, 12, 1), T, "you too", "ev1388577660000000",
         {}),
    ]  # fmt: skip


def test_load_of_the_takeout_folder_reads_both_chats_and_leaves_the_side_files() -> None:
    result = load([DATA / "google-chat"])
    assert sorted((Path(r.file).parent.name, r.format) for r in result.reports) == [
        ("DM q8RsAAAAE", "google-chat"),
        ("Space AAAAx7Kp2", "google-chat"),
    ]
    assert sorted(Path(name).name for name in result.ignored) == [
        "group_info.json",
        "group_info.json",
        "user_info.json",
    ]
    notes = sum((r.notes for r in result.reports), start=type(result.reports[0].notes)())
    assert dict(notes) == {NAMED_FROM_USER_INFO: 1, NAMED_BY_EMAIL: 1}


def test_google_chat_inside_a_takeout_zip(tmp_path: Path) -> None:
    archive = tmp_path / "takeout-20230103.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in (DATA / "google-chat").rglob("*.json"):
            zipped.write(path, path.relative_to(DATA / "google-chat").as_posix())
    result = load([archive])
    dm = [m for m in result.messages if m.chat == "Sam Okafor"]
    assert len(dm) == 6 and {m.sender for m in dm} == {"Sam Okafor", "Maya Chen", "Calendar", None}
    [report] = [r for r in result.reports if "DM q8RsAAAAE" in r.file]
    assert dict(report.notes) == {NAMED_FROM_USER_INFO: 1}  # user_info.json was found inside the zip


def test_dm_without_side_files_is_named_by_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "DM abc"
    folder.mkdir()
    (folder / "messages.json").write_text(DM.read_text(encoding="utf-8"), encoding="utf-8")
    rows = _rows("google-chat", ExportFile(folder / "messages.json"))
    assert {row[2] for row in rows if len(row) == 9} == {"DM abc"}
    assert ("note", 4, NAMED_BY_EMAIL) in rows  # no user_info.json: the owner's email is all there is


@pytest.mark.parametrize(
    ("importer", "content", "error"),
    [
        ("google-chat", '{"messages": [{"creator": {"name": "A"}, "text": "x"', "the file ends early"),
        ("google-chat", '{"messages": {"a": 1}}', "expected '\\['"),
        ("google-chat", '{"other": []}', 'no "messages" found'),
        ("google-chat", '{"messages": [' * 400, "nested deeper than 256 levels"),
        ("google-chat", '{"messages": [\xff]}', "not UTF-8|invalid|lexical"),
        ("hangouts", '{"conversations": [{"conversation": {}, "events": [{"timestamp": "1"', "the file ends early"),
        ("hangouts", '{"conversations": {"a": 1}}', "without a 'conversations' list"),
        ("hangouts", '{"conversations": ["not a conversation"]}', "a conversation that is not an object"),
        ("hangouts", '{"conversations": [{"events": {"a": 1}}]}', "events that are not a list"),
        ("hangouts", '{"conversations": [{"events": [' + '{"a": [' * 300, "nested deeper than 256 levels"),
        ("hangouts", "garbage", "without a 'conversations' list|lexical|invalid"),
    ],
)
def test_broken_files_are_one_line_errors(tmp_path: Path, importer: str, content: str, error: str) -> None:
    path = tmp_path / "messages.json"
    path.write_bytes(content.encode("utf-8", errors="surrogateescape").replace(b"\xc3\xbf", b"\xff"))
    with pytest.raises(CloneError, match=error) as caught:
        list(IMPORTERS[importer].parse(ExportFile(path)))
    assert len(str(caught.value).splitlines()) == 1 and str(path) in str(caught.value)


def test_huge_text_is_read_in_bounded_time(tmp_path: Path) -> None:
    text = "x" * 30_000_000
    doc = {"messages": [{"creator": {"name": "A"}, "created_date": "Monday, January 2, 2023 at 3:04:05 PM UTC",
                         "text": text}]}  # fmt: skip
    path = tmp_path / "messages.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    [message] = IMPORTERS["google-chat"].parse(ExportFile(path))
    assert message.text == text


def test_each_importer_claims_only_its_own_files() -> None:
    ours = {DM: "google-chat", SPACE: "google-chat", HANGOUTS: "hangouts", HANGOUTS_2014: "hangouts"}
    for path, name in ours.items():
        claimed = [imp.name for imp in IMPORTERS.values() if imp.sniff(ExportFile(path))]
        assert claimed == [name], (path, claimed)
    others = [
        *(ROOT / "examples").glob("*.txt"),
        *(DATA / "line").glob("*.txt"),
        GROUPS / "DM q8RsAAAAE" / "group_info.json",
    ]
    for path in others:
        assert not IMPORTERS["google-chat"].sniff(ExportFile(path)) and not IMPORTERS["hangouts"].sniff(
            ExportFile(path)
        )


def test_hangouts_events_before_any_header_and_odd_values(tmp_path: Path) -> None:
    doc = {"conversations": [{"events": [{"sender_id": {"gaia_id": 7}, "timestamp": 1420113600000000,
                                          "chat_message": {"message_content": {"segment": [{"text": "hi"}, 5, None]}}},
                                         "not an event",
                                         {"timestamp": "soon", "chat_message": {}}]}]}  # fmt: skip
    path = tmp_path / "Hangouts.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert detect(ExportFile(path)).name == "hangouts"
    assert _rows("hangouts", ExportFile(path)) == [
        ("note", 1, PERSON_UNNAMED),
        (1, "hangouts", "Hangouts", "Hangouts user 7", datetime(2015, 1, 1, 12), T, "hi", None, {}),
        (2, "not an event object", "not an event"),
        (3, "unreadable timestamp", ""),
    ]


def test_clone_import_lists_the_senders_and_the_report() -> None:
    senders, report = import_senders(HANGOUTS, DATA / "google-chat")
    assert "hangouts" in report and "google-chat" in report and "1 call record" in report
    assert "Maya Chen  (google-chat, hangouts)" in senders and "Sam Okafor  (google-chat, hangouts)" in senders


SHARED = ROOT.parent / "shared" / "fixtures"


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared fixtures not present")
@pytest.mark.parametrize("name", ["google-chat", "hangouts", "line"])
def test_no_other_export_in_the_shared_fixtures_is_claimed(name: str) -> None:
    files = [p for p in SHARED.rglob("*") if p.is_file()]
    assert len(files) > 100
    assert [p for p in files if IMPORTERS[name].sniff(ExportFile(p))] == []


# ---------------------------------------------------------------------------------------------------
# Reactions (issue 19): each reactor's is a REACTION message of its own, replying to the message.

_WHEN = "Monday, January 2, 2023 at 3:04:05 PM UTC"


def _space(tmp_path: Path, messages: list[dict]) -> Path:
    """A Takeout tree with one Space: Maya (the owner) and Sam as members, the given messages."""
    root = tmp_path / "Takeout" / "Google Chat"
    group = root / "Groups" / "Space X1"
    group.mkdir(parents=True)
    user = root / "Users" / "User 1"
    user.mkdir(parents=True)
    (user / "user_info.json").write_text(json.dumps({"user": {"name": "Maya Chen", **MAYA}}), encoding="utf-8")
    members = [{"name": "Sam Okafor", **SAM}, {"name": "Maya Chen", **MAYA}]
    (group / "group_info.json").write_text(json.dumps({"name": "Crew", "members": members}), encoding="utf-8")
    (group / "messages.json").write_text(json.dumps({"messages": messages}), encoding="utf-8")
    return group / "messages.json"


def _reacted(**fields: object) -> dict:
    return {"creator": {"name": "Sam Okafor", **SAM}, "created_date": _WHEN, "text": "summit!", "message_id": "X1/a/a",
            **fields}  # fmt: skip


def test_google_chat_reactions_are_their_own_messages(tmp_path: Path) -> None:
    reactions = [
        {"emoji": {"unicode": "👍"}, "reactor_emails": ["maya.chen@example.com", "SAM.OKAFOR@example.com"]},
        {"emoji": {"unicode": "🎉"}, "reactor_emails": ["lee@example.com"]},
        {"emoji": {"custom_emoji": {"uid": "c1"}}, "reactor_emails": ["maya.chen@example.com"]},
    ]
    records = list(IMPORTERS["google-chat"].parse(ExportFile(_space(tmp_path, [_reacted(reactions=reactions)]))))
    message, *rest = records
    assert (message.kind, message.sender, message.text, message.id) == (Kind.TEXT, "Sam Okafor", "summit!", "X1/a/a")
    at = datetime(2023, 1, 2, 15, 4, 5)
    assert [("note", r.text) if isinstance(r, Note) else _reaction_row(r) for r in rest] == [
        (Kind.REACTION, "Maya Chen", "👍", "X1/a/a", at, 1, MAYA),
        (Kind.REACTION, "Sam Okafor", "👍", "X1/a/a", at, 1, {"email": "SAM.OKAFOR@example.com"}),
        ("note", NAMED_BY_EMAIL),  # not a member: named by the email
        (Kind.REACTION, "lee@example.com", "🎉", "X1/a/a", at, 1, {"email": "lee@example.com"}),
        (Kind.REACTION, "Maya Chen", "custom emoji", "X1/a/a", at, 1, MAYA),
    ]  # fmt: skip
    assert load([tmp_path / "Takeout"]).reports[0].kinds == {"text": 1, "reaction": 4}


def test_google_chat_reactors_are_named_from_the_senders_read_so_far(tmp_path: Path) -> None:
    lee = {"creator": {"name": "Lee Park", "email": "lee@example.com"}, "created_date": _WHEN, "text": "hi"}
    reaction = [{"emoji": {"unicode": "❤️"}, "reactor_emails": ["lee@example.com"]}]
    records = list(IMPORTERS["google-chat"].parse(ExportFile(_space(tmp_path, [lee, _reacted(reactions=reaction)]))))
    assert [(r.kind, r.sender) for r in records] == [(Kind.TEXT, "Lee Park"), (Kind.TEXT, "Sam Okafor"),
                                                     (Kind.REACTION, "Lee Park")]  # fmt: skip


def test_google_chat_unreadable_reactions_are_skipped_with_their_reason(tmp_path: Path) -> None:
    reactions = [{"emoji": {}, "reactor_emails": ["maya.chen@example.com"]}, {"emoji": {"unicode": "👍"}}, "odd"]
    empty = {"created_date": _WHEN, "creator": {"name": "Sam Okafor"}, "reactions": reactions[1:2]}
    path = _space(tmp_path, [_reacted(reactions=reactions), {**empty, "reactions": [
        {"emoji": {"unicode": "👍"}, "reactor_emails": ["maya.chen@example.com"]}]}])  # fmt: skip
    rows = _rows_with_replies(ExportFile(path))
    assert rows == [
        (1, Kind.TEXT, "summit!"),
        (1, UNREADABLE_REACTION, "{'emoji': {}, 'reactor_emails': ['maya.chen@example.com']}"),
        (1, NO_REACTORS, "👍"),
        (1, UNREADABLE_REACTION, "odd"),
        (2, EMPTY, ""),  # a message with nothing in it, but a reaction to it is still someone's
        (2, Kind.REACTION, "👍"),
    ]


def _reaction_row(r: Message) -> tuple:
    return (r.kind, r.sender, r.text, r.reply_to, r.timestamp, r.line, dict(r.extra))


def _rows_with_replies(file: ExportFile) -> list[tuple]:
    rows = []
    for r in IMPORTERS["google-chat"].parse(file):
        if isinstance(r, Skipped):
            rows.append((r.source.line, r.reason, r.text))
        elif not isinstance(r, Note):
            rows.append((r.line, r.kind, r.text))
    return rows
