"""Reading export files safely, for every importer: what a read can raise, a head that sniffing can always
take, and JSON whose errors name the line."""

from __future__ import annotations

import json
import zipfile
import zlib
from typing import TYPE_CHECKING, Any

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
