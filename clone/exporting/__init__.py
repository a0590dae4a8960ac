"""Export a trained clone for other runtimes: a merged model, a GGUF file for llama.cpp, and an Ollama Modelfile.

    <workspace>/export/
      merged/        the LoRA merged into the base model (safetensors), its tokenizer with the base model's
                     own chat template, and a generation config with `clone talk`'s sampling
      clone.gguf     the merged model for llama.cpp / Ollama (llama and qwen2 architectures; f16 or f32)
      Modelfile      `ollama create NAME -f Modelfile`: template, stop tokens, system prompt, sampling
      README.md      how to run it
      export.json    what was exported from which run

The GGUF writer follows llama.cpp's convert_hf_to_gguf.py: tensor names from gguf-py's TensorNameMap, q/k rows
permuted for the llama architecture (llama.cpp applies rotary embeddings to interleaved pairs, transformers to
halves), 1-D tensors and norms kept in f32, and the byte-level BPE vocabulary with its merges.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from clone.dataset.samples import Context, system_prompt
from clone.errors import CloneError
from clone.workspace import Workspace, atomic_dir, write_json_atomic, write_text_atomic

GGUF_ARCHITECTURES = ("llama", "qwen2")  # transformers model_type values the GGUF writer supports
GGUF_TYPES = ("f16", "f32")
GGUF_NAME = "clone.gguf"
RECORD = "export.json"


@dataclass(frozen=True)
class ExportResult:
    me: str
    folder: Path
    merged: Path
    gguf: Path | None  # None when the architecture has no GGUF writer here, or with gguf=False
    modelfile: Path
    architecture: str  # the base model's transformers model_type
    family: str | None  # chat template family as clone.templates names it (None: one clone does not know)
    gguf_type: str | None
    system: str  # the SYSTEM prompt in the Modelfile
    seconds: float


# --- chat template families ----------------------------------------------------------------------
# Ollama templates are Go text/template. `.System` is the system prompt (the Modelfile's SYSTEM, or the chat's own
# system messages); `.Messages` are the chat's messages. Each template below writes what the family's Hugging Face
# template writes for a chat with add_generation_prompt=True, without the BOS token: llama.cpp and Ollama add that
# themselves when the tokenizer does. Pieces that vary between revisions (ChatML's default system block, Llama 3's
# system header with its date) are read off the model's own template by rendering it.

_CHATML_TURNS = (
    '{{ range .Messages }}{{ if eq .Role "user" }}<|im_start|>user\n{{ .Content }}<|im_end|>\n'
    '{{ else if eq .Role "assistant" }}<|im_start|>assistant\n{{ .Content }}<|im_end|>\n{{ end }}{{ end }}'
    "<|im_start|>assistant\n"
)
_LLAMA3_TURNS = (
    '{{ range .Messages }}{{ if or (eq .Role "user") (eq .Role "assistant") }}'
    "<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ end }}{{ end }}"
    "<|start_header_id|>assistant<|end_header_id|>\n\n"
)
# Gemma 3 has no system turn: the system prompt and a blank line open the first turn, whoever speaks it.
_GEMMA3 = (
    "{{ $first := true }}{{ range .Messages }}"
    '{{ if or (eq .Role "user") (eq .Role "assistant") }}'
    '<start_of_turn>{{ if eq .Role "user" }}user{{ else }}model{{ end }}\n'
    "{{ if and $first $.System }}{{ $.System }}\n\n{{ end }}{{ .Content }}<end_of_turn>\n{{ $first = false }}"
    "{{ end }}{{ end }}<start_of_turn>model\n"
)
# Mistral v0.3 puts the system prompt in front of the last message when that message is the user's.
_MISTRAL = (
    "{{ range $i, $_ := .Messages }}{{ $last := eq (len (slice $.Messages $i)) 1 }}"
    '{{ if eq .Role "user" }}[INST] {{ if and $last $.System }}{{ $.System }}\n\n{{ end }}{{ .Content }}[/INST]'
    '{{ else if eq .Role "assistant" }} {{ .Content }}EOS{{ end }}{{ end }}'
)
STOP_TOKENS = {
    "chatml": ("<|im_end|>", "<|im_start|>"),
    "qwen3": ("<|im_end|>", "<|im_start|>"),
    "llama3": ("<|eot_id|>", "<|start_header_id|>"),
    "gemma3": ("<end_of_turn>", "<start_of_turn>"),
    "mistral": ("</s>", "[INST]"),
}


def template_family(template: str | None) -> str | None:
    """The chat family of a template (clone.templates' names: chatml, qwen3, llama3, gemma3, mistral), or None."""
    from clone.templates import family_of

    try:
        return family_of(template).name
    except CloneError:
        return None


def _render(template: str, chat: list[dict[str, str]], eos_token: str = "</s>") -> str:
    """What a Hugging Face chat template writes for ``chat`` with the generation prompt, BOS left out."""
    from transformers.utils.chat_template_utils import render_jinja_template

    rendered, _ = render_jinja_template(
        conversations=[chat], chat_template=template, add_generation_prompt=True, bos_token="", eos_token=eos_token
    )
    return rendered[0]


def ollama_template(template: str | None, eos_token: str = "</s>") -> str | None:
    """The Go template that writes what ``template`` writes, for the families clone trains; None for others."""
    family = template_family(template)
    if family in ("chatml", "qwen3"):
        marker = "<|im_start|>user\n"
        default_system = _render(template, [{"role": "user", "content": "hi"}]).partition(marker)[0]
        system = "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ else }}" + default_system
        return system + "{{ end }}" + _CHATML_TURNS
    if family == "llama3":
        marker = "\x00"  # the system header (knowledge cutoff, today's date) is whatever precedes the system text
        header = _render(template, [{"role": "system", "content": marker}, {"role": "user", "content": "hi"}])
        return header.partition(marker)[0] + "{{ .System }}<|eot_id|>" + _LLAMA3_TURNS
    if family == "gemma3":
        return _GEMMA3
    if family == "mistral":
        return _MISTRAL.replace("EOS", eos_token)
    return None


def inference_template(base_template: str | None, train_template: str | None) -> str | None:
    """The chat template to ship: the base model's own; failing that, the train-time one without its
    {% generation %} markers (which only tell trl where the loss goes, and which other runtimes reject)."""
    if base_template:
        return base_template
    if not train_template:
        return None
    return re.sub(r"\{%-?\s*(?:generation|endgeneration)\s*-?%\}", "", train_template)


# --- the export ----------------------------------------------------------------------------------


def export(
    workspace: Workspace = Workspace(),
    output: Path | str | None = None,
    *,
    gguf: bool | None = None,
    gguf_type: str = "f16",
    partner: str | None = None,
    relationship: str | None = None,
    platform: str = "whatsapp",
    show_progress: bool = True,
) -> ExportResult:
    """Merge the workspace's clone into its base model and write it for other runtimes (see the module doc).

    ``gguf``: None writes the GGUF when the architecture is supported (llama, qwen2) and skips it otherwise;
    True insists (an error for other architectures); False skips it. ``partner``, ``relationship`` and
    ``platform`` shape the Modelfile's system prompt, as in `clone talk`."""
    from clone.chat import GenerationSettings
    from clone.identity import load_contacts
    from clone.progress import quiet_libraries
    from clone.training import read_run

    started = time.time()
    if gguf_type not in GGUF_TYPES:
        raise CloneError(f"--gguf-type must be one of {', '.join(GGUF_TYPES)}, not {gguf_type!r}")
    run = read_run(workspace)  # a one-line error when nothing was trained
    adapter = workspace.model / "adapter"
    if not (adapter / "adapter_config.json").exists():
        raise CloneError(f"{workspace.model}: the trained adapter is missing; run `clone train` again")
    folder = Path(output) if output is not None else workspace.root / "export"
    _check_output(folder)
    quiet_libraries()

    with _Progress(show_progress) as progress:
        progress.step("loading the base model and the clone")
        model, tokenizer, base_template = _load_merged(run, workspace)
        architecture = model.config.model_type
        writes_gguf = architecture in GGUF_ARCHITECTURES if gguf is None else gguf
        if writes_gguf and architecture not in GGUF_ARCHITECTURES:
            raise CloneError(
                f"GGUF export supports the {' and '.join(GGUF_ARCHITECTURES)} architectures, not {architecture!r}; "
                "export with --no-gguf (the merged model still works with transformers, vLLM and `ollama create`)"
            )
        template = inference_template(base_template, tokenizer.chat_template)
        family = template_family(template)
        settings = GenerationSettings()
        relationship = relationship or load_contacts(workspace).get(partner or "")
        system = system_prompt(Context(run["me"], partner, relationship, platform))

        with atomic_dir(folder) as tmp:
            progress.step("saving the merged model")
            tokenizer.chat_template = template
            merged = tmp / "merged"
            _set_generation_config(model, tokenizer, settings)
            model.save_pretrained(merged)
            tokenizer.save_pretrained(merged)
            if writes_gguf:
                write_gguf(
                    model,
                    merged,
                    tmp / GGUF_NAME,
                    gguf_type=gguf_type,
                    name=f"{run['me']} clone",
                    on_tensor=progress.tensor,
                )
            progress.step("writing the Modelfile")
            source = f"./{GGUF_NAME}" if writes_gguf else "./merged"
            context = getattr(model.config, "max_position_embeddings", None) or 4096
            text = modelfile(source, template, tokenizer.eos_token, system, settings, min(context, 4096))
            write_text_atomic(tmp / "Modelfile", text)
            result = ExportResult(
                me=run["me"],
                folder=folder,
                merged=folder / "merged",
                gguf=folder / GGUF_NAME if writes_gguf else None,
                modelfile=folder / "Modelfile",
                architecture=architecture,
                family=family,
                gguf_type=gguf_type if writes_gguf else None,
                system=system,
                seconds=round(time.time() - started, 1),
            )
            write_text_atomic(tmp / "README.md", readme(result))
            record = {**asdict(result), "base_model": run["base_model"]}
            write_json_atomic(tmp / RECORD, record)
    return result


def _check_output(folder: Path) -> None:
    """The export folder is replaced whole, so it must be new, empty, or an earlier export."""
    if folder.exists() and not folder.is_dir():
        raise CloneError(f"{folder} is a file; give a folder for the export")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / RECORD).exists():
        raise CloneError(f"{folder} already holds other files; export into a new or empty folder")


