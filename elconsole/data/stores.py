"""Choosing, opening and closing the store the console works on."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
import pymongo
from pymongo import MongoClient, ReadPreference, WriteConcern
from pymongo.database import Database
from pymongo.errors import ConfigurationError, InvalidURI
from pymongo.uri_parser import parse_uri

from elconsole.data.embedded import EmbeddedServer
from elconsole.data.errors import StoreError, StoreUnavailable, mapped_errors
from elconsole.data.repository import PanelRepository

log = logging.getLogger(__name__)

SECONDARY_PREFERRED = ReadPreference.SECONDARY_PREFERRED

ENV_VAR = "ELCONSOLE_STORE"
DEFAULT_DB = "elconsole"
TIMEOUT_MS = 2000
EMBEDDED_HEARTBEAT_MS = 60000
# One reply may take this long before the call fails as unreachable: a paused
# (SIGSTOP) or wedged server is reported instead of hanging forever. It stays
# well above the longest single reply the console waits for (a statistics
# find on the embedded store, about 12 s for 30 days at 100,000 tests).
SOCKET_TIMEOUT_MS = 30000
# Any scheme: an unknown one (refused) must not show its password either.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
SRV_SCHEME = "mongodb+srv://"
_SRV_ONLY = re.compile(r"(?i)^(srvMaxHosts|srvServiceName)=")


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate finds
    """Mark ``text`` for translation in ``context`` without needing Qt here."""
    return text


# What check_uri finds wrong, as the rule a connection string breaks.
URI_PORT = QT_TRANSLATE_NOOP("Settings", "a port from 1 to 65535 after each host")
URI_USERINFO = QT_TRANSLATE_NOOP(
    "Settings", "a user name and password with @ : / % written as %40 %3A %2F %25"
)
URI_HOST = QT_TRANSLATE_NOOP("Settings", "host names without spaces, none empty")
URI_SRV = QT_TRANSLATE_NOOP("Settings", "mongodb+srv:// with one host name and no port")
URI_DATABASE = QT_TRANSLATE_NOOP("Settings", "a database name without spaces, dots, slashes or $")
URI_OPTION = QT_TRANSLATE_NOOP("Settings", "known options with valid values after “?”")
URI_OTHER = QT_TRANSLATE_NOOP("Settings", "a valid mongodb:// or mongodb+srv:// connection string")


@dataclass(frozen=True)
class StoreTarget:
    """Where the data lives: a MongoDB URI or an embedded store file."""

    uri: str | None = None
    path: Path | None = None

    @property
    def description(self) -> str:
        """Return a text for the user: the URI without its password, or the file."""
        if self.uri is not None:
            return redact(self.uri)
        return f"embedded store {self.path}"


def default_store_path() -> Path:
    """Return the embedded store's file in the user's data folder."""
    return Path(platformdirs.user_data_dir("elconsole", appauthor=False)) / "elconsole.db"


def resolve_target(option: str | None, environ: dict[str, str] | None = None) -> StoreTarget:
    """Return the target named by --store, else ELCONSOLE_STORE, else the default file."""
    env = os.environ if environ is None else environ
    text = (option or env.get(ENV_VAR) or "").strip()
    if not text:
        return StoreTarget(path=default_store_path())
    if text.startswith(("mongodb://", "mongodb+srv://")):
        return StoreTarget(uri=text)
    if "://" in text:
        raise StoreError(f"unknown store {redact(text)}: use mongodb:// or a file path")
    return StoreTarget(path=Path(text).expanduser().absolute())


def redact(uri: str) -> str:
    """Return a connection string with its password replaced by ``***``.

    A password may hold an unescaped ``@``, ``:``, ``/`` or ``?`` (a mistyped
    URI): everything between the user name's ``:`` and the last ``@`` is hidden.
    """
    userinfo = _userinfo(uri)
    if userinfo is None or ":" not in userinfo:
        return uri
    scheme, _, rest = uri.partition("://")
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{rest.rpartition('@')[2]}"


def _userinfo(uri: str) -> str | None:
    """Return what stands before the URI's last ``@``, or None without one.

    The last ``@`` of the whole text: a mistyped password may hold ``@``, ``/``
    or ``?``. An ``@`` in the options (rare) hides more than the password.
    """
    if not _SCHEME.match(uri):
        return None
    userinfo, at, _ = uri.partition("://")[2].rpartition("@")
    return userinfo if at else None


_URI_PROBLEMS = (
    (r"\bport\b", URI_PORT),
    (r"\bescaped\b", URI_USERINFO),
    (r"\bhost", URI_HOST),
    (r"\bdatabase\b", URI_DATABASE),
    (r"\boption|\bmust be\b", URI_OPTION),
)


def check_uri(uri: str) -> str | None:
    """Return what is wrong with a MongoDB connection string in plain words, or None.

    It is read the way the store's client reads it, without any network or DNS
    lookup (also for mongodb+srv://); the answer never holds the password.
    """
    srv = uri.startswith(SRV_SCHEME)
    plain = "mongodb://" + _without_srv_options(uri[len(SRV_SCHEME) :]) if srv else uri
    try:
        parsed = parse_uri(plain, default_port=None)
    except (InvalidURI, ConfigurationError, ValueError) as exc:
        return _uri_problem(str(exc))
    nodes = parsed["nodelist"]
    if any(not host or any(c.isspace() for c in host) for host, _ in nodes):
        return URI_HOST
    if any(port is not None and not 0 < port < 65536 for _, port in nodes):
        return URI_PORT
    direct = {k.lower(): v for k, v in parsed["options"].items()}.get("directconnection")
    if srv and (len(nodes) != 1 or nodes[0][1] is not None or direct):
        return URI_SRV
    return None


def _without_srv_options(rest: str) -> str:
    """Return the part after mongodb+srv:// without the options only SRV allows."""
    head, mark, query = rest.partition("?")
    kept = [p for p in query.split("&") if p and not _SRV_ONLY.match(p)]
    return head + (mark + "&".join(kept) if kept else "")


def _uri_problem(message: str) -> str:
    """Return the plain-words rule for one of pymongo's URI messages."""
    for words, problem in _URI_PROBLEMS:
        if re.search(words, message, re.IGNORECASE):
            return problem
    return URI_OTHER


class Store:
    """An open store: a client, its database and the repository over it."""

    def __init__(
        self,
        target: StoreTarget,
        client: MongoClient[dict[str, Any]],
        server: EmbeddedServer | None = None,
    ) -> None:
        self.target = target
        self.client = client
        self.server = server
        self.db: Database[dict[str, Any]] = _database(client, server is None)
        stats_db = self.db if server is not None else statistics_database(self.db)
        self.repo = PanelRepository(self.db, stats_db=stats_db)

    @property
    def description(self) -> str:
        return self.target.description

    @mapped_errors
    def ping(self, limit_ms: int = TIMEOUT_MS) -> None:
        """Check that the store answers; raises StoreUnavailable within ``limit_ms``."""
        # The whole call is bounded, also when the server accepted the connection
        # and stopped answering (paused): the window's heartbeat tells it in time.
        if self.server is not None:
            self.server.revive()  # an embedded server that died comes back here
        with pymongo.timeout(limit_ms / 1000):
            self.client.admin.command("ping")

    def close(self) -> None:
        # Closing ends the server's sessions: bounded, so that a paused server
        # does not hold the console (or the window's close) for a socket timeout.
        with pymongo.timeout(TIMEOUT_MS / 1000):
            self.client.close()
        if self.server is not None:
            self.server.stop()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(target: StoreTarget) -> Store:
    """Open the target; starts the embedded server for a file. Raises StoreError.

    No network round trip happens here for a URI: call ``ping()`` to check.
    """
    if target.uri is not None:
        return Store(target, _client(target.uri))
    assert target.path is not None
    server = EmbeddedServer(target.path)
    uri = server.start()
    try:
        # nx-27017 answers on one event loop: a long query delays its
        # heartbeat, which must not make the driver cancel that query.
        return Store(target, _client(uri, heartbeat_ms=EMBEDDED_HEARTBEAT_MS), server)
    except Exception:
        server.stop()
        raise


def _client(uri: str, heartbeat_ms: int = TIMEOUT_MS) -> MongoClient[dict[str, Any]]:
    try:
        return MongoClient(
            uri,
            serverSelectionTimeoutMS=TIMEOUT_MS,
            connectTimeoutMS=heartbeat_ms,
            socketTimeoutMS=SOCKET_TIMEOUT_MS,
            appname="elconsole",
        )
    except Exception as exc:  # pymongo's ConfigurationError, InvalidURI, ValueError
        raise StoreError(f"bad connection string {redact(uri)}: {_no_secret(exc, uri)}") from exc


def _database(
    client: MongoClient[dict[str, Any]], factory: bool = True
) -> Database[dict[str, Any]]:
    """Return the database; on a factory's MongoDB, writes wait for a majority.

    Writes and the reads they depend on go to the primary: a writer compares
    and sets the hour summaries, which a lagging secondary would defeat. A
    ``w`` in the connection string wins over the majority default.
    """
    if not factory:
        return client.get_default_database(DEFAULT_DB)
    concern = client.write_concern if client.write_concern.document else WriteConcern("majority")
    return client.get_default_database(
        DEFAULT_DB, read_preference=ReadPreference.PRIMARY, write_concern=concern
    )


def statistics_database(db: Database[dict[str, Any]]) -> Database[dict[str, Any]]:
    """Return ``db`` for the statistics reads: from a secondary when one answers.

    A ``readPreference`` in the connection string wins over secondaryPreferred;
    a single server (the embedded store) is always read as it is.
    """
    chosen = db.client.read_preference
    preference = chosen if chosen.mode != ReadPreference.PRIMARY.mode else SECONDARY_PREFERRED
    return db.with_options(read_preference=preference)


def _no_secret(exc: Exception, uri: str) -> str:
    """Return the error's text with the URI's password, and any part of it, hidden."""
    text = str(exc)
    userinfo = _userinfo(uri)
    secret = userinfo.split(":", 1)[1] if userinfo and ":" in userinfo else ""
    for part in sorted({secret, *re.split(r"[@/:]", secret)}, key=len, reverse=True):
        if len(part) >= 3 or (part and part == secret):
            text = text.replace(part, "***")
    return text


__all__ = ["Store", "StoreError", "StoreTarget", "StoreUnavailable", "open_store"]
