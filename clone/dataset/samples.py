"""Chat samples in the "messages" format: the cloned person is the assistant, everyone else the user.

``system_prompt`` is the one place that says what the clone is told about a conversation; training
samples and ``clone talk`` both call it, so the clone sees at inference what it saw in training.
"""

from __future__ import annotations

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
}


def system_prompt(me: str, partner: str | None = None, platform: str = "whatsapp", group: str | None = None) -> str:
    where = PLATFORM_NAMES.get(platform, platform)
    if group:
        return f'You are {me}, chatting in the {where} group "{group}". Reply as {me} would.'
    return f"You are {me}, chatting with {partner or 'a friend'} on {where}. Reply as {me} would."


def _user_text(turns: list[Turn], group: bool) -> str:
    # In a group the reply depends on who said what, so each line carries its speaker's name.
    if group:
        return "\n".join(f"{t.speaker}: {text}" for t in turns for text in t.texts)
    return "\n".join(t.text for t in turns)


def to_messages(conversation: Conversation, me_name: str) -> list[dict[str, str]]:
    """One conversation as chat messages: a system prompt, then user and assistant turns alternating."""
    group = conversation.is_group
    others = sorted({t.speaker for t in conversation.turns if not t.is_me})
    system = system_prompt(
        me_name, ", ".join(others) or None, conversation.platform, conversation.chat if group else None
    )
    rows = [{"role": "system", "content": system}]
    pending: list[Turn] = []  # other people's turns since the person last spoke
    for turn in conversation.turns:
        if not turn.is_me:
            pending.append(turn)
            continue
        if pending:
            rows.append({"role": "user", "content": _user_text(pending, group)})
            pending = []
        rows.append({"role": "assistant", "content": turn.text})
    return rows


def to_sample(conversation: Conversation, me_name: str) -> dict[str, Any]:
    return {
        "messages": to_messages(conversation, me_name),
        "platform": conversation.platform,
        "chat": conversation.chat,
        "start": conversation.start.isoformat(),
    }
