"""The detectors behind ``clone.dataset.redact``: each finds one kind of private data in a text and returns its
spans as ``(start, end)`` pairs, sorted and non-overlapping. ``redact.py`` runs them in precedence order, each on
the text with the spans already found masked out (``MASK``), and says what each kind covers.
One concern (finding private data) in one file: it is long because there are sixteen kinds, each a short section.

Checksums come from python-stdnum (IBAN, Luhn, national IDs, routing numbers, Bitcoin addresses), phone numbers
from phonenumbers, IP addresses from ``ipaddress``; kinds without a checksum need a context word ("PIN",
"passwort", "zip", "geboren am", ...) right before the value.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache

import phonenumbers
from stdnum import bitcoin, luhn, numdb
from stdnum import iban as stdnum_iban
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.in_ import aadhaar
from stdnum.nl import bsn
from stdnum.us import rtn, ssn

MASK = "\x00"  # stands in for found spans: no detector matches it, and it is not a word character


def mask(text: str, found: list[tuple[int, int]]) -> str:
    """``text`` with the ``found`` spans replaced by ``MASK`` characters (same length, so offsets hold)."""
    parts, pos = [], 0
    for s, e in found:
        parts += [text[pos:s], MASK * (e - s)]
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


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


def find_urls(text: str) -> list[tuple[int, int]]:
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


def url_placeholder(n: int, url: str) -> str:
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

# Spelled out: "sam at example dot com", "lena punkt koch at web punkt de", "ana arroba gmail punto com". Only with a
# spelled dot before a known TLD, so "meet at home dot the i's" stays text. At most three dotted parts each side:
# a bounded pattern cannot backtrack over a long run of "dot dot dot".
SPELLED_AT = r"\s+(?:at|ät|arobase|arroba|apenstaartje)\s+"
SPELLED_DOT = r"\s+(?:dot|punkt|point|punto|punt)\s+"
_WORDISH = r"[A-Za-z0-9_+\-\u00c0-\u024f]+"
_SPELLED_EMAIL_RE = re.compile(
    rf"(?<![\w.+-]){_WORDISH}(?:(?:\.|{SPELLED_DOT}){_WORDISH}){{0,2}}{SPELLED_AT}"
    rf"(?:{_DOMAIN_LABEL}{SPELLED_DOT}){{1,3}}(?:{_BARE_TLDS})(?![\w-])",
    re.IGNORECASE,
)
_SPELLED_HINT = re.compile(SPELLED_DOT, re.IGNORECASE)


def find_emails(text: str) -> list[tuple[int, int]]:
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
    if _SPELLED_HINT.search(text):
        spelled = [m.span() for m in _SPELLED_EMAIL_RE.finditer(mask(text, found))]
        found = sorted(found + spelled)
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


def find_ibans(text: str) -> list[tuple[int, int]]:
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


def find_cards(text: str) -> list[tuple[int, int]]:
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
    if lens == [10] and first in "23456789":  # unformatted "4155550188", "9876543210"
        return _valid_national(digits, ("US", "IN"))
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
def _valid_national(digits: str, regions: tuple[str, ...]) -> bool:
    """A number ``phonenumbers`` finds valid (right length, assigned area code) in one of ``regions``."""
    return any(phonenumbers.is_valid_number(phonenumbers.parse(digits, region)) for region in regions)


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


def find_phones(text: str, regions: Sequence[str] = ()) -> list[tuple[int, int]]:
    masked = _DATE_RE.sub(lambda m: MASK * len(m.group()), text) if "." in text or "/" in text or "-" in text else text
    found = []
    for m in _PHONE_RE.finditer(masked):
        # A spaced slash or dash between numbers lists two of them: "+39 333 123 4567 / 333 765 4321".
        cuts = [m.start(), *(x for w in _WIDE_SEP.finditer(masked, m.start(), m.end()) for x in w.span()), m.end()]
        for a, b in zip(cuts[::2], cuts[1::2], strict=True):
            if (hit := _phone_in(text, a, b)) is not None:
                found.append(hit)
    if regions and _SEVEN_DIGITS.search(masked):
        found = sorted(found + _regional_phones(mask(masked, found), regions))
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


# Lowercase, as typed on a phone: "221b baker street", "hauptstraße 5", "12 rue de la paix", "calle mayor 10".
# English needs a street name word that is not a counting word or unit ("a 2 way street", "a 3 hour drive").
_LOWER_NOT_NAME = (
    r"(?!(?:a|an|the|way|more|other|few|many|of|in|on|at|to|per|each|one|two|lane|hour|minute|min|mile|km|day|"
    r"week|month|year|block|storey|story|car|seat|bed|bedroom|room)s?\s)"
)
_LOWER_ADDRESS_RE = re.compile(
    rf"""
    (?<![\w])(?:
        {_HOUSE},?\s(?:{_LOWER_NOT_NAME}[{_LOW}][{_LOW}'’]*\s){{1,3}}
        (?:street|road|avenue|lane|drive|boulevard|crescent|terrace|close|square|gardens|place|court)
      | [{_LOW}]{{3,}}(?:straße|strasse|str\.|weg|allee|platz|gasse)\s?{_DE_HOUSE}
      | [0-9]{{1,4}}(?:\s?(?:bis|ter))?,?\s(?:rue|avenue|boulevard|impasse|allée|chemin|quai)\s
        (?:{_LINK}\s*)?[{_LOW}'’-]+
      | (?:calle|avenida|plaza|paseo|rua|praça|travessa)\s(?:{_LINK}\s)?[{_LOW}]+,?\s[0-9]{{1,5}}
    )(?![\w])
    """,
    re.VERBOSE,
)


_LOWER_STREET_WORDS = (  # one of them is in every lowercase address: a cheap test before the pattern
    "street",
    "road",
    "avenue",
    "avenida",
    "lane",
    "drive",
    "boulevard",
    "crescent",
    "terrace",
    "close",
    "square",
    "gardens",
    "place",
    "court",
    "stra",
    "str.",
    "weg",
    "allee",
    "platz",
    "gasse",
    "rue",
    "impasse",
    "allée",
    "chemin",
    "quai",
    "calle",
    "plaza",
    "paseo",
    "rua",
    "praça",
    "travessa",
)


def find_addresses(text: str) -> list[tuple[int, int]]:
    found = [m.span() for m in _ADDRESS_RE.finditer(text) if not _UNIT_AFTER.match(text, m.end())]
    lowered = text.lower()
    if any(word in lowered for word in _LOWER_STREET_WORDS):
        rest = mask(text, found)
        found += [m.span() for m in _LOWER_ADDRESS_RE.finditer(rest) if not _UNIT_AFTER.match(rest, m.end())]
    return sorted(found)


# ---------------------------------------------------------------------------------------------------
# Values announced by a context word: "PIN 4821", "Passwort: Kaffee2024", "PLZ 10115", "geboren am 03.05.1987"

# Whose it is, between the word and the value: "Postleitzahl von Oma:", "mot de passe du wifi :".
_OWNER = (
    r"(?:\s+(?:of|for|from|von|vom|für|der|des|de|du|del|van|ka|ki)"
    r"(?:\s+(?:the|my|your|his|her|mi|mon|ma|la|le|el|mijn|meiner|meinem|der|dem|het|de|das))?\s+[\w'’-]+)?"
)
# Then ":", "=", "is", "ist", "est", "es", "hai", "on", "am", "le", ...: at most two such words.
_THEN = r"\s*(?P<sep>[:=#]?)\s*(?:(?:is|are|was|ist|war|est|c['’]est|es|era|hai|on|am|le|el|op|the)\s+){0,2}"


class _Cued:
    """``cue``, maybe whose it is, a connector, then ``value`` (the group ``value``), ending at a word boundary.
    ``stems``: lowercase pieces of which every cue holds one. Most messages hold none, and looking for a few
    substrings is far cheaper than running the pattern over them."""

    def __init__(self, cue: str, value: str, stems: tuple[str, ...]) -> None:
        self.stems = stems
        self.pattern = re.compile(rf"(?<!\w)(?:{cue}){_OWNER}{_THEN}(?P<value>{value})(?![\w])", re.IGNORECASE)

    def spans(self, text: str, valid: Callable[[re.Match[str]], bool] = lambda m: True) -> list[tuple[int, int]]:
        lowered = text.lower()
        if not any(stem in lowered for stem in self.stems):
            return []
        return [m.span("value") for m in self.pattern.finditer(text) if valid(m)]


def _checked(is_valid):
    """A match filter from a python-stdnum ``is_valid``, applied to the value."""
    return lambda m: is_valid(m.group("value"))


def _unique(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans, dropping any that overlaps an earlier (or longer, at the same start) one."""
    found: list[tuple[int, int]] = []
    for s, e in sorted(set(spans), key=lambda sp: (sp[0], -sp[1])):
        if not found or s >= found[-1][1]:
            found.append((s, e))
    return found


# ---------------------------------------------------------------------------------------------------
# National IDs

# With a checksum and a shape of their own they need no context word; 9-12 plain digits do ("ssn 161973069").
_SSN_RE = re.compile(r"(?<![\w-])[0-9]{3}-[0-9]{2}-[0-9]{4}(?![\w-])")
_NINO_RE = re.compile(  # UK National Insurance: HMRC's allowed prefixes, 6 digits, suffix A-D
    r"(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]"
    r"(?![A-Za-z0-9])"
)
_DNI_RE = re.compile(r"(?<![A-Za-z0-9])(?:[XYZ][- ]?[0-9]{7}|[0-9]{8})[- ]?[A-Z](?![A-Za-z0-9])")
_AADHAAR_GROUPED_RE = re.compile(r"(?<![0-9])(?<![0-9][ .-])[2-9][0-9]{3} [0-9]{4} [0-9]{4}(?![ .-]?[0-9])")
_NIR_RE = re.compile(  # French social security (INSEE): sex, year, month, département, commune, order, key
    r"(?<![0-9])(?<![0-9][ .])[12] ?[0-9]{2} ?[0-9]{2} ?(?:[0-9]{2}|2[AB]) ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}(?![ .]?[0-9])"
)
_CUED_IDS = [
    (
        _Cued(
            r"ssn|social security(?:\s+(?:number|no\.?|#))?", r"[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{4}", ("ssn", "social")
        ),
        ssn.is_valid,
    ),
    (
        _Cued(
            r"bsn|burgerservicenummer|sofinummer", r"[0-9]{9}|[0-9]{4}\.[0-9]{2}\.[0-9]{3}", ("bsn", "burger", "sofi")
        ),
        bsn.is_valid,
    ),
    (
        _Cued(
            r"steuer-?id|steuer-?identifikationsnummer|idnr|tax\s+id",
            r"[0-9]{11}|[0-9]{2}(?: [0-9]{3}){3}",
            ("steuer", "idnr", "tax"),
        ),
        idnr.is_valid,
    ),
    (_Cued(r"aadhaa?r|uidai|आधार", r"[2-9][0-9]{11}", ("aadha", "uidai", "आधार")), aadhaar.is_valid),
    # Passports and ID cards carry no checksum in their printed number: 6-9 capitals and digits after the word.
    (
        _Cued(
            r"passport(?:\s+(?:number|no\.?|#))?|passeport|pasaporte|reisepass|passnummer|paspoort|पासपोर्ट|"
            r"(?:personal)?ausweis(?:nummer)?|id\s+card(?:\s+(?:number|no\.?))?|carte\s+d['’]identité",
            r"(?-i:[A-Z0-9]{6,9})",
            ("pas", "पासपोर्ट", "ausweis", "id", "carte"),
        ),
        lambda value: any(c.isdigit() for c in value),
    ),
]


_TWO_DIGITS = re.compile(r"[0-9]{2}")
_CHECKSUMMED_IDS = [
    (_SSN_RE, ssn.is_valid),
    (_NINO_RE, lambda value: True),  # HMRC publishes no check digit: the prefix rules in the pattern are all
    (_DNI_RE, lambda value: dni.is_valid(value) or nie.is_valid(value)),
    (_AADHAAR_GROUPED_RE, aadhaar.is_valid),
    (_NIR_RE, nir.is_valid),
]


def find_national_ids(text: str) -> list[tuple[int, int]]:
    found = []
    if not _TWO_DIGITS.search(text):  # every ID holds two digits in a row
        return found
    for pattern, is_valid in _CHECKSUMMED_IDS:  # not after "order", "ref", ...: one check digit passes by chance
        found += [m.span() for m in pattern.finditer(text) if is_valid(m.group()) and not _reference(text, m.start())]
    for cued, is_valid in _CUED_IDS:
        found += cued.spans(text, _checked(is_valid))
    return _unique(found)


# ---------------------------------------------------------------------------------------------------
# Secrets

_PIN_CUE = (
    r"pin(?:\s+(?:number|no\.?))?|pin-code|geheimzahl|code\s+pin|code\s+secret|(?:door|gate|alarm|entry|safe)\s+code|"
    r"tür-?code|digicode|code\s+d['’]entrée|código(?:\s+(?:pin|secreto))?|पिन"
)
_PASSWORD_CUE = (
    r"password|passcode|passwd|pwd|pw|passwort|kennwort|mot\s+de\s+passe|mdp|contraseña|clave|wachtwoord|पासवर्ड"
)
_TOKEN_CUE = r"token|api[\s_-]?key|secret(?:\s+key)?|access\s+key|bearer|client\s+secret"
_PASSWORD_STEMS = ("pass", "pw", "kennwort", "mdp", "contrase", "clave", "wachtwoord", "पासवर्ड")
_TOKEN_STEMS = ("token", "api", "secret", "access", "bearer")
_PIN_RE = _Cued(_PIN_CUE, r"[0-9]{4,8}", ("pin", "code", "geheimzahl", "código", "पिन"))
_PASSWORD_RE = _Cued(_PASSWORD_CUE, r"[^\s\x00]+?(?=[.,;:)?\"'»]*(?:\s|$))", _PASSWORD_STEMS)
_TOKEN_RE = _Cued(
    _TOKEN_CUE, r"(?=[A-Za-z_\-./+=]*[0-9])(?=[0-9_\-./+=]*[A-Za-z])[A-Za-z0-9_\-./+=]{16,}", _TOKEN_STEMS
)
# Keys whose prefix names the service: OpenAI/Stripe, GitHub, GitLab, Slack, AWS, Google, Hugging Face, and JWTs.
_KNOWN_TOKEN_RE = re.compile(
    r"(?<![\w-])(?:sk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|"
    r"gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|"
    r"AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z0-9]{30,}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
    r"(?![\w-])"
)
# What follows "password is" in a sentence that gives none: "the password is on the fridge", "no funciona".
_NOT_A_PASSWORD = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "in",
        "at",
        "is",
        "of",
        "for",
        "to",
        "and",
        "or",
        "not",
        "no",
        "none",
        "my",
        "your",
        "his",
        "her",
        "it",
        "this",
        "that",
        "here",
        "there",
        "again",
        "wrong",
        "incorrect",
        "changed",
        "expired",
        "reset",
        "forgotten",
        "forgot",
        "same",
        "ist",
        "im",
        "in",
        "der",
        "die",
        "das",
        "auf",
        "nicht",
        "falsch",
        "vergessen",
        "est",
        "sur",
        "dans",
        "le",
        "la",
        "les",
        "pas",
        "es",
        "en",
        "el",
        "no",
        "het",
        "de",
        "op",
        "niet",
        "werkt",
        "funciona",
    ]
)


_PLACEHOLDER_LIKE = re.compile(r"<[A-Z_]+_[0-9]+(?::[^>\s]*)?>")  # redacted once already: "password: <SECRET_1>"


def _password_ok(m: re.Match[str]) -> bool:
    """After ":" or "=" any word is the password; after "is" only one no dictionary would hold: with a digit, a
    symbol or a capital inside ("hunter2", "Bl4ckC@t!")."""
    value = m.group("value")
    if value.casefold() in _NOT_A_PASSWORD or len(value) < 3 or _PLACEHOLDER_LIKE.fullmatch(value):
        return False
    if m.group("sep"):
        return True
    return any(c.isdigit() for c in value) or not value.isalpha() or not value[1:].islower()


def find_secrets(text: str) -> list[tuple[int, int]]:
    found = [m.span() for m in _KNOWN_TOKEN_RE.finditer(text)]
    found += _PIN_RE.spans(text)
    found += _PASSWORD_RE.spans(text, _password_ok)
    found += _TOKEN_RE.spans(text)
    return _unique(found)


# ---------------------------------------------------------------------------------------------------
# IP addresses

_IPV4_RE = re.compile(r"(?<![\w.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![\w]|\.[0-9])")
_IPV6_RE = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_VERSION_BEFORE = re.compile(r"(?:version|ver\.?|release|build|firmware|chrome|firefox|python)\s*$", re.IGNORECASE)


def _ip_ok(text: str, start: int, value: str) -> bool:
    """Valid for ``ipaddress``; an IPv6 one only in its "::" or eight-group form (not a time like "12:30:45");
    not a version number ("version 1.2.3.4")."""
    if ":" in value and "::" not in value and value.count(":") != 7:
        return False
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return _VERSION_BEFORE.search(text, max(0, start - 12), start) is None


def find_ips(text: str) -> list[tuple[int, int]]:
    found = []
    if "." in text:
        found += [m.span() for m in _IPV4_RE.finditer(text) if _ip_ok(text, m.start(), m.group())]
    if "::" in text or text.count(":") >= 7:
        found += [m.span() for m in _IPV6_RE.finditer(text) if _ip_ok(text, m.start(), m.group())]
    return _unique(found)


# ---------------------------------------------------------------------------------------------------
# Crypto addresses

_BASE58_RE = re.compile(r"(?<![\w])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![\w])")
_BECH32_RE = re.compile(r"(?<![\w])(?:bc1[02-9ac-hj-np-z]{11,71}|BC1[02-9AC-HJ-NP-Z]{11,71})(?![\w])")
# Ethereum: 40 hex digits (a 64-digit transaction hash is no address). Its EIP-55 capitals need Keccak, which the
# standard library lacks, so the shape alone decides.
_ETH_RE = re.compile(r"(?<![\w])0x[0-9a-fA-F]{40}(?![\w])")


def find_crypto(text: str) -> list[tuple[int, int]]:
    if not any(len(word) >= 26 for word in text.split()):  # every address is one long word
        return []
    found = [m.span() for m in _ETH_RE.finditer(text)]
    for pattern in (_BASE58_RE, _BECH32_RE):
        found += [m.span() for m in pattern.finditer(text) if bitcoin.is_valid(m.group())]  # checksums
    return _unique(found)


# ---------------------------------------------------------------------------------------------------
# Birth dates

_MONTHS = (
    r"jan(?:uary|uar|vier|uari)?|feb(?:ruary|ruar|ruari)?|févr(?:ier)?|mar(?:ch|s)?|märz|maart|apr(?:il)?|avr(?:il)?|"
    r"may|mai|mei|jun(?:e|i)?|juin|jul(?:y|i)?|juil(?:let)?|aug(?:ust|ustus)?|août|sep(?:t(?:ember|embre)?)?|"
    r"oct(?:ober|obre)?|okt(?:ober)?|nov(?:ember|embre)?|dec(?:ember)?|dez(?:ember)?|déc(?:embre)?|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
)
_DATE = (
    r"[0-9]{1,2}[./-][0-9]{1,2}[./-](?:[0-9]{4}|[0-9]{2})|[0-9]{4}-[0-9]{2}-[0-9]{2}|"
    rf"[0-9]{{1,2}}\.?\s(?:de\s)?(?:{_MONTHS})\.?\s(?:de\s)?[0-9]{{4}}|"
    rf"(?:{_MONTHS})\.?\s[0-9]{{1,2}}(?:st|nd|rd|th)?,?\s[0-9]{{4}}"
)
_BIRTH_CUE = (
    r"born|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s?date|birthday|geboren|geb\.|geburtstag|geburtsdatum|née?|"
    r"date\s+de\s+naissance|nacid[oa]|nací|fecha\s+de\s+nacimiento|cumpleaños|geboortedatum|verjaardag|"
    r"जन्मतिथि|जन्मदिन|जन्म"
)
_BIRTH_STEMS = (
    "born",
    "dob",
    "d.o.b",
    "birth",
    "geb",
    "né",
    "naissance",
    "nac",
    "cumple",
    "geboorte",
    "verjaardag",
    "जन्म",
)
_BIRTHDATE_RE = _Cued(_BIRTH_CUE, _DATE, _BIRTH_STEMS)
_DATE_THEN_BORN_RE = re.compile(rf"(?<![\w./-])(?:{_DATE})(?=\s+(?:geboren|born)\b)", re.IGNORECASE)  # "am ... geboren"


def find_birthdates(text: str) -> list[tuple[int, int]]:
    found = _BIRTHDATE_RE.spans(text)
    if "born" in text or "geboren" in text.lower():
        found += [m.span() for m in _DATE_THEN_BORN_RE.finditer(text)]
    return _unique(found)


# ---------------------------------------------------------------------------------------------------
# Postcodes

_POSTCODE_CUE = (
    r"zip(?:\s?code)?|post\s?code|postal\s+code|plz|postleitzahl|code\s+postal|c\.p\.|código\s+postal|"
    r"codice\s+postale|postnummer"
)
_UK_POSTCODE = r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE_RE = _Cued(
    _POSTCODE_CUE,
    rf"[0-9]{{5}}(?:-[0-9]{{4}})?|[0-9]{{4}} ?(?-i:[A-Z]{{2}})|(?-i:{_UK_POSTCODE})|[0-9]{{4,6}}",
    ("zip", "post", "plz", "code", "c.p.", "código", "codice"),
)
_PIN_CODE_RE = _Cued(r"pin\s?code|pincode", r"[1-9][0-9]{5}|[1-9][0-9]{2} [0-9]{3}", ("pin",))  # India's postal codes
_UK_POSTCODE_RE = re.compile(rf"(?<![A-Za-z0-9]){_UK_POSTCODE}(?![A-Za-z0-9])")  # a shape nothing else has


def find_postcodes(text: str) -> list[tuple[int, int]]:
    found = _POSTCODE_RE.spans(text) + _PIN_CODE_RE.spans(text)
    return _unique(found + [m.span() for m in _UK_POSTCODE_RE.finditer(text)])


# ---------------------------------------------------------------------------------------------------
# Coordinates

_DECIMAL_PAIR_RE = re.compile(
    r"(?<![\w.-])(?P<lat>-?[0-9]{1,2}\.(?P<latd>[0-9]{4,}))\s*,\s*(?P<lon>-?[0-9]{1,3}\.(?P<lond>[0-9]{4,}))(?![0-9.])"
)
_DMS = r"[0-9]{1,3}°\s?[0-9]{1,2}['′]\s?(?:[0-9]{1,2}(?:\.[0-9]+)?[\"″]\s?)?"
_DMS_RE = re.compile(rf"(?<![\w]){_DMS}[NS],?\s*{_DMS}[EW](?![\w])")
_PLACE_CUE = re.compile(
    r"\bat\b|location|\bloc\b|coord|gps|\blat|standort|position|ubicación|coordenadas|coordonnées|locatie|maps|\bpin\b",
    re.IGNORECASE,
)


def _coordinates_ok(text: str, m: re.Match[str]) -> bool:
    """In range; and five decimals each (what a map shares), a minus sign, or a place word just before: four
    decimals alone are as likely an exchange rate ("1.0845, 1.0850")."""
    if abs(float(m["lat"])) > 90 or abs(float(m["lon"])) > 180:
        return False
    if min(len(m["latd"]), len(m["lond"])) >= 5 or "-" in m.group():
        return True
    return _PLACE_CUE.search(text, max(0, m.start() - 20), m.start()) is not None


def find_coordinates(text: str) -> list[tuple[int, int]]:
    found = [m.span() for m in _DECIMAL_PAIR_RE.finditer(text) if _coordinates_ok(text, m)]
    if "°" in text:
        found += [m.span() for m in _DMS_RE.finditer(text)]
    return _unique(found)


# ---------------------------------------------------------------------------------------------------
# Licence plates

_PLATE_RE = _Cued(
    r"(?:number\s+|licen[cs]e\s+|car\s+|registration\s+)?plates?|reg(?:istration)?(?:\s+(?:number|no\.?))?|"
    r"kennzeichen|nummernschild|plaque(?:\s+d['’]immatriculation)?|immatriculation|matr[ií]cula|placa|kenteken|"
    r"nummerplaat|gaadi\s+(?:ka\s+)?number",
    r"(?-i:[A-Z0-9]{1,8}(?:[ -][A-Z0-9]{1,4}){0,3})",
    (
        "plate",
        "reg",
        "kennzeichen",
        "nummernschild",
        "plaque",
        "immatriculation",
        "matr",
        "placa",
        "kenteken",
        "nummerplaat",
        "gaadi",
    ),
)


def _plate_ok(m: re.Match[str]) -> bool:
    """Letters and digits, 4-10 of them: "AB12 CDE", "M-AB 1234", "7ABC123"."""
    chars = [c for c in m.group("value") if c.isalnum()]
    return 4 <= len(chars) <= 10 and any(c.isdigit() for c in chars) and any(c.isalpha() for c in chars)


def find_plates(text: str) -> list[tuple[int, int]]:
    return _PLATE_RE.spans(text, _plate_ok)


# ---------------------------------------------------------------------------------------------------
# Bank accounts

_ROUTING_RE = _Cued(
    r"(?:routing|aba|transit)(?:\s+(?:number|no\.?|#))?|rtn", r"[0-9]{9}", ("routing", "aba", "transit", "rtn")
)
_SORT_CODE_RE = _Cued(r"sort\s?code", r"[0-9]{2}-[0-9]{2}-[0-9]{2}|[0-9]{6}", ("sort",))
_ACCOUNT_RE = _Cued(
    r"account(?:\s+(?:number|no\.?|nr\.?|#))?|acct(?:\s+(?:number|no\.?|#))?|a/c(?:\s+no\.?)?|"
    r"konto(?:nummer|nr\.?)?|num[ée]ro\s+de\s+compte|n°\s+de\s+compte|compte|n[úu]mero\s+de\s+cuenta|cuenta|"
    r"rekening(?:nummer|nr\.?)?",
    r"[0-9]{2,}(?:[ -][0-9]{2,}){0,5}",
    ("account", "acct", "a/c", "konto", "compte", "cuenta", "rekening"),
)


def _account_ok(text: str, m: re.Match[str]) -> bool:
    """6-20 digits, not an amount ("account 1234567 €")."""
    return 6 <= sum(c.isdigit() for c in m.group("value")) <= 20 and not _amount(text, *m.span("value"))


def find_bank_accounts(text: str) -> list[tuple[int, int]]:
    found = _ROUTING_RE.spans(text, _checked(rtn.is_valid))  # the ABA checksum
    found += _SORT_CODE_RE.spans(text)
    found += _ACCOUNT_RE.spans(text, lambda m: _account_ok(text, m))
    return _unique(found)
