"""WhatsApp "Export chat" .txt importer: Android and iOS exports, in the locales we have seen. One platform, one
file (its length is the date grammar and the speed-ups of the layout scan; the UI wording lives in
whatsapp_locales.py).

A message starts on a *header* line, ``[date, time] Name: text`` (iOS) or ``date, time - Name: text``
(Android), also time first (``19:23, 28 Aug 2013 - ``), with month names, with the time of day in words
(``9:15 in the morning``, ``下午9:15``), with a weekday before the date (``Tue, 5 Mar 2019, 20:11 - ``);
lines without a header continue the previous message. Header lines without ``Name:`` are system events.
Old Android exports leave the year out of the export's own year (``Mar 5, 8:11 PM - ``): the year is
inferred (_Years) and each such message gets a ``Note`` saying how.
The date format varies by phone and locale, and day-first vs month-first cannot be told from one line, so
the file is read in two passes, streaming both times (memory does not grow with file size):

0. choose the grammar from the file's first lines (choose_grammar): numeric dates get the usual one (BASE),
   month or weekday names the wider one (WIDE), so that its longer word lists cost the usual files nothing;
1. survey: find the header lines, vote on day/month order from date fields > 12 (or the weekday before the
   date), follow the year-less dates that open a file up to the first dated one, note the senders
   (needed for the ``Name:text`` no-space form), and fail early on files with no header at all. It stops
   once one order leads by ``DECISIVE_VOTES`` (real exports never change order, so the rest of the file
   would only add to the lead); the parse asks for the whole file's senders only if it meets a ``Name:text``
   line whose name the survey has not seen yet;
2. parse: turn headers + continuation lines into ``Message``/``Skipped`` records (and ``Note``), in file order.

Both passes read the file in chunks of whole lines (a few tens of KB) and find header lines with one
regex scan per chunk: a line that cannot start a header (no digit, "[", invisible mark or month name first) costs
no Python work at all, and a header line costs one regex match (in the parse, a regex of the file's own
header layout; the whole grammar reads only the lines it does not), a date cache keyed by the date text
and a memo of the last timestamp text. Bodies are sliced straight out of the chunk; continuation lines
are joined per block, not per line.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import product
from pathlib import PurePosixPath
from typing import BinaryIO

from clone.errors import ImportFileError
from clone.importers import ExportFile, limits, register
from clone.importers.reading import (
    READ_ERRORS,
    SAMPLE_BYTES,
    decoder,
    detect_encoding,
    is_utf8,
    safe_head,
    text_encoding,
)
from clone.importers.whatsapp_locales import (
    ATTACHED,
    DAY_PERIODS,
    DAY_PERIODS_BEFORE,
    DELETED,
    ENCRYPTION,
    MEDIA_OMITTED,
    MISSED_CALL,
    MONTHS,
    WEEKDAYS,
    every,
)
from clone.messages import Kind, Message, Note, Skipped, Source

PLATFORM = "whatsapp"

# ---------------------------------------------------------------------------------------------------
# Marker data: bodies are compared after removing invisible marks and surrounding spaces. Extend freely.

# Whole first line of a media message, endings of one (documents, Android "(file attached)"), deleted
# messages (compared without a trailing period), and notices WhatsApp writes under a person's (or the
# group's) name on iOS: system, and sender None because nobody wrote them (Android writes them without a
# name, which makes them system anyway). The wording of every UI language is in whatsapp_locales.
MEDIA_BODIES = frozenset(every(MEDIA_OMITTED))
MEDIA_SUFFIXES = every(ATTACHED)
DELETED_BODIES = frozenset(every(DELETED))
SYSTEM_PREFIXES = every(ENCRYPTION) + every(MISSED_CALL)

# iOS "<attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>" in any language: the 8-digit media id is the tell.
_ATTACHED = re.compile(r"<\s*[^<>:\d]{2,40}:\s*\d{8}-[^<>]*>$")

# Locations: iOS " Place (Area): https://maps.google.com/?q=lat,lon" (one line, leading space);
# Android "Place\nArea\nlocation: https://maps.google.com/?q=lat,lon" (three lines).
_LOCATION = re.compile(r"[^\n]*: https://maps\.google\.com/\?q=-?[\d.]+,-?[\d.]+\s*")

# File-name prefixes WhatsApp gives exports ("WhatsApp Chat with Ana.txt", "WhatsApp Chat - Ana.zip").
CHAT_FILE_PREFIXES = (
    "WhatsApp Chat with ",
    "WhatsApp Chat - ",
    "WhatsApp Chat – ",
    "WhatsApp-Chat mit ",
    "WhatsApp Chat mit ",
    "Conversa do WhatsApp com ",
    "Chat de WhatsApp con ",
    "Discussion WhatsApp avec ",
    "Chat WhatsApp con ",
    "WhatsApp-chat met ",
    "WhatsApp Chat met ",
    "Czat WhatsApp z ",
    "Чат WhatsApp с ",
    "WhatsApp Sohbeti: ",
)

# ---------------------------------------------------------------------------------------------------
# Header grammar. Invisible marks may sit anywhere between tokens (LRM before "[", RLM after every Arabic
# date field), NBSP/NNBSP count as spaces; the regex tolerates them in place so match offsets stay valid
# on the raw line and the body can be sliced from it untouched.

# iOS with the Japanese calendar writes the year as era letter + year of the era: the first year of each.
JAPANESE_ERAS = {"M": 1868, "T": 1912, "S": 1926, "H": 1989, "R": 2019}
JAPANESE_ERA_LETTERS = "".join(JAPANESE_ERAS)
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
SPACES = " \u00a0\u202f"

# Month names -> month number. BASE's grammar takes the English ones as written, lower or upper case; WIDE's
# takes every language's in any case (see Grammar). Lookups lower-case the word (_month).
ENGLISH_MONTHS = {
    spelling: number
    for number, spellings in enumerate(MONTHS["en"], 1)
    for name in spellings
    for spelling in (name, name.lower(), name.upper())
}


def _numbered(table: dict[str, tuple[tuple[str, ...], ...]], first: int) -> dict[str, int]:
    """Every language's names in a table of months or weekdays, lower case ("Kasım" also as "kasim": what
    "KASIM" lower-cases to) -> their number, counted from ``first``; no spelling may name two."""
    numbers: dict[str, int] = {}
    for names in table.values():
        for number, spellings in enumerate(names, first):
            for spelling in {s for name in spellings for s in (name.lower(), name.upper().lower())}:
                assert numbers.setdefault(spelling, number) == number, f"{spelling!r} names two"
    return numbers


MONTH_NUMBERS = _numbered(MONTHS, 1)
WEEKDAY_NUMBERS = _numbered(WEEKDAYS, 0)  # as datetime.weekday(): Monday 0
_PERIOD_HOURS = {
    "am": tuple(range(12)),
    "pm": tuple(range(12, 24)),
    "noon": tuple(h + 12 if h < 10 else h for h in range(12)),  # 10 and 11 are still morning
    "night": tuple(h + 12 if h >= 6 else h for h in range(12)),  # 6-11 evening, 12-5 after midnight
}
_WORDS_AFTER = {word: rule for words in DAY_PERIODS.values() for word, rule in words.items()}
_WORDS_BEFORE = {word: rule for words in DAY_PERIODS_BEFORE.values() for word, rule in words.items()}


def _month(word: str) -> int | None:
    return MONTH_NUMBERS.get(word.lower())


def _spelt(spaces: str) -> dict[str, tuple[int, ...]]:
    """Every spelling of a time of day the grammar takes (AM/PM forms, words, with any of the spaces) ->
    the hours of the 12-hour clock in 24-hour time: one dict lookup per timestamp."""
    hours: dict[str, tuple[int, ...]] = {"ص": _PERIOD_HOURS["am"], "م": _PERIOD_HOURS["pm"]}
    for a, dot, space, m, end in product("AaPp", ("", "."), ("", *spaces), "Mm", ("", ".")):
        hours[a + dot + space + m + end] = _PERIOD_HOURS["pm" if a in "Pp" else "am"]
    for word, rule in (_WORDS_AFTER | _WORDS_BEFORE).items():
        for space in spaces:
            hours[word.replace(" ", space)] = _PERIOD_HOURS[rule]
    return hours


def _alternatives(words: Iterable[str], space: str) -> str:
    """A regex alternation of the words, longest first, any space inside one of ``space``; a lookahead at
    their first letters first, so that a line that cannot match tries none of them."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    firsts = re.escape("".join(sorted({word[0] for word in ordered})))
    return f"(?=[{firsts}])(?:" + "|".join(re.escape(word).replace(r"\ ", space) for word in ordered) + ")"


