"""One generator for many concurrent conversations, on transformers' continuous batching: a background thread runs
one forward pass for every active request at each step, new requests join between steps, finished ones leave
(`model.init_continuous_batching`, transformers >= 5.2; it works with a PEFT adapter on CPU).

What it does not do, in transformers 5.24: repetition penalty (dropped, with a warning). Sampling goes through
`clone.serving.sampling`: one fused top_k/top_p processor instead of two that sort the vocabulary, and a seeded
request's tokens drawn from a generator of its own (the batch shares one multinomial). The KV cache must be sized
here: left to itself on CPU it sizes itself from free RAM and the first request takes seconds."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from clone.errors import CloneError
from clone.generation import GenerationSettings
from clone.templates import stop_token_ids

GREEDY_TEMPERATURE = 1e-4  # sampling is on for the whole batch; this close to 0 it picks the likeliest token


def serving_dtype(name: str) -> Any:
    """The torch dtype for ``name`` ("auto", "float32", "bfloat16"); auto is bf16 where the hardware computes it
    natively (a CUDA GPU with bf16, a CPU with AMX or AVX512-BF16), else fp32."""
    import torch

    from clone.cpu_speed import cpu_has_bf16_units

    if name == "auto":
        gpu = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        return torch.bfloat16 if gpu or (not torch.cuda.is_available() and cpu_has_bf16_units()) else torch.float32
    if name not in ("float32", "bfloat16"):
        raise CloneError(f"dtype must be auto, float32 or bfloat16, not {name!r}")
    return getattr(torch, name)


def prepare_for_serving(model: Any, dtype: str) -> str:
    """Fold the LoRA adapter into the base weights and cast to the serving dtype, in place; the dtype's name.

    Merged, a step runs no adapter matmuls (two per linear layer) and none of their Python; in bf16 the weights are
    read and multiplied at half the bytes. On 2 CPU cores with AVX512-BF16 the two took 8 clients from 46 to 71
    tokens/s (bench/RESULTS.md); the distributions moved less from the fp32 clone (KL 0.0015) than bf16 with the
    adapter unmerged (0.0023). The model is the server's from then on: `clone serve` loads a clone of its own."""
    if hasattr(model, "merge_adapter"):
        model.merge_adapter()  # merged in the dtype it was loaded in (fp32 on a CPU), then cast
    target = serving_dtype(dtype)
    model.to(target)
    return str(target).removeprefix("torch.")


@dataclass
class Piece:
    """New text of a reply, and the counts an API response reports."""

    text: str
    tokens: int  # generated so far
    finished: str | None = None  # "stop" or "length" on the last piece


class Batcher:
    """Streams replies to token prompts; requests made at the same time share forward passes."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        settings: GenerationSettings,
        *,
        cache_tokens: int = 8192,
        batch_tokens: int = 1024,
        dtype: str = "auto",
    ) -> None:
        self.model, self.tokenizer, self.settings = model, tokenizer, settings
        self.cache_tokens, self.batch_tokens, self.dtype = cache_tokens, batch_tokens, dtype
        self.manager: Any = None
        self.active: set[str] = set()  # requests being generated

    def start(self) -> None:
        from transformers import ContinuousBatchingConfig, GenerationConfig

        from clone.exporting.merge import talk_top_k
        from clone.serving.sampling import install_processors

        self.dtype = prepare_for_serving(self.model, self.dtype)

        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id
        config = GenerationConfig(
            max_new_tokens=self.settings.max_new_tokens,
            do_sample=True,  # the per-request temperature and top_p below need the sampling processors to exist
            temperature=self.settings.temperature or GREEDY_TEMPERATURE,
            top_p=self.settings.top_p if self.settings.top_p < 1 else 0.999,
            top_k=talk_top_k(self.model),  # as `clone talk` samples; also what lets TopKTopP skip the full sort
            eos_token_id=stop_token_ids(self.tokenizer),
            pad_token_id=pad,
        )
        page = 64
        batching = ContinuousBatchingConfig(
            page_size=page,
            num_blocks=max(self.cache_tokens // page, 4),
            max_batch_tokens=self.batch_tokens,  # tokens per step: bounds one step's latency for the others
            per_request_processors=True,
        )
        self.manager = self.model.init_continuous_batching(
            generation_config=config, continuous_batching_config=batching
        )
        install_processors(self.manager)
        self.manager.start()

    def stop(self) -> None:
        if self.manager is not None:
            self.manager.stop(block=True, timeout=30)
            self.manager = None

    async def stream(
        self, prompt: list[int], settings: GenerationSettings, stop: tuple[str, ...] = ()
    ) -> AsyncIterator[Piece]:
        """The reply to ``prompt`` as it is generated, ending at a stop token, a ``stop`` string or the length limit.
        Leaving the loop early (a client that went away) cancels the request and frees its cache."""
        outputs: asyncio.Queue = asyncio.Queue()
        request_id = uuid.uuid4().hex
        self.manager.register_result_handler(request_id, outputs.put_nowait)  # called on this event loop
        seeded = {} if settings.seed is None else {"seed": int(settings.seed)}
        self.manager.add_request(
            prompt,
            request_id=request_id,
            max_new_tokens=settings.max_new_tokens,
            streaming=True,
            eos_token_id=stop_token_ids(self.tokenizer),
            temperature=float(settings.temperature or GREEDY_TEMPERATURE),
            top_p=float(min(settings.top_p, 0.999)),
            **seeded,
        )
        sent, finished = "", False
        self.active.add(request_id)
        try:
            while not finished:
                output = await outputs.get()
                if output.error:
                    raise RuntimeError(f"generation failed: {output.error}")
                tokens = output.generated_tokens
                text = self.tokenizer.decode(tokens, skip_special_tokens=True)
                if text.endswith("\ufffd") and not output.is_finished():  # half a character: wait for its other bytes
                    continue
                cut = min((i for i in (text.find(s) for s in stop) if i >= 0), default=-1)
                finished = output.is_finished() or cut >= 0
                reason = "length" if len(tokens) >= settings.max_new_tokens and cut < 0 else "stop"
                text = text[:cut] if cut >= 0 else text
                yield Piece(text[len(sent) :], len(tokens), reason if finished else None)
                sent = text
        finally:
            self.active.discard(request_id)
            if not finished:
                self.manager.cancel_request(request_id)
            with self.manager.output_router._lock:  # the handler goes by itself only on a finished request
                self.manager.output_router.result_handlers.pop(request_id, None)
