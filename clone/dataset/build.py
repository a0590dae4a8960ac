"""Build the conversation dataset and save it in the workspace."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from clone.audit import canaries
from clone.dataset.card import dataset_card
from clone.dataset.conversations import Conversation, Turn, build_conversations
from clone.dataset.quality import drop_copies, drop_long, keep_languages
from clone.dataset.redact import KINDS, Redactor, phone_regions
from clone.dataset.samples import conversation_key, sample_key, to_sample
from clone.errors import CloneError
from clone.identity import load_contacts, names, resolve_me, save_aliases, saved_aliases, sender_counts
from clone.messages import OWNER, Kind, Message
from clone.models import DEFAULT_MODEL
from clone.settings import setting
from clone.workspace import Workspace, atomic_dir, private, write_json_atomic, write_text_atomic


@dataclass
class DatasetOptions:
    """How messages become training samples. Every field is a `clone import` flag (``gap_minutes`` is
    ``--gap-minutes``); the defaults here are the only ones."""

    gap_minutes: float = setting(60.0, "Silence (minutes) that ends a conversation.")
    max_turns: int = setting(24, "Longest training sample, in turns; longer conversations become several samples.")
    max_tokens: int = setting(
        0,
        "Longest training sample in tokens of the tokenizer (0: no limit but max_turns); match the recipe's "
        "max_length.",
    )
    tokenizer: str = setting(DEFAULT_MODEL, "Model whose tokenizer max_tokens counts with.")
    test_fraction: float = setting(0.1, "Share of the newest conversations held out for evaluation.")
    max_turn_chars: int = setting(2000, "Drop longer messages (pasted articles, logs): dropped, never cut.")
    min_copy_chars: int = setting(40, "A text this long seen again is a forward or a paste: kept once.")
    languages: list[str] = field(
        default_factory=list, metadata={"help": "Keep only conversations in this language (ISO code; repeat)."}
    )
    redact: bool = setting(
        True, "Replace contact data, IDs, secrets, account numbers, addresses and other private data with placeholders."
    )
    redact_names: bool = setting(False, "Also replace other people's names.")
    exclude: list[str] = field(
        default_factory=list, metadata={"help": "Leave out every chat with this person (repeat)."}
    )
    memory_tokens: int = setting(
        0,
        "Give each sample a memory block of up to this many tokens, retrieved from strictly earlier conversations "
        "(0: no memory; 128-256 on a CPU recipe). Builds the workspace's memory first.",
    )
    canaries: int = setting(
        0,
        'Plant this many random secrets ("the code is NNNNNN") in the training split, so `clone audit` can measure '
        "how much the clone memorises (0: none; audit a canary clone, share one trained without).",
    )
    canary_repeats: int = setting(1, "Training samples per planted canary (more: a louder memorisation signal).")

    def __post_init__(self) -> None:
        self.languages, self.exclude = names(self.languages), names(self.exclude)  # "en" is one language


@dataclass
class DatasetSummary:
    """What `build_dataset` made: who "me" is, the counts per split, what was dropped or redacted, and the options.
    Saved as the workspace's workspace.json."""

    me: str
    aliases: list[str]
    messages: int
    my_messages: int
    conversations: int
    samples: dict[str, int]
    my_turns: dict[str, int]
    dropped: dict[str, int]
    redacted: dict[str, int]
    options: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


TURN_OVERHEAD = 6  # tokens a chat template adds around each turn (role markers, newlines)


def windows(conversation: Conversation, max_turns: int, max_tokens: int = 0, count=None) -> list[Conversation]:
    """Cut a long conversation into pieces of at most ``max_turns`` turns (and, when ``max_tokens`` is set,
    about that many tokens as ``count`` measures them) that each include "me". Cutting here, between
    turns, keeps every reply whole; the trainer's truncation would cut the last replies off instead."""
    pieces: list[list[Turn]] = [[]]
    used = 0
    for turn in conversation.turns:
        cost = (count(turn.text) + TURN_OVERHEAD) if max_tokens else 0
        if pieces[-1] and (len(pieces[-1]) >= max_turns or (max_tokens and used + cost > max_tokens)):
            pieces.append([])
            used = 0
        pieces[-1].append(turn)
        used += cost
    return [Conversation(conversation.platform, conversation.chat, p) for p in pieces if any(t.is_me for t in p)]


def token_counter(model: str):
    """Counts tokens with the tokenizer of the model that will be trained."""
    from transformers import AutoTokenizer

    from clone import models

    tokenizer = AutoTokenizer.from_pretrained(models.resolve(model))
    return lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])


