"""Fault-test helpers: a killable nx-27017 server, records, and a record-by-record check."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from elconsole.data.embedded import EmbeddedServer
from elconsole.data.errors import StoreError
from elconsole.data.repository import PanelRepository

T = 1_772_496_000.0  # 2026-03-03T00:00:00Z
COLLECTIONS = ("panel", "el", "panel_status", "defect", "panel_defect")
Doc = dict[str, Any]


class ServerUnderTest:
    """One nx-27017 server over a file of its own, that a test may kill, pause and restart.

    It always comes back on the same port, so clients (and the CLI given its URI)
    find it again, like a factory server restarted by its service manager.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = 0
        self.server: EmbeddedServer | None = None
        self.paused = False

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/elconsole?directConnection=true"

    @property
    def pid(self) -> int:
        assert self.server is not None and self.server.pid is not None
        return self.server.pid

    def start(self) -> None:
        self.server = EmbeddedServer(self.path, port=self.port)
        self.server.start(timeout=60)
        assert self.server.owned, "a server of another test serves this file"
        self.port = self.server.port

    def kill(self) -> None:
        """SIGKILL the server (as a power cut would) and reap it."""
        proc = self._proc()
        if proc is not None and proc.poll() is None:
            if self.paused:
                os.kill(proc.pid, signal.SIGCONT)
            proc.kill()
            proc.wait(timeout=30)
        self.paused = False

    def pause(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)
        self.paused = False

    def restart(self) -> None:
        self.kill()
        self.start()

    def close(self) -> None:
        """Never leave a stopped or orphan server behind."""
        self.kill()

    def client(self, timeout_ms: int = 5000) -> MongoClient[Doc]:
        """A client of the test's own, with short timeouts (it must not hang on a pause)."""
        return MongoClient(
            self.uri,
            serverSelectionTimeoutMS=timeout_ms,
            socketTimeoutMS=timeout_ms,
            connectTimeoutMS=timeout_ms,
        )

    def _proc(self) -> subprocess.Popen[bytes] | None:
        return None if self.server is None else self.server._proc


def raw_record(i: int, prefix: str = "FLT") -> Doc:
    """A valid station record number ``i``, with AI and operator defects that differ."""
    t = T + i * 7.25
    row, col = 1 + i % 6, 1 + i % 12
    ai: Doc = {"cr": [[row, col]]}
    gui: Doc = {"cr": [[row, col]]} if i % 3 else {}
    if i % 2:
        ai["cs"] = [[2, 3], [5, 11]]
    if i % 5 == 0:
        gui["bc"] = [[4, 5]]
    return {
        "barcode": f"{prefix}{i:07d}",
        "cell_type": "mono" if i % 2 else "poly",
        "cell_size": "full",
        "cell_amount": 72,
        "el_no": f"EL0{i % 3 + 1}",
        "create_time": t,
        "ai_result": str(i % 2),
        "ai_defects": ai,
        "ai_time": t + 1.5,
        "gui_result": "1" if i % 4 else "0",
        "gui_defects": gui,
        "gui_time": t + 9.0,
    }


def write_jsonl(path: Path, lines: Iterable[Doc | str]) -> Path:
    """Write records (or raw text lines) one a line."""
    text = "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)
    path.write_text(text, encoding="utf-8")
    return path


# -- what the store must hold, worked out from the SPEC's rules ---------------------------


def expected(raw: Doc) -> Doc:
    """The documents of one record as SPEC section 3 describes them (no console code)."""
    ai = {(c, tuple(p)) for c, ps in raw["ai_defects"].items() for p in ps}
    gui = {(c, tuple(p)) for c, ps in raw["gui_defects"].items() for p in ps}
    links = (
        {(c, p, "AI", "true") for c, p in ai & gui}
        | {(c, p, "AI", "false") for c, p in ai - gui}
        | {(c, p, "OP", "true") for c, p in gui - ai}
    )
    return {
        "panel": (
            raw["barcode"],
            raw["el_no"],
            raw["create_time"],
            raw["cell_type"],
            raw["cell_size"],
            raw["cell_amount"],
        ),
        "statuses": {("AI", str(raw["ai_result"])), ("OP", str(raw["gui_result"]))},
        "links": links,
    }


def stored_view(db: Any, whole: bool = True) -> dict[str, Doc]:
    """Every stored panel by barcode, in the same shape as ``expected``.

    Asserts that no panel is stored twice, and with ``whole`` that no orphan,
    duplicate or dangling document exists in any of the five collections
    (an interrupted store leaves a record's other documents before its panel:
    allowed until the work is retried).
    """
    panels = list(db.panel.find({}))
    by_barcode = Counter(p["Barcode"] for p in panels)
    assert [b for b, n in by_barcode.items() if n > 1] == [], "a record stored twice"
    ids = {p["_id"] for p in panels}
    statuses = _grouped(db.panel_status.find({}), ids, "status", whole)
    links = _grouped(db.panel_defect.find({}), ids, "link", whole)
    defects = {d["_id"]: d for d in db.defect.find({})}
    used = Counter(link["Defect_ID"] for group in links.values() for link in group)
    if whole:
        assert set(used) == set(defects), "orphan defects or links to missing defects"
    else:
        assert set(used) <= set(defects), "links to missing defects"
    assert max(used.values(), default=1) == 1, "a defect linked twice"
    view = {}
    for p in panels:
        pid = p["_id"]
        view[p["Barcode"]] = {
            "panel": tuple(
                p[k]
                for k in (
                    "Barcode",
                    "EL_no",
                    "create_time",
                    "cell_type",
                    "cell_size",
                    "cell_amount",
                )
            ),
            "statuses": _statuses(statuses.get(pid, [])),
            "links": _links(links.get(pid, []), defects),
        }
    return view


