"""Find and replace other people's private data in chat text before anything is trained.

Kinds, in precedence order (an earlier kind wins where two would overlap; each detector sees the text with the
spans already found masked out, so spans never overlap and a phone number inside a URL stays part of the URL):

* ``URL``: ``http(s)://`` and ``ftp://`` links, ``www.`` hosts, and bare domains followed by a path
  (``example.com/abc``; a bare ``example.com`` says nothing private and is left alone).
* ``EMAIL``: ``local@domain.tld``; the local part may hold Latin-accented or Cyrillic letters.
* ``IBAN``: country code + check digits + BBAN of that country's exact length, with or without single spaces,
  any case; only kept when python-stdnum validates it (mod-97 check and the country's BBAN layout).
* ``CARD``: 13-19 digits starting 2-6 (the card networks' ranges), unseparated or grouped like a printed card
  (4-4-4-4..., Amex 4-6-5, Diners 4-6-4) with spaces or dashes; only kept when the Luhn check passes.
* ``PHONE``: see ``_phone_ok``: international (``+CC``/``00CC``) numbers of a length ``phonenumbers`` finds
  possible for that country, national numbers with a trunk prefix (``0``, Russian ``8``) or a parenthesised area
  code, and a few unambiguous national shapes; anything else only next to a cue word ("call", "tel", "número",
  "電話", ...). With ``regions`` given (see ``phone_regions``), ``phonenumbers.PhoneNumberMatcher`` also finds the
  numbers valid in those regions ("8123 4567" in Singapore). Dates are masked first; numbers followed by a
  currency or unit, or preceded by "order"/"invoice"/"ref"/... are not phones.
* ``ADDRESS``: house number + street in en/de/fr/es/pt (``221B Baker Street``, ``Hauptstraße 5``,
  ``12 rue de la Paix``, ``Calle Mayor 10``, ``Rua Augusta, 100``), only with a capitalised street name:
  precision over recall.
* ``NAME``: other people's names given by the caller, whole-word and case-insensitive; a full name also
  matches its first name alone ("Sam Okafor" -> "Sam Okafor", "Sam"), both under the full name's placeholder.

Placeholders are ``<KIND_n>``, numbered per kind in order of first appearance, except URLs, which keep their
host: ``https://www.example.com/private/123?token=x`` -> ``<URL_1:example.com>`` (host lowercased, without
``www.``, port or credentials; an IP address is not kept: ``<URL_2>``). A ``Redactor`` keeps the entity ->
placeholder map, so one entity gets the same placeholder across a whole dataset (a phone number is one entity
by its E.164 form, so "+44 7700 900123" and, with region GB, "07700 900123" share one). Only the detected spans
change; every other character (whitespace, emoji, bidi marks, case) is kept as it was. Digits are ASCII only
(full-width or Devanagari digits are not read).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum import luhn, numdb

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
        if url_host(url):
            found.append((m.start(), m.start() + len(url)))
    return found


def url_host(url: str) -> str:
    """The host a URL placeholder keeps: lowercased, without scheme, credentials, port and ``www.``."""
    rest = url.split("://", 1)[-1]
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    host = host.split(":", 1)[0].lower() if not host.startswith("[") else host
    return host.removeprefix("www.")


_IP_HOST = re.compile(r"\[.*\]|[0-9]+(?:\.[0-9]+){3}")


def _url_placeholder(n: int, url: str) -> str:
    """``<URL_n:host>``; an IP address is no domain and may point at someone's home, so it is not kept."""
    host = url_host(url)
    return f"<URL_{n}>" if _IP_HOST.fullmatch(host) else f"<URL_{n}:{host}>"


# ---------------------------------------------------------------------------------------------------
# Email

_LOCAL = r"[A-Za-z0-9._%+'\-\u00c0-\u024f\u0400-\u04ff]"
_DOMAIN_LABEL = r"[A-Za-z0-9\u00c0-\u024f](?:[A-Za-z0-9\u00c0-\u024f-]*[A-Za-z0-9\u00c0-\u024f])?"
_EMAIL_RE = re.compile(rf"(?<!{_LOCAL}){_LOCAL}+@(?:{_DOMAIN_LABEL}\.)+[A-Za-z]{{2,24}}(?![A-Za-z0-9-])")