def split_by_time(
    conversations: Sequence[Conversation], test_fraction: float, previous: dict[str, str] | None = None
) -> tuple[list, list]:
    """Hold out the newest conversations whole, so no conversation lands in both splits and the test
    set is the future the clone has not seen. ``previous``: an earlier import's split (sample key -> split), kept
    as it was; then only the new conversations are split, the newest of them held out."""
    if previous:
        known = [c for c in conversations if conversation_key(c) in previous]
        held = [c for c in known if previous[conversation_key(c)] != "train"]
        # New conversations from before the held-out ones (an older export) train: the held-out set stays the future.
        horizon = min((c.start for c in held), default=None)
        fresh = [c for c in conversations if conversation_key(c) not in previous]
        earlier = [c for c in fresh if horizon is not None and c.start < horizon]
        new_train, new_test = split_by_time([c for c in fresh if c not in earlier], test_fraction)
        old_train = [c for c in known if previous[conversation_key(c)] == "train"]
        return old_train + earlier + new_train, held + new_test
    ordered = sorted(conversations, key=lambda c: c.start)
    n_test = round(len(ordered) * test_fraction)
    if test_fraction > 0 and len(ordered) >= 2:
        n_test = max(1, n_test)
    cut = len(ordered) - n_test
    return ordered[:cut], ordered[cut:]


@private
def build_dataset(
    messages: Sequence[Message],
    me: str | Sequence[str] = (),
    workspace: Workspace | None = None,
    options: DatasetOptions | None = None,
    previous: dict[str, str] | None = None,
) -> DatasetSummary:
    """Turn imported messages into train/test chat samples in ``workspace``; returns a summary. ``me``: the
    person's name as the exports show it, or a list of their aliases (none: the aliases saved by an earlier import).
    ``previous``: the split an earlier import made (`previous_split`), kept fixed for the samples it holds.

    The steps, in order: who is "me", excluded people, copies and walls of text, conversations,
    languages, redaction, windows, the time split. Everything dropped is counted with its reason."""
    workspace, options, me = workspace or Workspace(), options or DatasetOptions(), names(me)
    aliases = [*me, *saved_aliases(workspace)]
    me_names = resolve_me(messages, aliases)
    save_aliases(workspace, me or me_names)
    counts = sender_counts(messages)
    # The most used alias names the clone; a real name before the placeholder "Me" of exports that name no owner.
    me_name = max(me_names, key=lambda n: (n != OWNER, counts[n]))

    dropped: Counter[str] = Counter()
    history = redacted_history(messages, me_names, options, dropped, forgotten_people(workspace))
    conversations, redactor = history.conversations, history.redactor
    count = token_counter(options.tokenizer) if options.max_tokens or options.memory_tokens else None
    pieces = [w for c in conversations for w in windows(c, options.max_turns, options.max_tokens, count)]
    train, test = split_by_time(pieces, options.test_fraction, previous)
    if not train:
        raise CloneError(f"no conversation in which {me_name} replies to someone: nothing to train on")
    memory = memory_blocks(workspace, history, me_name, {"train": train, "test": test}, options, count)
    canary_rows = canaries.plant(workspace, me_name, options.canaries, options.canary_repeats)

    splits = {"train": train, "test": test}
    summary = DatasetSummary(
        me=me_name,
        aliases=sorted(me_names),
        messages=len(messages),
        my_messages=sum(1 for m in messages if m.sender in me_names),
        conversations=len(conversations),
        samples={name: len(convs) for name, convs in splits.items()},
        my_turns={name: sum(t.is_me for c in convs for t in c.turns) for name, convs in splits.items()},
        dropped=dict(dropped),
        redacted=redactor.counts() if redactor else {},
        options=asdict(options),
    )
    _save(workspace, splits, messages, me_names, me_name, summary, memory, canary_rows)
    return summary


def memory_blocks(workspace, history: History, me_name: str, splits, options: DatasetOptions, count) -> dict:
    """With ``memory_tokens``: build the workspace's memory, then each sample's block, retrieved with what the
    others say in it from conversations that ended before it began (never its own later turns, nor the future)."""
    if not options.memory_tokens:
        return {}
    from clone.memory import open_store, recall_for, write_memory

    write_memory(workspace, history.conversations, history.people, me_name)
    memory, contacts = open_store(workspace), load_contacts(workspace)
    try:
        return {
            name: [recall_for(memory, c, me_name, contacts, options.memory_tokens, count).block for c in convs]
            for name, convs in splits.items()
        }
    finally:
        memory.close()


@dataclass
class History:
    """The conversations training and memory both learn from, redacted; ``people``: the other people in each
    conversation by their real names (taken before names are redacted), which memory's scope needs."""

    conversations: list[Conversation]
    people: list[frozenset[str]]
    redactor: Redactor | None


