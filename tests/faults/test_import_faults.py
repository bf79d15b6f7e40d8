"""`elconsole import` while its store is killed or paused: nothing lost, nothing doubled."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from faults.helpers import (
    RESUME,
    HalfRecordWatcher,
    ServerUnderTest,
    assert_store_holds,
    assert_store_holds_exactly,
    finish,
    panel_count,
    raw_record,
    start_import,
    summary,
    wait_for,
    write_jsonl,
)

N = 3000
BAD_EVERY = 400  # a refused line now and then: refusals must not disturb the rest


def _input(tmp_path: Path) -> tuple[Path, list[dict], list[dict | str]]:
    """A file of N valid records with a malformed line every BAD_EVERY lines."""
    raws = [raw_record(i) for i in range(N)]
    lines: list[dict | str] = []
    for i, r in enumerate(raws):
        if i % BAD_EVERY == 7:
            lines.append('{"barcode": "BROKEN", "cell_type": ')
        lines.append(r)
    return write_jsonl(tmp_path / "records.jsonl", lines), raws, lines


def _told_stored(err: str, lines: list[dict | str]) -> list[dict]:
    """The valid records before the line the CLI said everything before was stored."""
    match = RESUME.search(err)
    assert match, err
    upto = int(match.group(2)) - 1
    return [x for x in lines[:upto] if isinstance(x, dict)]


def _crash_then_retry(server: ServerUnderTest, tmp_path: Path, store: str, fault: str) -> None:
    tmp_path.mkdir(exist_ok=True)
    path, raws, lines = _input(tmp_path)
    refused = sum(isinstance(x, str) for x in lines)
    watcher = HalfRecordWatcher(server.uri, raws)
    watcher.start()
    probe = server.client()
    try:
        proc = start_import(store, path)
        wait_for(lambda: panel_count(probe) >= N // 4, what="a quarter of the import")
        getattr(server, fault)()
        code, out, err = finish(proc)
        assert code == 3, (out, err)
        assert "Traceback" not in err
        assert "running the same import again finishes the job" in err
        stored, present, _ = summary(out)
        assert stored >= N // 4 - 500 and present == 0
        told = _told_stored(err, lines)
        assert len(told) == stored

        if fault == "pause":
            server.resume()
        else:
            server.restart()
        assert_store_holds(probe.elconsole, told)

        code, out, err = finish(start_import(store, path))
        assert (code, err) == (1, ""), out
        again, present2, refused2 = summary(out)
        assert refused2 == refused
        assert present2 >= stored and again + present2 == N
        assert_store_holds_exactly(probe.elconsole, raws)
    finally:
        watcher.stop()
        probe.close()
    assert watcher.halves == []
    assert watcher.seen > 0


def test_import_survives_a_killed_server(server: ServerUnderTest, tmp_path: Path) -> None:
    _crash_then_retry(server, tmp_path, server.uri, "kill")


def test_import_into_the_store_file_survives_a_killed_server(
    server: ServerUnderTest, tmp_path: Path
) -> None:
    """The CLI given the file joins the running server; it is killed under it."""
    _crash_then_retry(server, tmp_path, str(server.path), "kill")


@pytest.mark.slow
def test_import_reports_a_paused_server_instead_of_hanging(
    server: ServerUnderTest, tmp_path: Path
) -> None:
    """SIGSTOP under an import given a URI and one given the store file, side by side.

    With a URI the driver's 2 s heartbeat check gives up on the server; the
    embedded store's client waits for one reply at most SOCKET_TIMEOUT_MS (30 s).
    """
    other = ServerUnderTest(tmp_path / "other" / "store.db")
    began = time.monotonic()
    try:
        other.start()
        with ThreadPoolExecutor(2) as pool:
            runs = [
                pool.submit(_crash_then_retry, server, tmp_path / "uri", server.uri, "pause"),
                pool.submit(_crash_then_retry, other, tmp_path / "file", str(other.path), "pause"),
            ]
            for run in runs:
                run.result()
    finally:
        other.close()
    assert time.monotonic() - began < 30 + 90