# "maya(at)example(dot)com", "maya [at] example [dot] com": only the bracketed forms; a plain " at " is English.
_AT = r"\s?[\[(]at[\])]\s?"
_DOT = r"(?:\s?[\[(]dot[\])]\s?|\.)"
_OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<!{_LOCAL}){_LOCAL}+{_AT}(?:{_DOMAIN_LABEL}{_DOT})+[A-Za-z]{{2,24}}(?![A-Za-z0-9-])", re.IGNORECASE
)
_AT_HINT = re.compile(r"at[\])]", re.IGNORECASE)


def _find_emails(text: str) -> list[tuple[int, int]]:
    found = []
    if "@" in text:
        for m in _EMAIL_RE.finditer(text):
            start = m.start()
            while text[start] in ".'-+%_":  # "wait...a@example.com" starts at "a"
                start += 1
            if text[start] != "@":
                found.append((start, m.end()))
    if _AT_HINT.search(text):
        found = sorted(found + [m.span() for m in _OBFUSCATED_EMAIL_RE.finditer(text)])
    return found


# ---------------------------------------------------------------------------------------------------
# IBAN

_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?=[ \u00a0]?[A-Za-z0-9])")
_SPACES = " \u00a0"
_IBAN_REGISTRY = numdb.get("iban")  # python-stdnum's copy of the SWIFT IBAN registry


@cache
def _iban_length(country: str) -> int | None:
    """The IBAN length of ``country`` ("DE" -> 22): 4 + its BBAN layout ("8!n10!n"), None if it has no IBAN."""
    layout = _IBAN_REGISTRY.info(country.upper())[0][1].get("bban")
    return 4 + sum(int(n) for n in re.findall(r"[0-9]+", layout)) if layout else None


def iban_valid(iban: str) -> bool:
    """ISO 13616: known country, its BBAN layout and the mod-97 check (python-stdnum). The countries' own
    account checks are not asked for: a typo'd or made-up national check digit is still someone's IBAN to hide."""
    return stdnum_iban.is_valid("".join(iban.split()), check_country=False)


def _iban_end(text: str, start: int) -> int | None:
    """End of the IBAN starting at ``start``: its country's length in letters/digits, single spaces allowed
    between them; ``None`` when the text there is shorter or runs on."""
    want = _iban_length(text[start : start + 2])
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

# Not after "DE89 ": the digits of an IBAN that failed its own check are no card either.
_CARD_RE = re.compile(
    r"(?<![A-Za-z0-9_+])(?<![0-9][.,])(?<![A-Za-z]{2}[0-9]{2}[ \u00a0])"
    r"[2-6][0-9]{3}(?:[ \u00a0-]?[0-9]){9,15}(?![0-9])"
)
_DIGITS = re.compile(r"[0-9]+")


def luhn_valid(number: str) -> bool:
    """The Luhn checksum every payment card number carries in its last digit (python-stdnum)."""
    digits = "".join(c for c in number if c.isdigit())
    return luhn.is_valid(digits)


def _card_network_ok(digits: str) -> bool:
    """Length fits the network the leading digits name (Visa 13/16/19, Mastercard and Mir 16, Amex 15, ...),
    so a Luhn-passing timestamp or ID ("20071118085627") is not taken for a card."""
    n, p2, p4 = len(digits), int(digits[:2]), int(digits[:4])
    if digits[0] == "4":
        return n in (13, 16, 19)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720 or 2200 <= p4 <= 2204:
        return n == 16
    if p2 in (34, 37):
        return n == 15
    if 300 <= p4 // 10 <= 305 or p2 in (36, 38, 39):  # Diners
        return 14 <= n <= 19
    if p2 == 35:  # JCB
        return 3528 <= p4 <= 3589 and 16 <= n <= 19
    return (digits[0] == "6" or p2 == 50 or 56 <= p2 <= 59) and 13 <= n <= 19  # Discover, UnionPay, Maestro


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
            number = "".join(digits)
            if _card_network_ok(number) and _card_grouping(digits) and luhn_valid(number):
                found.append((s, e))
                break
            groups.pop()
    return found


