"""`clone memory`: see, search and control what the clone remembers (mounted by clone/cli.py).

Every verb calls the library (clone.memory); this file parses flags and prints.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clone import memory as lib
from clone.dataset.samples import Context
from clone.workspace import DEFAULT_WORKSPACE, Workspace

app = typer.Typer(help="What the clone remembers: build, show, search and forget.", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)

WorkspaceOption = Annotated[
    Path,
    typer.Option("--workspace", "-w", metavar="DIR", help="Folder where the dataset, the clone and its records live."),
]
WithOption = Annotated[str | None, typer.Option("--with", metavar="NAME", help="The person the clone talks with.")]
SEARCH_TOKENS = 256  # the block `search` shows, counted in words (about tokens, for a preview)


@app.command()
def build(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
    semantic: Annotated[bool, typer.Option(help="Also index by meaning (sentence embeddings).")] = True,
) -> None:
    """(Re)build the memory from the imported history (redacted as the dataset is)."""
    summary = lib.build_memory(Workspace(workspace), semantic=semantic)
    search = "words and meaning" if summary.semantic else "words"
    out.print(
        f"memory: {summary.episodes} conversations, {summary.facts} fact statements, {summary.people} people, "
        f"searchable by {search} ({summary.reused_embeddings} embeddings reused) -> {summary.path}"
    )
    if summary.note:
        out.print(f"note: {summary.note}")


@app.command()
def show(with_: WithOption = None, workspace: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """Everyone in memory and the personal facts with their sources; with --with, what the clone knows there."""
    memory = lib.open_memory(Workspace(workspace))
    try:
        if memory.note:
            out.print(f"note: {memory.note}")
        people = [lib.profile(memory, with_)] if with_ else lib.profiles(memory)
        if with_ and people[0] is None:
            out.print(f"{with_}: not in memory (no conversation with them)")
            return
        for p in people:
            print_profile(p, recent=bool(with_))
        facts = lib.known_facts(memory, with_, scope="contact" if with_ else "all")
        out.print(f"\nPersonal facts{f' the clone may use with {with_}' if with_ else ''}:")
        for f in facts:
            visibility = "approved" if f.approved else "shared" if f.shared else f"private to {f.chat}"
            out.print(f"  {f.item_id:>5}  {f.text}  ({visibility}; said {f.said:%d %b %Y}: {f.sentence!r})")
        if not facts:
            out.print("  none")
    finally:
        memory.close()


def print_profile(p: lib.Profile, recent: bool) -> None:
    relation = f" ({p.relationship})" if p.relationship else ""
    out.print(
        f"{p.name}{relation}: {p.conversations} conversations, {p.first:%d %b %Y} to {p.last:%d %b %Y}, "
        f"{p.their_messages} messages from them, {p.my_messages} from you; topics: {', '.join(p.topics) or '-'}"
    )
    for plan in p.plans:
        when = f"{plan.when:%a %d %b %Y}" if plan.when else "no date"
        out.print(f"  plan  {when} (said {plan.said:%d %b %Y} in {plan.chat}): {plan.line[:100]}")
    for hit in p.recent if recent else []:
        first_line = hit.text.split("\n")[0]
        out.print(f"  {hit.item_id:>5}  {hit.start:%d %b %Y} in {hit.chat}: {first_line[:100]}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What the other person says.")],
    with_: WithOption = None,
    before: Annotated[
        datetime | None, typer.Option(metavar="DATE", help="Only conversations that ended before this (default: now).")
    ] = None,
    scope: Annotated[str, typer.Option(help="contact (only what NAME took part in) or all (you, to yourself).")] = (
        "contact"
    ),
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Print exactly what the clone would be reminded of, talking with NAME: the block and its sources."""
    memory = lib.open_memory(Workspace(workspace))
    try:
        if memory.note:
            out.print(f"note: {memory.note}")
        context = Context(memory.meta.get("me", "me"), partner=with_)
        used = lib.recall(
            memory, context, query, before or datetime.now(), SEARCH_TOKENS, lambda t: len(t.split()), scope
        )
        if not used.block:
            out.print(f"nothing in memory for this{f' with {with_}' if with_ else ''}")
            return
        out.print(used.block)
        out.print("\nfrom: " + ", ".join([*(f.item_id for f in used.facts), *(h.item_id for h in used.hits)]))
    finally:
        memory.close()


@app.command()
def forget(
    item: Annotated[str | None, typer.Argument(metavar="ITEM_ID", help="A conversation (e12) or a fact (f7).")] = None,
    person: Annotated[str | None, typer.Option(metavar="NAME", help="Forget every chat with this person.")] = None,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Forget an item or a person; kept out of later rebuilds and of the next `clone import`'s training data."""
    if not item and not person:
        raise typer.BadParameter("name what to forget: --person NAME or an ITEM_ID (see `clone memory show`)")
    memory = lib.open_memory(Workspace(workspace))
    try:
        if person:
            n = lib.forget_person(memory, person)
            out.print(f"forgot {person}: {n} conversations removed; their chats stay out of the next training data")
        if item:
            out.print(f"forgot {lib.forget_item(memory, item)}")
    finally:
        memory.close()


@app.command()
def approve(
    fact: Annotated[str, typer.Argument(metavar="FACT_ID", help="A fact id (f7) from `clone memory show`.")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Let a personal fact be used in every chat, not only where it was said."""
    memory = lib.open_memory(Workspace(workspace))
    try:
        out.print(f"approved {lib.approve_fact(memory, fact).replace('|', ' ')}: usable with everyone")
    finally:
        memory.close()
