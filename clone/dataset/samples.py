"""Chat samples in the "messages" format: the cloned person is the assistant, everyone else the user.

``system_prompt`` is the one place that says what the clone is told about a conversation; training
samples and ``clone talk`` both call it, so the clone sees at inference what it saw in training.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from clone.dataset.conversations import Conversation, Turn

PLATFORM_NAMES = {
    "whatsapp": "WhatsApp",
    "discord": "Discord",
    "email": "email",
    "telegram": "Telegram",
    "signal": "Signal",
    "slack": "Slack",
    "messenger": "Messenger",
    "instagram": "Instagram",
    "line": "LINE",
    "google-chat": "Google Chat",
    "hangouts": "Hangouts",
}


@dataclass(frozen=True)
class Context:
    """What the person knew when replying: who, on which platform, when, and whether it was a group."""

    me: str
    partner: str | None = None  # the other person, in a one-to-one chat
    relationship: str | None = None  # "friend", "sister", ... from the workspace contacts file
    platform: str = "whatsapp"
    group: str | None = None  # the group's name, in a group chat
    members: tuple[str, ...] = ()  # the other people who spoke, in a group chat
    when: datetime | None = None


def part_of_day(when: datetime) -> str:
    if 5 <= when.hour < 12:
        return "morning"
    if 12 <= when.hour < 17:
        return "afternoon"
    return "evening" if 17 <= when.hour < 22 else "night"


def system_prompt(context: Context, memory: str = "") -> str:
    """The compact system prompt of a sample; ``clone talk`` builds the same one. ``memory``: the block
    clone.memory.memory_block retrieved for this reply, after the prompt (none: the prompt is unchanged)."""
    c, where = context, PLATFORM_NAMES.get(context.platform, context.platform)
    if c.group:
        with_whom = f" with {', '.join(c.members)}" if c.members else ""
        who = f'in the {where} group "{c.group}"{with_whom}'
    else:
        relation = f" ({c.relationship})" if c.relationship else ""
        who = f"chatting with {c.partner or 'a friend'}{relation} on {where}"
    when = f" It is {c.when:%A} {part_of_day(c.when)}, {c.when.day} {c.when:%B %Y}." if c.when else ""
    prompt = f"You are {c.me}, {who}.{when} Reply as {c.me} would."
    return f"{prompt}\n\n{memory}" if memory else prompt


def context_of(conversation: Conversation, me: str, contacts: dict[str, str]) -> Context:
    others = tuple(sorted({t.speaker for t in conversation.turns if not t.is_me}))
    if conversation.is_group:
        return Context(
            me, platform=conversation.platform, group=conversation.chat, members=others, when=conversation.start
        )
    partner = others[0] if others else None
    return Context(me, partner, contacts.get(partner or ""), conversation.platform, when=conversation.start)


def _user_text(turns: list[Turn], group: bool) -> str:
    # In a group the reply depends on who said what, so each line carries its speaker's name.
    lines = []
    for turn in turns:
        if turn.quote:
            lines.append(turn.quote)
        lines += [f"{turn.speaker}: {text}" for text in turn.texts] if group else [turn.text]
    return "\n".join(lines)


def to_messages(
    conversation: Conversation, me_name: str, contacts: dict[str, str] | None = None, memory: str = ""
) -> list[dict[str, str]]:
    """One conversation as chat messages: a system prompt (with its memory block, if any), then user and
    assistant turns alternating."""
    group = conversation.is_group
    rows = [{"role": "system", "content": system_prompt(context_of(conversation, me_name, contacts or {}), memory)}]
    pending: list[Turn] = []  # other people's turns since the person last spoke
    for turn in conversation.turns:
        if not turn.is_me:
            pending.append(turn)
            continue
        context = [_user_text(pending, group)] if pending else []
        if turn.quote:  # the person replied to an older message: show it just before the reply
            context.append(turn.quote)
        if context:
            rows.append({"role": "user", "content": "\n".join(context)})
        pending = []
        rows.append({"role": "assistant", "content": turn.text})
    return rows


def sample_key(sample: dict[str, Any]) -> str:
    """A sample's identity across imports: its platform, chat and when it started."""
    return f"{sample['platform']}|{sample['chat']}|{sample['start']}"


def conversation_key(conversation: Conversation) -> str:
    """The key of the sample ``conversation`` becomes (``sample_key`` of its row)."""
    return f"{conversation.platform}|{conversation.chat}|{conversation.start.isoformat()}"


def to_sample(
    conversation: Conversation, me_name: str, contacts: dict[str, str] | None = None, memory: str = ""
) -> dict[str, Any]:
    return {
        "messages": to_messages(conversation, me_name, contacts, memory),
        "platform": conversation.platform,
        "chat": conversation.chat,
        "start": conversation.start.isoformat(),
    }
