"""Reading export files safely, for every importer: what a read can raise, a head that sniffing can always
take, JSON whose errors name the line, and the encoding of a text export."""

from __future__ import annotations

import codecs
import json
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import charset_normalizer

from clone.errors import ImportFileError

if TYPE_CHECKING:
    from clone.importers import ExportFile

# What reading a file or a zip member can raise: disk trouble, and a damaged archive (bad CRC or deflate
# stream, an unsupported compression method or an encrypted member: NotImplementedError/RuntimeError).
READ_ERRORS = (OSError, EOFError, KeyError, RuntimeError, zipfile.BadZipFile, zlib.error)


def safe_head(file: ExportFile) -> bytes:
    """The file's first bytes, or none when it cannot be read: sniffing must never fail a whole import."""
    try:
        return file.head()
    except READ_ERRORS:
        return b""


def load_json(file: ExportFile) -> Any:
    """The file's JSON, or an ImportFileError naming the line it breaks on."""
    with file.open() as stream:
        return decode_json(stream.read(), file.name)


def decode_json(raw: bytes, where: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")  # Messenger files start with a BOM
    except UnicodeDecodeError as exc:
        raise ImportFileError(where, raw.count(b"\n", 0, exc.start) + 1, "not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(where, exc.lineno, f"malformed JSON: {exc.msg}") from None


def read_lines(file: ExportFile) -> list[str]:
    """A UTF-8 text export's lines (a BOM dropped, CRLF or LF), or an ImportFileError naming the bad line."""
    with file.open() as stream:
        raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(file.name, raw.count(b"\n", 0, exc.start) + 1, "not UTF-8 text") from None
    # Split on "\n" only: str.splitlines would also break on U+2028 and friends inside a message.
    return [line.removesuffix("\r") for line in text.split("\n")]


# ---------------------------------------------------------------------------------------------------
# Text encodings. Exports are UTF-8, but a file re-saved by an editor may be in a Windows code page
# ("ANSI": cp1252 in Western Europe) or UTF-16. The encoding is told from the file's first SAMPLE_BYTES.

SAMPLE_BYTES = 1 << 16
_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What headers and line breaks are made of: an encoding that decodes these otherwise (EBCDIC, UTF-7)
# cannot be a chat export's, however well it scores.
_ASCII_PROBE = b"\n\r\t 0123456789[]/.,:-+()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Candidates within this much "mess" (charset-normalizer's chaos) of the best one count as equally good.
_CHAOS_MARGIN = 0.1
# Symbols where letters should be: "³" and "¹" are Polish "ł" and "ą" read as cp1252.
_ODD_CATEGORIES = frozenset({"No", "So", "Sm", "Sk", "Sc", "Cc", "Co", "Cn"})


def text_encoding(file: ExportFile) -> str | None:
    """The encoding of a text export (a Python codec name), or None when it holds binary data."""
    return detect_encoding(file.head(SAMPLE_BYTES))


@lru_cache(maxsize=64)  # sniff, check and parse of one file ask about the same bytes
def detect_encoding(sample: bytes) -> str | None:
    """The encoding of text starting with ``sample``, or None for binary data (NUL bytes that no UTF-16/32
    reading explains). UTF-8 whenever the sample is UTF-8 with at most a few damaged bytes: an export is
    UTF-8, and a bad byte or two in one must stay U+FFFD, not turn the whole file into another encoding."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    nuls = sample.count(b"\x00")
    if nuls * 100 > len(sample):  # UTF-16/32 without a BOM, or binary
        best = _best_guess(sample)
        return best if best and best.startswith(("utf_16", "utf_32")) else None
    if _mostly_utf8(sample):
        return "utf-8"
    return _best_guess(sample) or "utf-8"


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, but for a character cut at its end (a file's head)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data)
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(sample: bytes) -> bool:
    """Valid UTF-8 (a sequence cut at the sample's end aside), or with under one bad byte per ten good
    multi-byte characters: a damaged UTF-8 file. Text in a code page has no valid multi-byte sequences."""
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample)
    bad = text.count("\ufffd")
    if not bad:
        return True
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return bad * 10 < good


def _best_guess(sample: bytes) -> str | None:
    """charset-normalizer's reading of a non-UTF-8 sample. Its first pick is often a sibling code page that
    decodes the same bytes to other letters (cp1250 for French); among the nearly-as-good candidates, the one
    with the fewest symbols in place of letters wins, and cp1252 (Windows' Western default) breaks ties."""
    matches = [m for m in charset_normalizer.from_bytes(sample) if _ascii_compatible(m.encoding)]
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    near = [m for m in matches if m.chaos <= least + _CHAOS_MARGIN]
    best = min(near, key=lambda m: (_odd_symbols(str(m)), "cp1252" not in m.could_be_from_charset))
    return "cp1252" if "cp1252" in best.could_be_from_charset else best.encoding


def _ascii_compatible(encoding: str) -> bool:
    if encoding.startswith(("utf_16", "utf_32")):
        return True
    try:
        return _ASCII_PROBE.decode(encoding) == _ASCII_PROBE.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def _odd_symbols(text: str) -> int:
    return sum(unicodedata.category(c) in _ODD_CATEGORIES for c in text if c > "\x7f")


def decoder(encoding: str) -> Callable[..., str]:
    """An incremental ``decode(data, final=False)`` for ``encoding``: bad bytes become U+FFFD, and a UTF-8
    file's BOM is dropped."""
    return codecs.getincrementaldecoder("utf-8-sig" if encoding == "utf-8" else encoding)("replace").decode
