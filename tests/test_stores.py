"""Choosing and opening stores: targets, secrets, an unreachable server, the embedded store."""

from __future__ import annotations

import logging
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pymongo.errors import BulkWriteError, PyMongoError

from elconsole.data.errors import StoreError, StoreUnavailable
from elconsole.data.repository import Outcome
from elconsole.data.stores import (
    ENV_VAR,
    StoreTarget,
    default_store_path,
    open_store,
    redact,
    resolve_target,
)
from elconsole.domain.records import Validator

T = 1_772_496_000.0  # 2026-03-03T00:00:00Z


# -- resolve_target -------------------------------------------------------------------


def test_no_option_and_no_environment_means_the_default_file() -> None:
    target = resolve_target(None, environ={})
    assert target.uri is None
    assert target.path == default_store_path()
    assert target.path.name == "elconsole.db" and target.path.is_absolute()


def test_blank_option_and_environment_fall_back() -> None:
    assert resolve_target("  ", environ={ENV_VAR: " "}).path == default_store_path()
    assert resolve_target("", environ={ENV_VAR: "/srv/el/a.db"}).path == Path("/srv/el/a.db")


def test_the_environment_names_the_store() -> None:
    assert resolve_target(None, environ={ENV_VAR: "/srv/el/a.db"}) == StoreTarget(
        path=Path("/srv/el/a.db")
    )
    assert resolve_target(None, environ={ENV_VAR: "mongodb://h:27017/el"}) == StoreTarget(
        uri="mongodb://h:27017/el"
    )


def test_the_option_wins_over_the_environment() -> None:
    env = {ENV_VAR: "mongodb://env-host/el"}
    assert resolve_target("/tmp/x.db", environ=env).path == Path("/tmp/x.db")
    assert resolve_target("mongodb+srv://u:p@c.example/el", environ=env).uri == (
        "mongodb+srv://u:p@c.example/el"
    )


def test_paths_become_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_target("store.db", environ={}).path == tmp_path / "store.db"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_target("~/el/store.db", environ={}).path == tmp_path / "el" / "store.db"


def test_the_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "mongodb://from-env/el")
    assert resolve_target(None).uri == "mongodb://from-env/el"


def test_an_unknown_scheme_is_refused_without_its_secret() -> None:
    with pytest.raises(StoreError) as info:
        resolve_target("postgres://user:s3cret@h/db", environ={})
    assert "s3cret" not in str(info.value)


# -- secrets ----------------------------------------------------------------------------


def test_redact_hides_the_password() -> None:
    uri = "mongodb://user:s3cret@h1:27017,h2/db?replicaSet=rs"
    shown = redact(uri)
    assert "s3cret" not in shown
    assert shown == "mongodb://user:***@h1:27017,h2/db?replicaSet=rs"
    assert "s3cret" not in StoreTarget(uri=uri).description
    assert "user" in StoreTarget(uri=uri).description


@pytest.mark.parametrize(
    "uri",
    ["mongodb://h1/db", "mongodb://user@h1/db", "mongodb://h1:27017/db?authSource=admin"],
)
def test_redact_leaves_uris_without_a_password(uri: str) -> None:
    assert redact(uri) == uri


def test_redact_srv() -> None:
    assert redact("mongodb+srv://el:pa%40ss@cluster0.example.net/el") == (
        "mongodb+srv://el:***@cluster0.example.net/el"
    )


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("mongodb://op:S3cret/Pw@127.0.0.1:1/plant", "mongodb://op:***@127.0.0.1:1/plant"),
        ("mongodb://op:S3cret@Pw@h/plant?w=1", "mongodb://op:***@h/plant?w=1"),
        ("mongodb://op:a:b:c@h/plant", "mongodb://op:***@h/plant"),
        ("mongodb://op:pa?ss@h/plant", "mongodb://op:***@h/plant"),
    ],
)
def test_redact_hides_a_password_with_unescaped_signs(uri: str, shown: str) -> None:
    assert redact(uri) == shown


@pytest.mark.parametrize(
    "uri",
    [
        "mongodb://op:S3cret/Pw@127.0.0.1:1/plant",
        "mongodb://op:S3cret@Pw@127.0.0.1:1/x",
        "mongodb://op:S3cret?Pw@127.0.0.1:1/x",
    ],
)
def test_a_mistyped_connection_string_hides_its_password(uri: str) -> None:
    with pytest.raises(StoreError) as info:
        open_store(StoreTarget(uri=uri)).close()
    assert "S3cret" not in str(info.value) and "Pw@" not in str(info.value)


