"""Email importer: mbox files (Gmail Takeout, Thunderbird...) and single messages (.eml, Maildir files). One
platform, one file: its length is real mail's many encodings.

Each email becomes one message holding only what its sender wrote: the body is decoded with the stdlib
``email`` package (plus fallbacks for the charsets, bogus transfer encodings and raw 8-bit headers real
mail has), HTML-only bodies are turned into text, and quotes/signatures are cut by ``quotes.py``.

Fields: chat = the thread subject without Re:/Fwd:/AW:... prefixes; sender = From display name, else
address (address in ``extra["address"]``); id / reply_to = Message-ID / In-Reply-To (else the last
References id), without angle brackets; timestamp = the Date header's wall-clock time as the sender's
client wrote it, offset dropped (kept in ``extra["utc_offset"]``), like chat exports' local times;
without a usable Date, the mbox envelope date, else the first-hop Received date.
"""

from __future__ import annotations

import codecs
import email
import email.header
import email.policy
import email.utils
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from email.headerregistry import AddressHeader
from email.message import Message as MailMessage
from html.parser import HTMLParser
from typing import BinaryIO

from clone.errors import ImportFileError
from clone.importers import ExportFile, register
from clone.importers.quotes import extract_reply
from clone.importers.reading import safe_head
from clone.messages import Kind, Message, Note, Skipped, Source

PLATFORM = "email"
HEADERS = email.policy.default.header_factory  # the modern decoder, for the few headers we read
_BOM = b"\xef\xbb\xbf"

_FIELD = re.compile(rb"^[!-9;-~]+:")  # an RFC 5322 header line: printable field name, colon
_ENVELOPE = re.compile(
    rb"(?P<mon>[A-Z][a-z]{2}) +(?P<day>\d{1,2}) +(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
    rb"(?: +[A-Z]{3,4}| +[+-]\d{4})? +(?P<year>\d{4})"
)
_MAIL_HEADERS = frozenset(
    {
        b"from",
        b"to",
        b"cc",
        b"subject",
        b"date",
        b"message-id",
        b"received",
        b"return-path",
        b"mime-version",
        b"delivered-to",
        b"content-type",
        b"in-reply-to",
        b"references",
        b"x-gm-thrid",
        b"sender",
        b"reply-to",
        b"x-mailer",
        b"user-agent",
    }
)
# Headers only real messages have, so a YAML-ish "subject: x" file is not taken for mail.
_STRONG_HEADERS = frozenset(
    {
        b"from",
        b"received",
        b"message-id",
        b"return-path",
        b"date",
        b"mime-version",
        b"delivered-to",
        b"x-gm-thrid",
    }
)
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|tr|ref|rif|r|antw|odp|res|enc|vl|ynt|trs|rv|回复|回覆|答复|转发|轉寄)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_CHARSET_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "x-windows-949": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "iso-2022-jp": "iso2022_jp_ext",
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "",
    "unknown-8bit": "",
}
_ADJACENT_WORDS = re.compile(r"(\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?)")
_NO_CHARSET = frozenset({"", "us-ascii", "ascii", "none", "default"})


class MailImporter:
    """One importer per container shape; both share the per-message conversion."""

    def __init__(self, name: str, split: bool):
        self.name, self.split = name, split

    def sniff(self, file: ExportFile) -> bool:
        head = safe_head(file)  # a damaged zip member is no email
        lines = head.removeprefix(_BOM).splitlines()
        if len(head) >= 8192:
            lines = lines[:-1]  # cut mid-line
        return _sniff_mbox(lines) if self.split else _sniff_single(lines, file.name)

    def parse(self, file: ExportFile) -> Iterator[Message | Skipped | Note]:
        try:
            with file.open() as stream:
                chunks = _split_mbox(stream, file.name) if self.split else _single(stream, file.name)
                for line, envelope, raw in chunks:
                    record = _record(raw, envelope, Source(file.name, line))
                    if type(record) is Message and record.extra.get("sender_from"):
                        yield Note(record.source, f"sender taken from the {record.extra['sender_from']}")
                    yield record
        except OSError as error:
            raise ImportFileError(file.name, None, f"cannot read file ({error})") from None


# ---------------------------------------------------------------------------------------------------
# Containers: where each message starts, streaming.


def _sniff_mbox(lines: list[bytes]) -> bool:
    return len(lines) >= 2 and lines[0].startswith(b"From ") and bool(_FIELD.match(lines[1]))