# ---------------------------------------------------------------------------------------------------
# Phone

_SEP = r"(?:[ \u00a0\u202f]?[\-./\u2010\u2011][ \u00a0\u202f]?|[ \u00a0\u202f])"
_TOKEN = r"(?:\([0-9]+\)[0-9]*|[0-9]+\)?)"  # "555", "(555)", "(0)20"; unambiguous, so no backtracking blow-up
_WIDE_SEP = re.compile(r"[ \u00a0\u202f][/\-][ \u00a0\u202f]")
_PHONE_RE = re.compile(rf"(?<![A-Za-z0-9_+])(?<![0-9][.,/-])\+?{_TOKEN}(?:{_SEP}{_TOKEN})*(?![A-Za-z0-9])")
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
# Words that announce a phone number. A bare "number" is no cue ("student number 1234567"), "my number" is.
_CUE = re.compile(
    r"phone|\btel\b|\bcall|\bring\b|\btext|\bsms|whats\s?app|\bwa\b|mobile|\bcell|contact|"
    r"\b(?:my|your|ur|his|her|our|their|new|mera|meri|tera|uska|apna)\s+(?:new\s+)?(?:number|no\b|num\b)|"
    r"fon\b|telefon|handy|\b(?:meine|deine|seine|ihre|neue)\s+nummer|\bruf|anruf|appel|portable|\b(?:mon|ton|son|votre|nouveau)\s+numéro|"
    r"\btél|fixe|llam|móvil|movil|\b(?:mi|tu|su|meu|teu|seu|o|el|nuevo|novo)\s+número|fijo|celular|telemóvel|"
    r"\bliga|\bzap|телефон|\b(?:мой|твой|его|её|новый)\s+номер|звон|फ़ोन|फोन|नंबर|नम्बर|電話|番号|携帯",
    re.IGNORECASE,
)
_NOT_PHONE_CUE = re.compile(
    r"\b(?:order|invoice|ref|reference|tracking|track|parcel|ticket|booking|pnr|id|account|acct|konto|customer|"
    r"client|cliente|member|membership|policy|serial|claim|case|reservation|confirmation|student|kunden\w*|"
    r"bestell\w*|rechnung\w*|sendung\w*|commande|facture|pedido|factura|encomenda|заказ\w*|счёт)\b",
    re.IGNORECASE,
)


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
        return 10 <= len(digits) <= 12 and run.count("(") == 1
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
    if (lens == [3, 3, 3] and "." not in run) or lens == [3, 2, 2, 2]:  # Spanish / Portuguese
        return first in "6789" or (first == "2" and lens == [3, 3, 3])
    if lens == [2, 3, 2, 2]:  # Spanish landlines 91 123 45 67
        return first in "89"
    return lens == [2, 5, 4] and digits[2] == "9"  # Brazilian mobiles 11 91234-5678


@lru_cache(maxsize=4096)
def _international_ok(digits: str) -> bool:
    """Country code + national number of a length possible for that country ("+44" then 10 digits)."""
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse("+" + digits))
    except phonenumbers.NumberParseException:
        return False


def _amount(text: str, s: int, e: int) -> bool:
    """A price or quantity: "1234567 €", "$1234567", "1234567 km"."""
    return _AMOUNT_AFTER.match(text, e) is not None or (s > 0 and text[s - 1] in _AMOUNT_BEFORE)


def _reference(text: str, s: int) -> bool:
    """A number after "order", "invoice", "ref", "ticket", ...: an id, not a phone."""
    return _NOT_PHONE_CUE.search(text, max(0, s - 25), s) is not None


