"""Repeatable replies under continuous batching: a request's ``seed`` picks its own tokens, whoever shares the batch.

transformers' continuous batching samples every row of a step with one `torch.multinomial` on the global generator,
so which token a request gets depends on the others in the batch. Its logits-processor API takes per-request
arguments; `SeededSampler` is one such processor, put last.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers.generation.continuous_batching.cb_logits_processors import ContinuousBatchingLogitsProcessor


class SeededSampler(ContinuousBatchingLogitsProcessor):
    """Makes a request with a ``seed`` repeatable under continuous batching. Runs last, on the scores after
    temperature and top_p: for a seeded row it draws the next token by inverse CDF with a uniform number from a
    generator seeded with (seed, position), and masks every other token, so the batch's shared multinomial can only
    pick that one. Unseeded rows are left as they are. The draw depends only on the request's own scores, which
    batching leaves the same up to float rounding: a rounding difference changes a token only when the uniform
    number falls within about 1e-6 of a boundary between two tokens' probabilities."""

    supported_kwargs: dict[str, type] = {"seed": int}  # noqa: RUF012 (the base class declares it so)
    ignored_kwargs: tuple[str, ...] = ()
    UNSEEDED = -1.0

    def fill_defaults(self, int32_tensor: torch.Tensor) -> None:
        int32_tensor.copy_(torch.full_like(int32_tensor, self.UNSEEDED, dtype=torch.float32).view(torch.int32))

    def prepare_tensor_args(self, requests_with_new_token: list) -> torch.Tensor:
        """One uniform number per request that gets a token this step (UNSEEDED for those without a seed)."""
        draws = [
            self.uniform(r.state.logit_processor_kwargs.get("seed"), len(r.state.generated_tokens))
            for r in requests_with_new_token
        ]
        return torch.tensor(draws, dtype=torch.float32).view(torch.int32)

    @classmethod
    def uniform(cls, seed: int | None, position: int) -> float:
        if seed is None:
            return cls.UNSEEDED
        generator = torch.Generator().manual_seed((seed * 1_000_003 + position) % 2**63)
        return float(torch.rand((), generator=generator, dtype=torch.float64))

    def __call__(self, scores: torch.Tensor, tensor_arg: torch.Tensor) -> torch.Tensor:
        draws = tensor_arg[: scores.size(0)].view(torch.float32)
        seeded = draws >= 0
        if not bool(seeded.any()):
            return scores
        cumulative = scores.softmax(dim=-1).cumsum(dim=-1)
        chosen = torch.searchsorted(cumulative, draws.clamp(min=0).unsqueeze(-1)).clamp(max=scores.size(-1) - 1)
        only = torch.full_like(scores, float("-inf")).scatter(-1, chosen, 0.0)
        return torch.where(seeded.unsqueeze(-1), only, scores)


def add_seeded_sampler(manager: Any) -> None:
    """Put a SeededSampler last in the manager's logits processors, before ``start()`` allocates their arguments."""
    processors = manager.logit_processor
    processors.logits_processor.append(SeededSampler())
    processors.tensors_required += 1
    processors.supported_keys.update(SeededSampler.supported_kwargs)
    processors.do_processing = True