def _sniff_single(lines: list[bytes], name: str) -> bool:
    """Headers first (Maildir files have no extension); an mbox-style first line only in a .eml."""
    if lines and lines[0].startswith(b"From "):
        if not name.lower().endswith(".eml"):
            return False
        lines = lines[1:]
    names: set[bytes] = set()
    for line in lines:
        if not line.strip():
            break
        if line[:1] in b" \t":
            continue  # folded continuation of the previous header
        if not _FIELD.match(line):
            return False
        names.add(line.split(b":", 1)[0].strip().lower())
    return len(names & _MAIL_HEADERS) >= 2 and bool(names & _STRONG_HEADERS)


def _single(stream: BinaryIO, name: str) -> Iterator[tuple[int, bytes | None, bytes]]:
    data = stream.read().removeprefix(_BOM)
    envelope = None
    if data.startswith(b"From "):
        envelope, _, data = data.partition(b"\n")
    if not _FIELD.match(data):
        raise ImportFileError(name, 1, "not an email: the file does not start with mail headers")
    yield 1, envelope, data


def _split_mbox(stream: BinaryIO, name: str) -> Iterator[tuple[int, bytes | None, bytes]]:
    """Split on "From " lines that are followed by a header line.

    Python's mailbox splits on every "From " line, so an unescaped "From time to time" in a body starts
    a bogus message; here such a line stays in the body. ">From " (mboxrd escaping) is unescaped.
    """
    start, envelope, body = 0, None, []
    candidate: tuple[int, bytes] | None = None
    for number, line in enumerate(stream, 1):
        if number == 1:
            line = line.removeprefix(_BOM)
        if candidate:
            if _FIELD.match(line):
                if envelope is not None:
                    yield start, envelope, b"".join(body)
                (start, envelope), body = candidate, []
            elif envelope is None:
                raise ImportFileError(name, candidate[0], "not an mbox: no headers after the 'From ' line")
            else:
                body.append(candidate[1])
            candidate = None
        if line.startswith(b"From "):
            candidate = (number, line)
        elif envelope is not None:
            body.append(_unescape(line))
        elif line.strip():
            raise ImportFileError(name, number, "not an mbox: expected a 'From ' line followed by headers")
    if candidate and envelope is None:
        raise ImportFileError(name, candidate[0], "not an mbox: no headers after the 'From ' line")
    if candidate:
        body.append(candidate[1])
    if envelope is not None:
        yield start, envelope, b"".join(body)


def _unescape(line: bytes) -> bytes:
    """mboxrd: a body line ">From " (any number of ">") was written with one ">" more."""
    return line[1:] if line.startswith(b">") and line.lstrip(b">").startswith(b"From ") else line


# ---------------------------------------------------------------------------------------------------
# One email -> Message or Skipped.


def _record(raw: bytes, envelope: bytes | None, source: Source) -> Message | Skipped:
    try:
        return _convert(parse_message(raw), envelope, source)
    except Exception as error:  # the stdlib parser has odd corners (IndexError...); skip, never crash
        return Skipped(source, "unreadable email", f"{type(error).__name__}: {error}")


def parse_message(raw: bytes) -> MailMessage:
    """compat32 parses several times faster than policy.default (which decodes every header it
    touches); headers are decoded on demand by ``header_text``/``addresses`` instead."""
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def _convert(msg: MailMessage, envelope: bytes | None, source: Source) -> Message | Skipped:
    subject = header_text(msg, "subject")
    timestamp, offset = _timestamp(msg, envelope)
    if timestamp is None:
        return Skipped(source, "no parseable Date header", subject)
    senders = addresses(msg, "from") or addresses(msg, "sender")
    from_envelope = not senders and envelope is not None and (address := envelope_sender(envelope)) is not None
    if from_envelope:
        senders = [("", address)]
    if not senders:
        return Skipped(source, "no sender (From header)", subject)
    name, address = senders[0]
    text = extract_reply(body_text(msg), name or address)
    if not text:
        return Skipped(source, "empty after removing quotes", subject)
    extra = {"address": address, "subject": subject}
    if from_envelope:
        extra["sender_from"] = ENVELOPE_SENDER
    extra.update({key: ", ".join(_format(a) for a in found) for key in ("to", "cc") if (found := addresses(msg, key))})
    if offset:
        extra["utc_offset"] = offset
    message_id = _ids(header_text(msg, "message-id"))
    return Message(
        platform=PLATFORM,
        chat=thread_subject(subject),
        sender=name or address,
        timestamp=timestamp,
        text=text,
        kind=Kind.TEXT,
        file=source.file,
        line=source.line,
        id=message_id[0] if message_id else None,
        reply_to=_reply_to(msg),
        extra=extra,
    )