def _load_merged(run: dict[str, Any], workspace: Workspace):
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


def _set_generation_config(model, tokenizer, settings) -> None:
    """Stop at the end of a turn (and at EOS) and sample as `clone talk` does."""
    from clone.templates import stop_token_ids

    config = model.generation_config
    with contextlib.suppress(CloneError):  # a template family clone does not know: keep the base's stop tokens
        config.eos_token_id = stop_token_ids(tokenizer) or config.eos_token_id
    config.pad_token_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else config.pad_token_id
    config.do_sample = True
    config.temperature = settings.temperature
    config.top_p = settings.top_p
    config.repetition_penalty = settings.repetition_penalty


# --- GGUF ----------------------------------------------------------------------------------------

# llama.cpp's names for the byte-level BPE pre-tokenizers (tokenizer.ggml.pre): the regex that splits text
# before the merges, recognised here from the tokenizer.json the clone was trained with.
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
        return "smollm"  # digits one by one, then GPT-2's split
    if kinds == ["Split", "ByteLevel"] and not steps[1].get("use_regex", True):
        pattern = (steps[0].get("pattern") or {}).get("Regex")
        if pattern in _SPLITS:
            return _SPLITS[pattern]
    raise CloneError(
        f"the tokenizer's pre-tokenizer ({' + '.join(map(str, kinds)) or 'none'}) has no llama.cpp equivalent "
        "known here; export with --no-gguf"
    )


