"""Perplexity of the person's real replies under a model, formatted exactly as in training.

Each held-out conversation goes through the train-time chat template (the tokenizer saved with the clone), and
the loss counts the tokens of the person's turns only, end-of-turn token included: the tokens the clone was
trained on. A conversation is one forward pass; its tokens are attributed to the reply they belong to, so the
perplexity can be resampled per reply. Lower is better; a model that guesses uniformly scores its vocabulary size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from clone.errors import CloneError


def runs(mask: Sequence[int]) -> list[tuple[int, int]]:
    """(start, end) of every run of ones in a 0/1 mask."""
    found, start = [], None
    for i, m in enumerate([*mask, 0]):
        if m and start is None:
            start = i
        elif not m and start is not None:
            found.append((start, i))
            start = None
    return found


def reply_losses(
    model: Any,
    tokenizer: Any,
    rows: Sequence[dict[str, Any]],
    on_row: Callable[[], None] | None = None,
) -> dict[tuple[int, int], tuple[float, int]]:
    """For every assistant turn (sample index, message index): the summed negative log-likelihood of its tokens
    and how many tokens there are."""
    import torch

    losses: dict[tuple[int, int], tuple[float, int]] = {}
    for s, row in enumerate(rows):
        messages = row["messages"]
        encoded = tokenizer.apply_chat_template(
            messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True
        )
        ids, mask = encoded["input_ids"], encoded["assistant_masks"]
        turns = [t for t, m in enumerate(messages) if m["role"] == "assistant"]
        spans = runs(mask)
        if len(spans) != len(turns):
            raise CloneError(
                "the chat template does not mark each of the person's turns ({% generation %}); "
                "evaluate a clone trained by `clone train`"
            )
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([ids])).logits[0].float()
        # The token at position i is predicted from the logits at i - 1.
        nll = torch.nn.functional.cross_entropy(logits[:-1], torch.tensor(ids[1:]), reduction="none").numpy()
        for turn, (start, end) in zip(turns, spans, strict=True):
            first = max(start, 1)
            losses[(s, turn)] = (float(nll[first - 1 : end - 1].sum()), end - first)
        if on_row:
            on_row()
    return losses


def perplexity(nll: np.ndarray, tokens: np.ndarray) -> float | None:
    """exp(total negative log-likelihood / total tokens) over a set of replies."""
    total = float(np.sum(tokens))
    return float(np.exp(np.sum(nll) / total)) if total else None
