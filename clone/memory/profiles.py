"""Per-contact profiles: who they are to the person, since when, how much, what about, lately, and the plans
and dates still open with them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from clone.memory.plans import Plan, open_plans, plans_in
from clone.memory.search import Hit, episode
from clone.memory.store import Memory, person_key

RECENT = 3
PLAN_EPISODES = 200  # the newest conversations searched for plans


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
    plans: list[Plan] = field(default_factory=list)  # open plans and dates mentioned (clone.memory.plans)


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
    mentioned = memory.db.execute(
        "SELECT e.start, e.chat, e.text FROM episodes e JOIN participants p ON p.episode = e.id WHERE p.person = ?"
        " ORDER BY e.start DESC LIMIT ?",
        (person_key(name), PLAN_EPISODES),
    )
    plans = [plan for start, chat, text in mentioned for plan in plans_in(text, datetime.fromisoformat(start), chat)]
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
        open_plans(plans, datetime.fromisoformat(last)),
    )


def profiles(memory: Memory) -> list[Profile]:
    """Everyone in memory, the most recently talked to first."""
    people = [name for (name,) in memory.db.execute("SELECT name FROM profiles")]
    found = [p for p in (profile(memory, name) for name in people) if p is not None]
    return sorted(found, key=lambda p: p.last, reverse=True)
