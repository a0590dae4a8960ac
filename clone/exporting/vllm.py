"""`clone export --vllm`: the clone for vLLM, which serves the base model with the LoRA adapter on top behind an
OpenAI-compatible API, for a GPU and more people than the built-in server is made for.

    <workspace>/export-vllm/
      adapter/                     the trained LoRA adapter, as `clone train` wrote it
      chat_template.jinja          the clone's chat template (the train-time one without its generation markers)
      generation/generation_config.json   stop tokens (end of turn and EOS) and `clone talk`'s sampling
      serve.sh                     the `vllm serve` command, every argument shell-quoted
      README.md                    how to run it and call it, and what the built-in `clone serve` adds
      export.json                  what was exported from which run

Nothing is merged and no model is loaded: vLLM applies the adapter itself (`--enable-lora`), so the folder is small
and quick to write. The flags are vLLM's (`vllm serve --help`): `--lora-modules NAME=PATH`, `--max-lora-rank`
(one of vLLM's allowed ranks, at least the adapter's), `--chat-template FILE`, `--generation-config FOLDER` (its
`eos_token_id` adds the stop tokens) and `--override-generation-config JSON` (sampling defaults on top).
"""

from __future__ import annotations

import json
import shlex
import shutil
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from clone.dataset.samples import Context, system_prompt
from clone.errors import CloneError
from clone.workspace import Workspace, atomic_dir, private, write_json_atomic, write_text_atomic

ADAPTER = "adapter"
TEMPLATE = "chat_template.jinja"
GENERATION = "generation"
SCRIPT = "serve.sh"
RECORD = "export.json"
LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)  # vLLM's --max-lora-rank choices


@dataclass(frozen=True)
class VllmExport:
    me: str
    folder: Path
    name: str  # the adapter's model name in the API (`model=` in requests)
    base: str  # the base model vLLM loads: a hub id, or the local folder the clone was trained on
    command: tuple[str, ...]  # the `vllm serve` argv, run from `folder`
    stop_token_ids: tuple[int, ...]
    system: str  # the system prompt to send first: `clone talk`'s without the date
    dated: str  # the same with today's date, as `clone talk` and training write it
    memory: bool  # the clone was trained to be told what it remembers (which vLLM cannot tell it)
    seconds: float


@private
def export_vllm(
    workspace: Workspace | None = None,
    output: Path | str | None = None,
    *,
    partner: str | None = None,
    relationship: str | None = None,
    platform: str = "whatsapp",
    include_notes: bool = False,
    port: int = 8000,
) -> VllmExport:
    """Write the workspace's clone for `vllm serve` (see the module doc). ``partner``, ``relationship``,
    ``platform`` and ``include_notes`` shape the system prompt the README tells clients to send, as in
    `clone export`."""
    from transformers import AutoTokenizer

    from clone.exporting import exported_note
    from clone.exporting.merge import inference_template
    from clone.exporting.ollama import ollama_name
    from clone.generation import GenerationSettings
    from clone.templates import stop_token_ids
    from clone.training import read_run

    started = time.time()
    workspace = workspace or Workspace()
    run = read_run(workspace)
    adapter = workspace.model / "adapter"
    if not (adapter / "adapter_config.json").exists():
        raise CloneError(f"{workspace.model}: the trained adapter is missing; run `clone train` again")
    folder = Path(output) if output is not None else workspace.root / "export-vllm"
    _check_output(folder)
    tokenizer = AutoTokenizer.from_pretrained(workspace.model / "tokenizer")
    template = inference_template(None, tokenizer.chat_template)
    if not template:
        raise CloneError(f"{workspace.model / 'tokenizer'}: the clone's tokenizer has no chat template")
    stops = tuple(stop_token_ids(tokenizer))
    settings = GenerationSettings()
    name = ollama_name(run["me"])
    base = base_for_vllm(run)
    rank = lora_rank(json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8")))
    command = serve_command(base, name, rank, settings.repetition_penalty, port)
    note = exported_note(workspace, partner, relationship, include_notes)
    context = Context(run["me"], partner, note, platform)
    system = system_prompt(context)  # no date: fixed text, as in the Ollama export
    dated = system_prompt(replace(context, when=datetime.now()))
    memory = bool(run.get("dataset", {}).get("options", {}).get("memory_tokens", 0))
    result = VllmExport(run["me"], folder, name, base, command, stops, system, dated, memory, 0.0)

    with atomic_dir(folder) as tmp:
        shutil.copytree(adapter, tmp / ADAPTER)
        write_text_atomic(tmp / TEMPLATE, template)
        generation_config(tokenizer, stops, settings, base_top_k(run["base_model_path"])).save_pretrained(
            tmp / GENERATION
        )
        write_text_atomic(tmp / SCRIPT, script(command))
        (tmp / SCRIPT).chmod(0o700)
        write_text_atomic(tmp / "README.md", readme(result))
        result = replace(result, seconds=round(time.time() - started, 1))
        write_json_atomic(tmp / RECORD, {**asdict(result), "folder": str(folder), "base_model": run["base_model"]})
    return result


def _check_output(folder: Path) -> None:
    """The folder is replaced whole, so it must be new, empty, or an earlier vLLM export."""
    if folder.exists() and not folder.is_dir():
        raise CloneError(f"{folder} is a file; give a folder for the export")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / SCRIPT).exists():
        raise CloneError(f"{folder} already holds other files; export into a new or empty folder")


