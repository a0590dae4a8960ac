"""The `clone serve` commands, a typer sub-app: `app.add_typer(serve_app, name="serve")` in clone/cli.py.

clone serve [--host H] [--port N] ...     start the server (Ctrl-C stops it)
clone serve key add --for "Sam Okafor"    a key for one contact (printed once)
clone serve key add --owner               a key that may talk as anyone
clone serve key list | key revoke ID
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clone.serving.app import ServeSettings
from clone.settings import default_of, help_of
from clone.workspace import DEFAULT_WORKSPACE, Workspace

serve_app = typer.Typer(help="Serve the clone to the people you give a key to (OpenAI-compatible API and a chat page).")
key_app = typer.Typer(help="API keys: one per contact, or the owner's.", no_args_is_help=True)
serve_app.add_typer(key_app, name="key")

WorkspaceOption = Annotated[
    Path,
    typer.Option("--workspace", "-w", metavar="DIR", help="Folder where the dataset, the clone and its records live."),
]


def _flag(name: str) -> typer.models.OptionInfo:
    return typer.Option(help=help_of(ServeSettings, name), metavar="" if name == "log_text" else None)


@serve_app.callback(invoke_without_command=True)
def serve_command(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; anything but 127.0.0.1 is reachable by others.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    max_tokens: Annotated[int, _flag("max_tokens")] = default_of(ServeSettings, "max_tokens"),
    requests_per_minute: Annotated[int, _flag("requests_per_minute")] = default_of(
        ServeSettings, "requests_per_minute"
    ),
    cors_origin: Annotated[
        list[str] | None, typer.Option(metavar="URL", help=help_of(ServeSettings, "cors_origins"))
    ] = None,
    log_text: Annotated[bool, _flag("log_text")] = False,
    platform: Annotated[str, _flag("platform")] = default_of(ServeSettings, "platform"),
    dtype: Annotated[str, _flag("dtype")] = default_of(ServeSettings, "dtype"),
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Serve the clone on http://HOST:PORT/ until Ctrl-C: the chat page at /, the API at /v1."""
    if ctx.invoked_subcommand is not None:
        return
    from clone.serving import serve

    settings = ServeSettings(
        max_tokens=max_tokens,
        requests_per_minute=requests_per_minute,
        cors_origins=tuple(cors_origin or ()),
        log_text=log_text,
        platform=platform,
        dtype=dtype,
    )
    serve(Workspace(workspace), host, port, settings, warn=lambda text: typer.echo(text, err=True))


@key_app.command("add")
def key_add(
    for_: Annotated[str | None, typer.Option("--for", metavar="NAME", help="The contact this key talks as.")] = None,
    owner: Annotated[bool, typer.Option("--owner", metavar="", help="A key that may talk as anyone (yours).")] = False,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Make a key and print it, once: only its hash is kept."""
    from clone.serving.keys import add_key

    key, secret = add_key(Workspace(workspace), for_, owner=owner)
    typer.echo(secret)
    typer.echo(f"key {key.id} ({key.label}); it is shown only now", err=True)


@key_app.command("list")
def key_list(workspace: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """The keys: id, who, when made (never the keys themselves)."""
    from clone.serving.keys import list_keys

    for key in list_keys(Workspace(workspace)):
        typer.echo(f"{key.id}  {key.created}  {key.label}")


@key_app.command("revoke")
def key_revoke(
    key_id: Annotated[str, typer.Argument(metavar="ID")], workspace: WorkspaceOption = DEFAULT_WORKSPACE
) -> None:
    """Revoke a key by its id; it stops working at once, even while serving."""
    from clone.serving.keys import revoke_key

    key = revoke_key(Workspace(workspace), key_id)
    typer.echo(f"revoked key {key.id} ({key.label})")
