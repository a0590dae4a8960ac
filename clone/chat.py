"""Talking to a trained clone: load base model + adapter, build the same prompt as in training, stream."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from threading import Thread
from typing import Any

from clone.dataset.samples import Context, system_prompt
from clone.identity import load_contacts
from clone.progress import quiet_libraries
from clone.templates import stop_token_ids
from clone.training import read_run
from clone.workspace import Workspace


def load_clone(workspace: Workspace, run: dict[str, Any], *, trainable: bool = False) -> tuple[Any, Any]:
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
class GenerationSettings:
    max_new_tokens: int = 120
    temperature: float = 0.8  # sampling keeps a small clone from repeating one memorised line
    top_p: float = 0.9
    repetition_penalty: float = 1.1
    seed: int | None = None


@dataclass
class Clone:
    """A trained clone from a workspace. ``reply`` answers one message; ``stream`` yields text pieces."""

    workspace: Workspace = field(default_factory=Workspace)
    partner: str | None = None  # who the clone is talking to
    relationship: str | None = None  # defaults to the partner's entry in the workspace contacts file
    platform: str = "whatsapp"
    when: datetime | None = None  # the time the clone is told it is; None: now
    settings: GenerationSettings = field(default_factory=GenerationSettings)

    def __post_init__(self) -> None:
        self.run: dict[str, Any] = read_run(self.workspace)
        self.me: str = self.run["me"]
        self.tokenizer, self.model = load_clone(self.workspace, self.run)
        self.model.eval()
        self.history: list[dict[str, str]] = []
        self.seeded = False

    def context(self) -> Context:
        relationship = self.relationship or load_contacts(self.workspace).get(self.partner or "")
        return Context(self.me, self.partner, relationship, self.platform, when=self.when or datetime.now())

    def prompt(self, history: list[dict[str, str]]) -> list[dict[str, str]]:
        """The same system prompt the clone saw in training, then the conversation so far."""
        return [{"role": "system", "content": system_prompt(self.context())}, *history]

    def stream(self, message: str) -> Iterator[str]:
        """Send ``message``, yield the clone's reply piece by piece, and remember both in the history."""
        import torch
        from transformers import TextIteratorStreamer

        self.history.append({"role": "user", "content": message})
        inputs = self.tokenizer.apply_chat_template(
            self.prompt(self.history), add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        s = self.settings
        if s.seed is not None and not self.seeded:  # once: a session repeats, and /retry gives a new reply
            torch.manual_seed(s.seed)
            self.seeded = True
        kwargs = dict(
            **inputs,
            streamer=streamer,
            max_new_tokens=s.max_new_tokens,
            do_sample=s.temperature > 0,
            temperature=s.temperature or None,
            top_p=s.top_p,
            repetition_penalty=s.repetition_penalty,
            eos_token_id=stop_token_ids(self.tokenizer),  # EOS and the end-of-turn token (Gemma: not the same)
            pad_token_id=self.tokenizer.pad_token_id,
        )
        worker = Thread(target=self.model.generate, kwargs=kwargs, daemon=True)
        worker.start()
        pieces = []
        for piece in streamer:
            pieces.append(piece)
            yield piece
        worker.join()
        self.history.append({"role": "assistant", "content": "".join(pieces).strip()})

    def reply(self, message: str) -> str:
        for _ in self.stream(message):
            pass
        return self.history[-1]["content"]

    def retry(self) -> Iterator[str]:
        """Another reply to the last message (streamed), replacing the previous reply in the history."""
        self.history.pop()
        return self.stream(self.history.pop()["content"])

    def reset(self) -> None:
        self.history.clear()