def _phone_ok(text: str, s: int, e: int) -> bool:
    run = text[s:e]
    groups = _DIGITS.findall(run)
    digits = "".join(groups)
    lens = [len(g) for g in groups]
    if not 7 <= len(digits) <= 15 or _amount(text, s, e):
        return False
    decimal = run.count(".") == 1 and len(groups) == 2  # "123.4567", "+52.520008"
    if run[0] == "+":
        return not decimal and _international_ok(digits)
    if _reference(text, s):
        return False
    if digits.startswith("00"):  # international with the 00 exit code
        return _international_ok(digits[2:])
    if len(digits) >= 9 and not decimal and _shape_ok(run, digits, lens):
        return True
    return (not decimal or lens == [3, 4]) and _CUE.search(text, max(0, s - 40), s) is not None


def _phone_in(text: str, s: int, e: int) -> tuple[int, int] | None:
    """The phone number in the digit run text[s:e]: the whole run, else its longest valid head
    ("07700 900123 5 minutes"). Heads past 17 digits (15 + a "00" exit code) are not tried."""
    ends, count = [], 0
    for g in _DIGITS.finditer(text, s, e):
        count += g.end() - g.start()
        if count > 17:
            break
        ends.append(g.end())
    for end in reversed(ends):
        a, b = _trim_parens(text, s, end + (text[end : end + 1] == ")"))
        if a < b and _phone_ok(text, a, b):
            return a, b
    return None


def _find_phones(text: str, regions: Sequence[str] = ()) -> list[tuple[int, int]]:
    masked = _DATE_RE.sub(lambda m: _MASK * len(m.group()), text) if "." in text or "/" in text or "-" in text else text
    found = []
    for m in _PHONE_RE.finditer(masked):
        # A spaced slash or dash between numbers lists two of them: "+39 333 123 4567 / 333 765 4321".
        cuts = [m.start(), *(x for w in _WIDE_SEP.finditer(masked, m.start(), m.end()) for x in w.span()), m.end()]
        for a, b in zip(cuts[::2], cuts[1::2], strict=True):
            if (hit := _phone_in(text, a, b)) is not None:
                found.append(hit)
    if regions and _SEVEN_DIGITS.search(masked):
        found = sorted(found + _regional_phones(_mask(masked, found), regions))
    return found


_SEVEN_DIGITS = re.compile(r"[0-9](?:[^0-9]*[0-9]){6}")  # no phone in any region is shorter


def _regional_phones(text: str, regions: Sequence[str]) -> list[tuple[int, int]]:
    """National numbers the shapes above miss but ``phonenumbers`` knows to be valid in one of ``regions``
    ("8123 4567" in Singapore). ``text`` has dates and the phones already found masked out."""
    found: list[tuple[int, int]] = []
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            s, e = match.start, match.end
            if not (_amount(text, s, e) or _reference(text, s)) and all(e <= a or b <= s for a, b in found):
                found.append((s, e))
    return found


def phone_regions(senders: Iterable[str], default: Sequence[str] = ()) -> list[str]:
    """The regions ("GB", "US", ...) of the senders shown as international phone numbers ("+44 7700 900123",
    as WhatsApp shows unsaved contacts), most senders first: where the chat's national numbers are from.
    ``default`` when no sender is such a number (a chat of names says nothing about its region)."""
    regions: Counter[str] = Counter()
    for sender in senders:
        shown = "".join(c for c in sender if unicodedata.category(c) != "Cf").strip()  # bidi marks around it
        if not shown.startswith("+"):
            continue
        try:
            number = phonenumbers.parse(shown)
        except phonenumbers.NumberParseException:
            continue
        # A made-up or unlisted number has no region of its own; its country code's main region stands in.
        region = phonenumbers.region_code_for_number(number) or phonenumbers.region_code_for_country_code(
            number.country_code
        )
        if region in phonenumbers.SUPPORTED_REGIONS:
            regions[region] += 1
    return [region for region, _ in regions.most_common()] or list(default)