def thread_subject(subject: str) -> str:
    """The thread's name: the subject without reply/forward prefixes ("Re: AW: Fwd: x" -> "x")."""
    return _SUBJECT_PREFIX.sub("", subject).strip() or "(no subject)"


def _reply_to(msg: MailMessage) -> str | None:
    parent = _ids(header_text(msg, "in-reply-to"))[:1] or _ids(header_text(msg, "references"))[-1:]
    return parent[0] if parent else None


def _ids(value: str) -> list[str]:
    found = re.findall(r"<([^<>\s]+)>", value)
    return found or value.split()[:1]


def _format(pair: tuple[str, str]) -> str:
    name, address = pair
    return f"{name} <{address}>" if name and address else name or address


# ---------------------------------------------------------------------------------------------------
# Headers: raw 8-bit bytes and broken encoded words are repaired before the stdlib parses them.


def _raw_header(msg: MailMessage, name: str) -> str | None:
    value = next((v for k, v in msg.raw_items() if k.lower() == name), None)
    return None if value is None else re.sub(r"\r?\n(?=[ \t])|\r|\n", "", value)


def _repair(value: str) -> str:
    """Decode raw 8-bit header bytes: UTF-8 (RFC 6532) else Windows-1252. Inside a Q encoded word
    (Eudora's ``=?iso-8859-1?Q?J<byte FC>rgen?=``) they are in the word's charset, so they become =XX."""
    value = _ADJACENT_WORDS.sub(r"\1", value)  # RFC 2047: space between encoded words is not text
    data = value.encode("ascii", "surrogateescape")
    if data.isascii():
        return value
    data = re.sub(
        rb"=\?[^?\s]+\?[Qq]\?[^?\s]*?\?=",
        lambda m: re.sub(rb"[\x80-\xff]", lambda b: b"=%02X" % b.group()[0], m.group()),
        data,
    )
    return _decode_bytes(data, None)


def header_text(msg: MailMessage, name: str) -> str:
    """A header decoded to text ("" when absent): encoded words, raw UTF-8/Latin-1, UTF-7 words."""
    raw = _raw_header(msg, name)
    if raw is None:
        return ""
    value = _repair(raw)
    try:
        return str(HEADERS(name, value)).strip()
    except Exception:  # malformed structured header: fall back to plain encoded-word decoding
        return _decode_words(value)


def _decode_words(value: str) -> str:
    try:
        parts = email.header.decode_header(value)
    except Exception:
        return value.strip()
    return "".join(p if isinstance(p, str) else _decode_bytes(p, c) for p, c in parts).strip()