def test_a_path_target_describes_its_file(tmp_path: Path) -> None:
    assert str(tmp_path / "a.db") in StoreTarget(path=tmp_path / "a.db").description


def test_unreachable_server_is_reported_quickly_without_the_password() -> None:
    store = open_store(StoreTarget(uri="mongodb://user:s3cret@127.0.0.1:1/x"))
    try:
        began = time.monotonic()
        with pytest.raises(StoreUnavailable) as info:
            store.ping()
        assert time.monotonic() - began < 3.5
        assert "s3cret" not in str(info.value)
        assert "s3cret" not in store.description
    finally:
        store.close()


def test_a_bad_connection_string_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store(StoreTarget(uri="mongodb://user:s3cret@h1:notaport/x"))
    assert "s3cret" not in str(info.value)


# -- the embedded store ---------------------------------------------------------------------


def _listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net shows them) in LISTEN state on ``port``."""
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


@pytest.fixture
def fresh_store(tmp_path: Path):
    path = tmp_path / "private" / "store.db"
    store = open_store(StoreTarget(path=path))
    yield store
    store.close()


def test_embedded_store_files_are_private(fresh_store, tmp_path: Path) -> None:
    fresh_store.ping()
    path = tmp_path / "private" / "store.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # files next to it that may hold stored data (journal, logs) are private too
    for side in path.parent.iterdir():
        if side.is_file() and side.name.endswith(("-wal", "-shm", "-journal", ".log")):
            assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0, side.name


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net")
def test_embedded_server_listens_on_loopback_only(fresh_store) -> None:
    fresh_store.ping()
    port = fresh_store.server.port
    assert fresh_store.server.uri.startswith(f"mongodb://127.0.0.1:{port}/")
    # 127.0.0.1 in /proc/net/tcp is 0100007F (little-endian)
    assert _listening_addresses(port) == {"0100007F"}


def test_embedded_store_keeps_data_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "keep.db"
    rec = Validator(now=lambda: T).validate(
        {
            "barcode": "KEEP1",
            "cell_type": "mono",
            "cell_size": "half",
            "cell_amount": 144,
            "el_no": "EL03",
            "create_time": T,
            "ai_result": 0,
            "ai_defects": {"cr": [[1, 24]]},
            "ai_time": T + 1,
            "gui_result": 1,
            "gui_defects": {},
            "gui_time": T + 2,
        }
    )
    with open_store(StoreTarget(path=path)) as store:
        store.ping()
        assert store.repo.store(rec) is Outcome.STORED
        pid = store.server.pid
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # the server process is gone after close()
            os.kill(pid, 0)
            time.sleep(0.05)
    with open_store(StoreTarget(path=path)) as store:
        store.ping()
        (test,) = store.repo.lookup("KEEP1")
        assert (test.ai, test.op) == ("0", "1")
        assert [(d.code, d.label, d.fate) for d in test.defects] == [("cr", "A24", "ai_rejected")]
        assert store.repo.store(rec) is Outcome.PRESENT


# -- secrets in logs, errors and the command line's output ----------------------------------------

SECRET_URIS = [
    "mongodb://op:s3cret@127.0.0.1:1/plant",
    "mongodb://op:s3cr%40t@127.0.0.1:1/plant?authSource=admin",
    "mongodb://op:s3cret@h1.invalid:27017,h2.invalid/plant?replicaSet=rs0",
]


def _no_secret(text: str) -> None:
    for secret in ("s3cret", "s3cr%40t", "s3cr@t"):
        assert secret not in text


@pytest.mark.parametrize("uri", SECRET_URIS)
def test_an_unreachable_store_logs_and_raises_without_the_password(
    uri: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # pymongo's own loggers included
    store = open_store(StoreTarget(uri=uri))
    try:
        with pytest.raises(StoreUnavailable) as info:
            store.ping()
        _no_secret(str(info.value))
        if uri == SECRET_URIS[0]:  # a repository call says the same
            with pytest.raises(StoreUnavailable) as info:
                store.repo.lookup("PV1")
            _no_secret(str(info.value))
        _no_secret(store.description)
        assert "op:***@" in store.description
    finally:
        store.close()
    _no_secret(caplog.text)


@pytest.mark.parametrize(
    "uri", ["mongodb://op:s3cret@h1:notaport/x", "mongodb://op:s3cr%40t@h1:99999/x"]
)
def test_a_bad_connection_string_hides_an_encoded_password(uri: str) -> None:
    with pytest.raises(StoreError) as info:
        open_store(StoreTarget(uri=uri)).close()
    _no_secret(str(info.value))


@pytest.mark.parametrize(
    "command", [["lookup", "PV1"], ["stats", "--from", "2026-01-01", "--to", "2026-01-02"]]
)
def test_the_command_line_never_prints_the_password(command: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    for uri in SECRET_URIS[:2]:
        argv = [sys.executable, "-m", "elconsole", "-v", command[0], "--store", uri, *command[1:]]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
        assert done.returncode == 3, done.stderr
        assert "cannot be reached" in done.stderr
        _no_secret(done.stdout + done.stderr)
    logs = list((tmp_path / "state").rglob("*.log"))
    assert logs, "the log file was written"
    for log in logs:
        _no_secret(log.read_text(encoding="utf-8"))


def test_every_file_of_the_embedded_store_is_private(fresh_store, tmp_path: Path) -> None:
    fresh_store.ping()
    rec = Validator(now=lambda: T).validate(
        {
            "barcode": "PRIV1",
            "cell_type": "mono",
            "cell_size": "full",
            "cell_amount": 60,
            "el_no": "EL01",
            "create_time": T,
            "ai_result": 1,
            "ai_defects": {},
            "ai_time": T,
            "gui_result": 1,
            "gui_defects": {},
            "gui_time": T,
        }
    )
    fresh_store.repo.store(rec)  # the journal and logs exist now
    folder = tmp_path / "private"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    names = sorted(p.name for p in folder.iterdir())
    assert {"store.db", "store.db.port"} <= set(names)
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, (path.name, oct(path.stat().st_mode))


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net")
def test_the_embedded_server_listens_on_nothing_but_loopback(fresh_store) -> None:
    """Every listening socket of the server process, on any port, is on 127.0.0.1."""
    fresh_store.ping()
    inodes = _socket_inodes(fresh_store.server.pid)
    listening = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6"):
        for line in Path(name).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes and (fields[3] == "0A" or "udp" in name):
                listening.append((name, fields[1]))
    port_hex = f"{fresh_store.server.port:04X}"
    assert listening == [("/proc/net/tcp", f"0100007F:{port_hex}")]


def test_closing_the_console_ends_a_paused_embedded_server_at_once(tmp_path: Path) -> None:
    store = open_store(StoreTarget(path=tmp_path / "paused.db"))
    store.ping()
    proc = store.server._proc
    os.kill(proc.pid, signal.SIGSTOP)
    began = time.monotonic()
    store.close()
    assert proc.poll() is not None
    assert time.monotonic() - began < 4.5  # no 5 s wait for a SIGTERM it cannot take


def test_an_embedded_server_that_died_is_started_again_by_the_next_ping(tmp_path: Path) -> None:
    with open_store(StoreTarget(path=tmp_path / "revive.db")) as store:
        store.repo.ensure_indexes()
        store.db.el.insert_one({"_id": "before", "EL_no": "EL01"})
        assert store.server is not None and store.server.pid is not None
        port = store.server.port
        os.kill(store.server.pid, signal.SIGKILL)
        time.sleep(0.5)

        store.ping()  # starts it again on the same port; the client reconnects

        assert store.server.owned and store.server.port == port
        assert store.db.el.find_one({"_id": "before"}) == {"_id": "before", "EL_no": "EL01"}


def test_an_insert_batch_is_stored_whole_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "atomic.db"
    docs = [{"_id": f"d{n:06d}", "n": n, "pad": "x" * 200} for n in range(30000)]
    with open_store(StoreTarget(path=path)) as store:
        store.ping()
        assert store.server is not None and store.server.pid is not None
        pid = store.server.pid
        killer = threading.Timer(0.5, os.kill, (pid, signal.SIGKILL))
        killer.start()
        with pytest.raises(PyMongoError):
            store.db.many.insert_many(docs, ordered=False)  # one message: cut off mid-way
        killer.join()
    with open_store(StoreTarget(path=path)) as store:
        assert store.db.many.count_documents({}) == 0


def test_a_duplicate_in_a_batch_refuses_it_alone(fresh_store) -> None:
    fresh_store.db.few.insert_one({"_id": "b", "n": 0})
    with pytest.raises(BulkWriteError) as info:
        fresh_store.db.few.insert_many(
            [{"_id": "a", "n": 1}, {"_id": "b", "n": 2}, {"_id": "c", "n": 3}], ordered=False
        )
    assert [e["index"] for e in info.value.details["writeErrors"]] == [1]
    assert sorted((d["_id"], d["n"]) for d in fresh_store.db.few.find()) == [
        ("a", 1),
        ("b", 0),
        ("c", 3),
    ]
