"""The embedded store: a private nx-27017 server over one SQLite file."""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock

from elconsole.data.errors import StoreError

log = logging.getLogger(__name__)

_LAUNCH = (
    "from elconsole.data.embedded import run_server_here; import sys; "
    "sys.exit(run_server_here(sys.argv[1:]))"
)


def server_command(args: list[str]) -> list[str]:
    """Return the command line that runs nx-27017 with ``args``."""
    if getattr(sys, "frozen", False):  # a PyInstaller build runs itself
        return [sys.executable, "_nx-27017", *args]
    return [sys.executable, "-c", _LAUNCH, *args]


def run_server_here(args: list[str]) -> int:
    """Run nx-27017 in this process, quiet, ending when the console that started it ends."""
    logging.getLogger("nx_27017").setLevel(logging.WARNING)
    change_the_server()
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    from nx_27017.nx_27017 import main

    sys.argv = ["nx-27017", *args]
    return int(main() or 0)


def change_the_server() -> None:
    """Make this process's nx-27017 and neosqlite store inserts the embedded store's way.

    For 30,000 records the server as shipped (with one transaction per
    command) spent 8.4 s of CPU, 6.0 s without the debug text of every insert
    and 5.3 s with the lean insert too (2 cores, one run).
    """
    _insert_batches_in_one_transaction()
    _insert_logs_without_documents()
    _insert_without_copies()


def _insert_batches_in_one_transaction() -> None:
    """Make each insert command of nx-27017 one SQLite transaction, not one per document.

    The server holds its database lock for a whole insert command, so no other
    client's statement can fall inside the transaction; documents refused (a
    duplicate ``_id``) are undone statement by statement as before. A client's
    own transaction is left as it is. A batch is thus stored whole or not at
    all, and storing it costs about a third less.
    """
    from nx_27017.handler import NeoSQLiteHandler, _msg_db_name

    plain = NeoSQLiteHandler.handle_insert

    @functools.wraps(plain)
    def batched(self: NeoSQLiteHandler, msg: dict[str, Any]) -> Any:
        db_name = _msg_db_name(msg) if isinstance(msg, dict) else "test"
        with self._lock_for(db_name):
            conn = self.get_database(db_name).db
            if conn.in_transaction:
                return plain(self, msg)
            conn.execute("SAVEPOINT elconsole_insert")
            try:
                result = plain(self, msg)
            except BaseException:
                conn.execute("ROLLBACK TO elconsole_insert")
                conn.execute("RELEASE elconsole_insert")
                raise
            conn.execute("RELEASE elconsole_insert")
            return result

    NeoSQLiteHandler.handle_insert = batched


class _Sections(list[Any]):
    """An insert command's sections, which a log message names by their count only."""

    def __repr__(self) -> str:
        return f"<{len(self)} sections>"


def _insert_logs_without_documents() -> None:
    """Keep nx-27017 from writing out every inserted document for a debug message.

    Its insert handler formats the whole command, every document in it, into
    a debug message before the logger drops it (see ``change_the_server``).
    """
    from nx_27017.handler import NeoSQLiteHandler

    plain = NeoSQLiteHandler.handle_insert

    @functools.wraps(plain)
    def brief(self: NeoSQLiteHandler, msg: dict[str, Any]) -> Any:
        if isinstance(msg, dict) and type(msg.get("sections")) is list:
            msg["sections"] = _Sections(msg["sections"])
        return plain(self, msg)

    NeoSQLiteHandler.handle_insert = brief


def document_inserter() -> Callable[[Any, dict[str, Any]], Any]:
    """Return a replacement of neosqlite's ``_internal_insert`` that stores the same row.

    What goes is a deep copy of each document (the conversion of bytes
    copies it already), five imports on every call, and asking SQLite
    whether ``json.dumps`` wrote valid JSON: it does whenever it refuses NaN
    and infinities, which are refused as before.
    """
    from neosqlite.collection.json_helpers import neosqlite_json_dumps
    from neosqlite.collection.query_helper.utils import _convert_bytes_to_binary
    from neosqlite.exceptions import MalformedDocument
    from neosqlite.objectid import ObjectId
    from neosqlite.sql_utils import quote_table_name

    def insert(helper: Any, document: dict[str, Any]) -> Any:
        if not isinstance(document, dict):
            raise MalformedDocument(f"document must be a dictionary, not a {type(document)}")
        given = document.get("_id")
        new_id = ObjectId() if given is None else given
        row = dict(document)
        row["_id"] = new_id
        try:
            text = neosqlite_json_dumps(_convert_bytes_to_binary(row), allow_nan=False)
        except ValueError:
            raise ValueError("Invalid JSON document") from None
        table = quote_table_name(helper.collection.name)
        helper.collection.db.execute(
            f"INSERT INTO {table}(data, _id) VALUES (?, ?)", (text, str(new_id))
        )
        if "_id" not in document:
            document["_id"] = new_id
        return new_id

    return insert


