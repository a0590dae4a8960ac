"""The GGUF writer: the merged model as one file for llama.cpp and Ollama, following llama.cpp's
convert_hf_to_gguf.py.

Tensor names come from gguf-py's TensorNameMap; q/k rows are permuted for the llama architecture (llama.cpp
applies rotary embeddings to interleaved pairs, transformers to halves); 1-D tensors and norms stay f32; the
byte-level BPE vocabulary goes in with its merges and llama.cpp's name for its pre-tokenizer.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from clone.errors import CloneError

GGUF_ARCHITECTURES = ("llama", "qwen2")  # transformers model_type values the GGUF writer supports
GGUF_TYPES = ("f16", "f32")
NO_GGUF = "export without it: gguf=False (`clone export --no-gguf`)"


def write_gguf(
    model,
    tokenizer_dir: Path,
    path: Path,
    *,
    gguf_type: str = "f16",
    name: str = "clone",
    on_tensor: Callable[[int, int], None] | None = None,
) -> Path:
    """Write ``model`` (a llama or qwen2 causal LM from transformers) as a GGUF file for llama.cpp.

    ``tokenizer_dir`` holds the model's saved tokenizer (tokenizer.json, tokenizer_config.json, the chat template)
    and config.json: the merges, special tokens and chat template are read from there, as llama.cpp does.
    ``on_tensor(done, total)`` follows the tensors as they are converted."""
    import gguf
    from transformers import AutoTokenizer

    config = model.config
    architecture = config.model_type
    if architecture not in GGUF_ARCHITECTURES:
        raise CloneError(f"GGUF export supports {', '.join(GGUF_ARCHITECTURES)}, not {architecture!r}")
    rope = _rope_parameters(config)
    rope_type = rope.get("rope_type") or rope.get("type") or "default"
    if rope_type not in ("default", "linear", "llama3") or (rope_type == "llama3" and architecture != "llama"):
        raise CloneError(f"GGUF export does not handle {rope_type!r} rope scaling yet; {NO_GGUF}")
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    tokenizer_json = json.loads((Path(tokenizer_dir) / "tokenizer.json").read_text(encoding="utf-8"))
    if (tokenizer_json.get("model") or {}).get("type") != "BPE":
        raise CloneError(f"GGUF export handles byte-level BPE tokenizers only; {NO_GGUF}")
    pre = tokenizer_pre(tokenizer_json)

    writer = gguf.GGUFWriter(path, architecture)
    writer.add_type(gguf.GGUFType.MODEL)
    writer.add_name(name)
    _add_hyperparameters(writer, config, rope_type, rope, gguf_type)
    _add_tokenizer(writer, tokenizer, tokenizer_dir, pre, config.vocab_size)
    tensors = list(gguf_tensors(model, gguf_type))
    for done, (tensor_name, data) in enumerate(tensors, 1):
        writer.add_tensor(tensor_name, data)
        if on_tensor:
            on_tensor(done, len(tensors))
    writer.write_header_to_file(path=path)
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=False)
    writer.close()
    return path


def _add_hyperparameters(writer, config, rope_type: str, rope: dict[str, Any], gguf_type: str) -> None:
    import gguf

    writer.add_block_count(config.num_hidden_layers)
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(config.num_attention_heads)
    writer.add_head_count_kv(getattr(config, "num_key_value_heads", None) or config.num_attention_heads)
    writer.add_rope_freq_base(_rope_theta(config))
    writer.add_layer_norm_rms_eps(config.rms_norm_eps)
    writer.add_rope_dimension_count(_head_dim(config))
    if _head_dim(config) != config.hidden_size // config.num_attention_heads:
        writer.add_key_length(_head_dim(config))
        writer.add_value_length(_head_dim(config))
    if rope_type == "linear":
        writer.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        writer.add_rope_scaling_factor(rope["factor"])
    writer.add_vocab_size(config.vocab_size)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if gguf_type == "f16" else gguf.LlamaFileType.ALL_F32)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)


# --- the vocabulary ------------------------------------------------------------------------------


def _add_tokenizer(writer, tokenizer, tokenizer_dir: Path, pre: str, vocab_size: int) -> None:
    """The byte-level BPE vocabulary, its merges and special tokens, the chat template and the end-of-turn token."""
    import gguf

    from clone.templates import end_of_turn_token

    tokens, types = vocabulary(tokenizer, vocab_size)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(pre)
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    special = gguf.SpecialVocab(tokenizer_dir, load_merges=True, n_vocab=vocab_size)
    special.add_special_token["bos"] = _adds(tokenizer, "bos")  # what the tokenizer does, not what a file claims
    special.add_special_token["eos"] = _adds(tokenizer, "eos")
    if "eot" not in special.special_token_ids:
        with contextlib.suppress(CloneError):  # a template family clone does not know: no end-of-turn token
            end = tokenizer.get_vocab().get(end_of_turn_token(tokenizer.chat_template, tokenizer.eos_token))
            if end is not None:
                special.special_token_ids["eot"] = end
    special.add_to_gguf(writer, quiet=True)


# llama.cpp's names for the byte-level BPE pre-tokenizers (tokenizer.ggml.pre): the regex that splits text
# before the merges, recognised here from the tokenizer.json the clone was trained with. convert_hf_to_gguf.py
# tells them apart by hashing the tokens of a check text; the tokenizer.json says the same more directly.
_GPT2_SPLIT = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
_QWEN2_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
_LLAMA3_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
    r"|\s+(?!\S)|\s+"
)
_SPLITS = {_GPT2_SPLIT: "gpt-2", _QWEN2_SPLIT: "qwen2", _LLAMA3_SPLIT: "llama-bpe"}


def tokenizer_pre(tokenizer_json: dict[str, Any]) -> str:
    """llama.cpp's name for the pre-tokenizer of a byte-level BPE tokenizer.json."""
    pre = tokenizer_json.get("pre_tokenizer") or {}
    steps = pre.get("pretokenizers", [pre]) if pre.get("type") == "Sequence" else [pre]
    kinds = [step.get("type") for step in steps]
    if kinds == ["ByteLevel"] and steps[0].get("use_regex", True):
        return "gpt-2"
    if kinds == ["Digits", "ByteLevel"] and steps[0].get("individual_digits") and steps[1].get("use_regex", True):
        return "smollm"  # digits one by one, then GPT-2's split (SmolLM, SmolLM2)
    if kinds == ["Split", "ByteLevel"] and not steps[1].get("use_regex", True):
        pattern = (steps[0].get("pattern") or {}).get("Regex")
        if pattern in _SPLITS:
            return _SPLITS[pattern]
    raise CloneError(
        f"the tokenizer's pre-tokenizer ({' + '.join(map(str, kinds)) or 'none'}) has no llama.cpp equivalent "
        f"known here; {NO_GGUF}"
    )


