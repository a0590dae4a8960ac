"""Per-contact profiles: who they are to the person, since when, how much, what about, and lately."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from clone.memory.search import Hit, episode
from clone.memory.store import Memory, person_key

RECENT = 3


@dataclass(frozen=True)
class Profile:
    name: str
    relationship: str | None  # from contacts.yaml
    first: datetime
    last: datetime
    conversations: int
    their_messages: int
    my_messages: int  # in the conversations they are part of (groups included)
    topics: list[str]  # the words that set their conversations apart
    recent: list[Hit]


def profile(memory: Memory, name: str) -> Profile | None:
    """The profile of ``name`` (any case), or None when they are not in memory."""
    row = memory.db.execute(
        "SELECT p.name, min(e.start), max(e.end), count(*), sum(p.messages), sum(e.my_messages), f.relationship,"
        " f.topics FROM participants p JOIN episodes e ON e.id = p.episode LEFT JOIN profiles f ON f.person = p.person"
        " WHERE p.person = ? GROUP BY p.person",
        (person_key(name),),
    ).fetchone()
    if row is None:
        return None
    recent = memory.db.execute(
        "SELECT e.id FROM episodes e JOIN participants p ON p.episode = e.id WHERE p.person = ?"
        " ORDER BY e.start DESC LIMIT ?",
        (person_key(name), RECENT),
    )
    who, first, last, conversations, theirs, mine, relationship, topics = row
    return Profile(
        who,
        relationship,
        datetime.fromisoformat(first),
        datetime.fromisoformat(last),
        conversations,
        theirs,
        mine,
        json.loads(topics or "[]"),
        [episode(memory, e) for (e,) in recent.fetchall()],
    )


def profiles(memory: Memory) -> list[Profile]:
    """Everyone in memory, the most recently talked to first."""
    people = [name for (name,) in memory.db.execute("SELECT name FROM profiles")]
    found = [p for p in (profile(memory, name) for name in people) if p is not None]
    return sorted(found, key=lambda p: p.last, reverse=True)
