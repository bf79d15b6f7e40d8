"""The "Test connection" work: runs on the task runner's pool, never on the GUI thread."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from elconsole.data.errors import StoreError
from elconsole.data.stores import open_store, redact, resolve_target

# The ping's own limit: its answer, failure included, arrives before the dialog's 2 s.
PING_LIMIT_MS = 1500


@dataclass(frozen=True)
class ProbeResult:
    """What a store test found: ``ok`` and a kind of answer the dialog words."""

    ok: bool
    kind: str  # "answers", "file", "new-file", "no-folder", "failed"
    detail: str = ""


def probe_store(text: str) -> ProbeResult:
    """Return whether the store named by ``text`` answers (empty: the default file).

    A MongoDB URI is pinged (at most 1.5 s); an embedded file is checked on disk
    without starting a server. The detail never holds a password.
    """
    try:
        target = resolve_target(text or None, environ={})
    except StoreError as exc:
        return ProbeResult(False, "failed", _hidden(str(exc), text))
    if target.path is not None:
        return _probe_file(target.path)
    try:
        with open_store(target) as store:
            store.ping(PING_LIMIT_MS)
    except StoreError as exc:
        return ProbeResult(False, "failed", _hidden(str(exc), text))
    return ProbeResult(True, "answers", redact(text))


def _probe_file(path: Path) -> ProbeResult:
    if path.is_file():
        return ProbeResult(True, "file", f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
    if folder is not None and os.access(folder, os.W_OK):
        return ProbeResult(True, "new-file", str(path))
    return ProbeResult(False, "no-folder", str(path.parent))


def _hidden(message: str, uri: str) -> str:
    """Return ``message`` with the URI's password, if any, replaced by ``***``."""
    shown = redact(uri)
    message = message.replace(uri, shown)
    if "://" in uri and "@" in uri:
        userinfo = uri.split("://", 1)[1].rsplit("@", 1)[0]
        secret = userinfo.split(":", 1)[1] if ":" in userinfo else ""
        if secret:
            message = message.replace(secret, "***")
    return message