def _grammar(
    marks: str, spaces: str, months: str, weekdays: str, wide: bool
) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The header regexes (date first, time first) tolerating the given marks and spaces, with the given
    alternations of month names and (unless empty) of weekday names, which may lead the date; ``wide``
    takes the other languages' words around a month name too."""
    m = f"[{marks}]*" if marks else ""
    s = f"[{spaces}]"
    # AM, am, a.m., a. m., p. m.; Arabic ص (am) / م (pm); or words after the time ("9:15 in the morning");
    # "pre" takes those written before it ("下午9:15", "오후 9:15").
    ampm = rf"(?:{_alternatives(_WORDS_AFTER, s)}|[AaPp]\.?{s}?[Mm]\.?|[صم])"
    before = rf"(?:{_alternatives(_WORDS_BEFORE, s)})"
    # d.m.y / m/d/y / y-m-d, one space allowed after each separator ("13. 6. 2018."); \d also takes
    # Arabic-Indic digits. Outer fields have 4 digits or 1-2 (a 4-digit year; "01/01/1911:25" stays sane);
    # a last field may be a Japanese era year ("3/27/R4": Reiwa 4, see JAPANESE_ERAS).
    outer = r"(?:\d{4}|\d{1,2})"
    last = rf"(?:\d{{4}}(?:{s}BE)?|[{JAPANESE_ERA_LETTERS}]?\d{{1,2}})"  # "3/18/2565 BE": iOS, Buddhist era
    numeric = rf"{outer}{m}[./-]{m}{s}?{m}\d{{1,2}}{m}[./-]{m}{s}?{m}{last}"
    # A month name: "28 Aug 2013", "Aug 28, 2013", and without the year ("18 Mar", "Mar 5"): Android leaves
    # out the export's own year.
    month = rf"(?:{months})\.?"
    year = rf"{s}{m}\d{{4}}"
    if wide:  # pt "18 de mar. de 2019", es "18 de marzo de 2019"; ru "18 мар. 2019 г.", uk "18 бер. 2019 р."
        month, year = rf"(?:de{s})?{month}", rf"{s}{m}(?:de{s})?\d{{4}}(?:{s}[гр]\.)?"
    named = rf"\d{{1,2}}\.?{s}{m}{month}(?:{year})?|{month}{s}{m}\d{{1,2}}(?:,?{s}{m}\d{{4}})?"
    # A weekday before the date ("Tue, 5 Mar 2019", "[Tue 05/03/2019, ..."): outside "date", which is parsed.
    weekday = rf"(?:(?P<wd>{weekdays})\.?,?{s}{m})?" if weekdays else ""
    date = rf"{weekday}(?P<date>{numeric}|{named}){m}(?P<dot>\.)?"
    time = (
        rf"(?P<time>(?:(?P<pre>{before}){s}*{m})?(?P<h>\d{{1,2}}){m}[:.]{m}(?P<mi>\d{{2}})"
        rf"(?:{m}[:.]{m}(?P<s>\d{{2}}))?(?:{s}*{m}(?P<ap>{ampm}))?)"
    )
    join = rf"{m}[,،]?{s}*(?:(?:klo|kl\.|à|às){s}+)?{m}"  # ", " / " " / "" / Finnish " klo " / French " à "
    # After the timestamp: "] " when bracketed; else " - ", ": " ("13.06.18 21.25.15: a: m"), or a bare
    # space only after a dot-terminated date ("13. 6. 2018. 21:25:15 a: m"), to keep prose out.
    after = rf"{m}(?(br)\]{s}?|(?:{s}*[-–]{s}|:{s}|(?(dot){s}|(?!))))"
    date_first = re.compile(rf"{m}(?P<br>\[)?{m}(?P<ts>{date}{join}{time}){after}")
    # Time before date: Vietnamese iOS "[21:41:35, 3/27/22] Name: text", old Android "19:23, 28 Aug 2013 - ".
    time_first = re.compile(rf"{m}(?P<br>\[)?{m}(?P<ts>{time}{m},?{s}*{m}{date}){after}")
    return date_first, time_first


_PERIODS = _spelt(SPACES)
# Cheap test before any regex: a header starts with a digit, "[", an invisible mark, or a month name
# followed by a day ("Mar 5, 8:11 PM - "), or (WIDE) a weekday name.
_LEAD = frozenset("0123456789[" + MARKS)

# Scanning a chunk (see _chunks: every line follows a "\n"). A scan pattern matches at the "\n" before
# each line that passes match()'s first-character test: the header there (ASCII grammar, or the full one
# for files whose headers are mostly not ASCII) and the rest of its line, or else the "\n" alone with
# all groups unset, and fallback() decides as match() would. No grammar takes a "\n" or "\r", so a header
# matched in the chunk is the one match() finds on the line alone. The rest of the line: "raw" is what
# precedes its first ": " (line.find(": ", end): the sender's name as written) and "body" what follows,
# without the "\r" of a "\r\n" (a chunk's last line has its "\n" in the next chunk); with no ": ", "raw"
# is unset and "body" is all of it. Possessive repeats: no backtracking on long lines.
_REST = r"(?:(?P<raw>[^:\n]*+(?::(?! )[^:\n]*+)*+): )?(?P<body>[^\r\n]*+(?:\r(?!\n|\Z)[^\r\n]*+)*+)\r?"

