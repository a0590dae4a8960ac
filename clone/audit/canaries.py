"""Canaries (Carlini et al., "The Secret Sharer", 2019): random secrets planted in the training set so an audit
can measure how much the trained clone memorised them.

Every canary is one short training sample with the same context and the same sentence, "the code is 4 8 2 9 1 3",
differing only in its six random digits, written apart as in the paper so that every secret is the same number of
tokens whatever the tokenizer merges (a loss then compares digits, not lengths). After training, a planted
secret's *exposure* is how far up it ranks, by the clone's loss, among reference secrets it never saw:
log2(references + 1) - log2(rank). An unseen secret ranks at random (about 1.4 bits on average); a memorised one
ranks first (log2(references + 1) bits). Control secrets, drawn like the planted ones but never trained, show the
unseen level on the same model.

The canaries are written to the workspace (audit/canaries.json), reused by later imports so a continued clone is
audited against the secrets it was trained on, and kept out of everything but the training split.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from clone.dataset.samples import Context, system_prompt
from clone.errors import CloneError
from clone.workspace import Workspace, write_json_atomic

PLATFORM = "canary"  # the samples' platform and chat: never a real export's
PROMPT = "what's the code again?"
SENTENCE = "the code is {secret}"
DIGITS = 6
WHEN = datetime(2020, 1, 1, 12, 0)  # one fixed time: every canary shares one context


@dataclass
class Canaries:
    """The planted secrets (each trained ``repeats`` times) and the controls drawn alike but never trained."""

    me: str
    planted: list[str]
    controls: list[str]
    repeats: int = 1
    seed: int = 0
    format: dict[str, Any] = field(default_factory=lambda: {"prompt": PROMPT, "sentence": SENTENCE, "digits": DIGITS})

    def context(self) -> list[dict[str, str]]:
        """The messages before each canary's reply: the one context all canaries and references share."""
        prompt = system_prompt(Context(self.me, when=WHEN))
        return [{"role": "system", "content": prompt}, {"role": "user", "content": self.format["prompt"]}]

    def sample(self, secret: str) -> list[dict[str, str]]:
        """A canary (or reference) secret as a chat: the shared context, then the sentence as the person's reply."""
        spoken = self.format["sentence"].format(secret=" ".join(secret))
        return [*self.context(), {"role": "assistant", "content": spoken}]

    def rows(self) -> list[dict[str, Any]]:
        """The training samples that plant every secret ``repeats`` times (one sample each, distinct keys)."""
        return [
            {
                "messages": self.sample(secret),
                "platform": PLATFORM,
                "chat": PLATFORM,
                "start": (WHEN + timedelta(seconds=i * self.repeats + r)).isoformat(),
            }
            for i, secret in enumerate(self.planted)
            for r in range(self.repeats)
        ]

    def references(self, count: int, seed: int) -> list[str]:
        """``count`` secrets of the same shape that were never planted (nor are controls)."""
        taken = {*self.planted, *self.controls}
        rng = random.Random(f"references:{self.seed}:{seed}")
        found: list[str] = []
        while len(found) < min(count, 10 ** self.format["digits"] - len(taken)):
            secret = random_secret(rng, self.format["digits"])
            if secret not in taken:
                taken.add(secret)
                found.append(secret)
        return found


def losses(
    model: Any, tokenizer: Any, canaries: Canaries, secrets: list[str], batch_size: int = 32, on_batch=None
) -> list[float]:
    """Each secret's summed negative log-likelihood as the person's reply in the canaries' context. Every secret
    shares that context, so it is run once and its key/value cache reused: each batch only runs the replies, a
    fifth of the tokens, right-padded (padding never counts)."""
    import copy

    import torch

    context = tokenizer.apply_chat_template(
        canaries.context(), add_generation_prompt=True, tokenize=True, return_dict=True
    )["input_ids"]
    replies = []
    for secret in secrets:
        ids = tokenizer.apply_chat_template(canaries.sample(secret), tokenize=True, return_dict=True)["input_ids"]
        if ids[: len(context)] != context:
            raise CloneError("the chat template does not extend the canaries' context; audit a clone trained here")
        replies.append(ids[len(context) :])
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    found: list[float] = []
    with torch.no_grad():
        prefix = model(input_ids=torch.tensor([context]), use_cache=True)
        first_logits = prefix.logits[0, -1].float()  # predicts every reply's first token
        for start in range(0, len(replies), batch_size):
            rows = replies[start : start + batch_size]
            width = max(map(len, rows))
            ids = torch.tensor([row + [pad] * (width - len(row)) for row in rows])
            mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows])
            cache = copy.deepcopy(prefix.cache)
            cache.batch_repeat_interleave(len(rows))
            attention = torch.cat([torch.ones(len(rows), len(context), dtype=mask.dtype), mask], dim=1)
            logits = model(input_ids=ids, attention_mask=attention, cache=cache).logits.float()
            # the token at i is predicted at i - 1: the first from the context's last position
            predicting = torch.cat([first_logits.expand(len(rows), 1, -1), logits[:, :-1]], dim=1)
            nll = torch.nn.functional.cross_entropy(predicting.transpose(1, 2), ids, reduction="none")
            found += (nll * mask).sum(dim=1).tolist()
            if on_batch:
                on_batch(len(rows))
    return found


def random_secret(rng: random.Random, digits: int = DIGITS) -> str:
    return "".join(rng.choice("0123456789") for _ in range(digits))


def draw(me: str, count: int, repeats: int = 1, seed: int = 0) -> Canaries:
    """``count`` planted secrets and as many controls, all distinct, from ``seed``."""
    rng = random.Random(f"canaries:{seed}")
    secrets: list[str] = []
    while len(secrets) < 2 * count:
        if (secret := random_secret(rng)) not in secrets:
            secrets.append(secret)
    return Canaries(me, secrets[:count], secrets[count:], repeats, seed)


def path(workspace: Workspace) -> Path:
    return workspace.audit / "canaries.json"


def load(workspace: Workspace) -> Canaries | None:
    """The workspace's canaries, or None when none were planted."""
    file = path(workspace)
    if not file.exists():
        return None
    return Canaries(**json.loads(file.read_text(encoding="utf-8")))


def plant(workspace: Workspace, me: str, count: int, repeats: int = 1) -> list[dict[str, Any]]:
    """The canary training samples for an import with ``count`` canaries: the workspace's own when it has the
    same number (a re-import or a new export keeps the secrets the clone was trained on), else new ones. Without
    canaries (count 0) any earlier file is removed, so an audit does not look for secrets that are not there."""
    file = path(workspace)
    if not count:
        file.unlink(missing_ok=True)
        return []
    canaries = load(workspace)
    if canaries is None or len(canaries.planted) != count or canaries.repeats != repeats or canaries.me != me:
        canaries = draw(me, count, repeats)
        file.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(file, asdict(canaries))
    return canaries.rows()
