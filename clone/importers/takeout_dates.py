"""Google Takeout's written-out dates ("Monday, January 2, 2023 at 3:04:05 PM UTC"), in the account's language.

Google Chat's messages.json spells each time as CLDR's full date plus long time in the language of the Google
account, always in UTC: "Thursday, March 14, 2024 at 10:30:15\u202fPM UTC" (newer exports put a narrow no-break
space before AM/PM), "... at 17:13:43 UTC" (24-hour English), "2015. február 15., vasárnap 21:54:36 UTC"
(Hungarian), "2023年1月2日月曜日 15:04:05 UTC". Rather than one pattern per language, the parts are found
wherever the language puts them: a four-digit year, a month (a name from the table below, or the number
before 月/월), the day (the one other number), the clock with an optional AM/PM word, and the zone.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

# Month names as they stand in a full date (the genitive where a language inflects: "15 января"), lowercase.
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"),
    "de": ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "hu": ("január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember",
           "október", "november", "december"),
    "pl": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
           "października", "listopada", "grudnia"),
    "cs": ("ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září", "října",
           "listopadu", "prosince"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"),
    "uk": ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня",
           "листопада", "грудня"),
    "tr": ("ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül", "ekim", "kasım",
           "aralık"),
    "id": ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
           "november", "desember"),
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"),
}  # fmt: skip
MONTH_NUMBER = {name: number for names in MONTHS.values() for number, name in enumerate(names, 1)}
# Words for the half of the day, before or after the clock: "PM", "p. m.", Korean 오후, Japanese 午後, Chinese 下午.
_AFTERNOON = re.compile(r"(?<![^\W\d_])(?:p\.?\s?m\.?|오후|午後|下午)(?![^\W\d_])", re.IGNORECASE)
_MORNING = re.compile(r"(?<![^\W\d_])(?:a\.?\s?m\.?|오전|午前|上午)(?![^\W\d_])", re.IGNORECASE)
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?!\d)|(\d{1,2})시\s*(\d{1,2})분(?:\s*(\d{1,2})초)?")
_ZONE = re.compile(r"\b(?:UTC|GMT)(?:\s*([+-])(\d{1,2})(?::?(\d{2}))?)?\s*$")
_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_NUMBER = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
_WORD = re.compile(r"[^\W\d_]+")
_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " ", "\u2009": " "})


def parse_takeout_date(text: str) -> datetime | None:
    """The naive UTC time a Takeout date string names, or None when it names none."""
    text = text.translate(_SPACES).strip()
    zone = _ZONE.search(text)
    if zone is None:
        return None
    offset = _offset(zone)
    text = text[: zone.start()]
    clocks = list(_CLOCK.finditer(text))
    if not clocks:
        return None
    clock = clocks[-1]  # the time comes after the date, or the date holds no "12:30"-like part anyway
    date_part = text[: clock.start()] + " " + text[clock.end() :]
    day = _date(date_part)
    time = _time(clock, text)
    if day is None or time is None:
        return None
    try:
        return datetime(*day, *time) - offset
    except (ValueError, OverflowError):
        return None


def _offset(zone: re.Match[str]) -> timedelta:
    if zone[1] is None:
        return timedelta()
    minutes = int(zone[2]) * 60 + int(zone[3] or 0)
    return timedelta(minutes=minutes if zone[1] == "+" else -minutes)


def _date(text: str) -> tuple[int, int, int] | None:
    cjk = _CJK_DATE.search(text)
    if cjk:
        return int(cjk[1]), int(cjk[2]), int(cjk[3])
    years = _YEAR.findall(text)
    months = {MONTH_NUMBER[w] for w in _WORD.findall(text.casefold()) if w in MONTH_NUMBER}
    rest = _YEAR.sub(" ", text)
    days = _NUMBER.findall(rest)
    if len(years) != 1 or len(months) != 1 or len(days) != 1:
        return None
    return int(years[0]), months.pop(), int(days[0])


def _time(clock: re.Match[str], text: str) -> tuple[int, int, int] | None:
    hour, minute, second = (clock[1], clock[2], clock[3]) if clock[1] else (clock[4], clock[5], clock[6])
    h = int(hour)
    afternoon, morning = _AFTERNOON.search(text), _MORNING.search(text)
    if afternoon or morning:
        if not 1 <= h <= 12 or (afternoon and morning):
            return None
        h = h % 12 + (12 if afternoon else 0)
    return h, int(minute), int(second or 0)
