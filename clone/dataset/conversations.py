"""From a flat message history to conversations made of turns.

A conversation is a run of messages in one chat with no silence longer than ``gap``. Inside it,
consecutive messages from the same speaker become one turn: people write in bursts, but a reply is
one thing to learn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from clone.messages import Kind, Message


@dataclass
class Turn:
    speaker: str
    is_me: bool
    texts: list[str]
    start: datetime
    quote: str | None = None  # an older message this turn replies to, shown as context ("> Sam: ...")

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@dataclass
class Conversation:
    platform: str
    chat: str
    turns: list[Turn] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        return self.turns[0].start

    @property
    def speakers(self) -> set[str]:
        return {t.speaker for t in self.turns}

    @property
    def is_group(self) -> bool:
        return len({t.speaker for t in self.turns if not t.is_me}) > 1


def group_by_chat(messages: Iterable[Message]) -> dict[tuple[str, str], list[Message]]:
    chats: dict[tuple[str, str], list[Message]] = defaultdict(list)
    for message in messages:
        chats[(message.platform, message.chat)].append(message)
    for history in chats.values():
        history.sort(key=lambda m: m.timestamp)
    return dict(chats)


def split_sessions(history: Sequence[Message], gap: timedelta) -> list[list[Message]]:
    """Cut one chat's time-ordered history wherever the silence is longer than ``gap``."""
    sessions: list[list[Message]] = []
    for message in history:
        if not sessions or message.timestamp - sessions[-1][-1].timestamp > gap:
            sessions.append([])
        sessions[-1].append(message)
    return sessions


def merge_turns(session: Sequence[Message], me: set[str], by_id: dict[str, Message] | None = None) -> list[Turn]:
    """Join each speaker's consecutive text messages into one turn. Media, system and deleted
    messages carry no words to learn from, so they are left out of turns. A reply to a message from
    before this conversation (where the platform records replies) brings that message along as context."""
    turns: list[Turn] = []
    in_session = {m.id for m in session if m.id}
    for message in session:
        if message.kind is not Kind.TEXT or message.sender is None or not message.text.strip():
            continue
        if turns and turns[-1].speaker == message.sender:
            turns[-1].texts.append(message.text)
        else:
            turns.append(Turn(message.sender, message.sender in me, [message.text], message.timestamp))
        older = (by_id or {}).get(message.reply_to or "")
        if older is not None and older.id not in in_session and turns[-1].quote is None:
            turns[-1].quote = quote(older)
    return turns


def quote(message: Message) -> str:
    return "\n".join(f"> {line}" for line in f"{message.sender or 'someone'}: {message.text}".split("\n"))


def build_conversations(messages: Iterable[Message], me: set[str], gap: timedelta) -> list[Conversation]:
    """Every conversation in which "me" and someone else speak, oldest first. A monologue has no one to
    reply to, so it makes no conversation sample."""
    conversations = []
    for (platform, chat), history in group_by_chat(messages).items():
        by_id = {m.id: m for m in history if m.id}
        for session in split_sessions(history, gap):
            turns = merge_turns(session, me, by_id)
            if any(t.is_me for t in turns) and not all(t.is_me for t in turns):
                conversations.append(Conversation(platform, chat, turns))
    conversations.sort(key=lambda c: c.start)
    return conversations
