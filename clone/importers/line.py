"""LINE "Export chat history" .txt: a title, the date it was saved, then for each day a date line and the
day's messages, ``time<TAB>sender<TAB>text``::

    [LINE] Chat history with Ann            [LINE] Annとのトーク履歴         [LINE] 與Ann的聊天記錄
    Saved on: 2023/01/02 15:04              保存日時：2023/01/02 15:04       儲存日期：2023/01/02 15:04

    2023/01/02(Mon)                         2023/01/02(月)                   2023/01/02（週一）
    15:04<TAB>Ann<TAB>hi                    15:04<TAB>Ann<TAB>[スタンプ]      下午03:04<TAB>Ann<TAB>[貼圖]

Date lines also come as ``Mon, 01/02/2023`` (month or day first: the weekday or a field over 12 tells),
``2023.01.02 Monday`` and ``2023.01.02 월요일``; times as ``15:04``, ``3:04 PM``/``3:04PM`` and with the
half of the day first (``下午03:04``, ``午後3:04``, ``오후 3:04``). A message of several lines is wrapped in
double quotes, which the text drops. A line with no sender column is a notice (system, no sender); call
records (``☎ Missed call``) are skipped. The title and saved-on lines are skipped as the export's header;
date lines set the date of the messages under them and are no record themselves.

Some desktop versions' "Save chat" separate the columns by single spaces (``15:04 Ann Lee hi``). A name may
have spaces too, so such a file is read first for the names it tells without doubt: the 1:1 chat's title, and
lines whose text is LINE's own (``15:07 Ann Lee [Sticker]``, ``15:10 Ann Lee ☎ Missed call``, ``15:12 Bo Park
joined the group.``). A line then belongs to the one known name that starts it; a line that no known name, or
more than one, starts is skipped with its reason. A file with any tab-separated message line is read as tabs.

Placeholders and notices are the UI wording of the phone that exported, in the tables below (English,
Japanese, Chinese, Thai, Korean, Indonesian): the English, Japanese and Chinese ones are those public LINE
parsers match; the Thai, Korean and Indonesian ones follow those apps' UI words and are less certain. Times
are the wall time the export shows.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath

from clone.errors import ImportFileError
from clone.importers import ExportFile, limits, register
from clone.importers.reading import detect_encoding, safe_head, text_encoding
from clone.messages import Kind, Message, Note, Skipped, Source

PLATFORM = "line"
HEADER = "LINE export header"
CALL = "call record"
ORDER_ASSUMED = "day/month order of the date lines assumed month first (no date line tells)"
SPACED_AMBIGUOUS = "space-separated line whose sender is not told apart from its text"

Record = Message | Skipped | Note

# Invisible marks that may lead a line (a BOM, direction marks): not part of what the line says.
_MARKS = "\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_UNMARK = str.maketrans({**dict.fromkeys(_MARKS), "\u00a0": " ", "\u202f": " "})  # in a sender's name

# The title after "[LINE] ", per language: private chat and group wording.
_TITLES = tuple(
    re.compile(pattern)
    for pattern in (
        r"Chat history (?:with|in) (.+)",  # English
        r"(.+?)(?:との|の)トーク履歴",  # Japanese
        r"(?:與|与)?(.+?)的聊天(?:記錄|记录)",  # Chinese
        r"ประวัติการ(?:สนทนา|แชท)(?:กับ|ใน)\s*(.+)",  # Thai
        r"(.+?)\s*(?:님)?(?:과|와)의 대화(?:방)?",  # Korean
        r"Riwayat (?:chat|obrolan) (?:dengan|di) (.+)",  # Indonesian
    )
)
_TITLE = re.compile(r"\[LINE\]\s*(.*)")

# Date lines: year first, any weekday after it ("2023/01/02(Mon)", "2023.01.02 월요일", "2026/1/30周五"), or
# weekday first and the year last ("Mon, 01/02/2023"). The weekday holds no digit, so no message matches.
_YEAR_FIRST = re.compile(
    r"(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})\.?\s*(?:[(（][^()（）\d\t]{1,12}[)）]|,?\s*[^\W\d_][^\d\t]{0,15})?\s*"
)
_YEAR_LAST = re.compile(r"([^\W\d_][^\d\t,]{0,15}),?\s+(\d{1,2})/(\d{1,2})/(\d{4})\s*")
# Weekdays that tell a weekday-first date's order (English and Indonesian exports write them), Monday first.
_WEEKDAYS = (
    ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    ("sen", "sel", "rab", "kam", "jum", "sab", "min"),
    ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"),
)
WEEKDAY = {name: number for names in _WEEKDAYS for number, name in enumerate(names)}

# A message line: the clock (the half of the day before it in Chinese, Japanese and Korean, AM/PM after it
# in English), a tab, then the rest: "sender<TAB>text", or a notice with no sender column.
_MESSAGE = re.compile(
    r"(?:(上午|下午|午前|午後|오전|오후)\s*)?(\d{1,2}):(\d{2})(?:\s*([AaPp])\.?\s?[Mm]\.?)?\t(.*)", re.DOTALL
)
_AFTERNOON = {"下午", "午後", "오후", "p", "P"}
# The same with a space for the tab, in the space-separated layout: the rest is "sender text", or a notice.
_SPACED = re.compile(_MESSAGE.pattern.replace(r"\t(.*)", " (.*)"), re.DOTALL)
# The 1:1 chat's title names the other person (Japanese and Korean titles add an honorific: not a sender name).
_PARTNER = re.compile(
    r"Chat history with (.+)|Riwayat (?:chat|obrolan) dengan (.+)|(?:與|与)(.+?)的聊天(?:記錄|记录)"
    r"|ประวัติการ(?:สนทนา|แชท)กับ\s*(.+)"
)
# Notices in the space-separated layout: naming only who joined or left, or a doer and what they did.
_NOTICE = re.compile(r"(.{1,80}?) (?:joined|left) the group\.?")
_DOER_NOTICE = re.compile(r"(?:changed the group|added .{1,80} to the group|removed .{1,80} from the group).*")

# Whole texts that stand for media, with the kind of media; then unsent messages; then call records.
MEDIA = {
    "sticker": ("[Sticker]", "[スタンプ]", "[貼圖]", "[贴图]", "[สติกเกอร์]", "[스티커]", "[Stiker]"),
    "photo": ("[Photo]", "[写真]", "[照片]", "[รูปภาพ]", "[รูป]", "[사진]", "[Foto]"),
    "video": ("[Video]", "[動画]", "[影片]", "[视频]", "[วิดีโอ]", "[동영상]"),
    "voice": ("[Voice message]", "[ボイスメッセージ]", "[語音訊息]", "[语音信息]", "[ข้อความเสียง]", "[음성메시지]",
              "[Pesan suara]"),
    "file": ("[File]", "[ファイル]", "[檔案]", "[文件]", "[ไฟล์]", "[파일]"),
    "location": ("[Location]", "[位置情報]", "[位置]", "[ตำแหน่ง]", "[위치정보]", "[Lokasi]"),
    "contact": ("[Contact]", "[連絡先]", "[聯絡資訊]", "[联系人]", "[연락처]", "[Kontak]"),
    "gif": ("[GIF]",),
    "album": ("[Album]", "[アルバム]", "[相簿]", "[앨범]"),
    "note": ("[Note]", "[Notes]", "[ノート]", "[記事本]", "[记事本]", "[노트]", "[Catatan]"),
}  # fmt: skip
MEDIA_KIND = {text: kind for kind, texts in MEDIA.items() for text in texts}
UNSENT = re.compile(
    r"(?:.{0,80} )?unsent a message\.?|Message unsent\.?|メッセージの送信を取り消しました|送信取消しました"
    r"|.{0,80}已收回訊息|.{0,80}撤回了一条消息|.{0,80}ยกเลิกข้อความ|메시지가 삭제되었습니다|.{0,80}membatalkan pesan",
)
# Call records start with ☎ in every language; older exports wrote some without it. Only wording that names
# a call counts: "No answer" or "キャンセル" alone could be a person's words.
CALLS = re.compile(
    r"☎.*|\[(?:Call|Video call|通話|ビデオ通話)\]|(?:Call time|通話時間|通话时间|通話時長) ?.*"
    r"|(?:Missed call|Canceled call|Cancelled call|Canceled the call)\.?"
    r"|不在着信|通話をキャンセルしました|未接來電|未接来电",
)


@dataclass
class _Pending:
    """A message being read: its first line, its text lines so far, and whether a quote is still open."""

    line: int
    head: str  # the line as written, for a skip's text
    when: datetime
    sender: str | None
    parts: list[str] = field(default_factory=list)
    quoted: bool = False


@dataclass
class _State:
    day: date | None = None
    dated: bool = False  # a date line was seen (None then means that line was invalid)
    month_first: bool | None = None  # weekday-first date lines: decided by the first line that tells
    pending: _Pending | None = None
    names: frozenset[str] | None = None  # the space-separated layout's sender names (None: tabs)


class LineImporter:
    name = "line"

    def sniff(self, file: ExportFile) -> bool:
        head = safe_head(file)
        encoding = detect_encoding(head) or "utf-8"
        lines = [line.lstrip(_MARKS) for line in head.decode(encoding, errors="replace").split("\n")[:200]]
        first = next((line for line in lines if line.strip()), "")
        if _TITLE.match(first):
            return True
        lines = [line.rstrip("\r") for line in lines]
        dates = sum(1 for line in lines if date_line(line))
        messages = sum(1 for line in lines if _MESSAGE.fullmatch(line) and "\t" in line)
        if messages or not dates:
            return dates >= 1 and messages >= 2
        spaced = [found[5] for line in lines if (found := _SPACED.fullmatch(line))]
        return len(spaced) >= 2 and any(_told_name(rest) for rest in spaced)

    def encoding(self, file: ExportFile) -> str:
        return text_encoding(file) or "utf-8"

    def parse(self, file: ExportFile) -> Iterator[Record]:
        encoding = text_encoding(file)
        if encoding is None:
            raise ImportFileError(file.name, None, "binary data, not a LINE text export")
        chat = PurePosixPath(file.member or file.path.name).stem.removeprefix("[LINE]").strip() or "LINE"
        with io.TextIOWrapper(file.open(), encoding=_codec(encoding), errors="replace", newline="\n") as text:
            names = spaced_names(text)
        with io.TextIOWrapper(file.open(), encoding=_codec(encoding), errors="replace", newline="\n") as text:
            yield from _records(text, file.name, chat, names)


def _codec(encoding: str) -> str:
    return "utf-8-sig" if encoding == "utf-8" else encoding


def spaced_names(lines: Iterable[str]) -> frozenset[str] | None:
    """None for a file of tab-separated messages (it stops at the first); else the sender names that its
    space-separated lines tell without doubt (see the module's docstring)."""
    names: set[str] = set()
    longest = limits.current().line_chars
    for number, raw in enumerate(lines, 1):
        if len(raw) > longest:
            continue
        line = raw.removesuffix("\n").removesuffix("\r").lstrip(_MARKS)
        if number == 1 and (title := _TITLE.fullmatch(line.strip())):
            if partner := _PARTNER.fullmatch(title[1].strip()):
                names.update(name.strip() for name in partner.groups() if name)
        elif "\t" in line:
            if _MESSAGE.fullmatch(line):
                return None
        elif (spaced := _SPACED.fullmatch(line)) and (name := _told_name(spaced[5])):
            names.add(name)
    return frozenset(names)


def _told_name(rest: str) -> str | None:
    """The sender a space-separated line names without doubt: the text before LINE's own (a placeholder, a
    call record, a join or leave notice), if any."""
    if (notice := _NOTICE.fullmatch(rest)) is not None:
        name = notice[1]
    elif " ☎" in rest:
        name = rest.partition(" ☎")[0]
    else:
        name, _, placeholder = rest.rpartition(" [")  # every placeholder is bracketed
        if "[" + placeholder not in MEDIA_KIND:
            return None
    return name.strip() or None


def _tabbed(line: str, names: frozenset[str]) -> str | None:
    """A space-separated message line as the tab layout writes it ("09:05 Ann Lee hi" -> "09:05\tAnn Lee\thi",
    a notice "09:12\tBo Park joined the group."), the line itself when it is no such line, or None when no one
    known name starts it."""
    spaced = _SPACED.fullmatch(line) if "\t" not in line else None
    if spaced is None:
        return line
    clock, rest = line[: spaced.start(5) - 1], spaced[5]
    if _NOTICE.fullmatch(rest):
        return f"{clock}\t{rest}"
    told = _told_name(rest)  # "Ann Lee [Sticker]" is Ann Lee's even where "Ann" is a name too
    found = [told] if told else [name for name in names if rest == name or rest.startswith(name + " ")]
    if len(found) != 1:
        return None
    text = rest[len(found[0]) + 1 :]
    return f"{clock}\t{rest}" if _DOER_NOTICE.fullmatch(text) else f"{clock}\t{found[0]}\t{text}"


def _records(lines: Iterator[str], name: str, chat: str, names: frozenset[str] | None = None) -> Iterator[Record]:
    state, longest, titled = _State(names=names), limits.current().line_chars, False
    for number, raw in enumerate(lines, 1):
        written = raw.removesuffix("\n").removesuffix("\r")
        line = written.lstrip(_MARKS)
        if len(line) > longest:
            yield from _flush(state, name, chat)
            yield Skipped(Source(name, number), f"line longer than {longest:,} characters", line[:200])
            continue
        title = _TITLE.fullmatch(line.strip()) if number == 1 else None
        if title or (number == 2 and titled and _is_header(line)):
            chat, titled = (_chat_name(title[1]) if title else chat), True
            yield Skipped(Source(name, number), HEADER, line)
            continue
        yield from _line(line, written, Source(name, number), state, chat)
    yield from _flush(state, name, chat)


def _is_header(line: str) -> bool:
    """The saved-on line under the title ("Saved on: 2023/01/02 15:04", "保存日時：..."): a digit, no tab,
    and not a date line (an export without one goes straight to the first day)."""
    has_digit = any(c.isdigit() for c in line)
    return has_digit and "\t" not in line and date_line(line) is None


def _chat_name(title: str) -> str:
    title = title.strip()
    found = next((m for m in (p.fullmatch(title) for p in _TITLES) if m), None)
    return (found[1].strip() if found else title) or "LINE"


def _line(line: str, written: str, source: Source, state: _State, chat: str) -> Iterator[Record]:
    """Read one line (``written``: as in the file; ``line``: without the invisible marks leading it)."""
    pending = state.pending
    if state.names is not None and not (pending is not None and pending.quoted):
        tabbed = _tabbed(line, state.names)
        if tabbed is None:
            yield from _flush(state, source.file, chat)
            yield Skipped(source, SPACED_AMBIGUOUS, written)
            return
        line = tabbed
    message = _MESSAGE.fullmatch(line)
    if pending is not None and pending.quoted and message is None:
        pending.parts.append(written)  # inside a quoted message: a date-like line is its text
        if line.endswith('"'):
            pending.quoted = False
        return
    shape = date_line(line) if message is None else None
    if shape is not None:
        yield from _flush(state, source.file, chat)
        yield from _on_date_line(shape, line, source, state)
        return
    if message is not None:
        yield from _flush(state, source.file, chat)
        yield from _start(message, written, source, state)
        return
    if pending is not None:
        pending.parts.append(written)
    elif line.strip():
        yield Skipped(source, "text outside any message", written)


def date_line(line: str) -> re.Match[str] | None:
    """The match of a date line ("2023/01/02(Mon)", "Mon, 01/02/2023"), or None."""
    return _YEAR_FIRST.fullmatch(line) or _YEAR_LAST.fullmatch(line)


def _on_date_line(shape: re.Match[str], line: str, source: Source, state: _State) -> Iterator[Record]:
    state.dated = True
    if shape.re is _YEAR_FIRST:
        state.day = _valid(int(shape[1]), int(shape[3]), int(shape[4]))
    else:
        first, second, year = int(shape[2]), int(shape[3]), int(shape[4])
        month_first = _month_first(first, second, year, shape[1].strip().casefold(), state)
        if month_first is None:
            month_first = state.month_first = True
            yield Note(source, ORDER_ASSUMED)
        state.day = _valid(year, first, second) if month_first else _valid(year, second, first)
    if state.day is None:
        yield Skipped(source, "invalid date line", line)


def _month_first(first: int, second: int, year: int, weekday: str, state: _State) -> bool | None:
    """Whether "a/b/yyyy" is month/day: a field over 12, else the weekday named, else what the file said so far."""
    if first > 12 or second > 12:
        state.month_first = second > 12
        return state.month_first
    told = WEEKDAY.get(weekday)
    mdy, dmy = _valid(year, first, second), _valid(year, second, first)
    if told is not None and mdy and dmy and (mdy.weekday() == told) != (dmy.weekday() == told):
        state.month_first = mdy.weekday() == told
    return True if first == second else state.month_first


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _start(message: re.Match[str], written: str, source: Source, state: _State) -> Iterator[Record]:
    if state.day is None:
        reason = "message under an invalid date line" if state.dated else "message before the first date line"
        yield Skipped(source, reason, written)
        return
    hour, minute = int(message[2]), int(message[3])
    half = message[1] or message[4]
    if half:
        hour = hour % 12 + (12 if half in _AFTERNOON else 0) if 1 <= hour <= 12 else 99
    if hour > 23 or minute > 59:
        yield Skipped(source, "invalid time", written)
        return
    sender, tab, text = message[5].partition("\t")
    if not tab:  # no sender column: a notice
        sender, text = "", message[5]
    when = datetime(state.day.year, state.day.month, state.day.day, hour, minute)
    quoted = text.startswith('"') and not (len(text) > 1 and text.endswith('"'))
    state.pending = _Pending(source.line, written, when, sender.translate(_UNMARK).strip() or None, [text], quoted)


def _flush(state: _State, name: str, chat: str) -> Iterator[Record]:
    pending, state.pending = state.pending, None
    if pending is None:
        return
    parts = pending.parts
    while len(parts) > 1 and not parts[-1].strip():
        parts.pop()  # blank lines before the next date line belong to no one
    text = "\n".join(parts)
    if len(parts) > 1 and text.startswith('"') and text.endswith('"'):
        text = text[1:-1]  # LINE's quotes around a message of several lines
    written = "\n".join([pending.head, *parts[1:]])  # what a skip shows: the lines as written
    yield _record(pending, text, written, Source(name, pending.line), chat)


def _record(pending: _Pending, text: str, written: str, source: Source, chat: str) -> Message | Skipped:
    bare = text.strip()
    if CALLS.fullmatch(bare):
        return Skipped(source, CALL, written)
    sender, extra = pending.sender, {}
    if sender is None:
        kind = Kind.SYSTEM
    elif bare in MEDIA_KIND:
        kind, extra = Kind.MEDIA, {"media": MEDIA_KIND[bare]}
    elif UNSENT.fullmatch(bare):
        kind = Kind.DELETED
    elif bare:
        kind = Kind.TEXT
    else:
        return Skipped(source, "empty message", written)
    if not bare:
        return Skipped(source, "empty notice", written)
    return Message(PLATFORM, chat, sender, pending.when, text, kind, source.file, source.line, extra=extra)


register(LineImporter())
