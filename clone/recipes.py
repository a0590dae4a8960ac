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
from clone.settings import setting

DEFAULT_RECIPE = "smollm2-135m-cpu"
SCHEDULERS = ("linear", "cosine", "constant", "constant_with_warmup", "cosine_with_restarts", "polynomial")


@dataclass
class Recipe:
    """Everything that decides a training run. Every field is a YAML key and a `--set key=value`."""

    description: str = setting("", "What the recipe is for (shown by `clone recipes`).")
    model: str = setting(DEFAULT_MODEL, 'Base model: "bundled:NAME", a Hugging Face id, or a local folder.')
    # data
    max_length: int = setting(
        512, "Tokens per sample; longer conversations are cut. A memory block (import --memory-tokens N) adds N."
    )
    packing: bool = setting(True, "Pack conversations into full rows (kept apart by position ids).")
    heldout_samples: int = setting(
        64, "Held-out conversations whose loss is measured before and after training (0: all of them)."
    )
    replay_share: float = setting(
        0.25, "`clone train --continue`: share of the samples trained before that are replayed beside the new ones."
    )
    # continued pre-training on the workspace's documents, before SFT (clone/pretraining.py)
    pretrain_epochs: float = setting(
        0.0, "Passes over the workspace's documents (plain LM loss, same LoRA) before SFT; 0: no pre-training stage."
    )
    pretrain_max_steps: int = setting(-1, "Optimizer steps of the pre-training stage; > 0 overrides pretrain_epochs.")
    pretrain_learning_rate: float = setting(2e-4, "Peak learning rate of the pre-training stage.")
    # optimisation
    epochs: float = setting(3.0, "Passes over the training samples.")
    max_steps: int = setting(-1, "Optimizer steps; > 0 overrides epochs.")
    batch_size: int = setting(4, "Samples per optimizer step (per process), before grad_accum.")
    grad_accum: int = setting(1, "Batches accumulated into one optimizer step.")
    learning_rate: float = setting(3e-4, "Peak learning rate of the LoRA weights.")
    lr_scheduler: str = setting("cosine", f"Learning-rate schedule: {', '.join(SCHEDULERS)}.")
    warmup: float = setting(0.05, "Warm-up: a fraction of the steps (< 1) or a step count.")
    weight_decay: float = setting(0.0, "AdamW weight decay.")
    seed: int = setting(42, "Seed of the data order and the LoRA initialisation.")
    logging_steps: int = setting(5, "Print the training loss every N steps.")
    save_steps: int = setting(0, "Write a resumable checkpoint every N steps (0: none); `clone train --resume`.")
    save_total_limit: int = setting(2, "Checkpoints kept on disk during a run.")
    keep_checkpoints: bool = setting(
        False, "Keep the checkpoints after a successful run (they hold the training state; removed by default)."
    )
    eval_steps: int = setting(0, "Held-out loss every N steps during training (0: only before and after).")
    early_stopping_patience: int = setting(
        0, "Stop after N evaluations without improvement and keep the best (needs eval_steps)."
    )
    activation_checkpointing: bool = setting(
        False, "Trade ~20% speed for memory: worth it on a GPU near its memory limit only."
    )
    cpu_bf16: bool = setting(
        True, "On a CPU with bf16 units (AMX, AVX512-BF16): bf16 base weights and autocast; false: fp32."
    )
    # LoRA
    lora_r: int = setting(16, "LoRA rank.")
    lora_alpha: int = setting(32, "LoRA scale (alpha / r multiplies the update).")
    lora_dropout: float = setting(0.05, "Dropout on the LoRA input.")
    lora_targets: str = setting("all-linear", "Modules that get LoRA: all-linear, or comma-separated module names.")
    qlora: bool = setting(False, "4-bit base weights through bitsandbytes (QLoRA); needs a CUDA GPU.")

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
            (self.heldout_samples >= 0, "heldout_samples must be 0 (all) or more"),
            (0 <= self.replay_share <= 1, "replay_share must be in [0, 1]"),
            (self.pretrain_epochs >= 0, "pretrain_epochs must not be negative"),
            (0 < self.pretrain_learning_rate < 0.01, "pretrain_learning_rate must be in (0, 0.01)"),
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


def load_recipe(name_or_path: str = DEFAULT_RECIPE, overrides: list[str] | None = None, **values: Any) -> Recipe:
    """A recipe from pipelines/NAME.yaml or a YAML path, with overrides applied: `key=value` strings as `--set`
    takes them, or keywords (``load_recipe("smollm2-135m-cpu", epochs=1, learning_rate=2e-4)``)."""
    path = Path(name_or_path)
    if not path.exists():
        path = available().get(name_or_path, path)
    if not path.exists():
        raise CloneError(f"no recipe {name_or_path!r}; available: {', '.join(available()) or 'none'}")
    try:
        recipe = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise CloneError(f"{path}: not valid YAML ({error})") from None
    return from_dict(recipe | parse_overrides(overrides) | values, str(path))