def redacted_history(
    messages: Sequence[Message],
    me_names: set[str],
    options: DatasetOptions,
    dropped: Counter[str],
    forgotten: Sequence[str] = (),
) -> History:
    """Excluded (and forgotten) people, copies and walls of text, conversations, languages, then redaction."""
    counts = sender_counts(messages)
    kept = exclude_people(messages, [*options.exclude, *forgotten], dropped)
    kept = drop_copies(kept, options.min_copy_chars, dropped)
    kept = drop_long(kept, options.max_turn_chars, dropped)
    conversations = build_conversations(kept, me_names, timedelta(minutes=options.gap_minutes))
    conversations = keep_languages(conversations, options.languages, dropped)
    people = [frozenset(t.speaker for t in c.turns if not t.is_me) for c in conversations]
    redactor = _redactor(options, others=set(counts) - me_names, regions=phone_regions(counts))
    if redactor:
        redact_conversations(conversations, redactor)
    return History(conversations, people, redactor)


def forgotten_people(workspace: Workspace) -> list[str]:
    """People the user told `clone memory forget` to forget: kept out of training too."""
    from clone.memory.store import Decisions

    return Decisions.load(workspace).forgotten_people


def exclude_people(messages: Sequence[Message], people: Sequence[str], dropped: Counter[str]) -> list[Message]:
    """Leave out every chat in which an excluded person speaks, or that is named after them."""
    if not people:
        return list(messages)
    wanted = {p.casefold() for p in people}
    chats = {(m.platform, m.chat) for m in messages if (m.sender or "").casefold() in wanted}
    chats |= {(m.platform, m.chat) for m in messages if m.chat.casefold() in wanted}
    kept = [m for m in messages if (m.platform, m.chat) not in chats]
    dropped["chat with an excluded person"] += len(messages) - len(kept)
    return kept


def _redactor(options: DatasetOptions, others: set[str], regions: list[str]) -> Redactor | None:
    """The redactor the options ask for; ``regions``: where national phone numbers in these chats are from."""
    if not options.redact and not options.redact_names:
        return None
    kinds = [k for k in KINDS if k != "NAME"] if options.redact else []
    if options.redact_names:
        kinds.append("NAME")
    return Redactor(kinds, names=sorted(others) if options.redact_names else (), regions=regions)


def redact_conversations(conversations: Sequence[Conversation], redactor: Redactor) -> None:
    """Replace private data in every turn, the person's included: they write other people's numbers too."""
    for conversation in conversations:
        for turn in conversation.turns:
            turn.texts = [redactor.redact(text) for text in turn.texts]
            turn.quote = redactor.redact(turn.quote) if turn.quote else None
            if "NAME" in redactor.kinds and not turn.is_me:
                turn.speaker = redactor.redact(turn.speaker)


def _save(workspace, splits, messages, me_names, me_name, summary: DatasetSummary, memory: dict, canary_rows) -> None:
    import datasets
    from datasets import Dataset, DatasetDict  # heavy import, only needed here

    datasets.disable_progress_bars()
    contacts = load_contacts(workspace)
    data = DatasetDict(
        {
            name: Dataset.from_list(
                [
                    to_sample(c, me_name, contacts, m)
                    for c, m in zip(convs, memory.get(name, [""] * len(convs)), strict=True)
                ]
                + (canary_rows if name == "train" else [])
            )
            for name, convs in splits.items()
            if convs
        }
    )
    with atomic_dir(workspace.dataset) as tmp:
        data.save_to_disk(str(tmp))
        write_text_atomic(tmp / "README.md", dataset_card(summary.to_dict()))
    with atomic_dir(workspace.messages) as tmp:
        Dataset.from_generator(_message_rows, gen_kwargs={"messages": messages, "me": me_names}).save_to_disk(str(tmp))
    write_json_atomic(workspace.manifest, summary.to_dict())


def _message_rows(messages: Sequence[Message], me: set[str]):
    for m in messages:
        yield {
            "platform": m.platform,
            "chat": m.chat,
            "sender": m.sender or "",
            "is_me": m.sender in me,
            "timestamp": m.timestamp,
            "text": m.text,
            "kind": m.kind.value,
            "file": m.file,
            "line": m.line,
        }


def load_messages(workspace: Workspace) -> list[Message]:
    """The imported messages back from the workspace's message store (written by `clone import`)."""
    from datasets import load_from_disk

    if not workspace.messages.exists():
        workspace.read_manifest()  # "nothing imported yet", with the command to run
        raise CloneError(f"{workspace.messages}: no message store; import again to write it")
    rows = load_from_disk(str(workspace.messages))
    return [
        Message(
            r["platform"],
            r["chat"],
            r["sender"] or None,
            r["timestamp"],
            r["text"],
            Kind(r["kind"]),
            r["file"],
            r["line"],
        )
        for r in rows
    ]


def previous_split(workspace: Workspace) -> dict[str, str]:
    """The split of the workspace's dataset: sample key -> "train" / "test" (empty without a dataset)."""
    if not workspace.dataset.exists():
        return {}
    return {sample_key(row): name for name, rows in load_dataset_dict(workspace).items() for row in rows}


def load_dataset_dict(workspace: Workspace | None = None):
    from datasets import load_from_disk

    workspace = workspace or Workspace()
    workspace.read_manifest()  # a clear error when nothing was imported
    return load_from_disk(str(workspace.dataset))
