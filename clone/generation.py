"""How the clone samples a reply: one settings dataclass for `clone talk`, `clone eval`, `clone improve` and the
exported model's generation config, and the `generate()` keyword arguments it stands for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clone.settings import setting
from clone.templates import stop_token_ids


@dataclass(frozen=True)
class GenerationSettings:
    """Sampling of one reply. Every field is also a `clone talk` flag."""

    max_new_tokens: int = setting(120, "Longest reply in tokens.")
    # sampling keeps a small clone from repeating one memorised line
    temperature: float = setting(0.8, "Sampling temperature; 0 for greedy replies.")
    top_p: float = setting(0.9, "Nucleus sampling: draw from the most likely tokens up to this probability mass.")
    repetition_penalty: float = setting(1.1, "Above 1 discourages repeating tokens.")
    seed: int | None = setting(None, "Fix sampling for repeatable replies.")

    @property
    def sampled(self) -> bool:
        return self.temperature > 0

    def generate_kwargs(self, tokenizer: Any) -> dict[str, Any]:
        """Keyword arguments for ``model.generate``: greedy when the temperature is 0 (no top_p and no repetition
        penalty then), stopping at EOS and at the template's end-of-turn token (Gemma's differ: EOS alone would run
        past the reply)."""
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        return {
            "max_new_tokens": self.max_new_tokens,
            "do_sample": self.sampled,
            "temperature": self.temperature if self.sampled else None,
            "top_p": self.top_p if self.sampled else None,
            "repetition_penalty": self.repetition_penalty if self.sampled else None,  # greedy: the model's own choice
            "eos_token_id": stop_token_ids(tokenizer),
            "pad_token_id": pad,
        }
