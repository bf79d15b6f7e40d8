"""Choosing and opening stores: targets, secrets, an unreachable server, the embedded store."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

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
