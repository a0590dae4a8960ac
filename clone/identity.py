"""Who "me" is: the person being cloned, named by one or more aliases across platforms.

One person has several names (a phone contact name, email addresses, a Discord handle). The aliases are
kept in the workspace's identity file, so later imports know who "me" is without repeating --me.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from clone.errors import CloneError
from clone.messages import Kind, Message
from clone.workspace import Workspace, write_json_atomic


def sender_counts(messages: Iterable[Message]) -> Counter[str]:
    """Messages per sender, people only (system lines have no sender)."""
    return Counter(m.sender for m in messages if m.sender is not None and m.kind is not Kind.SYSTEM)


def sender_platforms(messages: Iterable[Message]) -> dict[str, set[str]]:
    platforms: dict[str, set[str]] = defaultdict(set)
    for m in messages:
        if m.sender is not None:
            platforms[m.sender].add(m.platform)
    return platforms


def format_senders(messages: Sequence[Message], limit: int = 30) -> str:
    """One line per sender, most active first: count, name, and the platforms the name appears on."""
    counts, platforms = sender_counts(messages), sender_platforms(messages)
    rows = [f"  {n:>7}  {name}  ({', '.join(sorted(platforms[name]))})" for name, n in counts.most_common(limit)]
    if len(counts) > limit:
        rows.append(f"  ... and {len(counts) - limit} more")
    return "\n".join(rows)


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def names(value: str | Iterable[str] | None) -> list[str]:
    """One name or several: ``me="Maya Chen"`` and ``me=["Maya Chen", "Maya"]`` both work (a string is one name)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def resolve_me(messages: Sequence[Message], aliases: Sequence[str]) -> set[str]:
    """The sender names that are "me", or a clear error listing who is there to choose from, with the close
    matches first (any case, first names, near spellings: "emily" -> "Emily Wade")."""
    counts = sender_counts(messages)
    wanted = {_key(a) for a in aliases}
    me = {name for name in counts if _key(name) in wanted}
    if me:
        return me
    if not aliases:
        raise CloneError(
            f"Who should be cloned? Name them with me=NAME (repeat for aliases). Senders found:\n"
            f"{format_senders(messages)}"
        )
    close = close_matches(aliases, counts)
    guess = f" Did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
    raise CloneError(
        f"me={', '.join(repr(a) for a in aliases)} matches no sender.{guess} Senders found:\n{format_senders(messages)}"
    )


def close_matches(aliases: Sequence[str], senders: Iterable[str], limit: int = 3) -> list[str]:
    """Senders that an alias was probably meant to name: its words among theirs (any case), or a near spelling."""
    import difflib

    by_key = {_key(name): name for name in senders}
    found: list[str] = []
    for alias in aliases:
        words = set(_key(alias).split())
        found += [name for key, name in by_key.items() if words and words <= set(key.split())]
        found += [by_key[k] for k in difflib.get_close_matches(_key(alias), list(by_key), n=limit, cutoff=0.75)]
    return list(dict.fromkeys(found))[:limit]


def saved_aliases(workspace: Workspace) -> list[str]:
    if not workspace.identity.exists():
        return []
    return list(json.loads(workspace.identity.read_text(encoding="utf-8")).get("me", []))


def save_aliases(workspace: Workspace, aliases: Iterable[str]) -> None:
    """Remember every alias given so far: each import may add the name used on another platform."""
    merged = sorted(set(saved_aliases(workspace)) | set(aliases), key=str.casefold)
    write_json_atomic(workspace.identity, {"me": merged})


def load_contacts(workspace: Workspace) -> dict[str, str]:
    """The optional contacts file: `Name: relationship` lines ("Sam Okafor: friend", "Mum: mother")."""
    if not workspace.contacts.exists():
        return {}
    import yaml

    try:
        data = yaml.safe_load(workspace.contacts.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise CloneError(f"{workspace.contacts}: not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise CloneError(f"{workspace.contacts}: expected lines of `Name: relationship`")
    return {str(name): str(relation) for name, relation in data.items()}
