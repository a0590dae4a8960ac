"""LINE .txt importer: every fixture (English, Japanese, Traditional and Simplified Chinese, Thai, Korean,
Indonesian) read exactly, the date-line and time layouts, quoted messages, call records, and broken files."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from clone.errors import CloneError
from clone.importers import IMPORTERS, ExportFile, detect, load
from clone.importers.line import CALL, HEADER, ORDER_ASSUMED, SPACED_AMBIGUOUS, LineImporter
from clone.messages import Kind, Note, Skipped
from tests.conftest import import_senders

DATA = Path(__file__).resolve().parent / "data" / "line"
ROOT = Path(__file__).resolve().parents[1]
DATE_LINE = re.compile(r"\d{4}[/.]\d{2}[/.]\d{2}|[A-Z][a-z]{2}, \d{2}/")  # the fixtures' date lines
T, M, S, D = Kind.TEXT, Kind.MEDIA, Kind.SYSTEM, Kind.DELETED


def _rows(path: Path) -> list[tuple]:
    """Each record as a tuple of all its fields (messages), or (line, reason, text) (skips), ("note", line, text)."""
    rows = []
    for r in LineImporter().parse(ExportFile(path)):
        if isinstance(r, Skipped):
            assert r.source.file == str(path)
            rows.append((r.source.line, r.reason, r.text))
        elif isinstance(r, Note):
            rows.append(("note", r.source.line, r.text))
        else:
            assert (r.platform, r.file, r.id, r.reply_to) == ("line", str(path), None, None)
            rows.append((r.line, r.chat, r.sender, r.timestamp, r.kind, r.text, dict(r.extra)))
    return rows


def _day(hour: int, minute: int, day: int = 2, month: int = 1) -> datetime:
    return datetime(2023, month, day, hour, minute)


EXPECTED = {
    "line_en.txt": [
        (1, HEADER, "[LINE] Chat history in Climbers"),
        (2, HEADER, "Saved on: 2023/01/03 09:15"),
        (5, "Climbers", "Ann Lee", _day(9, 5), T, "morning!", {}),
        (6, "Climbers", "Maya Chen", _day(9, 6), T, "two lines\nhere", {}),
        (8, "Climbers", "Ann Lee", _day(9, 7), M, "[Sticker]", {"media": "sticker"}),
        (9, "Climbers", "Maya Chen", _day(9, 8), M, "[Photo]", {"media": "photo"}),
        (10, CALL, "09:10\tAnn Lee\t☎ Missed call"),
        (11, "Climbers", "Maya Chen", _day(9, 11), D, "Maya Chen unsent a message.", {}),
        (12, "Climbers", None, _day(9, 12), S, "Bo Park joined the group.", {}),
        (13, "Climbers", None, _day(9, 13), S, 'Ann Lee changed the group name to "Climbers".', {}),
        # A quoted message keeps its blank and date-like lines: inside quotes they are text.
        (16, "Climbers", "Ann Lee", _day(21, 30, 3), T, "see you\n\n2023/01/04(Wed)\nat the wall", {}),
        (20, CALL, "21:31\tMaya Chen\t☎ Call time 0:17"),
    ],
    # Single spaces for tabs: the names come from LINE's own lines (a sticker, a voice message, a join notice);
    # "Cy" is named by none, so "Cy hello there" is not split.
    "line_en_spaces.txt": [
        (1, HEADER, "[LINE] Chat history in Climbers"),
        (2, HEADER, "Saved on: 2023/01/03 09:15"),
        (5, "Climbers", "Ann Lee", _day(9, 5), T, "morning!", {}),
        (6, "Climbers", "Maya Chen", _day(9, 6), T, "two lines\nhere", {}),
        (8, "Climbers", "Ann Lee", _day(9, 7), M, "[Sticker]", {"media": "sticker"}),
        (9, "Climbers", "Maya Chen", _day(9, 8), M, "[Voice message]", {"media": "voice"}),
        (10, CALL, "09:10 Ann Lee ☎ Missed call"),
        (11, "Climbers", "Maya Chen", _day(9, 11), D, "Maya Chen unsent a message.", {}),
        (12, "Climbers", None, _day(9, 12), S, "Bo Park joined the group.", {}),
        (13, "Climbers", None, _day(9, 13), S, 'Ann Lee changed the group name to "Climbers".', {}),
        (14, "Climbers", "Bo Park", _day(9, 14), T, "hi all", {}),
        (15, SPACED_AMBIGUOUS, "09:15 Cy hello there"),
        (18, "Climbers", "Ann Lee", _day(21, 30, 3), T, "see you\n\n2023/01/04(Wed)\nat the wall", {}),
        (22, CALL, "21:31 Maya Chen ☎ Call time 0:17"),
    ],
    "line_en_weekday.txt": [  # "Mon, 02/01/2023": 2 January was a Monday, so day first
        (1, HEADER, "[LINE] Chat history with Sam"),
        (2, HEADER, "Saved on: 03/01/2023, 9:15 AM"),
        (5, "Sam", "Sam", _day(9, 5), T, "hey, lunch?", {}),
        (6, "Sam", "Maya", _day(12, 30), T, "sure", {}),
        (7, "Sam", "Sam", _day(0, 1), T, "late one", {}),
        (10, "Sam", "Maya", _day(15, 4, 3, 2), M, "[Video]", {"media": "video"}),
    ],
    "line_ja.txt": [
        (1, HEADER, "[LINE] 田中さんとのトーク履歴"),
        (2, HEADER, "保存日時：2023/01/03 09:15"),
        (5, "田中さん", "田中", _day(9, 5), T, "おはよう", {}),
        (6, "田中さん", "Maya", _day(9, 6), M, "[スタンプ]", {"media": "sticker"}),
        (7, "田中さん", "田中", _day(9, 7), M, "[写真]", {"media": "photo"}),
        (8, CALL, "9:08\t田中\t☎ 不在着信"),
        (9, "田中さん", "Maya", _day(15, 4), T, "了解\nまたね", {}),
        (11, "田中さん", "田中", _day(15, 5), D, "メッセージの送信を取り消しました", {}),
    ],
    "line_zh_tw.txt": [
        (1, HEADER, "[LINE] 與王小明的聊天記錄"),
        (2, HEADER, "儲存日期：2023/01/03 09:15"),
        (5, "王小明", "王小明", _day(9, 5), T, "早安", {}),
        (6, "王小明", "Maya", _day(12, 4), M, "[貼圖]", {"media": "sticker"}),
        (7, "王小明", "王小明", _day(15, 5), M, "[照片]", {"media": "photo"}),
        (8, "王小明", "王小明", _day(15, 6), D, "王小明已收回訊息", {}),
    ],
    "line_zh_cn.txt": [
        (1, HEADER, "[LINE] 与李雷的聊天记录"),
        (2, HEADER, "保存日期：2023/01/03 09:15"),
        (5, "李雷", "李雷", _day(9, 5), T, "早", {}),
        (6, "李雷", "Maya", _day(15, 4), M, "[贴图]", {"media": "sticker"}),
        (7, "李雷", "李雷", _day(15, 5), D, "李雷撤回了一条消息", {}),
    ],
    "line_th.txt": [
        (1, HEADER, "[LINE] ประวัติการแชทกับ สมชาย"),
        (2, HEADER, "บันทึกวันที่ 2023/01/03 09:15"),
        (5, "สมชาย", "สมชาย", _day(9, 5), T, "สวัสดีครับ", {}),
        (6, "สมชาย", "Maya", _day(9, 6), M, "[สติกเกอร์]", {"media": "sticker"}),
    ],
    "line_ko.txt": [
        (1, HEADER, "[LINE] 민수님과의 대화"),
        (2, HEADER, "저장한 날짜 : 2023.01.03 09:15"),
        (5, "민수", "민수", _day(9, 5), T, "안녕", {}),
        (6, "민수", "Maya", _day(15, 4), M, "[사진]", {"media": "photo"}),
    ],
    "line_id.txt": [  # "Sen, 02/01/2023": Senin (Monday) 2 January
        (1, HEADER, "[LINE] Riwayat chat dengan Budi"),
        (2, HEADER, "Disimpan pada: 03/01/2023 09.15"),
        (5, "Budi", "Budi", _day(9, 5), T, "halo", {}),
        (6, "Budi", "Maya", _day(9, 6), M, "[Stiker]", {"media": "sticker"}),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_read_exactly(name: str) -> None:
    path = DATA / name
    assert detect(ExportFile(path)).name == "line"
    assert _rows(path) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_line_is_accounted_for(name: str) -> None:
    """Each non-blank line starts a record, is a date line, or is in the text of the record above it (a record
    spans its line up to the next record's); the quotes around a message of several lines are not text."""
    path = DATA / name
    lines = path.read_text(encoding="utf-8").split("\n")
    records = [r for r in LineImporter().parse(ExportFile(path)) if not isinstance(r, Note)]
    starts = [r.source.line for r in records]
    for number, line in enumerate(lines, 1):
        if not line.strip() or number in starts:
            continue
        above = [r for r in records if r.source.line < number]
        if DATE_LINE.match(line) and not (above and line in above[-1].text):
            continue
        assert above and line.strip('"') in above[-1].text, (number, line)


def test_load_reports_kinds_and_skips() -> None:
    result = load([DATA / "line_en.txt"])
    [report] = result.reports
    assert report.format == "line" and report.encoding == "utf-8"
    assert dict(report.kinds) == {"text": 3, "media": 2, "deleted": 1, "system": 2}
    assert dict(report.skipped) == {HEADER: 2, CALL: 2}


def _parse_text(tmp_path: Path, text: str, name: str = "chat.txt") -> list[tuple]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return _rows(path)


def test_month_first_weekday_dates_and_twelve_hour_clock(tmp_path: Path) -> None:
    rows = _parse_text(tmp_path, "Mon, 01/02/2023\n3:04 PM\tSam\thi\n12:00 AM\tSam\tmidnight\n12:00 PM\tSam\tnoon\n")
    assert [(r[2], r[3]) for r in rows] == [("Sam", _day(15, 4)), ("Sam", _day(0, 0)), ("Sam", _day(12, 0))]


def test_ambiguous_order_is_assumed_month_first_and_reported(tmp_path: Path) -> None:
    rows = _parse_text(tmp_path, "Xyz, 03/04/2023\n10:00\tSam\thi\n10:01\tSam\tyo\n")
    assert rows[0] == ("note", 1, ORDER_ASSUMED)
    assert rows[1][3] == datetime(2023, 3, 4, 10, 0)
    result = load([tmp_path / "chat.txt"])
    assert dict(result.reports[0].notes) == {ORDER_ASSUMED: 1}


def test_a_field_over_twelve_decides_the_order(tmp_path: Path) -> None:
    rows = _parse_text(tmp_path, "Xyz, 25/04/2023\n10:00\tSam\thi\nXyz, 03/05/2023\n10:00\tSam\tyo\n")
    assert [r[3] for r in rows] == [datetime(2023, 4, 25, 10), datetime(2023, 5, 3, 10)]


def test_bad_date_line_skips_it_and_the_messages_under_it(tmp_path: Path) -> None:
    text = "2023/01/02(Mon)\n10:00\tSam\tok\n2023/13/45(Mon)\n10:01\tSam\tlost date\n"
    text += "2023/01/04(Wed)\n10:02\tSam\tback\n"
    rows = _parse_text(tmp_path, text)
    assert rows == [
        (2, "chat", "Sam", _day(10, 0), T, "ok", {}),
        (3, "invalid date line", "2023/13/45(Mon)"),
        (4, "message under an invalid date line", "10:01\tSam\tlost date"),
        (6, "chat", "Sam", _day(10, 2, 4), T, "back", {}),
    ]


def test_messages_before_any_date_and_stray_text_are_skipped(tmp_path: Path) -> None:
    rows = _parse_text(tmp_path, "10:00\tSam\tearly\nstray text\n2023/01/02(Mon)\n25:00\tSam\tbad clock\n")
    assert rows == [
        (1, "message before the first date line", "10:00\tSam\tearly"),
        (2, "text outside any message", "stray text"),
        (4, "invalid time", "25:00\tSam\tbad clock"),
    ]


def test_unclosed_quote_ends_at_the_next_message(tmp_path: Path) -> None:
    rows = _parse_text(tmp_path, '2023/01/02(Mon)\n10:00\tSam\t"open\nmore\n10:01\tAnn\tnext\n')
    assert [r[5] for r in rows] == ['"open\nmore', "next"]


def test_crlf_bom_and_a_huge_line(tmp_path: Path) -> None:
    huge = "x" * 2_000_000
    text = f"\ufeff[LINE] Chat history with Sam\r\n\r\n2023/01/02(Mon)\r\n10:00\tSam\t{huge}\r\n10:01\tSam\tok\r\n"
    rows = _parse_text(tmp_path, text)
    assert rows[0] == (1, HEADER, "[LINE] Chat history with Sam")
    assert rows[1][:2] == (4, "line longer than 1,048,576 characters")
    assert rows[2] == (5, "Sam", "Sam", _day(10, 1), T, "ok", {})


def test_utf16_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes("[LINE] Chat history with Sam\n\n2023/01/02(Mon)\n10:00\tSam\thi\n".encode("utf-16"))
    assert detect(ExportFile(path)).name == "line"
    [_, message] = _rows(path)
    assert message[5] == "hi"


def test_binary_and_empty_files(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"[LINE] x\n" + b"\x00\x01\x02" * 2000)
    with pytest.raises(CloneError, match=r"chat\.txt"):
        list(LineImporter().parse(ExportFile(path)))
    path.write_bytes(b"")
    assert not LineImporter().sniff(ExportFile(path))


def test_sniffing_claims_only_line_files() -> None:
    line = IMPORTERS["line"]
    others = [p for p in (ROOT / "examples").glob("*.txt")] + [ROOT / "tests" / "data" / "hangouts" / "Hangouts.json"]
    assert others and not any(line.sniff(ExportFile(p)) for p in others)
    for name in EXPECTED:
        claimed = [imp.name for imp in IMPORTERS.values() if imp.sniff(ExportFile(DATA / name))]
        assert claimed == ["line"], (name, claimed)


def test_headerless_file_is_sniffed_by_its_shape(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("2023/01/02(Mon)\n10:00\tSam\thi\n10:01\tAnn\tyo\n", encoding="utf-8")
    assert detect(ExportFile(path)).name == "line"


def test_clone_import_lists_the_senders_and_the_report() -> None:
    senders, report = import_senders(DATA / "line_en.txt")
    assert "2 LINE export header, 2 call record" in report
    assert senders == {"Maya Chen  (line)", "Ann Lee  (line)"}


def test_space_separated_chat_names_the_other_person_from_its_title(tmp_path: Path) -> None:
    text = "[LINE] Chat history with Sam Lee\n\n2023/01/02(Mon)\n"
    text += "10:00 Sam Lee hi there\n10:01 Maya [Photo]\n10:02 Maya ok\n"
    assert [(r[2], r[5]) for r in _parse_text(tmp_path, text)[1:]] == [
        ("Sam Lee", "hi there"),
        ("Maya", "[Photo]"),
        ("Maya", "ok"),
    ]


def test_space_separated_line_that_two_known_names_start_is_not_split(tmp_path: Path) -> None:
    text = "2023/01/02(Mon)\n10:00 Ann [Sticker]\n10:01 Ann Lee [Sticker]\n10:02 Ann Lee hi\n10:03 Ann hi\n"
    rows = _parse_text(tmp_path, text)
    assert rows[2] == (4, SPACED_AMBIGUOUS, "10:02 Ann Lee hi")  # Ann saying "Lee hi", or Ann Lee saying "hi"
    assert [(r[2], r[5]) for r in rows if len(r) == 7] == [
        ("Ann", "[Sticker]"),
        ("Ann Lee", "[Sticker]"),
        ("Ann", "hi"),
    ]


def test_a_tab_separated_file_is_never_read_as_spaces(tmp_path: Path) -> None:
    rows = _parse_text(tmp_path, "2023/01/02(Mon)\n10:00\tSam\thi\n10:01 Sam [Sticker]\n")
    assert rows == [(2, "chat", "Sam", _day(10, 0), T, "hi\n10:01 Sam [Sticker]", {})]


def test_a_headerless_space_separated_file_is_sniffed_only_with_a_told_name(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("2023/01/02(Mon)\n10:00 Sam [Sticker]\n10:01 Sam hi\n", encoding="utf-8")
    assert LineImporter().sniff(ExportFile(path))
    path.write_text("2023/01/02(Mon)\n10:00 meeting\n10:01 lunch\n", encoding="utf-8")
    assert not LineImporter().sniff(ExportFile(path))
