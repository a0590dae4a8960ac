"""How much one import may read: the longest line kept, and the bytes zip members may decompress to.

Hostile or broken exports must fail in bounded time and memory: a 2 MB zip can hold a 2 GB member (a
"zip bomb"), and a text export can be one 50 MB line. ``load(paths, limits=ImportLimits(...))`` applies
the limits for the duration of one import; an importer asks ``current()`` for them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import BinaryIO

from clone.errors import ImportFileError

MiB = 1 << 20
GiB = 1 << 30


@dataclass(frozen=True)
class ImportLimits:
    line_chars: int = MiB  # a longer line of a text export is skipped, with its reason
    member_bytes: int = GiB  # what one zip member may decompress to (a chat .txt of 1M messages is ~100 MB)
    total_bytes: int = 4 * GiB  # what all zip members read by one import may decompress to


@dataclass
class _Budget:
    """The limits of the import in progress, and the bytes read so far from each zip member."""

    limits: ImportLimits
    read: dict[str, int] = field(default_factory=dict)  # member's name -> most bytes read from it in one pass

    def count(self, name: str, size: int) -> None:
        """Record that one pass over member ``name`` has read ``size`` bytes; raise once past a limit.
        A member read twice (survey, then parse) counts once: the total is what the archive decompresses to."""
        if size > self.limits.member_bytes:
            raise over_limit(name, "member_bytes", self.limits.member_bytes)
        if size > self.read.get(name, 0):
            self.read[name] = size
            if sum(self.read.values()) > self.limits.total_bytes:
                raise over_limit(name, "total_bytes", self.limits.total_bytes)


_BUDGET: ContextVar[_Budget | None] = ContextVar("clone_import_budget", default=None)


def _budget() -> _Budget:
    """The running import's budget; outside ``applied`` (an importer called directly) a fresh default one."""
    return _BUDGET.get() or _Budget(ImportLimits())


def current() -> ImportLimits:
    return _budget().limits


@contextmanager
def applied(limits: ImportLimits | None) -> Iterator[None]:
    """Apply ``limits`` (the defaults when None) to every read until the block ends."""
    token = _BUDGET.set(_Budget(limits or ImportLimits()))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def line_too_long(limit: int) -> str:
    """The skip reason of a text export's line past ``line_chars``."""
    return f"line longer than {limit:,} characters (import limit line_chars)"


def over_limit(name: str, limit: str, value: int) -> ImportFileError:
    return ImportFileError(
        name,
        None,
        f"decompresses to more than {value:,} bytes (import limit {limit}; raise it if this is a real export)",
    )


def capped_member(stream: BinaryIO, name: str, declared: int, *, whole: bool = True) -> BinaryIO:
    """A zip member's stream that stops with a clear error once its bytes pass the limits. ``declared`` is the
    size the archive's directory claims: a whole read (``whole``) is refused up front when that is already
    over, and the bytes are counted as they stream anyway, since a directory can lie."""
    budget = _budget()
    if whole and declared > budget.limits.member_bytes:
        stream.close()
        raise over_limit(name, "member_bytes", budget.limits.member_bytes)
    return io.BufferedReader(_Counted(stream, name, budget))


class _Counted(io.RawIOBase):
    """Counts the bytes read through it into the import's budget."""

    def __init__(self, inner: BinaryIO, name: str, budget: _Budget):
        self.inner, self.name, self.budget, self.size = inner, name, budget, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.size += len(data)
        self.budget.count(self.name, self.size)
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()
