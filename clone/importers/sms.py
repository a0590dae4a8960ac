"""Android SMS/MMS: the XML backup of "SMS Backup & Restore" (``sms-<date>.xml``, root ``<smses>``).

``<sms address date type body contact_name .../>`` is one text: type 1 was received, 2 sent (by the owner,
``OWNER``; import with ``--me Me``); drafts, the outbox, failed and queued ones (3-6) are skipped. ``<mms>``
holds ``<parts>`` (``text/plain`` parts are its text; others are media) and ``<addrs>`` (type 137 is the
sender); ``msg_box`` 2 means sent. A group MMS is one chat named after its members. ``contact_name`` maps
numbers to the phone's contact names ("(Unknown)": none, the number is kept; an MMS lists several, comma
separated, in the order of its ``~``-separated ``address``). ``date`` is epoch milliseconds: timestamps are
naive UTC, like the other importers that get only epoch times.

Read as a stream with expat, no tree built (a backup with photos runs to gigabytes); the records are handed
out once the file is read, when every number's contact name is known. A DOCTYPE or an
entity declaration is refused before it is expanded: the app never writes one, and "billion laughs" lives
there. Some apps write an emoji as two UTF-16 surrogate references (``&#55357;&#56832;``), which XML forbids:
they are joined into one character before parsing. A file cut short keeps what it holds, with the cut
reported as a skip.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from xml.parsers import expat

from clone.errors import ImportFileError
from clone.importers import ExportFile, register
from clone.importers import limits as _limits
from clone.importers.reading import safe_head
from clone.messages import OWNER, Kind, Message, Skipped, Source

PLATFORM = "sms"
UNKNOWN = "(Unknown)"
CHUNK = 1 << 20
# The root <smses>, after the declaration, comments and the stylesheet; or a DOCTYPE naming it, so that one
# is refused with its reason rather than called an unknown format.
_ROOT = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*)*(?:<smses[\s>]|<!DOCTYPE\s+smses\b)",
    re.DOTALL,
)
SENT, RECEIVED = "2", "1"
MMS_FROM = "137"
_NOT_DELIVERED = {"3": "draft", "4": "outbox", "5": "failed", "6": "queued"}
_TRUNCATED = {
    expat.errors.codes[m] for m in (expat.errors.XML_ERROR_NO_ELEMENTS, expat.errors.XML_ERROR_UNCLOSED_TOKEN)
}

# UTF-16 surrogates as character references, decimal or hex: high D800-DBFF (55296-56319), low DC00-DFFF
# (56320-57343). XML forbids them; a high one followed by a low one is one character.
_HIGH = rb"&#(?:(55(?:29[6-9]|[3-9]\d\d)|56(?:[0-2]\d\d|3[01]\d))|[xX]([dD][89abAB][0-9a-fA-F]{2}));"
_LOW = rb"&#(?:(56(?:3[2-9]\d|[4-9]\d\d)|57(?:[0-2]\d\d|3[0-3]\d|34[0-3]))|[xX]([dD][c-fC-F][0-9a-fA-F]{2}));"
_PAIR = re.compile(_HIGH + _LOW)
_LONE = re.compile(_HIGH + b"|" + _LOW)
_HIGH_AT_END = re.compile(_HIGH + b"$")


class SmsImporter:
    name = "sms"

    def sniff(self, file: ExportFile) -> bool:
        return bool(_ROOT.match(safe_head(file)))

    def parse(self, file: ExportFile) -> Iterator[Message | Skipped]:
        reader = _Reader(file.name)
        with file.open() as stream:
            for chunk in _repaired_chunks(stream):
                reader.feed(chunk, final=False)
        reader.feed(b"", final=True)
        yield from reader.finish()


def _repaired_chunks(stream: BinaryIO) -> Iterator[bytes]:
    """The file's bytes with surrogate-pair references joined; a reference cut by a chunk's end waits."""
    carry = b""
    while chunk := stream.read(CHUNK):
        data = carry + chunk
        cut = data.find(b"&", max(0, len(data) - 24))
        if cut >= 0:
            before = _HIGH_AT_END.search(data, max(0, cut - 10), cut)
            cut = before.start() if before else cut
            data, carry = data[:cut], data[cut:]
        else:
            carry = b""
        yield _join_surrogates(data)
    if carry:
        yield _join_surrogates(carry)


def _join_surrogates(data: bytes) -> bytes:
    if b"&#" not in data:
        return data
    return _LONE.sub(b"&#65533;", _PAIR.sub(_pair, data))  # an unpaired surrogate is a broken character


def _pair(match: re.Match[bytes]) -> bytes:
    high = int(match[1]) if match[1] else int(match[2], 16)
    low = int(match[3]) if match[3] else int(match[4], 16)
    return b"&#%d;" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


@dataclass(slots=True)
class _Pending:
    """A message whose chat and sender are named once the whole file is read: a later record may be the one
    that names a number, and sent MMS give the owner's own number (left out of group names)."""

    source: Source
    numbers: list[str]  # the chat's members, as the record lists them
    sender: str | None  # OWNER, or a number
    when: datetime
    text: str
    kind: Kind
    extra: dict[str, str]