def permute_qk(weights, n_head: int, n_head_kv: int | None = None):
    """Rows of a q/k projection reordered for llama.cpp's rotary embedding (as convert_hf_to_gguf.py does;
    transformers' GGUF loader undoes it)."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    shape = weights.shape
    return weights.reshape(n_head, 2, shape[0] // n_head // 2, *shape[1:]).swapaxes(1, 2).reshape(shape)


def llama3_rope_factors(config) -> Any | None:
    """llama.cpp's rope_freqs tensor for Llama 3.1+ rope scaling (None for models without it)."""
    import math

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
            raise CloneError(f"the GGUF writer has no llama.cpp name for {hf_name}; export with --no-gguf")
        data = tensor.detach().to(torch.float32)
        if architecture == "llama" and name.endswith((".attn_q.weight", ".attn_q.bias")):
            data = permute_qk(data, config.num_attention_heads)
        elif architecture == "llama" and name.endswith((".attn_k.weight", ".attn_k.bias")):
            data = permute_qk(data, config.num_attention_heads, config.num_key_value_heads)
        # as in llama.cpp: 1-D tensors, norms and biases stay f32; matrices are f16 in an f16 file
        keep_f32 = gguf_type == "f32" or data.ndim <= 1 or name.endswith("_norm.weight") or not name.endswith(".weight")
        yield name, np.ascontiguousarray(data.numpy().astype(np.float32 if keep_f32 else np.float16, copy=False))


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
    and config.json: the merges, special tokens and chat template are read from there, as llama.cpp does."""
    import gguf
    from transformers import AutoTokenizer

    config = model.config
    architecture = config.model_type
    if architecture not in GGUF_ARCHITECTURES:
        raise CloneError(f"GGUF export supports {', '.join(GGUF_ARCHITECTURES)}, not {architecture!r}")
    rope = _rope_parameters(config)
    rope_type = rope.get("rope_type") or rope.get("type") or "default"
    if rope_type not in ("default", "linear", "llama3") or (rope_type == "llama3" and architecture != "llama"):
        raise CloneError(f"GGUF export does not handle {rope_type!r} rope scaling yet; export with --no-gguf")
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    tokenizer_json = json.loads((Path(tokenizer_dir) / "tokenizer.json").read_text(encoding="utf-8"))
    if (tokenizer_json.get("model") or {}).get("type") != "BPE":
        raise CloneError("GGUF export handles byte-level BPE tokenizers only; export with --no-gguf")
    pre = tokenizer_pre(tokenizer_json)

    writer = gguf.GGUFWriter(path, architecture)
    writer.add_type(gguf.GGUFType.MODEL)
    writer.add_name(name)
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

    tokens, types = vocabulary(tokenizer, config.vocab_size)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(pre)
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    special = gguf.SpecialVocab(tokenizer_dir, load_merges=True, n_vocab=config.vocab_size)
    special.add_special_token["bos"] = _adds(tokenizer, "bos")  # what the tokenizer does, not what a file claims
    special.add_special_token["eos"] = _adds(tokenizer, "eos")
    family = template_family(tokenizer.chat_template)
    if family in STOP_TOKENS and "eot" not in special.special_token_ids:
        end_of_turn = tokenizer.get_vocab().get(STOP_TOKENS[family][0])
        if end_of_turn is not None:
            special.special_token_ids["eot"] = end_of_turn
    special.add_to_gguf(writer, quiet=True)

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


# --- Ollama --------------------------------------------------------------------------------------


def modelfile(
    source: str, template: str | None, eos_token: str | None, system: str, settings, num_ctx: int = 4096
) -> str:
    """An Ollama Modelfile: the weights, the chat template in Go syntax and its stop tokens, the system prompt
    and `clone talk`'s sampling."""
    lines = [f"FROM {source}", ""]
    go_template = ollama_template(template, eos_token or "</s>")
    if go_template is not None:
        lines += [f'TEMPLATE """{go_template}"""', ""]
        lines += [f'PARAMETER stop "{stop}"' for stop in STOP_TOKENS[template_family(template)]]
    else:
        lines.append("# unknown chat format: Ollama takes the template from the GGUF file's tokenizer.chat_template")
    lines += [
        f"PARAMETER temperature {settings.temperature}",
        f"PARAMETER top_p {settings.top_p}",
        f"PARAMETER repeat_penalty {settings.repetition_penalty}",
        f"PARAMETER num_ctx {num_ctx}",
        "",
        f'SYSTEM """{system.replace(chr(34) * 3, chr(34))}"""',
        "",
    ]
    return "\n".join(lines)


