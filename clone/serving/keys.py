"""API keys of `clone serve`: one per contact (the key decides who the clone is talking to) and owner keys (any
partner). Only a SHA-256 of each key is kept, in the workspace's serve-keys.json (mode 0600); the key itself is
shown once, when it is made. Keys are long random tokens, so a fast hash is enough: there is nothing to guess."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from clone.errors import CloneError
from clone.workspace import Workspace, write_json_atomic

PREFIX = "clone-"


@dataclass(frozen=True)
class Key:
    id: str  # short and public: names the key in logs, `key list` and `key revoke`
    partner: str | None  # the contact this key talks as; None for an owner key
    owner: bool
    created: str
    hash: str

    @property
    def label(self) -> str:
        return "owner" if self.owner else f"for {self.partner}"


def keys_file(workspace: Workspace) -> Path:
    return workspace.root / "serve-keys.json"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def list_keys(workspace: Workspace) -> list[Key]:
    path = keys_file(workspace)
    if not path.exists():
        return []
    try:
        return [Key(**row) for row in json.loads(path.read_text(encoding="utf-8"))["keys"]]
    except (ValueError, KeyError, TypeError) as error:
        raise CloneError(f"{path}: not a keys file ({error}); remove it and add the keys again") from None


def _save(workspace: Workspace, keys: list[Key]) -> None:
    write_json_atomic(keys_file(workspace), {"keys": [asdict(k) for k in keys]})  # mkstemp: mode 0600


def add_key(workspace: Workspace, partner: str | None = None, *, owner: bool = False) -> tuple[Key, str]:
    """A new key for ``partner`` (or an owner key): the record kept and the secret, to show once."""
    if owner == bool(partner):
        raise CloneError("a key is either for one contact (--for NAME) or the owner's (--owner)")
    secret = PREFIX + secrets.token_urlsafe(32)
    digest = _digest(secret)
    key = Key(digest[:8], None if owner else partner, owner, datetime.now().isoformat(timespec="seconds"), digest)
    _save(workspace, [*list_keys(workspace), key])
    return key, secret


def revoke_key(workspace: Workspace, key_id: str) -> Key:
    keys = list_keys(workspace)
    revoked = next((k for k in keys if k.id == key_id), None)
    if revoked is None:
        raise CloneError(f"no key {key_id!r}; `clone serve key list` shows the ids")
    _save(workspace, [k for k in keys if k is not revoked])
    return revoked


def find_key(workspace: Workspace, secret: str) -> Key | None:
    """The key ``secret`` is, read afresh from the file, so a key revoked while serving stops working at once."""
    digest = _digest(secret)
    return next((k for k in list_keys(workspace) if hmac.compare_digest(k.hash, digest)), None)
