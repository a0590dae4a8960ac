"""`clone forget PERSON`: take one person out of the workspace everywhere, and say what must be retrained.

Their chats are every chat they wrote in or that is named after them (as `exclude` means in DatasetOptions).
What goes: the messages they sent and their one-to-one chats from the raw store, every training and held-out sample
from their chats or naming them, their memories (and they stay out of every rebuild and later import: the memory's
decisions.json lists them), the feedback records that mention them, and the documents they wrote (a family
corpus by them) or that name them. The trained clone learnt from them too:
that needs a new `clone train`, which the result says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clone.documents import forget_documents
from clone.errors import CloneError
from clone.workspace import Workspace, atomic_dir, private, write_text_atomic


@dataclass
class ForgetResult:
    person: str
    messages: int = 0  # removed from the raw store
    samples: int = 0  # removed from the dataset (train + test)
    memories: int = 0  # conversations removed from memory
    feedback: int = 0  # feedback records removed
    documents: int = 0  # documents by them or naming them, removed from the document store
    retrain: list[str] = field(default_factory=list)  # what still holds them: the trained clone, its exports


@private
def forget(person: str, workspace: Workspace | None = None) -> ForgetResult:
    """Remove ``person`` from ``workspace`` (messages, samples, memory, feedback); see the module doc."""
    workspace = workspace or Workspace()
    workspace.read_manifest()  # a clear error when nothing was imported
    if not person.strip():
        raise CloneError("person: give the name as the exports show it")
    result = ForgetResult(person)
    named = re.compile(rf"(?<!\w){re.escape(person.strip())}(?!\w)", re.IGNORECASE)
    chats = _forget_messages(workspace, person, result)
    _forget_samples(workspace, chats, named, result)
    result.memories = _forget_memories(workspace, person)
    result.feedback = _forget_feedback(workspace, named)
    result.documents = forget_documents(workspace, person, named)
    result.retrain = [
        f"{path.name}/ (retrain: {workspace.command('train')})"
        for path in (workspace.model, workspace.root / "clone-sft", workspace.root / "export")
        if path.exists()
    ]
    return result


def _same(a: str | None, b: str) -> bool:
    return (a or "").casefold() == b.casefold()


def _forget_messages(workspace: Workspace, person: str, result: ForgetResult) -> set[tuple[str, str]]:
    """Drop the person's messages and their one-to-one chats from the raw store; returns their chats."""
    from datasets import load_from_disk

    messages = load_from_disk(str(workspace.messages))
    chats = {(r["platform"], r["chat"]) for r in messages if _same(r["sender"], person) or _same(r["chat"], person)}
    kept = messages.filter(lambda r: not (_same(r["sender"], person) or _same(r["chat"], person)))
    result.messages = len(messages) - len(kept)
    if result.messages:
        with atomic_dir(workspace.messages) as tmp:
            kept.save_to_disk(str(tmp))
    return chats


def _forget_samples(workspace: Workspace, chats: set[tuple[str, str]], named: re.Pattern, result: ForgetResult):
    from datasets import DatasetDict, load_from_disk

    data = load_from_disk(str(workspace.dataset))

    def keep(row) -> bool:
        mentioned = any(named.search(m["content"]) for m in row["messages"])
        return (row["platform"], row["chat"]) not in chats and not mentioned

    kept = DatasetDict({name: split.filter(keep) for name, split in data.items()})
    result.samples = sum(len(data[n]) - len(kept[n]) for n in data)
    if result.samples:
        card = (workspace.dataset / "README.md").read_text(encoding="utf-8")
        with atomic_dir(workspace.dataset) as tmp:
            kept.save_to_disk(str(tmp))
            write_text_atomic(tmp / "README.md", card)


def _forget_memories(workspace: Workspace, person: str) -> int:
    """Forget them in memory, or record the decision so a memory built later leaves them out too."""
    from clone.memory.control import forget_person
    from clone.memory.store import Decisions, open_store, paths, person_key

    if paths(workspace)[0].exists():
        memory = open_store(workspace)
        try:
            return forget_person(memory, person)
        finally:
            memory.close()
    decisions = Decisions.load(workspace)
    if person_key(person) not in {person_key(p) for p in decisions.forgotten_people}:
        decisions.forgotten_people.append(person)
        decisions.save(workspace)
    return 0


def _forget_feedback(workspace: Workspace, named: re.Pattern) -> int:
    import json

    from clone.improvement.feedback import feedback_file, read_feedback

    records = read_feedback(workspace)
    kept = [r for r in records if not named.search(json.dumps(r, ensure_ascii=False))]
    if len(kept) < len(records):
        write_text_atomic(feedback_file(workspace), "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept))
    return len(records) - len(kept)