def addresses(msg: MailMessage, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header."""
    raw = _raw_header(msg, name)
    if raw is None:
        return []
    value = _repair(raw)
    try:
        header = HEADERS(name, value)
        if not isinstance(header, AddressHeader):
            raise TypeError(f"{name} is not an address header")
        pairs = [(a.display_name.strip(), a.addr_spec.strip("<> ")) for a in header.addresses]
    except Exception:  # unparseable: the stdlib's lenient splitter on the decoded text
        pairs = email.utils.getaddresses([_decode_words(value)])
    return [(n, a) for n, a in pairs if n or a]


def _timestamp(msg: MailMessage, envelope: bytes | None) -> tuple[datetime | None, str]:
    """The first plausible of: Date header, mbox envelope date, first-hop Received date."""
    for when in _dates(msg, envelope):
        if when is not None and 1970 <= when.year <= datetime.now().year + 1:
            offset = when.strftime("%z") if when.tzinfo else ""
            return when.replace(tzinfo=None), offset and f"{offset[:3]}:{offset[3:5]}"
    return None, ""


def _dates(msg: MailMessage, envelope: bytes | None) -> Iterator[datetime | None]:
    yield _parse_date(_raw_header(msg, "date") or "")
    if envelope:
        yield _envelope_date(envelope)
    received = [value for key, value in msg.raw_items() if key.lower() == "received"]
    if received:
        yield _parse_date(received[-1].rpartition(";")[2])


def _parse_date(value: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(" ".join(value.split()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


ENVELOPE_SENDER = "mbox envelope (no From header)"
_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}")


def envelope_sender(envelope: bytes) -> str | None:
    """The address of "From b1ff@example.com Sun May  6 ...", for a message without From/Sender headers;
    None where the envelope holds no address (Gmail writes "From 1712345678901234567@xxx", an id)."""
    parts = envelope.split(None, 2)
    if len(parts) < 2:
        return None
    address = parts[1].decode("utf-8", "replace").strip("<>")
    return address if _ADDRESS.fullmatch(address) and address.upper() != "MAILER-DAEMON" else None


def _envelope_date(envelope: bytes) -> datetime | None:
    """ "From sender Sun Aug  7 11:40:37 2022 ..." -> its (delivery) time; Gmail adds "+0000"."""
    match = _ENVELOPE.search(envelope)
    if not match:
        return None
    time = match["time"].decode() + (":00" if match["time"].count(b":") == 1 else "")
    text = f"{match['day'].decode()} {match['mon'].decode()} {match['year'].decode()} {time}"
    try:
        return datetime.strptime(text, "%d %b %Y %H:%M:%S")
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------------
# Bodies: prefer text/plain, else HTML turned into text; attachments and attached emails are ignored.


def body_text(msg: MailMessage) -> str:
    """The readable body of a message, format=flowed unwrapped and NBSPs (HTML debris) made spaces."""
    chosen = "\n\n".join(text for _, text in _texts(msg) if text.strip())
    return chosen.replace("\u00a0", " ")


def _texts(part: MailMessage) -> list[tuple[str, str]]:
    """(subtype, text) of the readable parts under ``part``, in order."""
    if part.get_content_disposition() == "attachment" or part.get_content_type() == "message/rfc822":
        return []
    if part.is_multipart():
        return _multipart_texts(part, part.get_payload())  # type: ignore[arg-type]
    maintype, subtype = part.get_content_maintype(), part.get_content_subtype()
    if maintype == "multipart":  # boundary missing or broken: find the parts ourselves
        return _multipart_texts(part, _recover_parts(part))
    if maintype != "text" or subtype not in ("plain", "html"):
        return []
    text = _decode_part(part)
    return [(subtype, html_to_text(text) if subtype == "html" else text)]


def _multipart_texts(part: MailMessage, subparts: Iterable[MailMessage]) -> list[tuple[str, str]]:
    subtype = part.get_content_subtype()
    subparts = list(subparts)
    if subtype == "alternative":
        return _alternative(subparts)
    if subtype in ("signed", "related", "encrypted"):
        subparts = subparts[:1]  # the content; the rest is a signature or inline images
    pairs = [pair for sub in subparts for pair in _texts(sub)]
    # an HTML twin of a plain part outside multipart/alternative (e.g. a boundary re-used by a nested
    # part flattens the alternative into the parent): keep the plain text only
    has_plain = any(kind == "plain" for kind, _ in pairs)
    return [pair for pair in pairs if pair[0] == "plain" or not has_plain]


def _alternative(subparts: list[MailMessage]) -> list[tuple[str, str]]:
    """The plain-text version if there is one (HTML is converted only when needed), else the first."""
    fallback: list[tuple[str, str]] = []
    for sub in sorted(subparts, key=lambda sub: sub.get_content_type() == "text/html"):
        texts = _texts(sub)
        if texts and all(kind == "plain" for kind, _ in texts):
            return texts
        fallback = fallback or texts
    return fallback


def _recover_parts(part: MailMessage) -> list[MailMessage]:
    """Re-split a multipart whose boundary Python could not use (e.g. an unquoted "boundary=----=_x")."""
    raw = _raw_header(part, "content-type") or ""
    match = re.search(r'boundary\s*=\s*"?([^";]+)"?', raw, re.IGNORECASE)
    payload = part.get_payload()
    if not match or not isinstance(payload, str):
        return []
    data = payload.encode("ascii", "surrogateescape")
    delimiter = b"--" + match.group(1).strip().encode("ascii", "surrogateescape")
    chunks = re.split(rb"(?m)^" + re.escape(delimiter) + rb"(?:--)?[ \t]*\r?$\n?", data)[1:]
    return [parse_message(chunk) for chunk in chunks if chunk.strip()]


def _decode_part(part: MailMessage) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if not isinstance(data, bytes):
        payload = part.get_payload()
        data = payload.encode("ascii", "surrogateescape") if isinstance(payload, str) else b""
    text = _decode_bytes(data, _param(part, "charset"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _param(part, "format").lower() == "flowed":
        text = unflow(text, _param(part, "delsp").lower() == "yes")
    return text


def _param(part: MailMessage, name: str) -> str:
    return str(email.utils.collapse_rfc2231_value(part.get_param(name, "")))  # type: ignore[arg-type]


def _decode_bytes(data: bytes, charset: object) -> str:
    """The declared charset (aliased) if it decodes cleanly, else UTF-8, else the declared one lossily;
    undeclared bytes that are not UTF-8 are read as Windows-1252, run by run."""
    declared = _codec(charset)
    for codec in dict.fromkeys(filter(None, [declared, "utf-8"])):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    if declared:
        return data.decode(declared, errors="replace")
    text = data.decode("utf-8", errors="surrogateescape")
    return re.sub(
        "[\udc80-\udcff]+",
        lambda m: m.group().encode("utf-8", "surrogateescape").decode("cp1252", errors="replace"),
        text,
    )


def _codec(charset: object) -> str:
    name = str(charset or "").strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    if name in _NO_CHARSET:
        return ""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def unflow(text: str, delsp: bool) -> str:
    """Join RFC 3676 format=flowed soft line breaks (a trailing space) within the same quote depth."""
    out: list[str] = []
    pending: tuple[int, str] | None = None
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        body = line[depth:].removeprefix(" ")  # space-stuffing
        if pending and pending[0] == depth:
            body = pending[1] + body
        elif pending:
            out.append(_requote(*pending))
        pending = None
        if body.endswith(" ") and line[depth:].removeprefix(" ") != "-- ":
            pending = (depth, body[:-1] if delsp else body)
        else:
            out.append(_requote(depth, body))
    if pending:
        out.append(_requote(*pending))
    return "\n".join(out)


def _requote(depth: int, body: str) -> str:
    return ">" * depth + (" " + body if depth and body else body)


class _HTMLText(HTMLParser):
    """HTML -> text: block tags break lines, <blockquote> and client quote containers become "> "."""

    SKIP = frozenset({"style", "script", "head", "title", "xml"})
    BLOCK = frozenset(
        {
            "div",
            "tr",
            "li",
            "ul",
            "ol",
            "table",
            "pre",
            "dt",
            "dd",
            "section",
            "article",
            "header",
            "footer",
            "address",
            "center",
            "blockquote",
        }
    )
    PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})
    VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr"})
    QUOTE_MARKS = ("gmail_quote", "yahoo_quoted", "olk_src_body_section")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list] = [[None, ""]]  # [quote depth of the line, text]
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a quote level)
        self.skip = self.quote = self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._newline(force=True)
        elif tag == "hr" and any(text.strip() for _, text in self.lines):
            self._newline()  # Outlook & co. put a rule above the quoted header block
            self._write("_" * 32)
            self._newline()
        if tag in self.VOID:
            return
        marks = " ".join(v or "" for k, v in attrs if k in ("class", "id")).lower()
        quote = tag == "blockquote" or any(m in marks for m in self.QUOTE_MARKS)
        if "msonormal" in marks:
            tag = "div"  # Outlook's paragraphs have no margin: one per line, not blank-separated
        self._block(tag)
        self.stack.append((tag, quote))
        self.skip += tag in self.SKIP
        self.pre += tag == "pre"
        self.quote += quote

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and "p" not in (name for name, _ in self.stack):
            tag = "div"  # the MsoNormal <p> recorded as "div"
        if tag not in (name for name, _ in self.stack):
            return  # stray end tag
        while self.stack:
            name, quote = self.stack.pop()
            self.skip -= name in self.SKIP
            self.pre -= name == "pre"
            self.quote -= quote
            self._block(name)
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not self.pre:
            self._write(re.sub(r"[ \t\r\n\f]+", " ", data))  # NBSP is kept: Outlook's blank lines
            return
        for i, piece in enumerate(data.split("\n")):
            if i:
                self._newline(force=True)
            self._write(piece)

    def _block(self, tag: str) -> None:
        if tag in self.PARAGRAPH:
            self._newline()
            self._newline(force=True)  # a paragraph is set off by a blank line
        elif tag in self.BLOCK:
            self._newline()

    def _write(self, text: str) -> None:
        line = self.lines[-1]
        if not self.pre and not line[1]:
            text = text.lstrip(" ")  # indentation from the HTML source, not from the author
        if line[0] is None and text.strip():
            line[0] = self.quote
        line[1] += text

    def _newline(self, force: bool = False) -> None:
        """Start a new line; unforced only if the current one has text (blocks do not stack up)."""
        if force or self.lines[-1][1].strip(" "):
            self.lines.append([None, ""])

    def text(self) -> str:
        rendered = ["> " * (depth or 0) + text.rstrip() for depth, text in self.lines]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in rendered)).strip("\n")


def html_to_text(html: str) -> str:
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return parser.text()


EML = register(MailImporter("eml", split=False))
MBOX = register(MailImporter("mbox", split=True))
