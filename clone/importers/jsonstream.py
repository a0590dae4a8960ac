"""Reading a large JSON export as a stream (ijson over yajl): one record at a time, nesting held to a bound,
and yajl's errors said the way an importer's error says them. Used by the Discord and Google importers."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

Event = tuple[str, str, Any]  # ijson's (prefix, event, value)

_BOM = b"\xef\xbb\xbf"
_BUFFER = 1 << 20  # yajl rescans a token cut by the buffer's end: 64 KiB made a 50 MB string take 9 s, 1 MiB 0.6 s
_MAX_DEPTH = 256  # far deeper than any export; a hostile [[[[... stops here, in bounded memory
_DEPTH_STEP = {"start_map": 1, "start_array": 1, "end_map": -1, "end_array": -1}
_NO_DOCUMENT = ("premature EOF", "Incomplete JSON content")  # yajl's and ijson's pure-Python backend's words
# yajl's messages, said the way an importer's error says them.
_YAJL_MESSAGES = {
    "premature EOF": "the file ends early (cut off?)",
    "invalid bytes in UTF8 string": "not UTF-8 text",
    "trailing garbage": "unexpected data after the end of the messages array",  # only the package reads on
}


class Malformed(Exception):
    """The JSON breaks somewhere; the caller knows which record it was reading."""


def json_events(stream: BinaryIO) -> Iterator[Event]:
    """ijson's events for the document in ``stream`` (none for an empty or blank file), read in pieces so that a
    large export never sits in memory as one object tree. Numbers are int and float, as the json module gives
    them (not ijson's default Decimal); ints past 64 bits, NaN and Infinity are errors (yajl's JSON is strict)."""
    if isinstance(stream, io.BufferedIOBase) and stream.peek(3)[:3] == _BOM:  # type: ignore[attr-defined]
        stream.read(3)  # DCE writes a BOM, which yajl does not accept
    # Prefixes are added only after the depth check: for "[[[[..." ijson's own prefixes ("item.item.item...")
    # would take memory quadratic in the depth.
    return ijson.parse(_bounded(ijson.basic_parse(stream, buf_size=_BUFFER, use_float=True)))


def _bounded(events: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    """``events`` with nesting held to ``_MAX_DEPTH`` and ijson's errors as ``Malformed``."""
    depth, seen = 0, False
    try:
        for item in events:
            seen = True
            depth += _DEPTH_STEP.get(item[0], 0)
            if depth > _MAX_DEPTH:
                raise Malformed(f"nested deeper than {_MAX_DEPTH} levels")
            yield item
    except ijson.JSONError as exc:
        if not seen and any(words in str(exc) for words in _NO_DOCUMENT):
            return  # an empty or blank file: no document at all
        raise Malformed(yajl_message(exc)) from None
    except UnicodeDecodeError as exc:  # a key or string that is not UTF-8, decoded by ijson itself
        raise Malformed(f"not UTF-8 text ({exc.reason})") from None


def array_items(events: Iterator[Event], prefix: str) -> Iterator[Any]:
    """The elements of the array that ``events`` are at (its path: ``prefix``), one at a time."""
    first = next(events, None)
    if first is None or first[:2] != (prefix, "start_array"):
        raise Malformed("expected '['")
    return ijson.items(itertools.chain([first], events), f"{prefix}.item" if prefix else "item")


def until_closed(events: Iterator[Event], prefix: str) -> Iterator[Event]:
    """``events`` up to the end of the array at ``prefix``: what follows it is never read."""
    for item in events:
        yield item
        if item[:2] == (prefix, "end_array"):
            return


def members_before(events: Iterator[Event], key: str) -> dict[str, Any]:
    """The top-level object's members before ``key``, leaving ``events`` at ``key``'s value."""
    members: dict[str, Any] = {}
    name, builder = None, None
    for prefix, event, value in events:
        if prefix:  # inside a member's value
            builder.event(event, value)  # type: ignore[union-attr]  # top-level map_key events come first
            continue
        if builder is not None:
            members[name] = builder.value  # type: ignore[index]
            builder = None
        if event == "map_key":
            if value == key:
                return members
            name, builder = value, ijson.ObjectBuilder()
        elif event != "start_map":
            break
    raise Malformed(f'no "{key}" found')


def yajl_message(error: Exception) -> str:
    """ijson's (yajl's) message in one line: what is wrong, and the text where it was found."""
    text = error.args[0] if error.args else ""
    text = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else str(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    what = (lines or ["unreadable JSON"])[0].split(": ", 1)[-1].rstrip(".")
    what = _YAJL_MESSAGES.get(what, what)
    near = lines[1] if len(lines) > 2 else ""  # yajl shows the text around the error, then "(right here) ---^"
    return f"{what} near {near[:40]!r}" if near else what