def vocabulary(tokenizer, vocab_size: int) -> tuple[list[str], list[int]]:
    """Every token id's text and llama.cpp token type, padded to the model's embedding rows (llama.cpp's
    get_vocab_base): added special tokens are CONTROL, other added tokens USER_DEFINED, unused ids UNUSED."""
    import gguf

    reverse = {index: token for token, index in tokenizer.get_vocab().items()}
    added = tokenizer.added_tokens_decoder
    tokens, types = [], []
    for index in range(vocab_size):
        token = reverse.get(index)
        if token is None:
            tokens.append(f"[PAD{index}]")
            types.append(gguf.TokenType.UNUSED)
        elif index in added:
            looks_special = token.startswith("<|") and token.endswith("|>")
            special = added[index].special or looks_special
            tokens.append(token)
            types.append(gguf.TokenType.CONTROL if special else gguf.TokenType.USER_DEFINED)
        else:
            tokens.append(token)
            types.append(gguf.TokenType.NORMAL)
    return tokens, [int(t) for t in types]


def _adds(tokenizer, which: str) -> bool:
    """Whether the tokenizer adds its bos/eos token to plain text."""
    token_id = getattr(tokenizer, f"{which}_token_id")
    if token_id is None:
        return False
    with_specials = tokenizer("a")["input_ids"]
    plain = tokenizer("a", add_special_tokens=False)["input_ids"]
    if len(with_specials) == len(plain):
        return False
    return (with_specials[0] if which == "bos" else with_specials[-1]) == token_id