# A file's headers nearly all share one layout ("07/03/2016, 09:12 - "): the regex of that exact layout,
# built from the survey's headers, finds them ~1.5x quicker than the whole grammar. It accepts a subset of
# what the ASCII grammar accepts, with the same groups, so a line it reads is read as the grammar would read
# it; any other line led by a digit or "[" falls back to the grammars (fallback_layout).
_FIELDS = ("wd", "date", "pre", "h", "mi", "s", "ap")
_DATE_TOKEN = re.compile(r"\d+|[^\W\d_]{3,}|.", re.DOTALL)  # fields, month names, anything else one by one


class Grammar:
    """The header regexes and chunk scans of one set of month names, with weekday names before the date or
    not. BASE (English month names, no weekday) reads nearly every export; WIDE (every language's month and
    weekday names, any case) is chosen per file (choose_grammar) only where the headers write month or
    weekday names: its longer alternations then cost nothing on the common files of numeric dates."""

    def __init__(self, months: Iterable[str], weekdays: Iterable[str] = (), wide: bool = False):
        names, days = _alternatives(months, " "), _alternatives(weekdays, " ") if weekdays else ""
        if wide:  # any case
            names, days = f"(?i:{names})", days and f"(?i:{days})"
        self.month_names, self.weekday_names = names, days
        self.header, self.header_time_first = _grammar(MARKS, SPACES, names, days, wide)
        # Fast path for the usual pure-ASCII header: the same grammar without marks, ~30% quicker. Where the
        # header is ASCII it matches exactly as self.header would; otherwise it fails and self.header runs.
        self.header_ascii, self.time_first_ascii = _grammar("", " ", names, days, wide)
        lead = rf"(?:{names})\.?[{SPACES}]\d"
        if days:
            lead += rf"|(?:{days})\.?,?[{SPACES}]"
        self.start = re.compile(lead)
        # \d as in the grammar: a line led by any other digit matches nothing
        self.leading = rf"(?=[\d\[{MARKS}]|{lead})"
        self.scan_ascii = re.compile(rf"\n(?:{self.header_ascii.pattern}{_REST}|{self.leading})")
        self.scan_full = re.compile(rf"\n(?:{self.header.pattern}{_REST}|{self.leading})")
        self.header_nl = re.compile(rf"\n{self.header.pattern}{_REST}")
        self.header_time_first_nl = re.compile(rf"\n{self.header_time_first.pattern}{_REST}")
        self.time_first_ascii_nl = re.compile(rf"\n{self.time_first_ascii.pattern}{_REST}")
        self.header_ascii_nl = re.compile(rf"\n{self.header_ascii.pattern}{_REST}")
        self.ascii_scans = (self.scan_ascii, self.time_first_ascii_nl)  # what reads ASCII headers fast

    def match(self, line: str) -> re.Match[str] | None:
        """The header match of a line, or None. Cheap tests first: most lines are not headers."""
        c = line[:1]
        if not (c in _LEAD or c.isdigit() or (c.isalpha() and self.start.match(line))):
            return None
        match = self.header_ascii.match(line)
        if match is None:
            if c == "[" or not line.isascii():
                match = self.header.match(line) or self.header_time_first.match(line)
            else:
                match = self.time_first_ascii.match(line)
        return match

    def fallback(self, chunk: str, at: int, ascii_first: bool) -> re.Match[str] | None:
        """The header after the "\n" at ``at`` that the scan's own grammar did not read, if any."""
        if not ascii_first:
            return self.header_time_first_nl.match(chunk, at)
        eol = chunk.find("\n", at + 1)
        line = chunk[at + 1 : eol if eol >= 0 else len(chunk)]
        if line[:1] != "[" and line.isascii():  # the full grammar reads ASCII as the ASCII one does
            return self.time_first_ascii_nl.match(chunk, at)
        return self.header_nl.match(chunk, at) or self.header_time_first_nl.match(chunk, at)

    def fallback_layout(self, chunk: str, at: int) -> re.Match[str] | None:
        """The header after the "\n" at ``at`` that the layout scan did not read, if any."""
        return self.header_ascii_nl.match(chunk, at) or self.fallback(chunk, at, ascii_first=True)

    def layout_scan(self, pattern: str) -> re.Pattern[str]:
        return re.compile(rf"\n(?:{pattern}{_REST}|{self.leading})")

    def layout(self, header: re.Match[str]) -> str:
        """The regex of one ASCII header's layout: its brackets, separators and clock, digits generalised."""
        text, at = header.string, header.start("ts")
        rest = header.start("raw") if header.group("raw") is not None else header.start("body")
        pieces = [re.escape(text[header.start() : at].lstrip("\n")), "(?P<ts>"]
        fields = [n for n in _FIELDS if n in header.re.groupindex and header.group(n) is not None]
        for name in sorted(fields, key=header.start):  # time first too
            value = self._generalise(name, header.group(name))
            pieces += [re.escape(text[at : header.start(name)]), f"(?P<{name}>{value})"]
            at = header.end(name)
        pieces += [re.escape(text[at : header.end("ts")]), ")", re.escape(text[header.end("ts") : rest])]
        pieces += [f"(?P<{name}>){{0}}" for name in ("pre", "s", "ap") if header.group(name) is None]  # never set
        return "".join(pieces)

    def _generalise(self, name: str, value: str) -> str:
        if name == "date":  # each field as wide as the grammar allows it: 1-2 digits, or a 4-digit year; any month
            return _DATE_TOKEN.sub(self._generalise_token, value)
        if name == "wd":
            return f"(?:{self.weekday_names})"
        if name == "pre":
            return f"(?:{_alternatives(_WORDS_BEFORE, ' ')})"
        if name == "ap":  # AM and PM alike, spelt as this header spells them; any time of day in words
            if value in _WORDS_AFTER:
                return f"(?:{_alternatives(_WORDS_AFTER, ' ')})"
            return "[AaPp]" + re.escape(value[1:])
        return r"\d{1,2}" if name == "h" else r"\d{2}"

    def _generalise_token(self, token: re.Match[str]) -> str:
        text = token[0]
        if text.isdigit():
            return r"\d{4}" if len(text) == 4 else r"\d{1,2}"
        return f"(?:{self.month_names})" if _month(text) is not None else re.escape(text)


BASE = Grammar(ENGLISH_MONTHS)
WIDE = Grammar(MONTH_NUMBERS, WEEKDAY_NUMBERS, wide=True)


