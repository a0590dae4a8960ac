"""The OpenAI chat-completions request the server accepts, and how it becomes a clone `Conversation`.

Unknown fields are refused (422) rather than silently ignored, except the common ones that change nothing here.
Client `system` (and `developer`) messages are dropped: the clone's system prompt is the one it was trained with,
and who it talks to comes from the API key, never from text a client sends."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clone.chat import Clone, Conversation

CLIENT_ONLY_ROLES = ("system", "developer")


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")  # clients add refusal, tool_calls: null, ...

    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart] | None = None
    name: str | None = Field(None, max_length=100)

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text for part in self.content)
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    messages: list[Message] = Field(min_length=1)
    model: str | None = None
    stream: bool = False
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    stop: str | list[str] | None = None
    seed: int | None = None  # the same seed, messages and settings give the same reply (sampling.SeededSampler)
    user: str | None = None  # an owner key: the partner to talk as (as the X-Clone-Partner header)
    n: int = Field(1, ge=1, le=1)
    metadata: dict[str, str] | None = None  # {"group": NAME}: a group chat's name
    # accepted and ignored: they have no meaning for a clone
    stream_options: dict[str, Any] | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None

    @field_validator("messages")
    @classmethod
    def _something_to_answer(cls, messages: list[Message]) -> list[Message]:
        if not any(m.role == "user" for m in messages):
            raise ValueError("messages need at least one user message")
        return messages

    @property
    def stop_strings(self) -> tuple[str, ...]:
        stops = [self.stop] if isinstance(self.stop, str) else self.stop or []
        return tuple(s for s in stops if s)[:4]


def conversation_of(clone: Clone, request: ChatRequest, partner: str | None, platform: str) -> Conversation:
    """The clone's conversation for ``request`` with ``partner``: a group when a user message names someone else
    (the group's name from ``metadata.group``); unnamed user lines are the partner's. A chat that ends on the
    clone's own message gets its next message (as after a pause)."""
    users = [m for m in request.messages if m.role == "user"]
    group = (request.metadata or {}).get("group") or None
    if any(m.name and m.name != partner for m in users):
        group = group or "group chat"
    conversation = clone.conversation(partner, platform=platform, group=group)
    for message in request.messages:
        if message.role == "user":
            conversation.say(message.text, message.name or partner)
        elif message.role == "assistant":
            conversation.said(message.text)
    return conversation
