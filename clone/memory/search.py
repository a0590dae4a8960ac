"""Retrieval inside the scope: the security boundary between the people the clone talks with.

Talking with Sam, memory may draw only on conversations Sam took part in (one-to-one, and groups Sam had
written in), that ended strictly before ``before``, and on personal facts that are not private to someone else:
stated in chats with at least two different people, or approved by the user. ``scope="all"`` (the owner
talking to themself) lifts the people rule, never the time rule. With several readers (a group chat), an item
must be in scope for every one of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from clone.errors import CloneError
from clone.memory.facts import SINGLE, describe
from clone.memory.store import Memory, fact_key, person_key, reader_token, stamp

SCOPES = ("contact", "all")
RRF_K = 60  # reciprocal rank fusion's constant (Cormack et al. 2009): rank r scores 1 / (60 + r)
CANDIDATES = 50  # taken from each ranking before fusing
MAX_QUERY_WORDS = 24
POSTINGS = 20_000  # the owner's full-text search reads about this many (conversation, word) entries at most
FAR_FUTURE = datetime(9999, 1, 1)


@dataclass(frozen=True)
class Hit:
    """An earlier conversation retrieved for a query."""

    id: int
    platform: str
    chat: str
    is_group: bool
    start: datetime
    end: datetime
    people: tuple[str, ...]
    text: str
    score: float

    @property
    def item_id(self) -> str:
        return f"e{self.id}"


@dataclass(frozen=True)
class Fact:
    """A personal fact as the newest statement in scope says it, with its source."""

    id: int
    kind: str
    subject: str
    value: str
    sentence: str
    said: datetime
    chat: str
    shared: bool  # stated in chats with two or more different people, or approved: not private to anyone
    approved: bool

    @property
    def item_id(self) -> str:
        return f"f{self.id}"

    @property
    def text(self) -> str:
        return describe(self.kind, self.subject, self.value)


def readers_of(partner: str | Sequence[str] | None) -> list[str]:
    people = [partner] if isinstance(partner, str) else list(partner or ())
    return sorted({person_key(p) for p in people if p and p.strip()})


def check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise CloneError(f"scope {scope!r}: choose one of {', '.join(SCOPES)}")


def scoped(memory: Memory, readers: list[str], before: datetime | None, scope: str) -> tuple[str, list] | None:
    """SQL selecting the ids of the episodes in scope, and its parameters; None when every episode is (the
    owner, after the newest conversation ended), so that no search needs to filter."""
    until = stamp(before or FAR_FUTURE)
    if scope == "all" and until > (memory.db.execute("SELECT max(end) FROM episodes").fetchone()[0] or ""):
        return None
    sql, params = "SELECT id FROM episodes WHERE end < ?", [until]
    if scope == "contact":
        marks = ", ".join("?" * len(readers))
        sql += (
            f" AND id IN (SELECT episode FROM participants WHERE person IN ({marks})"
            " GROUP BY episode HAVING count(*) = ?)"
        )
        params += [*readers, len(readers)]
    return sql, params


def query_words(query: str) -> list[str]:
    """The query's words for full-text search, without stop words (unless it is all stop words). Lower case, as
    the index folds them: casefold() would make "straße" "strasse", which the index does not hold."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = list(dict.fromkeys(re.findall(r"\w+", query.lower())))
    content = [w for w in words if w not in ENGLISH_STOP_WORDS]
    return (content or words)[:MAX_QUERY_WORDS]


