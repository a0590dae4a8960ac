"""`clone import` as one library verb: read the exports, record what every file turned into, build the dataset.

    summary = clone.import_(["WhatsApp Chat with Sam.txt"], me="Maya Chen", workspace=clone.Workspace("maya"))

The CLI calls only this; a workspace built from Python has the same files (dataset, messages, workspace.json,
identity.json, import-report.json). A failed import into a new folder leaves nothing behind.

Into a workspace that already holds an import, it adds only what is new: a message already stored (same chat,
sender, time and text) is counted as known, the stored ones stay, the earlier train/test split is kept as it was
and only the new conversations are split (the newest of them held out), so `clone train --continue` can learn
what is new and the old held-out split still measures forgetting.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from clone.dataset.build import DatasetOptions, DatasetSummary, build_dataset, load_messages, previous_split
from clone.importers import ExportFile, FileReport, ImportResult, load
from clone.messages import Message
from clone.workspace import Workspace, private, write_json_atomic


@dataclass
class ImportSummary:
    """What `import_` read (a report per file, the files no importer knew) and the dataset it built."""

    workspace: Workspace
    files: list[FileReport]
    ignored: list[str]
    dataset: DatasetSummary
    new_messages: int = 0  # not in the workspace before
    known_messages: int = 0  # read again, already stored
    new_samples: int = 0  # samples (conversations) the earlier dataset did not hold
    new_contacts: list[str] = field(default_factory=list)  # people who were not in the workspace before
    added: bool = False  # imported into a workspace that held an import already
    # an older export: its newest message is older than the newest stored one (then these say when each ends)
    older_export: bool = False
    export_ends: datetime | None = None
    stored_ends: datetime | None = None

    @property
    def older_note(self) -> str:
        """What the report says of an older export (empty for any other import)."""
        if not self.older_export:
            return ""
        return (
            f"an older export: it ends {self.export_ends:%Y-%m-%d %H:%M}, before the newest stored message "
            f"({self.stored_ends:%Y-%m-%d %H:%M}); {self.new_messages} of its messages were new, "
            f"{self.known_messages} already there. Its conversations from before the held-out ones go to training, "
            "so the held-out split stays the newest"
        )

    @property
    def next_step(self) -> str:
        if self.added and self.new_samples:
            return f"train on what is new: {self.workspace.command('train --continue')}"
        return f"train the clone: {self.workspace.command('train')}"


@private
def import_(
    paths: str | Path | Iterable[str | Path],
    me: str | Sequence[str] = (),
    workspace: Workspace | None = None,
    options: DatasetOptions | None = None,
    *,
    on_file: Callable[[ExportFile], None] | None = None,
    loaded: ImportResult | None = None,
) -> ImportSummary:
    """Import exports into ``workspace`` and build its dataset, with ``me`` (a name or a list of aliases) as the
    assistant. ``loaded``: the result of an earlier `clone.load(paths)`, to skip reading the files again."""
    workspace = workspace or Workspace()
    result = loaded or load(paths, on_file=on_file)
    stored = load_messages(workspace) if workspace.messages.exists() else []
    new = new_messages(stored, result.messages)
    previous = previous_split(workspace) if stored else None
    with _removed_on_failure(workspace.root):
        workspace.create()
        messages = sorted([*stored, *new], key=lambda m: m.timestamp) if stored else result.messages
        dataset = build_dataset(messages, me, workspace, options, previous)
        write_import_report(workspace, result)
        if workspace.memory.exists() and not dataset.options["memory_tokens"]:  # built with it otherwise
            from clone.memory import build_memory

            build_memory(workspace)  # keep `clone memory` current; unchanged conversations keep their embeddings
    known_people, samples_now = {m.sender for m in stored}, previous_split(workspace)
    export_ends = max((m.timestamp for m in result.messages), default=None)
    stored_ends = max((m.timestamp for m in stored), default=None)
    return ImportSummary(
        workspace,
        result.reports,
        result.ignored,
        dataset,
        new_messages=len(new),
        known_messages=len(result.messages) - len(new),
        new_samples=len(samples_now.keys() - (previous or {}).keys()),
        new_contacts=sorted({m.sender for m in new if m.sender and m.sender not in known_people} if stored else []),
        added=bool(stored),
        older_export=bool(export_ends and stored_ends and export_ends < stored_ends),
        export_ends=export_ends,
        stored_ends=stored_ends,
    )


def new_messages(stored: list[Message], loaded: list[Message]) -> list[Message]:
    """The loaded messages the workspace does not hold yet (same platform, chat, sender, time, kind and text)."""
    known = {_identity(m) for m in stored}
    return [m for m in loaded if _identity(m) not in known]


def _identity(m: Message) -> tuple:
    return (m.platform, m.chat, m.sender, m.timestamp, m.kind.value, m.text)


def write_import_report(workspace: Workspace, result: ImportResult) -> Path:
    """import-report.json: per file, its format, the text encoding it was read in (text formats), messages per
    kind and skips per reason."""
    rows = [
        {
            "file": r.file,
            "format": r.format,
            "encoding": r.encoding,
            "kinds": dict(r.kinds),
            "skipped": dict(r.skipped),
            "notes": dict(r.notes),
        }
        for r in result.reports
    ]
    write_json_atomic(workspace.import_report, rows)
    return workspace.import_report


@contextmanager
def _removed_on_failure(folder: Path) -> Iterator[None]:
    """A folder this import creates is removed again if the import fails: no half-made workspace."""
    existed = folder.exists()
    try:
        yield
    except BaseException:
        if not existed:
            shutil.rmtree(folder, ignore_errors=True)
        raise
