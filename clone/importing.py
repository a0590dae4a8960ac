"""`clone import` as one library verb: read the exports, record what every file turned into, build the dataset.

    summary = clone.import_(["WhatsApp Chat with Sam.txt"], me="Maya Chen", workspace=clone.Workspace("maya"))

The CLI calls only this; a workspace built from Python has the same files (dataset, messages, workspace.json,
identity.json, import-report.json). A failed import into a new folder leaves nothing behind.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from clone.dataset.build import DatasetOptions, DatasetSummary, build_dataset
from clone.importers import ExportFile, FileReport, ImportResult, load
from clone.workspace import Workspace, private, write_json_atomic


@dataclass
class ImportSummary:
    """What `import_` read (a report per file, the files no importer knew) and the dataset it built."""

    workspace: Workspace
    files: list[FileReport]
    ignored: list[str]
    dataset: DatasetSummary

    @property
    def next_step(self) -> str:
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
    with _removed_on_failure(workspace.root):
        workspace.create()
        dataset = build_dataset(result.messages, me, workspace, options)
        write_import_report(workspace, result)
        if workspace.memory.exists() and not dataset.options["memory_tokens"]:  # built with it otherwise
            from clone.memory import build_memory

            build_memory(workspace)  # keep `clone memory` current; unchanged conversations keep their embeddings
    return ImportSummary(workspace, result.reports, result.ignored, dataset)


def write_import_report(workspace: Workspace, result: ImportResult) -> Path:
    """import-report.json: per file, its format, the text encoding it was read in (text formats), messages per
    kind and skips per reason."""
    rows = [
        {"file": r.file, "format": r.format, "encoding": r.encoding, "kinds": dict(r.kinds), "skipped": dict(r.skipped)}
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