def _grouped(docs: Iterable[Doc], ids: set[Any], what: str, whole: bool) -> dict[Any, list[Doc]]:
    out: dict[Any, list[Doc]] = {}
    for doc in docs:
        if doc["Panel_ID"] not in ids and not whole:
            continue
        assert doc["Panel_ID"] in ids, f"orphan {what} {doc}"
        out.setdefault(doc["Panel_ID"], []).append(doc)
    return out


def _statuses(docs: list[Doc]) -> set[tuple[str, str]]:
    found = {(s["by"], s["result"]) for s in docs}
    assert len(found) == len(docs) == 2, docs
    return found


def _links(docs: list[Doc], defects: dict[Any, Doc]) -> set[tuple[Any, ...]]:
    found = set()
    for link in docs:
        d = defects[link["Defect_ID"]]
        assert d["by"] == link["by"]
        found.add((d["Type"], tuple(d["Position"]), link["by"], link["Status"]))
    assert len(found) == len(docs), "a defect stored twice"
    return found


def assert_store_holds_exactly(db: Any, raws: list[Doc]) -> None:
    """The store holds every record once, exactly as sent, and nothing else."""
    view = stored_view(db)
    want = {r["barcode"]: expected(r) for r in raws}
    assert sorted(view) == sorted(want)
    wrong = [b for b in want if view[b] != want[b]]
    assert wrong == [], f"{len(wrong)} records differ, e.g. {wrong[:3]}"
    assert db.el.count_documents({}) == len({r["el_no"] for r in raws})
    assert sorted(e["EL_no"] for e in db.el.find({})) == sorted({r["el_no"] for r in raws})


def assert_store_holds(db: Any, raws: list[Doc]) -> None:
    """Every one of ``raws`` is stored whole (others may be stored, or half-written)."""
    view = stored_view(db, whole=False)
    missing = [r["barcode"] for r in raws if view.get(r["barcode"]) != expected(r)]
    assert missing == [], f"{len(missing)} records told stored are missing, e.g. {missing[:3]}"


# -- the command line, run as a process ----------------------------------------------------

SUMMARY = re.compile(r"^stored (\d+), already present (\d+), refused (\d+)", re.M)
RESUME = re.compile(r"every valid record before (.+):(\d+) is stored")


def start_import(store: str, *files: Path) -> subprocess.Popen[str]:
    # Small batches: the faults strike mid-import, after some batches are confirmed.
    cmd = [sys.executable, "-m", "elconsole", "import", "--store", store, "--batch", "500"]
    cmd += map(str, files)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"elconsole import hung: {out[-500:]} {err[-500:]}") from None
    return proc.returncode, out, err


def summary(out: str) -> tuple[int, int, int]:
    """The (stored, present, refused) the CLI reported."""
    match = SUMMARY.search(out)
    assert match, out
    stored, present, refused = match.groups()
    return int(stored), int(present), int(refused)


def wait_for(condition: Callable[[], bool], timeout: float = 60, what: str = "") -> None:
    """Wait until ``condition()`` holds; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


def panel_count(client: MongoClient[Doc]) -> int:
    try:
        return client.elconsole.panel.estimated_document_count()
    except Exception:  # noqa: BLE001 - the server may be gone: not there yet
        return 0


class HalfRecordWatcher(threading.Thread):
    """Looks barcodes up while a test runs; records every half record it ever sees."""

    def __init__(self, uri: str, raws: list[Doc]) -> None:
        super().__init__(daemon=True)
        self.client: MongoClient[Doc] = MongoClient(
            uri, serverSelectionTimeoutMS=1000, socketTimeoutMS=2000, connectTimeoutMS=1000
        )
        self.repo = PanelRepository(self.client.get_default_database())
        self.raws = raws
        self.halves: list[str] = []
        self.seen = 0
        self._halt = threading.Event()

    def run(self) -> None:
        i = 0
        while not self._halt.is_set():
            raw = self.raws[(i * 7919) % len(self.raws)]
            i += 1
            try:
                tests = self.repo.lookup(raw["barcode"])
            except StoreError:
                time.sleep(0.05)
                continue
            self._check(raw, tests)

    def _check(self, raw: Doc, tests: list[Any]) -> None:
        if not tests:
            return
        self.seen += 1
        want = expected(raw)
        for test in tests:
            got = {(d.code, tuple(d.position), d.by, d.status) for d in test.defects}
            if (
                test.damage
                or (test.ai, test.op)
                != (
                    str(raw["ai_result"]),
                    str(raw["gui_result"]),
                )
                or got != want["links"]
            ):
                self.halves.append(f"{raw['barcode']}: {test.damage} {got}")

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=30)
        self.client.close()
