"""Replies of the trained clone and of the untouched base model (the same weights with the adapter disabled),
to the same held-out contexts, with the same prompt the clone saw in training and fixed seeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any

from clone.eval.items import Item
from clone.generation import GenerationSettings


def generate(
    model: Any,
    tokenizer: Any,
    items: Sequence[Item],
    settings: GenerationSettings,
    *,
    batch_size: int = 8,
    adapter: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> list[str]:
    """One reply per item. With ``adapter=False`` a PeftModel answers as its base model. Prompts are sorted by
    length and left-padded in batches; each batch is seeded from ``settings.seed`` (None: 0), so a run repeats
    exactly."""
    import torch

    prompts = [
        tokenizer.apply_chat_template(item.context, add_generation_prompt=True, tokenize=True, return_dict=True)[
            "input_ids"
        ]
        for item in items
    ]
    order = sorted(range(len(prompts)), key=lambda i: (len(prompts[i]), i))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id  # left padding
    replies: list[str] = [""] * len(items)
    switch = model.disable_adapter() if not adapter and hasattr(model, "disable_adapter") else nullcontext()
    with switch, torch.no_grad():
        for number, start in enumerate(range(0, len(order), batch_size)):
            batch = order[start : start + batch_size]
            width = max(len(prompts[i]) for i in batch)
            ids = torch.tensor([[pad] * (width - len(prompts[i])) + prompts[i] for i in batch])
            mask = torch.tensor([[0] * (width - len(prompts[i])) + [1] * len(prompts[i]) for i in batch])
            torch.manual_seed((settings.seed or 0) * 100_003 + number)
            output = model.generate(input_ids=ids, attention_mask=mask, **settings.generate_kwargs(tokenizer))
            for row, i in enumerate(batch):
                replies[i] = tokenizer.decode(output[row, width:], skip_special_tokens=True).strip()
            if on_batch:
                on_batch(len(batch))
    return replies