def unaccented(word: str) -> str:
    """``word`` without combining marks: "café" is "cafe", as the index's tokenizer (remove_diacritics) keeps it."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def affordable(memory: Memory, words: list[str]) -> list[str]:
    """The rarest of ``words`` (one at least) that together are in at most POSTINGS conversations. Unnarrowed by
    readers, BM25 costs about a microsecond per conversation a word is in; in a long history the commonest words
    cost the most and weigh the least (inverse document frequency), so the owner's search leaves them out. A
    history of fewer than POSTINGS conversations keeps every word."""
    forms = {w: {w, unaccented(w)} for w in words}  # as written, and as the index holds Latin accented words
    wanted = sorted(set().union(*forms.values()))
    sql = f"SELECT term, doc FROM episodes_vocab WHERE col = 'text' AND term IN ({', '.join('?' * len(wanted))})"
    found = dict(memory.db.execute(sql, wanted))
    conversations = {w: max(found.get(form, 0) for form in forms[w]) for w in words}
    kept, total = [], 0
    for word in sorted(words, key=conversations.__getitem__):
        total += conversations[word]
        if kept and total > POSTINGS:
            break
        kept.append(word)
    return [w for w in words if w in kept]


def lexical_ranking(memory: Memory, query: str, readers: list[str], scope: tuple[str, list] | None) -> list[int]:
    """BM25's best episodes for ``query`` in scope. Full-text search keeps to the readers' episodes itself (their
    tokens in the readers column), which is what makes it fast in a long history; the scope's SQL then decides.
    Without readers (the owner), only the words it can afford."""
    words = query_words(query)
    if not words:
        return []
    if not readers:
        words = affordable(memory, words)
    match = "text : (" + " OR ".join('"' + w.replace('"', '""') + '"' for w in words) + ")"
    if readers:
        match = f"readers : ({' AND '.join(reader_token(r) for r in readers)}) AND {match}"
    if scope is None:  # FTS5 keeps the best few itself
        sql = "SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH ? ORDER BY rank LIMIT ?"
        return [row[0] for row in memory.db.execute(sql, [match, CANDIDATES])]
    # All matches first, then the scope: FTS5 with "rowid IN (subquery)" looks each scoped row up (50x slower),
    # and joining the matches to the scope looks each match up (1.5x slower than this list of the scope's ids)
    scope_sql, params = scope
    sql = (
        f"WITH scoped AS ({scope_sql}), matches AS MATERIALIZED (SELECT rowid AS id, rank FROM episodes_fts"
        " WHERE episodes_fts MATCH ?) SELECT id FROM matches WHERE id IN scoped ORDER BY rank LIMIT ?"
    )
    return [row[0] for row in memory.db.execute(sql, [*params, match, CANDIDATES])]


def vectors_in_scope(
    memory: Memory, scope_query: tuple[str, list] | None, scope: str, before: datetime | None
) -> np.ndarray | None:
    """Which rows of ``memory.vectors()`` the scope selects, as a mask (None: all of them). The owner's scope is
    the time rule alone, which the vectors' end times answer without reading tens of thousands of ids back from
    SQLite (250x faster at 1M messages); a contact's is the scope's SQL."""
    if scope_query is None:
        return None
    vectors = memory.vectors()
    if scope == "all":
        return vectors.ends < np.datetime64(stamp(before or FAR_FUTURE))
    return np.isin(vectors.ids, np.fromiter((row[0] for row in memory.db.execute(*scope_query)), dtype=np.int64))


def semantic_ranking(memory: Memory, query: str, in_scope: np.ndarray | None) -> list[int]:
    """The episodes nearest to ``query`` by embedding cosine, among the rows ``in_scope`` (None: all of them)."""
    from clone.eval.semantic import embed

    vectors = memory.vectors()
    rows = np.arange(len(vectors.ids)) if in_scope is None else np.flatnonzero(in_scope)
    if not query.strip() or not rows.size:
        return []
    vector = embed([query])[0]
    # A wide scope: every row in one pass, then the scope's, rather than copy most of a large matrix first
    matrix = vectors.matrix
    scores = matrix[rows] @ vector if rows.size * 4 < len(vectors.ids) else (matrix @ vector)[rows]
    best = np.argpartition(-scores, CANDIDATES)[:CANDIDATES] if rows.size > CANDIDATES else np.arange(rows.size)
    best = best[np.argsort(-scores[best], kind="stable")]
    return [int(i) for i in vectors.ids[rows[best]]]


def fuse(*rankings: list[int]) -> dict[int, float]:
    scores: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for rank, episode in enumerate(ranking, start=1):
            scores[episode] += 1 / (RRF_K + rank)
    return scores


def retrieve(
    memory: Memory,
    partner: str | Sequence[str] | None,
    query: str,
    before: datetime | None = None,
    scope: str = "contact",
    k: int = 3,
) -> list[Hit]:
    """The ``k`` earlier conversations most relevant to ``query`` that ``partner`` may be reminded of: hybrid
    search (BM25 and embedding cosine, fused by reciprocal rank) inside the scope. No partner in scope
    "contact": nothing (an unknown reader is told nothing)."""
    check_scope(scope)
    readers = readers_of(partner)
    if scope == "contact" and not readers:
        return []
    scope_query = scoped(memory, readers, before, scope)
    rankings = [lexical_ranking(memory, query, readers if scope == "contact" else [], scope_query)]
    if memory.semantic:
        rankings.append(semantic_ranking(memory, query, vectors_in_scope(memory, scope_query, scope, before)))
    scores = fuse(*rankings)
    best = sorted(scores, key=lambda e: (-scores[e], -e))[:k]
    return [episode(memory, e, scores[e]) for e in best]


def episode(memory: Memory, episode_id: int, score: float = 0.0) -> Hit:
    platform, chat, group, start, end, text = memory.db.execute(
        "SELECT platform, chat, is_group, start, end, text FROM episodes WHERE id = ?", (episode_id,)
    ).fetchone()
    people = [
        r[0] for r in memory.db.execute("SELECT name FROM participants WHERE episode = ? ORDER BY name", (episode_id,))
    ]
    return Hit(
        episode_id,
        platform,
        chat,
        bool(group),
        datetime.fromisoformat(start),
        datetime.fromisoformat(end),
        tuple(people),
        text,
        score,
    )


def known_facts(
    memory: Memory, partner: str | Sequence[str] | None, before: datetime | None = None, scope: str = "contact"
) -> list[Fact]:
    """The personal facts the clone may use with ``partner``, newest first: for work, home and favourites only
    the newest statement in scope (the person moved; the old city is no longer true)."""
    check_scope(scope)
    readers = set(readers_of(partner))
    if scope == "contact" and not readers:
        return []
    until = stamp(before or FAR_FUTURE)
    rows = memory.db.execute(
        "SELECT f.id, f.kind, f.subject, f.value, f.sentence, f.said, f.episode, f.approved, e.platform, e.chat"
        " FROM facts f JOIN episodes e ON e.id = f.episode WHERE f.said < ? ORDER BY f.said",
        (until,),
    ).fetchall()
    people: dict[int, set[str]] = defaultdict(set)  # who was in each conversation a fact was stated in
    for ep, person in memory.db.execute(
        "SELECT episode, person FROM participants WHERE episode IN (SELECT episode FROM facts WHERE said < ?)", (until,)
    ):
        people[ep].add(person)
    chats: dict[str, set[tuple[str, str]]] = defaultdict(set)  # per fact: where it was said, to whom, approved
    heard: dict[str, set[str]] = defaultdict(set)
    approved: set[str] = set()
    for _, kind, subject, value, _, _, ep, was_approved, platform, chat in rows:
        key = fact_key(kind, subject, value)
        chats[key].add((platform, chat))
        heard[key] |= people[ep]
        if was_approved:
            approved.add(key)
    newest: dict[tuple, Fact] = {}
    for fid, kind, subject, value, sentence, said, ep, _, _, chat in rows:  # oldest first: later ones replace
        key = fact_key(kind, subject, value)
        shared = key in approved or (len(chats[key]) >= 2 and len(heard[key]) >= 2)
        if scope == "all" or shared or readers <= people[ep]:
            slot = (kind, subject) if kind in SINGLE else (kind, subject, person_key(value))
            newest[slot] = Fact(
                fid, kind, subject, value, sentence, datetime.fromisoformat(said), chat, shared, key in approved
            )
    return sorted(newest.values(), key=lambda f: f.said, reverse=True)