def choose_grammar(lines: Iterable[str]) -> Grammar:
    """The grammar of a file from its first lines: BASE where its first header has a numeric date that BASE
    reads, else WIDE (month names in any language, weekdays). A file of English month names takes WIDE too:
    "18 mar. 2019" may be Spanish, and the file's "ene." lines then read as headers as well."""
    for line in lines:
        if WIDE.match(line) is not None:
            base = BASE.match(line)
            return BASE if base is not None and _MONTH_WORD.search(base["date"]) is None else WIDE
    return BASE


_DIGITS = re.compile(r"\d+")
_ERA_YEAR = re.compile(rf"([{JAPANESE_ERA_LETTERS}])(\d+)")
_NAME_TABLE = str.maketrans({c: None for c in MARKS} | {"\u00a0": " ", "\u202f": " "})
_STRIP = MARKS + SPACES + "\t"
_BLANK = frozenset(_STRIP + "\n\r")  # what a first or last character must not be for a body to need no strip
_INVALID = datetime.min  # "not a real timestamp": the line is treated as text
_OUTLIER = datetime.max  # a header whose two-digit year is corrupt: the message is reported, not placed
_BAD = datetime(1, 1, 1, 0, 0, 1)  # "a BadLine": the record is skipped with the line's reason
OUTLIER = "outlier date (a corrupt two-digit year, decades away from the messages before it)"
_UNSEEN = object()
_CACHE_LIMIT = 8192  # caches are cleared when full, so memory stays flat on any file
_MAX_SENDERS = 10_000
_SAMPLE_HEADERS = 200
DECISIVE_VOTES = 50  # a lead of this many date runs settles day/month order (stray lines give a vote or two)
_HEAD_LINES = 20

