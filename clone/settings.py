"""Settings dataclasses: each field carries its default and its help, once. The CLI shows that help, `--set`
keys are the field names, and `clone recipes --keys` lists them (the trl / HfArgumentParser convention)."""

from __future__ import annotations

from dataclasses import MISSING, Field, field, fields
from typing import Any


def setting(default: Any, help: str) -> Any:
    """A dataclass field with its help text (immutable defaults; lists take ``field(default_factory=...)``)."""
    return field(default=default, metadata={"help": help})


def field_of(kind: type, name: str) -> Field:
    return next(f for f in fields(kind) if f.name == name)


def default_of(kind: type, name: str) -> Any:
    f = field_of(kind, name)
    return f.default_factory() if f.default is MISSING and f.default_factory is not MISSING else f.default


def help_of(kind: type, name: str) -> str:
    return field_of(kind, name).metadata.get("help", "")


def described(kind: type) -> list[tuple[str, Any, str]]:
    """(key, default, help) for every field of a settings dataclass, in declaration order."""
    return [(f.name, default_of(kind, f.name), f.metadata.get("help", "")) for f in fields(kind)]
