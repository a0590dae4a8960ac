"""`clone serve`: the trained clone as a local, OpenAI-compatible service for the people you give a key to.

from clone.serving import serve, add_key
key, secret = add_key(Workspace(), "Sam Okafor")  # give Sam the secret; it is shown only now
serve(Workspace(), port=8000)                      # http://127.0.0.1:8000/ is the chat page
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from clone.serving.app import ServeSettings, create_app
from clone.serving.keys import Key, add_key, find_key, list_keys, revoke_key
from clone.workspace import Workspace

__all__ = ["Key", "ServeSettings", "add_key", "create_app", "find_key", "list_keys", "revoke_key", "serve"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def log_file(workspace: Workspace) -> Path:
    return workspace.root / "serve.log"


def open_log(workspace: Workspace) -> logging.Handler:
    """The request log in the workspace, private like every file there (created 0600 before logging opens it)."""
    path = log_file(workspace)
    os.close(os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600))
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("clone.serve")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler


def serve(
    workspace: Workspace | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: ServeSettings | None = None,
    warn=print,
) -> None:
    """Load the workspace's clone once and serve it until Ctrl-C. Binding anything but loopback is said aloud."""
    import uvicorn

    from clone.chat import Clone

    workspace = workspace or Workspace()
    clone = Clone.load(workspace)  # a clear error when the workspace has no trained clone
    if host not in LOOPBACK:
        warn(
            f"warning: listening on {host}: other machines can reach the clone. Only keys get answers, but the"
            " traffic is plain HTTP: put it behind TLS (a reverse proxy) beyond a trusted network."
        )
    if not list_keys(workspace):
        warn(f"no keys yet: nobody can talk to the clone. Add one: {workspace.command('serve key add --owner')}")
    handler = open_log(workspace)
    warn(f"serving the clone of {clone.me} on http://{host}:{port}/ (request log: {log_file(workspace)})")
    try:
        uvicorn.run(
            create_app(clone, settings or ServeSettings()), host=host, port=port, access_log=False, log_level="warning"
        )
    finally:
        logging.getLogger("clone.serve").removeHandler(handler)
        handler.close()
