"""Long-form writing read as documents: Markdown and plain text (notes, journals), HTML pages, WordPress exports
(WXR), Word .docx files, and sent e-mails (mbox / .eml). Every file becomes documents or a skip with its reason,
as chat importers account for every line; clone/documents.py redacts, splits and stores what is read here.

These are not chat importers (nothing here registers): `clone import --documents` (or `--author NAME`) reads
its paths only through ``read_documents``.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

import yaml

from clone.errors import CloneError, ImportFileError
from clone.importers import ExportFile, FileReport
from clone.importers.mail import EML, MBOX, html_to_text
from clone.importers.reading import READ_ERRORS, detect_encoding, safe_head
from clone.messages import Document, Kind, Message, Note, Skipped, Source

SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xml": "wordpress",
    ".docx": "docx",
    ".mbox": "email",
    ".eml": "email",
}
KNOWN = "Markdown, plain text, HTML, WordPress export (.xml), Word (.docx), e-mail (mbox, .eml)"
_TEXT_NAMES = {"markdown": "Markdown text", "text": "plain text", "html": "HTML"}
MAX_DOCX_BYTES = 256 << 20  # what a .docx's parts may decompress to: a real one is a few MB, a zip bomb is not
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_DATED_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_HTML_TITLE = re.compile(rb"<(title|h1)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)


@dataclass
class DocumentResult:
    """What ``read_documents`` read: the documents, a report per file (documents per format, skips per reason)."""

    documents: list[Document] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class _Unreadable(Exception):
    """A file that cannot become a document, and why (one skip, never a failed import)."""


def read_documents(
    paths: Iterable[str | Path], *, author: str | None = None, me: Iterable[str] = (), max_chars: int = 1_000_000
) -> DocumentResult:
    """Read every file under ``paths`` (files, folders, zips) as documents by ``author`` (None: the person).
    ``me``: the person's names, to tell their sent e-mails from the rest; ``max_chars``: a longer document is
    skipped with its reason (a dump, a log), never cut."""
    result = DocumentResult()
    senders = {n.casefold() for n in ([author] if author else me)}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise CloneError(f"{path}: no such file or folder")
        for file in _files(path):
            report = FileReport(file.name, document_format(file) or "unknown")
            for record in read_file(file, author, senders, max_chars):
                if type(record) is Skipped:
                    report.skipped[record.reason] += 1
                    result.skipped.append(record)
                else:
                    report.kinds[record.source] += 1
                    result.documents.append(record)
            result.reports.append(report)
    return result


def _files(path: Path) -> Iterator[ExportFile]:
    """Folders are walked and zips opened, except .docx files: a Word document is a zip, read whole."""
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            yield from _files(child)
    elif path.suffix.lower() != ".docx" and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if not m.endswith("/") and not m.startswith("__MACOSX/")]
        except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as error:
            raise CloneError(f"{path}: damaged zip archive ({error})") from None
        yield from (ExportFile(path, member) for member in sorted(members))
    else:
        yield ExportFile(path)


def document_format(file: ExportFile) -> str | None:
    """The format a file is read in: by its suffix, and mail by its content (Maildir files have no suffix)."""
    fmt = SUFFIXES.get(Path(file.member or file.path).suffix.lower())
    if fmt is None and (MBOX.sniff(file) or EML.sniff(file)):
        return "email"
    return fmt


def read_file(file: ExportFile, author: str | None, senders: set[str], max_chars: int) -> Iterator[Document | Skipped]:
    """The documents in one file, or the skip that says why there are none."""
    where = Source(file.name, 1)
    fmt = document_format(file)
    try:
        if fmt is None:
            raise _Unreadable(_not_a_document(file))
        if fmt == "email":
            yield from _emails(file, author, senders, max_chars)
        elif fmt == "wordpress":
            yield from _wordpress(file, author, max_chars)
        else:
            yield _checked(_whole_file(file, fmt, author, max_chars), max_chars)
    except _Unreadable as reason:
        yield Skipped(where, str(reason))
    except ImportFileError as error:  # a damaged mbox: what was read before it stays
        yield Skipped(Source(file.name, error.line or 1), error.reason)
    except READ_ERRORS as error:
        yield Skipped(where, f"cannot read the file ({type(error).__name__}: {error})")


def _not_a_document(file: ExportFile) -> str:
    suffix = Path(file.member or file.path).suffix.lower()
    if looks_binary(safe_head(file)):
        kind = f"binary {suffix} file" if suffix else "binary file"
        return f"{kind}, not a document (documents: {KNOWN})"
    return f"not a document format ({suffix or 'no suffix'}; documents: {KNOWN})"


def looks_binary(sample: bytes) -> bool:
    """Bytes that are no text: no text encoding reads them, or control bytes that text never holds (a NUL outside
    UTF-16/32, or more than one byte in a hundred below 0x20 that is no tab, newline or form feed)."""
    encoding = detect_encoding(sample[:4096])
    if encoding is None:
        return True
    if encoding.replace("_", "-").startswith(("utf-16", "utf-32")):
        return False
    controls = sum(sample.count(bytes([b])) for b in (*range(0, 9), 11, *range(14, 27), *range(28, 32), 127))
    return b"\x00" in sample or controls * 100 > len(sample)


def _checked(document: Document, max_chars: int) -> Document:
    if not document.text.strip():
        raise _Unreadable("empty document")
    if len(document.text) > max_chars:
        raise _Unreadable(_too_long(len(document.text), max_chars))
    return document


def _too_long(size: int, max_chars: int, unit: str = "") -> str:
    return (
        f"longer than {max_chars:,} characters ({size:,}{unit}): skipped, not cut "
        "(raise max_document_chars if it is real writing)"
    )


def _size(file: ExportFile) -> int:
    if file.member is None:
        return file.path.stat().st_size
    with zipfile.ZipFile(file.path) as archive:
        return archive.getinfo(file.member).file_size


def _whole_file(file: ExportFile, fmt: str, author: str | None, max_chars: int) -> Document:
    """A file that is one document: Markdown, text, HTML or .docx."""
    size = _size(file)
    if size == 0:
        raise _Unreadable("empty document")
    if fmt != "docx" and size > 4 * max_chars:  # UTF-8 takes at most 4 bytes a character: longer for sure
        raise _Unreadable(_too_long(size, max_chars, " bytes"))
    if size > MAX_DOCX_BYTES:
        raise _Unreadable(f"a .docx of {size:,} bytes: more than the {MAX_DOCX_BYTES:,} a Word document is read to")
    with file.open() as stream:
        raw = stream.read(MAX_DOCX_BYTES + 1)
    stem = Path(file.member or file.path).stem
    if fmt == "docx":
        title, written, text = _docx(raw)
    else:
        title, written, text = _text(raw, fmt, stem)
    return Document(file.name, title or stem, author, written or _date_in_name(stem), text, fmt)


def _text(raw: bytes, fmt: str, stem: str) -> tuple[str, datetime | None, str]:
    encoding = detect_encoding(raw[: 1 << 16])
    if encoding is None or looks_binary(raw[: 1 << 16]):
        raise _Unreadable(f"binary data, not {_TEXT_NAMES[fmt]}")
    text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace")
    if fmt == "html":
        found = _HTML_TITLE.search(raw)
        title = html.unescape(re.sub(r"<[^>]+>", "", found.group(2).decode(encoding, "replace"))) if found else ""
        return " ".join(title.split()), None, html_to_text(text)
    if fmt == "markdown":
        meta, text = _front_matter(text)
        heading = _HEADING.search(text)
        title = str(meta.get("title") or (heading.group(1) if heading else ""))
        return title, _as_datetime(meta.get("date")), text.strip()
    return "", None, text.strip()


def _front_matter(text: str) -> tuple[dict, str]:
    """A Markdown file's YAML front matter (Jekyll, Hugo, Obsidian) and the text after it."""
    found = _FRONT_MATTER.match(text)
    if not found:
        return {}, text
    try:
        meta = yaml.safe_load(found.group(1))
    except yaml.YAMLError:
        return {}, text  # not front matter after all: a rule line at the top; keep it all as text
    return (meta if isinstance(meta, dict) else {}), text[found.end() :]


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def _date_in_name(stem: str) -> datetime | None:
    """Notes and journal pages are often named by their day: "2025-03-04 climbing.md"."""
    found = _DATED_NAME.search(stem)
    try:
        return datetime(*map(int, found.groups())) if found else None
    except ValueError:
        return None


