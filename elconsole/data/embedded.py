"""The embedded store: a private nx-27017 server over one SQLite file."""

from __future__ import annotations

import atexit
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from elconsole.data.errors import StoreError

log = logging.getLogger(__name__)

_LAUNCH = "from elconsole.data.embedded import run_server_here; import sys; " \
    "sys.exit(run_server_here(sys.argv[1:]))"


def server_command(args: list[str]) -> list[str]:
    """Return the command line that runs nx-27017 with ``args``."""
    if getattr(sys, "frozen", False):  # a PyInstaller build runs itself
        return [sys.executable, "_nx-27017", *args]
    return [sys.executable, "-c", _LAUNCH, *args]


def run_server_here(args: list[str]) -> int:
    """Run nx-27017 in this process, quiet, ending when the console that started it ends."""
    logging.getLogger("nx_27017").setLevel(logging.WARNING)
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    from nx_27017.nx_27017 import main

    sys.argv = ["nx-27017", *args]
    return int(main() or 0)


class EmbeddedServer:
    """Starts and stops one nx-27017 server on the loopback interface."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/elconsole?directConnection=true"

    def start(self, timeout: float = 15.0) -> str:
        """Start the server and return its URI; raises StoreError if it will not start."""
        self._prepare_files()
        self.port = _free_port()
        args = [
            "--db", str(self.db_path), "--host", "127.0.0.1", "--port", str(self.port),
            "--log-file", str(self._side_file(".nx.log")),
            "--pid-file", str(self._side_file(".nx.pid")),
        ]
        with open(self._side_file(".server.log"), "ab") as err:
            self._proc = subprocess.Popen(
                server_command(args),
                stdin=subprocess.DEVNULL, stdout=err, stderr=err, umask=0o077,
            )
        atexit.register(self.stop)
        log.info("embedded store starting on 127.0.0.1:%d over %s", self.port, self.db_path)
        self._wait_listening(timeout)
        return self.uri

    def stop(self) -> None:
        """Stop the server; committed writes are safe in the SQLite file."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.info("embedded store stopped")

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

    def _wait_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise StoreError(
                    f"the embedded store did not start; see {self._side_file('.server.log')}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise StoreError(f"the embedded store did not answer within {timeout:.0f} s")


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
