"""`PanelRepository.store` while the store is killed or paused, and many writers at once."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from elconsole.data.errors import StoreUnavailable
from elconsole.data.repository import Outcome, PanelRepository
from elconsole.data.stores import Store, StoreTarget, open_store
from elconsole.domain.records import Validator
from faults.helpers import (
    HalfRecordWatcher,
    ServerUnderTest,
    T,
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

V = Validator(now=lambda: T + 86400 * 365)


def _submit_all(store: Store, raws: list[dict], told: list[dict]) -> StoreUnavailable | None:
    """Submit records one by one as the entry tab does; stop at the first failure."""
    for raw in raws:
        try:
            outcome = store.repo.store(V.validate(raw))
        except StoreUnavailable as exc:
            return exc
        assert outcome is Outcome.STORED
        told.append(raw)
    return None


@pytest.mark.parametrize("fault", ["kill", "pause"])
def test_submissions_survive_a_fault(server: ServerUnderTest, fault: str) -> None:
    raws = [raw_record(i, "SUB") for i in range(200)]
    watcher = HalfRecordWatcher(server.uri, raws)
    watcher.start()
    probe = server.client()
    told: list[dict] = []
    store = open_store(StoreTarget(uri=server.uri))
    try:
        trigger = threading.Thread(
            target=lambda: (
                wait_for(lambda: panel_count(probe) >= 50, what="50 submissions"),
                getattr(server, fault)(),
            )
        )
        trigger.start()
        failure = _submit_all(store, raws, told)
        trigger.join(timeout=60)
        assert isinstance(failure, StoreUnavailable), "the fault went unnoticed"
        assert "cannot be reached" in str(failure)
        server.resume() if fault == "pause" else server.restart()

        assert_store_holds(probe.elconsole, told)
        # the same work again, as the operator would resubmit: each record once
        outcomes = Counter(store.repo.store(V.validate(r)) for r in raws)
        assert outcomes[Outcome.PRESENT] >= len(told)
        assert outcomes[Outcome.STORED] + outcomes[Outcome.PRESENT] == len(raws)
        assert_store_holds_exactly(probe.elconsole, raws)
    finally:
        store.close()
        watcher.stop()
        probe.close()
    assert watcher.halves == [] and watcher.seen > 0


def test_the_same_records_stored_by_many_threads_at_once(server: ServerUnderTest) -> None:
    raws = [raw_record(i, "RACE") for i in range(60)]
    records = [V.validate(r) for r in raws]
    threads, start = 6, threading.Barrier(6)
    results: list[list[Outcome]] = []
    stores = [open_store(StoreTarget(uri=server.uri)) for _ in range(threads)]

    def work(store: Store) -> None:
        start.wait(timeout=30)
        results.append([store.repo.store(r) for r in records])

    try:
        pool = [threading.Thread(target=work, args=(s,)) for s in stores]
        for t in pool:
            t.start()
        for t in pool:
            t.join(timeout=120)
    finally:
        for s in stores:
            s.close()
    assert len(results) == threads
    for i in range(len(records)):  # each record stored by exactly one thread
        assert sorted(r[i].value for r in results) == ["already present"] * 5 + ["stored"]
    with server.client() as probe:
        assert_store_holds_exactly(probe.elconsole, raws)


def test_overlapping_imports_in_many_processes(server: ServerUnderTest, tmp_path: Path) -> None:
    """Four `elconsole import` processes at once: the same file twice, overlaps, reversed."""
    raws = [raw_record(i, "CONC") for i in range(2000)]
    files = [
        write_jsonl(tmp_path / "a.jsonl", raws[:1200]),
        write_jsonl(tmp_path / "b.jsonl", raws[:1200]),  # the same records at the same moment
        write_jsonl(tmp_path / "c.jsonl", raws[800:]),
        write_jsonl(tmp_path / "d.jsonl", list(reversed(raws[500:1500]))),
    ]
    procs = [
        start_import(server.uri if i % 2 else str(server.path), f) for i, f in enumerate(files)
    ]
    results = [finish(p, timeout=240) for p in procs]
    assert [(code, err) for code, _, err in results] == [(0, "")] * 4
    counts = [summary(out) for _, out, _ in results]
    assert [s + p for s, p, _ in counts] == [1200, 1200, 1200, 1000]
    assert sum(s for s, _, _ in counts) == len(raws)  # each record reported stored once
    with server.client() as probe:
        assert_store_holds_exactly(probe.elconsole, raws)
        assert panel_count(probe) == len(raws)


def test_a_fresh_repository_on_the_restarted_server_reads_everything(
    server: ServerUnderTest,
) -> None:
    raws = [raw_record(i, "RST") for i in range(50)]
    with open_store(StoreTarget(uri=server.uri)) as store:
        store.repo.store_many([V.validate(r) for r in raws])
    server.restart()
    with server.client() as probe:
        repo = PanelRepository(probe.elconsole)
        assert {t.barcode for r in raws for t in repo.lookup(r["barcode"])} == {
            r["barcode"] for r in raws
        }
        assert_store_holds_exactly(probe.elconsole, raws)
        wait_for(lambda: panel_count(probe) == 50)


def test_imports_that_shared_a_server_go_on_when_its_owner_ends(tmp_path: Path) -> None:
    """The first import starts the embedded server and ends early; two others had joined."""
    store = tmp_path / "shared.db"
    owned = [raw_record(i, "OWN") for i in range(1500)]
    small = write_jsonl(tmp_path / "small.jsonl", owned)
    joined = {name: [raw_record(i, name) for i in range(5000)] for name in ("JNA", "JNB")}
    files = {name: write_jsonl(tmp_path / f"{name}.jsonl", raws) for name, raws in joined.items()}
    owner = start_import(str(store), small)
    wait_for(lambda: (tmp_path / "shared.db.port").exists(), what="the owner's server")
    joiners = [start_import(str(store), path) for path in files.values()]
    code, out, err = finish(owner)
    assert code == 0, (out, err)
    for joiner in joiners:
        code, out, err = finish(joiner)
        assert code == 0 and "Traceback" not in err, (out, err)
        stored, present, refused = summary(out)
        assert (stored + present, refused) == (5000, 0)
    with open_store(StoreTarget(path=store)) as done:
        assert_store_holds_exactly(done.db, owned + joined["JNA"] + joined["JNB"])
