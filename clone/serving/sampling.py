"""Sampling under transformers' continuous batching, through its per-request logits-processor API.

`SeededSampler` makes a request's ``seed`` repeatable: the batching samples every row of a step with one
`torch.multinomial` on the global generator, so which token a request gets would depend on the others in the batch.

`TopKTopP` does top_k then top_p in one pass over the k most likely tokens. transformers' own per-request warpers
each sort the whole vocabulary for every row at every step (49k tokens for SmolLM2): on 2 CPU cores that took
longer than the model's forward pass at 8 requests. `torch.topk` finds the k candidates without sorting the rest,
and top_p is applied among them, which is where the top_k warper had left the only finite scores anyway.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers.generation.continuous_batching.cb_logits_processors import (
    ContinuousBatchingLogitsProcessor,
    ContinuousBatchingTopKLogitsWarper,
    ContinuousBatchingTopPLogitsWarper,
)


class SeededSampler(ContinuousBatchingLogitsProcessor):
    """Makes a request with a ``seed`` repeatable under continuous batching. Runs last, on the scores after
    temperature and top_p: for a seeded row it draws the next token by inverse CDF with a uniform number from a
    generator seeded with (seed, position), and masks every other token, so the batch's shared multinomial can only
    pick that one. Unseeded rows are left as they are. The draw depends only on the request's own scores, which
    batching leaves the same up to float rounding: in float32 a rounding difference changes a token only when the
    uniform number falls within about 1e-6 of a boundary between two tokens' probabilities; in bf16 (8 bits of
    mantissa: a logit can move by about 0.4%) it does now and then."""

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
        rows = (draws >= 0).nonzero().squeeze(-1)
        if rows.numel() == 0:  # no seeded request in this step: nothing to do
            return scores
        cumulative = scores[rows].softmax(dim=-1).cumsum(dim=-1)
        targets = draws[rows].unsqueeze(-1) * cumulative[:, -1:]  # the sum is 1 up to rounding
        chosen = torch.searchsorted(cumulative, targets).clamp(max=scores.size(-1) - 1).squeeze(-1)
        scores[rows] = float("-inf")  # in place: the scores are this step's own
        scores[rows, chosen] = 0.0
        return scores


class TopKTopP(ContinuousBatchingLogitsProcessor):
    """top_k (fixed for the server) then top_p (per request) on the k most likely tokens: the same tokens kept as
    transformers' TopK and TopP warpers in a row (up to ties at the k-th score), without sorting the vocabulary."""

    supported_kwargs: dict[str, type] = {"top_p": float}  # noqa: RUF012 (the base class declares it so)
    ignored_kwargs: tuple[str, ...] = ("filter_value", "min_tokens_to_keep")

    def __init__(self, top_k: int, top_p: float, filter_value: float = float("-inf")) -> None:
        self.top_k, self.top_p, self.filter_value = top_k, top_p, filter_value

    def fill_defaults(self, int32_tensor: torch.Tensor) -> None:
        int32_tensor.copy_(torch.full_like(int32_tensor, self.top_p, dtype=torch.float32).view(torch.int32))

    def prepare_tensor_args(self, requests_with_new_token: list) -> torch.Tensor:
        top_ps = [r.state.logit_processor_kwargs.get("top_p", self.top_p) for r in requests_with_new_token]
        return torch.tensor(top_ps, dtype=torch.float32).view(torch.int32)

    def __call__(self, scores: torch.Tensor, tensor_arg: torch.Tensor) -> torch.Tensor:
        top_p = tensor_arg[: scores.size(0)].view(torch.float32).unsqueeze(-1)
        values, indices = scores.topk(min(self.top_k, scores.size(-1)), dim=-1)  # most likely first
        probs = values.softmax(dim=-1)
        before = probs.cumsum(dim=-1) - probs  # the mass of the likelier tokens: keep a token while it is < top_p
        values = values.masked_fill(before >= top_p, self.filter_value)
        return torch.full_like(scores, self.filter_value).scatter(-1, indices, values)


def install_processors(manager: Any) -> None:
    """Before ``manager.start()`` allocates the processors' arguments: the fused TopKTopP in place of the TopK and
    TopP warpers (when both are there), and a SeededSampler last."""
    processors = manager.logit_processor
    chain = list(processors.logits_processor)
    top_k = next((p for p in chain if isinstance(p, ContinuousBatchingTopKLogitsWarper)), None)
    top_p = next((p for p in chain if isinstance(p, ContinuousBatchingTopPLogitsWarper)), None)
    if top_k is not None and top_p is not None:
        at = chain.index(top_k)
        chain = [p for p in chain if p is not top_k and p is not top_p]
        chain.insert(at, TopKTopP(top_k.top_k, top_p.top_p, top_p.filter_value))
    chain.append(SeededSampler())
    processors.logits_processor[:] = chain
    batched = [p for p in chain if isinstance(p, ContinuousBatchingLogitsProcessor)]
    processors.tensors_required = len(batched)  # one argument row each
    processors.supported_keys = {k: t for p in batched for k, t in p.supported_kwargs.items()}
    processors.ignored_keys = {k for p in batched for k in p.ignored_kwargs}
    processors.do_processing = True
