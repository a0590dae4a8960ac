"""The settings of `clone improve`: one dataclass whose fields are the `--set key=value` keys."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any

from clone.errors import CloneError
from clone.recipes import parse_overrides, typed, unknown_keys

METHODS = ("grpo", "spin", "feedback")
# Where a method's best settings differ from the dataclass defaults (which suit the DPO methods). GRPO's
# updates are noisier and smaller, so it takes a larger step over two contexts (8 replies) at a time.
METHOD_DEFAULTS: dict[str, dict[str, Any]] = {"grpo": {"learning_rate": 1e-4, "batch_size": 8}}
# A GPU affords more contexts, more and longer replies per step and whole batches per forward pass.
GPU_DEFAULTS: dict[str, Any] = {
    "contexts": 128,
    "eval_samples": 64,
    "max_new_tokens": 64,
    "num_generations": 8,
    "batch_size": 16,
    "micro_batch": 32,
}


@dataclass
class ImproveConfig:
    """How the clone improves after SFT. The defaults are sized for 2 CPU cores and the bundled model;
    `improve_config` raises the sample counts to GPU_DEFAULTS when a GPU is there."""

    method: str = "grpo"  # grpo: voice rewards; spin: self-play DPO rounds; feedback: your ratings and edits
    rounds: int = 2  # self-play rounds (each samples fresh replies from the improved clone)
    contexts: int = 32  # training contexts per round (0: all)
    eval_samples: int = 16  # held-out replies scored after every round (0: no per-round evaluation)
    # optimisation
    learning_rate: float = 5e-5  # LoRA weights move slowly: DPO on a full model would use ~1e-6
    epochs: float = 1.0
    batch_size: int = 4  # pairs per step (DPO); sampled replies per step (GRPO)
    grad_accum: int = 1
    # sequences per forward pass (a DPO pair is two); each batch is accumulated from such micro-batches, which
    # changes nothing but peak memory: on a CPU the activations of 8 sequences take ~7 GB, of 4 about half
    micro_batch: int = 4
    max_length: int = 320  # prompt + reply tokens (contexts are first trimmed to their last messages)
    beta: float = 0.1  # DPO: how far from the reference (the previous round); GRPO: KL weight
    seed: int = 0
    # sampling the clone's replies
    max_new_tokens: int = 40
    temperature: float = 0.8
    # GRPO
    steps: int = 40  # optimisation steps
    num_generations: int = 4  # replies per context, compared with each other
    rewards: str = "authorship,style,length,placeholders,repetition"  # names or module:function, comma-separated
    reward_weights: str = "1,1,0.5,1,1"  # one per reward

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def problems(self) -> list[str]:
        checks = [
            (self.method in METHODS, f"method must be one of {', '.join(METHODS)}"),
            (self.rounds >= 1, "rounds must be at least 1"),
            (self.contexts >= 0, "contexts must be 0 (all) or more"),
            (self.learning_rate > 0, "learning_rate must be positive"),
            (self.batch_size >= 1 and self.micro_batch >= 1, "batch_size and micro_batch must be positive"),
            (self.num_generations >= 2, "num_generations must be at least 2 (GRPO compares replies)"),
            (self.max_new_tokens >= 1, "max_new_tokens must be positive"),
            (len(self.reward_names()) == len(self.weights()), "reward_weights needs one weight per reward"),
        ]
        return [message for ok, message in checks if not ok]

    def reward_names(self) -> list[str]:
        return [name.strip() for name in self.rewards.split(",") if name.strip()]

    def weights(self) -> list[float]:
        try:
            return [float(w) for w in self.reward_weights.split(",") if w.strip()]
        except ValueError:
            raise CloneError(f"reward_weights {self.reward_weights!r}: expected numbers like 1,1,0.5") from None


def improve_config(method: str = "grpo", overrides: list[str] | None = None, gpu: bool | None = None) -> ImproveConfig:
    """The defaults for ``method`` (GPU_DEFAULTS on a GPU; ``gpu`` None: whether torch sees one) with `key=value`
    overrides, checked."""
    given = {"method": method} | parse_overrides(overrides)
    if unknown := unknown_keys(ImproveConfig, given):  # before importing torch: a typo is reported at once
        known = sorted(f.name for f in fields(ImproveConfig))
        raise CloneError(f"unknown improve key(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if gpu is None:
        import torch

        gpu = torch.cuda.is_available()
    device = GPU_DEFAULTS if gpu else {}
    values = {"method": method} | METHOD_DEFAULTS.get(method, {}) | device | given
    config = ImproveConfig(**typed(ImproveConfig, values))
    if problems := config.problems():
        raise CloneError("; ".join(problems))
    return config
