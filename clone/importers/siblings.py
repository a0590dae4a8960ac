"""The files beside an export file (a channel's channel.json, a Takeout chat's group_info.json), on disk or
in the same zip: importers name chats and owners from them."""

from __future__ import annotations

import json
import posixpath
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from clone.importers import ExportFile


@lru_cache(maxsize=8)
def _zip_names(path: Path, _stamp: tuple[int, int]) -> frozenset[str]:
    with zipfile.ZipFile(path) as archive:
        return frozenset(archive.namelist())


@dataclass(frozen=True)
class Folder:
    """A folder on disk (member None) or inside a zip (member: its path there, "" for the zip's root)."""

    path: Path
    member: str | None = None

    @classmethod
    def of(cls, file: ExportFile) -> Folder:
        if file.member is None:
            return cls(file.path.parent)
        return cls(file.path, posixpath.dirname(file.member))

    def parent(self) -> Folder | None:
        if self.member is None:
            return Folder(self.path.parent)
        return Folder(self.path, posixpath.dirname(self.member)) if self.member else None

    def child(self, name: str) -> Folder:
        if self.member is None:
            return Folder(self.path / name)
        return Folder(self.path, posixpath.join(self.member, name))

    def file(self, *parts: str) -> ExportFile | None:
        if self.member is None:
            target = self.path.joinpath(*parts)
            return ExportFile(target) if target.is_file() else None
        name = posixpath.join(self.member, *parts)
        return ExportFile(self.path, name) if name in self._names() else None

    def subfolders(self) -> list[str]:
        if self.member is None:
            return sorted(child.name for child in self.path.iterdir() if child.is_dir())
        prefix = f"{self.member}/" if self.member else ""
        inner = (name[len(prefix) :] for name in self._names() if name.startswith(prefix))
        return sorted({name.split("/", 1)[0] for name in inner if "/" in name})

    def _names(self) -> frozenset[str]:
        stat = self.path.stat()
        return _zip_names(self.path, (stat.st_mtime_ns, stat.st_size))


def side_json(file: ExportFile | None) -> Any:
    """A small side file's JSON, or None when it is missing or unreadable (a name is then guessed)."""
    if file is None:
        return None
    try:
        with file.open() as stream:
            return json.loads(stream.read().decode("utf-8-sig"))
    except (OSError, ValueError):
        return None