def base_for_vllm(run: dict) -> str:
    """What vLLM loads as the base: a hub id as given to `clone train`, else the local folder training used (the
    bundled SmolLM2 is a conversion of a quantized file: the hub's weights are not the ones the adapter learnt on)."""
    from clone import models

    given = run["base_model"]
    if given.startswith(models.BUNDLED_PREFIX) or Path(given).expanduser().exists():
        return str(Path(run["base_model_path"]).resolve())
    return given


def lora_rank(adapter_config: dict) -> int:
    """The smallest --max-lora-rank vLLM allows that holds the adapter's rank (its largest, with rank_pattern)."""
    rank = max([int(adapter_config.get("r", 8)), *map(int, (adapter_config.get("rank_pattern") or {}).values())])
    for allowed in LORA_RANKS:
        if allowed >= rank:
            return allowed
    raise CloneError(f"the adapter's LoRA rank {rank} is above vLLM's largest --max-lora-rank ({LORA_RANKS[-1]})")


def base_top_k(base_path: str) -> int:
    """The top_k `clone talk` samples with: the base model's, else transformers' default (as `clone export`)."""
    from transformers import GenerationConfig

    from clone.exporting.merge import default_top_k

    try:
        config = GenerationConfig.from_pretrained(base_path)
    except (OSError, ValueError):  # no generation_config.json there
        config = GenerationConfig()
    return default_top_k(config)


def generation_config(tokenizer, stops: tuple[int, ...], settings, top_k: int):
    """Stop at the end of the clone's turn and sample as `clone talk` (its repetition penalty goes in the
    command's --override-generation-config, where it is easy to see and drop)."""
    from transformers import GenerationConfig

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    return GenerationConfig(
        eos_token_id=list(stops),
        pad_token_id=pad,
        do_sample=settings.temperature > 0,
        temperature=settings.temperature or None,
        top_p=settings.top_p,
        top_k=top_k,
    )


def serve_command(base: str, name: str, rank: int, repetition_penalty: float, port: int) -> tuple[str, ...]:
    """`vllm serve` with the clone's adapter, template and stop tokens, on loopback; paths relative to the folder."""
    return (
        "vllm",
        "serve",
        base,
        "--enable-lora",
        "--lora-modules",
        f"{name}=./{ADAPTER}",
        "--max-lora-rank",
        str(rank),
        "--chat-template",
        f"./{TEMPLATE}",
        "--generation-config",
        f"./{GENERATION}",
        "--override-generation-config",
        json.dumps({"repetition_penalty": repetition_penalty}),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    )


