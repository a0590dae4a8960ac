"""`clone import --documents` / `--author NAME`: long-form writing into the workspace's document store, which the
pre-training stage (clone/pretraining.py) learns from before the chats.

    clone.import_documents(["notes/", "blog.xml"], workspace=ws)               # the person's own writing
    clone.import_documents(["letters/"], workspace=ws, author="Grandma Rose")  # a family corpus

The store is ``documents/documents.jsonl`` in the workspace (0600, rewritten atomically), one JSON object a
line: ``id`` (a hash of author and raw text: a file imported again is known, not added twice), ``title``,
``author`` (null: the person; a name: a family corpus, trained on in pre-training only and never held out or
scored as the person's voice), ``date``, ``format``, ``file``, ``line``, ``words``, ``split`` (``train`` /
``test``: the person's newest documents are held out, and keep their split on later imports) and ``text``,
redacted like the chat dataset (other people's contact data, IDs, secrets; names with ``redact_names``). The
raw text is not kept: import the files again to redact differently. ``documents/import-report.json`` says what
every file of the last document import turned into.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clone.dataset.build import _redactor
from clone.dataset.redact import phone_regions
from clone.errors import CloneError
from clone.identity import names, saved_aliases
from clone.importers import FileReport
from clone.importers.documents import read_documents
from clone.messages import Document
from clone.settings import setting
from clone.workspace import Workspace, private, write_json_atomic, write_text_atomic


@dataclass
class DocumentOptions:
    """How documents are read and stored. Every field is a `clone import` flag (``--max-document-chars``)."""

    max_document_chars: int = setting(
        1_000_000, "Documents: skip (never cut) a longer document, with its reason (a log or a dump, not writing)."
    )
    test_fraction: float = setting(
        0.1, "Share of the person's newest documents held out (their perplexity is measured); family ones train."
    )
    redact: bool = setting(
        True, "Replace contact data, IDs, secrets, account numbers, addresses and other private data with placeholders."
    )
    redact_names: bool = setting(False, "Also replace other people's names.")


@dataclass
class DocumentImport:
    """What `import_documents` read (a report per file) and what the store holds now."""

    workspace: Workspace
    files: list[FileReport]
    added: int  # documents new to the store
    known: int  # read again, already stored
    held_out: int  # of the added, held out (the person's newest)
    author: str | None
    stored: Counter[str] = field(default_factory=Counter)  # documents in the store per author ("" = the person)
    words: int = 0  # words of the added documents
    redacted: dict[str, int] = field(default_factory=dict)

    @property
    def next_step(self) -> str:
        return f"pre-train on them before the chats: {self.workspace.command('train --set pretrain_epochs=1')}"


def store_path(workspace: Workspace) -> Path:
    return workspace.documents / "documents.jsonl"


@private
def import_documents(
    paths: str | Path | Iterable[str | Path],
    workspace: Workspace | None = None,
    *,
    author: str | None = None,
    me: str | Sequence[str] = (),
    options: DocumentOptions | None = None,
) -> DocumentImport:
    """Read ``paths`` as documents by ``author`` (None: the person, whose sent e-mails are told apart by ``me``
    and the aliases an earlier import saved), redact them, split the person's, and add the new ones to the store."""
    workspace, options = workspace or Workspace(), options or DocumentOptions()
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    author = " ".join(author.split()) if author else None
    if author == "":
        raise CloneError("--author needs a name")
    result = read_documents(
        paths, author=author, me=[*names(me), *saved_aliases(workspace)], max_chars=options.max_document_chars
    )
    if not result.documents:  # nothing is written
        raise CloneError(f"{', '.join(map(str, paths))}: no documents found ({_reasons(result.reports)})")
    stored = load_documents(workspace)
    fresh = _new_documents(result.documents, {row["id"] for row in stored})
    redactor = _document_redactor(workspace, options, me)
    rows = [_row(doc_id, d, redactor) for doc_id, d in fresh]
    _hold_out(rows, options.test_fraction)
    workspace.create()
    _write_store(workspace, stored + rows)
    write_json_atomic(workspace.documents / "import-report.json", [_report_row(r) for r in result.reports])
    return DocumentImport(
        workspace,
        result.reports,
        added=len(rows),
        known=len(result.documents) - len(rows),
        held_out=sum(r["split"] == "test" for r in rows),
        author=author,
        stored=Counter(r["author"] or "" for r in stored + rows),
        words=sum(r["words"] for r in rows),
        redacted=redactor.counts() if redactor else {},
    )