@lru_cache(maxsize=4096)  # a dataset mentions the same few numbers again and again
def phone_key(number: str, regions: tuple[str, ...] = ()) -> str:
    """One phone number's identity: its E.164 form ("+447700900123") when it is international or, read in
    ``regions`` (the first where it is valid, else the first where it is possible), national; else its digits."""
    digits = "".join(c for c in number if c.isdigit())
    if number.startswith("+") or digits.startswith("00"):  # international: one reading, no region needed
        readings = [("+" + (digits if number.startswith("+") else digits[2:]), None)]
    else:
        readings = [(number, region) for region in regions]
    parsed = []
    for text, region in readings:
        try:
            parsed.append(phonenumbers.parse(text, region))
        except phonenumbers.NumberParseException:
            continue
    best = next((n for n in parsed if phonenumbers.is_valid_number(n)), None)
    best = best or next((n for n in parsed if phonenumbers.is_possible_number(n)), None)
    return phonenumbers.format_number(best, phonenumbers.PhoneNumberFormat.E164) if best else digits


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
_DE_WORDS = r"Straße|Strasse|Str\.|Allee|Platz|Weg|Gasse|Ring|Damm"  # as a word of its own
_DE_HOUSE = r"[0-9]{1,4}[a-zA-Z]?"
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
      | [{_UP}][{_LOW}]*(?:-[{_UP}][{_LOW}]*)*(?:-(?:{_DE_WORDS})|(?<=[{_LOW}])(?:{_DE_TYPES}))\s?{_DE_HOUSE}
      | [{_UP}][{_LOW}]+(?<=er|.e|es|en)\s(?:{_DE_WORDS})\s?{_DE_HOUSE}
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


_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Names:
    pattern: re.Pattern[str] | None
    owner: dict[str, str]  # lowercased variant ("sam", "sam okafor") -> the full name it stands for
    first_words: frozenset[str]  # each variant's first word: a text without any of them needs no regex

    def find(self, text: str) -> list[tuple[int, int]]:
        if self.pattern is None or self.first_words.isdisjoint(_WORD.findall(text.lower())):
            return []  # a set lookup is far cheaper than an alternation over hundreds of names
        return [(m.start(), m.end()) for m in self.pattern.finditer(text)]

    def key(self, found: str) -> str:
        variant = " ".join(found.lower().split())
        return self.owner.get(variant, variant)


@lru_cache(maxsize=64)
def _names(names: tuple[str, ...]) -> _Names:
    """One alternation over every full name and first name, longest first so "Sam Okafor" beats "Sam".
    Names without a letter (a sender shown as "+44 7700 900123") are left to the other detectors."""
    owner: dict[str, str] = {}
    for full in names:
        canonical = " ".join(full.split()).lower()
        words = [w for w in canonical.split() if any(c.isalpha() for c in w)]
        if not words:
            continue
        owner.setdefault(canonical, canonical)
        owner.setdefault(" ".join(words), canonical)  # "~ Sam Okafor", "Mom ❤️" as written without decoration
        if len(words) > 1 and len(words[0]) > 1:
            owner.setdefault(words[0], canonical)  # a shared first name goes to the first full name given
    if not owner:
        return _Names(None, {}, frozenset())
    variants = sorted(owner, key=len, reverse=True)
    alternation = "|".join(r"\s+".join(map(re.escape, v.split())) for v in variants)
    pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
    return _Names(pattern, owner, frozenset(_WORD.findall(v)[0] for v in variants))


# ---------------------------------------------------------------------------------------------------
# All kinds

_DETECTORS: dict[str, Callable[[str], list[tuple[int, int]]]] = {
    "URL": _find_urls,
    "EMAIL": _find_emails,
    "IBAN": _find_ibans,
    "CARD": _find_cards,
    "ADDRESS": _find_addresses,
}  # and PHONE, which also needs the regions
_ANY_DIGIT = re.compile(r"[0-9]")


