"""Replies of the trained clone and of the untouched base model (the same weights with the adapter disabled),
to the same held-out contexts, with the same prompt the clone saw in training and fixed seeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from clone.eval.items import Item


@dataclass(frozen=True)
class Sampling:
    max_new_tokens: int = 48  # chat replies are short; this keeps a CPU run to minutes
    temperature: float = 0.8  # what `clone talk` uses: a sampled reply is what people get
    top_p: float = 0.9
    repetition_penalty: float = 1.1
    batch_size: int = 8
    seed: int = 0


def generate(
    model: Any,
    tokenizer: Any,
    items: Sequence[Item],
    sampling: Sampling = Sampling(),
    *,
    adapter: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> list[str]:
    """One reply per item. With ``adapter=False`` a PeftModel answers as its base model. Prompts are sorted by
    length and left-padded in batches; each batch is seeded from ``sampling.seed``, so a run repeats exactly."""
    import torch

    from clone.templates import stop_token_ids

    prompts = [
        tokenizer.apply_chat_template(item.context, add_generation_prompt=True, tokenize=True, return_dict=True)[
            "input_ids"
        ]
        for item in items
    ]
    order = sorted(range(len(prompts)), key=lambda i: (len(prompts[i]), i))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    replies: list[str] = [""] * len(items)
    switch = model.disable_adapter() if not adapter and hasattr(model, "disable_adapter") else nullcontext()
    with switch, torch.no_grad():
        for number, start in enumerate(range(0, len(order), sampling.batch_size)):
            batch = order[start : start + sampling.batch_size]
            width = max(len(prompts[i]) for i in batch)
            ids = torch.tensor([[pad] * (width - len(prompts[i])) + prompts[i] for i in batch])
            mask = torch.tensor([[0] * (width - len(prompts[i])) + [1] * len(prompts[i]) for i in batch])
            torch.manual_seed(sampling.seed * 100_003 + number)
            output = model.generate(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=sampling.max_new_tokens,
                do_sample=sampling.temperature > 0,
                temperature=sampling.temperature or None,
                top_p=sampling.top_p if sampling.temperature > 0 else None,
                repetition_penalty=sampling.repetition_penalty,
                eos_token_id=stop_token_ids(tokenizer),  # as `clone talk`: EOS and the end-of-turn token
                pad_token_id=pad,
            )
            for row, i in enumerate(batch):
                replies[i] = tokenizer.decode(output[row, width:], skip_special_tokens=True).strip()
            if on_batch:
                on_batch(len(batch))
    return replies