_PREVIEW = 200  # characters of a skipped too-long line kept in its record
NUL_LINE = "line with a NUL byte (binary data inside a text export)"


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that is not read, in place of a chunk (see _chunks): too long, or holding a NUL byte."""

    reason: str
    text: str  # the line, or its first _PREVIEW characters


def clean_name(raw: str) -> str:
    """A sender name without bidi/invisible marks (phone numbers are wrapped in them) and odd spaces."""
    return raw.strip() if raw.isascii() else raw.translate(_NAME_TABLE).strip()


# ---------------------------------------------------------------------------------------------------
# Dates and times


def _year(value: str) -> int:
    year = int(value)
    if year < 100:
        year += 2000
        if year > datetime.now().year + 1:  # a two-digit Buddhist year: 65 -> 2565 BE -> 2022
            year += 500 - 543
    elif year > 2400:  # Buddhist era (Thai locale): 2565 -> 2022
        year -= 543
    return year


def _outlier(year: int, last_year: int | None, date_text: str) -> bool:
    """A two-digit year read as Buddhist era ("22/02/39" -> 1996) far from the message before it: "39" in a
    2022 file is a corrupt year, not a Thai one (a Thai file's years all come through the same mapping)."""
    if last_year is None or abs(year - last_year) <= 1:
        return False
    short = _DIGITS.findall(date_text)[-1]
    return len(short) <= 2 and int(short) + 2000 > datetime.now().year + 1


_MONTH_WORD = re.compile(r"[^\W\d_]{3,}")
NO_YEAR = 0  # the year of a date written without one ("Mar 5"): inferred from the file (_Years)
# Day of the year of each month's day 0, in a leap year (a date without its year may be Feb 29).
_MONTH_START_DAY = (0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335)


def parse_date(text: str, day_first: bool, names: bool = True) -> tuple[int, int, int] | None:
    """(year, month, day) from a header date, or None when it is not a real date in either order. A date
    with a month name and no year ("Mar 5") has year NO_YEAR; without ``names`` (a file whose headers
    write numbers) a month name is no header date: "5 Mar 10:00 - dentist" in a message stays text."""
    word = _MONTH_WORD.search(text)
    if word is not None:
        return _named_date(text, word[0]) if names else None
    era = _ERA_YEAR.search(text)
    if era:  # "3/27/R4" -> "3/27/2022"
        text = text[: era.start()] + str(JAPANESE_ERAS[era[1]] + int(era[2]) - 1) + text[era.end() :]
    a, b, c = _DIGITS.findall(text)
    day_month = ((c, b, a), (c, a, b))
    # Year first is always y-m-d; otherwise try the file's order, then the other one (a stray line).
    orders = ((a, b, c),) if len(a) >= 3 else day_month if day_first else day_month[::-1]
    for y, m, d in orders:
        ymd = _year(y), int(m), int(d)
        try:
            datetime(*ymd)
        except ValueError:
            continue
        return ymd
    return None


def _named_date(text: str, word: str) -> tuple[int, int, int] | None:
    """(year or NO_YEAR, month, day) of "28 Aug 2013", "Aug 28, 2013", "18 Mar", "Mar 5"."""
    month = _month(word)
    if month is None:
        return None
    day, *year = _DIGITS.findall(text)
    ymd = (_year(year[0]) if year else NO_YEAR, month, int(day))
    try:
        datetime(ymd[0] or 2000, month, ymd[2])  # a leap year for a date without its year
    except ValueError:
        return None
    return ymd


def day_of_year(month: int, day: int) -> int:
    return _MONTH_START_DAY[month] + day


def _hour(hour: int, ampm: str) -> int:
    """The 24-hour hour of a 12-hour clock's hour and its AM/PM or time of day in words."""
    hours = _PERIODS.get(ampm)
    if hours is None:  # a word with an odd mix of spaces inside
        hours = _PERIODS.get(ampm.translate(_NAME_TABLE), _PERIOD_HOURS["am"])
    return hours[hour % 12]


# ---------------------------------------------------------------------------------------------------
# Pass 1: survey


@dataclass
class Survey:
    """What pass 1 learned about a file."""

    headers: int = 0
    ascii_headers: int = 0  # headers the ASCII fast path matched
    first_text_line: int | None = None  # first non-blank line, for error messages
    day_votes: int = 0  # dates whose first field is > 12
    month_votes: int = 0  # dates whose second field is > 12
    # The same votes per clock (True: 12-hour headers): a file joined from two phones' exports has two layouts.
    clock_votes: dict[bool, list[int]] = field(default_factory=lambda: {False: [0, 0], True: [0, 0]})
    default_day_first: bool = True
    senders: set[str] = field(default_factory=set)
    layouts: Counter[str] = field(default_factory=Counter)  # layout() of the sampled ASCII headers
    whole_file: bool = True  # False when the survey stopped early: senders may be missing
    named: bool = False  # the first header writes its month as a name ("Mar 5, 8:11 PM")
    # Dates without a year that open the file (see _Years): the year changes among them, the day of the
    # year of the last one, and (year, day of the year) of the first dated line after them.
    dated: bool = False  # a date with its year seen
    lead_wraps: int = 0
    lead_last: int | None = None
    lead_anchor: tuple[int, int] | None = None
    grammar: Grammar = BASE  # what read the headers (choose_grammar)

    @property
    def decided(self) -> bool:
        return abs(self.day_votes - self.month_votes) >= DECISIVE_VOTES

    @property
    def ascii_first(self) -> bool:
        """Whether to try the ASCII grammar first (else the full one only)."""
        return self.ascii_headers * 2 >= self.headers

    @property
    def layout(self) -> str | None:
        """The layout of most sampled headers, when most headers are ASCII."""
        return self.layouts.most_common(1)[0][0] if self.layouts and self.ascii_first else None

    @property
    def day_first(self) -> bool:
        if self.day_votes != self.month_votes:
            return self.day_votes > self.month_votes
        return self.default_day_first

    def day_first_for(self, twelve_hour: bool) -> bool:
        """The order of one clock's headers: its own votes where they decide, else the file's."""
        day, month = self.clock_votes[twelve_hour]
        return day > month if day != month else self.day_first

    @property
    def mixed_clocks(self) -> bool:
        """Whether the two clocks' headers vote for different orders (two exports joined)."""
        return self.day_first_for(False) != self.day_first_for(True)


def _twelve_hour(match: re.Match[str]) -> bool:
    return match.group("ap") is not None or match.group("pre") is not None


def _default_day_first(match: re.Match[str]) -> bool:
    """Order for files whose dates never show a field > 12. Most locales write the day first; the
    main month-first style is US English, which pairs "/" dates with a 12-hour clock. (iOS cs/fr/es
    files may also be M/D/Y, but those settle by votes as soon as the chat spans a 13th of a month.)"""
    return not ("/" in match.group("date") and _twelve_hour(match))


def _vote(survey: Survey, date: str, twelve_hour: bool, weekday: str | None = None) -> None:
    """Count a date for day or month first: a field over 12, or else the weekday before it, tells."""
    fields = _DIGITS.findall(date)
    if len(fields) < 3:  # a month name: no order to vote on
        if survey.named:
            _track_year(survey, parse_date(date, True))
        return
    if not survey.dated:
        _track_year(survey, parse_date(date, survey.day_first))
    a, b, _ = fields
    if len(a) >= 3:
        return  # year first: always y-m-d
    first, second = int(a), int(b)
    if first > 12 >= second or (weekday is not None and _weekday_order(date, weekday) is True):
        survey.day_votes += 1
        survey.clock_votes[twelve_hour][0] += 1
    elif second > 12 >= first or (weekday is not None and _weekday_order(date, weekday) is False):
        survey.month_votes += 1
        survey.clock_votes[twelve_hour][1] += 1


def _weekday_order(date: str, weekday: str) -> bool | None:
    """Whether the weekday makes a date of two small fields ("05/03/2019") day first (True), month first
    (False), or does not tell (both or neither order falls on that weekday)."""
    number = WEEKDAY_NUMBERS.get(weekday.lower())
    day_first, month_first = parse_date(date, True), parse_date(date, False)
    if number is None or day_first is None or month_first is None:
        return None
    on_day = datetime(*day_first).weekday() == number
    return on_day if on_day != (datetime(*month_first).weekday() == number) else None


def _track_year(survey: Survey, ymd: tuple[int, int, int] | None) -> None:
    """Follow the dates without a year that open a file, as _Years reads them, up to the first dated one."""
    if ymd is None or survey.dated:
        return
    day = day_of_year(ymd[1], ymd[2])
    if ymd[0]:
        survey.dated = True
        if survey.lead_last is not None:
            survey.lead_anchor = (ymd[0], day)
        return
    if survey.lead_last is not None and day < survey.lead_last - 1:
        survey.lead_wraps += 1
    survey.lead_last = day


def survey(chunks: Iterable[str | BadLine], stop_early: bool = True, grammar: Grammar = BASE) -> Survey:
    """Pass 1 over a file's chunks (see _chunks); with ``stop_early``, only until day/month order is decided."""
    result = Survey(grammar=grammar)
    weekdays = bool(grammar.weekday_names)  # only WIDE's headers have one (match["wd"])
    raw_names: set[str] = set()
    last_date = None
    ascii_first = True
    lines = 0  # lines before the current chunk, until the first text line is found
    for chunk in chunks:
        if type(chunk) is BadLine:  # as text; a header proves the format even if its line is too long
            if result.first_text_line is None:
                lines += 1
                result.first_text_line = lines
            result.headers += grammar.match(chunk.text) is not None
            continue
        if result.first_text_line is None:
            for number, line in enumerate(chunk[1:].split("\n"), lines + 1):
                if line.strip(_STRIP + "\r"):
                    result.first_text_line = number
                    break
            else:
                lines += chunk.count("\n")
                continue  # blank lines only: nothing to match
        pos = 0
        while pos >= 0:  # again from the line after a change of grammar
            matches, pos = (grammar.scan_ascii if ascii_first else grammar.scan_full).finditer(chunk, pos), -1
            for match in matches:
                date, raw = match.group("date", "raw")
                if date is None:
                    match = grammar.fallback(chunk, match.start(), ascii_first)
                    if match is None:
                        continue
                    date, raw = match.group("date", "raw")
                switch = result.headers == _SAMPLE_HEADERS  # enough to tell whether the ASCII path pays off
                if not result.headers:
                    result.default_day_first = _default_day_first(match)
                    result.named = _MONTH_WORD.search(date) is not None
                result.headers += 1
                if match.re in grammar.ascii_scans:
                    result.ascii_headers += 1
                    if result.headers <= _SAMPLE_HEADERS:
                        result.layouts[grammar.layout(match)] += 1
                if date != last_date:  # consecutive messages share a date: vote once per run
                    last_date = date
                    _vote(result, date, _twelve_hour(match), match["wd"] if weekdays else None)
                if raw and raw not in raw_names and len(raw_names) < _MAX_SENDERS:
                    raw_names.add(raw)
                    result.senders.add(clean_name(raw))
                if switch and ascii_first != result.ascii_first:  # from the next line on
                    ascii_first = result.ascii_first
                    if match.end() < len(chunk):
                        pos = match.end()
                    break
        if stop_early and result.decided:
            result.whole_file = False
            break
    return result


# ---------------------------------------------------------------------------------------------------
# Pass 2: messages


# Kind's members bound once: on Python 3.11 each `Kind.TEXT` is a slow lookup through the enum's metaclass.
_TEXT, _MEDIA, _SYSTEM, _DELETED = Kind.TEXT, Kind.MEDIA, Kind.SYSTEM, Kind.DELETED
# One lookup for the whole-body markers; deleted ones with and without their final period.
_EXACT: dict[str, Kind] = {body: _MEDIA for body in MEDIA_BODIES}
_EXACT |= {body + end: _DELETED for body in DELETED_BODIES for end in ("", ".")}


def classify(first: str, text: str) -> Kind:
    """Kind of an authored message from its first line (placeholders) and whole text (locations)."""
    key = first.strip(_STRIP) if first[:1] in _BLANK or first[-1:] in _BLANK else first
    kind = _EXACT.get(key)
    if kind is not None:
        return _TEXT if kind is _DELETED and first is not text else kind
    suffixes = _SUFFIXES.get(key[-_AFFIX:])
    if suffixes is not None and key.endswith(suffixes):
        return _MEDIA
    prefixes = _PREFIXES.get(key[:_AFFIX])
    if prefixes is not None and key.startswith(prefixes):
        return _SYSTEM
    if "<" in key and _ATTACHED.search(key):
        return _MEDIA
    if "maps.google.com" in text and _is_location(text):
        return _MEDIA
    if not key.isascii() and _UNPLAIN.search(key):  # RTL exports: marks inside bodies, Eastern digits
        plain = normalise(key)
        return classify(plain, plain if first is text else text)
    return _TEXT


def _is_location(text: str) -> bool:
    lines = text.split("\n")
    if not _LOCATION.fullmatch(lines[-1]):
        return False
    return len(lines) == 3 or (len(lines) == 1 and text[:1] == " ")


# Hundreds of wordings: each message tries only those sharing its first (prefixes) or last (suffixes)
# _AFFIX characters, one dict lookup instead of a scan of them all.
_AFFIX = 3


def _by_affix(wordings: tuple[str, ...], end: slice) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for wording in wordings:
        table[wording[end]] = (*table.get(wording[end], ()), wording)
    return table


_PREFIXES = _by_affix(SYSTEM_PREFIXES, slice(None, _AFFIX))
_SUFFIXES = _by_affix(MEDIA_SUFFIXES, slice(-_AFFIX, None))
assert min(map(len, SYSTEM_PREFIXES + MEDIA_SUFFIXES)) >= _AFFIX

# Invisible marks dropped, odd spaces made plain, Arabic-Indic and Persian digits read as ASCII.
_PLAIN = _NAME_TABLE | str.maketrans({chr(base + n): str(n) for base in (0x660, 0x6F0) for n in range(10)})
_UNPLAIN = re.compile(f"[{MARKS}\u00a0\u202f\u0660-\u0669\u06f0-\u06f9]")


def normalise(body: str) -> str:
    return body.translate(_PLAIN).strip()


def split_author(rest: str, is_sender: Callable[[str], bool]) -> tuple[str | None, str]:
    """(sender, body) from what follows the timestamp; sender None for system lines.

    "Name: body" is the normal form. "Name:body" (no space, e.g. chat-miner's "John Doe:.") is read as
    a message from Name only when Name wrote elsewhere in the file with the normal form, so a system
    line that happens to contain a colon is not split into a fake author."""
    colon = rest.find(": ")
    if colon > 0:
        return clean_name(rest[:colon]), rest[colon + 2 :]
    colon = rest.find(":")
    if colon > 0:
        name = clean_name(rest[:colon])
        if is_sender(name):
            return name, rest[colon + 1 :]
    return None, rest


def _bound(cache: dict) -> dict:
    """The cache, emptied first when full: files are chronological, so recent keys are what repeat."""
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    return cache


class _Clock(dict[str, int]):
    """Clock fields as numbers: "07" -> 7 by lookup (a third of int()'s cost), other digits by int()."""

    def __missing__(self, text: str) -> int:
        return int(text)


_CLOCK = _Clock({f"{n:02d}": n for n in range(60)} | {str(n): n for n in range(10)})
# line number, header (or the line not read), time, sender, first line
_Header = tuple[int, "re.Match[str] | BadLine", datetime, "str | None", str]


def _drop_cr(block: str) -> str:
    """Lines of a block without the "\r" of their "\r\n"."""
    return "\n".join(line[:-1] if line[-1:] == "\r" else line for line in block.split("\n"))


YEAR_AFTER = "year not in the date: the year after the dated line before"
YEAR_BEFORE = "year not in the date: from the dated line after it and the order of lines"
YEAR_EXPORTED = "year not in the date: from the file's modification time and the order of lines"
YEAR_TODAY = "year not in the date: from today's date and the order of lines"


class _Years:
    """The years of dates written without one ("Mar 5", "18 Mar"). An export leaves out only its own year,
    so the newest lines have none, and the last line is near the export date: going back from there (or
    from a dated line after them), a date that goes up means the year before; after a dated line, they are
    the year after it. Read forward, as the parse goes: a run of such dates starts in a year found from what
    surrounds it (the survey counted the year changes of the run that opens a file) and moves to the next
    year wherever the date goes back by more than a day (a message a little out of order is no new year)."""

    def __init__(self, facts: Survey, exported: Callable[[], datetime | None]):
        self.facts, self.exported = facts, exported
        self.run: int | None = None  # the year of the current run of dates without one
        self.day = 0  # the day of the year of its last date
        self.note = ""  # how the run's year was found, for the import report

    def year(self, month: int, day: int, last_year: int | None) -> int:
        """The year of a date without one, ``last_year`` being that of the timestamp before it."""
        today = day_of_year(month, day)
        if self.run is not None and last_year in (None, self.run):  # the run goes on
            self.run += today < self.day - 1
        elif last_year is not None:
            self.run, self.note = last_year + 1, YEAR_AFTER
        else:
            self.run = self._opening_year()
        self.day = today
        return self.run

    def _opening_year(self) -> int:
        """The year of the first date of the run that opens the file."""
        facts = self.facts
        last = facts.lead_last or 0  # the day of the year of the run's last date
        if facts.lead_anchor is not None:
            year, anchor = facts.lead_anchor
            end, self.note = (year - 1 if anchor < last - 1 else year), YEAR_BEFORE
        else:
            exported = self.exported()
            self.note = YEAR_EXPORTED if exported is not None else YEAR_TODAY
            exported = exported or datetime.now()
            end = exported.year - (last > day_of_year(exported.month, exported.day) + 1)
        return end - facts.lead_wraps


class _Parser:
    """Pass 2 over one file: header and continuation lines in, records out."""

    def __init__(
        self,
        name: str,
        chat: str,
        facts: Survey,
        whole_survey: Callable[[], Survey],
        exported: Callable[[], datetime | None] = lambda: None,
    ):
        self.name, self.chat, self.facts, self.whole_survey = name, chat, facts, whole_survey
        self.years = _Years(facts, exported)
        self.inferred: datetime | None = None  # the last timestamp whose year was inferred
        self.day_first, self.layout = facts.day_first, facts.layout
        self.mixed = facts.mixed_clocks
        self.last_year: int | None = None  # year of the last good timestamp, to catch corrupt two-digit years
        self.ascii_first = facts.ascii_first
        self.dates: dict[str, tuple[int, int, int] | None] = {}  # "20.06.19" -> (2019, 6, 20)
        self.names: dict[str, str] = {}  # raw name -> clean name

    def _timestamp(self, match: re.Match[str]) -> datetime:
        date_text, hour, minute, second, ampm, pre = match.group("date", "h", "mi", "s", "ap", "pre")
        if pre is not None:
            ampm = pre
        key = date_text if not self.mixed else f"{date_text}|{ampm is not None}"
        ymd = self.dates.get(key, _UNSEEN)
        if ymd is _UNSEEN:
            day_first = self.day_first if not self.mixed else self.facts.day_first_for(ampm is not None)
            ymd = _bound(self.dates)[key] = parse_date(date_text, day_first, self.facts.named)
        if ymd is None:
            return _INVALID
        h = _CLOCK[hour]
        if ampm is not None:  # 12-hour clock; "00:08 a. m." is 00:08, "12:10 p. m." is 12:10
            h = _hour(h, ampm)
        y, m, d = ymd
        if not y:  # no year written ("Mar 5"): from the lines around it
            y = self.years.year(m, d, self.last_year)
            try:
                self.inferred = datetime(y, m, d, h, _CLOCK[minute], _CLOCK[second] if second else 0)
            except ValueError:  # 25:00, or Feb 29 in a year that has none
                return _INVALID
            self.last_year = y
            return self.inferred
        if y != self.last_year and _outlier(y, self.last_year, date_text):
            return _OUTLIER
        try:
            stamp = datetime(y, m, d, h, _CLOCK[minute], _CLOCK[second] if second else 0)
        except ValueError:  # 25:00 and the like: not a header
            return _INVALID
        self.last_year = y
        return stamp

    def run(self, chunks: Iterable[str | BadLine]) -> Iterator[Message | Skipped | Note]:
        """Records from a file's chunks (see _chunks). A chunk's lines between two headers are one block:
        continuation lines of the pending message, or text before the first message. A BadLine ends the
        pending message and is the header of a skipped record that takes the lines up to the next header."""
        invalid, ascii_first, names = _INVALID, self.ascii_first, self.names
        finish, timestamp = self.finish, self._timestamp  # bound once: a million lookups saved
        grammar = self.facts.grammar
        if self.layout:
            scan, fallback = grammar.layout_scan(self.layout), grammar.fallback_layout
        else:
            scan = grammar.scan_ascii if ascii_first else grammar.scan_full
            fallback = lambda chunk, at: grammar.fallback(chunk, at, ascii_first)  # noqa: E731
        pending: _Header | None = None
        more: list[str] = []  # blocks of continuation lines of the pending message
        lineno = 0  # lines before the current block
        key, stamp, inferred = "", invalid, False
        named = self.facts.named  # only a file of month names has dates without a year
        for chunk in chunks:
            if type(chunk) is BadLine:
                if pending is not None:
                    yield finish(pending, more)
                    more = []
                lineno += 1
                pending = (lineno, chunk, _BAD, None, chunk.text)
                continue
            pos = 0  # the "\n" before the first line not yet read
            for match in scan.finditer(chunk):
                ts, raw, body = match.group("ts", "raw", "body")
                if ts is None:
                    match = fallback(chunk, match.start())
                    if match is None:
                        continue
                    ts, raw, body = match.group("ts", "raw", "body")
                if ts != key:  # bursts of messages share a timestamp text
                    key, stamp = ts, timestamp(match)
                    inferred = named and stamp is self.inferred
                if stamp is invalid:  # a date-like line that is no real header: part of a block
                    continue
                start, end = match.span()
                if start > pos:
                    block = chunk[pos + 1 : start]
                    if pending is None:
                        yield from self.before(block, lineno)
                    else:
                        more.append(_drop_cr(block) if "\r" in block else block)
                    lineno += chunk.count("\n", pos, start)
                if pending is not None:
                    yield finish(pending, more)
                    if more:
                        more = []
                lineno += 1
                pos = end
                if inferred:
                    yield Note(Source(self.name, lineno), self.years.note)
                if raw:  # "Name: body", the raw name cached
                    sender = names.get(raw)
                    if sender is None:
                        sender = _bound(names)[raw] = clean_name(raw)
                else:
                    sender, body = split_author(body if raw is None else ": " + body, self.is_sender)
                if body[:1] == "\u200e":  # the LRM iOS puts before media/system bodies
                    body = body[1:]
                pending = (lineno, match, stamp, sender, body)
            if pos < len(chunk):  # the chunk's last block
                block = chunk[pos + 1 :]
                if pending is None:
                    yield from self.before(block, lineno)
                else:
                    more.append(_drop_cr(block) if "\r" in block else block)
                lineno += chunk.count("\n", pos)
        if pending is not None:
            yield self.finish(pending, more)

    def is_sender(self, name: str) -> bool:
        """Whether ``name`` wrote a normal-form message anywhere in the file (surveying all of it if needed)."""
        if name not in self.facts.senders and not self.facts.whole_file:
            self.facts = self.whole_survey()
        return name in self.facts.senders

    def before(self, block: str, lineno: int) -> Iterator[Skipped]:
        """Skips for the non-blank lines of a block before the first message (after line ``lineno``)."""
        for number, line in enumerate(block.split("\n"), lineno + 1):
            if line[-1:] == "\r":
                line = line[:-1]
            if line.strip(_STRIP):
                yield Skipped(Source(self.name, number), "text before the first message", line)

    def finish(self, pending: _Header, more: list[str]) -> Message | Skipped:
        """The record for a complete message: header fields + first body line, and continuation lines."""
        lineno, header, stamp, sender, first = pending
        text = "\n".join([first, *more]) if more else first
        if stamp is _BAD:
            return Skipped(Source(self.name, lineno), header.reason, text)  # type: ignore[union-attr]
        if stamp is _OUTLIER:
            line = header.string[header.start() + 1 : header.end("body")]
            return Skipped(Source(self.name, lineno), OUTLIER, "\n".join([line, *more]))
        if (not text or text[0] in _BLANK) and not text.strip(_STRIP + "\n"):
            line = header.string[header.start() + 1 : header.end("body")]
            return Skipped(Source(self.name, lineno), "empty message", line)
        if sender is None:
            kind = _SYSTEM
        else:
            kind = classify(first, text)
            if kind is _SYSTEM:
                sender = None  # a notice WhatsApp wrote under the contact's or group's name
        return Message(PLATFORM, self.chat, sender, stamp, text, kind, self.name, lineno)


# ---------------------------------------------------------------------------------------------------
# File handling


def chat_name(file: ExportFile) -> str:
    """The conversation's name from the export's file name (the export has no title line)."""
    path = PurePosixPath(file.member) if file.member else PurePosixPath(file.path.as_posix())
    stem = path.stem
    if path.name == "_chat.txt":  # iOS: the name is on the zip ("WhatsApp Chat - Ana.zip") or folder
        stem = file.path.stem if file.member else (path.parent.name or stem)
    stem = stem.replace("\u00a0", " ").replace("\u202f", " ")
    lowered = stem.lower()
    for prefix in CHAT_FILE_PREFIXES:
        at = lowered.find(prefix.lower())
        if at >= 0 and stem[at + len(prefix) :].strip():
            return stem[at + len(prefix) :].strip()
    return stem


_CHUNK = 1 << 15  # bytes per read: enough lines to amortise a chunk's cost, little memory


def _chunks(stream: BinaryIO, encoding: str, limit: int) -> Iterator[str | BadLine]:
    """The text in chunks of whole lines, each chunk starting with the "\n" before its first line (the
    file's first line gets one), so that a regex finds every line start at a "\n". A line longer than
    ``limit`` characters, or holding a NUL, comes as one BadLine instead, between the chunks around it.

    Only "\n" ends a line (a stray "\r" inside a body stays; "\r\n" is trimmed per line later). Bad bytes
    become U+FFFD so one broken character does not cost the whole file, and a leading BOM is dropped: line
    for line what decoding the whole file gives. Linear in the file's size: each read is searched once, and
    the pieces of a line that spans reads are joined once, when it ends."""
    decode = decoder(encoding)
    size = min(_CHUNK, max(limit // 2, 1))  # a line inside one read is then never too long
    line = ["\n"]  # the line being read, in pieces, from the "\n" before it
    length = 0  # its characters so far
    skipping = False  # inside a too-long line, already reported
    while True:
        data = stream.read(size)
        text = decode(data, not data)
        end = text.find("\n")
        if end < 0:  # the line goes on
            if not skipping:
                line.append(text)
                length += len(text)
                if length > limit:
                    yield BadLine(limits.line_too_long(limit), "".join(line)[1 : _PREVIEW + 1])
                    line, skipping = [], True
        else:
            cut = text.rfind("\n")
            if skipping or length + end > limit:
                if not skipping:
                    yield BadLine(limits.line_too_long(limit), ("".join(line) + text[:end])[1 : _PREVIEW + 1])
                chunk, skipping = text[end:cut], False
            else:
                chunk = "".join([*line, text[:cut]])
            if "\x00" in chunk:
                yield from _without_nul(chunk)
            elif chunk:
                yield chunk
            line, length = [text[cut:]], len(text) - cut - 1
        if not data:
            break
    if not skipping and len(rest := "".join(line)) > 1:  # a last line without "\n"
        yield from _without_nul(rest)


def _without_nul(chunk: str) -> Iterator[str | BadLine]:
    """The chunk, with each line holding a NUL (binary junk in a text file) taken out as a BadLine."""
    good: list[str] = []
    for line in chunk[1:].split("\n"):
        if "\x00" not in line:
            good.append(line)
            continue
        if good:
            yield "\n" + "\n".join(good)
            good = []
        yield BadLine(NUL_LINE, line.removesuffix("\r"))
    if good:
        yield "\n" + "\n".join(good)


def _open(file: ExportFile) -> BinaryIO:
    try:
        return file.open()
    except READ_ERRORS as exc:
        raise ImportFileError(file.name, None, f"cannot read the file ({exc})") from None


def _head_lines(head: bytes, encoding: str, cut: bool) -> list[str]:
    """The first non-blank lines of a file's head (``cut``: the head may end mid-line; that line is left
    out, unless it is the only one: a first line longer than the head still has its header)."""
    lines = codecs.decode(head, encoding, "replace").split("\n")
    if cut and len(lines) > 1:
        lines.pop()
    return [line.rstrip("\r") for line in lines if line.strip() and "\x00" not in line][:_HEAD_LINES]


def _check_text(file: ExportFile) -> tuple[str, bytes]:
    """The file's encoding and first bytes; binary files are rejected up front, with the line of the first
    NUL byte."""
    try:
        sample = file.head(SAMPLE_BYTES)
    except READ_ERRORS as exc:
        raise ImportFileError(file.name, None, f"cannot read the file ({exc})") from None
    if not sample:
        raise ImportFileError(file.name, None, "empty file")
    encoding = detect_encoding(sample)
    if encoding is None:
        line = sample.count(b"\n", 0, sample.find(b"\x00")) + 1
        raise ImportFileError(file.name, line, "binary data, not a WhatsApp text export")
    return encoding, sample


def _modified(file: ExportFile) -> datetime | None:
    """When the export was written, as far as the file tells: its modification time (a zip member's own)."""
    try:
        if file.member is None:
            return datetime.fromtimestamp(file.path.stat().st_mtime)
        with zipfile.ZipFile(file.path) as archive:
            return datetime(*archive.getinfo(file.member).date_time)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None


class WhatsAppImporter:
    name = PLATFORM

    def sniff(self, file: ExportFile) -> bool:
        head = safe_head(file)
        plain = b"\x00" not in head and is_utf8(head)
        encoding = "utf-8" if plain else self.encoding(file)  # else look closer: another encoding, or binary
        if encoding is None:
            return False
        return any(WIDE.match(line) for line in _head_lines(head, encoding, cut=len(head) >= 8192))

    def encoding(self, file: ExportFile) -> str | None:
        try:
            return text_encoding(file)
        except READ_ERRORS:
            return None

    def parse(self, file: ExportFile) -> Iterator[Message | Skipped | Note]:
        (encoding, head), limit = _check_text(file), limits.current().line_chars
        grammar = choose_grammar(_head_lines(head, encoding, cut=len(head) >= SAMPLE_BYTES))

        def survey_file(stop_early: bool = False) -> Survey:
            with _open(file) as stream:
                return survey(_chunks(stream, encoding, limit), stop_early, grammar)

        facts = survey_file(stop_early=True)
        if not facts.headers and grammar is BASE:  # no header in the head to choose by: the other grammar
            grammar = WIDE
            facts = survey_file(stop_early=True)
        if facts.first_text_line is None:
            raise ImportFileError(file.name, None, "empty file")
        if not facts.headers:
            raise ImportFileError(
                file.name,
                facts.first_text_line,
                "no WhatsApp message header found (expected lines like "
                "'[31/12/21, 23:59:59] Name: text' or '31/12/21, 23:59 - Name: text')",
            )
        parser = _Parser(file.name, chat_name(file), facts, survey_file, lambda: _modified(file))
        with _open(file) as stream:
            yield from parser.run(_chunks(stream, encoding, limit))


register(WhatsAppImporter())
