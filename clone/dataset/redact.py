"""Find and replace other people's private data in chat text before anything is trained.

Kinds, in precedence order (an earlier kind wins where two would overlap; each detector sees the text with the
spans already found masked out, so spans never overlap and a phone number inside a URL stays part of the URL):

* ``URL``: ``http(s)://`` and ``ftp://`` links, ``www.`` hosts, and bare domains followed by a path
  (``example.com/abc``; a bare ``example.com`` says nothing private and is left alone).
* ``EMAIL``: ``local@domain.tld``; the local part may hold Latin-accented or Cyrillic letters.
* ``IBAN``: country code + check digits + BBAN of that country's exact length, with or without single spaces,
  any case; only kept when the ISO 13616 mod-97 check passes.
* ``CARD``: 13-19 digits starting 2-6 (the card networks' ranges), unseparated or grouped like a printed card
  (4-4-4-4..., Amex 4-6-5, Diners 4-6-4) with spaces or dashes; only kept when the Luhn check passes.
* ``PHONE``: see ``_phone_ok``: international (``+CC``/``00CC``) numbers, national numbers with a trunk prefix
  (``0``, Russian ``8``) or a parenthesised area code, and a few unambiguous national shapes; anything else only
  next to a cue word ("call", "tel", "número", "電話", ...). Dates are masked first; numbers followed by a
  currency or unit, or preceded by "order"/"invoice"/"ref"/... are not phones.
* ``ADDRESS``: house number + street in en/de/fr/es/pt (``221B Baker Street``, ``Hauptstraße 5``,
  ``12 rue de la Paix``, ``Calle Mayor 10``, ``Rua Augusta, 100``), only with a capitalised street name:
  precision over recall.
* ``NAME``: other people's names given by the caller, whole-word and case-insensitive; a full name also
  matches its first name alone ("Sam Okafor" -> "Sam Okafor", "Sam"), both under the full name's placeholder.

Placeholders are ``<KIND_n>``, numbered per kind in order of first appearance, except URLs, which keep their
host: ``https://www.example.com/private/123?token=x`` -> ``<URL_1:example.com>`` (host lowercased, without
``www.``, port or credentials). A ``Redactor`` keeps the entity -> placeholder map, so one entity gets the
same placeholder across a whole dataset. Only the detected spans change; every other character (whitespace,
emoji, bidi marks, case) is kept as it was. Digits are ASCII only (full-width or Devanagari digits are not read).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

KINDS = ("URL", "EMAIL", "IBAN", "CARD", "PHONE", "ADDRESS", "NAME")  # precedence order
_NEEDS_DIGIT = frozenset({"IBAN", "CARD", "PHONE", "ADDRESS"})
_MASK = "\x00"  # stands in for found spans: no detector matches it, and it is not a word character


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str


# ---------------------------------------------------------------------------------------------------
# URL

# Characters a URL may hold in chat: not whitespace, quotes, CJK/full-width text, emoji or bidi marks, which
# in real messages follow a link without a space.
_URL_CHAR = (
    r"[^\s<>\"'`{}|\\^«»“”„‘’\x00\u3000-\u30ff\u3400-\u9fff\uff00-\uffef"
    r"\u2600-\u27bf\u200b-\u200f\u202a-\u202e\u2066-\u2069\U0001f000-\U0001ffff]"
)
_LABEL = r"[a-z0-9\u00c0-\u024f](?:[a-z0-9\u00c0-\u024f-]{0,61}[a-z0-9\u00c0-\u024f])?"
# Bare domains need a known TLD, or "Mr.Smith/Jones" and "config.yaml/json" would be links.
_BARE_TLDS = (
    "com|org|net|edu|gov|int|info|biz|io|co|me|ly|gl|gd|be|app|dev|ai|tv|fm|to|gg|xyz|site|online|shop|link|"
    "page|blog|news|cloud|example|test|uk|de|fr|es|pt|br|ru|in|jp|it|nl|ch|at|eu|ca|au|mx|ar|cl|pl|se|no|dk|"
    "fi|ie|cz|gr|tr|ua|kr|cn|tw|hk|sg|nz|za|us"
)
_URL_RE = re.compile(
    rf"""
    (?<![A-Za-z0-9@._-])
    (?:
        (?:https?|ftp)://{_URL_CHAR}+
      | www\.(?:{_LABEL}\.)+[a-z]{{2,24}}(?::[0-9]{{1,5}})?(?:[/?#]{_URL_CHAR}*)?
      | (?:{_LABEL}\.)+(?:{_BARE_TLDS})(?::[0-9]{{1,5}})?/{_URL_CHAR}*
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_URL_HINT = re.compile(r"/|www\.", re.IGNORECASE)
_TRAILING = ".,;:!?…*_~"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _trim_url(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets that the greedy match took in."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _PAIRS and url.count(last) > url.count(_PAIRS[last])):
            url = url[:-1]
        else:
            break
    return url


def _find_urls(text: str) -> list[tuple[int, int]]:
    if not _URL_HINT.search(text):
        return []
    found = []
    for m in _URL_RE.finditer(text):
        url = _trim_url(m.group())
        if "." in url or "://" in url:
            found.append((m.start(), m.start() + len(url)))
    return found


def url_host(url: str) -> str:
    """The host a URL placeholder keeps: lowercased, without scheme, credentials, port and ``www.``."""
    rest = url.split("://", 1)[-1]
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    host = host.split(":", 1)[0].lower()
    return host.removeprefix("www.")


# ---------------------------------------------------------------------------------------------------
# Email

_LOCAL = r"[A-Za-z0-9._%+'\-\u00c0-\u024f\u0400-\u04ff]"
_DOMAIN_LABEL = r"[A-Za-z0-9\u00c0-\u024f](?:[A-Za-z0-9\u00c0-\u024f-]*[A-Za-z0-9\u00c0-\u024f])?"
_EMAIL_RE = re.compile(rf"(?<!{_LOCAL}){_LOCAL}+@(?:{_DOMAIN_LABEL}\.)+[A-Za-z]{{2,24}}(?![A-Za-z0-9-])")


def _find_emails(text: str) -> list[tuple[int, int]]:
    if "@" not in text:
        return []
    found = []
    for m in _EMAIL_RE.finditer(text):
        start = m.start()
        while text[start] in ".'-+%_":  # "wait...a@example.com" starts at "a"
            start += 1
        if text[start] != "@":
            found.append((start, m.end()))
    return found


# ---------------------------------------------------------------------------------------------------
# IBAN

# Total IBAN length per country (SWIFT IBAN registry).
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?=[ \u00a0]?[A-Za-z0-9])")
_SPACES = " \u00a0"


def iban_valid(iban: str) -> bool:
    """ISO 13616: known country, right length, and the number read from BBAN + country + check is 1 mod 97."""
    s = "".join(iban.split()).upper()
    if len(s) != _IBAN_LENGTHS.get(s[:2], -1) or not s.isalnum() or not s.isascii():
        return False
    return int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1


def _iban_end(text: str, start: int) -> int | None:
    """End of the IBAN starting at ``start``: its country's length in letters/digits, single spaces allowed
    between them; ``None`` when the text there is shorter or runs on."""
    want = _IBAN_LENGTHS.get(text[start : start + 2].upper())
    if want is None:
        return None
    got, i = 0, start
    while i < len(text) and got < want:
        c = text[i]
        if c.isascii() and c.isalnum():
            got += 1
        elif not (c in _SPACES and got and i + 1 < len(text) and text[i + 1].isalnum()):
            return None
        i += 1
    if got < want or (i < len(text) and text[i].isascii() and text[i].isalnum()):
        return None
    return i


def _find_ibans(text: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for m in _IBAN_START.finditer(text):
        if found and m.start() < found[-1][1]:
            continue
        end = _iban_end(text, m.start())
        if end is not None and iban_valid(text[m.start() : end]):
            found.append((m.start(), end))
    return found


# ---------------------------------------------------------------------------------------------------
# Card

_CARD_RE = re.compile(r"(?<![A-Za-z0-9+])(?<![0-9][.,])[2-6][0-9]{3}(?:[ \u00a0-]?[0-9]){9,15}(?![0-9])")
_DIGITS = re.compile(r"[0-9]+")


def luhn_valid(number: str) -> bool:
    """The Luhn checksum every payment card number carries in its last digit."""
    digits = [int(c) for c in number if c.isdigit()]
    total = sum(digits[-1::-2]) + sum(d * 2 - 9 if d > 4 else d * 2 for d in digits[-2::-2])
    return bool(digits) and total % 10 == 0


def _card_grouping(groups: list[str]) -> bool:
    """Printed card layouts: one block, 4-4-4-(1..4)+, Amex 4-6-5, Diners 4-6-4."""
    lens = [len(g) for g in groups]
    if len(lens) == 1 or lens in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(n == 4 for n in lens[:-1]) and 1 <= lens[-1] <= 4


def _find_cards(text: str) -> list[tuple[int, int]]:
    found = []
    for m in _CARD_RE.finditer(text):
        groups = [(g.start(), g.end()) for g in _DIGITS.finditer(m.group())]
        while groups:  # "4111 1111 1111 1111 22": retry without trailing groups
            s, e = m.start(), m.start() + groups[-1][1]
            digits = [m.group()[a:b] for a, b in groups]
            if 13 <= sum(map(len, digits)) <= 19 and _card_grouping(digits) and luhn_valid(text[s:e]):
                found.append((s, e))
                break
            groups.pop()
    return found


# ---------------------------------------------------------------------------------------------------
# Phone

_SEP = r"(?:[ \u00a0\u202f]?[\-./\u2010\u2011][ \u00a0\u202f]?|[ \u00a0\u202f])"
_TOKEN = r"\(?[0-9]+\)?[0-9]*"
_PHONE_RE = re.compile(rf"(?<![A-Za-z0-9+])(?<![0-9][.,/-])\+?{_TOKEN}(?:{_SEP}{_TOKEN})*(?![A-Za-z0-9])")
# Dates read as digit runs would pass the trunk-prefix rule ("03.12.2025 10"), so they are masked first.
_DATE_RE = re.compile(
    r"(?<![0-9])(?<![0-9][./-])"
    r"(?:[0-9]{1,2}[./-][0-9]{1,2}[./-](?:[0-9]{4}|[0-9]{2})|[0-9]{4}[./-][0-9]{1,2}[./-][0-9]{1,2})"
    r"(?![0-9]|[./-][0-9])"
)
_AMOUNT_AFTER = re.compile(
    r"[ \u00a0\u202f]?(?:[%‰€$£¥₹₽]|(?:eur|euros?|usd|dollars?|reais|rupees?|inr|rs|km|kg|mb|gb|tb|ms|px|cm|mm)\b)",
    re.IGNORECASE,
)
_AMOUNT_BEFORE = "$€£¥₹₽#№"
_CUE = re.compile(
    r"phone|\btel\b|call|\bring\b|text|sms|whats\s?app|\bwa\b|mobile|cell|contact|number|\bno\b|"
    r"fon|handy|nummer|ruf|appel|portable|numéro|\btél|fixe|llam|móvil|movil|número|fijo|celular|"
    r"telemóvel|\bliga|\bzap|телефон|номер|звон|फ़ोन|फोन|नंबर|नम्बर|電話|番号|携帯",
    re.IGNORECASE,
)
_NOT_PHONE_CUE = re.compile(
    r"\b(?:order|invoice|ref|reference|tracking|track|parcel|ticket|booking|pnr|id|account|acct|konto|"
    r"bestell\w*|rechnung\w*|sendung\w*|commande|facture|pedido|factura|encomenda|заказ\w*|счёт)\b",
    re.IGNORECASE,
)
_PHONE_HINT_CHARS = "+(-./ \u00a0\u202f"


def _trim_parens(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop an unmatched closing paren, and parens around the whole number ("(030 1234567)")."""
    run = text[s:e]
    if run.endswith(")") and run.count(")") > run.count("("):
        e -= 1
    run = text[s:e]
    if run.startswith("(") and run.endswith(")") and run.count("(") == 1 and run.count(")") == 1:
        if not run[1:-1].isdigit():
            s, e = s + 1, e - 1
    elif run.startswith("(") and run.count("(") > run.count(")"):
        s += 1
    return s, e


def _shape_ok(run: str, digits: str, lens: list[int]) -> bool:
    """National shapes unambiguous enough to need no cue word."""
    first = digits[0]
    if "(" in run:  # (555) 123-4567, (11) 91234-5678, 8 (912) 345-67-89
        return 10 <= len(digits) <= 12
    if first == "0":  # trunk prefix: UK, DE, FR, IN, JP, NL, ...
        if len(lens) == 1:
            return 10 <= len(digits) <= 11
        return 9 <= len(digits) <= 12 and min(lens) >= 2 and len(lens) <= 5
    if first == "8" and len(digits) == 11 and len(lens) > 1:  # Russian trunk 8
        return digits[1] in "3489"
    if "/" in run:
        return False
    if lens == [3, 3, 4] or (lens == [1, 3, 3, 4] and first == "1"):  # NANP, Italian mobiles
        return first != "0"
    if lens == [5, 5]:  # Indian mobiles 98765 43210
        return first in "6789"
    if lens == [3, 3, 3] and "." not in run or lens == [3, 2, 2, 2]:  # Spanish / Portuguese
        return first in "6789" or (first == "2" and lens == [3, 3, 3])
    return lens == [2, 5, 4] and digits[2] == "9"  # Brazilian mobiles 11 91234-5678


def _phone_ok(text: str, s: int, e: int) -> bool:
    run = text[s:e]
    groups = _DIGITS.findall(run)
    digits = "".join(groups)
    lens = [len(g) for g in groups]
    if not 7 <= len(digits) <= 15 or _AMOUNT_AFTER.match(text, e) or (s and text[s - 1] in _AMOUNT_BEFORE):
        return False
    if run[0] == "+" or digits.startswith("00"):  # international: country code and 7-13 more digits
        national = digits[2:] if run[0] != "+" else digits
        decimal = run.count(".") == 1 and len(groups) == 2
        return 8 <= len(national) <= 15 and national[0] != "0" and not decimal
    if _NOT_PHONE_CUE.search(text, max(0, s - 25), s):
        return False
    if len(digits) >= 9 and _shape_ok(run, digits, lens):
        return True
    if len(digits) == 7 and lens == [3, 4] and "-" not in run:
        return False
    return bool(_CUE.search(text, max(0, s - 40), s))


def _find_phones(text: str) -> list[tuple[int, int]]:
    if not any(c in text for c in _PHONE_HINT_CHARS) and len(text) < 7:
        return []
    masked = _DATE_RE.sub(lambda m: _MASK * len(m.group()), text) if "." in text or "/" in text or "-" in text else text
    found = []
    for m in _PHONE_RE.finditer(masked):
        s, e = _trim_parens(text, m.start(), m.end())
        if s < e and _phone_ok(text, s, e):
            found.append((s, e))
    return found


# ---------------------------------------------------------------------------------------------------
# Address

_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LOW = "a-zß-öø-ÿā-ž"
_CAP = rf"[{_UP}][{_LOW}'’]*\.?"  # a capitalised word: "Baker", "St.", "O'Connell"
_HOUSE = r"[0-9]{1,5}[A-Za-z]?"
_EN_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|Close|"
    r"Crescent|Square|Sq|Gardens|Row|Parkway|Pkwy|Highway|Hwy|Mews|Grove"
)
_DE_TYPES = r"straße|strasse|str\.|weg|allee|platz|gasse|damm|ufer|chaussee|ring"
_FR_TYPES = r"rue|avenue|av\.|boulevard|bd|place|impasse|allée|chemin|quai|cours|route|square|passage"
_IB_TYPES = (  # Spanish and Portuguese: street type first, number last
    r"calle|c/|avenida|avda\.|av\.|plaza|paseo|camino|carrer|ronda|travesía|glorieta|"
    r"rua|r\.|praça|travessa|largo|alameda|estrada"
)
_LINK = r"(?:de\s+la|de\s+los|de\s+las|de\s+l['’]|del|des|de|du|da|do|das|dos|d['’]|la|le|les|y|e)"
_NAME_WORDS = rf"[{_UP}][{_LOW}'’-]*(?:[{_UP}][{_LOW}'’-]*)*(?:\s+(?:{_LINK}\s*)?[{_UP}][{_LOW}'’-]*)*"
_ADDRESS_RE = re.compile(
    rf"""
    (?<![\w])(?:
        {_HOUSE},?\s(?:{_CAP}\s|[0-9]{{1,3}}(?:st|nd|rd|th)\s){{1,3}}(?:{_EN_TYPES})\b
      | (?:(?!(?:Der|Die|Das|Den|Dem|Ein|Eine|Auf|Am|Im|In)\s)[{_UP}][{_LOW}]+(?:-|\s))?
        (?:[{_UP}][{_LOW}]*-)*[{_UP}][{_LOW}]+(?i:{_DE_TYPES})\s?[0-9]{{1,4}}[a-zA-Z]?
      | (?:[{_UP}][{_LOW}]+(?:er|e|es|en)\s)(?-i:Straße|Strasse|Str\.|Allee|Platz)\s?[0-9]{{1,4}}[a-zA-Z]?
      | [0-9]{{1,4}}(?:\s?(?:bis|ter))?,?\s(?i:{_FR_TYPES})\s(?:{_LINK}\s*)?{_NAME_WORDS}
      | (?i:{_IB_TYPES})\s?(?:{_LINK}\s)?{_NAME_WORDS},?\s(?:n[º°o]\.?\s?)?[0-9]{{1,5}}
    )(?![\w])
    """,
    re.VERBOSE,
)
# "Heimweg 5 Minuten", "Avenida Paulista 2 horas": the number counts something, it is no house number.
_UNIT_AFTER = re.compile(
    r"\s?(?:min\w*|std|stunden?|uhr|h|km|m|meter|tage?n?|days?|hours?|horas?|minutos?|dias?|días|jours?|"
    r"heures?|euros?|€|%|mal|leute|personen|people|x|kg)\b",
    re.IGNORECASE,
)


def _find_addresses(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _ADDRESS_RE.finditer(text) if not _UNIT_AFTER.match(text, m.end())]


# ---------------------------------------------------------------------------------------------------
# Names


@dataclass(frozen=True)
class _Names:
    pattern: re.Pattern[str] | None
    owner: dict[str, str]  # casefolded variant ("sam", "sam okafor") -> the full name it stands for

    def find(self, text: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in self.pattern.finditer(text)] if self.pattern else []

    def key(self, found: str) -> str:
        return self.owner.get(" ".join(found.casefold().split()), found.casefold())


@lru_cache(maxsize=64)
def _names(names: tuple[str, ...]) -> _Names:
    """One alternation over every full name and first name, longest first so "Sam Okafor" beats "Sam"."""
    owner: dict[str, str] = {}
    for full in names:
        words = full.split()
        if not words:
            continue
        canonical = " ".join(words).casefold()
        owner.setdefault(canonical, canonical)
        if len(words) > 1 and len(words[0]) > 1:
            owner.setdefault(words[0].casefold(), canonical)  # a shared first name goes to the first given
    if not owner:
        return _Names(None, {})
    variants = sorted(owner, key=len, reverse=True)
    alternation = "|".join(r"\s+".join(map(re.escape, v.split())) for v in variants)
    return _Names(re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE), owner)


# ---------------------------------------------------------------------------------------------------
# All kinds

_DETECTORS: dict[str, Callable[[str], list[tuple[int, int]]]] = {
    "URL": _find_urls,
    "EMAIL": _find_emails,
    "IBAN": _find_ibans,
    "CARD": _find_cards,
    "PHONE": _find_phones,
    "ADDRESS": _find_addresses,
}
_ANY_DIGIT = re.compile(r"[0-9]")


def _mask(text: str, found: list[tuple[int, int]]) -> str:
    parts, pos = [], 0
    for s, e in found:
        parts += [text[pos:s], _MASK * (e - s)]
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def _spans(text: str, kinds: frozenset[str], names: _Names) -> list[Span]:
    spans: list[Span] = []
    work = text
    has_digit = _ANY_DIGIT.search(text) is not None
    for kind in KINDS:
        if kind not in kinds or (kind in _NEEDS_DIGIT and not has_digit):
            continue
        found = names.find(work) if kind == "NAME" else _DETECTORS[kind](work)
        if found:
            spans += [Span(s, e, kind) for s, e in found]
            work = _mask(work, found)
    spans.sort(key=lambda sp: sp.start)
    return spans


def _check_kinds(kinds: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(kinds)
    if unknown := chosen - set(KINDS):
        raise ValueError(f"unknown redaction kinds {sorted(unknown)}; choose from {', '.join(KINDS)}")
    return chosen


def find_spans(text: str, kinds: Iterable[str] = KINDS, names: Iterable[str] = ()) -> list[Span]:
    """Private-data spans in ``text``: sorted, non-overlapping. ``NAME`` finds only the ``names`` given."""
    return _spans(text, _check_kinds(kinds), _names(tuple(names)))


# ---------------------------------------------------------------------------------------------------
# Redactor


def _entity_key(kind: str, value: str) -> str:
    """What makes two mentions the same entity: case for emails/IBANs, layout for numbers, spelling of URLs."""
    if kind in ("PHONE", "CARD"):
        return "".join(c for c in value if c.isdigit()) + ("+" if kind == "PHONE" and "+" in value else "")
    if kind == "IBAN":
        return "".join(value.split()).upper()
    if kind == "URL":
        rest = value.split("://", 1)[-1]
        host, sep, path = rest.partition("/")
        return url_host(host) + sep + path.rstrip("/")
    return " ".join(value.casefold().split())


class Redactor:
    """Replaces private data with placeholders that stay the same for one entity across every call.

    ``kinds`` picks the detectors (default: all); ``names`` are other people's names to redact as ``<NAME_n>``
    (see the module docstring). Phones are keyed by their digits, so "+44 7700 900123" and "07700 900123" get
    different placeholders: without knowing the region, they are not provably the same number.
    """

    def __init__(self, kinds: Iterable[str] = KINDS, names: Iterable[str] = ()) -> None:
        self.kinds = _check_kinds(kinds)
        self._names = _names(tuple(names))
        self._placeholders: dict[tuple[str, str], str] = {}
        self._entities: Counter[str] = Counter()
        self._counts: Counter[str] = Counter()

    def spans(self, text: str) -> list[Span]:
        return _spans(text, self.kinds, self._names)

    def placeholder(self, kind: str, value: str) -> str:
        """The placeholder for one mention, numbering a new entity on first sight."""
        key = (kind, self._names.key(value) if kind == "NAME" else _entity_key(kind, value))
        if key not in self._placeholders:
            self._entities[kind] += 1
            n = self._entities[kind]
            self._placeholders[key] = f"<URL_{n}:{url_host(value)}>" if kind == "URL" else f"<{kind}_{n}>"
        return self._placeholders[key]

    def redact(self, text: str) -> str:
        """``text`` with each span replaced by its placeholder and every other character left as it was."""
        spans = self.spans(text)
        if not spans:
            return text
        parts, pos = [], 0
        for sp in spans:
            parts += [text[pos : sp.start], self.placeholder(sp.kind, text[sp.start : sp.end])]
            pos = sp.end
            self._counts[sp.kind] += 1
        parts.append(text[pos:])
        return "".join(parts)

    def counts(self) -> dict[str, int]:
        """Mentions redacted so far, per kind (every kind on, zeros included), for the dataset report."""
        return {kind: self._counts[kind] for kind in KINDS if kind in self.kinds}

    def entities(self) -> dict[str, int]:
        """Distinct entities seen so far, per kind: the highest placeholder number handed out."""
        return {kind: self._entities[kind] for kind in KINDS if kind in self.kinds}