def _docx(raw: bytes) -> tuple[str, datetime | None, str]:
    """Title, creation date and paragraphs of a .docx; a zip that is no Word document is a skip, not a crash."""
    import docx

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise _Unreadable("not a Word document (.docx): not a zip archive") from None
    with archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            raise _Unreadable(f"not a Word document (.docx): a zip archive without word/document.xml ({shown})")
        if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_BYTES:
            raise _Unreadable(f"a .docx whose parts decompress to more than {MAX_DOCX_BYTES:,} bytes")
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as error:  # python-docx raises many kinds for a damaged package
        raise _Unreadable(f"not a readable Word document ({type(error).__name__}: {error})") from None
    paragraphs = [p.text.strip() for p in document.paragraphs]
    cells = [c.text.strip() for t in document.tables for row in t.rows for c in row.cells]
    text = "\n\n".join(p for p in [*paragraphs, *cells] if p)
    props = document.core_properties
    return (props.title or "").strip(), _as_datetime(props.created), text


# ---------------------------------------------------------------------------------------------------
# WordPress export (WXR): RSS with wp: elements, one <item> per post, page, attachment or menu entry.

_WXR_TYPES = frozenset({"post", "page"})


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        space, _, name = tag[1:].partition("}")
        return space, name
    return "", tag


