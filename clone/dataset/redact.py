"""Find and replace other people's private data in chat text before anything is trained.

Kinds, in precedence order (an earlier kind wins where two would overlap; each detector sees the text with the
spans already found masked out, so spans never overlap and a phone number inside a URL stays part of the URL).
The detectors live in ``clone/dataset/detectors.py``.

* ``URL``: ``http(s)://`` and ``ftp://`` links, ``www.`` hosts, and bare domains followed by a path
  (``example.com/abc``; a bare ``example.com`` says nothing private and is left alone). A URL holding an IP
  address stays one URL.
* ``EMAIL``: ``local@domain.tld``; the local part may hold Latin-accented or Cyrillic letters. Obfuscated:
  ``maya(at)example(dot)com``, and spelled out with a spelled dot before a known TLD (``sam at example dot com``,
  ``lena punkt koch at web punkt de``, ``ana arroba gmail punto com``).
* ``CRYPTO``: Bitcoin addresses (base58 and bech32, checksums via python-stdnum) and Ethereum ``0x`` + 40 hex.
* ``IBAN``: country code + check digits + BBAN of that country's exact length, with or without single spaces,
  any case; only kept when python-stdnum validates it (mod-97 check and the country's BBAN layout).
* ``CARD``: 13-19 digits starting 2-6 (the card networks' ranges), unseparated or grouped like a printed card
  (4-4-4-4..., Amex 4-6-5, Diners 4-6-4) with spaces or dashes; only kept when the Luhn check passes.
* ``POSTCODE``: after "zip", "postcode", "PLZ", "code postal", "código postal", "pin code" (India), ...; UK
  postcodes (``SW1A 1AA``) on their own.
* ``SECRET``: a PIN or door code (4-8 digits) after "PIN", "door code", "digicode", ...; a password after
  "password", "Passwort", "mot de passe", "contraseña", "wachtwoord", ... (after "is" only a word no dictionary
  holds: ``hunter2``, not "on the fridge"); tokens after "token" / "API key", and keys whose prefix names the
  service (``sk-``, ``ghp_``, ``xoxb-``, ``AKIA``, ``AIza``, ``hf_``, JWTs).
* ``NATIONAL_ID``: by checksum alone US SSNs as ``123-45-6789``, UK NINOs, Spanish DNI/NIE, grouped Aadhaar
  numbers, French INSEE numbers; after their word, plain-digit SSNs, Dutch BSNs, German tax IDs, Aadhaar, and
  passport / ID card numbers (6-9 capitals and digits).
* ``BANK_ACCOUNT``: US routing numbers (ABA checksum) after "routing"/"ABA", UK sort codes, and 6-20 digit account
  numbers after "account", "Kontonummer", "numéro de compte", "número de cuenta", "rekeningnummer", ...
* ``BIRTHDATE``: a date (numeric or with a month name in en/de/fr/es/nl) after "born", "DOB", "geboren am",
  "né le", "nacido el", "geboren op", ..., or before "geboren".
* ``COORDINATES``: latitude, longitude pairs with five decimals, a minus sign or a place word before ("I'm at",
  "location", "Standort"), and degrees-minutes-seconds pairs.
* ``IP``: IPv4 and IPv6 addresses that ``ipaddress`` accepts, not after "version".
* ``PHONE``: see ``_phone_ok`` in the detectors: international (``+CC``/``00CC``) numbers of a length
  ``phonenumbers`` finds possible for that country, national numbers with a trunk prefix (``0``, Russian ``8``)
  or a parenthesised area code, unformatted ten-digit numbers valid in the US or India (``4155550188``), and a
  few unambiguous national shapes; anything else only next to a cue word ("call", "tel", "número", "電話", ...).
  With ``regions`` given (see ``phone_regions``), ``phonenumbers.PhoneNumberMatcher`` also finds the numbers
  valid in those regions ("8123 4567" in Singapore). Dates are masked first; numbers followed by a currency or
  unit, or preceded by "order"/"invoice"/"ref"/... are not phones.
* ``PLATE``: licence plates after "plate", "Kennzeichen", "plaque d'immatriculation", "matrícula", "kenteken", ...
* ``ADDRESS``: house number + street in en/de/fr/es/pt (``221B Baker Street``, ``Hauptstraße 5``,
  ``12 rue de la Paix``, ``Calle Mayor 10``, ``Rua Augusta, 100``), capitalised or all lowercase
  (``221b baker street``).
* ``NAME``: other people's names given by the caller, whole-word and case-insensitive; a full name also
  matches its first name alone ("Sam Okafor" -> "Sam Okafor", "Sam"), both under the full name's placeholder.

Placeholders are ``<KIND_n>``, numbered per kind in order of first appearance, except URLs, which keep their
host: ``https://www.example.com/private/123?token=x`` -> ``<URL_1:example.com>`` (host lowercased, without
``www.``, port or credentials; an IP address is not kept: ``<URL_2>``). A ``Redactor`` keeps the entity ->
placeholder map, so one entity gets the same placeholder across a whole dataset (a phone number is one entity
by its E.164 form, so "+44 7700 900123" and, with region GB, "07700 900123" share one; an ID, account, plate or
postcode by its letters and digits). Only the detected spans change; every other character (whitespace, emoji,
bidi marks, case) is kept as it was. Digits are ASCII only (full-width or Devanagari digits are not read).
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from clone.dataset import detectors
from clone.dataset.detectors import (  # noqa: F401  (public API, imported from here by the tests and the CLI)
    SPELLED_AT,
    SPELLED_DOT,
    iban_valid,
    luhn_valid,
    mask,
    phone_key,
    phone_regions,
    url_host,
    url_placeholder,
)

KINDS = (  # precedence order
    "URL",
    "EMAIL",
    "CRYPTO",
    "IBAN",
    "CARD",
    "POSTCODE",  # before SECRET: an Indian "pin code 560001" is a postcode
    "SECRET",
    "NATIONAL_ID",  # before PHONE: "423-93-8499" is an SSN, not a phone
    "BANK_ACCOUNT",
    "BIRTHDATE",
    "COORDINATES",
    "IP",  # before PHONE: "192.168.1.23" would pass for a dotted phone number
    "PHONE",
    "PLATE",
    "ADDRESS",
    "NAME",
)
_NEEDS_DIGIT = frozenset(KINDS) - {"URL", "EMAIL", "SECRET", "NAME"}


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str


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
    "URL": detectors.find_urls,
    "EMAIL": detectors.find_emails,
    "CRYPTO": detectors.find_crypto,
    "IBAN": detectors.find_ibans,
    "CARD": detectors.find_cards,
    "POSTCODE": detectors.find_postcodes,
    "SECRET": detectors.find_secrets,
    "NATIONAL_ID": detectors.find_national_ids,
    "BANK_ACCOUNT": detectors.find_bank_accounts,
    "BIRTHDATE": detectors.find_birthdates,
    "COORDINATES": detectors.find_coordinates,
    "IP": detectors.find_ips,
    "PLATE": detectors.find_plates,
    "ADDRESS": detectors.find_addresses,
}  # and PHONE, which also needs the regions
_ANY_DIGIT = re.compile(r"[0-9]")


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
            found = detectors.find_phones(work, regions) if kind == "PHONE" else _DETECTORS[kind](work)
        if found:
            spans += [Span(s, e, kind) for s, e in found]
            work = mask(work, found)
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


_SPELLED_AT_RE = re.compile(SPELLED_AT, re.IGNORECASE)
_SPELLED_DOT_RE = re.compile(SPELLED_DOT, re.IGNORECASE)
_BRACKET_AT = re.compile(r"\s?[\[(]at[\])]\s?", re.IGNORECASE)
_BRACKET_DOT = re.compile(r"\s?[\[(]dot[\])]\s?", re.IGNORECASE)
_BY_ALNUM = frozenset({"CARD", "IBAN", "NATIONAL_ID", "BANK_ACCOUNT", "PLATE", "POSTCODE"})


def _entity_key(kind: str, value: str, regions: tuple[str, ...]) -> str:
    """What makes two mentions one entity: phones by ``phone_key``; cards, IBANs, IDs, accounts, plates and
    postcodes by their letters and digits, upper-case; IPs as ``ipaddress`` writes them; secrets and base58
    addresses as written (case matters there); URLs by host (no scheme, ``www.`` or case) and path; emails
    lowercased with ``(at)`` / " at " read as ``@``; everything else lowercased."""
    if kind == "PHONE":
        return phone_key(value, regions)
    if kind in _BY_ALNUM:
        return "".join(c for c in value if c.isalnum()).upper()
    if kind == "IP":
        return str(ipaddress.ip_address(value))
    if kind == "SECRET" or (kind == "CRYPTO" and value[:2].lower() not in ("0x", "bc")):
        return value
    if kind == "URL":
        rest = value.split("://", 1)[-1]
        return url_host(value) + rest[len(re.match(r"[^/?#]*", rest).group()) :].rstrip("/")
    if kind == "EMAIL":
        value = _SPELLED_AT_RE.sub("@", _BRACKET_AT.sub("@", value))
        value = _SPELLED_DOT_RE.sub(".", _BRACKET_DOT.sub(".", value))
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
            self._placeholders[key] = url_placeholder(n, value) if kind == "URL" else f"<{kind}_{n}>"
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