def _insert_without_copies() -> None:
    """Store each inserted document through ``document_inserter``'s function."""
    from neosqlite.collection.query_helper.crud_operations import CRUDOperationsMixin

    CRUDOperationsMixin._internal_insert = document_inserter()


class EmbeddedServer:
    """Starts and stops one nx-27017 server on the loopback interface."""

    def __init__(self, db_path: Path, port: int = 0) -> None:
        """Serve ``db_path``; on ``port`` if given (e.g. to come back where it was), else any."""
        self.db_path = db_path
        self.port = port
        self._fixed_port = port
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/elconsole?directConnection=true"

    def start(self, timeout: float = 15.0) -> str:
        """Start the server, or join the one another console runs on the same file.

        Returns its URI; raises StoreError if no server will answer.
        """
        self._prepare_files()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shared = self._running_port()
            if shared is not None:
                self.port = shared
                log.info("joining the embedded store already serving %s", self.db_path)
                return self.uri
            if self._start_own(deadline):
                return self.uri
            time.sleep(0.2)  # another console is starting one: wait for its port
        raise StoreError(f"the embedded store did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        """Stop the server if this console started it; writes are safe in the file."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        self._side_file(".port").unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # a paused (SIGSTOP) server ends at once too
            os.kill(proc.pid, signal.SIGCONT)
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.info("embedded store stopped")

    def revive(self) -> bool:
        """Start the server again, on its port, if it has died; True if it was started.

        The client keeps its address, so it reconnects by itself. A server of
        another console that still answers, or is only paused, is left alone.
        """
        with self._lock:
            if self._proc is not None:
                if self._proc.poll() is None:  # poll() also reaps a dead server
                    return False
                self._proc = None
            elif _answers(self.port):
                return False
            log.warning("the embedded store on port %d had stopped; starting it again", self.port)
            self._fixed_port = self.port
            self.start()
            return True

    def take_over(self, wait_s: float = 5.0) -> bool:
        """Serve the file here after the console that served it stopped; True if it is served.

        That console removes the port file before it stops its server; a
        server that died (port file left) is not taken over here. One console
        at a time decides (a lock file): the others find its server.
        """
        if self.owned:
            return False
        with FileLock(self._side_file(".takeover.lock"), timeout=wait_s + 15):
            if self._side_file(".port").exists():  # another one took over, or it died
                return self._running_port() == self.port
            end = time.monotonic() + wait_s
            while _answers(self.port) and time.monotonic() < end:  # still shutting down
                time.sleep(0.1)
            log.info("the console serving %s stopped; serving it here", self.db_path)
            return self.revive() or _answers(self.port)

    @property
    def owned(self) -> bool:
        """Whether this console started the server (and stops it on exit)."""
        return self._proc is not None

    def _start_own(self, deadline: float) -> bool:
        self.port = self._fixed_port or _free_port()
        args = [
            "--db",
            str(self.db_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-file",
            str(self._side_file(".nx.log")),
            "--pid-file",
            str(self._side_file(".nx.pid")),
        ]
        log_fd = os.open(  # private like the store: the log may quote stored data
            self._side_file(".server.log"), os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600
        )
        with os.fdopen(log_fd, "ab") as err:
            self._proc = subprocess.Popen(
                server_command(args),
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=err,
                umask=0o077,
            )
        log.info("embedded store starting on 127.0.0.1:%d over %s", self.port, self.db_path)
        if not self._wait_listening(deadline):
            self._proc = None
            return False
        state = json.dumps({"pid": self._proc.pid, "port": self.port}).encode()
        fd = os.open(self._side_file(".port"), os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(state)
        atexit.register(self.stop)
        return True

    def _running_port(self) -> int | None:
        try:
            state = json.loads(self._side_file(".port").read_text())
            os.kill(int(state["pid"]), 0)
            port = int(state["port"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return port if _answers(port) else None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def _prepare_files(self) -> None:
        folder = self.db_path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.db_path.exists():
            fd = os.open(self.db_path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)

    def _side_file(self, suffix: str) -> Path:
        return self.db_path.with_name(self.db_path.name + suffix)

    def _wait_listening(self, deadline: float) -> bool:
        """Wait for the new server; False if it gave up (another one serves the file)."""
        assert self._proc is not None
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            if _answers(self.port):
                return True
            time.sleep(0.05)
        self.stop()
        return False


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _exit_when_orphaned(parent: int) -> None:
    """In the server: stop once the console is gone, even if it was killed.

    SQLite has made every acknowledged write durable, so leaving at once is safe.
    """
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