def _wordpress(file: ExportFile, author: str | None, max_chars: int) -> Iterator[Document | Skipped]:
    """Stream the items of a WXR file; entity declarations are refused (defusedxml): no billion laughs."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    if b"wordpress.org/export/" not in safe_head(file):
        raise _Unreadable("an XML file that is no WordPress export (WXR): documents read .xml only from WordPress")
    item = 0
    with file.open() as stream:
        try:
            for _, element in iterparse(stream, events=("end",)):
                if _local(element.tag) != ("", "item"):
                    continue
                item += 1
                yield _wxr_item(element, Source(file.name, item), author, max_chars)
                element.clear()  # keep memory flat over a large blog
        except DefusedXmlException as error:
            yield Skipped(
                Source(file.name, item + 1),
                f"refused XML ({type(error).__name__}): entity declarations are not read, since they can expand "
                "to gigabytes (a billion-laughs file); the items after it are not read",
            )
        except ParseError as error:
            line = error.position[0] if error.position else None
            yield Skipped(
                Source(file.name, item + 1),
                f"malformed XML at line {line} ({error}): the items after it are not read",
            )


def _wxr_item(element, where: Source, author: str | None, max_chars: int) -> Document | Skipped:
    fields: dict[str, str] = {}
    for child in element:
        space, name = _local(child.tag)
        key = name if not space or "wordpress.org/export" in space else f"{space.rstrip('/').rsplit('/', 1)[-1]}:{name}"
        fields.setdefault(key, child.text or "")
    kind, status = fields.get("post_type", "post"), fields.get("status", "publish")
    if kind not in _WXR_TYPES:
        return Skipped(where, f"WordPress {kind or 'item'}, not writing")
    if status == "trash":
        return Skipped(where, "WordPress post in the trash")
    text = html_to_text(fields.get("content:encoded", ""))
    if not text.strip():
        return Skipped(where, "empty post")
    if len(text) > max_chars:
        return Skipped(where, _too_long(len(text), max_chars))
    written = _as_datetime(fields.get("post_date", "").replace(" ", "T")) if fields.get("post_date") else None
    title = " ".join((fields.get("title") or "").split()) or f"post {where.line}"
    return Document(where.file, title, author, written, text, "wordpress", where.line)


# ---------------------------------------------------------------------------------------------------
# Sent e-mails: the mail importer's messages, kept when the author (or the person) sent them.


def _emails(file: ExportFile, author: str | None, senders: set[str], max_chars: int) -> Iterator[Document | Skipped]:
    importer = MBOX if MBOX.sniff(file) else EML
    for record in importer.parse(file):
        if type(record) is Note:
            continue  # the mail importer's inferences matter for chats, not here
        if type(record) is Skipped:
            yield record
            continue
        yield _email_document(record, author, senders, max_chars)


def _email_document(m: Message, author: str | None, senders: set[str], max_chars: int) -> Document | Skipped:
    if not senders:
        return Skipped(m.source, "e-mail, but whose is unknown: pass --me NAME to keep the ones you sent")
    names = {(m.sender or "").casefold(), m.extra.get("address", "").casefold()}
    if names.isdisjoint(senders):
        return Skipped(m.source, "e-mail sent by someone else (only the author's own e-mails are documents)")
    if m.kind is not Kind.TEXT or not m.text.strip():
        return Skipped(m.source, "e-mail without text of its own")
    if len(m.text) > max_chars:
        return Skipped(m.source, _too_long(len(m.text), max_chars))
    return Document(m.file, m.chat or "(no subject)", author, m.timestamp, m.text, "email", m.line)
