"""Build the conversation dataset and save it in the workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from clone.dataset.conversations import Conversation, build_conversations
from clone.dataset.samples import to_sample
from clone.errors import CloneError
from clone.identity import load_contacts, resolve_me, save_aliases, saved_aliases, sender_counts
from clone.messages import Message
from clone.workspace import Workspace, atomic_dir, write_json_atomic


@dataclass
class DatasetOptions:
    gap_minutes: float = 60.0  # silence that ends a conversation
    max_turns: int = 24  # longest sample, in turns; longer conversations become several samples
    test_fraction: float = 0.1  # the newest conversations, held out for evaluation


def windows(conversation: Conversation, max_turns: int) -> list[Conversation]:
    """Cut a long conversation into pieces of at most ``max_turns`` turns that each include "me"."""
    pieces = [
        Conversation(conversation.platform, conversation.chat, conversation.turns[i : i + max_turns])
        for i in range(0, len(conversation.turns), max_turns)
    ]
    return [p for p in pieces if any(t.is_me for t in p.turns)]


def split_by_time(conversations: Sequence[Conversation], test_fraction: float) -> tuple[list, list]:
    """Hold out the newest conversations whole, so no conversation lands in both splits and the test
    set is the future the clone has not seen."""
    ordered = sorted(conversations, key=lambda c: c.start)
    n_test = round(len(ordered) * test_fraction)
    if test_fraction > 0 and len(ordered) >= 2:
        n_test = max(1, n_test)
    cut = len(ordered) - n_test
    return ordered[:cut], ordered[cut:]


def build_dataset(
    messages: Sequence[Message],
    me: Sequence[str],
    workspace: Workspace = Workspace(),
    options: DatasetOptions = DatasetOptions(),
) -> dict[str, Any]:
    """Turn imported messages into train/test chat samples in ``workspace``; returns a summary."""
    import datasets
    from datasets import Dataset, DatasetDict  # heavy import, only needed here

    datasets.disable_progress_bars()

    aliases = [*me, *saved_aliases(workspace)]
    me_names = resolve_me(messages, aliases)
    save_aliases(workspace, me or me_names)
    counts = sender_counts(messages)
    me_name = max(me_names, key=lambda n: counts[n])  # the most used alias names the clone
    conversations = build_conversations(messages, me_names, timedelta(minutes=options.gap_minutes))
    pieces = [w for c in conversations for w in windows(c, options.max_turns)]
    train, test = split_by_time(pieces, options.test_fraction)
    if not train:
        raise CloneError(f"no conversation in which {me_name} replies to someone: nothing to train on")
    splits = {"train": train, "test": test}
    contacts = load_contacts(workspace)
    data = DatasetDict(
        {
            name: Dataset.from_list([to_sample(c, me_name, contacts) for c in convs])
            for name, convs in splits.items()
            if convs
        }
    )
    with atomic_dir(workspace.dataset) as tmp:
        data.save_to_disk(str(tmp))
    summary = {
        "me": me_name,
        "aliases": sorted(me_names),
        "messages": len(messages),
        "my_messages": sum(1 for m in messages if m.sender in me_names),
        "conversations": len(conversations),
        "samples": {name: len(convs) for name, convs in splits.items()},
        "my_turns": {name: sum(t.is_me for c in convs for t in c.turns) for name, convs in splits.items()},
        "options": asdict(options),
    }
    write_json_atomic(workspace.manifest, summary)
    return summary


def load_dataset_dict(workspace: Workspace = Workspace()):
    from datasets import load_from_disk

    if not workspace.dataset.exists():
        raise CloneError(f"{workspace.root}: no dataset yet; run `clone import EXPORT --me NAME` first")
    return load_from_disk(str(workspace.dataset))