def _write_store(workspace: Workspace, rows: list[dict[str, Any]]) -> None:
    write_text_atomic(store_path(workspace), "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def load_documents(workspace: Workspace, split: str | None = None) -> list[dict[str, Any]]:
    """The stored documents (all, or one split's), in the order they were added."""
    path = store_path(workspace)
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def document_id(document: Document) -> str:
    """Who wrote it and what it says: the same text by the same author, read again, is one document."""
    text = " ".join(document.text.split())
    return hashlib.sha256(f"{document.author or ''}\n{text}".encode()).hexdigest()[:24]


def _new_documents(documents: list[Document], known: set[str]) -> list[tuple[str, Document]]:
    fresh: dict[str, Document] = {}
    for d in documents:
        doc_id = document_id(d)
        if doc_id not in known:
            fresh.setdefault(doc_id, d)  # a copy within this import (a post in two exports) is kept once
    return list(fresh.items())


def _document_redactor(workspace: Workspace, options: DocumentOptions, me: str | Sequence[str]):
    """The chat dataset's redaction, with the other people the workspace's chats name (for ``redact_names``)."""
    senders: Counter[str] = Counter()
    if workspace.messages.exists() and options.redact_names:
        from clone.dataset.build import load_messages
        from clone.identity import sender_counts

        senders = sender_counts(load_messages(workspace))
    mine = {n.casefold() for n in [*names(me), *saved_aliases(workspace)]}
    others = {s for s in senders if s.casefold() not in mine}
    return _redactor(options, others=others, regions=phone_regions(senders))


def _row(doc_id: str, d: Document, redactor) -> dict[str, Any]:
    redact = redactor.redact if redactor else str
    return {
        "id": doc_id,
        "title": redact(d.title),
        "author": d.author,
        "date": d.date.isoformat() if d.date else None,
        "format": d.source,
        "file": d.path,
        "line": d.line,
        "words": len(d.text.split()),
        "split": "train",
        "text": redact(d.text),
    }


def _hold_out(rows: list[dict[str, Any]], fraction: float) -> None:
    """Hold out the newest of the person's new documents (undated ones count as oldest); a family corpus trains."""
    own = sorted((r for r in rows if r["author"] is None), key=lambda r: (r["date"] or "", r["id"]))
    n_test = round(len(own) * fraction)
    if fraction > 0 and len(own) >= 2:
        n_test = max(1, n_test)
    for row in own[len(own) - n_test :] if n_test else []:
        row["split"] = "test"


def _reasons(reports: list[FileReport]) -> str:
    skipped: Counter[str] = Counter()
    for r in reports:
        skipped.update(r.skipped)
    return "; ".join(f"{n} {reason}" for reason, n in skipped.most_common(3)) or "no files"


def _report_row(r: FileReport) -> dict[str, Any]:
    return {"file": r.file, "format": r.format, "documents": dict(r.kinds), "skipped": dict(r.skipped)}


def document_counts(workspace: Workspace) -> dict[str, int]:
    """How many stored documents each split holds, and the family corpus apart (for run.json)."""
    rows = load_documents(workspace)
    return {
        "train": sum(r["split"] == "train" and r["author"] is None for r in rows),
        "test": sum(r["split"] == "test" for r in rows),
        "family": sum(r["author"] is not None for r in rows),
    }


def forget_documents(workspace: Workspace, person: str, named: re.Pattern[str]) -> int:
    """`clone forget PERSON`: drop the documents they wrote and those whose title or text names them."""
    rows = load_documents(workspace)
    kept = [
        r
        for r in rows
        if (r["author"] or "").casefold() != person.strip().casefold()
        and not named.search(r["title"])
        and not named.search(r["text"])
    ]
    if len(kept) < len(rows):
        _write_store(workspace, kept)
    return len(rows) - len(kept)