# --- the tensors ---------------------------------------------------------------------------------


def gguf_tensors(model, gguf_type: str) -> Iterator[tuple[str, Any]]:
    """(llama.cpp name, numpy array) for every weight of the merged model, in llama.cpp's dtypes."""
    import gguf
    import numpy as np
    import torch

    config = model.config
    architecture = config.model_type
    arch = next(key for key, name in gguf.MODEL_ARCH_NAMES.items() if name == architecture)
    names = gguf.get_tensor_name_map(arch, config.num_hidden_layers)
    tied = bool(getattr(config, "tie_word_embeddings", False))
    if (factors := llama3_rope_factors(config)) is not None:
        yield gguf.TENSOR_NAMES[gguf.MODEL_TENSOR.ROPE_FREQS] + ".weight", factors.numpy()
    for hf_name, tensor in model.state_dict().items():
        if (tied and hf_name == "lm_head.weight") or hf_name.endswith("rotary_emb.inv_freq"):
            continue  # a tied output layer is the embedding; llama.cpp reuses token_embd
        name = names.get_name(hf_name, try_suffixes=(".weight", ".bias"))
        if name is None:
            raise CloneError(f"the GGUF writer has no llama.cpp name for {hf_name}; {NO_GGUF}")
        data = tensor.detach().to(torch.float32)
        if architecture == "llama" and name.endswith((".attn_q.weight", ".attn_q.bias")):
            data = permute_qk(data, config.num_attention_heads)
        elif architecture == "llama" and name.endswith((".attn_k.weight", ".attn_k.bias")):
            data = permute_qk(data, config.num_attention_heads, config.num_key_value_heads)
        # as in llama.cpp: 1-D tensors, norms and biases stay f32; matrices are f16 in an f16 file
        keep_f32 = gguf_type == "f32" or data.ndim <= 1 or name.endswith("_norm.weight") or not name.endswith(".weight")
        yield name, np.ascontiguousarray(data.numpy().astype(np.float32 if keep_f32 else np.float16, copy=False))


def permute_qk(weights, n_head: int, n_head_kv: int | None = None):
    """Rows of a q/k projection reordered for llama.cpp's rotary embedding (as convert_hf_to_gguf.py does;
    transformers' GGUF loader undoes it)."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    shape = weights.shape
    return weights.reshape(n_head, 2, shape[0] // n_head // 2, *shape[1:]).swapaxes(1, 2).reshape(shape)


# --- rope ----------------------------------------------------------------------------------------


def llama3_rope_factors(config) -> Any | None:
    """llama.cpp's rope_freqs tensor for Llama 3.1+ rope scaling (None for models without it)."""
    import torch

    rope = _rope_parameters(config)
    if (rope.get("rope_type") or rope.get("type")) != "llama3":
        return None
    base = _rope_theta(config)
    dim = _head_dim(config)
    freqs = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    factor = rope.get("factor", 8.0)
    low, high = rope.get("low_freq_factor", 1.0), rope.get("high_freq_factor", 4.0)
    old_context = rope.get("original_max_position_embeddings") or 8192
    low_wavelen, high_wavelen = old_context / low, old_context / high
    factors = []
    for freq in freqs.tolist():
        wavelen = 2 * math.pi / freq
        if wavelen < high_wavelen:
            factors.append(1.0)
        elif wavelen > low_wavelen:
            factors.append(factor)
        else:
            smooth = (old_context / wavelen - low) / (high - low)
            factors.append(1 / ((1 - smooth) / factor + smooth))
    return torch.tensor(factors, dtype=torch.float32)


def _rope_parameters(config) -> dict[str, Any]:
    return dict(getattr(config, "rope_parameters", None) or getattr(config, "rope_scaling", None) or {})


def _rope_theta(config) -> float:
    return float(_rope_parameters(config).get("rope_theta") or getattr(config, "rope_theta", None) or 10000.0)


def _head_dim(config) -> int:
    return int(getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads)
