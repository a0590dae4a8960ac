"""Merging: the base model with the clone's LoRA folded in, the chat template it ships with, and a generation
config that samples as `clone talk` does."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

from clone.errors import CloneError
from clone.workspace import Workspace


def load_merged(run: dict[str, Any], workspace: Workspace):
    """The base model with the clone's LoRA merged in, the clone's tokenizer, and the base's chat template."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from clone import models

    path = run["base_model_path"]
    if not Path(path).exists() and run["base_model"].startswith(models.BUNDLED_PREFIX):
        path = models.resolve(run["base_model"])  # the cache was cleared: convert the bundled model again
    try:
        base = AutoModelForCausalLM.from_pretrained(path, dtype="auto")  # merged in the dtype it is stored in
        base_template = AutoTokenizer.from_pretrained(path).chat_template
    except (OSError, ValueError) as error:
        raise CloneError(f"cannot load the base model {run['base_model']} ({path}): {error}") from None
    tokenizer = AutoTokenizer.from_pretrained(workspace.model / "tokenizer")
    model = PeftModel.from_pretrained(base, workspace.model / "adapter").merge_and_unload().eval()
    return model, tokenizer, base_template


def inference_template(base_template: str | None, train_template: str | None) -> str | None:
    """The chat template to ship: the base model's own; failing that, the train-time one without its
    {% generation %} markers (which only tell trl where the loss goes, and which other runtimes reject)."""
    if base_template:
        return base_template
    if not train_template:
        return None
    return re.sub(r"\{%-?\s*(?:generation|endgeneration)\s*-?%\}", "", train_template)


def talk_top_k(model) -> int:
    """The top_k `clone talk` samples with: GenerationSettings sets none, so generate() takes the base model's,
    else transformers' own default (50)."""
    return default_top_k(model.generation_config)


def default_top_k(config) -> int:
    """``config``'s top_k (a GenerationConfig), else the one generate() falls back to."""
    from transformers import GenerationConfig

    return config.top_k if config.top_k is not None else GenerationConfig._get_default_generation_params()["top_k"]


def set_generation_config(model, tokenizer, settings) -> None:
    """Stop at the end of a turn (and at EOS) and sample as `clone talk` does: its temperature, top_p and top_k.

    Talk's repetition_penalty is left out: generate() applies a config's penalty to greedy runs too
    (do_sample=False), and a config cannot limit it to sampling. Pass ``repetition_penalty`` to generate()
    to sample exactly as talk does."""
    from clone.templates import stop_token_ids

    config = model.generation_config
    with contextlib.suppress(CloneError):  # a template family clone does not know: keep the base's stop tokens
        config.eos_token_id = stop_token_ids(tokenizer) or config.eos_token_id
    config.pad_token_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else config.pad_token_id
    config.do_sample = settings.temperature > 0
    config.temperature = settings.temperature or None
    config.top_p = settings.top_p
    config.top_k = talk_top_k(model)
    config.repetition_penalty = None  # also drops a base model's own penalty (Qwen2.5 ships 1.05)
