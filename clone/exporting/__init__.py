"""Export a trained clone for other runtimes: a merged model, a GGUF file for llama.cpp, and an Ollama Modelfile.

    <workspace>/export/
      merged/        the LoRA merged into the base model (safetensors), its tokenizer with the base model's
                     own chat template, and a generation config with `clone talk`'s sampling
      clone.gguf     the merged model for llama.cpp / Ollama (llama and qwen2 architectures; f16 or f32)
      Modelfile      `ollama create NAME -f Modelfile`: template, stop tokens, system prompt, sampling
      README.md      how to run it, and what differs from `clone talk`
      export.json    what was exported from which run

`export_vllm` (`clone export --vllm`, module vllm) writes another folder, for vLLM: the adapter unmerged, the
chat template, stop tokens and the `vllm serve` command.

The work is in three modules: merge (base model + LoRA, generation config), gguf (the GGUF writer) and
ollama (Go chat templates, Modelfile). This one runs them in order and writes the README and the record.
"""

from __future__ import annotations

import shlex
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from clone.dataset.samples import Context, system_prompt
from clone.errors import CloneError
from clone.exporting.gguf import GGUF_ARCHITECTURES, GGUF_TYPES, NO_GGUF, write_gguf
from clone.exporting.merge import inference_template, load_merged, set_generation_config, talk_top_k
from clone.exporting.ollama import modelfile, ollama_name, template_family
from clone.exporting.vllm import VllmExport, export_vllm
from clone.workspace import Workspace, atomic_dir, private, write_json_atomic, write_text_atomic

__all__ = ["ExportResult", "VllmExport", "export", "export_vllm", "ollama_name"]

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
    system: str  # the SYSTEM prompt in the Modelfile: `clone talk`'s prompt without the date
    seconds: float


@private
def export(
    workspace: Workspace | None = None,
    output: Path | str | None = None,
    *,
    gguf: bool | None = None,
    gguf_type: str = "f16",
    partner: str | None = None,
    relationship: str | None = None,
    platform: str = "whatsapp",
    include_notes: bool = False,
    show_progress: bool = True,
) -> ExportResult:
    """Merge the workspace's clone into its base model and write it for other runtimes (see the module doc).

    ``gguf``: None writes the GGUF when the architecture is supported (llama, qwen2) and skips it otherwise;
    True insists (an error for other architectures); False skips it. ``partner``, ``relationship`` and
    ``platform`` shape the Modelfile's system prompt, as in `clone talk`; the partner's line in contacts.yaml is
    the user's private note about someone else, so it goes into the export only with ``include_notes`` (redacted)."""
    from clone.generation import GenerationSettings
    from clone.progress import Stages, quiet_libraries
    from clone.training import read_run

    started = time.time()
    workspace = workspace or Workspace()
    if gguf_type not in GGUF_TYPES:
        raise CloneError(f"gguf_type (--gguf-type) must be one of {', '.join(GGUF_TYPES)}, not {gguf_type!r}")
    run = read_run(workspace)  # a one-line error when nothing was trained
    adapter = workspace.model / "adapter"
    if not (adapter / "adapter_config.json").exists():
        raise CloneError(f"{workspace.model}: the trained adapter is missing; run `clone train` again")
    folder = Path(output) if output is not None else workspace.root / "export"
    _check_output(folder)
    quiet_libraries()

    with Stages("exporting", enabled=show_progress) as stages:
        stages.step("loading the base model and the clone")
        model, tokenizer, base_template = load_merged(run, workspace)
        architecture = model.config.model_type
        writes_gguf = architecture in GGUF_ARCHITECTURES if gguf is None else gguf
        if writes_gguf and architecture not in GGUF_ARCHITECTURES:
            raise CloneError(
                f"GGUF export supports the {' and '.join(GGUF_ARCHITECTURES)} architectures, not {architecture!r}; "
                f"{NO_GGUF} (the merged model still works with transformers, vLLM and `ollama create`)"
            )
        template = inference_template(base_template, tokenizer.chat_template)
        settings = GenerationSettings()
        top_k = talk_top_k(model)
        note = exported_note(workspace, partner, relationship, include_notes)
        context = Context(run["me"], partner, note, platform)
        system = system_prompt(context)  # no `when`: a Modelfile's SYSTEM is fixed text, with no date to write

        with atomic_dir(folder) as tmp:
            stages.step("saving the merged model")
            tokenizer.chat_template = template
            set_generation_config(model, tokenizer, settings)
            model.save_pretrained(tmp / "merged")
            tokenizer.save_pretrained(tmp / "merged")
            if writes_gguf:
                stages.step("writing the GGUF file")
                name = f"{run['me']} clone"
                write_gguf(
                    model, tmp / "merged", tmp / GGUF_NAME, gguf_type=gguf_type, name=name, on_tensor=stages.count
                )
            stages.step("writing the Modelfile")
            source = f"./{GGUF_NAME}" if writes_gguf else "./merged"
            num_ctx = min(getattr(model.config, "max_position_embeddings", None) or 4096, 4096)
            text = modelfile(source, template, tokenizer.eos_token, system, settings, top_k, num_ctx)
            write_text_atomic(tmp / "Modelfile", text)
            result = ExportResult(
                me=run["me"],
                folder=folder,
                merged=folder / "merged",
                gguf=folder / GGUF_NAME if writes_gguf else None,
                modelfile=folder / "Modelfile",
                architecture=architecture,
                family=template_family(template),
                gguf_type=gguf_type if writes_gguf else None,
                system=system,
                seconds=round(time.time() - started, 1),
            )
            talk = {  # what `clone talk` and training would say, for the README
                "dated": system_prompt(replace(context, when=datetime.now())),
                "group": system_prompt(Context(run["me"], platform=platform, group="GROUP", members=("A", "B"))),
            }
            write_text_atomic(tmp / "README.md", readme(result, talk, settings.repetition_penalty))
            write_json_atomic(tmp / RECORD, {**asdict(result), "base_model": run["base_model"]})
    return result


