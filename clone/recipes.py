"""Training recipes: one dataclass whose fields are the YAML keys in pipelines/ and the `--set` keys."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any, get_type_hints

import yaml

from clone.errors import CloneError
from clone.models import DEFAULT_MODEL

DEFAULT_RECIPE = "smollm2-135m-cpu"
SCHEDULERS = ("linear", "cosine", "constant", "constant_with_warmup", "cosine_with_restarts", "polynomial")


@dataclass
class Recipe:
    """Everything that decides a training run. Every field is a YAML key and a `--set key=value`."""

    description: str = ""
    model: str = DEFAULT_MODEL  # "bundled:NAME", a hub id, or a local folder
    # data
    max_length: int = 512  # tokens per sample; longer conversations are cut
    packing: bool = True  # pack conversations into full rows (kept apart by position ids)
    # optimisation
    epochs: float = 3.0
    max_steps: int = -1  # > 0 overrides epochs
    batch_size: int = 4
    grad_accum: int = 1
    learning_rate: float = 3e-4
    lr_scheduler: str = "cosine"
    warmup: float = 0.05  # fraction of steps (< 1) or a step count
    weight_decay: float = 0.0
    seed: int = 42
    logging_steps: int = 5
    save_steps: int = 0  # write a resumable checkpoint every N steps (0: none); `clone train --resume`
    save_total_limit: int = 2  # checkpoints kept on disk
    eval_steps: int = 0  # held-out loss every N steps during training (0: only before and after)
    early_stopping_patience: int = 0  # stop after N evaluations without improvement, keep the best (needs eval_steps)
    activation_checkpointing: bool = False  # trade ~20% speed for memory: worth it on a GPU near its limit only
    cpu_bf16: bool = True  # on a CPU with bf16 units (AMX, AVX512-BF16): bf16 base weights + autocast; false: fp32
    # LoRA
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_targets: str = "all-linear"  # or a comma-separated list of module names
    qlora: bool = False  # 4-bit base weights through bitsandbytes; needs CUDA

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def problems(self) -> list[str]:
        """What is wrong with the values (types are checked on load); empty when the recipe is sound."""
        checks = [
            (bool(self.model.strip()), "model is empty"),
            (self.max_length >= 32, "max_length must be at least 32"),
            (self.epochs > 0 or self.max_steps > 0, "epochs or max_steps must be positive"),
            (self.batch_size >= 1 and self.grad_accum >= 1, "batch_size and grad_accum must be at least 1"),
            (0 < self.learning_rate < 0.01, "learning_rate must be in (0, 0.01)"),
            (self.warmup >= 0, "warmup must not be negative"),
            (self.lora_r >= 1 and self.lora_alpha > 0, "lora_r and lora_alpha must be positive"),
            (0 <= self.lora_dropout < 1, "lora_dropout must be in [0, 1)"),
            (self.lr_scheduler in SCHEDULERS, f"lr_scheduler must be one of {', '.join(SCHEDULERS)}"),
            (not (self.qlora and self.model.startswith("bundled:")), "qlora needs a full-precision base model"),
            (not self.early_stopping_patience or self.eval_steps > 0, "early_stopping_patience needs eval_steps"),
        ]
        return [message for ok, message in checks if not ok]


def pipelines_dir() -> Path:
    """The recipes folder: $CLONE_PIPELINES, else the package clone.pipelines (the checkout's pipelines/ folder,
    installed as package data; always a real folder, from a wheel or `pip install -e .`)."""
    if folder := os.environ.get("CLONE_PIPELINES"):
        return Path(folder)
    return Path(str(resources.files("clone.pipelines")))


def available() -> dict[str, Path]:
    folder = pipelines_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.exists() else {}


def _coerce(name: str, value: Any, kind: type) -> Any:
    if kind is bool and isinstance(value, str):
        value = yaml.safe_load(value)
    try:
        if kind is bool and not isinstance(value, bool):
            raise ValueError
        return kind(value)
    except (TypeError, ValueError):
        raise CloneError(f"recipe key {name!r} must be {kind.__name__}, got {value!r}") from None


def unknown_keys(kind: type, values: dict[str, Any]) -> list[str]:
    return sorted(set(values) - {f.name for f in fields(kind)})


def typed(kind: type, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` converted to the types of ``kind``'s fields (all keys must be fields)."""
    types = get_type_hints(kind)
    return {k: _coerce(k, v, types[k]) for k, v in values.items()}


def parse_overrides(items: list[str] | None) -> dict[str, Any]:
    """`--set key=value` items as a dict, each value read as YAML (so 1e-4, true and [a, b] get their types)."""
    values: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise CloneError(f"override {item!r}: expected key=value")
        values[key.strip()] = yaml.safe_load(value)
    return values


def from_dict(values: dict[str, Any], origin: str = "recipe") -> Recipe:
    if unknown := unknown_keys(Recipe, values):
        known = sorted(f.name for f in fields(Recipe))
        raise CloneError(f"{origin}: unknown key(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return Recipe(**typed(Recipe, values))


def load_recipe(name_or_path: str = DEFAULT_RECIPE, overrides: list[str] | None = None) -> Recipe:
    """A recipe from pipelines/NAME.yaml or a YAML path, with `key=value` overrides applied."""
    path = Path(name_or_path)
    if not path.exists():
        path = available().get(name_or_path, path)
    if not path.exists():
        raise CloneError(f"no recipe {name_or_path!r}; available: {', '.join(available()) or 'none'}")
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise CloneError(f"{path}: not valid YAML ({error})") from None
    return from_dict(values | parse_overrides(overrides), str(path))