def ollama_name(me: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", me.lower()).strip("-")
    return f"{slug or 'my'}-clone"


def readme(result: ExportResult) -> str:
    name = ollama_name(result.me)
    lines = [
        f"# {result.me}: exported clone",
        "",
        "- `merged/`: the base model with the clone's LoRA merged in (transformers, vLLM, ...): "
        '`AutoModelForCausalLM.from_pretrained("merged")`; its tokenizer carries the base model\'s chat template.',
    ]
    if result.gguf is not None:
        lines.append(
            f"- `{GGUF_NAME}`: the same weights for llama.cpp ({result.gguf_type}): "
            f"`llama-cli -m {GGUF_NAME} -cnv -sys {json.dumps(result.system)}`"
        )
    lines += [
        "- `Modelfile`: for Ollama, with the chat template, stop tokens, system prompt and sampling of `clone talk`.",
        "",
        "## Ollama",
        "",
        "```bash",
        f"cd {result.folder}",
        f"ollama create {name} -f Modelfile",
        f"ollama run {name}",
        "```",
        "",
        "The SYSTEM line is the system prompt the clone was trained with (who it talks to, on which platform),",
        "without the date and time that `clone talk` adds; edit it to change the partner, then run `ollama create`",
        "again. The template and stop tokens make Ollama end each reply at the end of the clone's turn.",
    ]
    if result.gguf is None:
        lines += [
            "",
            "There is no GGUF file here: `ollama create` imports the safetensors in `merged/` itself, for the",
            "architectures it knows (Llama, Mistral, Gemma, Phi-3, and Qwen in recent versions).",
        ]
    return "\n".join(lines) + "\n"


# --- progress ------------------------------------------------------------------------------------


class _Progress:
    """One rich bar: a step per stage, and the GGUF tensors as they are written."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None
        self.task = None
        self.restore = False

    def __enter__(self) -> _Progress:
        if self.enabled:
            from transformers.utils import logging

            from clone.progress import bar

            self.restore = logging.is_progress_bar_enabled()
            logging.disable_progress_bar()  # transformers' tqdm bars would break into ours
            self.bar = bar()
            self.bar.start()
            self.task = self.bar.add_task("exporting", total=None, status="")
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            from transformers.utils import logging

            if exc[0] is None:
                self.bar.update(self.task, description="exported", status="done")
            self.bar.stop()
            if self.restore:
                logging.enable_progress_bar()

    def step(self, what: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description=what, status="", total=None)

    def tensor(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description="writing the GGUF file", total=total, completed=done)