class _Reader:
    """An expat parser turning ``<sms>`` and ``<mms>`` elements into records as the bytes arrive."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.records: list[_Pending | Skipped] = []
        self.mms: _Mms | None = None
        self.contacts: dict[str, str] = {}  # number key -> contact name
        self.owner: set[str] = set()  # number keys of the owner (the sender of sent MMS)
        self.depth = 0
        self.parser = expat.ParserCreate("UTF-8")  # what the app writes, whatever a damaged declaration says
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartDoctypeDeclHandler = self._refuse
        self.parser.EntityDeclHandler = self._refuse

    def feed(self, data: bytes, final: bool) -> None:
        try:
            self.parser.Parse(data, final)
        except (LookupError, ValueError) as error:  # e.g. an encoding expat does not know
            raise ImportFileError(self.name, self.parser.CurrentLineNumber, f"malformed XML ({error})") from None
        except expat.ExpatError as error:
            if not (final and error.code in _TRUNCATED and self.depth):
                reason = f"malformed XML ({expat.ErrorString(error.code)})"
                raise ImportFileError(self.name, error.lineno, reason) from None
            self.records.append(Skipped(Source(self.name, error.lineno), "file cut off here (truncated backup)"))

    def finish(self) -> Iterator[Message | Skipped]:
        for record in self.records:
            yield record if isinstance(record, Skipped) else self._message(record)

    def _message(self, pending: _Pending) -> Message:
        others = [n for n in pending.numbers if _key(n) not in self.owner] or pending.numbers
        chat = ", ".join(self._name(n) for n in others) or "unknown"
        sender = pending.sender if pending.sender in (OWNER, None) else self._name(pending.sender)
        source = pending.source
        return Message(
            PLATFORM,
            chat,
            sender,
            pending.when,
            pending.text,
            pending.kind,
            source.file,
            source.line,
            extra=pending.extra,
        )

    def _name(self, number: str) -> str:
        return self.contacts.get(_key(number), number)

    def _learn(self, number: str, name: str | None) -> None:
        name = _value(name).strip()
        if number and name and name != UNKNOWN:
            self.contacts.setdefault(_key(number), name)

    def _refuse(self, *_: object) -> None:
        line = self.parser.CurrentLineNumber
        raise ImportFileError(self.name, line, "XML with a DOCTYPE or entity declaration (refused: never in a backup)")

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        line = self.parser.CurrentLineNumber
        if self.depth == 1:
            if tag != "smses":
                raise ImportFileError(self.name, line, f"not an SMS Backup & Restore file (root <{tag}>)")
        elif self.depth == 2:
            if tag == "sms":
                self.records.append(self._sms(attrs, Source(self.name, line)))
            elif tag == "mms":
                self.mms = _Mms(attrs, Source(self.name, line))
            else:
                self.records.append(Skipped(Source(self.name, line), f"unknown element <{tag}>"))
        elif self.mms is not None and tag == "part":
            self.mms.parts.append(attrs)
        elif self.mms is not None and tag == "addr":
            self.mms.addrs.append(attrs)

    def _end(self, tag: str) -> None:
        self.depth -= 1
        if self.depth == 1 and tag == "mms" and self.mms is not None:
            self.records.append(self._mms(self.mms))
            self.mms = None

    def _sms(self, attrs: dict[str, str], source: Source) -> _Pending | Skipped:
        when = _delivered(attrs, "type", source)
        if isinstance(when, Skipped):
            return when
        kind = attrs.get("type", "")
        address = attrs.get("address", "").strip()
        self._learn(address, attrs.get("contact_name"))
        body = _value(attrs.get("body"))
        if not body.strip():
            return Skipped(source, "empty message")
        if len(body) > _limits.current().line_chars:
            return Skipped(source, "message longer than the import limit line_chars", body[:200])
        sender = OWNER if kind == SENT else address or None
        return _Pending(source, [address] if address else [], sender, when, body, Kind.TEXT, _extra(address))

    def _mms(self, mms: _Mms) -> _Pending | Skipped:
        attrs, source = mms.attrs, mms.source
        when = _delivered(attrs, "msg_box", source)
        if isinstance(when, Skipped):
            return when
        numbers = [n.strip() for n in attrs.get("address", "").split("~") if n.strip()]
        names = [n.strip() for n in _value(attrs.get("contact_name")).split(",")]
        for number, name in zip(numbers, names, strict=False) if len(names) == len(numbers) else ():
            self._learn(number, name)
        sender = next((a.get("address", "").strip() for a in mms.addrs if a.get("type") == MMS_FROM), "") or None
        if attrs.get("msg_box") == SENT:
            if sender:
                self.owner.add(_key(sender))
            sender = OWNER
        text = "\n".join(_value(p.get("text")) for p in mms.parts if p.get("ct") == "text/plain").strip()
        media = [p.get("ct", "") for p in mms.parts if p.get("ct") not in ("text/plain", "application/smil")]
        if len(text) > _limits.current().line_chars:
            return Skipped(source, "message longer than the import limit line_chars", text[:200])
        extra = _extra(attrs.get("address", "").strip())
        if media:
            extra["media"] = ", ".join(media)
            return _Pending(source, numbers, sender, when, text or f"<{', '.join(media)}>", Kind.MEDIA, extra)
        if not text:
            return Skipped(source, "empty message")
        return _Pending(source, numbers, sender, when, text, Kind.TEXT, extra)


@dataclass
class _Mms:
    """One ``<mms>`` element being read: its attributes, then its parts and addresses."""

    attrs: dict[str, str]
    source: Source
    parts: list[dict[str, str]] = field(default_factory=list)
    addrs: list[dict[str, str]] = field(default_factory=list)


def _delivered(attrs: dict[str, str], box: str, source: Source) -> datetime | Skipped:
    """A record's time when it was sent or received (``box``: "type" of an SMS, "msg_box" of an MMS)."""
    when = _millis(attrs.get("date"))
    if when is None:
        return Skipped(source, "no valid date", attrs.get("date", ""))
    kind = attrs.get(box, "")
    if kind not in (SENT, RECEIVED):
        return Skipped(source, f"not sent or received ({_NOT_DELIVERED.get(kind, f'{box} {kind!r}')})")
    return when


def _value(text: str | None) -> str:
    """An attribute's text; the app writes "null" for an empty field."""
    return "" if text is None or text == "null" else text


def _key(number: str) -> str:
    """A phone number's identity: its last ten digits ("+1 555-010-0001" and "5550100001" are one number)."""
    digits = re.sub(r"\D", "", number)
    return digits[-10:] if digits else number.strip().casefold()


def _millis(value: str | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value or "") / 1000, UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return None


def _extra(address: str) -> dict[str, str]:
    return {"address": address} if address else {}


register(SmsImporter())
