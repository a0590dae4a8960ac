"""The settings of `clone improve`: one dataclass per method, whose fields are its `--set key=value` keys and whose
defaults are the real ones (sized for 2 CPU cores and the bundled model). A GPU gets each class's ``gpu``
values instead, where it lists any: more contexts, more and longer replies, whole batches per forward pass."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from clone.errors import CloneError
from clone.recipes import parse_overrides, typed, unknown_keys
from clone.settings import setting


@dataclass
class ImproveConfig:
    """What every method shares: the DPO methods (`spin`, `feedback`) use these as they are."""

    method: ClassVar[str] = ""
    gpu: ClassVar[dict[str, Any]] = {
        "contexts": 128,
        "eval_samples": 64,
        "max_new_tokens": 64,
        "batch_size": 16,
        "micro_batch": 32,
    }

    contexts: int = setting(32, "Training contexts per round (0: all).")
    eval_samples: int = setting(16, "Held-out replies scored after every round (0: no per-round evaluation).")
    # optimisation
    learning_rate: float = setting(5e-5, "LoRA weights move slowly: DPO on a full model would use ~1e-6.")
    epochs: float = setting(1.0, "Passes over the pairs of a round (DPO).")
    batch_size: int = setting(4, "Pairs per step (DPO); sampled replies per step (GRPO).")
    grad_accum: int = setting(1, "Batches accumulated into one optimizer step.")
    micro_batch: int = setting(
        4,
        "Sequences per forward pass (a DPO pair is two); batches are accumulated from them, which changes only "
        "peak memory: on a CPU 8 sequences take ~7 GB, 4 about half.",
    )
    max_length: int = setting(320, "Prompt + reply tokens (contexts are first trimmed to their last messages).")
    beta: float = setting(0.1, "DPO: how far from the reference (the previous round); GRPO: the KL weight.")
    seed: int = setting(0, "Seed of the drawn contexts, the sampling and the scorers.")
    # sampling the clone's replies
    max_new_tokens: int = setting(40, "Longest sampled reply, in tokens.")
    temperature: float = setting(0.8, "Sampling temperature of the clone's replies.")

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, **dataclasses.asdict(self)}

    def problems(self) -> list[str]:
        """What is wrong with the values; empty when they are sound."""
        checks = [
            (self.contexts >= 0, "contexts must be 0 (all) or more"),
            (self.learning_rate > 0, "learning_rate must be positive"),
            (self.batch_size >= 1 and self.micro_batch >= 1, "batch_size and micro_batch must be positive"),
            (self.max_new_tokens >= 1, "max_new_tokens must be positive"),
        ]
        return [message for ok, message in checks if not ok]


@dataclass
class SpinConfig(ImproveConfig):
    """Self-play DPO (SPIN): the person's real reply is chosen over the clone's, for several rounds."""

    method: ClassVar[str] = "spin"

    rounds: int = setting(2, "Self-play rounds (each samples fresh replies from the improved clone).")

    def problems(self) -> list[str]:
        return super().problems() + ([] if self.rounds >= 1 else ["rounds must be at least 1"])


@dataclass
class FeedbackConfig(ImproveConfig):
    """DPO on the ratings and edits saved by `clone talk --feedback` (feedback.jsonl)."""

    method: ClassVar[str] = "feedback"


@dataclass
class GRPOConfig(ImproveConfig):
    """GRPO with the voice rewards. Its updates are noisier and smaller than DPO's, so it takes a larger step over
    two contexts (8 replies) at a time."""

    method: ClassVar[str] = "grpo"
    gpu: ClassVar[dict[str, Any]] = {**ImproveConfig.gpu, "num_generations": 8}

    learning_rate: float = setting(1e-4, "Peak learning rate of the LoRA weights.")
    batch_size: int = setting(8, "Sampled replies per step (whole groups of num_generations).")
    steps: int = setting(40, "Optimisation steps.")
    num_generations: int = setting(4, "Replies per context, compared with each other.")
    rewards: str = setting(
        "authorship,style,length,placeholders,repetition", "Reward names or module:function, comma-separated."
    )
    reward_weights: str = setting("1,1,0.5,1,1", "One weight per reward, comma-separated.")

    def problems(self) -> list[str]:
        checks = [
            (self.num_generations >= 2, "num_generations must be at least 2 (GRPO compares replies)"),
            (len(self.reward_names()) == len(self.weights()), "reward_weights needs one weight per reward"),
        ]
        return super().problems() + [message for ok, message in checks if not ok]

    def reward_names(self) -> list[str]:
        return [name.strip() for name in self.rewards.split(",") if name.strip()]

    def weights(self) -> list[float]:
        try:
            return [float(w) for w in self.reward_weights.split(",") if w.strip()]
        except ValueError:
            raise CloneError(f"reward_weights {self.reward_weights!r}: expected numbers like 1,1,0.5") from None


CONFIGS: dict[str, type[ImproveConfig]] = {c.method: c for c in (GRPOConfig, SpinConfig, FeedbackConfig)}
METHODS = tuple(CONFIGS)


def config_class(method: str) -> type[ImproveConfig]:
    if method not in CONFIGS:
        raise CloneError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    return CONFIGS[method]


def improve_config(
    method: str = "grpo", overrides: list[str] | None = None, gpu: bool | None = None, **values: Any
) -> ImproveConfig:
    """The settings of ``method`` (its class's ``gpu`` values on a GPU; ``gpu`` None: whether torch sees one), with
    overrides as `key=value` strings or keywords, checked."""
    kind = config_class(method)
    given = parse_overrides(overrides) | values
    if unknown := unknown_keys(kind, given):  # before importing torch: a typo is reported at once
        known = sorted(f.name for f in fields(kind))
        raise CloneError(f"unknown {method} key(s) {', '.join(unknown)}; known: {', '.join(known)}")
    if gpu is None:
        import torch

        gpu = torch.cuda.is_available()
    config = kind(**typed(kind, (kind.gpu if gpu else {}) | given))
    if problems := config.problems():
        raise CloneError("; ".join(problems))
    return config
