"""The workspace folder: where every stage reads and writes, and how files are written safely."""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from clone.errors import CloneError

DEFAULT_WORKSPACE = Path("clone-workspace")
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Workspace:
    """A workspace folder; every file a stage reads or writes is named here. Its files are private (0600/0700)."""

    root: Path = DEFAULT_WORKSPACE

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))  # Workspace("my-clone") works too

    @property
    def dataset(self) -> Path:
        return self.root / "dataset"  # datasets.DatasetDict, saved with save_to_disk

    @property
    def messages(self) -> Path:
        return self.root / "messages"  # every imported message (datasets.Dataset), for reports

    @property
    def manifest(self) -> Path:
        return self.root / "workspace.json"  # who "me" is, how the dataset was built

    @property
    def identity(self) -> Path:
        return self.root / "identity.json"  # every alias of "me" across platforms

    @property
    def contacts(self) -> Path:
        return self.root / "contacts.yaml"  # optional, written by the user: `Name: relationship`

    @property
    def import_report(self) -> Path:
        return self.root / "import-report.json"

    @property
    def documents(self) -> Path:
        return self.root / "documents"  # long-form writing for the pre-training stage (clone.documents)

    @property
    def memory(self) -> Path:
        return self.root / "memory"  # what the clone remembers (clone.memory), from the redacted conversations

    @property
    def model(self) -> Path:
        return self.root / "clone"  # the trained adapter, its tokenizer and run.json

    @property
    def versions(self) -> Path:
        return self.root / "versions"  # every trained clone as vN, for `clone versions` and `clone use`

    @property
    def checkpoints(self) -> Path:
        return self.root / "checkpoints"

    @property
    def audit(self) -> Path:
        return self.root / "audit"  # `clone audit`: the planted canaries, audit.json and audit.html

    def create(self) -> Workspace:
        """Make the folder, private to its owner (it will hold other people's messages)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)
        return self

    def command(self, verb: str) -> str:
        """The `clone` command that runs ``verb`` on this workspace, for hints: ``clone train --workspace W``."""
        flag = "" if self.root == DEFAULT_WORKSPACE else f" --workspace {shlex.quote(str(self.root))}"
        return f"`clone {verb}{flag}`"

    def read_manifest(self) -> dict[str, Any]:
        if not self.manifest.exists():
            raise CloneError(
                f"{self.root}: no dataset here yet; import exports first: {self.command('import EXPORT --me NAME')}"
                " or clone.import_(paths, me=NAME, workspace=...)"
            )
        return json.loads(self.manifest.read_text(encoding="utf-8"))

    def require_model(self) -> Path:
        if not (self.model / "run.json").exists():
            raise CloneError(
                f"{self.root}: no trained clone here yet; train one first: {self.command('train')} or clone.train()"
            )
        return self.model


def private(verb: Callable[P, R]) -> Callable[P, R]:
    """Run a verb with umask 077: every file and folder it makes (the trainer's checkpoints and saved models
    included) is the owner's only, 0600 / 0700, since they hold other people's messages. The umask belongs to the
    process, so it is set for the verb's duration only."""

    @functools.wraps(verb)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        old = os.umask(0o077)
        try:
            return verb(*args, **kwargs)
        finally:
            os.umask(old)

    return wrapper


def write_text_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename it over: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success it replaces ``path`` whole, on failure it is removed. What a
    killed run (kill -9, power loss) left beside ``path`` is cleaned first: the temporary folder is named after
    the process making it, so one whose process is gone is stale."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale(path)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}-"))
    try:
        yield tmp
        old = path.with_name(f".{path.name}.old")
        if path.exists():
            shutil.rmtree(old, ignore_errors=True)
            path.rename(old)
        tmp.rename(path)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _clean_stale(path: Path) -> None:
    """Remove the temporary folders of dead runs beside ``path``; a run killed between atomic_dir's two renames
    left the previous copy aside as ``.NAME.old``: put it back."""
    old = path.with_name(f".{path.name}.old")
    if old.is_dir() and not path.exists():
        old.rename(path)
    prefix = f".{path.name}."
    for tmp in path.parent.iterdir():
        if tmp.name.startswith(prefix) and tmp != old and tmp.is_dir() and not _alive(tmp.name[len(prefix) :]):
            shutil.rmtree(tmp, ignore_errors=True)


def _alive(suffix: str) -> bool:
    """Whether the process named in a temporary folder's ``PID-random`` suffix still runs (none named: no)."""
    pid, dash, _ = suffix.partition("-")
    if not (dash and pid.isdigit()):
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
