"""The memory store: one SQLite file in the workspace (``memory/memory.sqlite3``).

Episodes (one row per conversation, redacted text) are indexed twice: by words in an FTS5 table (BM25; its
readers column lets a contact's search match only their conversations) and by meaning as float32 embedding
blobs, searched by brute-force cosine over the rows in scope (numpy; see bench/RESULTS.md for 1M messages). An
fts5vocab table beside it (per connection) tells how many conversations each word is in.
The user's decisions (forgotten people and items, approved facts) live beside it in ``decisions.json``, so a
rebuild keeps them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from clone.errors import CloneError
from clone.workspace import Workspace, write_json_atomic

VERSION = 2  # bump when the schema or what is stored changes: an older store is rebuilt (2: episodes.readers)
EMBEDDED_ALIKE = (1, 2)  # versions whose embeddings a rebuild may reuse: the same text, the same model
DIMENSIONS = 384  # all-MiniLM-L6-v2

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE episodes (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    chat TEXT NOT NULL,
    is_group INTEGER NOT NULL,
    start TEXT NOT NULL,            -- ISO timestamps to the second: they sort as text
    end TEXT NOT NULL,
    messages INTEGER NOT NULL,
    my_messages INTEGER NOT NULL,
    text TEXT NOT NULL,             -- "Speaker: words" lines, redacted
    readers TEXT NOT NULL,          -- its participants as reader_token()s: full-text search scopes by them first
    digest TEXT NOT NULL,           -- of text: a rebuild reuses the embedding of an unchanged conversation
    embedding BLOB                  -- float32[384], unit length; NULL when semantic search is off
);
CREATE INDEX episodes_end ON episodes (end);
CREATE TABLE participants (         -- the other people in an episode, by real name (the scope boundary)
    person TEXT NOT NULL,           -- casefolded key
    episode INTEGER NOT NULL REFERENCES episodes (id),
    name TEXT NOT NULL,
    messages INTEGER NOT NULL,
    PRIMARY KEY (person, episode)
) WITHOUT ROWID;
CREATE INDEX participants_episode ON participants (episode);
CREATE VIRTUAL TABLE episodes_fts USING fts5 (
    text, readers, content='episodes', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO episodes_fts (episodes_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)');  -- BM25 of the words alone
CREATE TABLE facts (                -- first-person statements of the person, one row per statement
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,             -- work, home, from, family, pet, favourite, ...
    subject TEXT NOT NULL,          -- "sister", "dog", "food"; "" for work and home
    value TEXT NOT NULL,
    sentence TEXT NOT NULL,
    episode INTEGER NOT NULL REFERENCES episodes (id),
    said TEXT NOT NULL,
    approved INTEGER NOT NULL DEFAULT 0  -- the user allowed it in every chat
);
CREATE INDEX facts_episode ON facts (episode);
CREATE TABLE profiles (person TEXT PRIMARY KEY, name TEXT NOT NULL, relationship TEXT, topics TEXT NOT NULL);
"""


def person_key(name: str) -> str:
    """How a name is matched: any case, any spacing ("sam  okafor" is "Sam Okafor")."""
    return " ".join(name.casefold().split())


def reader_token(key: str) -> str:
    """A person key as one full-text token ("r" and 16 hex digits), whatever letters or spaces the name has."""
    return "r" + hashlib.sha1(key.encode()).hexdigest()[:16]


def stamp(when: datetime) -> str:
    """A timestamp as stored; truncating to the second keeps "strictly before" strict."""
    return when.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def paths(workspace: Workspace) -> tuple[Path, Path]:
    return workspace.memory / "memory.sqlite3", workspace.memory / "decisions.json"


@dataclass
class Decisions:
    """What the user decided, kept across rebuilds: keys are stable (names, chat + start, fact text)."""

    forgotten_people: list[str] = field(default_factory=list)
    forgotten_episodes: list[str] = field(default_factory=list)  # episode_key()
    forgotten_facts: list[str] = field(default_factory=list)  # fact_key()
    approved_facts: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, workspace: Workspace) -> Decisions:
        path = paths(workspace)[1]
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return cls(**{k: list(v) for k, v in data.items() if k in cls.__dataclass_fields__})

    def save(self, workspace: Workspace) -> None:
        write_json_atomic(paths(workspace)[1], self.__dict__)


def episode_key(platform: str, chat: str, start: str) -> str:
    return f"{platform}|{chat}|{start}"


def fact_key(kind: str, subject: str, value: str) -> str:
    return f"{kind}|{subject}|{person_key(value)}"


@dataclass(frozen=True)
class Vectors:
    """Every embedded episode, in id order: what semantic search scores, and when each episode ended (so that
    the time rule of a scope needs no query)."""

    ids: np.ndarray  # int64
    ends: np.ndarray  # datetime64[s]
    matrix: np.ndarray  # float32 [episodes, DIMENSIONS], unit rows


@dataclass
class Memory:
    """An open memory store. Embeddings are read into one matrix on the first semantic search and kept."""

    workspace: Workspace
    db: sqlite3.Connection
    meta: dict[str, str]
    _vectors: Vectors | None = None

    @property
    def semantic(self) -> bool:
        return self.meta.get("semantic") == "on"

    @property
    def note(self) -> str:
        return self.meta.get("note", "")

    def vectors(self) -> Vectors:
        if self._vectors is None:
            rows = self.db.execute("SELECT id, end, embedding FROM episodes WHERE embedding IS NOT NULL ORDER BY id")
            ids, ends, blobs = [], [], []
            for episode, end, blob in rows:
                ids.append(episode)
                ends.append(end)
                blobs.append(blob)
            matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), DIMENSIONS)
            self._vectors = Vectors(np.asarray(ids, dtype=np.int64), np.asarray(ends, dtype="datetime64[s]"), matrix)
        return self._vectors

    def forget_cache(self) -> None:
        self._vectors = None

    def close(self) -> None:
        self.db.close()


def create(path: Path) -> sqlite3.Connection:
    """A new, empty store at ``path`` (which must not exist)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    db = sqlite3.connect(path)
    path.chmod(0o600)  # it holds other people's messages
    db.executescript(SCHEMA)
    return db


def write_meta(db: sqlite3.Connection, meta: dict[str, Any]) -> None:
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in meta.items()])


def stored_version(path: Path) -> int | None:
    """The version of the store at ``path``: None when there is none, 0 when it is not a store we can read."""
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    except sqlite3.DatabaseError:
        return 0
    return int(row[0]) if row else 0


def open_store(workspace: Workspace) -> Memory:
    """Open the workspace's store as it is; a missing or older one is an error (``load`` rebuilds instead)."""
    path = paths(workspace)[0]
    version = stored_version(path)
    if version is None:
        raise CloneError(f"{workspace.root}: no memory yet; build it: {workspace.command('memory build')}")
    if version != VERSION:
        raise CloneError(f"{path}: memory store version {version}, this clone reads {VERSION}; rebuild it")
    db = sqlite3.connect(path, check_same_thread=False)  # the server may answer from another thread
    db.execute("CREATE VIRTUAL TABLE temp.episodes_vocab USING fts5vocab(main, episodes_fts, col)")
    return Memory(workspace, db, dict(db.execute("SELECT key, value FROM meta")))