def script(command: tuple[str, ...]) -> str:
    """serve.sh: run from its own folder, refuse to start without an API key (vLLM reads VLLM_API_KEY)."""
    return "\n".join(
        [
            "#!/bin/sh",
            "# Serve the clone with vLLM (written by `clone export --vllm`). Clients send VLLM_API_KEY as their key.",
            "set -eu",
            'cd "$(dirname "$0")"',
            ': "${VLLM_API_KEY:?set VLLM_API_KEY: the key every client must send (vLLM answers anyone without it)}"',
            f"exec {shlex.join(command)}",
            "",
        ]
    )


def readme(result: VllmExport) -> str:
    """How to run the export with vLLM, how to call it, and what it does not do that `clone serve` does."""
    lines = [
        f"# {result.me}: the clone for vLLM",
        "",
        "On a machine with vLLM (a GPU): copy this folder there, set a key, and run the script.",
        "",
        "```bash",
        "export VLLM_API_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(24))')",
        "./serve.sh",
        "```",
        "",
        "It runs, from this folder:",
        "",
        "```bash",
        shlex.join(result.command),
        "```",
        "",
        f"- `{result.base}`: the base model. The adapter was trained on exactly these weights: when it is a local",
        "  folder, copy it to the vLLM machine too and put its new path in serve.sh.",
        f"- `--lora-modules {result.name}=./{ADAPTER}`: the clone is the model named `{result.name}`; requests",
        "  for the base model's own name get the base model without the clone.",
        f"- `--chat-template ./{TEMPLATE}`: the template the clone was trained with.",
        f"- `--generation-config ./{GENERATION}`: stops at the end of the clone's turn (token ids "
        f"{', '.join(map(str, result.stop_token_ids))}) and samples as `clone talk` (temperature, top_p, top_k);",
        "  `--override-generation-config` adds talk's repetition penalty (vLLM applies it to greedy requests too).",
        "- `--host 127.0.0.1`: vLLM listens on every interface unless told; put TLS in front before opening it up.",
        "",
        "## Calling it",
        "",
        "vLLM does not know who is talking: send the clone's system prompt as the first message, as training saw it.",
        "",
        "```python",
        "import os",
        "from openai import OpenAI",
        "",
        f"SYSTEM = {json.dumps(result.system, ensure_ascii=False)}",
        'client = OpenAI(base_url="http://127.0.0.1:8000/v1", api_key=os.environ["VLLM_API_KEY"])',
        "reply = client.chat.completions.create(",
        f"    model={json.dumps(result.name)},",
        '    messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": "free tonight?"}],',
        ")",
        "```",
        "",
        "`clone talk` and training also say when it is, for example:",
        "",
        f"    {result.dated}",
        "",
        "Send that form, with the day of the message, when the day matters. For another partner export again with",
        "`--with NAME` (and `--relationship`). In group chats send everyone's messages since the clone's last reply as",
        "one user message, a line each as `Name: text`, as in training.",
        "",
        *(
            [
                "This clone was trained to be told what it remembers (`clone memory`) in its system prompt; vLLM",
                "cannot retrieve memories, so here it answers without them, as the base of what it learnt.",
                "",
            ]
            if result.memory
            else []
        ),
        "## What `clone serve` does that vLLM does not",
        "",
        "- per-contact keys: a key is one person, and decides the system prompt (their name and relationship);",
        "  vLLM has one key for everyone, and the client writes the system prompt;",
        "- memory: `clone serve` tells the clone what it remembers of conversations with that person only (their",
        "  scope); vLLM has no memory;",
        '- feedback: thumbs up/down and "what I would have said" from its chat page go to feedback.jsonl for',
        "  `clone improve --from-feedback`;",
        "- the chat page, per-key rate limits, and a request log without message text.",
        "",
        "vLLM serves many more people at once on a GPU. Both speak the same OpenAI API.",
    ]
    return "\n".join(lines) + "\n"
