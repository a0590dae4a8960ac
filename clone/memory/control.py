"""The user's control over memory: forget a person or an item, approve a fact for every chat.

Each decision is saved in decisions.json (so a rebuild keeps it) and applied to the open store at once.
A forgotten person's chats also stay out of the next training (clone.dataset.build excludes them).
"""

from __future__ import annotations

from clone.errors import CloneError
from clone.memory.store import Decisions, Memory, episode_key, fact_key, person_key


def forget_person(memory: Memory, name: str) -> int:
    """Forget every chat ``name`` is in (one-to-one and groups) and the facts stated there; returns how many
    conversations were removed."""
    decisions = Decisions.load(memory.workspace)
    if person_key(name) not in {person_key(p) for p in decisions.forgotten_people}:
        decisions.forgotten_people.append(name)
        decisions.save(memory.workspace)
    episodes = memory.db.execute(
        "SELECT id FROM episodes WHERE (platform, chat) IN (SELECT e.platform, e.chat FROM episodes e"
        " JOIN participants p ON p.episode = e.id WHERE p.person = ?)",
        (person_key(name),),
    ).fetchall()
    memory.db.execute("DELETE FROM profiles WHERE person = ?", (person_key(name),))
    return delete_episodes(memory, [e for (e,) in episodes])


def forget_item(memory: Memory, item_id: str) -> str:
    """Forget one conversation (``e12``) or one fact (``f7``, every statement of it); returns what was forgotten."""
    kind, number = item_id[:1].lower(), item_id[1:]
    if kind not in ("e", "f") or not number.isdigit():
        raise CloneError(f"{item_id!r}: an item id is e<number> (a conversation) or f<number> (a fact), as shown")
    decisions = Decisions.load(memory.workspace)
    if kind == "e":
        row = memory.db.execute("SELECT platform, chat, start FROM episodes WHERE id = ?", (int(number),)).fetchone()
        if row is None:
            raise CloneError(f"no conversation {item_id} in memory")
        decisions.forgotten_episodes.append(episode_key(*row))
        decisions.save(memory.workspace)
        delete_episodes(memory, [int(number)])
        return f"the conversation in {row[1]} of {row[2]}"
    key, ids = fact_statements(memory, int(number))
    decisions.forgotten_facts.append(key)
    decisions.save(memory.workspace)
    memory.db.executemany("DELETE FROM facts WHERE id = ?", [(i,) for i in ids])
    memory.db.commit()
    return f"the fact {key.replace('|', ' ').strip()}"


def approve_fact(memory: Memory, fact_id: str) -> str:
    """Let a fact be used in every chat (it was private to the chats it was stated in)."""
    if not fact_id[:1].lower() == "f" or not fact_id[1:].isdigit():
        raise CloneError(f"{fact_id!r}: a fact id is f<number>, as `clone memory show` prints it")
    key, ids = fact_statements(memory, int(fact_id[1:]))
    decisions = Decisions.load(memory.workspace)
    if key not in decisions.approved_facts:
        decisions.approved_facts.append(key)
        decisions.save(memory.workspace)
    memory.db.executemany("UPDATE facts SET approved = 1 WHERE id = ?", [(i,) for i in ids])
    memory.db.commit()
    return key


def fact_statements(memory: Memory, fact_id: int) -> tuple[str, list[int]]:
    """The stable key of a fact and the ids of every statement of it."""
    row = memory.db.execute("SELECT kind, subject, value FROM facts WHERE id = ?", (fact_id,)).fetchone()
    if row is None:
        raise CloneError(f"no fact f{fact_id} in memory")
    key = fact_key(*row)
    rows = memory.db.execute("SELECT id, kind, subject, value FROM facts WHERE kind = ? AND subject = ?", row[:2])
    return key, [i for i, *fact in rows if fact_key(*fact) == key]


def delete_episodes(memory: Memory, episodes: list[int]) -> int:
    db = memory.db
    for table, column in (("facts", "episode"), ("participants", "episode"), ("episodes", "id")):
        db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(e,) for e in episodes])
    db.execute("INSERT INTO episodes_fts (episodes_fts) VALUES ('rebuild')")
    db.commit()
    memory.forget_cache()
    return len(episodes)