def _check_output(folder: Path) -> None:
    """The export folder is replaced whole, so it must be new, empty, or an earlier export."""
    if folder.exists() and not folder.is_dir():
        raise CloneError(f"{folder} is a file; give a folder for the export")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / RECORD).exists():
        raise CloneError(f"{folder} already holds other files; export into a new or empty folder")


def exported_note(workspace: Workspace, partner: str | None, given: str | None, include_notes: bool) -> str | None:
    """What the export says about the partner: the relationship given for it, else with ``include_notes`` their
    contacts.yaml line with private data redacted as in messages, else nothing."""
    from clone.dataset.redact import Redactor
    from clone.identity import load_contacts

    if given:
        return given
    note = load_contacts(workspace).get(partner or "") if include_notes else None
    return Redactor().redact(note) if note else None


def readme(result: ExportResult, talk: dict[str, str], repetition_penalty: float) -> str:
    """How to run the export, and what an Ollama or transformers user gets that differs from `clone talk`.
    ``talk``: the system prompts training used, ``dated`` (now, for the export's partner) and ``group``."""
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
            f"`llama-cli -m {GGUF_NAME} -cnv -sys {shlex.quote(result.system)}`"  # safe to paste in a shell
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
        "The template and stop tokens end each reply at the end of the clone's turn.",
    ]
    if result.gguf is None:
        lines += [
            "",
            "There is no GGUF file here: `ollama create` imports the safetensors in `merged/` itself, for the",
            "architectures it knows (Llama, Mistral, Gemma, Phi-3, and Qwen in recent versions).",
        ]
    lines += [
        "",
        "## The system prompt",
        "",
        "The Modelfile's SYSTEM is the prompt the clone was trained with, without its date:",
        "",
        f"    {result.system}",
        "",
        "`clone talk` also says when it is, as training did, for example:",
        "",
        f"    {talk['dated']}",
        "",
        "A Modelfile cannot: its SYSTEM is fixed text, and Ollama's templates have no clock that writes a weekday",
        "and part of the day (recent versions have `currentDate`, a bare YYYY-MM-DD that older ones reject). So",
        "in Ollama the clone does not know the day. To tell it, send the dated prompt above, with today's date, as",
        "the chat's first message with role `system` (Ollama then uses it instead of SYSTEM), or `/set system`",
        "in `ollama run`. To talk as someone else, export again with `clone export --with NAME` (and",
        "`--relationship`), or edit SYSTEM and run `ollama create` again.",
        "",
        "## Group chats",
        "",
        "In training, everything the others said since the clone's last reply is one user message, a line per",
        "message, and in a group each line starts with its speaker (`Sam: running late`). Send them that way.",
        "Ollama joins consecutive messages of one role with a blank line before the template sees them;",
        "the chat template in `merged/` writes each one as a turn of its own; neither is what training saw.",
        "A group's system prompt names it and the others who spoke (send it as the first system message):",
        "",
        f"    {talk['group']}",
        "",
        "## Sampling",
        "",
        "The Modelfile and `merged/generation_config.json` sample as `clone talk` does (temperature, top_p,",
        f"top_k). The Modelfile also repeats talk's repeat penalty ({repetition_penalty}), which Ollama applies",
        "even at temperature 0. The generation config leaves it out, because transformers would apply it to",
        f"greedy runs too: pass `repetition_penalty={repetition_penalty}` to `generate()` to sample exactly as",
        "`clone talk` does.",
    ]
    return "\n".join(lines) + "\n"