def _mask(text: str, found: list[tuple[int, int]]) -> str:
    parts, pos = [], 0
    for s, e in found:
        parts += [text[pos:s], _MASK * (e - s)]
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def _spans(text: str, kinds: frozenset[str], names: _Names, regions: tuple[str, ...]) -> list[Span]:
    spans: list[Span] = []
    work = text
    has_digit = _ANY_DIGIT.search(text) is not None
    for kind in KINDS:
        if kind not in kinds or (kind in _NEEDS_DIGIT and not has_digit):
            continue
        if kind == "NAME":
            found = names.find(work)
        else:
            found = _find_phones(work, regions) if kind == "PHONE" else _DETECTORS[kind](work)
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


def _check_regions(regions: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(region.upper() for region in regions)
    if unknown := [region for region in chosen if region not in phonenumbers.SUPPORTED_REGIONS]:
        raise ValueError(f"unknown phone regions {unknown}; use ISO 3166 codes such as GB, US, DE")
    return chosen


def find_spans(
    text: str, kinds: Iterable[str] = KINDS, names: Iterable[str] = (), regions: Iterable[str] = ()
) -> list[Span]:
    """Private-data spans in ``text``: sorted, non-overlapping. ``NAME`` finds only the ``names`` given;
    ``regions`` are where national phone numbers are read from (see ``phone_regions``)."""
    return _spans(text, _check_kinds(kinds), _names(tuple(names)), _check_regions(regions))


# ---------------------------------------------------------------------------------------------------
# Redactor


def _entity_key(kind: str, value: str, regions: tuple[str, ...]) -> str:
    """What makes two mentions one entity: phones by ``phone_key``, cards by digits, IBANs upper-case without
    spaces, URLs by host (no scheme, ``www.`` or case) and path, emails and addresses lowercased with ``(at)``
    read as ``@``."""
    if kind == "PHONE":
        return phone_key(value, regions)
    if kind == "CARD":
        return "".join(c for c in value if c.isdigit())
    if kind == "IBAN":
        return "".join(value.split()).upper()
    if kind == "URL":
        rest = value.split("://", 1)[-1]
        return url_host(value) + rest[len(re.match(r"[^/?#]*", rest).group()) :].rstrip("/")
    if kind == "EMAIL":
        value = re.sub(_DOT, ".", re.sub(_AT, "@", value, flags=re.IGNORECASE), flags=re.IGNORECASE)
    return " ".join(value.casefold().split())


class Redactor:
    """Replaces private data with placeholders that stay the same for one entity across every call.

    ``kinds`` picks the detectors (default: all); ``names`` are other people's names to redact as ``<NAME_n>``
    (see the module docstring). ``regions`` are where the chat's national phone numbers are from, most likely
    first (``phone_regions(senders)`` reads them from senders shown as phone numbers): they let national numbers
    valid there be found, and key every phone by its E.164 form, so "+44 7700 900123" and, with ``["GB"]``,
    "07700 900123" get one placeholder. Without regions, international numbers are keyed by E.164 and national
    ones by their digits: not provably the same number, they get placeholders of their own.
    """

    def __init__(self, kinds: Iterable[str] = KINDS, names: Iterable[str] = (), regions: Iterable[str] = ()) -> None:
        self.kinds = _check_kinds(kinds)
        self.regions = _check_regions(regions)
        self._names = _names(tuple(names))
        self._placeholders: dict[tuple[str, str], str] = {}
        self._entities: Counter[str] = Counter()
        self._counts: Counter[str] = Counter()

    def spans(self, text: str) -> list[Span]:
        return _spans(text, self.kinds, self._names, self.regions)

    def placeholder(self, kind: str, value: str) -> str:
        """The placeholder for one mention, numbering a new entity on first sight."""
        key = (kind, self._names.key(value) if kind == "NAME" else _entity_key(kind, value, self.regions))
        if key not in self._placeholders:
            self._entities[kind] += 1
            n = self._entities[kind]
            self._placeholders[key] = _url_placeholder(n, value) if kind == "URL" else f"<{kind}_{n}>"
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
