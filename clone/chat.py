"""Talking to a trained clone. A `Clone` is the loaded model (base + adapter, tokenizer, run record); a
`Conversation` is one chat with it (partner, platform, time, history). One loaded clone serves many conversations,
as in simonw/llm (`model = llm.get_model(); conversation = model.conversation()`).

    maya = Clone.load(Workspace(Path("clone-workspace")))
    with_sam = maya.conversation("Sam Okafor")
    print(with_sam.reply("free tonight?"))

    crew = maya.conversation(group="Climbing crew")  # a group: each line carries its speaker's name
    crew.say("who's in for saturday?", speaker="Sam Okafor")
    print(crew.reply("me!! 9am?", speaker="Lea"))
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clone.dataset.samples import Context, system_prompt
from clone.generation import GenerationSettings
from clone.identity import load_contacts
from clone.progress import quiet_libraries
from clone.training import read_run
from clone.workspace import Workspace


def load_model(workspace: Workspace, run: dict[str, Any], *, trainable: bool = False) -> tuple[Any, Any]:
    """The workspace clone's tokenizer and model: its base model with the trained LoRA adapter on top (bf16 on a
    GPU that has it, else fp32). ``trainable`` lets the adapter train on (`clone improve`)."""
    quiet_libraries()
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(workspace.model / "tokenizer")
    dtype = torch.bfloat16 if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else torch.float32
    base = AutoModelForCausalLM.from_pretrained(run["base_model_path"], dtype=dtype)
    return tokenizer, PeftModel.from_pretrained(base, workspace.model / "adapter", is_trainable=trainable)


@dataclass
class Clone:
    """A trained clone, loaded once. Start chats with `conversation()`; each keeps its own history."""

    workspace: Workspace
    run: dict[str, Any]
    tokenizer: Any
    model: Any
    settings: GenerationSettings = field(default_factory=GenerationSettings)
    memory: Any = None  # the workspace's memory (clone.memory.Memory) when the clone was trained with one
    memory_tokens: int = 0  # the memory block's budget it was trained with

    @classmethod
    def load(cls, workspace: Workspace | None = None, settings: GenerationSettings | None = None) -> Clone:
        """Load the clone trained in ``workspace`` (default ./clone-workspace), with its memory when it was trained
        to use one (`clone import --memory-tokens N`): it is then told what it remembers, as in training."""
        workspace = workspace or Workspace()
        run = read_run(workspace)  # a clear error before any model is loaded
        tokenizer, model = load_model(workspace, run)
        model.eval()
        tokens = run.get("dataset", {}).get("options", {}).get("memory_tokens", 0)
        memory = None
        if tokens:
            from clone.memory import open_memory

            memory = open_memory(workspace)
        return cls(workspace, run, tokenizer, model, settings or GenerationSettings(), memory, tokens)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    @property
    def me(self) -> str:
        return self.run["me"]

    def conversation(
        self,
        partner: str | None = None,
        *,
        relationship: str | None = None,
        platform: str = "whatsapp",
        when: datetime | None = None,
        settings: GenerationSettings | None = None,
        group: str | None = None,
        scope: str = "contact",
    ) -> Conversation:
        """A new chat with ``partner``, or in the group named ``group`` (its members are whoever speaks in it);
        ``relationship`` defaults to the partner's line in the workspace's contacts.yaml, ``when`` (the time the
        clone is told it is) to the time of each message; ``scope`` what memory may draw on ("contact", or "all"
        for the owner talking to their own clone)."""
        if not group:
            relationship = relationship or load_contacts(self.workspace).get(partner or "")
        return Conversation(
            self, partner, relationship, platform, when, settings or self.settings, group=group, scope=scope
        )

    def stream_reply(
        self, messages: list[dict[str, str]], settings: GenerationSettings, stop: threading.Event | None = None
    ) -> Iterator[str]:
        """The reply to a prompt (system + conversation), piece by piece. Setting ``stop`` ends it early; closing
        the iterator (Ctrl-C while reading it) stops the generation before returning."""
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        class Stop(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs) -> bool:
                return stop.is_set()

        stop = stop or threading.Event()
        inputs = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        kwargs = dict(
            **inputs,
            **settings.generate_kwargs(self.tokenizer),
            streamer=streamer,
            stopping_criteria=StoppingCriteriaList([Stop()]),
        )
        worker = threading.Thread(target=self.model.generate, kwargs=kwargs, daemon=True)
        worker.start()
        try:
            yield from streamer
        finally:
            stop.set()  # no-op after a full reply; otherwise the worker stops at its next token
            worker.join()


@dataclass
class Conversation:
    """One chat with a loaded clone: who it is with, where, when, and what was said."""

    clone: Clone
    partner: str | None = None  # who the clone is talking to
    relationship: str | None = None  # "friend", "sister", ... as in contacts.yaml
    platform: str = "whatsapp"
    when: datetime | None = None  # the time the clone is told it is; None: now, at each message
    settings: GenerationSettings = field(default_factory=GenerationSettings)
    history: list[dict[str, str]] = field(default_factory=list)
    group: str | None = None  # the group's name, in a group chat
    members: list[str] = field(default_factory=list)  # the other people who spoke in the group, first seen first
    scope: str = "contact"  # what memory may draw on: what this partner took part in ("all": the owner's own chat)
    recalled: Any = None  # what the last prompt was told from memory (clone.memory.Recall), for --show-memory
    _seeded: bool = False

    def context(self) -> Context:
        when = self.when or datetime.now()
        if self.group:  # as training saw a group: its name and the others who spoke, sorted
            return Context(
                self.clone.me, platform=self.platform, group=self.group, members=tuple(sorted(self.members)), when=when
            )
        return Context(self.clone.me, self.partner, self.relationship, self.platform, when=when)

    def say(self, message: str, speaker: str | None = None) -> None:
        """Add someone else's ``message`` without a reply yet. In a group each line is written `Speaker: text`, as
        in training, and lines since the clone last spoke share one user turn (training merged them too)."""
        if self.group:
            speaker = speaker or self.partner or "Someone"
            if speaker not in self.members:
                self.members.append(speaker)
            message = f"{speaker}: {message}"
        if self.history and self.history[-1]["role"] == "user":
            self.history[-1] = {"role": "user", "content": f"{self.history[-1]['content']}\n{message}"}
        else:
            self.history.append({"role": "user", "content": message})

    def said(self, reply: str) -> None:
        """Add a reply of the clone's own (a conversation replayed from elsewhere, e.g. an API client)."""
        self.history.append({"role": "assistant", "content": reply})

    def prompt(self, history: list[dict[str, str]] | None = None) -> list[dict[str, str]]:
        """The same system prompt the clone saw in training (with its memory block when it has a memory), then
        the conversation so far."""
        history = self.history if history is None else history
        return [{"role": "system", "content": system_prompt(self.context(), self.remember(history))}, *history]

    def remember(self, history: list[dict[str, str]]) -> str:
        """The memory block for a reply, retrieved as in training: with what the others said, from conversations
        before now that this partner took part in (``scope``); "" without a memory."""
        clone = self.clone
        if clone.memory is None:
            return ""
        from clone.memory import recall

        query = "\n".join(m["content"] for m in history if m["role"] == "user")
        when = self.when or datetime.now()
        self.recalled = recall(
            clone.memory, self.context(), query, when, clone.memory_tokens, clone.count_tokens, self.scope
        )
        return self.recalled.block

    def stream(self, message: str, speaker: str | None = None) -> Iterator[str]:
        """Send ``message`` (from ``speaker``, in a group), yield the clone's reply piece by piece, and remember both
        in the history. A reply cut short (the iterator closed, e.g. by Ctrl-C) is kept as far as it got."""
        self.say(message, speaker)
        yield from self.answer()

    def answer(self) -> Iterator[str]:
        """The clone's reply to the conversation so far, streamed and remembered (as ``stream`` does)."""
        import torch

        if self.settings.seed is not None and not self._seeded:  # once: a session repeats, retry gives a new reply
            torch.manual_seed(self.settings.seed)
            self._seeded = True
        pieces: list[str] = []
        try:
            for piece in self.clone.stream_reply(self.prompt(), self.settings):
                pieces.append(piece)
                yield piece
        finally:
            self.said("".join(pieces).strip())

    def reply(self, message: str, speaker: str | None = None) -> str:
        for _ in self.stream(message, speaker):
            pass
        return self.history[-1]["content"]

    def retry(self) -> Iterator[str]:
        """Another reply to the last message (streamed), replacing the previous reply in the history."""
        self.history.pop()
        return self.answer()

    def reset(self) -> None:
        self.history.clear()
        self.members.clear()
        self._seeded = False
